"""Prometheus metrics of the HTTP traffic, recorded by api/guards.py, and /metrics to read
them (staff only). Requests are labelled by route template, never by the path as sent.

With several worker processes (`urbandiplo serve --workers N`) each worker writes its values
to files in PROMETHEUS_MULTIPROC_DIR, which must be set before prometheus_client is first
imported in the worker; /metrics, whichever worker answers it, adds them all up."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import Scope

MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")  # read when prometheus_client was
UNMATCHED = "unmatched"  # a request no route answered (404): the path itself is unbounded
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# From a cached list (about a millisecond) to an import of a large file.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# `_created` series double the count of series and do not exist in multiprocess mode: one
# worker or several should expose the same names.
disable_created_metrics()  # type: ignore[no-untyped-call]

REQUESTS = Counter(
    "urbandiplo_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
DURATION = Histogram(
    "urbandiplo_http_request_duration_seconds",
    "Time from a request's arrival to its last body byte handed to the server, by method "
    "and route template.",
    ["method", "route"],
    buckets=BUCKETS,
)
IN_PROGRESS = Gauge(
    "urbandiplo_http_requests_in_progress",
    "Requests being handled now.",
    multiprocess_mode="livesum",
)


class RequestMetrics:
    """Counts and times answered requests. Label children are kept by their values:
    `labels()` costs several times what `inc()` does, on every request."""

    def __init__(self) -> None:
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._timers: dict[tuple[str, str], Any] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        if method not in METHODS:
            method = "other"  # any token is a method to HTTP; labels must stay few
        counter = self._counters.get((method, route, status))
        if counter is None:
            counter = REQUESTS.labels(method, route, str(status))
            self._counters[method, route, status] = counter
        counter.inc()
        timer = self._timers.get((method, route))
        if timer is None:
            timer = self._timers[method, route] = DURATION.labels(method, route)
        timer.observe(seconds)


class RouteTemplates:
    """The route template a request was answered under. Starlette puts the matched route
    in the scope; responses made before routing (a revalidated list's 304, a CORS preflight,
    a 413) are matched against the app's route templates instead, indexed once."""

    def __init__(self) -> None:
        self._exact: dict[str, str] | None = None
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        self._mounts: list[tuple[str, str]] = []

    def __call__(self, scope: Scope, status: int) -> str:
        route = scope.get("route")
        if route is not None:
            template: str | None = getattr(route, "path_format", None)
            return template or UNMATCHED
        if status == 404:
            return UNMATCHED
        if self._exact is None:
            self._index(scope.get("app"))
            assert self._exact is not None
        path: str = scope["path"]
        template = self._exact.get(path)
        if template is not None:
            return template
        for pattern, template in self._patterns:
            if pattern.fullmatch(path):
                return template
        for prefix, template in self._mounts:
            if path.startswith(prefix):
                return template
        return UNMATCHED

    def _index(self, app: Any) -> None:
        exact: dict[str, str] = {}
        for template, mounted in _route_paths(app):
            if mounted:
                self._mounts.append((template.removesuffix("{path}"), template))
            elif "{" not in template:
                exact[template] = template
            elif template not in (known for _, known in self._patterns):
                parts = re.split(r"\{[^}]+\}", template)
                regex = "[^/]+".join(re.escape(part) for part in parts)
                self._patterns.append((re.compile(regex), template))
        self._exact = exact


def _route_paths(app: Any) -> list[tuple[str, bool]]:
    """Every route's path template, and whether it is a mount (e.g. /docs-assets/{path})."""
    routes = getattr(app, "routes", [])
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI lists included routes flat
        found = [
            (getattr(route, "path_format", None), isinstance(route, Mount)) for route in routes
        ]
    else:  # included routers stay nested; their routes are reached through their contexts
        found = [
            (context.path_format, isinstance(context.original_route, Mount))
            for context in iter_route_contexts(routes)
        ]
    return [(path, mounted) for path, mounted in found if path]


def _worker_pids(directory: str) -> list[int]:
    """The workers writing to the directory now. A worker that died (and was replaced)
    leaves its files; its counts stay in the totals, its in-progress gauge is dropped."""
    pids = []
    for file in Path(directory).glob("gauge_live*_*.db"):
        pid = int(file.stem.rsplit("_", 1)[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
            continue
        except PermissionError:
            pass  # alive, another user's
        pids.append(pid)
    return sorted(set(pids))


class WorkerProcesses(Collector):
    """The standard process metrics (CPU, memory, file descriptors, start time) of every
    worker, labelled by pid: in multiprocess mode a worker's own collectors see only it."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def collect(self) -> Iterable[Metric]:
        families: dict[str, Metric] = {}
        for pid in _worker_pids(self.directory):
            process = ProcessCollector(pid=functools.partial(int, pid), registry=None)
            for family in process.collect():
                merged = families.get(family.name)
                if merged is None:
                    merged = Metric(family.name, family.documentation, family.type, family.unit)
                    families[family.name] = merged
                for sample in family.samples:
                    merged.add_sample(sample.name, {**sample.labels, "pid": str(pid)}, sample.value)
        return families.values()


def registry() -> CollectorRegistry:
    """One worker: its own registry, with the process and Python runtime metrics. Several:
    the sum of every worker's files, and each worker's process metrics."""
    if MULTIPROCESS_DIR is None:
        return REGISTRY
    combined = CollectorRegistry()
    MultiProcessCollector(combined, MULTIPROCESS_DIR)  # type: ignore[no-untyped-call]
    combined.register(WorkerProcesses(MULTIPROCESS_DIR))
    return combined


router = APIRouter(tags=["operations"])


# Outside the contract, like the docs pages: an operations endpoint in Prometheus' text
# format, not part of the API. The role table (api/permissions.py) still applies.
@router.get("/metrics", operation_id="metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(
        encode(registry()), media_type=content_type, headers={"Cache-Control": "no-store"}
    )

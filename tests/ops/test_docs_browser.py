"""The docs pages (Swagger UI at /docs, ReDoc at /redoc) rendered by headless Chromium from a
real server, with every name but 127.0.0.1 unresolvable, so that anything fetched from a CDN
would be missing: the rendered DOM must show the API, and the console no CSP refusal.

Needs Debian's `chromium`; skips without it, and fails instead with
URBANDIPLO_REQUIRE_BROWSER=1 (as in CI)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.process.server import start

REQUIRE_BROWSER = os.environ.get("URBANDIPLO_REQUIRE_BROWSER") == "1"
METHODS = ("get", "put", "post", "patch", "delete")
# What the console says when a CSP refuses something (and when a name does not resolve).
REFUSALS = re.compile(r"Content Security Policy|Refused to|ERR_NAME_NOT_RESOLVED", re.IGNORECASE)


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        reason = "no `chromium` on PATH (Debian: apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(f"{reason}; URBANDIPLO_REQUIRE_BROWSER=1 requires it")
        pytest.skip(reason)
    return found


@dataclass
class Page:
    dom: str
    console: list[str]  # the log lines of the page's console

    def refusals(self) -> list[str]:
        return [line for line in self.console if REFUSALS.search(line)]


def render(chromium: str, url: str, profile: Path) -> Page:
    """The DOM once the page's scripts have run, and what it wrote to the console."""
    done = subprocess.run(
        [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--dump-dom",
            "--virtual-time-budget=15000",
            # No name resolves but the server's address: a CDN fetch would fail.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--enable-logging=stderr",
            "--v=0",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return Page(done.stdout, console)


@pytest.fixture(scope="module")
def chromium() -> str:
    return _chromium()


@pytest.fixture(scope="module")
def server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`urbandiplo serve --demo` in a working directory of its own; its base URL."""
    workdir = tmp_path_factory.mktemp("docs-server")
    server = start(None, workdir / "server.log", demo=True)
    try:
        server.wait_ready()
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def contract(server: str) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{server}/openapi.json", timeout=10).json()
    return document


def _operations(contract: dict[str, Any]) -> dict[str, str]:
    """operationId → summary, for every operation of the contract."""
    return {
        operation["operationId"]: operation["summary"]
        for item in contract["paths"].values()
        for method, operation in item.items()
        if method in METHODS
    }


def test_the_console_log_shows_a_csp_refusal(chromium: str, tmp_path: Path) -> None:
    """The control for the checks below: a page whose CSP refuses an image logs it, in the
    form this Chromium writes, so that finding no such line means there was none."""
    page = (
        "data:text/html,<meta http-equiv='Content-Security-Policy' content=\"img-src 'self'\">"
        "<img src='https://cdn.example.org/logo.svg'><p>control</p>"
    )
    rendered = render(chromium, page, tmp_path / "profile")
    assert "<p>control</p>" in rendered.dom
    assert any("cdn.example.org" in line for line in rendered.refusals()), rendered.console


def test_swagger_ui_renders_every_operation(
    chromium: str, server: str, contract: dict[str, Any], tmp_path: Path
) -> None:
    page = render(chromium, f"{server}/docs", tmp_path / "profile")
    assert page.refusals() == []
    dom = page.dom
    assert re.search(r'class="title">urbandiplo\b', dom), "the API's title, rendered"
    assert 'id="operations-partnerships-partnerships-list"' in dom
    summaries = re.findall(r'class="opblock-summary-description">([^<]*)<', dom)
    assert "List partnerships" in summaries
    operations = _operations(contract)
    assert len(re.findall(r'class="opblock opblock-(?:get|put|post|patch|delete)"', dom)) == len(
        operations
    )


def test_redoc_renders_every_operation(
    chromium: str, server: str, contract: dict[str, Any], tmp_path: Path
) -> None:
    page = render(chromium, f"{server}/redoc", tmp_path / "profile")
    assert page.refusals() == [], "ReDoc asked for something the CSP refuses"
    dom = page.dom
    operations = _operations(contract)
    rendered = set(re.findall(r'id="operation/([^"]+)"', dom))
    assert rendered == set(operations)
    # The operation's heading: <h2 ...><a href="#tag/.../operation/partnerships-list"></a>
    # List partnerships </h2>
    heading = re.search(r'<h2[^>]*><a[^>]*operation/partnerships-list"[^>]*></a>([^<]*)</h2>', dom)
    assert heading is not None
    assert html.unescape(heading.group(1)).strip() == operations["partnerships-list"]
    # The samples panel shows the contract's examples: a request (a city to create) and a
    # response (a page of networks from the demo data).
    text = html.unescape(dom)
    assert "Kolozsvár" in text
    assert "German Cities Dialogue (GCD)" in text

"""Scale data and flat costs: 20,000 cities, 100,000 partnerships, 1,000,000 events in a new
PostgreSQL database, and what the website's lists cost on them, through the real server.

The data starts from one city, one partnership and one event written through the domain
services (so every column holds what the service writes), which PostgreSQL then copies
with `generate_series`, varying what a list filters and sorts on. It measures, with the
response cache off and one client (each request's own cost, not throughput):

- the partnership list's first page and its last page (reached through the cursors);
- a month of events and a month filtered by kind and by venue city, at 10,000 events and
  again at 1,000,000 (spread over the same 20 years);
- EXPLAIN of every list filter of partnerships and events at full size: the index used.

    .venv/bin/python bench/scale.py [--partnerships 100000] [--cities 20000] \
        [--events 1000000] [--small-events 10000] [--requests 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import (
    VENV,
    free_port,
    postgres_database,
    process,
    wait_ready,
)

SPAN_START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN_DAYS = 20 * 365  # the large set's span; the small one has as many events a day
MONTH = ("2025-12-01", "2025-12-31")


@dataclass(frozen=True)
class Timing:
    label: str
    p50_ms: float
    p90_ms: float
    items: int


def templates(url: str) -> dict[str, Any]:
    """One city, partnership and event through the services; an editor's key."""
    from urbandiplo.config import Settings
    from urbandiplo.db.engine import make_engine
    from urbandiplo.domain.access import SYSTEM, Role
    from urbandiplo.domain.cities import CityFields
    from urbandiplo.domain.events import EventFields, EventKind
    from urbandiplo.domain.partnerships import PartnershipFields, PartnershipKind
    from urbandiplo.domain.taxonomies import FieldOfAction
    from urbandiplo.domain.values import I18nText
    from urbandiplo.main import build_services

    engine = make_engine(url)
    services = build_services(Settings(database_url=url), engine)
    home = services.cities.create(SYSTEM, CityFields(name="Köln", country_code="DE"))
    city = services.cities.create(
        SYSTEM,
        CityFields(
            name="Vorlage",
            names={"en": "Template"},
            country_code="FR",
            latitude=48.1,
            longitude=2.3,
            population=120_000,
        ),
    )
    partnership = services.partnerships.create(
        SYSTEM,
        PartnershipFields(
            partner_city_id=city.id,
            kind=PartnershipKind.TWINNING,
            established_on=date(1980, 5, 1),
            description=I18nText({"de": "Städtepartnerschaft", "en": "Twinning"}),
            sdgs=(11, 17),
            fields_of_action=(next(iter(FieldOfAction)),),
        ),
    )
    event = services.events.create(
        SYSTEM,
        EventFields(
            title=I18nText({"de": "Veranstaltung", "en": "Event"}),
            kind=next(iter(EventKind)),
            starts_at=SPAN_START,
            ends_at=SPAN_START,
        ),
    )
    _key, plain = services.api_keys.create("scale", Role.EDITOR)
    engine.dispose()
    return {
        "home": home.id,
        "city": city.id,
        "partnership": partnership.id,
        "event": event.id,
        "key": plain,
        "event_kinds": [k.value for k in EventKind],
        "partnership_kinds": [k.value for k in PartnershipKind],
    }


def clone(connection: Any, table: str, template: uuid.UUID, count: int, **exprs: str) -> None:
    """`count` copies of the template row, with `exprs` (SQL over g = 0..count-1 and the
    template row t) in place of those columns."""
    columns = [
        row[0]
        for row in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            (table,),
        )
    ]
    values = [exprs.get(c, "gen_random_uuid()" if c == "id" else f"t.{c}") for c in columns]
    connection.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values).replace('%', '%%')} FROM {table} t, "
        f"generate_series(0, {count - 1}) g "
        "WHERE t.id = %s",
        (template,),
    )


def number_cities(connection: Any) -> None:
    """A temporary table `numbered` (i, id) of the copied cities, for picking one by number."""
    connection.execute(
        "CREATE TEMP TABLE numbered AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id "
        "FROM cities WHERE name LIKE 'Stadt %'"
    )
    connection.execute("CREATE UNIQUE INDEX ON numbered (i)")


def sql_list(values: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


# The statements below are built from numbers and names of this file only.
def fill_cities_and_partnerships(url: str, t: dict[str, Any], cities: int, pairs: int) -> None:
    import psycopg

    countries = ["FR", "PL", "UA", "TR", "IL", "JP", "CN", "BR", "US", "ES", "IT", "GR"]
    with psycopg.connect(url, autocommit=True) as c:
        clone(
            c, "cities", t["city"], cities,
            name="'Stadt ' || g",
            names="jsonb_build_object('en', 'Town ' || g)",
            country_code=f"({sql_list(countries)})[1 + g % {len(countries)}]",
            latitude="-60 + (g % 120)",
            longitude="-170 + (g % 340)",
            population="1000 + g",
            search_text="'stadt ' || g || ' town ' || g",
        )  # fmt: skip
        number_cities(c)
        # Pairs {a, a + d} with d = 1..5 are distinct; the home city's partnerships first.
        side = (
            f"(SELECT id FROM numbered WHERE i = (g % {cities}))",
            f"(SELECT id FROM numbered WHERE i = ((g % {cities}) + g / {cities} + 1) % {cities})",
        )
        kinds = sql_list(t["partnership_kinds"])
        clone(
            c, "partnerships", t["partnership"], pairs,
            city_id=side[0],
            partner_city_id=side[1],
            pair_low_id=f"LEAST({side[0]}, {side[1]})",
            pair_high_id=f"GREATEST({side[0]}, {side[1]})",
            kind=f"({kinds})[1 + g % {len(t['partnership_kinds'])}]",
            # A tenth have no founding day: the list reads them as a second range.
            established_on="CASE WHEN g % 10 = 7 THEN NULL "
            "ELSE DATE '1950-01-01' + (g % 27000) END",
            visibility="CASE WHEN g % 10 = 9 THEN 'internal' ELSE 'public' END",
            created_at="t.created_at + g * interval '1 second'",
            updated_at="t.updated_at + g * interval '1 second'",
        )  # fmt: skip
        for child in ("partnership_sdgs", "partnership_fields_of_action"):
            columns = [
                r[0]
                for r in c.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                    (child,),
                )
                if r[0] != "partnership_id"
            ]
            listed = ", ".join(columns)
            c.execute(
                f"INSERT INTO {child} (partnership_id, {listed}) "
                f"SELECT p.id, {', '.join('s.' + x for x in columns)} FROM partnerships p "
                f"JOIN {child} s ON s.partnership_id = %s WHERE p.id <> %s",
                (t["partnership"], t["partnership"]),
            )
        c.execute("ANALYZE")


def fill_events(url: str, t: dict[str, Any], count: int, per_day: float, cities: int) -> None:
    """`count` events, `per_day` of them a day, the span centred on the measured month: most
    last two hours, some two days, a few a week, one in a hundred a month (exhibitions).
    With the same events a day, ten thousand events cover ten weeks and a million twenty
    years, so that the month holds as many events either way, and only the history grows."""
    import psycopg

    days = count / per_day
    first = datetime(2025, 12, 16, tzinfo=UTC) - timedelta(days=days / 2)
    step = 86400 / per_day
    starts = f"TIMESTAMPTZ '{first.isoformat()}' + (g * {step:.3f}) * interval '1 second'"
    duration = (
        "CASE WHEN g % 100 < 70 THEN interval '2 hours' WHEN g % 100 < 95 THEN interval '2 days' "
        "WHEN g % 100 < 99 THEN interval '7 days' ELSE interval '30 days' END"
    )
    kinds = sql_list(t["event_kinds"])
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DELETE FROM events WHERE id <> %s", (t["event"],))
        number_cities(c)
        clone(
            c, "events", t["event"], count,
            starts_at=starts,
            ends_at=f"{starts} + {duration}",
            ends_by=f"{starts} + {duration}",
            kind=f"({kinds})[1 + g % {len(t['event_kinds'])}]",
            venue_city_id=f"CASE WHEN g % 5 = 4 THEN NULL "
            f"ELSE (SELECT id FROM numbered WHERE i = g % {min(cities, 500)}) END",
            visibility="CASE WHEN g % 10 = 9 THEN 'internal' ELSE 'public' END",
            title="jsonb_build_object('de', 'Veranstaltung ' || g, 'en', 'Event ' || g)",
            search_text="'veranstaltung ' || g || ' event ' || g",
        )  # fmt: skip
        c.execute("ANALYZE events")


def timed(client: httpx.Client, url: str, requests: int, label: str) -> Timing:
    samples = []
    items = 0
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        items = len(response.json()["items"])
    samples.sort()
    return Timing(label, statistics.median(samples), samples[int(len(samples) * 0.9)], items)


def last_pages(client: httpx.Client, base: str) -> tuple[str, str, int]:
    """The URLs of the partnership list's last page of 50 and of its last full page,
    following every cursor from the first page, and the number of partnerships listed."""
    url = f"{base}/v1/partnerships?limit=50"
    seen = 0
    full = url
    while True:
        response = client.get(url)
        response.raise_for_status()
        count = len(response.json()["items"])
        seen += count
        if count == 50:
            full = url
        following = response.links.get("next")
        if following is None:
            return url, full, seen
        nxt = following["url"]
        url = nxt if nxt.startswith("http") else base + nxt


def explain_filters(url: str, t: dict[str, Any]) -> list[tuple[str, str]]:
    """Each list filter's statement as the service runs it, EXPLAINed: the indexes used."""
    from sqlalchemy import event

    from urbandiplo.config import Settings
    from urbandiplo.db.engine import make_engine
    from urbandiplo.domain.access import ANONYMOUS
    from urbandiplo.domain.events import EventKind, EventQuery
    from urbandiplo.domain.listing import PageRequest, Sort
    from urbandiplo.domain.partnerships import PartnershipKind, PartnershipQuery
    from urbandiplo.main import build_services

    engine = make_engine(url)
    services = build_services(Settings(database_url=url), engine)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        captured.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    some_city = t["city"]
    cases: list[tuple[str, Callable[[], Any]]] = []
    partnership_queries = {
        "partnerships: kind": PartnershipQuery(kind=PartnershipKind.TWINNING),
        "partnerships: city_id": PartnershipQuery(city_id=some_city),
        "partnerships: country_code": PartnershipQuery(country_code="JP"),
        "partnerships: established_from/to": PartnershipQuery(
            established_from=date(1990, 1, 1), established_to=date(1990, 12, 31)
        ),
        "partnerships: sdg": PartnershipQuery(sdg=11),
        "partnerships: modified_since": PartnershipQuery(
            modified_since=datetime(2030, 1, 1, tzinfo=UTC)
        ),
    }
    for label, pq in partnership_queries.items():
        cases.append(
            (
                label,
                lambda pq=pq: services.partnerships.list_page(
                    ANONYMOUS, pq, Sort("established_on"), PageRequest(50, None)
                ),
            )
        )
    event_queries = {
        "events: month": EventQuery(from_=date(2025, 12, 1), to=date(2025, 12, 31)),
        "events: month, kind": EventQuery(
            from_=date(2025, 12, 1), to=date(2025, 12, 31), kind=list(EventKind)[1]
        ),
        "events: city_id": EventQuery(city_id=some_city),
        "events: modified_since": EventQuery(modified_since=datetime(2030, 1, 1, tzinfo=UTC)),
    }
    for label, eq in event_queries.items():
        cases.append(
            (
                label,
                lambda eq=eq: services.events.list_page(
                    ANONYMOUS, eq, Sort("starts_at"), PageRequest(50, None)
                ),
            )
        )
    plans = []
    for label, run in cases:
        captured.clear()
        run()
        pages = [(sql, params) for sql, params in captured if "LIMIT" in sql]
        described = []
        for statement, params in pages:  # a window's list reads two ranges
            with engine.connect() as connection:
                raw = connection.connection.driver_connection
                assert raw is not None
                plan = [
                    r[0] for r in raw.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {statement}", params)
                ]
            scans = sorted(
                {line.split(" on ")[0].strip(" ->") + " " + line.split(" on ")[1].split()[0]
                 for line in plan
                 if " on " in line and "Scan" in line and "never executed" not in line
                 and not line.strip(" ->").startswith(("Index Scan using pk_", "Index Only"))}
            )  # fmt: skip
            total = next((line for line in plan if line.startswith("Execution Time")), "")
            described.append(f"{'; '.join(scans)} ({total.split(': ')[-1]})")
        plans.append((label, " / then: ".join(described)))
    engine.dispose()
    return plans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cities", type=int, default=20_000)
    parser.add_argument("--partnerships", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--small-events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    from urbandiplo.db import migrate

    timings: list[Timing] = []
    with tempfile.TemporaryDirectory() as tmp, postgres_database() as url:
        work = Path(tmp)
        migrate.upgrade(url)
        t = templates(url)
        started = time.perf_counter()
        fill_cities_and_partnerships(url, t, args.cities, args.partnerships)
        print(f"cities and partnerships: {time.perf_counter() - started:.1f} s", flush=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [str(VENV / "urbandiplo"), "serve", "--port", str(port), "--database-url", url]
        env = {"URBANDIPLO_RESPONSE_CACHE_MB": "0", "URBANDIPLO_LOG_LEVEL": "WARNING"}
        month = f"{base}/v1/events?from={MONTH[0]}&to={MONTH[1]}"
        kind = t["event_kinds"][1]

        def events_timings(size: int) -> None:
            started = time.perf_counter()
            fill_events(url, t, size, args.events / SPAN_DAYS, args.cities)
            print(f"{size:,} events: {time.perf_counter() - started:.1f} s", flush=True)
            city = f"{month}&city_id={_first_city(url)}"
            with process(command, env, work / f"server-{size}.log"), httpx.Client() as client:
                wait_ready(f"{base}/readyz")
                for label, target in (
                    ("a month", month),
                    (f"a month, kind={kind}", f"{month}&kind={kind}"),
                    ("a month, one venue city", city),
                ):
                    timings.append(
                        timed(client, target, args.requests, f"events {size:,}: {label}")
                    )

        with process(command, env, work / "server.log"), httpx.Client() as client:
            wait_ready(f"{base}/readyz")
            last, last_full, seen = last_pages(client, base)
            print(f"partnerships listed: {seen:,}", flush=True)
            first = f"{base}/v1/partnerships?limit=50"
            timings.append(timed(client, first, args.requests, "partnerships: first page"))
            timings.append(timed(client, last_full, args.requests, "partnerships: last full page"))
            timings.append(timed(client, last, args.requests, "partnerships: last page"))
        events_timings(args.small_events)
        events_timings(args.events)
        plans = explain_filters(url, t)
    print("\n| request | p50 ms | p90 ms | items |\n|---|---:|---:|---:|")
    for timing in timings:
        print(f"| {timing.label} | {timing.p50_ms:.2f} | {timing.p90_ms:.2f} | {timing.items} |")
    by_label = {timing.label: timing for timing in timings}
    print("\nratios (p50):")
    first = by_label["partnerships: first page"]
    for label in ("last full page", "last page"):
        ratio = by_label[f"partnerships: {label}"].p50_ms / first.p50_ms
        print(f"  partnerships, {label} / first page: {ratio:.2f}")
    for label in ("a month", f"a month, kind={kind}", "a month, one venue city"):
        big = by_label[f"events {args.events:,}: {label}"].p50_ms
        small = by_label[f"events {args.small_events:,}: {label}"].p50_ms
        print(f"  {label}: {args.events:,} / {args.small_events:,} events: {big / small:.2f}")
    print("\n| list filter | plan at full size |\n|---|---|")
    for label, plan in plans:
        print(f"| {label} | {plan} |")
    return 0


def _first_city(url: str) -> uuid.UUID:
    """A venue city of events (one of the first 500 numbered cities)."""
    import psycopg

    with psycopg.connect(url) as c:
        row = c.execute(
            "SELECT venue_city_id FROM events WHERE venue_city_id IS NOT NULL "
            "AND visibility = 'public' LIMIT 1"
        ).fetchone()
        assert row is not None
        return uuid.UUID(str(row[0]))


if __name__ == "__main__":
    raise SystemExit(main())

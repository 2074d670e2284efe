"""/v1/funding-calls.atom, read back by a real feed parser (feedparser), as a reader would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import feedparser
from fastapi.testclient import TestClient


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def read(client: TestClient, **params: str) -> Any:
    response = client.get("/v1/funding-calls.atom", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_open_and_forthcoming_public_calls_for_anyone(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    cerv = post(
        app_client, "/v1/funding-programmes", editor, name="CERV", acronym="CERV", level="eu"
    )
    fund = post(
        app_client, "/v1/funding-programmes", editor, name="Fördertopf KEZ", level="municipal"
    )
    hidden = post(
        app_client,
        "/v1/funding-programmes",
        editor,
        name="Vertrauliches Programm",
        level="eu",
        visibility="internal",
    )
    today = datetime.now(UTC).date()

    def call(programme: dict[str, Any], title: str, opens: date, days: int, **more: Any) -> Any:
        deadline = datetime.now(UTC) + timedelta(days=days)
        return post(
            app_client,
            "/v1/funding-calls",
            editor,
            programme_id=programme["id"],
            title={"de": title, "en": f"{title} (en)"},
            opens_on=opens.isoformat(),
            deadline=deadline.isoformat(),
            **more,
        )

    town = call(
        cerv,
        "Städtepartnerschaften <script>alert(1)</script> & mehr\x07",
        today - timedelta(days=30),
        20,
        identifier="CERV-2026-CITIZENS-TOWN-TT",
        budget={"amount": "4000000.00", "currency": "EUR"},
        description={"de": "Begegnungen von Bürgerinnen und Bürgern"},
        url="https://ec.europa.eu/info/funding-tenders/opportunities/portal/",
        fields_of_action=["city_and_project_partnerships"],
        sdgs=[16, 10],
        applicant_kinds=["association", "public_body"],
    )
    assert town["sdgs"] == [10, 16]
    assert town["applicant_kinds"] == ["association", "public_body"]
    networks = call(cerv, "Netzwerke von Städten", today + timedelta(days=10), 60)
    kez = call(fund, "Fördertopf 2027", today - timedelta(days=1), 5)
    call(cerv, "Abgelaufen", today - timedelta(days=90), -1)
    call(cerv, "Intern", today, 30, visibility="internal")
    call(hidden, "Im internen Programm", today, 30)

    feed = read(app_client)
    assert feed.feed.title == "Förderaufrufe"
    assert feed.feed.language == "de"
    by_id = {entry.id: entry for entry in feed.entries}
    assert list(by_id) == [f"urn:uuid:{c['id']}" for c in (kez, town, networks)], (
        "the open and forthcoming public calls, soonest deadline first"
    )
    entry = by_id[f"urn:uuid:{town['id']}"]
    assert entry.title == "Städtepartnerschaften <script>alert(1)</script> & mehr", (
        "text is escaped, not markup, and characters XML cannot carry are dropped"
    )
    assert entry.link == town["url"]
    assert {t.term for t in entry.tags} == {"open", "eu", "CERV"}
    assert "Budget: 4000000.00 EUR" in entry.content[0].value
    assert entry.summary == "Begegnungen von Bürgerinnen und Bürgern"
    opened = datetime.combine(today - timedelta(days=30), datetime.min.time(), UTC)
    assert datetime(*entry.updated_parsed[:6], tzinfo=UTC) >= opened
    upcoming = by_id[f"urn:uuid:{networks['id']}"]
    assert upcoming.link.endswith(f"/v1/funding-calls/{networks['id']}")
    assert "forthcoming" in {t.term for t in upcoming.tags}
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        "http://testserver/v1/funding-calls.atom"
    ]
    assert b"<script>" not in app_client.get("/v1/funding-calls.atom").content

    # The same for staff: a feed is public whoever asks.
    as_staff = app_client.get("/v1/funding-calls.atom", headers=editor)
    assert b"Intern" not in as_staff.content
    assert as_staff.content == app_client.get("/v1/funding-calls.atom").content

    english = read(app_client, lang="en")
    assert english.feed.language == "en"
    assert english.entries[0].title == "Fördertopf 2027 (en)"
    assert [e.id for e in english.entries] == list(by_id), "ids do not depend on the language"
    assert english.feed.id != feed.feed.id, "a feed's id names its language and filters"

    assert [e.title for e in read(app_client, level="municipal").entries] == ["Fördertopf 2027"]
    only_cerv = read(app_client, programme_id=cerv["id"]).entries
    assert [e.title for e in only_cerv] == [
        by_id[f"urn:uuid:{town['id']}"].title,
        networks["title"]["de"],
    ]
    assert [e.title for e in read(app_client, q="netzwerke").entries] == ["Netzwerke von Städten"]
    assert read(app_client, level="state").entries == []
    town_id = f"urn:uuid:{town['id']}"
    assert [e.id for e in read(app_client, sdg="16").entries] == [town_id]
    themed = read(app_client, field_of_action="city_and_project_partnerships").entries
    assert [e.id for e in themed] == [town_id]
    for_companies = read(app_client, applicant_kind="company").entries
    assert town_id not in {e.id for e in for_companies}, "open to associations and bodies only"
    assert len(for_companies) == 2, "calls that name no applicant kind are open to any"
    assert town_id in {e.id for e in read(app_client, applicant_kind="association").entries}
    assert app_client.get("/v1/funding-calls.atom", params={"lang": "fr"}).status_code == 422


def test_the_feed_revalidates_and_changes_with_a_call(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    programme = post(app_client, "/v1/funding-programmes", editor, name="CERV", level="eu")
    empty = read(app_client)
    assert empty.entries == []
    first = app_client.get("/v1/funding-calls.atom")
    etag = first.headers["etag"]
    again = app_client.get("/v1/funding-calls.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    created = post(
        app_client,
        "/v1/funding-calls",
        editor,
        programme_id=programme["id"],
        title={"de": "Aufruf"},
        opens_on=datetime.now(UTC).date().isoformat(),
        deadline=(datetime.now(UTC) + timedelta(days=3)).isoformat(),
    )
    changed = app_client.get("/v1/funding-calls.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    before = feedparser.parse(changed.content).entries[0]
    item = f"/v1/funding-calls/{created['id']}"
    current = app_client.get(item, headers=editor).headers["etag"]
    response = app_client.patch(
        item, json={"title": {"de": "Aufruf (verlängert)"}}, headers={**editor, "If-Match": current}
    )
    assert response.status_code == 200, response.text
    after = read(app_client).entries[0]
    assert after.id == before.id, "an edited call keeps its entry id"
    assert after.title == "Aufruf (verlängert)"
    assert after.updated_parsed >= before.updated_parsed

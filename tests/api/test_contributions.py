"""Contributions: an organisation's contributor drafts, the office reviews and publishes; the
published event is public, the contribution never; another organisation's is a 404."""

from __future__ import annotations

import itertools
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from tests.conftest import headers
from urbandiplo.domain.contributions import (
    BY_CONTRIBUTOR,
    BY_OFFICE,
    CONTRIBUTIONS,
    ContributionStatus,
)

C = ContributionStatus
EVENT: dict[str, Any] = {
    "title": {"de": "Ukrainischer Abend", "en": "Ukrainian evening"},
    "kind": "exchange",
    "starts_at": "2026-03-14T19:00:00+01:00",
    "ends_at": "2026-03-14T22:00:00+01:00",
    "venue": {"name": "Bürgerzentrum Ehrenfeld", "address": "Venloer Straße 429"},
    "sdgs": [16],
}


def draft(client: TestClient, who: dict[str, str], **event: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/contributions",
        json={"kind": "event", "event": {**EVENT, **event}, "message": "Bitte aufnehmen"},
        headers=headers(who),
    )
    assert response.status_code == 201, response.text
    return response.json()


def move(
    client: TestClient,
    caller: dict[str, str],
    contribution: dict[str, Any],
    status: str,
    **body: Any,
) -> Any:
    return client.post(
        f"/v1/contributions/{contribution['id']}/transitions",
        json={"status": status, **body},
        headers=caller,
    )


def test_the_whole_story_from_draft_to_the_public_calendar(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    a, editor = contributors["A"], keys["editor"]
    created = draft(app_client, a)
    assert created["status"] == "draft"
    assert created["organisation_id"] == a["organisation_id"]
    assert created["organisation"]["name"] == "Freundeskreis A e.V."
    assert created["record_id"] is None
    before = {c["seq"] for c in app_client.get("/v1/changes").json()["items"]}
    assert "Ukrainischer" not in app_client.get("/v1/changes", headers=editor).text

    assert move(app_client, headers(a), created, "submitted").status_code == 200
    asked = move(app_client, editor, created, "changes_requested", note="Bitte mit Uhrzeit Ende")
    assert asked.status_code == 200, asked.text
    seen = app_client.get(f"/v1/contributions/{created['id']}", headers=headers(a)).json()
    assert seen["history"][-1]["note"] == "Bitte mit Uhrzeit Ende", "the office's note reaches it"

    changed = app_client.patch(
        f"/v1/contributions/{created['id']}",
        json={"event": {**EVENT, "title": {"de": "Ukrainischer Abend mit Lesung"}}},
        headers=headers(a),
    )
    assert changed.status_code == 200, changed.text
    assert move(app_client, headers(a), created, "submitted").status_code == 200
    assert app_client.get("/v1/events").json()["items"] == [], "nothing public before publishing"

    published = move(app_client, editor, created, "published")
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["status"] == "published"
    assert [(s["from_status"], s["to_status"]) for s in body["history"]] == [
        ("draft", "submitted"),
        ("submitted", "changes_requested"),
        ("changes_requested", "submitted"),
        ("submitted", "published"),
    ]
    event_id = body["record_id"]
    assert event_id is not None

    events = app_client.get("/v1/events").json()["items"]
    assert [e["id"] for e in events] == [event_id]
    assert events[0]["title"]["de"] == "Ukrainischer Abend mit Lesung"
    assert [o["name"] for o in events[0]["organisers"]] == ["Freundeskreis A e.V."]
    assert events[0]["audience"] == "public"
    assert "Ukrainischer Abend mit Lesung" in app_client.get("/v1/events.ics").text
    feed = [c for c in app_client.get("/v1/changes").json()["items"] if c["seq"] not in before]
    assert [(c["type"], c["id"]) for c in feed] == [("events", event_id)]


def test_a_contribution_changes_an_event_its_organisation_organises(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    a, b, editor = contributors["A"], contributors["B"], keys["editor"]
    first = draft(app_client, a)
    move(app_client, headers(a), first, "submitted")
    event_id = move(app_client, editor, first, "published").json()["record_id"]

    refused = app_client.post(
        "/v1/contributions",
        json={"kind": "event", "event": EVENT, "record_id": event_id},
        headers=headers(b),
    )
    assert refused.status_code == 422, "not B's event"
    assert refused.json()["errors"][0]["field"] == "record_id"

    change = app_client.post(
        "/v1/contributions",
        json={
            "kind": "event",
            "event": {**EVENT, "starts_at": "2026-03-14T20:00:00+01:00"},
            "record_id": event_id,
        },
        headers=headers(a),
    ).json()
    move(app_client, headers(a), change, "submitted")
    assert move(app_client, editor, change, "published").json()["record_id"] == event_id
    event = app_client.get(f"/v1/events/{event_id}").json()
    assert event["starts_at"] == "2026-03-14T20:00:00+01:00"
    assert len(app_client.get("/v1/events").json()["items"]) == 1


@pytest.mark.parametrize(("current", "target"), list(itertools.product(C, C)))
def test_the_workflow_table_and_who_moves(current: C, target: C) -> None:
    allowed = target in CONTRIBUTIONS.transitions[current]
    expected = {
        (C.DRAFT, C.SUBMITTED),
        (C.DRAFT, C.WITHDRAWN),
        (C.SUBMITTED, C.CHANGES_REQUESTED),
        (C.SUBMITTED, C.PUBLISHED),
        (C.SUBMITTED, C.DECLINED),
        (C.SUBMITTED, C.WITHDRAWN),
        (C.CHANGES_REQUESTED, C.SUBMITTED),
        (C.CHANGES_REQUESTED, C.WITHDRAWN),
    }
    assert allowed == ((current, target) in expected)
    assert target not in BY_CONTRIBUTOR or target not in BY_OFFICE


def test_each_side_makes_its_own_moves_only(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    a, editor = contributors["A"], keys["editor"]
    created = draft(app_client, a)
    assert move(app_client, editor, created, "submitted").status_code == 403
    assert move(app_client, headers(a), created, "submitted").status_code == 200
    assert move(app_client, headers(a), created, "published").status_code == 403
    not_allowed = move(app_client, editor, created, "draft")
    assert not_allowed.status_code == 409
    assert set(not_allowed.json()["allowed"]) == {
        "changes_requested",
        "published",
        "declined",
        "withdrawn",
    }
    assert move(app_client, keys["reader"], created, "declined").status_code == 403
    assert move(app_client, {}, created, "declined").status_code == 401
    assert move(app_client, editor, created, "declined", note="Kein Bezug").status_code == 200
    final = move(app_client, headers(a), created, "withdrawn")
    assert final.status_code == 409
    assert final.json()["allowed"] == []


def test_who_edits_when(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    a, editor = contributors["A"], keys["editor"]
    created = draft(app_client, a)
    url = f"/v1/contributions/{created['id']}"
    assert app_client.patch(url, json={"message": "Neu"}, headers=editor).status_code == 403
    move(app_client, headers(a), created, "submitted")
    assert app_client.patch(url, json={"message": "Neu"}, headers=headers(a)).status_code == 403
    fixed = app_client.patch(
        url, json={"event": {**EVENT, "title": {"de": "Korrigiert"}}}, headers=editor
    )
    assert fixed.status_code == 200, "staff may edit a submitted draft"
    assert fixed.json()["event"]["title"] == {"de": "Korrigiert"}
    assert app_client.delete(url, headers=headers(a)).status_code == 403, "withdraw first"
    move(app_client, headers(a), created, "withdrawn")
    assert app_client.delete(url, headers=headers(a)).status_code == 204
    assert app_client.get(url, headers=headers(a)).status_code == 404


def test_another_organisations_contribution_is_not_there(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    a, b = contributors["A"], contributors["B"]
    theirs = draft(app_client, b, title={"de": "Kanarienvogel B"})
    mine = draft(app_client, a)
    url = f"/v1/contributions/{theirs['id']}"
    for response in (
        app_client.get(url, headers=headers(a)),
        app_client.patch(url, json={"message": "x"}, headers=headers(a)),
        app_client.delete(url, headers=headers(a)),
        move(app_client, headers(a), theirs, "withdrawn"),
    ):
        assert response.status_code == 404, response.text
        assert "Kanarienvogel" not in response.text
    listed = app_client.get("/v1/contributions", headers=headers(a)).json()["items"]
    assert [c["id"] for c in listed] == [mine["id"]]
    filtered = app_client.get(
        "/v1/contributions", params={"organisation_id": b["organisation_id"]}, headers=headers(a)
    )
    assert filtered.json()["items"] == []
    assert (
        "Kanarienvogel"
        not in app_client.get(
            "/v1/contributions", params={"q": "Kanarienvogel"}, headers=headers(a)
        ).text
    )
    posing = app_client.post(
        "/v1/contributions",
        json={"kind": "event", "event": EVENT, "organisation_id": b["organisation_id"]},
        headers=headers(a),
    )
    assert posing.status_code == 422
    assert posing.json()["errors"][0]["field"] == "organisation_id"
    staff = app_client.get("/v1/contributions", headers=keys["reader"]).json()["items"]
    assert {c["id"] for c in staff} == {mine["id"], theirs["id"]}, "staff see every one"
    assert app_client.get(url, headers=keys["reader"]).status_code == 200


def test_a_contributor_has_no_staff_rights_and_sees_what_the_website_sees(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    a = contributors["A"]
    made = app_client.post(
        "/v1/cities", json={"name": "Dnipro", "country_code": "UA"}, headers=headers(a)
    )
    assert made.status_code == 403
    internal = app_client.post(
        "/v1/cities",
        json={"name": "Geheim", "country_code": "DE", "visibility": "internal"},
        headers=keys["editor"],
    )
    assert internal.status_code == 201
    assert app_client.get("/v1/cities", headers=headers(a)).json()["items"] == []
    own = app_client.get("/v1/contributions", headers=headers(a))
    assert own.headers["cache-control"] == "private, no-cache", "never for shared caches"
    # Links to records the website cannot see are refused as if they did not exist.
    hidden = app_client.post(
        "/v1/contributions",
        json={
            "kind": "event",
            "event": {**EVENT, "venue": {"name": "x", "city_id": internal.json()["id"]}},
        },
        headers=headers(a),
    )
    assert hidden.status_code == 422
    assert hidden.json()["errors"][0]["field"] == "event.venue.city_id"


def test_a_contribution_needs_its_proposal(
    app_client: TestClient, contributors: dict[str, dict[str, str]]
) -> None:
    response = app_client.post(
        "/v1/contributions", json={"kind": "event"}, headers=headers(contributors["A"])
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "event"


def test_staff_enter_a_contribution_for_an_organisation(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    nameless = app_client.post(
        "/v1/contributions", json={"kind": "event", "event": EVENT}, headers=editor
    )
    assert nameless.status_code == 422
    made = app_client.post(
        "/v1/contributions",
        json={
            "kind": "event",
            "event": EVENT,
            "organisation_id": contributors["B"]["organisation_id"],
        },
        headers=editor,
    )
    assert made.status_code == 201, made.text
    assert (
        app_client.get(
            f"/v1/contributions/{made.json()['id']}", headers=headers(contributors["B"])
        ).status_code
        == 200
    )


NEWS: dict[str, Any] = {
    "title": {"de": "Ein Jahr Freundeskreis", "en": "One year of our association"},
    "summary": {"de": "Rückblick"},
    "body": {"de": "Wir haben **drei Rettungswagen** begleitet. <script>x()</script>"},
}


def test_a_news_item_from_draft_to_the_public_feed(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    a, b, editor = contributors["A"], contributors["B"], keys["editor"]
    response = app_client.post(
        "/v1/contributions", json={"kind": "news", "news": NEWS}, headers=headers(a)
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["news"]["body"] == NEWS["body"]
    assert created["event"] is None
    assert move(app_client, headers(a), created, "submitted").status_code == 200
    assert app_client.get("/v1/news").json()["items"] == []
    assert "Freundeskreis" not in app_client.get("/v1/news.atom").text
    assert "Freundeskreis" not in app_client.get("/v1/news", headers=editor).text, (
        "nothing of it is a news item before it is published"
    )

    published = move(app_client, editor, created, "published")
    assert published.status_code == 200, published.text
    news_id = published.json()["record_id"]
    item = app_client.get(f"/v1/news/{news_id}").json()
    assert item["author"]["name"] == "Freundeskreis A e.V."
    assert "<strong>drei Rettungswagen</strong>" in item["body_html"]["de"]
    assert "<script>" not in item["body_html"]["de"]
    feed = feedparser.parse(app_client.get("/v1/news.atom").content)
    assert not feed.bozo
    assert [e.id for e in feed.entries] == [f"urn:uuid:{news_id}"]
    assert feed.entries[0].author == "Freundeskreis A e.V."

    refused = app_client.post(
        "/v1/contributions",
        json={"kind": "news", "news": NEWS, "record_id": news_id},
        headers=headers(b),
    )
    assert refused.status_code == 422, "not B's news item"
    assert refused.json()["errors"][0]["field"] == "record_id"
    change = app_client.post(
        "/v1/contributions",
        json={"kind": "news", "news": {**NEWS, "title": {"de": "Ein Jahr!"}}, "record_id": news_id},
        headers=headers(a),
    ).json()
    move(app_client, headers(a), change, "submitted")
    assert move(app_client, editor, change, "published").json()["record_id"] == news_id
    assert app_client.get(f"/v1/news/{news_id}").json()["title"] == {"de": "Ein Jahr!"}
    assert len(app_client.get("/v1/news").json()["items"]) == 1


def test_a_proposal_of_the_other_kind_is_refused(
    app_client: TestClient, contributors: dict[str, dict[str, str]]
) -> None:
    response = app_client.post(
        "/v1/contributions",
        json={"kind": "news", "news": NEWS, "event": EVENT},
        headers=headers(contributors["A"]),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["event"]
    hidden = app_client.post(
        "/v1/contributions",
        json={
            "kind": "news",
            "news": {**NEWS, "partnership_ids": [contributors["B"]["organisation_id"]]},
        },
        headers=headers(contributors["A"]),
    )
    assert hidden.status_code == 422
    assert hidden.json()["errors"][0]["field"] == "news.partnership_ids.0"

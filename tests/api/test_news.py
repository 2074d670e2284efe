"""/v1/news and /v1/news.atom: Markdown rendered safely, links shown as their records are,
the feed read back by a real feed parser."""

from __future__ import annotations

from typing import Any

import feedparser
from fastapi.testclient import TestClient


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def world(client: TestClient, editor: dict[str, str]) -> dict[str, Any]:
    koeln = post(client, "/v1/cities", editor, name="Köln", country_code="DE")
    dnipro = post(client, "/v1/cities", editor, name="Dnipro", country_code="UA")
    secret = post(
        client, "/v1/cities", editor, name="Geheim", country_code="FR", visibility="internal"
    )
    return {
        "twinning": post(
            client,
            "/v1/partnerships",
            editor,
            city_id=koeln["id"],
            partner_city_id=dnipro["id"],
            kind="twinning",
            status="active",
        ),
        "hidden": post(
            client,
            "/v1/partnerships",
            editor,
            city_id=koeln["id"],
            partner_city_id=secret["id"],
            kind="friendship",
            status="active",
        ),
        "association": post(
            client,
            "/v1/organisations",
            editor,
            name="Freundeskreis Köln-Dnipro e.V.",
            kind="association",
        ),
        "internal_author": post(
            client,
            "/v1/organisations",
            editor,
            name="Interner Arbeitskreis",
            kind="other",
            visibility="internal",
        ),
    }


def test_news_with_a_safe_body_and_links_as_their_records_show(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    records = world(app_client, editor)
    item = post(
        app_client,
        "/v1/news",
        editor,
        title={"de": "Ein Jahr Partnerschaft", "en": "One year of twinning"},
        summary={"de": "Rückblick"},
        body={
            "de": "**Fett** <script>alert(1)</script> [böse](javascript:alert(1)) "
            "[gut](https://example.org) <img src=x onerror=alert(1)>",
            "en": "*Bold* text",
        },
        published_at="2025-09-25T10:00:00+02:00",
        author_id=records["association"]["id"],
        partnership_ids=[records["twinning"]["id"], records["hidden"]["id"]],
        notes="intern: Fotos fehlen noch",
    )
    html = item["body_html"]["de"]
    assert "<strong>Fett</strong>" in html
    assert '<a href="https://example.org">gut</a>' in html
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html, "an unsafe link is not made a link"
    assert "&lt;script&gt;" in html, "raw HTML is shown as text"
    assert item["body_html"]["en"] == "<p><em>Bold</em> text</p>\n"
    assert item["published_at"] == "2025-09-25T08:00:00+00:00"
    assert item["author"]["name"] == "Freundeskreis Köln-Dnipro e.V."
    assert item["partnership_ids"] == [records["twinning"]["id"], records["hidden"]["id"]]

    public = app_client.get(f"/v1/news/{item['id']}")
    assert public.status_code == 200
    shown = public.json()
    assert shown["partnership_ids"] == [records["twinning"]["id"]], (
        "a partnership with an internal city is left out for the public"
    )
    assert "notes" not in shown
    assert "visibility" not in shown
    assert shown["body_html"] == item["body_html"]

    by_internal = post(
        app_client,
        "/v1/news",
        editor,
        title={"de": "Vom Arbeitskreis"},
        body={"de": "Text"},
        author_id=records["internal_author"]["id"],
    )
    assert app_client.get(f"/v1/news/{by_internal['id']}").json()["author"] is None
    internal = post(
        app_client,
        "/v1/news",
        editor,
        title={"de": "Intern"},
        body={"de": "x"},
        visibility="internal",
    )
    assert app_client.get(f"/v1/news/{internal['id']}").status_code == 404
    titles = [n["title"]["de"] for n in app_client.get("/v1/news").json()["items"]]
    assert titles == ["Vom Arbeitskreis", "Ein Jahr Partnerschaft"], "newest first, public only"
    staff = [n["title"]["de"] for n in app_client.get("/v1/news", headers=editor).json()["items"]]
    assert set(staff) == {"Vom Arbeitskreis", "Ein Jahr Partnerschaft", "Intern"}

    about = app_client.get("/v1/news", params={"partnership_id": records["twinning"]["id"]})
    assert [n["id"] for n in about.json()["items"]] == [item["id"]]
    hidden = app_client.get("/v1/news", params={"partnership_id": records["hidden"]["id"]})
    assert hidden.json()["items"] == [], "a filter on a hidden record matches nothing"
    assert [
        n["id"] for n in app_client.get("/v1/news", params={"q": "partnerschaft"}).json()["items"]
    ] == [item["id"]]
    found = app_client.get("/v1/search", params={"q": "Rückblick"}).json()["items"]
    assert [(r["type"], r["id"]) for r in found] == [("news", item["id"])]
    changes = app_client.get("/v1/changes", params={"since": 0}).json()["items"]
    assert item["id"] in {c["id"] for c in changes if c["type"] == "news"}
    assert internal["id"] not in {c["id"] for c in changes}

    unknown = app_client.post(
        "/v1/news",
        json={"title": {"de": "x"}, "body": {"de": "x"}, "event_ids": [records["twinning"]["id"]]},
        headers=editor,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "event_ids.0"
    assert (
        app_client.post("/v1/news", json={"title": {"de": "x"}, "body": {"de": "x"}}).status_code
        == 401
    )

    etag = app_client.get(f"/v1/news/{item['id']}", headers=editor).headers["etag"]
    changed = app_client.patch(
        f"/v1/news/{item['id']}",
        json={"body": {"de": "# Neu"}, "partnership_ids": []},
        headers={**editor, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["body_html"] == {"de": "<h1>Neu</h1>\n"}
    assert changed.json()["partnership_ids"] == []
    assert changed.json()["author_id"] == records["association"]["id"], "unchanged fields stay"
    deleted = app_client.delete(
        f"/v1/news/{item['id']}",
        headers={
            **editor,
            "If-Match": app_client.get(f"/v1/news/{item['id']}", headers=editor).headers["etag"],
        },
    )
    assert deleted.status_code == 204
    assert app_client.get(f"/v1/news/{item['id']}").status_code == 404


def test_the_news_feed_is_atom(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    editor = keys["editor"]
    records = world(app_client, editor)
    older = post(
        app_client,
        "/v1/news",
        editor,
        title={"de": "Fair Trade Night", "en": "Fair Trade Night (en)"},
        body={"de": "Mit <b>Musik</b> & Gästen\x07", "en": "With music"},
        published_at="2025-05-06T18:00:00+02:00",
    )
    newer = post(
        app_client,
        "/v1/news",
        editor,
        title={"de": "Partnerschaftsjubiläum"},
        summary={"de": "Ein Jahr"},
        body={"de": "**Ein Jahr** Köln und Dnipro"},
        published_at="2025-09-25T10:00:00+02:00",
        author_id=records["association"]["id"],
        partnership_ids=[records["twinning"]["id"]],
    )
    post(
        app_client,
        "/v1/news",
        editor,
        title={"de": "Intern"},
        body={"de": "x"},
        visibility="internal",
    )

    response = app_client.get("/v1/news.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Neuigkeiten"
    assert [e.id for e in feed.entries] == [f"urn:uuid:{newer['id']}", f"urn:uuid:{older['id']}"]
    first = feed.entries[0]
    assert first.title == "Partnerschaftsjubiläum"
    assert first.author == "Freundeskreis Köln-Dnipro e.V."
    assert first.summary == "Ein Jahr"
    assert first.content[0].type == "text/html"
    assert "<strong>Ein Jahr</strong>" in first.content[0].value
    assert first.link.endswith(f"/v1/news/{newer['id']}")
    assert first.published_parsed[:5] == (2025, 9, 25, 8, 0)
    assert "&lt;b&gt;Musik&lt;/b&gt;" in feed.entries[1].content[0].value

    english = feedparser.parse(app_client.get("/v1/news.atom", params={"lang": "en"}).content)
    assert not english.bozo
    assert [e.title for e in english.entries] == ["Partnerschaftsjubiläum", "Fair Trade Night (en)"]
    about = feedparser.parse(
        app_client.get(
            "/v1/news.atom", params={"partnership_id": records["twinning"]["id"]}
        ).content
    )
    assert [e.id for e in about.entries] == [f"urn:uuid:{newer['id']}"]

    etag = response.headers["etag"]
    assert app_client.get("/v1/news.atom", headers={"If-None-Match": etag}).status_code == 304
    assert app_client.get("/v1/news.atom", headers=editor).content == response.content, (
        "the feed is public whoever asks"
    )

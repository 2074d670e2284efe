"""/v1/search across every resource: ranked, transliterated, visibility-aware."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.main import build_services


def search(
    client: TestClient, q: str, headers: dict[str, str] | None = None, **params: Any
) -> list[Any]:
    response = client.get("/v1/search", params={"q": q, **params}, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_dnipro_finds_the_partnership_its_events_delegations_and_projects(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    load(build_services(settings, db))
    editor, reader = keys["editor"], keys["reader"]
    dnipro = next(
        c
        for c in app_client.get("/v1/cities", params={"q": "dnipro"}).json()["items"]
        if c["country_code"] == "UA"
    )
    trip = post(
        app_client,
        "/v1/delegations",
        editor,
        direction="outgoing",
        title={"de": "Hilfsgüter-Übergabe"},
        starts_on="2025-06-02",
        city_ids=[dnipro["id"]],
    )
    secret = post(
        app_client,
        "/v1/organisations",
        editor,
        name="Verein Dnipro intern",
        kind="association",
        visibility="internal",
    )
    public = search(app_client, "Dnipro")
    kinds = {item["type"] for item in public}
    assert {"partnerships", "events", "projects", "cities"} <= kinds
    assert all(item["url"] == f"/v1/{item['type']}/{item['id']}" for item in public)
    ids = {item["id"] for item in public}
    assert trip["id"] not in ids, "delegations are internal: not for the website"
    assert secret["id"] not in ids, "anonymous search never returns an internal record"
    for item in public:
        assert app_client.get(item["url"]).status_code == 200, item
    staff = {item["id"]: item for item in search(app_client, "Dnipro", reader, limit=50)}
    assert trip["id"] in staff
    assert secret["id"] in staff
    assert "Dnipro" in staff[trip["id"]]["snippet"] or "Дніпро" in staff[trip["id"]]["snippet"]
    ranks = [item["rank"] for item in public]
    assert ranks == sorted(ranks, reverse=True)
    only = search(app_client, "Dnipro", type=["projects"])
    assert {item["type"] for item in only} == {"projects"}
    assert only[0]["title"]["de"] == "Ausrangierte Rettungswagen der Kölner Feuerwehr für Dnipro"


def test_umlauts_prefixes_and_public_text_only(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor, admin = keys["editor"], keys["admin"]
    cologne = post(
        app_client,
        "/v1/cities",
        editor,
        name="Köln",
        country_code="DE",
        names={"en": "Cologne"},
        notes="Zauberwort",
    )
    for q in ("Köln", "koeln", "KOELN", "Koln", "Cologne", "köl"):
        assert [item["id"] for item in search(app_client, q)] == [cologne["id"]], q
    assert search(app_client, "Zauberwort", admin) == [], "internal notes are not searched"
    assert search(app_client, "Köln Zauberwort", admin) == [], "every word must match"
    street = post(
        app_client, "/v1/organisations", editor, name="Straßenkinder e.V.", kind="association"
    )
    assert [i["id"] for i in search(app_client, "Strassenkinder")] == [street["id"]]
    defender = post(
        app_client,
        "/v1/people",
        editor | admin,
        name="Ayşe Verteidigerin",
        protected=True,
        legal_basis="consent",
    )
    assert search(app_client, "Verteidigerin", keys["reader"]) == []
    assert [i["id"] for i in search(app_client, "Verteidigerin", admin)] == [defender["id"]]
    app_client.post(f"/v1/people/{defender['id']}/erasure", headers=admin)
    assert search(app_client, "Verteidigerin", admin) == [], "erasure empties the index too"
    app_client.patch(
        f"/v1/cities/{cologne['id']}", json={"names": {"en": "Colonia"}}, headers=editor
    )
    assert search(app_client, "Cologne") == []
    assert [i["id"] for i in search(app_client, "Colonia")] == [cologne["id"]]
    app_client.delete(f"/v1/cities/{cologne['id']}", headers=editor)
    assert search(app_client, "Köln") == []
    empty = app_client.get("/v1/search", params={"q": "!!!"})
    assert empty.status_code == 422
    assert app_client.get("/v1/search", params={"q": "x", "type": "nonsense"}).status_code == 422


def test_word_forms(app_client: TestClient, db: Engine, keys: dict[str, dict[str, str]]) -> None:
    editor = keys["editor"]
    project = post(
        app_client,
        "/v1/projects",
        editor,
        title={"de": "Partnerschaft für Bildung", "en": "Partnership for schools"},
    )
    assert [i["id"] for i in search(app_client, "Partnersch")] == [project["id"]], "a prefix"
    if db.dialect.name == "postgresql":
        # The German and English stemmers: other forms of the words find them too.
        assert [i["id"] for i in search(app_client, "Partnerschaften")] == [project["id"]]
        assert [i["id"] for i in search(app_client, "partnerships school")] == [project["id"]]

"""/v1/changes: every write in commit order, visibility-aware, enough to keep a replica."""

from __future__ import annotations

import random
import threading
from typing import Any

from fastapi.testclient import TestClient

COLLECTIONS = ("cities", "organisations")


def feed(client: TestClient, headers: dict[str, str], since: int = 0) -> tuple[list[Any], int]:
    """Everything after `since`, page by page; the changes and where to go on from."""
    items: list[Any] = []
    while True:
        response = client.get("/v1/changes", params={"since": since, "limit": 7}, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if body["next_since"] == since:
            return items, since
        since = body["next_since"]


def test_creates_updates_and_deletes_in_order(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    city = app_client.post(
        "/v1/cities", json={"name": "Turku", "country_code": "FI"}, headers=editor
    ).json()
    url = f"/v1/cities/{city['id']}"
    app_client.patch(url, json={"population": 200000}, headers=editor)
    hidden = app_client.post(
        "/v1/cities",
        json={"name": "Geheim", "country_code": "FI", "visibility": "internal"},
        headers=editor,
    ).json()
    app_client.patch(url, json={"visibility": "internal"}, headers=editor)
    app_client.delete(url, headers=editor)

    staff, _ = feed(app_client, editor)
    assert [(c["id"], c["operation"]) for c in staff] == [
        (city["id"], "delete"),  # its present state: deleted
        (city["id"], "delete"),
        (hidden["id"], "upsert"),
        (city["id"], "delete"),
        (city["id"], "delete"),
    ]
    seqs = [c["seq"] for c in staff]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    assert staff[2]["record"]["name"] == "Geheim"
    public, position = feed(app_client, {})
    assert hidden["id"] not in {c["id"] for c in public}, "anonymous: no internal records"
    assert {c["id"] for c in public} == {city["id"]}
    assert all(c["record"] is None for c in public)
    nothing_new, same = feed(app_client, {}, position)
    assert (nothing_new, same) == ([], position)
    assert app_client.get("/v1/changes", params={"since": -1}).status_code == 422


def test_a_replica_from_the_feed_alone_equals_the_database(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor, reader = keys["editor"], keys["reader"]
    replica: dict[tuple[str, str], Any] = {}
    position = 0
    done = threading.Event()
    failures: list[str] = []

    def write(seed: int) -> None:
        chance = random.Random(seed)
        mine: list[tuple[str, str]] = []
        try:
            for n in range(40):
                action = chance.random()
                if action < 0.5 or not mine:
                    collection = chance.choice(COLLECTIONS)
                    body: dict[str, Any] = (
                        {"name": f"Stadt {seed}-{n}", "country_code": "FI"}
                        if collection == "cities"
                        else {"name": f"Verein {seed}-{n}", "kind": "association"}
                    )
                    body["visibility"] = chance.choice(["public", "internal"])
                    created = app_client.post(f"/v1/{collection}", json=body, headers=editor)
                    assert created.status_code == 201, created.text
                    mine.append((collection, created.json()["id"]))
                elif action < 0.85:
                    collection, record_id = chance.choice(mine)
                    change = (
                        {"population": n}
                        if collection == "cities"
                        else {"website": f"https://example.org/{n}"}
                    )
                    response = app_client.patch(
                        f"/v1/{collection}/{record_id}", json=change, headers=editor
                    )
                    assert response.status_code == 200, response.text
                else:
                    collection, record_id = mine.pop(chance.randrange(len(mine)))
                    response = app_client.delete(f"/v1/{collection}/{record_id}", headers=editor)
                    assert response.status_code == 204, response.text
        except AssertionError as error:
            failures.append(str(error))

    def apply(changes: list[Any]) -> None:
        for change in changes:
            key = (change["type"], change["id"])
            if change["operation"] == "upsert":
                replica[key] = change["record"]
            else:
                replica.pop(key, None)

    writers = [threading.Thread(target=write, args=(seed,)) for seed in range(3)]
    for writer in writers:
        writer.start()
    while any(w.is_alive() for w in writers):
        changes, position = feed(app_client, reader, position)
        apply(changes)
    done.set()
    changes, position = feed(app_client, reader, position)
    apply(changes)
    assert failures == []

    database: dict[tuple[str, str], Any] = {}
    for collection in COLLECTIONS:
        items = app_client.get(f"/v1/{collection}", params={"limit": 200}, headers=reader).json()[
            "items"
        ]
        database.update({(collection, item["id"]): item for item in items})
    assert len(database) > 10
    assert replica == database


def test_an_erased_person_is_a_tombstone_for_staff(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    person = app_client.post(
        "/v1/people",
        json={"name": "Erika Beispiel", "legal_basis": "consent"},
        headers=keys["editor"],
    ).json()
    assert app_client.post(f"/v1/people/{person['id']}/erasure", headers=keys["admin"]).is_success
    changes, _ = feed(app_client, keys["reader"])
    assert [(c["id"], c["operation"], c["record"]) for c in changes] == [
        (person["id"], "delete", None),
        (person["id"], "delete", None),
    ]


def test_no_word_of_a_record_that_shows_only_with_a_hidden_city(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    cities = [
        app_client.post(
            "/v1/cities",
            json={"name": name, "country_code": "FI", "visibility": visibility},
            headers=editor,
        ).json()
        for name, visibility in (("Turku", "public"), ("Geheim", "internal"))
    ]
    partnership = app_client.post(
        "/v1/partnerships",
        json={"city_id": cities[0]["id"], "partner_city_id": cities[1]["id"], "kind": "contact"},
        headers=editor,
    ).json()
    anonymous, _ = feed(app_client, {})
    assert partnership["id"] not in {c["id"] for c in anonymous}
    staff, _ = feed(app_client, editor)
    assert partnership["id"] in {c["id"] for c in staff}

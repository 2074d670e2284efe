# ruff: noqa: RUF001  (the data's own dashes)
"""Examples for the contract, from the demo data set: the responses of a server with the demo
data loaded (`urbandiplo demo load`), ids included; lists are cut to their first items."""

from __future__ import annotations

import copy
from typing import Any


def without(example: dict[str, Any], *paths: str) -> dict[str, Any]:
    """A copy of a staff example without the members at these dotted paths (list items by
    index): the public view of the same record."""
    copied = copy.deepcopy(example)
    for path in paths:
        *parents, last = path.split(".")
        node: Any = copied
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]
    return copied


NETWORK: dict[str, Any] = {
    "acronym": None,
    "created_at": "2026-11-21T15:24:35+00:00",
    "description": {
        "de": "Größtes unabhängiges europäisches Netzwerk von Großstädten (über 135 "
        "Städte aus 35 Ländern), gegründet 1986; vertritt die Interessen der "
        "Großstädte im EU-Gesetzgebungsprozess. Im November 2025 wandte sich "
        "Köln mit 22 weiteren deutschen Eurocities-Städten in einem offenen "
        "Brief an Bundeskanzler Friedrich Merz zum Mehrjährigen Finanzrahmen "
        "2028–2034.",
        "en": "The largest independent European network of large cities (over 135 "
        "cities from 35 countries), founded in 1986; it represents large "
        "cities in EU law-making. In November 2025 Cologne and 22 other German "
        "Eurocities members sent an open letter to Chancellor Friedrich Merz "
        "on the 2028–2034 Multiannual Financial Framework.",
    },
    "id": "01a1feb5-959c-7c96-84a0-eedd1c180cc4",
    "membership": {
        "annual_fee": None,
        "commitments": [],
        "joined_on": "1998-01-01",
        "joined_precision": "year",
        "left_on": None,
        "representatives": [],
        "status": "member",
        "working_groups": [
            {
                "name": "German Cities Dialogue (GCD)",
                "participating_unit": "Büro für Europa und Internationales",
            },
            {
                "name": "Thematische Foren und Arbeitsgruppen",
                "participating_unit": "Städtische Fachämter (begleitet "
                "vom Büro für Europa und "
                "Internationales)",
            },
        ],
    },
    "name": "Eurocities",
    "notes": None,
    "scope": "european",
    "themes": [
        "Nachhaltiges Stadtwachstum",
        "Arbeitsmarkt",
        "Vielfalt und Teilhabe",
        "Stadtentwicklung",
        "Bürgernahe Verwaltung",
        "Kohäsionspolitik",
        "EU-Förderung",
    ],
    "updated_at": "2026-11-21T15:24:35+00:00",
    "visibility": "public",
    "website": None,
}

NETWORK_PUBLIC = without(NETWORK, "membership.annual_fee", "notes", "visibility")

DELEGATION: dict[str, Any] = {
    "cities": [
        {
            "country_code": "TR",
            "id": "01a1feb5-953a-78a2-9463-ea2e4b4ac4a9",
            "name": "Istanbul",
            "names": {"de": "Istanbul", "en": "Istanbul", "tr": "İstanbul"},
        }
    ],
    "city_ids": ["01a1feb5-953a-78a2-9463-ea2e4b4ac4a9"],
    "costs": None,
    "created_at": "2026-11-21T15:24:35+00:00",
    "direction": "outgoing",
    "ends_on": "2025-04-08",
    "event_ids": ["01a1feb5-9616-7bdf-8885-28f30b31a5cf"],
    "gifts": [],
    "head": {
        "function": "Oberbürgermeisterin der Stadt Köln",
        "name": None,
        "organisation": None,
        "organisation_id": None,
        "person": {
            "erased": False,
            "function": "Oberbürgermeisterin der Stadt Köln",
            "id": "01a1feb5-957b-7153-9366-3e69a8e63f36",
            "name": "Henriette Reker",
            "withheld": False,
        },
        "person_id": "01a1feb5-957b-7153-9366-3e69a8e63f36",
    },
    "id": "01a1feb5-9654-7e66-902b-ce91729a1521",
    "members": [],
    "notes": None,
    "outcomes": [],
    "partnership_ids": ["01a1feb5-95ae-7eec-85f0-b5bf22af3a23"],
    "precision": "day",
    "programme": [],
    "project_ids": [],
    "purpose": {
        "de": "Zeichen der Solidarität für den inhaftierten Istanbuler Oberbürgermeister "
        "Ekrem İmamoğlu: Treffen mit seiner Ehefrau Dilek İmamoğlu und Teilnahme "
        "am deutsch-türkischen Städtepartnerschaftsgipfel, zu dem İmamoğlu als "
        "Präsident des Türkischen Städtetages eingeladen hatte.",
        "en": "A sign of solidarity with Istanbul's imprisoned mayor Ekrem İmamoğlu: "
        "meeting with his wife Dilek İmamoğlu and participation in the "
        "German-Turkish town twinning summit, to which İmamoğlu had issued the "
        "invitation as president of the Union of Turkish Municipalities.",
    },
    "starts_on": "2025-04-07",
    "status": "completed",
    "title": {"de": "Oberbürgermeisterin Reker in Istanbul", "en": "Mayor Reker in Istanbul"},
    "updated_at": "2026-11-21T15:24:35+00:00",
    "visibility": "public",
}

DELEGATION_PUBLIC = without(DELEGATION, "costs", "gifts", "notes", "outcomes", "visibility")

PROJECT: dict[str, Any] = {
    "budget": None,
    "cities": [
        {
            "country_code": "UA",
            "id": "01a1feb5-9538-70ed-b579-c876db67dabd",
            "name": "Dnipro",
            "names": {"de": "Dnipro", "en": "Dnipro", "uk": "Дніпро"},
        }
    ],
    "city_ids": ["01a1feb5-9538-70ed-b579-c876db67dabd"],
    "created_at": "2026-11-21T15:24:35+00:00",
    "department_ids": [
        "01a1feb5-954a-735a-a9ff-c649c7ef52cd",
        "01a1feb5-9555-7a1e-8a32-f685ca9ec7d1",
    ],
    "departments": [
        {
            "id": "01a1feb5-954a-735a-a9ff-c649c7ef52cd",
            "kind": "city_department",
            "name": "Büro für Europa und Internationales der Stadt Köln",
            "website": "http://www.stadt-koeln.de/politik-und-verwaltung/internationales",
        },
        {
            "id": "01a1feb5-9555-7a1e-8a32-f685ca9ec7d1",
            "kind": "city_department",
            "name": "Kölner Feuerwehr",
            "website": None,
        },
    ],
    "ends_on": None,
    "fields_of_action": ["city_and_project_partnerships"],
    "id": "01a1feb5-95da-7b96-9f61-2a3cb5916982",
    "indicators": [
        {
            "actual": "3",
            "as_of": "2025-01-31",
            "baseline": "0",
            "name": {"de": "Übergebene Rettungswagen", "en": "Ambulances handed over"},
            "target": "30",
            "unit": "Rettungswagen",
        }
    ],
    "milestones": [],
    "notes": None,
    "partner_ids": ["01a1feb5-955c-748d-937a-592abf3d027a"],
    "partners": [
        {
            "id": "01a1feb5-955c-748d-937a-592abf3d027a",
            "kind": "ngo",
            "name": "Blau-Gelbes Kreuz e.V.",
            "website": None,
        }
    ],
    "partnership_ids": ["01a1feb5-95a9-73de-aa0b-5cda49dbfa63"],
    "precision": "month",
    "sdgs": [3],
    "starts_on": "2025-01-01",
    "status": "active",
    "summary": {
        "de": "30 ausrangierte Rettungswagen der Kölner Feuerwehr gehen an das "
        "Blau-Gelbe Kreuz e.V., dessen ehrenamtliche Helfer*innen sie nach Dnipro "
        "fahren; die ersten drei wurden im Januar 2025 übergeben. Das Büro trägt "
        "die Kosten der Überführung.",
        "en": "30 decommissioned ambulances of Cologne's fire brigade go to Blau-Gelbes "
        "Kreuz e.V., whose volunteers drive them to Dnipro; the first three were "
        "handed over in January 2025. The Office pays for the transfer.",
    },
    "title": {
        "de": "Ausrangierte Rettungswagen der Kölner Feuerwehr für Dnipro",
        "en": "Decommissioned ambulances of Cologne's fire brigade for Dnipro",
    },
    "updated_at": "2026-11-21T15:24:35+00:00",
    "url": None,
    "visibility": "public",
}

PROJECT_PUBLIC = without(PROJECT, "budget", "notes", "visibility")

FUNDING_PROGRAMME: dict[str, Any] = {
    "acronym": "CERV",
    "co_financing_rate": None,
    "contact_point": "CERV-Kontaktstelle in Bonn",
    "created_at": "2026-11-21T15:24:35+00:00",
    "description": {
        "de": "Programm der Europäischen Union; fördert 2021–2027 Projekte mit einem "
        "Etat von rund 1,441 Mrd. Euro, darunter Städtepartnerschaften, "
        "Netzwerke und den Austausch zwischen Bürgerinnen und Bürgern "
        "verschiedener Länder.",
        "en": "European Union programme funding projects from 2021 to 2027 with a "
        "budget of about EUR 1.441 billion, among them town twinning, networks "
        "of towns and exchanges between citizens of different countries.",
    },
    "eligible_applicants": None,
    "funder": None,
    "funder_id": None,
    "id": "01a1feb5-95cc-7ca8-ad21-f375dd0eaaab",
    "level": "eu",
    "name": "Citizens, Equality, Rights and Values",
    "notes": None,
    "period_from": 2021,
    "period_to": 2027,
    "total_budget": {"amount": "1441000000.00", "currency": "EUR"},
    "updated_at": "2026-11-21T15:24:35+00:00",
    "url": None,
    "visibility": "public",
}

FUNDING_PROGRAMME_PUBLIC = without(FUNDING_PROGRAMME, "notes", "visibility")

FUNDING_APPLICATION: dict[str, Any] = {
    "applicant": {
        "id": "01a1feb5-9566-7320-b7c8-06c316d918a5",
        "kind": "other",
        "name": "Caritas Baby Hospital",
        "website": None,
    },
    "applicant_id": "01a1feb5-9566-7320-b7c8-06c316d918a5",
    "awarded": {"amount": "10000.00", "currency": "EUR"},
    "call": None,
    "call_id": None,
    "created_at": "2026-11-21T15:24:35+00:00",
    "decided_on": "2025-01-01",
    "decided_precision": "year",
    "direction": "incoming",
    "disbursements": [],
    "history": [
        {
            "actor": "system",
            "at": "2026-11-21T15:24:35+00:00",
            "from_status": "draft",
            "note": "demo data",
            "shared": False,
            "to_status": "submitted",
        },
        {
            "actor": "system",
            "at": "2026-11-21T15:24:35+00:00",
            "from_status": "submitted",
            "note": "demo data",
            "shared": False,
            "to_status": "under_review",
        },
        {
            "actor": "system",
            "at": "2026-11-21T15:24:35+00:00",
            "from_status": "under_review",
            "note": "demo data",
            "shared": False,
            "to_status": "approved",
        },
    ],
    "id": "01a1feb5-95fe-7b61-b9f2-90592439fc4a",
    "next_report_due": None,
    "notes": None,
    "own_contribution": None,
    "programme": {
        "acronym": None,
        "id": "01a1feb5-95d1-7f55-a0a0-149d69cc5ae2",
        "level": "municipal",
        "name": "RestCent",
    },
    "programme_id": "01a1feb5-95d1-7f55-a0a0-149d69cc5ae2",
    "project": {
        "id": "01a1feb5-95dc-7d27-ad70-d10b4e9ae983",
        "title": {
            "de": "Unterstützung des Caritas Baby Hospital in Bethlehem",
            "en": "Support for the Caritas Baby Hospital in Bethlehem",
        },
    },
    "project_id": "01a1feb5-95dc-7d27-ad70-d10b4e9ae983",
    "reference": None,
    "reports": [],
    "requested": None,
    "status": "approved",
    "title": "RestCent-Zuschuss Caritas Baby Hospital 2025",
    "updated_at": "2026-11-21T15:24:35+00:00",
    "visibility": "public",
}

FUNDING_APPLICATION_PUBLIC = without(
    FUNDING_APPLICATION,
    "disbursements",
    "history",
    "next_report_due",
    "notes",
    "own_contribution",
    "reference",
    "reports",
    "visibility",
)

FUNDING_CALL: dict[str, Any] = {
    "budget": {"amount": "4000000.00", "currency": "EUR"},
    "created_at": "2026-11-21T15:25:27+00:00",
    "deadline": "2026-03-12T17:00:00+01:00",
    "description": None,
    "fields_of_action": ["city_and_project_partnerships"],
    "sdgs": [16],
    "applicant_kinds": [],
    "id": "01a1feb6-6063-7b95-baef-7c89f62400e7",
    "identifier": "CERV-2026-CITIZENS-TOWN-TT",
    "notes": None,
    "opens_on": "2026-01-15",
    "programme": {
        "acronym": "CERV",
        "id": "01a1feb5-95cc-7ca8-ad21-f375dd0eaaab",
        "level": "eu",
        "name": "Citizens, Equality, Rights and Values",
    },
    "programme_id": "01a1feb5-95cc-7ca8-ad21-f375dd0eaaab",
    "status": "closed",
    "title": {"de": "Städtepartnerschaften (CERV)", "en": "Town twinning (CERV)"},
    "updated_at": "2026-11-21T15:25:27+00:00",
    "url": None,
    "visibility": "public",
}

FUNDING_CALL_PUBLIC = without(FUNDING_CALL, "notes", "visibility")

ANNIVERSARIES: dict[str, Any] = {
    "items": [
        {
            "on": None,
            "partnership": {
                "association_ids": [],
                "associations": [],
                "city": {
                    "country_code": "DE",
                    "id": "01a1feb5-9533-7ed4-aa54-754fdc8a99d6",
                    "name": "Köln",
                    "names": {"de": "Köln", "en": "Cologne"},
                },
                "city_id": "01a1feb5-9533-7ed4-aa54-754fdc8a99d6",
                "council_decisions": [],
                "created_at": "2026-11-21T15:24:35+00:00",
                "description": {
                    "de": "Die Städtepartnerschaft zwischen Köln und "
                    "Cluj-Napoca (Klausenburg) jährt sich 2026 "
                    "zum 50. Mal. 2025 fanden ein "
                    "Fachkräfteaustausch der Ordnungsbehörden "
                    "und ein Austausch mit LSBTI-Aktivist*innen "
                    "aus Cluj-Napoca statt; eine Filmemacherin "
                    "aus Cluj-Napoca stellte in Köln ihren "
                    "Dokumentarfilm „Forbidden“ vor.",
                    "en": "The twinning between Cologne and "
                    "Cluj-Napoca (Klausenburg) marks its 50th "
                    "anniversary in 2026. In 2025 there was an "
                    "exchange between the public-order offices "
                    "and an exchange with LGBTI activists from "
                    "Cluj-Napoca; a filmmaker from Cluj-Napoca "
                    "presented her documentary “Forbidden” in "
                    "Cologne.",
                },
                "economic_profile": None,
                "ended_on": None,
                "established_on": "1976-01-01",
                "established_precision": "year",
                "fields_of_action": [
                    "city_diplomacy",
                    "city_and_project_partnerships",
                    "international_expert_exchange",
                ],
                "id": "01a1feb5-95ad-71f5-b2f2-2941782ec371",
                "kind": "twinning",
                "notes": None,
                "partner_city": {
                    "country_code": "RO",
                    "id": "01a1feb5-9539-7e43-8621-7e74b81d3d62",
                    "name": "Cluj-Napoca",
                    "names": {
                        "de": "Klausenburg",
                        "en": "Cluj-Napoca",
                        "hu": "Kolozsvár",
                        "ro": "Cluj-Napoca",
                    },
                },
                "partner_city_id": "01a1feb5-9539-7e43-8621-7e74b81d3d62",
                "responsible_unit": None,
                "sdgs": [],
                "status": "active",
                "status_history": [
                    {
                        "changed_on": "1976-01-01",
                        "council_decision": None,
                        "kind": "twinning",
                        "precision": "year",
                        "reason": {
                            "de": "Begründung der "
                            "Städtepartnerschaft Köln – "
                            "Cluj-Napoca (Klausenburg).",
                            "en": "Establishment of the Cologne – Cluj-Napoca twinning.",
                        },
                        "status": "active",
                    }
                ],
                "updated_at": "2026-11-21T15:24:35+00:00",
                "visibility": "public",
            },
            "years": 50,
        }
    ],
    "year": 2026,
}

ANNIVERSARIES_PUBLIC = without(
    ANNIVERSARIES, "items.0.partnership.notes", "items.0.partnership.visibility"
)

ANNUAL_REPORT: dict[str, Any] = {
    "anniversaries_next_year": [
        {
            "city": "Köln",
            "on": None,
            "partner_city": "Rio de Janeiro",
            "partnership_id": "01a1feb5-95b9-799a-a37e-2bf7537f041e",
            "years": 15,
        },
        {
            "city": "Köln",
            "on": None,
            "partner_city": "Bethlehem",
            "partnership_id": "01a1feb5-95b6-79ff-9e14-9f2b51dbf2dc",
            "years": 30,
        },
    ],
    "by_field_of_action": [
        {
            "delegations": 0,
            "events": 3,
            "field": "sustainable_development",
            "label": {
                "de": "Globale nachhaltige Entwicklung: Die Städte und die Agenda 2030",
                "en": "Global sustainable development: cities and the 2030 Agenda",
            },
            "projects": 1,
        },
        {
            "delegations": 0,
            "events": 14,
            "field": "city_diplomacy",
            "label": {"de": "Städtediplomatie", "en": "City diplomacy"},
            "projects": 0,
        },
    ],
    "by_partner_city": [
        {
            "city_id": "01a1feb5-953a-78a2-9463-ea2e4b4ac4a9",
            "country_code": "TR",
            "delegations": 3,
            "events": 2,
            "name": "Istanbul",
            "names": {"de": "Istanbul", "en": "Istanbul", "tr": "İstanbul"},
            "projects": 0,
        },
        {
            "city_id": "01a1feb5-953f-76eb-b867-4c67435515c2",
            "country_code": "CN",
            "delegations": 2,
            "events": 1,
            "name": "Beijing",
            "names": {"de": "Peking", "en": "Beijing", "zh": "北京"},
            "projects": 0,
        },
    ],
    "by_sdg": [
        {"events": 0, "label": {"de": "Keine Armut", "en": "No poverty"}, "projects": 1, "sdg": 1},
        {"events": 0, "label": {"de": "Kein Hunger", "en": "Zero hunger"}, "projects": 1, "sdg": 2},
    ],
    "delegations": [
        {
            "cities": ["Istanbul"],
            "direction": "incoming",
            "ends_on": None,
            "id": "01a1feb5-964e-722a-8590-8e6556d196f9",
            "starts_on": "2025-02-01",
            "status": "completed",
            "title": {
                "de": "Delegation der Istanbuler Ordnungsbehörde „Zabita“ in Köln",
                "en": "Delegation of Istanbul's public-order authority “Zabita” in Cologne",
            },
        },
        {
            "cities": ["Istanbul"],
            "direction": "outgoing",
            "ends_on": None,
            "id": "01a1feb5-9651-7f97-bc2c-8caf9876d3ad",
            "starts_on": "2025-03-01",
            "status": "completed",
            "title": {
                "de": "Team des Kölner Kommunalen Ordnungsdienstes in Istanbul",
                "en": "Team of Cologne's municipal enforcement service in Istanbul",
            },
        },
    ],
    "events": [
        {
            "id": "01a1feb5-9613-73a3-9a7b-2d8fb553fb38",
            "kind": "other",
            "precision": "day",
            "starts_at": "2025-01-20T00:00:00+01:00",
            "title": {
                "de": "Information zum neuen Bewerbungssystem des Fördertopfs "
                "„Kommunale Entwicklungszusammenarbeit“",
                "en": "Information on the new application system of the “Municipal "
                "Development Cooperation” fund",
            },
        },
        {
            "id": "01a1feb5-9616-7bdf-8885-28f30b31a5cf",
            "kind": "conference",
            "precision": "day",
            "starts_at": "2025-04-08T00:00:00+02:00",
            "title": {
                "de": "Deutsch-türkischer Städtepartnerschaftsgipfel",
                "en": "German-Turkish town twinning summit",
            },
        },
    ],
    "funding": {
        "approved": [
            {
                "awarded": {"amount": "10000.00", "currency": "EUR"},
                "id": "01a1feb5-95fe-7b61-b9f2-90592439fc4a",
                "programme": "RestCent",
                "title": "RestCent-Zuschuss Caritas Baby Hospital 2025",
            },
            {
                "awarded": {"amount": "10000.00", "currency": "EUR"},
                "id": "01a1feb5-9605-78c0-9844-14c9824b53c7",
                "programme": "RestCent",
                "title": "RestCent-Zuschuss Tel Aviv Foundation 2025",
            },
        ],
        "awarded": [{"amount": "20000.00", "currency": "EUR"}],
        "requested": [],
    },
    "projects": [
        {
            "ends_on": "2027-01-01",
            "id": "01a1feb5-95e5-7edc-9cca-8dda5252e45b",
            "starts_on": "2023-01-01",
            "status": "active",
            "title": {"de": "Big Buyers Working Together", "en": "Big Buyers Working Together"},
        },
        {
            "ends_on": "2026-02-28",
            "id": "01a1feb5-95d6-7b0a-a3ad-a75216fd50d4",
            "starts_on": "2024-05-31",
            "status": "active",
            "title": {
                "de": "Waldinventur und Aufforstung des Mangrovenwaldes in Corinto",
                "en": "Forest inventory and reforestation of the mangrove forest in Corinto",
            },
        },
    ],
    "totals": {
        "applications_approved": 2,
        "applications_submitted": 0,
        "delegations": 8,
        "events": 24,
        "projects": 5,
    },
    "year": 2025,
}

PROJECT_FUNDING: dict[str, Any] = {
    "budget": None,
    "by_level": [
        {
            "applications": 1,
            "awarded": {"amount": "10000.00", "currency": "EUR"},
            "level": "municipal",
            "pending": {"amount": "0.00", "currency": "EUR"},
            "requested": {"amount": "0.00", "currency": "EUR"},
        }
    ],
    "by_programme": [
        {
            "applications": 1,
            "awarded": {"amount": "10000.00", "currency": "EUR"},
            "pending": {"amount": "0.00", "currency": "EUR"},
            "programme": {
                "acronym": None,
                "id": "01a1feb5-95d1-7f55-a0a0-149d69cc5ae2",
                "level": "municipal",
                "name": "RestCent",
            },
            "requested": {"amount": "0.00", "currency": "EUR"},
        }
    ],
    "currency": "EUR",
    "gap": None,
    "gap_if_pending_granted": None,
    "own_contribution": None,
    "project_id": "01a1feb5-95dc-7d27-ad70-d10b4e9ae983",
    "total": {
        "applications": 1,
        "awarded": {"amount": "10000.00", "currency": "EUR"},
        "pending": {"amount": "0.00", "currency": "EUR"},
        "requested": {"amount": "0.00", "currency": "EUR"},
    },
}

SDGS: dict[str, Any] = {
    "items": [
        {"label": {"de": "Keine Armut", "en": "No poverty"}, "number": 1},
        {"label": {"de": "Kein Hunger", "en": "Zero hunger"}, "number": 2},
        {
            "label": {"de": "Gesundheit und Wohlergehen", "en": "Good health and well-being"},
            "number": 3,
        },
    ]
}

FIELDS_OF_ACTION: dict[str, Any] = {
    "items": [
        {
            "code": "sustainable_development",
            "label": {
                "de": "Globale nachhaltige Entwicklung: Die Städte und die Agenda 2030",
                "en": "Global sustainable development: cities and the 2030 Agenda",
            },
            "number": 1,
        },
        {
            "code": "city_diplomacy",
            "label": {"de": "Städtediplomatie", "en": "City diplomacy"},
            "number": 2,
        },
        {
            "code": "city_and_project_partnerships",
            "label": {
                "de": "Städte- und Projektpartnerschaften",
                "en": "Town twinning and project partnerships",
            },
            "number": 3,
        },
    ]
}

WEBHOOK_CREATED: dict[str, Any] = {
    "active": True,
    "attempts": 0,
    "created_at": "2026-11-21T15:25:27+00:00",
    "description": "Council information system",
    "id": "01a1feb6-6090-71ec-b04b-b2da1d397709",
    "last_error": None,
    "next_attempt_at": None,
    "position": 176,
    "record_types": ["partnerships", "events"],
    "scope": "public",
    "secret": "OOhn_fZYrVXugSrMuMMkw1AtFfVGpUC2dRTDoMA9-8E",
    "url": "https://ratsinfo.example.org/hooks/urbandiplo",
}

WEBHOOK: dict[str, Any] = {
    "active": True,
    "attempts": 0,
    "created_at": "2026-11-21T15:25:27+00:00",
    "description": "Council information system",
    "id": "01a1feb6-6090-71ec-b04b-b2da1d397709",
    "last_error": None,
    "next_attempt_at": None,
    "position": 176,
    "record_types": ["partnerships", "events"],
    "scope": "public",
    "url": "https://ratsinfo.example.org/hooks/urbandiplo",
}

# The text bodies: CSV exports (the same layout imports), the calendar, the printable report.
CSV: dict[str, str] = {
    "cities": (
        "id,name,names,country_code,subdivision_code,latitude,longitude,population,wikida"
        "ta_id,geonames_id,global_south,notes,visibility,created_at,updated_at\r\n"
        "01a1feb5-9533-7ed4-aa54-754fdc8a99d6,Köln,de=Köln;en=Cologne,DE,DE-NW,50.9364,6."
        "9528,,,,false,,public,2026-11-21T15:24:35+00:00,2026-11-21T15:24:35+00:00\r\n"
        "01a1feb5-9538-70ed-b579-c876db67dabd,Dnipro,de=Dnipro;en=Dnipro;uk=Дніпро,UA,UA-"
        "12,48.4675,35.04,,,,true,,public,2026-11-21T15:24:35+00:00,2026-11-21T15:24:35+0"
        "0:00\r\n"
    ),
    "partnerships": (
        "id,city,city_country,partner_city,partner_country,kind,status,established_on,est"
        "ablished_precision,ended_on,responsible_unit,sdgs,fields_of_action,description_d"
        "e,description_en,notes,visibility,city_id,partner_city_id,created_at,updated_at\r"
        "\n"
        "01a1feb5-95a9-73de-aa0b-5cda49dbfa63,Köln,DE,Dnipro,UA,twinning,active,2024-08-2"
        "8,day,,,3;16,city_diplomacy;city_and_project_partnerships;funding_acquisition;pr"
        'otocol_and_representation,"Köln und Dnipro arbeiten seit Oktober 2022 im Rahmen '
        "einer Projektpartnerschaft eng zusammen, zunächst mit Fokus auf humanitäre Hilfe"
        "; am 28. August 2024 schlossen beide Städte eine Städtepartnerschaft. 2025 wurde"
        "n die ersten drei von 30 ausrangierten Rettungswagen der Kölner Feuerwehr überge"
        "ben und der Städtepartnerschaftsverein „Freundeskreis Köln-Dnipro e.V.“ gegründe"
        't.","Cologne and Dnipro have worked closely together in a project partnership si'
        "nce October 2022, initially focused on humanitarian aid; on 28 August 2024 the t"
        "wo cities concluded a twinning agreement. In 2025 the first three of 30 decommis"
        "sioned Cologne fire-brigade ambulances were handed over and the partnership asso"
        'ciation “Freundeskreis Köln-Dnipro e.V.” was founded.",,public,01a1feb5-9533-7ed'
        "4-aa54-754fdc8a99d6,01a1feb5-9538-70ed-b579-c876db67dabd,2026-11-21T15:24:35+00:"
        "00,2026-11-21T15:24:35+00:00\r\n"
    ),
    "organisations": (
        "id,name,kind,city,city_country,website,email,description_de,description_en,notes"
        ",visibility,city_id,created_at,updated_at\r\n"
        "01a1feb5-954a-735a-a9ff-c649c7ef52cd,Büro für Europa und Internationales der Sta"
        "dt Köln,city_department,Köln,DE,http://www.stadt-koeln.de/politik-und-verwaltung"
        '/internationales,,"Schaltzentrale der Stadt Köln für Austausche, Kooperationen u'
        "nd Partnerschaften mit Städten in Europa und der Welt; seit dem 1. Januar 2004, "
        "hervorgegangen aus dem Fachreferat Protokoll und Städtepartnerschaften und dem E"
        "uropabüro. Aufgaben: Städtepartnerschaften, Europaangelegenheiten und Städtenetz"
        'werke, kommunale Entwicklungszusammenarbeit, Menschenrechte.","The City of Colog'
        "ne's hub for exchanges, cooperation and partnerships with cities in Europe and w"
        "orldwide; in existence since 1 January 2004, formed from the former protocol and"
        " twinning unit and the Europe office. Tasks: twinnings, European affairs and cit"
        'y networks, municipal development cooperation, human rights.",,public,01a1feb5-9'
        "533-7ed4-aa54-754fdc8a99d6,2026-11-21T15:24:35+00:00,2026-11-21T15:24:35+00:00\r\n"
        "01a1feb5-954c-75a6-910b-829b904765ce,Ordnungsamt der Stadt Köln,city_department,"
        'Köln,DE,,,"Ordnungsamt der Stadt Köln mit dem Kommunalen Ordnungsdienst (KOD); p'
        "flegt 2025 Fachkräfteaustausche mit Ordnungsbehörden bzw. Lokalpolizeien in Köln"
        's Partnerstädten (Istanbul, Cluj-Napoca, Katowice, Peking).","The City of Cologn'
        "e's public order office with the municipal enforcement service (Kommunaler Ordnu"
        "ngsdienst, KOD); in 2025 it ran expert exchanges with public-order authorities a"
        "nd local police in Cologne's partner cities (Istanbul, Cluj-Napoca, Katowice, Be"
        'ijing).",,public,01a1feb5-9533-7ed4-aa54-754fdc8a99d6,2026-11-21T15:24:35+00:00,'
        "2026-11-21T15:24:35+00:00\r\n"
    ),
    "events": (
        "id,title_de,title_en,summary_de,summary_en,kind,starts_at,ends_at,all_day,precis"
        "ion,timezone,venue_name,venue_address,venue_city,venue_country,online_url,audien"
        "ce,registration_url,capacity,series,sdgs,fields_of_action,notes,visibility,creat"
        "ed_at,updated_at\r\n"
        "01a1feb5-9613-73a3-9a7b-2d8fb553fb38,Information zum neuen Bewerbungssystem des "
        "Fördertopfs „Kommunale Entwicklungszusammenarbeit“,Information on the new applic"
        "ation system of the “Municipal Development Cooperation” fund,Veranstaltung zur E"
        "ine-Welt Stadt Köln: Das Büro für Europa und Internationales informierte die Ver"
        "eine über das neue Bewerbungssystem zum Fördertopf „Kommunale Entwicklungszusamm"
        "enarbeit“.,Event for the One World City of Cologne network: the Office informed "
        "local associations about the new application system of the “Municipal Developmen"
        "t Cooperation” fund.,other,2025-01-20T00:00:00+01:00,,true,day,Europe/Berlin,,,,"
        ",,invitation,,,,17,sustainable_development;development_policy,,public,2026-11-21"
        "T15:24:35+00:00,2026-11-21T15:24:35+00:00\r\n"
    ),
}
CALENDAR = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//urbandiplo//events//DE\r\n"
    "CALSCALE:GREGORIAN\r\n"
    "METHOD:PUBLISH\r\n"
    "X-WR-CALNAME:Veranstaltungen\r\n"
    "BEGIN:VEVENT\r\n"
    "SUMMARY:Klaaf International\r\n"
    "DTSTART;VALUE=DATE:20251202\r\n"
    "DTEND;VALUE=DATE:20251203\r\n"
    "DTSTAMP:20261121T152435Z\r\n"
    "UID:01a1feb5-963e-73f9-86e9-ba6664063bdd@urbandiplo\r\n"
    "SEQUENCE:0\r\n"
    "CATEGORIES:exchange\r\n"
    "CLASS:PUBLIC\r\n"
    "CREATED:20261121T152435Z\r\n"
    "DESCRIPTION:Lockerer Austausch mit Vereinen und Ehrenamtlichen der Eine-We\r\n"
    " lt Stadt Köln: Impulsvortrag und Diskussion über die aktuellen Herausfor\r\n"
    " derungen im entwicklungspolitischen Engagement.\r\n"
    "LAST-MODIFIED:20261121T152435Z\r\n"
    "LOCATION:Alte Feuerwache\\, Köln\r\n"
    "STATUS:CONFIRMED\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)
FUNDING_CALLS_ATOM = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><id>urn:uuid:5a68d7a7-19'
    "9d-547d-90e4-483a063df0d7</id><title>Förderaufrufe</title><subtitle>Offene und a"
    "ngekündigte Förderaufrufe</subtitle><updated>2026-11-21T15:25:27Z</updated><link"
    ' rel="self" href="https://api.example.org/v1/funding-calls.atom" /><author><name'
    ">Stadt Köln</name></author><generator>urbandiplo</generator><entry><id>urn:uuid:"
    "01a1feb6-6063-7b95-baef-7c89f62400e7</id><title>Städtepartnerschaften (CERV)</ti"
    "tle><updated>2026-11-21T15:25:27Z</updated><published>2026-11-21T15:25:27Z</publ"
    'ished><link rel="alternate" href="https://api.example.org/v1/funding-calls/01a1f'
    'eb6-6063-7b95-baef-7c89f62400e7" /><category term="open" /><category term="eu" /'
    '><category term="CERV" /><content type="html">&lt;p&gt;Programm: CERV (Citizens,'
    " Equality, Rights and Values)&lt;/p&gt;&lt;p&gt;Frist: 2027-03-12 17:00 (Europe/"
    "Berlin)&lt;/p&gt;&lt;p&gt;Kennung: CERV-2026-CITIZENS-TOWN-TT&lt;/p&gt;&lt;p&gt;"
    "Budget: 4000000.00 EUR&lt;/p&gt;</content></entry></feed>"
)
NEWS_ATOM = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><id>urn:uuid:363846e2-c6'
    "4a-53c0-93fa-992b17147cee</id><title>Neuigkeiten</title><updated>2025-09-25T08:0"
    '0:00Z</updated><link rel="self" href="https://api.example.org/v1/news.atom" /><a'
    "uthor><name>Stadt Köln</name></author><generator>urbandiplo</generator><entry><i"
    "d>urn:uuid:019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f10</id><title>Ein Jahr Städtepartne"
    "rschaft Köln-Dnipro</title><updated>2025-09-25T08:00:00Z</updated><published>202"
    "5-09-25T08:00:00Z</published><author><name>Freundeskreis Köln-Dnipro e.V.</name>"
    '</author><link rel="alternate" href="https://api.example.org/v1/news/019a8f0e-3c'
    '4b-7d21-9e5f-0a1b2c3d4f10" /><summary type="text">Rückblick und Ausblick des Fre'
    'undeskreises</summary><content type="html">&lt;p&gt;Am &lt;strong&gt;28. August '
    "2024&lt;/strong&gt; schlossen Köln und Dnipro ihre Städtepartnerschaft.&lt;/p&gt"
    ";\n"
    "</content></entry></feed>"
)
ALERTS_ATOM = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><id>urn:uuid:d89e3272-8a'
    "e5-5869-a5d3-68af27df3a23</id><title>CERV: Städtepartnerschaften</title><updated"
    '>2026-12-01T06:00:00Z</updated><link rel="self" href="https://api.example.org/v1'
    '/call-subscriptions/019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f30/alerts.atom" /><author>'
    "<name>Stadt Köln</name></author><generator>urbandiplo</generator><entry><id>urn:"
    "uuid:019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f31</id><title>Aufruf offen: Städtepartner"
    "schaften (CERV)</title><updated>2026-12-01T06:00:00Z</updated><published>2026-12"
    '-01T06:00:00Z</published><link rel="alternate" href="https://api.example.org/v1/'
    'funding-calls/01a1feb6-6063-7b95-baef-7c89f62400e7" /><category term="opened" />'
    '<category term="eu" /></entry><entry><id>urn:uuid:019a8f0e-3c4b-7d21-9e5f-0a1b2c'
    "3d4f32</id><title>Frist am 2026-12-12: Städtepartnerschaften (CERV)</title><upda"
    "ted>2026-12-01T06:00:00Z</updated><published>2026-12-01T06:00:00Z</published><li"
    'nk rel="alternate" href="https://api.example.org/v1/funding-calls/01a1feb6-6063-'
    '7b95-baef-7c89f62400e7" /><category term="deadline" /><category term="eu" /></en'
    "try></feed>"
)
ANNUAL_REPORT_HTML = (
    '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Jahresbericht '
    "2025</title><style>body{font-family:sans-serif;max-width:50em;margin:2em auto}h2"
    "{break-after:avoid}@media print{body{margin:0}}</style></head><body><h1>Jahresbe"
    "richt 2025</h1><p>22 Veranstaltungen, 6 Delegationen, 5 Projekte</p><h2>Handlung"
    "sfelder</h2><ul><li>Globale nachhaltige Entwicklung: Die Städte und die Agenda 2"
    "030: 3 / 1</li><li>Städtediplomatie: 13 / 0</li><li>Städte- und Projektpartnersc"
    "haften: 6 / 4</li><li>Internationaler Fachaustausch: 3 / 1</li><li>Kommunale Ent"
    "wicklungspolitik: 4 / 0</li><li>Multilaterale Vernetzung und Interessenvertretun"
    "g: 3 / 1</li><li>Internationale Stadtgemeinschaft: 7 / 0</li><li>Internationales"
    " Standortmarketing: 1 / 0</li><li>Protokoll und Repräsentation: 3 / 0</li></ul><"
    "h2>Partnerstädte</h2><ul><li>Peking: 1 / 2 / 0</li><li>Indianapolis: 3 / 0 / 0</"
    "li><li>Istanbul: 2 / 1 / 0</li><li>Klausenburg: 1 / 1 / 0</li><li>Dnipro: 1 / 0 "
    "/ 1</li><li>Bethlehem: 0 / 0 / 1</li><li>Corinto: 0 / 0 / 1</li><li>Kattowitz: 0"
    " / 1 / 0</li><li>Kyoto: 0 / 1 / 0</li><li>Rio de Janeiro: 0 / 1 / 0</li><li>Tel "
    "Aviv-Jaffa: 0 / 0 / 1</li><li>Thessaloniki: 0 / 1 / 0</li></ul><h2>Veranstaltung"
    "en</h2><ul><li>2025-01-20 Information zum neuen Bewerbungssystem des Fördertopfs"
    " „Kommunale Entwicklungszusammenarbeit“</li><li>2025-04-08 Deutsch-türkischer St"
    "ädtepartnerschaftsgipfel</li><li>2025-04-10 Versammlung der deutschen Delegierte"
    "n des RGRE: „70 Jahre RGRE – 70 Jahre kommunales Engagement für Europa“</li><li>"
    "2025-05-06 10. Fair Trade Night</li><li>2025-05-07 Podiumsdiskussion: Ein Jahr n"
    "ach der Europawahl – was bedeutet die EU für Köln?</li><li>2025-05-08 Fotoausste"
    "llung Lee Miller zum 80. Jahrestag des Kriegsendes</li><li>2025-05-13 Bilder des"
    " Umbruchs, Fragen an die Zukunft</li><li>2025-05-14 Europatag am Berufskolleg in"
    " der Lindenstraße</li><li>2025-06-11 Gegen geschlechtsspezifische Kriegsgewalt g"
    "egen Frauen</li><li>2025-07-03 Filmabend: „When Lesbians Divorce Gay Men“</li><l"
    "i>2025-08-03 Empfang für die ehemals politisch Inhaftierten ein Jahr nach dem Ge"
    "fangenenaustausch</li><li>2025-09-01 Filmabend: „Forbidden“</li><li>2025-09-20 F"
    "aires Frühstück zum Weltkindertag</li><li>2025-09-25 Gemeinsam stark – 1 Jahr Kö"
    "ln-Dnipro</li><li>2025-10-01 76. Lateinamerika-Tag</li><li>2025-10-29 Runder Tis"
    "ch der japanisch-deutschen Städtekooperationen in NRW</li><li>2025-11-25 Living "
    "Library</li><li>2025-12-01 Filmabend: „Crossing – Suche nach Tekla“</li><li>2025"
    "-12-02 Klaaf International</li><li>2025-12-08 Kölner Menschenrechtsdialoge 2025<"
    "/li><li>2025-12-09 Fachtag „How to defend Human Rights Defenders?“</li><li>2025-"
    "12-10 Empfang für Menschenrechtsverteidiger*innen zum Internationalen Tag der Me"
    "nschenrechte</li></ul><h2>Delegationen</h2><ul><li>2025-04-07 Oberbürgermeisteri"
    "n Reker in Istanbul (Istanbul)</li><li>2025-04-27 Brasilienreise der Oberbürgerm"
    "eisterin nach Rio de Janeiro (Rio de Janeiro)</li><li>2025-06-04 Besuch in Kyoto"
    ": Austausch zu Umwelt- und Klimaschutz (Kyoto)</li><li>2025-07-02 Sister Cities "
    "Exchange 2025 – „Sister Cities Stand Together“ (Klausenburg, Kattowitz, Peking)<"
    "/li><li>2025-10-10 Chinareise: Delegation der Oberbürgermeisterin nach Peking un"
    "d Baoding (Peking)</li><li>2025-10-15 Letzte Dienstreise von Oberbürgermeisterin"
    " Reker: Thessaloniki (Thessaloniki)</li></ul><h2>Projekte</h2><ul><li>Big Buyers"
    " Working Together</li><li>Waldinventur und Aufforstung des Mangrovenwaldes in Co"
    "rinto</li><li>Ausrangierte Rettungswagen der Kölner Feuerwehr für Dnipro</li><li"
    ">Unterstützung des Caritas Baby Hospital in Bethlehem</li><li>Notfallhilfe der T"
    "el Aviv Foundation</li></ul><h2>Fördermittel</h2><ul><li>RestCent-Zuschuss Carit"
    "as Baby Hospital 2025: 10000.00 EUR</li><li>RestCent-Zuschuss Tel Aviv Foundatio"
    "n 2025: 10000.00 EUR</li></ul><h2>SDGs</h2><ul><li>1 Keine Armut: 0 / 1</li><li>"
    "2 Kein Hunger: 0 / 1</li><li>3 Gesundheit und Wohlergehen: 0 / 2</li><li>4 Hochw"
    "ertige Bildung: 1 / 0</li><li>5 Geschlechtergleichheit: 4 / 0</li><li>8 Menschen"
    "würdige Arbeit und Wirtschaftswachstum: 2 / 0</li><li>10 Weniger Ungleichheiten:"
    " 4 / 0</li><li>12 Nachhaltige/r Konsum und Produktion: 2 / 1</li><li>13 Maßnahme"
    "n zum Klimaschutz: 1 / 1</li><li>14 Leben unter Wasser: 0 / 1</li><li>15 Leben a"
    "n Land: 0 / 1</li><li>16 Frieden, Gerechtigkeit und starke Institutionen: 15 / 0"
    "</li><li>17 Partnerschaften zur Erreichung der Ziele: 6 / 0</li></ul><h2>Jubiläe"
    "n 2026</h2><ul><li>Köln – Rio de Janeiro: 15</li><li>Köln – Bethlehem: 30</li><l"
    "i>Köln – Klausenburg: 50</li></ul></body></html>"
)

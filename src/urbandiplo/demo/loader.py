"""Loads the demo data set: validated like API input, stored through the domain services.
Loading twice adds nothing: records found by their natural keys are left as they are."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from urbandiplo.api.cities import CityCreate
from urbandiplo.api.partnerships import PartnershipCreate
from urbandiplo.domain.access import SYSTEM
from urbandiplo.domain.cities import CityService
from urbandiplo.domain.partnerships import PartnershipService

# Keys in the data files that say where a fact comes from; they are not record fields.
BOOKKEEPING = ("key", "source", "city", "partner_city")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, record_type: str, *, created: bool) -> None:
        target = self.created if created else self.existing
        target[record_type] = target.get(record_type, 0) + 1


def read(name: str) -> list[dict[str, Any]]:
    text = resources.files("urbandiplo.demo").joinpath("data", name).read_text("utf-8")
    records: list[dict[str, Any]] = json.loads(text)
    return records


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in BOOKKEEPING}


def load(cities: CityService, partnerships: PartnershipService) -> LoadReport:
    report = LoadReport()
    city_ids = {}
    for record in read("cities.json"):
        data = CityCreate.model_validate(_fields(record)).to_fields()
        city = cities.find(SYSTEM, data.name, data.country_code)
        report.count("cities", created=city is None)
        if city is None:
            city = cities.create(SYSTEM, data)
        city_ids[record["key"]] = city.id
    for record in read("partnerships.json"):
        city_id, partner_id = city_ids[record["city"]], city_ids[record["partner_city"]]
        exists = partnerships.find_pair(SYSTEM, city_id, partner_id) is not None
        report.count("partnerships", created=not exists)
        if not exists:
            values = {
                **_fields(record),
                "city_id": str(city_id),
                "partner_city_id": str(partner_id),
            }
            partnerships.create(SYSTEM, PartnershipCreate.model_validate(values).to_fields())
    return report

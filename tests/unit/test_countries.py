"""Country names as lists write them, to ISO 3166-1 codes (domain.countries)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from urbandiplo.domain.countries import Place, country_code, place
from urbandiplo.domain.values import is_country_code

TWIN_TOWNS = Path(__file__).parents[1] / "data" / "twin-towns" / "twin_cities_raw.csv"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("England, United Kingdom", "GB"),
        ("Scotland", "GB"),
        ("Northern Ireland, United Kingdom", "GB"),
        ("Republic of Ireland", "IE"),
        ("Palestine", "PS"),
        ("West Bank", "PS"),
        ("Kosovo", "XK"),
        ("Ivory Coast", "CI"),
        ("Moldavia", "MD"),
        ("Bosnia and Hercegovina", "BA"),
        ("Grece", "GR"),
        ("Surinam", "SR"),
        ("Madagaskar", "MG"),
        ("Kazakhstah", "KZ"),
        ("East Timor", "TL"),
        ("Turkey", "TR"),
        ("Russia", "RU"),
        ("Georgia (country)", "GE"),
        ("in Italy", "IT"),
        ("São Tomé and Príncipe", "ST"),
        ("sao tome and principe", "ST"),
        # The part's own code where ISO lists the territory apart, the country's otherwise.
        ("Réunion, France", "RE"),
        ("Åland Islands, Finland", "AX"),
        ("Brandenburg, Germany", "DE"),
        ("Georgia, United States", "US"),
        ("Rauma, Norway", "NO"),
        # Codes, and the German names an office's own lists use.
        ("de", "DE"),
        ("DEU", "DE"),
        ("Deutschland", "DE"),
        ("Türkei", "TR"),
        ("Vereinigte Staaten", "US"),
        ("Korea, Republic of", "KR"),
    ],
)
def test_names_real_lists_use(written: str, code: str) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize("written", ["", "   ", "Atlantis", "Foo, Bar", "XX"])
def test_what_names_no_country(written: str) -> None:
    assert country_code(written) is None


def test_every_country_in_the_twin_towns_list_resolves() -> None:
    """All 239 ways the list writes a country, but the empty cell, name a country."""
    with TWIN_TOWNS.open(encoding="utf-8") as data:
        rows = list(csv.DictReader(data))
    written = {row[column] for row in rows for column in ("country1", "country2")}
    assert len(written) == 239
    unresolved = sorted(w for w in written if country_code(w) is None)
    assert unresolved == [""]
    assert all(is_country_code(code) for w in written if (code := country_code(w)))


def test_a_place_from_two_cells() -> None:
    assert place(" Köln ", "Germany") == Place("Köln", "DE")
    assert place("Varna, Bulgaria", "") == Place("Varna", "BG"), "the city cell's country"
    assert place("Falkland Islands", "") == "no country is given for 'Falkland Islands'"
    assert place("", "DE") == "the city's name is empty"
    assert place("Xanadu", "Atlantis") == "'Atlantis' is not a country name or code we know"

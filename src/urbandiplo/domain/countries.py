"""Country names, as people write them in lists, to ISO 3166-1 alpha-2 codes.

The names and codes come from pycountry (ISO 3166-1, with its English and German names); the
aliases below are the names real lists use that ISO does not: the United Kingdom's nations,
older or colloquial names, and misspellings found in the twin-towns data set."""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry

from urbandiplo.domain.values import EXTRA_COUNTRY_CODES, is_country_code

# Keys are folded with `_key`. Each says what the name stands for where that is not plain.
ALIASES: dict[str, str] = {
    # The United Kingdom's nations, and the kingdom's own short names.
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "britain": "GB",
    "uk": "GB",
    "grossbritannien": "GB",
    "republic of ireland": "IE",
    "palestine": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "gaza strip": "PS",
    "palaestina": "PS",
    "kosovo": "XK",
    "kosovo (xk)": "XK",
    # De jure part of the Republic of Cyprus, as Germany and the EU hold; ISO has no code.
    "northern cyprus": "CY",
    "turkish republic of northern cyprus": "CY",
    "turkey": "TR",
    "tuerkei": "TR",
    "russia": "RU",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "cape verde": "CV",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "republic of the congo": "CG",
    "sao tome and principe": "ST",
    "falkland islands": "FK",
    "brunei": "BN",
    "micronesia": "FM",
    "east timor": "TL",
    "burma": "MM",
    "swaziland": "SZ",
    "macedonia": "MK",
    "the gambia": "GM",
    "vatican city": "VA",
    "vatican": "VA",
    "the netherlands": "NL",
    "holland": "NL",
    "czech republic": "CZ",
    "south korea": "KR",
    "north korea": "KP",
    "taiwan": "TW",
    "laos": "LA",
    "syria": "SY",
    "iran": "IR",
    "vietnam": "VN",
    "usa": "US",
    "united states of america": "US",
    # Historic or foreign-language names.
    "moldavia": "MD",
    "island": "IS",  # Iceland's own (and the German) name
    "surinam": "SR",
    "madagaskar": "MG",
    # Misspellings in the twin-towns list.
    "bosnia and hercegovina": "BA",
    "grece": "GR",
    "kazakhstah": "KZ",
    "japa": "JP",
    "macau": "MO",
}

# Territories ISO 3166-1 lists apart from the state they belong to, by that state: in "part,
# country" the part's own code wins only where the part is one of the country's territories
# ("Réunion, France" is RE; "Georgia, United States" is US, not the country Georgia).
TERRITORIES: dict[str, frozenset[str]] = {
    "FR": frozenset("RE MQ GP GF YT PM NC PF WF BL MF TF".split()),
    "FI": frozenset({"AX"}),
    "DK": frozenset({"GL", "FO"}),
    "NL": frozenset({"AW", "CW", "SX", "BQ"}),
    "NO": frozenset({"SJ", "BV"}),
    "US": frozenset({"PR", "GU", "AS", "VI", "MP", "UM"}),
    "GB": frozenset("GI FK BM KY VG MS TC AI SH IO PN GS JE GG IM".split()),
    "CN": frozenset({"HK", "MO"}),
    "AU": frozenset({"CX", "CC", "NF", "HM"}),
    "NZ": frozenset({"CK", "NU", "TK"}),
}

_QUALIFIER = re.compile(r"\s*\((?:country|state|nation)\)\s*\Z", re.IGNORECASE)
_PREFIX = re.compile(r"\A(?:in|the)\s+", re.IGNORECASE)


def _key(text: str) -> str:
    """Case, accents, umlauts and spacing folded: 'São Tomé' and 'sao tome', 'Türkei' and
    'Tuerkei' are one key."""
    folded = text.casefold().replace("ß", "ss").replace("\u2019", "'")
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        folded = folded.replace(umlaut, spelled)
    plain = "".join(c for c in unicodedata.normalize("NFKD", folded) if c.isascii())
    return " ".join(plain.split())


@cache
def _names() -> dict[str, str]:
    """Every ISO 3166-1 name (short, official, common; English and German) by its key."""
    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names.setdefault(_key(name), code)
                names.setdefault(_key(german.gettext(name)), code)
    for code, name in EXTRA_COUNTRY_CODES.items():
        names.setdefault(_key(name), code)
    for alias, code in ALIASES.items():
        names[_key(alias)] = code
    return names


def _code(text: str) -> str | None:
    """The code for a code (DE, DEU) or one whole name; None where there is none."""
    stripped = text.strip()
    if len(stripped) == 2 and is_country_code(stripped.upper()):
        return stripped.upper()
    if len(stripped) == 3 and stripped.isalpha():
        found = pycountry.countries.get(alpha_3=stripped.upper())
        if found is not None:
            return str(found.alpha_2)
    return _names().get(_key(stripped))


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code (or XK) of a country's name or code as lists give it;
    None if there is none.

    Accepted besides names and codes: a qualifier ("Georgia (country)"), a leading "in" or
    "the" ("in Italy"), and "part, country" ("England, United Kingdom" is GB, "Brandenburg,
    Germany" DE). Where the part is a territory of the country with a code of its own
    ("Réunion, France", "Åland Islands, Finland"), that code is the answer, as ISO 3166-1
    lists those territories apart."""
    text = " ".join(text.split())
    if not text:
        return None
    for candidate in (text, _QUALIFIER.sub("", text), _PREFIX.sub("", text)):
        found = _code(candidate)
        if found is not None:
            return found
    part, comma, country = text.rpartition(",")
    if not (comma and part.strip() and country.strip()):
        return None
    state = country_code(country)
    own = _code(part)
    if state is not None and own in TERRITORIES.get(state, ()):
        return own
    return state


@dataclass(frozen=True, slots=True)
class Place:
    """A city's name and its country's code, as resolved from a list's two columns."""

    name: str
    country_code: str


def place_name(text: str) -> str:
    """A place's name as stored: NFC, single spaces, nothing around it (so that 'Köln' typed
    on a Mac and on Windows is one name)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def place(city: str, country: str) -> Place | str:
    """The place a list's city and country cells name; otherwise why not, as a sentence.

    A city cell that carries its country ("Varna, Bulgaria") stands for both where the
    country cell is empty."""
    name = place_name(city)
    if not name:
        return "the city's name is empty"
    written = " ".join(country.split())
    if not written:
        town, comma, named = name.rpartition(",")
        code = country_code(named) if comma and town.strip() else None
        if code is None:
            return f"no country is given for {name!r}"
        return Place(place_name(town), code)
    code = country_code(written)
    if code is None:
        return f"{written!r} is not a country name or code we know"
    return Place(name, code)

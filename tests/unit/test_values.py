"""Value types, codes, search folding, taxonomies and list parameters."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from urbandiplo.domain.errors import InvalidData
from urbandiplo.domain.geography import in_global_south
from urbandiplo.domain.listing import MAX_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.taxonomies import (
    FIELDS_OF_ACTION,
    SDGS,
    FieldOfAction,
    check_fields_of_action,
    check_sdgs,
)
from urbandiplo.domain.values import (
    CurrencyMismatch,
    I18nText,
    Money,
    check_country_code,
    fold_for_search,
    fold_query,
    is_country_code,
)


def fields_of(error: InvalidData) -> set[str]:
    return {problem.field for problem in error.problems}


# ---- I18nText --------------------------------------------------------------------------------


def test_i18n_text_with_german_is_accepted_and_falls_back_to_german() -> None:
    text = I18nText.of({"de": "Partnerschaft", "en": "Partnership"})
    assert text == {"de": "Partnerschaft", "en": "Partnership"}
    assert text.in_language("en") == "Partnership"
    assert text.in_language("fr") == "Partnerschaft"


@pytest.mark.parametrize("value", [{"en": "Partnership"}, {"de": "  ", "en": "Partnership"}, {}])
def test_i18n_text_requires_german(value: dict[str, str]) -> None:
    with pytest.raises(InvalidData) as caught:
        I18nText.of(value, field="description")
    assert "description" in fields_of(caught.value)


@pytest.mark.parametrize("key", ["EN", "eng", "e", "en-GB", "e1", ""])
def test_i18n_text_keys_are_iso_639_1_codes(key: str) -> None:
    with pytest.raises(InvalidData) as caught:
        I18nText.of({"de": "Text", key: "text"}, field="description")
    assert fields_of(caught.value) == {f"description.{key}"}


def test_i18n_text_key_with_a_trailing_newline_is_rejected() -> None:
    # LANGUAGE_CODE is r"^[a-z]{2}$" used with .match(): "$" also matches before a final
    # newline, so "en\n" passes as a language code.
    with pytest.raises(InvalidData):
        I18nText.of({"de": "Text", "en\n": "text"})


# ---- Money -----------------------------------------------------------------------------------


def test_money_adds_exactly() -> None:
    total = Money.of("0.10", "EUR") + Money.of("0.20", "EUR")
    assert total == Money(Decimal("0.30"), "EUR")
    assert total.amount == Decimal("0.30")
    assert total.currency == "EUR"


def test_money_in_different_currencies_is_not_added() -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        Money.of("1", "EUR") + Money.of("1", "USD")
    assert isinstance(caught.value, InvalidData)
    assert "currency" in fields_of(caught.value)


@pytest.mark.parametrize("currency", ["ABC", "EURO", "EU", "", "DM"])
def test_unknown_currency_is_rejected(currency: str) -> None:
    with pytest.raises(InvalidData) as caught:
        Money.of("1.00", currency)
    assert fields_of(caught.value) == {"currency"}


def test_lower_case_currency_code_is_rejected() -> None:
    # ISO 4217 codes are upper case (is_country_code insists on upper case too), but pycountry
    # looks codes up case-insensitively, so Money accepts "eur" - and then refuses to add it to
    # "EUR" with CurrencyMismatch.
    with pytest.raises(InvalidData):
        Money.of("1.00", "eur")


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_money_amount_must_be_finite(amount: str) -> None:
    with pytest.raises(InvalidData) as caught:
        Money.of(amount, "EUR")
    assert fields_of(caught.value) == {"amount"}


def test_money_amount_must_be_a_decimal() -> None:
    with pytest.raises(InvalidData) as caught:
        Money.of("zehn Euro", "EUR")
    assert fields_of(caught.value) == {"amount"}


# ---- country codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("DE", True),
        ("PS", True),
        ("XK", True),
        ("NI", True),
        ("ZZ", False),
        ("de", False),
        ("De", False),
        ("DEU", False),
        ("D", False),
        ("", False),
    ],
)
def test_is_country_code(code: str, valid: bool) -> None:
    assert is_country_code(code) is valid


def test_check_country_code_names_the_field() -> None:
    assert check_country_code("DE") == "DE"
    with pytest.raises(InvalidData) as caught:
        check_country_code("ZZ", field="partner.country_code")
    assert fields_of(caught.value) == {"partner.country_code"}


# ---- search folding --------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Köln", "Koeln", "Koln", "köln", "KÖLN", "KOELN", " koln "])
def test_every_spelling_of_koeln_finds_koeln(query: str) -> None:
    assert fold_query(query) in fold_for_search("Köln")


@pytest.mark.parametrize("stored", ["Köln", "Koeln"])
def test_umlaut_query_finds_spelled_out_and_umlaut_names(stored: str) -> None:
    assert fold_query("Köln") in fold_for_search(stored)


@pytest.mark.parametrize("query", ["strasse", "Straße", "STRASSE", "Strasse"])
def test_sharp_s_matches_ss(query: str) -> None:
    assert fold_query(query) in fold_for_search("Straße")
    assert fold_query(query) in fold_for_search("Strasse")


@pytest.mark.parametrize("query", ["Bonn", "Kiel", "Kölner Dom"])
def test_other_words_do_not_match(query: str) -> None:
    assert fold_query(query) not in fold_for_search("Köln")


def test_decomposed_umlauts_match_like_composed_ones() -> None:
    # "Köln" in Unicode NFD (o + combining diaeresis) is the same text as NFC "Köln", as typed
    # on some systems or copied from file names; neither fold_query nor fold_for_search
    # normalises to NFC first, so the NFD query "Köln" does not find NFC "Köln", and an NFD
    # "Köln" stored is not found by "Koeln".
    decomposed = unicodedata.normalize("NFD", "Köln")
    assert decomposed != "Köln"
    assert fold_query(decomposed) in fold_for_search("Köln")
    assert fold_query("Koeln") in fold_for_search(decomposed)


# ---- taxonomies ------------------------------------------------------------------------------


def test_seventeen_sdgs_numbered_1_to_17_in_german_and_english() -> None:
    assert [sdg.number for sdg in SDGS] == list(range(1, 18))
    for sdg in SDGS:
        assert sdg.label["de"].strip()
        assert sdg.label["en"].strip()
    assert SDGS[10].label["en"] == "Sustainable cities and communities"
    assert SDGS[12].label["de"] == "Maßnahmen zum Klimaschutz"


def test_eleven_fields_of_action() -> None:
    assert len(FIELDS_OF_ACTION) == 11
    assert [term.number for term in FIELDS_OF_ACTION] == list(range(1, 12))
    assert {term.code for term in FIELDS_OF_ACTION} == set(FieldOfAction)
    for term in FIELDS_OF_ACTION:
        assert term.label["de"].strip()
        assert term.label["en"].strip()


@pytest.mark.parametrize("numbers", [(0,), (18,), (3, 18), (-1,)])
def test_check_sdgs_rejects_numbers_outside_1_to_17(numbers: tuple[int, ...]) -> None:
    with pytest.raises(InvalidData) as caught:
        check_sdgs(numbers)
    assert fields_of(caught.value) == {"sdgs"}


def test_check_sdgs_sorts_and_removes_repeats() -> None:
    assert check_sdgs((17, 5, 11, 5, 1)) == (1, 5, 11, 17)
    assert check_sdgs([]) == ()


def test_check_fields_of_action_uses_the_official_order() -> None:
    given = (
        FieldOfAction.PROTOCOL_AND_REPRESENTATION,
        FieldOfAction.SUSTAINABLE_DEVELOPMENT,
        FieldOfAction.CITY_DIPLOMACY,
        FieldOfAction.SUSTAINABLE_DEVELOPMENT,
    )
    assert check_fields_of_action(given) == (
        FieldOfAction.SUSTAINABLE_DEVELOPMENT,
        FieldOfAction.CITY_DIPLOMACY,
        FieldOfAction.PROTOCOL_AND_REPRESENTATION,
    )


@pytest.mark.parametrize(
    ("code", "south"),
    [
        ("NI", True),
        ("PS", True),
        ("UA", True),
        ("CN", True),
        ("XK", True),
        ("DE", False),
        ("US", False),
        ("IL", False),
        ("FR", False),
    ],
)
def test_in_global_south(code: str, south: bool) -> None:
    assert in_global_south(code) is south


# ---- list parameters -------------------------------------------------------------------------


def test_sort_parse() -> None:
    assert Sort.parse("-name", ["name", "created_at"]) == Sort("name", descending=True)
    assert Sort.parse("created_at", ["name", "created_at"]) == Sort("created_at")
    assert str(Sort("name", descending=True)) == "-name"
    with pytest.raises(InvalidData) as caught:
        Sort.parse("population", ["name"])
    assert fields_of(caught.value) == {"sort"}


@pytest.mark.parametrize("limit", [0, -1, MAX_PAGE_SIZE + 1])
def test_page_size_out_of_range(limit: int) -> None:
    with pytest.raises(InvalidData) as caught:
        PageRequest(limit=limit)
    assert fields_of(caught.value) == {"limit"}


def test_page_size_limits_are_allowed() -> None:
    assert PageRequest(limit=1).limit == 1
    assert PageRequest(limit=MAX_PAGE_SIZE).limit == MAX_PAGE_SIZE

"""Value types shared by every resource: multilingual text, money, visibility, codes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Self

import pycountry

from urbandiplo.domain.errors import FieldProblem, InvalidData

LANGUAGE_CODE = re.compile(r"\A[a-z]{2}\Z")


class Visibility(StrEnum):
    """Who may see a record: everyone, staff, or staff with the confidential permission."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"


def strictest(*visibilities: Visibility) -> Visibility:
    """The visibility that lets the fewest callers see: confidential over internal over public."""
    order = list(Visibility)
    return max(visibilities, key=order.index)


class DatePrecision(StrEnum):
    """How much of a date is known: sources often give only a year ("since 1962")."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


def check_precision(day: date, precision: DatePrecision, field: str) -> list[FieldProblem]:
    """A date known to the month or year is written as its first day (1962-01-01)."""
    if precision == DatePrecision.YEAR and (day.month, day.day) != (1, 1):
        return [FieldProblem(field, "a date known to the year is written YYYY-01-01")]
    if precision == DatePrecision.MONTH and day.day != 1:
        return [FieldProblem(field, "a date known to the month is written YYYY-MM-01")]
    return []


def last_day(day: date, precision: DatePrecision) -> date:
    """The last day a date known to `precision` may stand for (2027 -> 2027-12-31)."""
    if precision == DatePrecision.YEAR:
        return date(day.year, 12, 31)
    if precision == DatePrecision.MONTH:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    return day


class I18nText(dict[str, str]):
    """Text in several languages, keyed by ISO 639-1 code; German (`de`) is always present."""

    @classmethod
    def of(cls, value: Mapping[str, str], *, field: str = "text") -> Self:
        problems = [
            FieldProblem(f"{field}.{lang}", "language keys are ISO 639-1 codes such as 'de'")
            for lang in value
            if not LANGUAGE_CODE.match(lang)
        ]
        if "de" not in value or not str(value.get("de", "")).strip():
            problems.append(FieldProblem(field, "a German text ('de') is required"))
        if problems:
            raise InvalidData(f"{field} is not a valid multilingual text", problems)
        return cls(value)

    def in_language(self, lang: str) -> str:
        """The text in `lang`, falling back to German (and, for a text stored without one,
        to its first language)."""
        return self.get(lang) or self.get("de") or next(iter(self.values()), "")


class CurrencyMismatch(InvalidData):
    """Amounts in different currencies were to be combined; they are never converted silently."""


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency (ISO 4217)."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            raise InvalidData(
                "amount must be a finite decimal", [FieldProblem("amount", "not finite")]
            )
        if not (
            len(self.currency) == 3
            and self.currency.isupper()
            and pycountry.currencies.get(alpha_3=self.currency) is not None
        ):
            raise InvalidData(
                f"unknown currency {self.currency!r}",
                [FieldProblem("currency", "not an ISO 4217 currency code")],
            )

    @classmethod
    def of(cls, amount: str | Decimal, currency: str) -> Money:
        try:
            value = Decimal(amount)
        except (InvalidOperation, TypeError) as error:
            raise InvalidData(
                "amount is not a decimal", [FieldProblem("amount", "not a decimal")]
            ) from error
        return cls(value, currency)

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot add {other.currency} to {self.currency}",
                [FieldProblem("currency", "amounts in different currencies")],
            )
        return Money(self.amount + other.amount, self.currency)


# Kosovo has no ISO 3166-1 code yet; XK is the user-assigned code that the EU, the IMF and
# real partnership registries use for it.
EXTRA_COUNTRY_CODES = {"XK": "Kosovo"}


def is_country_code(code: str) -> bool:
    """True for an assigned ISO 3166-1 alpha-2 code (upper case), plus XK."""
    return code in EXTRA_COUNTRY_CODES or (
        len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None
    )


def check_country_code(code: str, *, field: str = "country_code") -> str:
    if not is_country_code(code):
        raise InvalidData(
            f"{code!r} is not an ISO 3166-1 alpha-2 country code",
            [FieldProblem(field, "not an ISO 3166-1 alpha-2 country code")],
        )
    return code


def is_subdivision_code(code: str, country_code: str | None = None) -> bool:
    """True for an ISO 3166-2 code (e.g. DE-NW), of `country_code` when given."""
    subdivision = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    if subdivision is None:
        return False
    return country_code is None or subdivision.country_code == country_code


def fold_for_search(text: str) -> str:
    """Lower-case forms of `text` under which a search should find it.

    Umlauts and ß are written out (Köln -> koeln) and, separately, stripped of their marks
    (köln -> koln), so that "Köln", "Koeln" and "Koln" all find Cologne.
    """
    lowered = unicodedata.normalize("NFC", text).casefold()
    spelled = lowered.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch)
    )
    forms = dict.fromkeys([lowered, spelled, stripped])
    return " ".join(forms)


def fold_query(text: str) -> str:
    """The one form of a search term that is looked for in `fold_for_search` output."""
    lowered = unicodedata.normalize("NFC", text).casefold().strip()
    return lowered.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")

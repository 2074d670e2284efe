"""Schema pieces and list parameters shared by every resource."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar, get_args

from fastapi import Query
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
    WrapValidator,
    field_validator,
    model_validator,
)

from urbandiplo.api.problems import problem_responses
from urbandiplo.domain.errors import InvalidData
from urbandiplo.domain.listing import MAX_PAGE_SIZE
from urbandiplo.domain.values import I18nText, Money, check_country_code

T = TypeVar("T")


def _country(code: str) -> str:
    try:
        return check_country_code(code)
    except InvalidData as error:
        raise ValueError(error.detail) from error


def _i18n(value: dict[str, str]) -> I18nText:
    try:
        return I18nText.of(value)
    except InvalidData as error:
        raise ValueError(error.detail) from error


def _iso_date(value: object) -> object:
    if isinstance(value, str) and len(value) == 10:
        return date.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise ValueError("a date as YYYY-MM-DD")


def _iso_datetime(value: object) -> object:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and "T" in value.upper():
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as error:
            raise ValueError("a date and time in ISO 8601 with an offset") from error
    else:
        raise ValueError("a date and time in ISO 8601 with an offset")
    if parsed.tzinfo is None:
        raise ValueError("the date and time needs an offset, e.g. Z or +01:00")
    return parsed


def _json_bool(value: object) -> object:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("true or false")


# Dates, times and flags exactly as the contract writes them; pydantic's lax mode would also
# take Unix timestamps, "yes" or 1, which the contract does not allow.
IsoDate = Annotated[date, BeforeValidator(_iso_date), Field(json_schema_extra={"maxLength": 10})]
IsoDateTime = Annotated[
    datetime, BeforeValidator(_iso_datetime), Field(json_schema_extra={"maxLength": 40})
]
Flag = Annotated[bool, BeforeValidator(_json_bool)]
Integer = Annotated[StrictInt, Field(json_schema_extra={"format": "int64"})]
Number = Annotated[StrictFloat, Field(json_schema_extra={"format": "double"})]

# Response fields, with the bounds their inputs are held to, so the contract states them.
Id = Annotated[uuid.UUID, Field(json_schema_extra={"maxLength": 36})]
Day = Annotated[date, Field(json_schema_extra={"maxLength": 10})]
Timestamp = Annotated[datetime, Field(json_schema_extra={"maxLength": 40})]

CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$", min_length=2, max_length=2),
    AfterValidator(_country),
    Field(description="ISO 3166-1 alpha-2 country code", examples=["DE"]),
]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$", min_length=2, max_length=2)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
OrganisationName = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]
LocalNames = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(min_length=1, max_length=200)]],
    Field(max_length=50, description="Names in other languages, keyed by ISO 639-1 code."),
]
# Texts per language are checked as the domain's I18nText: German (`de`) is required.
GERMAN_REQUIRED = AfterValidator(_i18n)
I18nTextIn = Annotated[
    dict[LanguageCode, Text],
    Field(
        max_length=50,
        description="Text per ISO 639-1 language; German (`de`) is required.",
        examples=[{"de": "Städtepartnerschaft seit 1976", "en": "Twinned since 1976"}],
    ),
    GERMAN_REQUIRED,
]
I18nTextOut = Annotated[
    dict[LanguageCode, Text],
    Field(description="Text per ISO 639-1 language; German (`de`) is always there."),
]


def has_nul(value: object) -> bool:
    """A NUL character anywhere in the value (PostgreSQL cannot store it in text)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


class RequestModel(BaseModel):
    """Request bodies refuse fields they do not know, and text with NUL characters."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError("text must not contain NUL characters")
        return value


Amount = Annotated[
    str,
    StringConstraints(pattern=r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$", max_length=16),
    Field(description="A decimal amount as a string, never a float", examples=["10000.00"]),
]
CurrencyCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$", min_length=3, max_length=3),
    Field(description="ISO 4217 currency code", examples=["EUR"]),
]


class MoneyIn(RequestModel):
    model_config = ConfigDict(extra="forbid", title="MoneyIn")

    amount: Amount
    currency: CurrencyCode

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, code: str) -> str:
        try:
            Money.of("0", code)
        except InvalidData as error:
            raise ValueError(error.detail) from error
        return code

    def to_domain(self) -> Money:
        return Money.of(self.amount, self.currency)


class MoneyOut(BaseModel):
    model_config = ConfigDict(title="Money")

    amount: Amount
    currency: CurrencyCode


class PatchModel(RequestModel):
    """PATCH bodies: every field optional; only the fields sent are changed."""


def _not_null(value: T | None) -> T:
    if value is None:
        raise ValueError("may be left out, but not set to null")
    return value


def _without_null(schema: dict[str, Any]) -> None:
    schema.pop("default", None)
    branches = schema.pop("anyOf", None)
    if branches is not None:
        kept = [branch for branch in branches if branch.get("type") != "null"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept


# A PATCH field that cannot be emptied: it may be left out, but not sent as null.
Omittable = Annotated[
    T | None, AfterValidator(_not_null), Field(default=None, json_schema_extra=_without_null)
]


_WHOLE = re.compile(r"[+-]?[0-9]+")


def _whole_number(value: object) -> object:
    """Pydantic reads "20000.00" as the integer 20000; a query's integer is digits only."""
    if isinstance(value, str) and not _WHOLE.fullmatch(value):
        raise ValueError("must be a whole number, digits only")
    return value


# An integer query parameter: `Annotated[int, Query(...), WHOLE_NUMBER]`, last: before the
# Query a validator drops the bounds from the contract, and a BeforeValidator after it is
# not applied (FastAPI 0.165); a wrap validator there is both.
WHOLE_NUMBER = WrapValidator(lambda value, handler: handler(_whole_number(value)))

Limit = Annotated[
    int,
    Field(json_schema_extra={"format": "int32"}),
    Query(
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Page size, at most {MAX_PAGE_SIZE}.",
    ),
    WHOLE_NUMBER,
]
NextCursor = Annotated[
    str | None,
    Field(
        max_length=500,
        description="Pass as `cursor` for the next page; null on the last page.",
    ),
]
Cursor = Annotated[
    str | None,
    Query(
        max_length=500,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Where the page starts: `next_cursor` of the page before (also in the "
        '`Link: rel="next"` header).',
    ),
]
ModifiedSince = Annotated[
    IsoDateTime | None,
    Query(description="Only records changed at or after this time (ISO 8601 with offset)."),
]
SearchText = Annotated[
    str | None,
    Query(min_length=1, max_length=200, description="Text the record's public texts contain."),
]


Item = TypeVar("Item", bound=BaseModel)


class Page(BaseModel, Generic[Item]):
    """One page of a list. Name each page schema: `class CityPage(Page[City]): ...`."""

    items: list[Item] = Field(max_length=MAX_PAGE_SIZE)
    next_cursor: NextCursor

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """A named page's example: the last page of a list, with its item's examples."""
        super().__pydantic_init_subclass__(**kwargs)
        (item,) = get_args(cls.model_fields["items"].annotation) or (None,)
        extra = getattr(item, "model_config", {}).get("json_schema_extra")
        if isinstance(extra, dict) and extra.get("examples"):
            page = {"items": extra["examples"][:2], "next_cursor": None}
            cls.model_config["json_schema_extra"] = {"examples": [page]}


def sort_query(sorts: tuple[str, ...], *, nulls_last: bool = False) -> Any:
    """The `sort` query parameter of a list: one of `sorts`, `-` in front for descending.
    Use as `Annotated[str, sort_query(CITY_SORTS)]`."""
    ties = "empty values last, ties broken by id" if nulls_last else "ties are broken by id"
    return Query(
        pattern=rf"^-?({'|'.join(sorts)})$",
        max_length=40,
        description=f"Sort field, `-` for descending; {ties}.",
    )


# What every list operation declares besides its page.
LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified"},
    **problem_responses(401, 422),
}

"""CSV tables of cities, partnerships, organisations and events: their columns, a file read
into import rows (each validated as the API validates a request body), and records written
out as the caller may see them.

One layout serves both ways, so that an export imports again (as duplicates). Conventions:
UTF-8 (a byte order mark is allowed), comma, semicolon or tab as the delimiter (found from the
header); several values in one cell separated by `;`; texts in several languages as one
column per language (`title_de`, `title_en`); cities by name and country, the country as an
ISO code or a name (`domain.countries`); an empty cell is an empty field. Text cells that a
spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`) are written with a
leading `'`, which reading takes off again."""

from __future__ import annotations

import csv
import io
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from urbandiplo.api.cities import CityCreate
from urbandiplo.api.events import EventCreate
from urbandiplo.api.organisations import OrganisationCreate
from urbandiplo.api.partnerships import PartnershipCreate
from urbandiplo.domain.countries import Place, country_code, place, place_name
from urbandiplo.domain.errors import FieldProblem, InvalidData
from urbandiplo.domain.events import Event
from urbandiplo.domain.imports import UNKNOWN, Row, described
from urbandiplo.domain.partnerships import PartnershipKind
from urbandiplo.domain.refs import CityRef

CSV_MEDIA_TYPE = "text/csv"
LIST_SEPARATOR = ";"
LANGUAGES = ("de", "en")  # the languages written out; reading takes any ISO 639-1 code
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guarded(text: str) -> str:
    """A text cell a spreadsheet will show as text, not run as a formula (OWASP)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unguarded(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    value: Callable[[Any], object]  # the record's value for the cell
    staff: bool = False  # only staff see it (notes, visibility, role addresses)
    imported: bool = True  # False: written out only (ids, timestamps, derived values)
    parse: Callable[[str], object] | None = None  # a cell to the JSON value the API takes
    # The field the cell is a part of, which the table puts together: a text in several
    # languages, a city by name and country, the venue. None: the cell is a field itself.
    part_of: str | None = None


def _integer(text: str) -> object:
    """An integer cell as a number; as it is where it is none (validation says why)."""
    try:
        return int(text)
    except ValueError:
        return text


def _decimal(text: str) -> object:
    """A number cell, with a decimal point or (as German spreadsheets write) a comma."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def _integers(text: str) -> object:
    return [_integer(item.strip()) for item in text.split(LIST_SEPARATOR) if item.strip()]


def _items(text: str) -> object:
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


def _flag(text: str) -> object:
    return {"true": True, "false": False, "ja": True, "nein": False}.get(text.lower(), text)


def _cell(column: Column, record: Any) -> str:
    value = column.value(record)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, str):  # every text, from free text to e-mail addresses
        return guarded(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _bookkeeping() -> tuple[Column, ...]:
    return (
        Column("created_at", lambda r: r.created_at, imported=False),
        Column("updated_at", lambda r: r.updated_at, imported=False),
    )


def _i18n(name: str, read: Callable[[Any], Mapping[str, str] | None]) -> tuple[Column, ...]:
    def text_in(lang: str) -> Callable[[Any], object]:
        return lambda record: (read(record) or {}).get(lang)

    return tuple(Column(f"{name}_{lang}", text_in(lang), part_of=name) for lang in LANGUAGES)


def _problems(error: ValidationError) -> list[FieldProblem]:
    return [
        FieldProblem(".".join(str(part) for part in e["loc"]) or "row", str(e["msg"]))
        for e in error.errors()
    ]


class Table(ABC):
    """One collection's CSV layout."""

    collection: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    required: ClassVar[frozenset[str]]
    # Other names a header may give a column (the twin-towns list's city1, country1, ...).
    aliases: ClassVar[Mapping[str, str]] = {}
    # Cities a row names by name and country: the field their id goes to, the two columns,
    # and whether every row must name one.
    places: ClassVar[Mapping[str, tuple[str, str, bool]]] = {}
    note: ClassVar[str] = ""  # what the contract says of the table beyond its columns

    def header(self, staff: bool) -> list[str]:
        return [c.name for c in self.columns if staff or not c.staff]

    def cells(self, record: Any, staff: bool) -> list[str]:
        return [_cell(c, record) for c in self.columns if staff or not c.staff]

    def check_header(self, header: list[str]) -> list[str]:
        """The header's column names (aliases resolved); InvalidData for unknown, repeated
        or missing columns, which make the whole file unreadable."""
        known = {c.name for c in self.columns}
        names = [self.aliases.get(name.strip().lower(), name.strip().lower()) for name in header]
        problems = [
            FieldProblem(f"header.{i + 1}", f"unknown column {name!r}")
            for i, name in enumerate(names)
            if name and name not in known and not self._language_column(name)
        ]
        problems += [
            FieldProblem(f"header.{i + 1}", f"column {name!r} appears twice")
            for i, name in enumerate(names)
            if name and name in names[:i]
        ]
        problems += [
            FieldProblem("header", f"column {name!r} is required")
            for name in sorted(self.required - set(names))
        ]
        if problems:
            raise InvalidData(
                f"the file's header does not fit the {self.collection} table", problems
            )
        return names

    def _language_column(self, name: str) -> bool:
        """`title_fr` and the like: a language beyond those written out."""
        base, _, lang = name.rpartition("_")
        return len(lang) == 2 and lang.isalpha() and f"{base}_de" in {c.name for c in self.columns}

    @abstractmethod
    def row(self, cells: Mapping[str, str], line: int) -> Row:
        """The row's record, checked, with the cities it names as places."""

    @staticmethod
    def texts(cells: Mapping[str, str], base: str) -> dict[str, str] | None:
        found = {
            name.rpartition("_")[2]: value
            for name, value in cells.items()
            if name.rpartition("_")[0] == base and len(name.rpartition("_")[2]) == 2 and value
        }
        return found or None

    def values(self, cells: Mapping[str, str]) -> dict[str, Any]:
        """The values of the imported columns that are fields of their own, where the row
        gives them, as the API takes them."""
        values: dict[str, Any] = {}
        for column in self.columns:
            cell = cells.get(column.name)
            if column.imported and column.part_of is None and cell:
                values[column.name] = column.parse(cell) if column.parse else cell
        return values

    def located(self, cells: Mapping[str, str]) -> tuple[dict[str, Place], list[FieldProblem]]:
        """The places the row names, by the field their city's id goes to; the problems of
        those it names wrongly."""
        found: dict[str, Place] = {}
        problems: list[FieldProblem] = []
        for field, (city, country, required) in self.places.items():
            if required or cells.get(city) or cells.get(country):
                named = _place(cells, city, country, problems)
                if named is not None:
                    found[field] = named
        return found, problems

    @staticmethod
    def validated(
        model: type[BaseModel], values: dict[str, Any], line: int, places: dict[str, Place]
    ) -> Row:
        try:
            fields = model.model_validate(values).to_fields()  # type: ignore[attr-defined]
        except ValidationError as error:
            return _rejected(line, _problems(error))
        except InvalidData as error:
            return Row(line, reason=str(error), problems=error.problems)
        return Row(line, fields=fields, places=places)


def _rejected(line: int, problems: list[FieldProblem]) -> Row:
    return Row(
        line,
        reason=described(InvalidData("the row is not valid", problems)),
        problems=tuple(problems),
    )


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value not in (None, "")}


def _place(
    cells: Mapping[str, str], city: str, country: str, problems: list[FieldProblem]
) -> Place | None:
    """The place two cells name; None (with a problem) where they name none."""
    found = place(cells.get(city, ""), cells.get(country, ""))
    if isinstance(found, str):
        problems.append(FieldProblem(city, found))
        return None
    try:  # a name as a city's name must be
        CityCreate.model_validate({"name": found.name, "country_code": found.country_code})
    except ValidationError as error:
        problems += [FieldProblem(city, str(e["msg"])) for e in error.errors()]
        return None
    return found


def _names(cell: str) -> dict[str, str] | str:
    """'de=Peking; en=Beijing' as a dict; a message where it is not of that form."""
    names: dict[str, str] = {}
    for item in cell.split(LIST_SEPARATOR):
        if not item.strip():
            continue
        lang, equals, name = item.partition("=")
        if not equals:
            return "give names as language=name, separated by ';' (de=Peking; en=Beijing)"
        names[lang.strip().lower()] = name.strip()
    return names


def _city_name(ref: CityRef | None) -> str | None:
    return ref.name if ref is not None else None


def _city_country(ref: CityRef | None) -> str | None:
    return ref.country_code if ref is not None else None


class CityTable(Table):
    collection = "cities"
    note = "`names`: other languages' names as `de=Peking; en=Beijing`."
    columns = (
        Column("id", lambda r: r.id, imported=False),
        Column("name", lambda r: r.name),
        Column(
            "names",
            lambda r: LIST_SEPARATOR.join(f"{lang}={name}" for lang, name in r.names.items()),
        ),
        Column("country_code", lambda r: r.country_code),
        Column("subdivision_code", lambda r: r.subdivision_code),
        Column("latitude", lambda r: r.latitude, parse=_decimal),
        Column("longitude", lambda r: r.longitude, parse=_decimal),
        Column("population", lambda r: r.population, parse=_integer),
        Column("wikidata_id", lambda r: r.wikidata_id),
        Column("geonames_id", lambda r: r.geonames_id, parse=_integer),
        Column("global_south", lambda r: r.global_south, imported=False),
        Column("notes", lambda r: r.notes, staff=True),
        Column("visibility", lambda r: r.visibility.value, staff=True),
        *_bookkeeping(),
    )
    required = frozenset({"name", "country_code"})
    aliases: ClassVar[Mapping[str, str]] = {"country": "country_code", "city": "name"}

    def row(self, cells: Mapping[str, str], line: int) -> Row:
        written = cells.get("country_code", "")
        code = country_code(written)
        if code is None:
            problem = FieldProblem(
                "country_code",
                f"{written!r} is not a country name or code we know" if written else "empty",
            )
            return _rejected(line, [problem])
        names = _names(cells.get("names", ""))
        if isinstance(names, str):
            return _rejected(line, [FieldProblem("names", names)])
        values = {**self.values(cells), "country_code": code, "names": names}
        if "name" in values:
            values["name"] = place_name(values["name"])
        return self.validated(CityCreate, values, line, {})


class PartnershipTable(Table):
    collection = "partnerships"
    note = (
        "A row without `kind` is a twinning; one without `city` the home city's. `city1`, "
        "`country1`, `city2`, `country2` are read as `city`, `city_country`, `partner_city`, "
        "`partner_country`."
    )
    columns = (
        Column("id", lambda r: r.id, imported=False),
        Column("city", lambda r: r.city.name, part_of="city_id"),
        Column("city_country", lambda r: r.city.country_code, part_of="city_id"),
        Column("partner_city", lambda r: r.partner_city.name, part_of="partner_city_id"),
        Column("partner_country", lambda r: r.partner_city.country_code, part_of="partner_city_id"),
        Column("kind", lambda r: r.kind.value),
        Column("status", lambda r: r.status.value),
        Column("established_on", lambda r: r.established_on),
        Column("established_precision", lambda r: r.established_precision.value),
        Column("ended_on", lambda r: r.ended_on),
        Column("responsible_unit", lambda r: r.responsible_unit),
        Column("sdgs", lambda r: r.sdgs, parse=_integers),
        Column(
            "fields_of_action",
            lambda r: [f.value for f in r.fields_of_action],
            parse=_items,
        ),
        *_i18n("description", lambda r: r.description),
        Column("notes", lambda r: r.notes, staff=True),
        Column("visibility", lambda r: r.visibility.value, staff=True),
        Column("city_id", lambda r: r.city_id, imported=False),
        Column("partner_city_id", lambda r: r.partner_city_id, imported=False),
        *_bookkeeping(),
    )
    required = frozenset({"partner_city", "partner_country"})
    places: ClassVar[Mapping[str, tuple[str, str, bool]]] = {
        "city_id": ("city", "city_country", False),
        "partner_city_id": ("partner_city", "partner_country", True),
    }
    aliases: ClassVar[Mapping[str, str]] = {
        "city1": "city",
        "country1": "city_country",
        "city2": "partner_city",
        "country2": "partner_country",
    }

    def row(self, cells: Mapping[str, str], line: int) -> Row:
        places, problems = self.located(cells)
        if problems:
            return _rejected(line, problems)
        values = _present(
            {
                **self.values(cells),
                **dict.fromkeys(places, UNKNOWN),
                "kind": cells.get("kind") or PartnershipKind.TWINNING.value,
                "description": self.texts(cells, "description"),
            }
        )
        return self.validated(PartnershipCreate, values, line, places)


class OrganisationTable(Table):
    collection = "organisations"
    columns = (
        Column("id", lambda r: r.id, imported=False),
        Column("name", lambda r: r.name),
        Column("kind", lambda r: r.kind.value),
        Column("city", lambda r: _city_name(r.city), part_of="city_id"),
        Column("city_country", lambda r: _city_country(r.city), part_of="city_id"),
        Column("website", lambda r: r.website),
        Column("email", lambda r: r.email, staff=True),
        *_i18n("description", lambda r: r.description),
        Column("notes", lambda r: r.notes, staff=True),
        Column("visibility", lambda r: r.visibility.value, staff=True),
        Column("city_id", lambda r: r.city_id, imported=False),
        *_bookkeeping(),
    )
    required = frozenset({"name", "kind"})
    places: ClassVar[Mapping[str, tuple[str, str, bool]]] = {
        "city_id": ("city", "city_country", False)
    }

    def row(self, cells: Mapping[str, str], line: int) -> Row:
        places, problems = self.located(cells)
        if problems:
            return _rejected(line, problems)
        values = _present(
            {
                **self.values(cells),
                **dict.fromkeys(places, UNKNOWN),
                "description": self.texts(cells, "description"),
            }
        )
        return self.validated(OrganisationCreate, values, line, places)


def _venue(event: Event, read: Callable[[Any], object]) -> object:
    return read(event.venue) if event.venue is not None else None


class EventTable(Table):
    collection = "events"
    note = (
        "Organisers, partners and links to partnerships, networks and projects are not in "
        "the table; they are set through the API."
    )
    columns = (
        Column("id", lambda r: r.id, imported=False),
        *_i18n("title", lambda r: r.title),
        *_i18n("summary", lambda r: r.summary),
        Column("kind", lambda r: r.kind.value),
        Column("starts_at", lambda r: r.starts_at),
        Column("ends_at", lambda r: r.ends_at),
        Column("all_day", lambda r: r.all_day, parse=_flag),
        Column("precision", lambda r: r.precision.value),
        Column("timezone", lambda r: r.timezone),
        Column("venue_name", lambda r: _venue(r, lambda v: v.name), part_of="venue"),
        Column("venue_address", lambda r: _venue(r, lambda v: v.address), part_of="venue"),
        Column("venue_city", lambda r: _venue(r, lambda v: _city_name(v.city)), part_of="venue"),
        Column(
            "venue_country", lambda r: _venue(r, lambda v: _city_country(v.city)), part_of="venue"
        ),
        Column("online_url", lambda r: _venue(r, lambda v: v.online_url), part_of="venue"),
        Column("audience", lambda r: r.audience.value),
        Column("registration_url", lambda r: r.registration_url),
        Column("capacity", lambda r: r.capacity, parse=_integer),
        Column("series", lambda r: r.series),
        Column("sdgs", lambda r: r.sdgs, parse=_integers),
        Column(
            "fields_of_action",
            lambda r: [f.value for f in r.fields_of_action],
            parse=_items,
        ),
        Column("notes", lambda r: r.notes, staff=True),
        Column("visibility", lambda r: r.visibility.value, staff=True),
        *_bookkeeping(),
    )
    required = frozenset({"title_de", "kind", "starts_at"})
    places: ClassVar[Mapping[str, tuple[str, str, bool]]] = {
        "venue.city_id": ("venue_city", "venue_country", False)
    }

    def row(self, cells: Mapping[str, str], line: int) -> Row:
        places, problems = self.located(cells)
        if problems:
            return _rejected(line, problems)
        city = places.get("venue.city_id")
        venue = _present(
            {
                "name": cells.get("venue_name") or (city.name if city else None),
                "address": cells.get("venue_address"),
                "online_url": cells.get("online_url"),
                "city_id": UNKNOWN if city else None,
            }
        )
        values = _present(
            {
                **self.values(cells),
                "venue": venue or None,
                "title": self.texts(cells, "title"),
                "summary": self.texts(cells, "summary"),
            }
        )
        return self.validated(EventCreate, values, line, places)


TABLES: Mapping[str, Table] = {
    table.collection: table
    for table in (CityTable(), PartnershipTable(), OrganisationTable(), EventTable())
}


class UnreadableFile(InvalidData):
    """The file as a whole cannot be read: its encoding, its header."""


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "the file is not UTF-8 text",
            [FieldProblem("file", f"byte {error.start} is not UTF-8; save the file as UTF-8")],
        ) from None


def read_rows(table: Table, text: str) -> list[Row]:
    """The file's rows, in order, each parsed or with the reason it cannot be; blank lines
    are not rows. The whole file is read before anything is stored: UnreadableFile where it
    cannot be (its header, a cell beyond the CSV reader's limit)."""
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line.strip() else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFile("the file is empty", [FieldProblem("file", "no header")]) from None
    try:
        names = table.check_header(header)
    except InvalidData as error:
        raise UnreadableFile(str(error), error.problems) from None
    try:
        return list(_rows(table, reader, names))
    except csv.Error as error:
        raise UnreadableFile(
            "the file is not CSV this table can read",
            [FieldProblem(f"line.{reader.line_num}", str(error))],
        ) from None


def _rows(table: Table, reader: Any, names: list[str]) -> Iterator[Row]:
    ended = reader.line_num
    for cells in reader:
        line, ended = ended + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            problem = FieldProblem("row", f"{len(cells)} cells; the header has {len(names)}")
            yield _rejected(line, [problem])
            continue
        values = {
            name: unguarded(cell.strip()) for name, cell in zip(names, cells, strict=False) if name
        }
        row = table.row(values, line)
        exported_id = _uuid(values.get("id", ""))
        yield replace(row, record_id=exported_id) if exported_id else row


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None


def write(table: Table, records: Iterable[Any], staff: bool) -> Iterator[str]:
    """The CSV text: the header, then the records, a chunk at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header(staff))
    for record in records:
        writer.writerow(table.cells(record, staff))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()

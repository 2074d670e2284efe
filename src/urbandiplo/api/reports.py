"""/v1/reports/annual: the year in numbers and lists, as JSON or as a printable page."""

from __future__ import annotations

from html import escape
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from urbandiplo.api import examples
from urbandiplo.api.common import WHOLE_NUMBER, Day, I18nTextOut, Id, MoneyOut, Timestamp
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import json_response
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.rendering import dumps
from urbandiplo.api.resource import IfNoneMatch
from urbandiplo.domain.delegations import DelegationStatus, Direction
from urbandiplo.domain.events import EventKind
from urbandiplo.domain.projects import ProjectStatus
from urbandiplo.domain.reports import AnnualReport, Tally
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, Money

router = APIRouter(tags=["reports"])

Count = Annotated[int, Field(ge=0, le=1_000_000, json_schema_extra={"format": "int32"})]
Name = Annotated[str, Field(max_length=300)]
HTML = "text/html; charset=utf-8"
# The printable page: its own styles, nothing else.
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


class Totals(BaseModel):
    events: Count
    delegations: Count
    projects: Count
    applications_submitted: Count
    applications_approved: Count


class ReportEvent(BaseModel):
    id: Id
    title: I18nTextOut
    starts_at: Timestamp
    precision: DatePrecision
    kind: EventKind


class ReportDelegation(BaseModel):
    id: Id
    title: I18nTextOut
    direction: Direction
    status: DelegationStatus
    starts_on: Day
    ends_on: Day | None
    cities: list[Name] = Field(max_length=20)


class ReportProject(BaseModel):
    id: Id
    title: I18nTextOut
    status: ProjectStatus
    starts_on: Day | None
    ends_on: Day | None


class ReportGrant(BaseModel):
    id: Id
    title: Name
    programme: Name | None
    awarded: MoneyOut | None


class ReportFunding(BaseModel):
    requested: list[MoneyOut] = Field(max_length=50, description="One sum per currency")
    awarded: list[MoneyOut] = Field(max_length=50, description="One sum per currency")
    approved: list[ReportGrant] = Field(max_length=5000)


class FieldCount(BaseModel):
    field: FieldOfAction
    label: I18nTextOut
    events: Count
    delegations: Count
    projects: Count


class CityCount(BaseModel):
    city_id: Id
    name: Name
    names: dict[str, Name]
    country_code: str = Field(max_length=2)
    events: Count
    delegations: Count
    projects: Count


class SdgCount(BaseModel):
    sdg: int = Field(ge=1, le=17, json_schema_extra={"format": "int32"})
    label: I18nTextOut
    events: Count
    projects: Count


class ReportAnniversary(BaseModel):
    partnership_id: Id
    city: Name
    partner_city: Name
    years: Count
    on: Day | None = Field(description="null where only the year of the founding is known")


class AnnualReportOut(BaseModel):
    """The year in numbers and lists; everything in it is what you may read."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.ANNUAL_REPORT]})

    year: int = Field(ge=1900, le=2200, json_schema_extra={"format": "int32"})
    totals: Totals
    events: list[ReportEvent] = Field(max_length=5000)
    delegations: list[ReportDelegation] = Field(max_length=5000)
    projects: list[ReportProject] = Field(max_length=5000)
    funding: ReportFunding
    by_field_of_action: list[FieldCount] = Field(max_length=11)
    by_partner_city: list[CityCount] = Field(max_length=5000)
    by_sdg: list[SdgCount] = Field(max_length=17)
    anniversaries_next_year: list[ReportAnniversary] = Field(max_length=500)


def _money(money: Money) -> dict[str, str]:
    return {"amount": str(money.amount), "currency": money.currency}


def _tally(tally: Tally) -> dict[str, int]:
    return {"events": tally.events, "delegations": tally.delegations, "projects": tally.projects}


def body_of(report: AnnualReport) -> dict[str, Any]:
    funding = report.funding
    return {
        "year": report.year,
        "totals": {
            "events": len(report.events),
            "delegations": len(report.delegations),
            "projects": len(report.projects),
            "applications_submitted": funding.applications_submitted,
            "applications_approved": funding.applications_approved,
        },
        "events": [
            {
                "id": str(e.id),
                "title": dict(e.title),
                "starts_at": e.starts_at.isoformat(),
                "precision": e.precision.value,
                "kind": e.kind.value,
            }
            for e in report.events
        ],
        "delegations": [
            {
                "id": str(d.id),
                "title": dict(d.title),
                "direction": d.direction.value,
                "status": d.status.value,
                "starts_on": d.starts_on.isoformat(),
                "ends_on": d.ends_on.isoformat() if d.ends_on else None,
                "cities": [c.names.get("de") or c.name for c in d.cities],
            }
            for d in report.delegations
        ],
        "projects": [
            {
                "id": str(p.id),
                "title": dict(p.title),
                "status": p.status.value,
                "starts_on": p.starts_on.isoformat() if p.starts_on else None,
                "ends_on": p.ends_on.isoformat() if p.ends_on else None,
            }
            for p in report.projects
        ],
        "funding": {
            "requested": [_money(m) for m in funding.requested],
            "awarded": [_money(m) for m in funding.awarded],
            "approved": [
                {
                    "id": str(a.id),
                    "title": a.title,
                    "programme": a.programme.name if a.programme else None,
                    "awarded": _money(a.awarded) if a.awarded else None,
                }
                for a in funding.approved
            ],
        },
        "by_field_of_action": [
            {"field": t.field.code.value, "label": dict(t.field.label), **_tally(t.tally)}
            for t in report.by_field_of_action
        ],
        "by_partner_city": [
            {
                "city_id": str(t.city.id),
                "name": t.city.name,
                "names": dict(t.city.names),
                "country_code": t.city.country_code,
                **_tally(t.tally),
            }
            for t in report.by_partner_city
        ],
        "by_sdg": [
            {
                "sdg": t.sdg.number,
                "label": dict(t.sdg.label),
                "events": t.tally.events,
                "projects": t.tally.projects,
            }
            for t in report.by_sdg
        ],
        "anniversaries_next_year": [
            {
                "partnership_id": str(a.partnership.id),
                "city": a.partnership.city.names.get("de") or a.partnership.city.name,
                "partner_city": a.partnership.partner_city.names.get("de")
                or a.partnership.partner_city.name,
                "years": a.years,
                "on": a.on.isoformat() if a.on else None,
            }
            for a in report.anniversaries_next_year
        ],
    }


def _text(value: dict[str, str], lang: str) -> str:
    return escape(value.get(lang) or value.get("de") or "")


def html_of(body: dict[str, Any], lang: str) -> bytes:
    """A plain, printable page of the report; every value escaped."""
    de = lang == "de"
    year = body["year"]
    totals = body["totals"]

    def section(title: str, rows: list[str]) -> str:
        items = "".join(f"<li>{row}</li>" for row in rows) or "<li>—</li>"
        return f"<h2>{escape(title)}</h2><ul>{items}</ul>"

    parts = [
        f"<h1>{'Jahresbericht' if de else 'Annual report'} {year}</h1>",
        "<p>"
        + escape(
            f"{totals['events']} {'Veranstaltungen' if de else 'events'}, "
            f"{totals['delegations']} {'Delegationen' if de else 'delegations'}, "
            f"{totals['projects']} {'Projekte' if de else 'projects'}"
        )
        + "</p>",
        section(
            "Handlungsfelder" if de else "Fields of action",
            [
                f"{_text(f['label'], lang)}: {f['events']} / {f['projects']}"
                for f in body["by_field_of_action"]
            ],
        ),
        section(
            "Partnerstädte" if de else "Partner cities",
            [
                f"{escape(c['names'].get(lang) or c['name'])}: {c['events']} / "
                f"{c['delegations']} / {c['projects']}"
                for c in body["by_partner_city"]
            ],
        ),
        section(
            "Veranstaltungen" if de else "Events",
            [f"{escape(e['starts_at'][:10])} {_text(e['title'], lang)}" for e in body["events"]],
        ),
        section(
            "Delegationen" if de else "Delegations",
            [
                f"{escape(d['starts_on'])} {_text(d['title'], lang)} "
                f"({escape(', '.join(d['cities']))})"
                for d in body["delegations"]
            ],
        ),
        section(
            "Projekte" if de else "Projects",
            [_text(p["title"], lang) for p in body["projects"]],
        ),
        section(
            "Fördermittel" if de else "Funding",
            [
                escape(f"{a['title']}: {a['awarded']['amount']} {a['awarded']['currency']}")
                if a["awarded"]
                else escape(a["title"])
                for a in body["funding"]["approved"]
            ],
        ),
        section(
            "SDGs",
            [
                f"{s['sdg']} {_text(s['label'], lang)}: {s['events']} / {s['projects']}"
                for s in body["by_sdg"]
            ],
        ),
        section(
            f"{'Jubiläen' if de else 'Anniversaries'} {year + 1}",
            [
                escape(f"{a['city']} \u2013 {a['partner_city']}: {a['years']}")
                for a in body["anniversaries_next_year"]
            ],
        ),
    ]
    page = (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{'Jahresbericht' if de else 'Annual report'} {year}</title>"
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}"
        "h2{break-after:avoid}@media print{body{margin:0}}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )
    return page.encode("utf-8")


@router.get(
    "/v1/reports/annual",
    operation_id="reports-annual",
    summary="The annual report",
    description="The year's events, delegations, projects and funding (requested: submitted "
    "that year; awarded: approved that year, sums per currency), counted by field of "
    "action, partner city and SDG, with next year's round anniversaries. `format=html` "
    "gives a printable page.",
    response_model=AnnualReportOut,
    responses={
        200: {
            "content": {
                "text/html": {
                    "schema": {"type": "string", "maxLength": 50_000_000},
                    "example": examples.ANNUAL_REPORT_HTML,
                }
            }
        },
        304: {"description": "Not modified"},
        **problem_responses(401, 422),
    },
)
def annual_report(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    year: Annotated[
        int, Query(ge=1900, le=2200, json_schema_extra={"format": "int32"}), WHOLE_NUMBER
    ],
    format_: Annotated[Literal["json", "html"], Query(alias="format")] = "json",
    lang: Annotated[Literal["de", "en"], Query(description="Language of the page")] = "de",
    if_none_match: IfNoneMatch = None,
) -> Response:
    body = body_of(services.reports.annual(principal, year))
    if format_ == "json":
        return json_response(dumps(body), request, principal)
    return json_response(
        html_of(body, lang),
        request,
        principal,
        headers={"Content-Security-Policy": HTML_CSP},
        media_type=HTML,
    )

"""Reference data: the 17 Sustainable Development Goals and the 11 fields of action."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from urbandiplo.domain.errors import FieldProblem, InvalidData
from urbandiplo.domain.values import I18nText


@dataclass(frozen=True, slots=True)
class Sdg:
    """One of the UN's 17 Sustainable Development Goals (Agenda 2030)."""

    number: int
    label: I18nText


@dataclass(frozen=True, slots=True)
class FieldOfActionTerm:
    """One of the fields of action of a city's international work."""

    code: FieldOfAction
    number: int
    label: I18nText


class FieldOfAction(StrEnum):
    """The 11 fields of action (Handlungsfelder) of the Deutscher Städtetag's paper (seed 002)."""

    SUSTAINABLE_DEVELOPMENT = "sustainable_development"
    CITY_DIPLOMACY = "city_diplomacy"
    CITY_AND_PROJECT_PARTNERSHIPS = "city_and_project_partnerships"
    INTERNATIONAL_EXPERT_EXCHANGE = "international_expert_exchange"
    DEVELOPMENT_POLICY = "development_policy"
    MULTILATERAL_NETWORKING = "multilateral_networking"
    INTERNATIONAL_URBAN_COMMUNITY = "international_urban_community"
    INTERNATIONAL_ADMINISTRATION = "international_administration"
    INTERNATIONAL_LOCATION_MARKETING = "international_location_marketing"
    FUNDING_ACQUISITION = "funding_acquisition"
    PROTOCOL_AND_REPRESENTATION = "protocol_and_representation"


def _text(de: str, en: str) -> I18nText:
    return I18nText({"de": de, "en": en})


SDGS: tuple[Sdg, ...] = tuple(
    Sdg(number, _text(de, en))
    for number, (de, en) in enumerate(
        [
            ("Keine Armut", "No poverty"),
            ("Kein Hunger", "Zero hunger"),
            ("Gesundheit und Wohlergehen", "Good health and well-being"),
            ("Hochwertige Bildung", "Quality education"),
            ("Geschlechtergleichheit", "Gender equality"),
            ("Sauberes Wasser und Sanitäreinrichtungen", "Clean water and sanitation"),
            ("Bezahlbare und saubere Energie", "Affordable and clean energy"),
            ("Menschenwürdige Arbeit und Wirtschaftswachstum", "Decent work and economic growth"),
            ("Industrie, Innovation und Infrastruktur", "Industry, innovation and infrastructure"),
            ("Weniger Ungleichheiten", "Reduced inequalities"),
            ("Nachhaltige Städte und Gemeinden", "Sustainable cities and communities"),
            ("Nachhaltige/r Konsum und Produktion", "Responsible consumption and production"),
            ("Maßnahmen zum Klimaschutz", "Climate action"),
            ("Leben unter Wasser", "Life below water"),
            ("Leben an Land", "Life on land"),
            (
                "Frieden, Gerechtigkeit und starke Institutionen",
                "Peace, justice and strong institutions",
            ),
            ("Partnerschaften zur Erreichung der Ziele", "Partnerships for the goals"),
        ],
        start=1,
    )
)

FIELDS_OF_ACTION: tuple[FieldOfActionTerm, ...] = tuple(
    FieldOfActionTerm(code, number, _text(de, en))
    for number, (code, de, en) in enumerate(
        [
            (
                FieldOfAction.SUSTAINABLE_DEVELOPMENT,
                "Globale nachhaltige Entwicklung: Die Städte und die Agenda 2030",
                "Global sustainable development: cities and the 2030 Agenda",
            ),
            (FieldOfAction.CITY_DIPLOMACY, "Städtediplomatie", "City diplomacy"),
            (
                FieldOfAction.CITY_AND_PROJECT_PARTNERSHIPS,
                "Städte- und Projektpartnerschaften",
                "Town twinning and project partnerships",
            ),
            (
                FieldOfAction.INTERNATIONAL_EXPERT_EXCHANGE,
                "Internationaler Fachaustausch",
                "International expert exchange",
            ),
            (
                FieldOfAction.DEVELOPMENT_POLICY,
                "Kommunale Entwicklungspolitik",
                "Municipal development policy",
            ),
            (
                FieldOfAction.MULTILATERAL_NETWORKING,
                "Multilaterale Vernetzung und Interessenvertretung",
                "Multilateral networking and advocacy",
            ),
            (
                FieldOfAction.INTERNATIONAL_URBAN_COMMUNITY,
                "Internationale Stadtgemeinschaft",
                "International urban community",
            ),
            (
                FieldOfAction.INTERNATIONAL_ADMINISTRATION,
                "Internationale Stadtverwaltung",
                "International city administration",
            ),
            (
                FieldOfAction.INTERNATIONAL_LOCATION_MARKETING,
                "Internationales Standortmarketing",
                "International location marketing",
            ),
            (
                FieldOfAction.FUNDING_ACQUISITION,
                "Akquise von Fördermitteln und Unterstützungsangeboten",
                "Acquisition of funding and support",
            ),
            (
                FieldOfAction.PROTOCOL_AND_REPRESENTATION,
                "Protokoll und Repräsentation",
                "Protocol and representation",
            ),
        ],
        start=1,
    )
)

SDG_NUMBERS = frozenset(sdg.number for sdg in SDGS)


def check_sdgs(numbers: tuple[int, ...] | list[int], *, field: str = "sdgs") -> tuple[int, ...]:
    """SDG numbers sorted and without repeats; a number outside 1..17 is invalid."""
    wrong = [n for n in numbers if n not in SDG_NUMBERS]
    if wrong:
        raise InvalidData(
            f"not SDG numbers: {wrong}", [FieldProblem(field, "SDGs are numbered 1 to 17")]
        )
    return tuple(sorted(set(numbers)))


def check_fields_of_action(
    codes: tuple[FieldOfAction, ...] | list[FieldOfAction],
) -> tuple[FieldOfAction, ...]:
    """Fields of action in their official order, without repeats."""
    order = {term.code: term.number for term in FIELDS_OF_ACTION}
    return tuple(sorted(set(codes), key=order.__getitem__))

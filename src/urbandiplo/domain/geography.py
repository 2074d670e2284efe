"""Facts about countries that the office's rules depend on."""

from __future__ import annotations

# The OECD DAC List of ODA Recipients, effective for reporting on 2024 and 2025 flows, as
# ISO 3166-1 alpha-2 codes (XK: Kosovo). Seed 002 defines the "Global South" by this list.
# Update it when the DAC publishes a new list (every three years).
DAC_ODA_RECIPIENTS: frozenset[str] = frozenset(
    # Least developed countries
    "AF AO BD BJ BF BI KH CF TD KM CD DJ ER ET GM GN GW HT KI LA LS LR MG MW ML MR MZ MM NP NE "
    "RW ST SN SL SB SO SS SD TZ TL TG TV UG YE ZM "
    # Other low-income countries
    "KP SY "
    # Lower middle-income countries and territories
    "DZ BT BO CV CM CG CI EG SZ GH HN IN IR JO KE KG LB FM MN MA NI NG PK PG PH WS LK TJ TN UA "
    "UZ VU VN PS ZW "
    # Upper middle-income countries and territories
    "AL AR AM AZ BY BZ BA BW BR CN CO CR CU DM DO EC SV GQ FJ GA GE GD GT GY ID IQ JM KZ XK "
    "LY MY MV MH MU MX MD ME MS NA NU MK PW PA PY PE SH LC VC RS ZA SR TH TO TR TM VE WF".split()
)


def in_global_south(country_code: str) -> bool:
    """Whether a country counts as Global South: it is on the DAC list of ODA recipients."""
    return country_code in DAC_ODA_RECIPIENTS

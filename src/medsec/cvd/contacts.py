"""Coordination contacts: the seed's Annex B (IMDRF N60 8.2, "regional resources for
coordinated vulnerability disclosure"), in English, as data, with a lookup by country.

Names and URLs are as the seed (2020) lists them; some have since moved (US-CERT and ICS-CERT
are now part of CISA, CERT Australia of the ACSC), so check before relying on one. The seed
lists no regulator outside France. Its "CERT Australiac" is read as "CERT Australia"; for Italy
it gives only a URL, so the organisation name is taken from that site (see ``note``).
Country codes are ISO 3166-1 alpha-2; ``EU`` is the European Union.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from medsec.errors import InvalidInput


class ContactRole(StrEnum):
    """What the organisation is in coordination: a regulator or a CERT/CSIRT."""

    REGULATOR = "regulator"
    CERT = "cert"


@dataclass(frozen=True, slots=True)
class Contact:
    """One Annex B entry."""

    country_code: str
    country: str
    organisation: str
    role: ContactRole
    urls: tuple[str, ...]
    note: str | None = None


R, C = ContactRole.REGULATOR, ContactRole.CERT
ANNEX_B: tuple[Contact, ...] = (
    Contact("AU", "Australia", "CERT Australia", C, ("https://www.cert.gov.au/",)),
    Contact("AU", "Australia", "AusCERT", C, ("https://www.auscert.org.au/",)),
    Contact(
        "BR",
        "Brazil",
        "All CERTs in Brazil (list of Brazilian CSIRTs)",
        C,
        ("https://www.cert.br/csirts/brazil/",),
    ),
    Contact("CA", "Canada", "Canadian Centre for Cyber Security", C, ("https://www.cyber.gc.ca/",)),
    Contact(
        "EU", "European Union", "CERT European Union (CERT-EU)", C, ("https://cert.europa.eu",)
    ),
    Contact(
        "FR",
        "France",
        "ANSM (French national agency for medicines and health products safety)",
        R,
        (
            "https://ansm.sante.fr/",
            "https://www.ansm.sante.fr/Declarer-un-effet-indesirable/"
            "Votre-declaration-concerne-un-dispositif-medical/"
            "Votre-declaration-concerne-un-dispositif-medical/(offset)/0",
        ),
        note="second URL: reporting an incident involving a medical device",
    ),
    Contact(
        "FR",
        "France",
        "French Ministry of Health and Solidarity",
        R,
        ("https://solidarites-sante.gouv.fr/soins-et-maladies/signalement-sante-gouv-fr/",),
    ),
    Contact(
        "FR",
        "France",
        "Shared Health Information Systems Agency",
        C,
        ("https://www.cyberveille-sante.gouv.fr/",),
        note="health-sector cyber watch and incident support",
    ),
    Contact(
        "FR",
        "France",
        "ANSSI - National Agency for Information Systems Security",
        C,
        ("https://www.ssi.gouv.fr/en/",),
    ),
    Contact("DE", "Germany", "CERT Germany (CERT-Bund)", C, ("https://www.cert-bund.de/",)),
    Contact(
        "IT",
        "Italy",
        "CSIRT Italia",
        C,
        ("https://www.csirt-ita.it/",),
        note="the seed gives only the URL; the name is taken from it",
    ),
    Contact(
        "JP",
        "Japan",
        "Japan Computer Emergency Response Team Coordination Center (JPCERT/CC)",
        C,
        ("https://www.jpcert.or.jp/vh/top.html", "https://www.jpcert.or.jp/english/"),
    ),
    Contact(
        "SG",
        "Singapore",
        "SingCERT",
        C,
        ("https://www.csa.gov.sg/singcert/news/advisories-alerts",),
    ),
    Contact(
        "US",
        "United States",
        "Industrial Control Systems CERT (ICS-CERT)",
        C,
        ("https://www.us-cert.gov/ics",),
    ),
    Contact("US", "United States", "US-CERT", C, ("https://www.us-cert.gov/",)),
)

_ALIASES = {
    "usa": "US",
    "united states of america": "US",
    "europe": "EU",
    "eu": "EU",
}


def _code(country: str) -> str:
    key = country.strip().casefold()
    if key in _ALIASES:
        return _ALIASES[key]
    for contact in ANNEX_B:
        if key == contact.country.casefold():
            return contact.country_code
    return key.upper()


def contacts_for(country: str, *, role: ContactRole | str | None = None) -> tuple[Contact, ...]:
    """Annex B entries for a country (ISO code or English name, any case); empty if none."""
    code = _code(country)
    try:
        wanted = None if role is None else ContactRole(role)
    except ValueError:
        raise InvalidInput(f"[cvd.contacts.role] unknown role {role!r}") from None
    return tuple(
        c for c in ANNEX_B if c.country_code == code and (wanted is None or c.role is wanted)
    )


def countries() -> tuple[tuple[str, str], ...]:
    """(code, English name) of every country or region Annex B lists, in its order."""
    return tuple(dict.fromkeys((c.country_code, c.country) for c in ANNEX_B))

"""Pure decisions over jurisdiction profiles: the deadline that applies to a product sold in
several markets (the strictest a regulator sets), its words, and its sections."""

from __future__ import annotations

from collections.abc import Sequence

from medsec.jurisdictions.schemas import CVD_KEYS, DeadlineChoice, Profile, Term

NO_REGULATOR = "no regulator of the product's markets sets one"


def cvd_choice(profiles: Sequence[Profile], key: str) -> DeadlineChoice:
    """The strictest (fewest days) of the profiles' settings for one CVD deadline key.

    ``days`` None: no market's regulator sets it (the install policy's value applies).
    Ties keep the first profile in the order given.
    """
    best: DeadlineChoice | None = None
    for p in profiles:
        fact = p.cvd[key]
        if fact.days is None:
            continue
        if best is None or best.days is None or fact.days < best.days:
            best = DeadlineChoice(
                key=key, days=fact.days, market=p.code, source=fact.source, verified=fact.verified
            )
    if best is None:
        return DeadlineChoice(key=key, days=None, market=None, source=NO_REGULATOR, verified=True)
    return best


def cvd_choices(profiles: Sequence[Profile]) -> dict[str, DeadlineChoice]:
    """Every CVD deadline key's choice for the profiles of a product's markets."""
    return {key: cvd_choice(profiles, key) for key in CVD_KEYS}


def term(profiles: Sequence[Profile], concept: str) -> Term:
    """The words for ``concept`` (controlled, uncontrolled, routine_update): the first market's."""
    return profiles[0].vocabulary[concept]


def sections(profiles: Sequence[Profile], kind: str) -> list[str]:
    """The ordered section ids of a document kind: every section any market chooses, in the
    order of the first market that lists it."""
    out: list[str] = []
    for p in profiles:
        out.extend(i for i in p.document_sections.get(kind, []) if i not in out)
    return out


def unverified(profile: Profile) -> list[str]:
    """Where the profile states a fact STANDARDS.md does not confirm (JSON pointers)."""
    out = [f"/cvd/{k}" for k, v in profile.cvd.items() if not v.verified]
    out += [f"/vocabulary/{k}" for k, v in profile.vocabulary.items() if not v.verified]
    out += [f"/requirements/{n}" for n, r in enumerate(profile.requirements) if not r.verified]
    out += [
        f"/reporting_obligations/{n}"
        for n, o in enumerate(profile.reporting_obligations)
        if not o.verified
    ]
    return out

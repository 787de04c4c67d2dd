"""Helpers of the staff CVD/advisory/CSAF tests: one more account, a hostile case, counts."""

from __future__ import annotations

from datetime import timedelta

from _web import ADMIN, HOSTILE, WebWorld
from sqlalchemy import func, select

from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.core.clock import utcnow
from medsec.cvd import intake_service, links
from medsec.cvd import service as cvd
from medsec.db.uow import unit_of_work
from medsec.models import AuditEvent, CvdCase, CvdEvent


def add_account(sf, world: WebWorld, name: str, roles: list[str], products: list[str]) -> None:
    """An account with a token and a password in the world."""
    actor = f"cli:{ADMIN}"
    with unit_of_work(sf) as s:
        accounts.add(s, name=name, roles=roles, products=products, actor=actor)
        new = credentials.issue_token(s, name=name, label="tests", actor=actor)
        world.tokens[name], world.token_ids[name] = new.secret, new.id
        world.passwords[name] = f"pw-{name}-correct-horse"
        credentials.set_password(s, name=name, password=world.passwords[name], actor=actor)


def demo_case(sf) -> str:
    """The receipt id of the demo's case (disclosed, product linked)."""
    with unit_of_work(sf) as s:
        rows = cvd.list_cases(s, actor=f"cli:{ADMIN}")
        return next(r.case.receipt_id for r in rows if r.product)


def hostile_case(sf, *, days_ago: int = 30) -> str:
    """A report received ``days_ago`` days ago, never acknowledged, whose texts are HTML."""
    fields = {
        "product": HOSTILE,
        "version": "1<b>x</b>",
        "description": f"{HOSTILE}\nthe pump's web portal runs what it is sent",
        "reproduction_steps": "<iframe src=https://evil.invalid></iframe>",
        "finder_name": "<b>Mallory</b>",
        "finder_email": "mallory@research.example",
    }
    when = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    with unit_of_work(sf) as s:
        receipt = intake_service.submit_report(s, fields=fields, source="api", now=when)
        return receipt.receipt_id


def product_case(sf, product: str) -> str:
    """A new report (state received) linked to a product."""
    fields = {
        "product": product,
        "version": "2.0.0",
        "description": "The alarm gateway accepts unauthenticated configuration writes.",
        "finder_name": "Bob Finder",
        "finder_email": "bob@finder.example",
    }
    with unit_of_work(sf) as s:
        receipt = intake_service.submit_report(s, fields=fields, source="api").receipt_id
        links.link(s, case=receipt, actor=f"cli:{ADMIN}", product=product)
        return receipt


def case_state(sf, receipt: str) -> tuple[str, int, int]:
    """(state, number of events, number of audit events of changes) of a case (refusals and
    reads are audited too, but change nothing)."""
    with unit_of_work(sf) as s:
        row = s.execute(select(CvdCase).where(CvdCase.receipt_id == receipt)).scalar_one()
        events = s.execute(
            select(func.count()).select_from(CvdEvent).where(CvdEvent.case_id == row.id)
        ).scalar_one()
        audits = s.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(~AuditEvent.action.startswith("refused."))
            .where(AuditEvent.action.not_in(["cvd.case.read", "cvd.attachment.read"]))
        ).scalar_one()
        return row.state, events, audits

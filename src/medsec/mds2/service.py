"""MDS2 use cases: write a release's statement from medsec's records (product, system model,
controls, SBOM, updates, CVD policy, lifecycle) and read a vendor's statement back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.controls import service as controls
from medsec.core import i18n
from medsec.core.clock import utcnow
from medsec.cvd.policy import policy_from_env
from medsec.errors import Hidden, InvalidInput, NotFound, PermissionDenied
from medsec.lifecycle import service as lifecycle
from medsec.mds2 import jahis, rules, workbook
from medsec.mds2.questions import SECTIONS, by_id, questions
from medsec.mds2.schemas import (
    JahisGapRead,
    JahisItemRead,
    JahisRead,
    Mds2AnswerRead,
    Mds2ExportRead,
    Mds2OpenRead,
    Mds2StatementRead,
    UnknownIdRead,
    VendorAnswerRead,
)
from medsec.models import Product, Release
from medsec.products import service as products
from medsec.sbom import service as sboms
from medsec.sysmodel import service as sysmodel
from medsec.updates import service as updates


def require_read(session: Session, actor: str, product: str, *, rule: str) -> None:
    """Refuse an actor without a role; a product they may not see answers as missing."""
    account = accounts.get(session, accounts.account_name(actor))
    if account is None or not account.roles:
        raise PermissionDenied(f"{rule}: {accounts.account_name(actor)!r} has no role in medsec")
    if account.products and product not in account.products:
        raise Hidden(
            f"no product named {product!r} (see `medsec product list`)",
            reason=f"{rule}: {account.name!r} has no access to product {product!r}",
        )


def _model_facts(
    session: Session, rel: Release
) -> tuple[str | None, tuple[rules.InterfaceFact, ...], tuple[rules.FlowFact, ...]]:
    model = sysmodel.current_model(session, release_id=rel.id)
    if model is None:
        return None, (), ()
    inside = {e.id: e for e in model.elements if not e.out_of_scope}
    interfaces = tuple(
        rules.InterfaceFact(e.name, i.name, i.kind, i.enabled, i.reason, i.port, i.protocol)
        for e in inside.values()
        for i in e.interfaces
    )
    flows = tuple(
        rules.FlowFact(
            f.name,
            f.protocol,
            f.port,
            external=any(
                (el := inside.get(end)) is not None and el.type in rules.EXTERNAL_ELEMENTS
                for end in (f.source, f.target)
            ),
            classification=f.classification,
        )
        for f in model.flows
        if not f.out_of_scope
    )
    return model.name, interfaces, flows


def _sbom_facts(session: Session, prod: Product, rel: Release) -> tuple[rules.SbomFact | None, int]:
    try:
        sbom = sboms.get_sbom(session, product=prod.name, version=rel.version)
    except NotFound:
        return None, 0
    comps = sboms.components(session, sbom)
    fact = rules.SbomFact(
        format=f"{sbom.format} {sbom.spec_version}",
        components=len(comps),
        with_supplier=sum(1 for c in comps if c.supplier),
        with_version=sum(1 for c in comps if c.version),
        with_identifier=sum(1 for c in comps if c.purl or c.cpe),
    )
    return fact, sum(1 for c in comps if c.end_of_support or c.support_level)


def facts(session: Session, *, product: str, release: str, on: date) -> rules.Facts:
    """What medsec's records say about a release (no access check: for other services)."""
    prod = products.get_product(session, product)
    rel = products.get_release(session, product=product, version=release)
    model_name, interfaces, flows = _model_facts(session, rel)
    sbom, supported = _sbom_facts(session, prod, rel)
    status = lifecycle.release_summary(session, product=prod.name, version=rel.version, on=on)
    policy = policy_from_env().policy
    methods = sorted({u.method for u in updates.list_updates(session, product=prod.name)})
    return rules.Facts(
        manufacturer=prod.manufacturer.name,
        product=prod.name,
        release=rel.version,
        document_id=f"MDS2-{prod.name}-{rel.version}-{on.isoformat()}".replace(" ", "_"),
        description=prod.description,
        release_date=rel.release_date,
        use_environment=rel.use_environment,
        cvd_note=(
            f"reports are acknowledged within {policy.acknowledge_business_days} business days "
            "and handled under ISO/IEC 29147 and 30111"
        ),
        model_name=model_name,
        interfaces=interfaces,
        flows=flows,
        controls=tuple(
            rules.ControlFact(
                c.key, c.name, c.description or "", tuple(c.principles), c.verification
            )
            for c in controls.for_release(session, product_id=prod.id, release=rel)
        ),
        sbom=sbom,
        update_methods=tuple(methods),
        eol=status.lifecycle.eol,
        eos=status.lifecycle.eos,
        components_with_support=supported,
    )


@dataclass(frozen=True, slots=True)
class Mds2Export:
    """An export: the workbook's bytes and what it says."""

    content: bytes
    read: Mds2ExportRead


def export(
    session: Session, *, product: str, release: str, actor: str, on: date | None = None
) -> Mds2Export:
    """The release's MDS2 statement as XLSX, pre-filled from the records."""
    require_read(session, actor, product, rule="writing an MDS2 statement")
    day = on or utcnow().date()
    f = facts(session, product=product, release=release, on=day)
    answers, hints = rules.prefill(f)
    open_items = rules.to_answer(answers, hints)
    meta = [
        ("Product", f.product),
        ("Release", f.release),
        ("Manufacturer", f.manufacturer),
        ("Written on", day.isoformat()),
        ("Wording", "the question ids are the form's; the short wording is medsec's own"),
        ("Blank", f"{len(open_items)} question(s) left for a person: see the sheet 'To answer'"),
    ]
    content = workbook.write_xlsx(meta=meta, answers=answers, open_items=open_items)
    table = by_id()
    read = Mds2ExportRead(
        product=f.product,
        release=f.release,
        document_id=f.document_id,
        questions=len(questions()),
        answers=[
            Mds2AnswerRead(
                id=a.id,
                section=SECTIONS[table[a.id].section],
                question=table[a.id].text,
                answer=a.answer,
                note=a.note,
                source=a.source,
            )
            for q in questions()
            if (a := answers.get(q.id)) is not None
        ],
        to_answer=[
            Mds2OpenRead(
                id=qid, section=SECTIONS[table[qid].section], question=table[qid].text, why=why
            )
            for qid, why in open_items
        ],
    )
    return Mds2Export(content=content, read=read)


def export_file(
    session: Session, *, product: str, release: str, out: Path, actor: str, on: date | None = None
) -> Mds2ExportRead:
    """Write the release's MDS2 XLSX to ``out`` (for `medsec mds2 export` and the documents)."""
    done = export(session, product=product, release=release, actor=actor, on=on)
    out.write_bytes(done.content)
    return done.read.model_copy(update={"file": str(out)})


def statement_read(statement: rules.ImportedStatement) -> Mds2StatementRead:
    """The typed read model of a statement read from a workbook."""
    table = by_id()
    return Mds2StatementRead(
        source=statement.source,
        answers=[
            VendorAnswerRead(
                id=a.id,
                section=SECTIONS[table[a.id].section],
                question=table[a.id].text,
                answer=a.answer,
                note=a.note,
                sheet=a.sheet,
                row=a.row,
                formula=a.formula,
            )
            for q in questions()
            if (a := statement.answers.get(q.id)) is not None
        ],
        unknown=[UnknownIdRead(sheet=s, row=r, id=i) for s, r, i in statement.unknown],
        warnings=list(statement.warnings),
    )


def read_statement(data: bytes, *, source: str) -> Mds2StatementRead:
    """A vendor's MDS2 XLSX as structured answers (bounded; formulas kept as text)."""
    return statement_read(workbook.read_xlsx(data, source=source))


def jahis_export(
    session: Session,
    *,
    product: str,
    release: str,
    out: Path,
    actor: str,
    lang: str = "ja",
    mds2_file: str | None = None,
    on: date | None = None,
) -> JahisRead:
    """Write the JAHIS MDS/SDS sheet (items medsec can source; gaps listed) to ``out``."""
    require_read(session, actor, product, rule="writing an MDS/SDS sheet")
    try:
        gettext = i18n.gettext_for(i18n.check_lang(lang), "mds2")
    except i18n.UnknownLanguage as exc:
        raise InvalidInput(str(exc)) from None
    f = facts(session, product=product, release=release, on=on or utcnow().date())
    answers, _hints = rules.prefill(f)
    lines = jahis.items(f, answers, mds2_file, gettext)
    gaps = jahis.not_covered(gettext)
    title = gettext(jahis.TITLE) % {"product": f.product, "release": f.release}
    out.write_bytes(jahis.write_xlsx(title, lines, gaps, gettext))
    return JahisRead(
        product=f.product,
        release=f.release,
        lang=lang,
        file=str(out),
        items=[
            JahisItemRead(key=i.key, label=i.label, value=i.value, source=i.source, basis=i.basis)
            for i in lines
        ],
        not_covered=[JahisGapRead(what=w, why=y) for w, y in gaps],
    )

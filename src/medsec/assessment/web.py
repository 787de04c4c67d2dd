"""Assessment pages: the risk heat map (each counted cell links to its findings), and per finding
the CVSS rescoring, the MITRE rubric questionnaire, SSVC, the patient-harm risk record and the
reviewer's acceptance. Thin: services only; every form carries the CSRF token and a refusal
re-renders the page with the error beside the form and the typed text kept."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.api.deps import SessionDep, require_read
from medsec.cvd import service as cvd
from medsec.errors import InvalidInput, NotFound
from medsec.findings import decisions, detail, rescoring, ssvc_service
from medsec.findings.schemas import FindingDetailRead
from medsec.products import service as products
from medsec.risk import cells, rubric
from medsec.risk import service as risk
from medsec.risk.rules import Control
from medsec.web.render import page, seg
from medsec.web.session import UserDep
from medsec.web.svg import heat_map_svg

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=10_000)]
Short = Annotated[str, Form(max_length=200)]
Many = Annotated[list[str], Form(max_length=100)]
ROLES = ("supplier", "deployer")
DONE = {
    "rescored": "CVSS rescoring recorded.",
    "ssvc": "SSVC decision recorded.",
    "assessed": "Risk record saved as a draft: a reviewer accepts it.",
    "accepted": "Residual risk accepted; your name, the time and the rationale are recorded.",
}


def _opt(value: str | None) -> str | None:
    return value or None


@router.get("/products/{product}/risk", response_class=HTMLResponse)
def heat_map_page(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    release: str | None = None,
) -> HTMLResponse:
    """The product's risk heat map before and after controls; counted cells link to findings."""
    require_read(session, user.principal, product)
    prod = products.get_product(session, product)
    hm = risk.heat_map(session, prod.id, risk.release_ids_of(session, prod.id, _opt(release)))
    data = hm.model_dump(mode="json")

    def link(which: str) -> Any:
        def to(e: str, s: str) -> str:
            query = {"view": which, "exploitability": e, "severity": s}
            if release:
                query["release"] = release
            return f"/products/{seg(product)}/risk/findings?{urlencode(query)}"

        return to

    ctx = {
        "product": product,
        "release": release or "",
        "releases": [r.version for r in products.list_releases(session, product=product)],
        "records": data["records"],
        # our own markup; every label and address in it is escaped by heat_map_svg
        "before": Markup(  # noqa: S704
            heat_map_svg(data, which="before", title="before controls", link=link("before"))
        ),
        "residual": Markup(  # noqa: S704
            heat_map_svg(data, which="residual", title="residual", link=link("residual"))
        ),
    }
    return page(request, "heatmap.html", ctx)


@router.get("/products/{product}/risk/findings", response_class=HTMLResponse)
def cell_page(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    exploitability: Annotated[str, Query(max_length=40)] = "",
    severity: Annotated[str, Query(max_length=40)] = "",
    view: Annotated[str, Query(max_length=20)] = "before",
    release: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    """The findings one heat-map cell counts, paged."""
    require_read(session, user.principal, product)
    prod = products.get_product(session, product)
    total, items = cells.cell_findings(
        session,
        release_ids=risk.release_ids_of(session, prod.id, _opt(release)),
        which=view,
        exploitability=exploitability,
        severity=severity,
        offset=offset,
        limit=50,
    )
    ctx = {
        "product": product,
        "release": release,
        "view": view,
        "exploitability": exploitability,
        "severity": severity,
        "total": total,
        "items": items,
        "offset": offset,
        "query": urlencode(
            {"view": view, "exploitability": exploitability, "severity": severity}
            | ({"release": release} if release else {})
        ),
    }
    return page(request, "risk/cell.html", ctx)


# --- one finding's assessment ---


def _visible(session: SessionDep, user: UserDep, finding_id: int) -> str:
    """The finding's product; a finding the account may not see answers as not found."""
    _, _, prod = decisions.get_finding(session, finding_id)
    require_read(session, user.principal, prod.name, hide_as=decisions.missing(finding_id))
    return prod.name


def _analyst(session: SessionDep, user: UserDep, finding_id: int, rule: str) -> None:
    """Refuse (403) a write by an account without the analyst role, before reading the form."""
    product = _visible(session, user, finding_id)
    accounts.require(session, user.principal.actor, "analyst", rule=rule, product=product)


def _ssvc_points(session: SessionDep, finding_id: int, role: str) -> list[dict[str, Any]]:
    suggested = ssvc_service.suggest(session, finding_id, role)
    out = []
    for point, name, values in ssvc_service.points(role):
        s = suggested.get(point)
        out.append(
            {
                "point": point,
                "name": name,
                "options": values,
                "suggested": ssvc_service.value_name(point, s["value"]) if s else "",
                "source": s["source"] if s else "",
                "reason": s["reason"] if s else "",
            }
        )
    return out


def _risk_form(d: FindingDetailRead) -> dict[str, Any]:
    now = d.risk
    controls = list(now.controls if now else [])
    rows = [
        {
            "name": c.get("name", ""),
            "e": str(c.get("exploitability_steps", 1)),
            "s": str(c.get("severity_steps", 0)),
            "verified": bool(c.get("verified", True)),
        }
        for c in controls
    ]
    rows += [{"name": "", "e": "1", "s": "0", "verified": True} for _ in range(2)]
    return {
        "hazardous_situation": now.hazardous_situation if now else "",
        "harm": now.harm if now else "",
        "severity": now.severity if now else "",
        "exploitability": "",
        "override_reason": "",
        "rationale": "",
        "controls": rows,
    }


def _assess_page(
    request: Request,
    session: SessionDep,
    user: UserDep,
    finding_id: int,
    *,
    role: str = "supplier",
    forms: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    d = detail.finding_detail(session, finding_id)
    prod = products.get_product(session, d.product)
    pol = risk.policy(session, prod.id)
    role = role if role in ROLES else "supplier"
    forms = forms or {}
    ctx = {
        "d": d,
        "role": role,
        "roles": ROLES,
        "points": _ssvc_points(session, finding_id, role),
        "severities": list(pol.severity_levels),
        "exploitabilities": list(pol.exploitability_levels),
        "risk_form": forms.get("risk") or _risk_form(d),
        "rescore_form": forms.get("rescore") or {"metrics": "", "reason": ""},
        "ssvc_form": forms.get("ssvc") or {},
        "accept_form": forms.get("accept") or {"rationale": "", "confirm": False},
        "errors": errors or {},
        "done": DONE.get(done or ""),
        "can_assess": user.has("analyst"),
        "can_accept": user.has("reviewer"),
    }
    return page(request, "risk/assess.html", ctx, status=422 if errors else 200)


@router.get("/findings/{finding_id}/assess", response_class=HTMLResponse)
def assess_page(
    request: Request,
    finding_id: int,
    session: SessionDep,
    user: UserDep,
    role: Annotated[str, Query(max_length=20)] = "supplier",
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """One finding's assessment: rescoring, rubric, SSVC, risk record and acceptance."""
    _visible(session, user, finding_id)
    return _assess_page(request, session, user, finding_id, role=role, done=done)


def _back(finding_id: int, done: str, anchor: str, role: str = "") -> RedirectResponse:
    query = f"done={done}" + (f"&role={role}" if role else "")
    return RedirectResponse(f"/findings/{finding_id}/assess?{query}#{anchor}", status_code=303)


def _metrics(text: str) -> dict[str, str]:
    """``MAV:A/CR:H`` (or spaces, commas, ``=``) -> {"MAV": "A", "CR": "H"}."""
    out: dict[str, str] = {}
    for part in text.replace(",", "/").replace(" ", "/").split("/"):
        if not part.strip():
            continue
        key, sep, value = part.replace("=", ":").partition(":")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(f"environmental metrics: {part!r} is not METRIC:VALUE (e.g. MAV:A)")
        out[key.strip().upper()] = value.strip().upper()
    if not out:
        raise InvalidInput("environmental metrics: give at least one, e.g. MAV:A/CR:H")
    return out


@router.post("/findings/{finding_id}/rescore", response_model=None)
def rescore(
    request: Request,
    finding_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    metrics: Short = "",
    reason: Text = "",
) -> Response:
    """Rescore the finding's CVSS with environmental metrics (analyst role)."""
    credentials.check_csrf(user.csrf, csrf)
    _analyst(session, user, finding_id, "CVSS rescoring")
    try:
        rescoring.rescore(
            session,
            finding_id=finding_id,
            reason=reason,
            actor=user.principal.actor,
            environmental=_metrics(metrics),
        )
    except InvalidInput as refused:
        form = {"rescore": {"metrics": metrics, "reason": reason}}
        errors = {"rescore": str(refused)}
        return _assess_page(request, session, user, finding_id, forms=form, errors=errors)
    return _back(finding_id, "rescored", "rescore")


async def _form_fields(request: Request) -> dict[str, str]:
    """Every text field of a posted form (the rubric's fields are named by question id)."""
    form = await request.form(max_fields=400)
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormFields = Annotated[dict[str, str], Depends(_form_fields)]


def _rubric_state(fields: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    answers = {k[2:]: v for k, v in fields.items() if k.startswith("a_") and v}
    rationales = {k[2:]: v.strip() for k, v in fields.items() if k.startswith("r_") and v.strip()}
    return answers, {q: r for q, r in rationales.items() if q in answers}


def _rubric_page(
    request: Request,
    session: SessionDep,
    finding_id: int,
    answers: dict[str, str],
    rationales: dict[str, str],
    *,
    reason: str = "",
    error: str | None = None,
) -> HTMLResponse:
    d = detail.finding_detail(session, finding_id)
    pending: list[rubric.Question] = []
    result = None
    try:
        pending = rubric.questions(answers)
        if not pending:
            result = rubric.rubric_vector(answers, rationales)
    except InvalidInput as refused:
        error = error or str(refused)
    answered = [(rubric.QUESTIONS[q], a) for q, a in answers.items() if q in rubric.QUESTIONS]
    ctx = {
        "d": d,
        "pending": pending,
        "answers": answers,
        "rationales": rationales,
        "answered": answered,
        "result": result,
        "reason": reason,
        "error": error,
    }
    return page(request, "risk/rubric.html", ctx, status=422 if error else 200)


@router.get("/findings/{finding_id}/rubric", response_class=HTMLResponse)
def rubric_page(
    request: Request, finding_id: int, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """The MITRE medical-device rubric for the finding, asked a step at a time."""
    _visible(session, user, finding_id)
    return _rubric_page(request, session, finding_id, {}, {})


@router.post("/findings/{finding_id}/rubric", response_model=None)
def rubric_step(
    request: Request,
    finding_id: int,
    session: SessionDep,
    user: UserDep,
    fields: FormFields,
) -> Response:
    """Take a step of the rubric; once every flow is answered, record the rescoring."""
    credentials.check_csrf(user.csrf, fields.get("csrf", ""))
    _analyst(session, user, finding_id, "CVSS rescoring")
    answers, rationales = _rubric_state(fields)
    reason = fields.get("reason", "")[:10_000]
    if fields.get("action") != "record":
        return _rubric_page(request, session, finding_id, answers, rationales, reason=reason)
    try:
        rescoring.rescore(
            session,
            finding_id=finding_id,
            reason=reason,
            actor=user.principal.actor,
            rubric_answers=answers,
            rubric_rationales=rationales,
        )
    except InvalidInput as refused:
        return _rubric_page(
            request, session, finding_id, answers, rationales, reason=reason, error=str(refused)
        )
    return _back(finding_id, "rescored", "rescore")


@router.post("/findings/{finding_id}/ssvc", response_model=None)
def ssvc(
    request: Request,
    finding_id: int,
    session: SessionDep,
    user: UserDep,
    fields: FormFields,
) -> Response:
    """Record an SSVC decision: a value differing from the suggestion needs its reason."""
    credentials.check_csrf(user.csrf, fields.get("csrf", ""))
    _analyst(session, user, finding_id, "SSVC decisions")
    role = fields.get("role", "supplier")
    try:
        suggested = {p["point"]: p["suggested"] for p in _ssvc_points(session, finding_id, role)}
        overrides = {}
        for point, wanted in suggested.items():
            value = fields.get(f"v_{point}", "")
            why = fields.get(f"why_{point}", "")[:10_000]
            if value and (value != wanted or why.strip()):
                if not why.strip():
                    raise InvalidInput(
                        f"{point.replace('_', ' ')}: say why you chose {value!r} "
                        f"(medsec suggested {wanted or 'nothing'})"
                    )
                overrides[point] = (value, why)
        ssvc_service.decide(
            session,
            finding_id=finding_id,
            role=role,
            overrides=overrides,
            actor=user.principal.actor,
        )
    except InvalidInput as refused:
        forms = {"ssvc": fields}
        return _assess_page(
            request, session, user, finding_id, role=role, forms=forms,
            errors={"ssvc": str(refused)},
        )  # fmt: skip
    return _back(finding_id, "ssvc", "ssvc", role)


def _controls(names: list[str], e: list[str], s: list[str], verified: list[str]) -> list[Control]:
    out = []
    for i, name in enumerate(names):
        if not name.strip():
            continue
        try:
            e_steps = int(e[i]) if i < len(e) and e[i].strip() else 1
            s_steps = int(s[i]) if i < len(s) and s[i].strip() else 0
        except ValueError:
            raise InvalidInput(f"control {name.strip()!r}: steps are whole numbers") from None
        if not (0 <= e_steps <= 10 and 0 <= s_steps <= 10):
            raise InvalidInput(f"control {name.strip()!r}: steps are 0 to 10")
        out.append(Control(name.strip()[:500], e_steps, s_steps, str(i) in verified))
    return out


@router.post("/findings/{finding_id}/risk", response_model=None)
def assess(
    request: Request,
    finding_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    hazardous_situation: Text = "",
    harm: Text = "",
    severity: Short = "",
    exploitability: Short = "",
    override_reason: Text = "",
    rationale: Text = "",
    control_name: Many = [],  # noqa: B006  (FastAPI copies defaults)
    control_e: Many = [],  # noqa: B006
    control_s: Many = [],  # noqa: B006
    control_verified: Many = [],  # noqa: B006
) -> Response:
    """Record a new version of the finding's patient-harm risk (analyst role)."""
    credentials.check_csrf(user.csrf, csrf)
    _analyst(session, user, finding_id, "risk assessment")
    try:
        risk.assess(
            session,
            finding_id=finding_id,
            hazardous_situation=hazardous_situation,
            harm=harm,
            severity=severity,
            controls=_controls(control_name, control_e, control_s, control_verified),
            actor=user.principal.actor,
            exploitability=_opt(exploitability),
            override_reason=_opt(override_reason.strip()),
            rationale=_opt(rationale.strip()),
        )
    except InvalidInput as refused:
        rows = [
            {
                "name": n,
                "e": control_e[i] if i < len(control_e) else "1",
                "s": control_s[i] if i < len(control_s) else "0",
                "verified": str(i) in control_verified,
            }
            for i, n in enumerate(control_name)
        ]
        form = {
            "hazardous_situation": hazardous_situation,
            "harm": harm,
            "severity": severity,
            "exploitability": exploitability,
            "override_reason": override_reason,
            "rationale": rationale,
            "controls": rows or [{"name": "", "e": "1", "s": "0", "verified": True}],
        }
        return _assess_page(
            request, session, user, finding_id, forms={"risk": form},
            errors={"risk": str(refused)},
        )  # fmt: skip
    cvd.follow_risk_records(session, finding_ids=[finding_id], actor=user.principal.actor)
    return _back(finding_id, "assessed", "risk")


@router.post("/findings/{finding_id}/risk/accept", response_model=None)
def accept(
    request: Request,
    finding_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    rationale: Text = "",
    confirm: Short = "",
) -> Response:
    """Accept the residual risk (reviewer role), after the reviewer confirms what they sign."""
    credentials.check_csrf(user.csrf, csrf)
    product = _visible(session, user, finding_id)
    accounts.require(
        session, user.principal.actor, "reviewer", rule="residual-risk acceptance",
        product=product,
    )  # fmt: skip
    try:
        if confirm != "yes":
            raise InvalidInput(
                "confirm: tick the box to say you accept this residual risk in your name"
            )
        risk.accept(
            session,
            finding_id=finding_id,
            actor=user.principal.actor,
            rationale=_opt(rationale.strip()),
        )
    except (InvalidInput, NotFound) as refused:
        form = {"accept": {"rationale": rationale, "confirm": confirm == "yes"}}
        return _assess_page(
            request, session, user, finding_id, forms=form, errors={"accept": str(refused)}
        )
    cvd.follow_risk_records(session, finding_ids=[finding_id], actor=user.principal.actor)
    return _back(finding_id, "accepted", "accept")

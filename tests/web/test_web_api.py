"""The web UI through TestClient: login (argon2, audited failures, rate limit), sessions,
CSRF on every form, security headers, pages escaped, errors as pages."""

from __future__ import annotations

import json
import re

from _web import ADMIN, HOSTILE, HOSTILE_RELEASE, PRODUCT, csrf_of, login
from sqlalchemy import select

from medsec.models import AuditEvent, VexDecision, WebSession
from medsec.sbom import service as sboms
from medsec.web.ratelimit import RateLimiter
from medsec.web.security import CSP
from medsec.web.session import COOKIE

P = PRODUCT.replace(" ", "%20")


def test_pages_need_a_login_and_redirect_back_after_it(client, web_world):
    r = client.get(f"/products/{P}")
    assert r.status_code == 303 and r.headers["location"] == f"/login?next=%2Fproducts%2F{P}"
    form = client.get(r.headers["location"]).text
    assert f'name="next" value="/products/{PRODUCT}"' in form
    done = login(client, web_world, "vic", next_=f"/products/{PRODUCT}")
    assert done.status_code == 303 and done.headers["location"] == f"/products/{P}"
    evil = login(client, web_world, "vic", next_="//evil.invalid/")
    assert evil.headers["location"] == "/"  # no open redirect
    cookie = done.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # served over plain http here
    home = client.get("/")
    assert home.status_code == 200 and PRODUCT in home.text and "vic (viewer)" in home.text
    assert home.headers["cache-control"] == "no-store"


def test_a_wrong_password_is_refused_and_audited_without_the_password(
    client, web_world, session_factory
):
    r = login(client, web_world, "vic", password="wrong-password-123")
    assert r.status_code == 401 and "wrong account name or password" in r.text
    assert COOKIE not in r.headers.get("set-cookie", "")
    assert login(client, web_world, "nobody", password="x" * 12).status_code == 401
    with session_factory() as s:
        events = (
            s.execute(
                select(AuditEvent)
                .where(AuditEvent.action == "login.failed")
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
        assert [e.details["name"] for e in events] == ["vic", "nobody"]
        assert all("wrong-password" not in str(e.details) for e in events)
        assert s.execute(select(WebSession)).first() is None
    assert client.get("/").status_code == 303


def test_the_login_form_must_come_from_this_browser(client, web_world):
    form = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    client.cookies.clear()  # another browser: no login cookie
    data = {"name": "vic", "password": web_world.passwords["vic"], "token": token}
    r = client.post("/login", data=data)
    assert r.status_code == 403 and "reload" in r.text
    r = client.post("/login", data=data | {"token": token[:-2] + "xx"})
    assert r.status_code == 403


def test_logins_are_rate_limited_per_client(app, client, web_world):
    app.state.login_limiter = RateLimiter(capacity=3, rate=0.001)
    codes = [
        login(client, web_world, "vic", password="wrong-password!").status_code for _ in range(3)
    ]
    assert codes == [401, 401, 401]
    r = login(client, web_world, "vic")  # even the right password waits now
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "too many login attempts" in r.text
    app.state.login_limiter.reset("testclient")
    assert login(client, web_world, "vic").status_code == 303


def test_triage_form_records_the_decision_and_refuses_a_missing_csrf_token(
    client, web_world, session_factory
):
    login(client, web_world, "ana")
    fid = web_world.finding_ids["CVE-2021-23337"]
    page = client.get(f"/findings/{fid}")
    assert page.status_code == 200 and "Record decision" in page.text
    form = {
        "status": "not_affected",
        "justification": "vulnerable_code_not_in_execute_path",
        "reason": "template() is never called with user input",
    }
    with session_factory() as s:
        before = len(s.execute(select(VexDecision)).all())
    for bad in ({}, {"csrf": "forged"}):
        r = client.post(f"/findings/{fid}/triage", data=form | bad)
        assert r.status_code == 403 and "CSRF token is missing or wrong" in r.text
    with session_factory() as s:
        assert len(s.execute(select(VexDecision)).all()) == before
    r = client.post(f"/findings/{fid}/triage", data=form | {"csrf": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"].endswith("#vex-history")
    shown = client.get(r.headers["location"]).text
    assert "Decision recorded: Not affected" in shown  # the confirmation
    # the form now shows the decision in force, not "under investigation"
    triage = shown[shown.index('id="triage"') :]
    assert '<option value="not_affected" selected>' in triage
    assert '<option value="vulnerable_code_not_in_execute_path" selected>' in triage
    history = shown[shown.index('id="vex-history"') :]
    assert "web:ana" in history and "template() is never called with user input" in history


def test_a_rule_broken_in_the_form_is_shown_inline_keeps_the_text_and_stores_nothing(
    client, web_world, session_factory
):
    login(client, web_world, "ana")
    fid = web_world.finding_ids["CVE-2021-23337"]
    csrf = csrf_of(client.get(f"/findings/{fid}").text)
    r = client.post(
        f"/findings/{fid}/triage",
        data={"csrf": csrf, "status": "not_affected", "reason": "no <b>justification</b>"},
    )
    assert r.status_code == 422 and 'role="alert"' in r.text and "justification" in r.text
    form = r.text[r.text.index('id="triage"') :]
    assert "no &lt;b&gt;justification&lt;/b&gt;</textarea>" in form  # typed text kept, as text
    assert '<option value="not_affected" selected>Not affected</option>' in form
    with session_factory() as s:
        assert not s.execute(select(VexDecision).where(VexDecision.decided_by == "web:ana")).first()


def test_viewers_get_no_triage_form_and_cannot_post_one(client, web_world):
    login(client, web_world, "vic")
    fid = web_world.finding_ids["CVE-2021-23337"]
    page = client.get(f"/findings/{fid}")
    assert page.status_code == 200 and "Record decision" not in page.text
    r = client.post(
        f"/findings/{fid}/triage",
        data={
            "csrf": csrf_of(page.text),
            "status": "affected",
            "reason": "x",
            "action_statement": "y",
        },
    )
    assert r.status_code == 403 and "analyst" in r.text


def test_other_products_are_refused_as_a_page(client, web_world):
    login(client, web_world, "val")
    assert PRODUCT not in client.get("/").text
    r = client.get(f"/products/{P}")  # answered as if it did not exist
    assert r.status_code == 404 and "no access" not in r.text and "no product named" in r.text
    fid = web_world.finding_ids["CVE-2021-3711"]
    r = client.get(f"/findings/{fid}")
    assert r.status_code == 404 and f"no finding {fid}" in r.text and PRODUCT not in r.text


def test_errors_are_pages_with_the_message(client, web_world):
    login(client, web_world, "vic")
    r = client.get("/findings/999999")
    assert r.status_code == 404 and "no finding 999999" in r.text
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "nothing at /no/such/page" in r.text
    r = client.get(f"/products/{P}/findings?severity=huge")
    assert r.status_code == 422 and "severity" in r.text
    assert "Traceback" not in r.text


def test_every_page_has_the_security_headers(client, web_world):
    responses = [client.get("/login"), client.get("/static/app.css"), client.get("/nope")]
    login(client, web_world, "vic")
    responses += [client.get("/"), client.get(f"/products/{P}/risk")]
    for r in responses:
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-content-type-options"] == "nosniff"
    assert responses[1].headers["cache-control"].startswith("public")
    assert all(r.headers["cache-control"] == "no-store" for r in responses[3:])


def test_hostile_component_names_are_escaped(client, web_world):
    login(client, web_world, "vic")
    r = client.get(f"/products/{P}/releases/{HOSTILE_RELEASE}")
    assert r.status_code == 200
    assert HOSTILE not in r.text and "<script>window" not in r.text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in r.text
    assert "1.0&lt;b&gt;bold&lt;/b&gt;" in r.text


def test_work_list_is_the_priority_order_and_filters(client, web_world, cli):
    login(client, web_world, "vic")
    page = client.get(f"/products/{P}/findings").text
    shown = [int(i) for i in re.findall(r'<td><a href="/findings/(\d+)">\d+</a></td>', page)]
    _, out, _ = cli("findings", "list", "--product", PRODUCT, "--sort", "priority", "-f", "json")
    assert shown == [r["id"] for r in json.loads(out)][:50] and shown
    kev_only = client.get(f"/products/{P}/findings?kev=yes").text
    kev_ids = re.findall(r'<td><a href="/findings/(\d+)">\d+</a></td>', kev_only)
    assert kev_ids and set(kev_ids) < {str(i) for i in shown} | set(kev_ids)
    assert "KEV</span>" in kev_only


def test_heat_map_is_server_side_svg_with_the_counts(client, web_world, cli):
    login(client, web_world, "vic")
    r = client.get(f"/products/{P}/risk")
    assert r.status_code == 200 and r.text.count("<svg") == 2
    counts = [int(n) for n in re.findall(r'data-count="(\d+)"', r.text)]
    _, out, _ = cli("risk", "heatmap", "--product", PRODUCT, "--format", "json")
    data = json.loads(out)
    expected = sum(c["count"] for c in data["before"]) + sum(c["count"] for c in data["residual"])
    assert sum(counts) == expected > 0


def test_logout_needs_the_csrf_token_and_ends_the_session(client, web_world, session_factory):
    login(client, web_world, ADMIN)
    home = client.get("/")
    assert client.post("/logout", data={"csrf": "nope"}).status_code == 403
    assert client.get("/").status_code == 200
    r = client.post("/logout", data={"csrf": csrf_of(home.text)})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    with session_factory() as s:
        assert s.execute(select(WebSession)).first() is None
        actions = [e.action for e in s.execute(select(AuditEvent)).scalars()]
    assert "login" in actions and "logout" in actions
    client.cookies.clear()
    assert client.get("/").status_code == 303


def test_release_page_lists_components_with_support_and_marks_ended_support(
    client, web_world, session_factory
):
    with session_factory() as s:
        stored = sboms.get_sbom(s, product=PRODUCT, version="2.0.0").component_count
    login(client, web_world, "vic")
    r = client.get(f"/products/{P}/releases/2.0.0")
    assert r.status_code == 200
    rows = re.findall(r"<tr>\s*<td class=\"component\">(.*?)</tr>", r.text, re.S)
    assert len(rows) == stored > 0
    mbed = next(row for row in rows if row.startswith("mbedtls"))
    assert "support ended" in mbed and "2021-12-31 (ended)" in mbed  # computed for today

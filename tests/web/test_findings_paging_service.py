"""The findings list paged, filtered and counted in SQL gives what describing every finding and
filtering in Python gives, on the demo world (VEX decisions of both scopes, a KEV hit)."""

from __future__ import annotations

import json
import re

import pytest
from _web import PRODUCT, login

from medsec.db.uow import unit_of_work
from medsec.findings import listing, overview
from medsec.findings.schemas import FindingRead

pytestmark = pytest.mark.db

FILTERS = [
    overview.FindingFilter(),
    overview.FindingFilter(include_resolved=True),
    overview.FindingFilter(kev=True),
    overview.FindingFilter(kev=False),
    *(overview.FindingFilter(state=s) for s in overview.STATES),
    *(overview.FindingFilter(severity=s) for s in ("critical", "high", "medium", "low", "none")),
    overview.FindingFilter(severity="high", include_resolved=True),
]


def _python_filtered(session, version, flt):
    rows = listing.list_findings(
        session, product=PRODUCT, version=version, include_resolved=flt.include_resolved
    )
    return [r for r in rows if overview.matches(r, flt)]


@pytest.mark.parametrize("version", [None, "2.0.0"])
def test_sql_pages_equal_the_python_filter(web_world, session_factory, version):
    with unit_of_work(session_factory) as session:
        seen_states = set()
        for flt in FILTERS:
            want = _python_filtered(session, version, flt)
            seen_states.update(overview.state_of(f) for f in want)
            got: list[FindingRead] = []
            offset = 0
            while True:
                page = overview.search(
                    session, product=PRODUCT, version=version, flt=flt, offset=offset, limit=3
                )
                assert page.total == len(want), flt
                got.extend(page.items)
                offset += 3
                if offset >= page.total:
                    break
            assert [f.id for f in got] == [f.id for f in want], flt
            assert got == want
        # the world exercises more than one VEX state, so the state filter is really tested
        assert len(seen_states) >= 3


def test_kev_filter_finds_the_kev_hit(web_world, session_factory):
    with unit_of_work(session_factory) as session:
        hits = overview.search(session, product=PRODUCT, flt=overview.FindingFilter(kev=True))
        assert hits.total >= 1
        assert all(f.vulnerability.kev for f in hits.items)


@pytest.mark.parametrize("version", [None, "2.0.0"])
def test_sql_work_list_equals_the_pure_priority_order(web_world, session_factory, version):
    with unit_of_work(session_factory) as session:
        rows = listing.list_findings(session, product=PRODUCT, version=version)
        rows = [r for r in rows if overview.state_of(r) not in listing.CLOSED]
        rows.sort(key=lambda r: (tuple(r.priority.key), -r.id), reverse=True)
        flt = overview.FindingFilter(sort="priority")
        page = overview.search(session, product=PRODUCT, version=version, flt=flt, limit=500)
        assert page.total == len(rows) > 1
        assert page.items == rows


def test_work_list_page_filters_by_component_and_id_and_escapes_them(client, web_world, cli):
    login(client, web_world, "vic")
    _, out, _ = cli("findings", "list", "--product", PRODUCT, "--sort", "priority", "-f", "json")
    rows = json.loads(out)
    name = rows[0]["component"]["name"]
    want = [r["id"] for r in rows if name.lower() in r["component"]["key"].lower()]
    page = client.get(f"/products/{PRODUCT}/findings", params={"component": name.upper()}).text
    shown = [int(i) for i in re.findall(r'<td><a href="/findings/(\d+)">\d+</a></td>', page)]
    assert shown == want and 0 < len(shown) < len(rows)
    cve = rows[-1]["vulnerability"]["id"]
    page = client.get(f"/products/{PRODUCT}/findings", params={"q": cve.lower()}).text
    shown = [int(i) for i in re.findall(r'<td><a href="/findings/(\d+)">\d+</a></td>', page)]
    assert rows[-1]["id"] in shown
    hostile = '"><script>x()</script>'
    r = client.get(f"/products/{PRODUCT}/findings", params={"component": hostile})
    assert r.status_code == 200 and "<script>x()" not in r.text and "0 findings" in r.text
    r = client.get(f"/products/{PRODUCT}/findings", params={"q": "x" * 300})
    assert r.status_code == 422 and "at most 200" in r.text

"""The demo's lifecycle story: 2.0.0 reaching its end of life, 2.1.0's horizon set by OpenSSL
1.1.1, one third-party end-of-support notice due, drafted in English and Japanese."""

from __future__ import annotations

from medsec.db.uow import unit_of_work
from medsec.demo import lifecycle as demo_lifecycle
from medsec.demo import service as demo_service


def test_the_demo_tells_the_lifecycle_story(session_factory, tmp_path):
    with unit_of_work(session_factory) as session:
        report = demo_service.build(session, tmp_path)
    text = "\n".join(report.lifecycle)
    assert f"lifecycle as of {demo_lifecycle.AS_OF}" in text
    assert "2.0.0: supported, end of life in 47 days (end of life 2025-12-31" in text
    assert (
        "2.1.0: supported, end of life in 959 days (end of life 2028-06-30, end of support "
        "2029-06-30); horizon 2023-09-11 set by openssl 1.1.1n; at risk" in text
    )
    assert "support had already ended (2023-09-11) when the release shipped (2024-06-03)" in text
    due = [line for line in report.lifecycle if "notice due" in line]
    assert due == [
        "  notice due for 2.1.0: python3.9@3.9.2-1 ends 2025-10-31 "
        "(component_eos-0m-python3.9@3.9.2-1)"
    ]
    folder = tmp_path / "lifecycle"
    en = (folder / "notice-2.1.0-component-eos-0m-python3-9-3-9-2-1-en.html").read_text()
    ja = (folder / "notice-2.1.0-component-eos-0m-python3-9-3-9-2-1-ja.html").read_text()
    assert "Support for python3.9 3.9.2-1, a component of InfuGuard 500 2.1.0, ended" in en
    assert "2025年10月31日に終了しました" in ja
    assert (folder / "timeline.svg").read_text().count('class="tl-row"') == 2

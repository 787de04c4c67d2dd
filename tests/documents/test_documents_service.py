"""The plan and document services on SQLite and PostgreSQL: every kind in both languages, facts
the records lack listed "to complete", revisions immutable with their hashes, the diff, access
(hidden products look missing) and bad input."""

from __future__ import annotations

import hashlib

import pytest
from docs_world import PRODUCT, RELEASE
from sqlalchemy import select

from medsec.db.uow import unit_of_work
from medsec.documents import service
from medsec.documents.schemas import BuildRequest
from medsec.documents.sections import KINDS, sections_of
from medsec.errors import Hidden, InvalidInput, NotFound, PermissionDenied
from medsec.models import AuditEvent, DocumentRevision
from medsec.tplc import service as plans

pytestmark = pytest.mark.db


def _req(kind: str = "design", lang: str = "en", **kw) -> BuildRequest:
    return BuildRequest.model_validate(
        {"kind": kind, "product": PRODUCT, "release": RELEASE, "lang": lang} | kw
    )


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_kind_renders_with_each_section_heading(world, lang):
    from medsec.core.i18n import gettext_for

    _ = gettext_for(lang, "documents")
    with unit_of_work(world) as s:
        for kind in KINDS:
            built = service.build(s, request=_req(kind, lang), actor="ana")
            html = built.data.decode()
            for section in sections_of(kind):
                assert f'<section id="{section.id}">' in html
                assert _(section.title) in html, (kind, section.id)
            assert _("To complete") in html
            assert html.index(_("To complete")) < html.index(_(sections_of(kind)[0].title) + " <")
            assert "<b>x</b>" not in html  # record values are text
            if kind in ("design", "risk", "submission"):
                assert "Mutual TLS &lt;b&gt;x&lt;/b&gt;" in html


def test_missing_facts_are_listed_never_invented(world):
    with unit_of_work(world) as s:
        r = service.build(s, request=_req("tplc"), actor="ana").revision
        assert "Recovery: the recovery plan" in r.to_complete
        assert "Information sharing: the ISAO or ISAC memberships" in r.to_complete
        design = service.build(s, request=_req("design"), actor="ana").revision
        # the Bluetooth interface is disabled without a reason; the USB one has its reason
        assert any("why the interface Bluetooth is disabled" in x for x in design.to_complete)
        assert not any("USB" in x for x in design.to_complete)
        assert any("the rationale of control C-TLS" in x for x in design.to_complete)
        plans.set_plan(
            s,
            product=PRODUCT,
            changes={"recovery_plan": "Restore the signed image.", "isao_memberships": "H-ISAC"},
            actor="ana",
        )
        again = service.build(s, request=_req("tplc"), actor="ana")
        assert len(again.revision.to_complete) == len(r.to_complete) - 2
        assert "Restore the signed image." in again.data.decode()


def test_revisions_are_immutable_with_hashes_and_the_diff_names_sections(world):
    with unit_of_work(world) as s:
        first = service.build(s, request=_req("tplc"), actor="ana")
        assert first.revision.output_sha256 == hashlib.sha256(first.data).hexdigest()
        same = service.diff(s, revision=first.revision.id, actor="vic")
        assert same.inputs_changed is False
        plans.set_plan(s, product=PRODUCT, changes={"recovery_plan": "Reinstall."}, actor="ana")
        now = service.diff(s, revision=first.revision.id, actor="vic")
        changed = {x.section: x for x in now.sections if x.status != "same"}
        assert list(changed) == ["tplc.recovery"]
        assert "+Reinstall." in changed["tplc.recovery"].diff
        second = service.build(s, request=_req("tplc"), actor="ana")
        assert second.revision.id != first.revision.id
        assert second.revision.inputs_sha256 != first.revision.inputs_sha256
        between = service.diff(
            s, revision=first.revision.id, against=second.revision.id, actor="vic"
        )
        assert [x.section for x in between.sections if x.status != "same"] == ["tplc.recovery"]
        # the first revision's bytes and hashes are untouched by the later build
        old = service.download(s, revision=first.revision.id, actor="vic")
        assert old.data == first.data and old.revision == first.revision
        rows = s.scalars(select(DocumentRevision).order_by(DocumentRevision.id)).all()
        assert [r.id for r in rows] == [first.revision.id, second.revision.id]
        actions = [e.action for e in s.scalars(select(AuditEvent))]
        assert actions.count("document.build") == 2 and "document.download" in actions


def test_same_records_give_the_same_inputs_hash(world):
    with unit_of_work(world) as s:
        a = service.build(s, request=_req("risk", "ja"), actor="ana").revision
        b = service.build(s, request=_req("risk", "ja", format="html"), actor="ana").revision
        c = service.build(s, request=_req("risk", "en"), actor="ana").revision
    assert a.inputs_sha256 == b.inputs_sha256 != c.inputs_sha256


def test_access_roles_and_hidden_products(world):
    with unit_of_work(world) as s:
        r = service.build(s, request=_req("labeling"), actor="ana").revision
        with pytest.raises(PermissionDenied, match="analyst"):
            service.build(s, request=_req("labeling"), actor="vic")
        assert [x.id for x in service.list_revisions(s, actor="vic")] == [r.id]
        assert service.list_revisions(s, actor="val") == []
        with pytest.raises(Hidden) as hidden:
            service.get_revision(s, revision=r.id, actor="val")
        with pytest.raises(NotFound) as missing:
            service.get_revision(s, revision=987654, actor="val")
        assert str(hidden.value) == str(missing.value).replace("987654", str(r.id))
        with pytest.raises(Hidden):
            service.list_revisions(s, actor="val", product=PRODUCT)
        with pytest.raises(Hidden):
            plans.show(s, product=PRODUCT, actor="val")


def test_bad_input_is_refused_clearly(world):
    with unit_of_work(world) as s:
        with pytest.raises(InvalidInput, match="unknown document kind 'manual'"):
            service.build(s, request=_req("manual"), actor="ana")
        with pytest.raises(InvalidInput, match="unknown language 'de'"):
            service.build(s, request=_req(lang="de"), actor="ana")
        with pytest.raises(NotFound, match="no product named 'Nope'"):
            service.build(s, request=_req().model_copy(update={"product": "Nope"}), actor="ana")
        with pytest.raises(NotFound, match=r"9\.9"):
            service.build(s, request=_req().model_copy(update={"release": "9.9"}), actor="ana")
        with pytest.raises(InvalidInput, match="not sections of 'design'"):
            service.build(s, request=_req(), actor="ana", sections=["tplc.recovery"])
        with pytest.raises(InvalidInput, match="unknown field"):
            plans.set_plan(s, product=PRODUCT, changes={"nonsense": "x"}, actor="ana")
        with pytest.raises(InvalidInput, match="update_methods"):
            plans.set_plan(s, product=PRODUCT, changes={"update_methods": ["pigeon"]}, actor="ana")
        assert s.scalars(select(DocumentRevision)).all() == []


def test_chosen_sections_only(world):
    with unit_of_work(world) as s:
        built = service.build(s, request=_req("customer"), actor="ana", sections=["customer.sbom"])
    html = built.data.decode()
    assert 'id="customer.sbom"' in html and 'id="customer.hardening"' not in html
    assert "2 components" in html and "medsec sbom export" in html


def test_plan_versions_history_and_records_read_from_medsec(world):
    with unit_of_work(world) as s:
        empty = plans.show(s, product=PRODUCT, actor="vic")
        assert empty.version == 0 and empty.content.recovery_plan is None
        assert {"feed-sync", "rematch"} <= {m.name for m in empty.monitoring}
        assert empty.cvd_deadlines["uncontrolled_remediate_days"] == 60
        one = plans.set_plan(
            s, product=PRODUCT, changes={"update_methods": ["remote"]}, actor="ana", note="n1"
        )
        two = plans.set_plan(
            s, product=PRODUCT, changes={"update_cadence": "quarterly"}, actor="ana"
        )
        same = plans.set_plan(
            s, product=PRODUCT, changes={"update_cadence": "quarterly"}, actor="ana"
        )
        assert (one.version, two.version, same.version) == (1, 2, 2)
        assert plans.show(s, product=PRODUCT, actor="vic", version=1).content.update_cadence is None
        hist = plans.history(s, product=PRODUCT, actor="vic")
        assert [(h.version, h.changed, h.created_by) for h in hist] == [
            (2, ["update_cadence"], "ana"),
            (1, ["update_methods"], "ana"),
        ]
        with pytest.raises(PermissionDenied):
            plans.set_plan(s, product=PRODUCT, changes={"update_cadence": "x"}, actor="vic")
        with pytest.raises(NotFound, match="no plan version 7"):
            plans.show(s, product=PRODUCT, actor="vic", version=7)

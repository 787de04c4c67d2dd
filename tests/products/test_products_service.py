"""Products and releases through the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from medsec.audit import service as audit
from medsec.db.uow import unit_of_work
from medsec.errors import Conflict, NotFound
from medsec.products import service
from medsec.products.schemas import NetworkInterface, ProductCreate, ReleaseCreate


def test_create_product_and_release_round_trip(session_factory):
    with unit_of_work(session_factory) as s:
        service.create_product(s, data=ProductCreate(name="Pump", manufacturer="Acme"), actor="t")
        service.create_release(
            s,
            product="Pump",
            data=ReleaseCreate(
                version="1.0",
                release_date=date(2024, 1, 2),
                use_environment="home",
                clinical_function="infusion",
                interfaces=[
                    NetworkInterface(name="wifi", protocol="HTTPS", port=443, direction="outbound")
                ],
            ),
            actor="t",
        )
    with unit_of_work(session_factory) as s:
        product = service.get_product(s, "Pump")
        assert product.manufacturer.name == "Acme"
        (release,) = service.list_releases(s, product="Pump")
        assert release.use_environment == "home"
        assert release.release_date == date(2024, 1, 2)
        assert release.interfaces == [
            {"name": "wifi", "protocol": "HTTPS", "port": 443, "direction": "outbound"}
        ]
        actions = [e.action for e in audit.list_events(s)]
        assert actions == ["release.create", "product.create"]


def test_duplicates_conflict_and_nothing_half_written(session_factory):
    with unit_of_work(session_factory) as s:
        service.create_product(s, data=ProductCreate(name="Pump", manufacturer="Acme"), actor="t")
    with pytest.raises(Conflict), unit_of_work(session_factory) as s:
        service.create_product(s, data=ProductCreate(name="Pump", manufacturer="Other"), actor="t")
    with unit_of_work(session_factory) as s:
        assert [p.manufacturer.name for p in service.list_products(s)] == ["Acme"]
        service.create_release(s, product="Pump", data=ReleaseCreate(version="1"), actor="t")
    with pytest.raises(Conflict), unit_of_work(session_factory) as s:
        service.create_release(s, product="Pump", data=ReleaseCreate(version="1"), actor="t")


def test_missing_things_are_not_found(session_factory):
    with unit_of_work(session_factory) as s:
        with pytest.raises(NotFound, match="no product named 'Nope'"):
            service.get_product(s, "Nope")
        service.create_product(s, data=ProductCreate(name="Pump", manufacturer="Acme"), actor="t")
        with pytest.raises(NotFound, match="has no release '9'"):
            service.get_release(s, product="Pump", version="9")


def test_ensure_release_creates_only_what_is_missing(session_factory):
    with unit_of_work(session_factory) as s:
        first = service.ensure_release(s, product="Gw", version="1", manufacturer="M", actor="t")
        again = service.ensure_release(s, product="Gw", version="1", manufacturer="M", actor="t")
        other = service.ensure_release(s, product="Gw", version="2", manufacturer=None, actor="t")
    assert (first.created_product, first.created_release) == (True, True)
    assert (again.created_product, again.created_release) == (False, False)
    assert (other.created_product, other.created_release) == (False, True)
    assert again.release.id == first.release.id


def test_audit_chain_detects_tampering(session_factory):
    from medsec.models import AuditEvent

    with unit_of_work(session_factory) as s:
        service.create_product(s, data=ProductCreate(name="Pump", manufacturer="Acme"), actor="t")
        service.create_release(s, product="Pump", data=ReleaseCreate(version="1"), actor="t")
    with unit_of_work(session_factory) as s:
        assert audit.verify_chain(s) is None
        first = s.get(AuditEvent, 1)
        first.actor = "mallory"
    with unit_of_work(session_factory) as s:
        assert audit.verify_chain(s) == 1

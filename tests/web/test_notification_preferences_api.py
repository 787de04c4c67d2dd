"""Notification preferences through the API on both databases: a webhook's secret in the
creating answer only, pause and resume (audited), refusals for another's preference, and a
paused preference or a disabled account is told nothing."""

from __future__ import annotations

import pytest
from _web import ADMIN, PRODUCT, bearer
from sqlalchemy import select

from medsec.accounts import admin
from medsec.db.uow import unit_of_work
from medsec.models import AuditEvent, NotificationDelivery
from medsec.notifications import service
from medsec.notifications.schemas import Event

pytestmark = pytest.mark.db
URL = "/api/v1/notifications/preferences"


def _event(n: int) -> Event:
    return Event(
        kind="advisory.published",
        key=f"test-advisory-{n}",
        title="An advisory was published",
        product=PRODUCT,
        data={"advisory": "X", "revision": "1"},
    )


def _told(s, pid: int) -> int:
    stmt = select(NotificationDelivery.id).where(NotificationDelivery.preference_id == pid)
    return len(list(s.execute(stmt).scalars()))


def test_pause_resume_and_secrets_never_shown_back(client, web_world, session_factory):
    vic = bearer(web_world, "vic")
    made = client.post(
        URL,
        json={
            "channel": "webhook",
            "target": "https://hooks.example/x",
            "events": ["advisory.published"],
        },
        headers=vic,
    )
    assert made.status_code == 201
    pid, secret = made.json()["id"], made.json()["secret"]
    assert secret and secret not in client.get(URL, headers=vic).text
    assert (
        client.patch(
            f"{URL}/{pid}", json={"enabled": False}, headers=bearer(web_world, "ana")
        ).status_code
        == 403
    )
    paused = client.patch(f"{URL}/{pid}", json={"enabled": False}, headers=vic)
    assert paused.status_code == 200 and paused.json()["enabled"] is False
    assert paused.json()["secret"] is None and secret not in paused.text
    with unit_of_work(session_factory) as s:
        service.emit(s, _event(1))
        assert _told(s, pid) == 0  # paused: not told
    client.patch(f"{URL}/{pid}", json={"enabled": True}, headers=vic)
    with unit_of_work(session_factory) as s:
        service.emit(s, _event(2))
        assert _told(s, pid) == 1
        admin.set_disabled(s, name="vic", disabled=True, actor=f"cli:{ADMIN}")
    with unit_of_work(session_factory) as s:
        service.emit(s, _event(3))
        assert _told(s, pid) == 1  # a disabled account is told nothing more
        actions = list(
            s.execute(
                select(AuditEvent.action).where(AuditEvent.object_type == "notification_preference")
            ).scalars()
        )
    assert "notification.preference.pause" in actions
    assert "notification.preference.resume" in actions
    assert (
        client.patch(
            f"{URL}/999999", json={"enabled": False}, headers=bearer(web_world, ADMIN)
        ).status_code
        == 404
    )

"""A small infusion-pump model shared by the design tests."""

from __future__ import annotations

PUMP_YAML = b"""
medsec-system-model: 1
name: Infusion pump
boundaries:
  - {id: hospital, name: Hospital network}
  - {id: vendor, name: Manufacturer cloud}
elements:
  - id: pump
    type: device
    name: Infusion pump
    boundary: hospital
    interfaces:
      - {name: Wi-Fi, kind: wireless, enabled: true, port: 443}
      - {name: Service port, kind: service-port, enabled: false, reason: sealed at the factory}
  - {id: tablet, type: clinician, name: Clinician tablet app, boundary: hospital}
  - {id: updates, type: update-server, name: Update server, boundary: vendor}
flows:
  - {id: dose, from: tablet, to: pump, name: Dose order, protocol: HTTPS, port: 443,
     classification: safety-critical}
  - {id: fw, from: updates, to: pump, name: Firmware update, protocol: HTTPS, port: 443}
"""

JUNIT = b"""<testsuites><testsuite name="security">
<testcase classname="tests.test_tls" name="test_mutual_tls_required"/>
<testcase classname="tests.test_tls" name="test_rejects_replayed_command"/>
<testcase classname="tests.test_update" name="test_unsigned_firmware_refused">
  <failure message="accepted an unsigned image"/></testcase>
</testsuite></testsuites>"""

SARIF = b"""{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "CodeQL", "rules": [
 {"id": "py/hardcoded-credentials", "properties": {"tags": ["external/cwe/cwe-798"]}}]}},
 "results": [{"ruleId": "py/hardcoded-credentials", "level": "error",
   "message": {"text": "hard-coded password"},
   "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app/auth.py"},
     "region": {"startLine": 12}}}]}]}]}"""


def make_world(session_factory, *, product: str = "Pump", release: str = "1.0") -> None:
    """Accounts (admin t, analyst ana, reviewer rev, viewer vic), a product and release, and the
    pump model imported as version 1."""
    from medsec.accounts import service as accounts
    from medsec.db.uow import unit_of_work
    from medsec.products import service as products
    from medsec.products.schemas import ProductCreate, ReleaseCreate
    from medsec.sysmodel import service as sysmodel

    with unit_of_work(session_factory) as s:
        accounts.add(s, name="t", roles=["admin"], products=[], actor="t")
        accounts.add(s, name="ana", roles=["analyst"], products=[], actor="t")
        accounts.add(s, name="rev", roles=["reviewer"], products=[], actor="t")
        accounts.add(s, name="vic", roles=["viewer"], products=[product], actor="t")
        accounts.add(s, name="other", roles=["analyst"], products=["Elsewhere"], actor="t")
        products.create_product(s, data=ProductCreate(name=product, manufacturer="Acme"), actor="t")
        products.create_release(s, product=product, data=ReleaseCreate(version=release), actor="t")
        sysmodel.import_model(
            s, product=product, release=release, data=PUMP_YAML, source="pump.yaml", actor="ana"
        )

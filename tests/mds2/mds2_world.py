"""A small manufacturer record for the MDS2 tests: a pump with an SBOM, a system model, two
controls (one verified by tests, one failing) and a lifecycle."""

from __future__ import annotations

import json

MODEL = b"""
medsec-system-model: 1
name: Pump system
boundaries:
  - {id: hospital, name: Hospital network}
  - {id: vendor, name: Manufacturer cloud}
elements:
  - id: pump
    type: device
    name: Pump
    boundary: hospital
    interfaces:
      - {name: Wi-Fi 802.11n, kind: wireless, enabled: true, protocol: HTTPS, port: 443}
      - {name: RS-232 service port, kind: service-port, enabled: false, reason: sealed}
  - {id: tablet, type: clinician, name: Tablet, boundary: hospital}
  - {id: cloud, type: cloud, name: Vendor cloud, boundary: vendor}
flows:
  - {id: dose, from: tablet, to: pump, name: Dose order, protocol: HTTPS, port: 443,
     classification: personal-health}
  - {id: logs, from: pump, to: cloud, name: Log upload, protocol: HTTPS, port: 443}
"""

JUNIT = b"""<testsuites><testsuite name="security">
<testcase classname="tests.test_tls" name="test_mutual_tls_required"/>
<testcase classname="tests.test_update" name="test_unsigned_firmware_refused">
  <failure message="accepted an unsigned image"/></testcase>
</testsuite></testsuites>"""


def sbom() -> bytes:
    """A CycloneDX SBOM with two components, one without a purl."""
    return json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "version": 1,
            "components": [
                {
                    "type": "library",
                    "name": "openssl",
                    "version": "3.0.13",
                    "supplier": {"name": "OpenSSL"},
                    "purl": "pkg:generic/openssl@3.0.13",
                },
                {
                    "type": "firmware",
                    "name": "pump-fw",
                    "version": "1.0",
                    "supplier": {"name": "Acme"},
                },
            ],
        }
    ).encode()


def make_world(session_factory, *, product: str = "Pump", release: str = "1.0") -> None:
    """Accounts (admin t, analyst ana, viewer vic on the product, analyst other elsewhere,
    hospital analyst biomed), the product, release, model, SBOM, controls and evidence."""
    from medsec.accounts import service as accounts
    from medsec.controls import service as controls
    from medsec.controls.schemas import ControlCreate
    from medsec.db.uow import unit_of_work
    from medsec.evidence import service as evidence
    from medsec.products import service as products
    from medsec.products.schemas import ProductCreate, ReleaseCreate
    from medsec.sbom import service as sboms
    from medsec.sysmodel import service as sysmodel

    with unit_of_work(session_factory) as s:
        accounts.add(s, name="t", roles=["admin"], products=[], actor="t")
        accounts.add(s, name="ana", roles=["analyst"], products=[], actor="t")
        accounts.add(s, name="vic", roles=["viewer"], products=[product], actor="t")
        accounts.add(s, name="other", roles=["analyst"], products=["Elsewhere"], actor="t")
        products.create_product(s, data=ProductCreate(name=product, manufacturer="Acme"), actor="t")
        products.create_release(s, product=product, data=ReleaseCreate(version=release), actor="t")
        sysmodel.import_model(
            s, product=product, release=release, data=MODEL, source="pump.yaml", actor="ana"
        )
        sboms.import_sbom(
            s, data=sbom(), source_name="pump.cdx.json", product=product, version=release,
            actor="ana",
        )  # fmt: skip
        for key, name, principles, selector in (
            ("C-TLS", "Mutual TLS with device certificates", ["secure-communication"],
             "junit:tests.test_tls::*"),
            ("C-SIGN", "Signed firmware updates", ["software-maintenance"],
             "junit:tests.test_update::*"),
        ):  # fmt: skip
            controls.add_control(
                s,
                product=product,
                actor="ana",
                data=ControlCreate(key=key, name=name, principles=principles, selectors=[selector]),
            )
        evidence.import_file(
            s, product=product, release=release, data=JUNIT, source="junit.xml", kind="junit",
            actor="ana",
        )  # fmt: skip

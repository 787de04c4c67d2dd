"""A small ventilator world for the document tests: a model, threats, a control, evidence, an
SBOM, accounts (t admin, ana analyst, vic viewer of Vent, val viewer of Other only)."""

from __future__ import annotations

import orjson

PRODUCT, RELEASE = "Vent", "3.0"

MODEL = b"""
medsec-system-model: 1
name: Ventilator
boundaries:
  - {id: ward, name: Ward network}
elements:
  - id: vent
    type: device
    name: Ventilator
    boundary: ward
    interfaces:
      - {name: Ethernet, kind: network-port, enabled: true, protocol: HTTPS, port: 443}
      - {name: USB service port, kind: usb, enabled: false, reason: sealed and disabled in firmware}
      - {name: Bluetooth, kind: bluetooth, enabled: false}
  - {id: station, type: clinician, name: Central station, boundary: ward}
flows:
  - {id: alarms, from: vent, to: station, name: Alarms, protocol: HTTPS, port: 443,
     classification: safety-critical}
"""

JUNIT = b"""<testsuites><testsuite name="security">
<testcase classname="tests.test_tls" name="test_mutual_tls_required"/>
</testsuite></testsuites>"""


def sbom() -> bytes:
    """A CycloneDX 1.6 SBOM with a purl component and one without an identifier."""
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "device", "name": "Vent", "version": "3.0"}},
        "components": [
            {
                "type": "library",
                "name": "openssl",
                "version": "3.0.1",
                "bom-ref": "openssl",
                "purl": "pkg:generic/openssl@3.0.1",
                "supplier": {"name": "OpenSSL"},
            },
            {
                "type": "firmware",
                "name": "vent-fw",
                "version": "3.0",
                "bom-ref": "fw",
                "supplier": {"name": "Acme"},
            },
        ],
    }
    return orjson.dumps(doc)


def make_world(session_factory) -> None:
    """Build the world through the services."""
    from medsec.accounts import service as accounts
    from medsec.controls import service as controls
    from medsec.controls.schemas import ControlCreate
    from medsec.db.uow import unit_of_work
    from medsec.evidence import service as evidence
    from medsec.products import service as products
    from medsec.products.schemas import ProductCreate, ReleaseCreate
    from medsec.sbom import service as sboms
    from medsec.sysmodel import service as sysmodel
    from medsec.threats import service as threats

    with unit_of_work(session_factory) as s:
        accounts.add(s, name="t", roles=["admin"], products=[], actor="t")
        accounts.add(s, name="ana", roles=["analyst"], products=[], actor="t")
        accounts.add(s, name="vic", roles=["viewer"], products=[PRODUCT], actor="t")
        accounts.add(s, name="val", roles=["viewer"], products=["Other"], actor="t")
        for name in (PRODUCT, "Other"):
            products.create_product(
                s, data=ProductCreate(name=name, manufacturer="Acme"), actor="t"
            )
        products.create_release(
            s,
            product=PRODUCT,
            data=ReleaseCreate(version=RELEASE, clinical_function="Ventilates the patient."),
            actor="t",
        )
        sysmodel.import_model(
            s, product=PRODUCT, release=RELEASE, data=MODEL, source="vent.yaml", actor="ana"
        )
        threats.generate(s, product=PRODUCT, release=RELEASE, actor="ana")
        controls.add_control(
            s,
            product=PRODUCT,
            actor="ana",
            data=ControlCreate(
                key="C-TLS",
                name="Mutual TLS <b>x</b>",
                principles=["secure-communication"],
                selectors=["junit:tests.test_tls::*"],
            ),
        )
        evidence.import_file(
            s,
            product=PRODUCT,
            release=RELEASE,
            kind="junit",
            data=JUNIT,
            source="junit.xml",
            actor="ana",
        )
        sboms.import_sbom(
            s,
            data=sbom(),
            source_name="vent.cdx.json",
            product=PRODUCT,
            version=RELEASE,
            actor="ana",
        )

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

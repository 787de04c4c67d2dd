"""The demo device: a fictional networked infusion pump, written from public facts.

"InfuGuard 500" by "Example Medical Devices Inc." is invented. Its parts are real, publicly
documented open-source components of the kinds such devices ship: a FreeRTOS firmware with the
lwIP TCP/IP stack and Mbed TLS, a Linux bedside gateway (OpenSSL, BusyBox, Mosquitto, Python),
and a clinician web portal (Node.js and a Django reporting service). End-of-support dates are the
upstream projects' published ones (Mbed TLS 2.16 LTS: 2021-12-31; 2.28 LTS: 2024-12-31;
OpenSSL 1.1.1: 2023-09-11; Django 3.2 LTS: 2024-04-01; Python 3.9: 2025-10-31).
"""

from __future__ import annotations

from typing import Any

PRODUCT = "InfuGuard 500"
MANUFACTURER = "Example Medical Devices Inc."
DESCRIPTION = (
    "Fictional large-volume infusion pump with Wi-Fi, a bedside gateway and a clinician web portal "
    "(medsec demo data)."
)
CLINICAL_FUNCTION = "Delivers intravenous fluids and medication at programmed rates and volumes."
ESSENTIAL_PERFORMANCE = (
    "Accurate delivery of the programmed dose; occlusion and air-in-line alarms within 30 s."
)
INTERFACES: list[dict[str, Any]] = [
    {
        "name": "Wi-Fi 802.11ac",
        "protocol": "HTTPS",
        "port": 443,
        "direction": "outbound",
        "purpose": "drug library and status upload to the gateway",
    },
    {
        "name": "Gateway MQTT",
        "protocol": "MQTT/TLS",
        "port": 8883,
        "direction": "inbound",
        "purpose": "pump telemetry from the ward",
    },
    {
        "name": "Portal HTTPS",
        "protocol": "HTTPS",
        "port": 443,
        "direction": "inbound",
        "purpose": "clinician web portal",
    },
    {
        "name": "Service USB",
        "protocol": "USB CDC",
        "direction": "both",
        "purpose": "field service and firmware update (service visit)",
    },
]

# (group, name, version, type, purl, cpe, supplier, level of support, end of support, parent)
Row = tuple[str | None, str, str, str, str | None, str | None, str, str, str | None, str | None]

_FW = "infuguard-firmware"
# name -> (type, supplier, purl pattern, cpe pattern, parent); {v} is the version, {u} its
# upstream part (before a Debian revision)
PARTS: dict[str, tuple[str, str, str | None, str | None, str | None]] = {
    _FW: ("firmware", MANUFACTURER, None, None, None),
    "FreeRTOS-Kernel": (
        "operating-system",
        "Amazon Web Services",
        "pkg:github/freertos/freertos-kernel@V{v}",
        "cpe:2.3:o:amazon:freertos:{u}:*:*:*:*:*:*:*",
        _FW,
    ),
    "lwip": (
        "library",
        "lwIP project",
        "pkg:generic/lwip@{v}",
        "cpe:2.3:a:lwip_project:lwip:{u}:*:*:*:*:*:*:*",
        _FW,
    ),
    "mbedtls": (
        "library",
        "Arm Limited",
        "pkg:github/mbed-tls/mbedtls@v{v}",
        "cpe:2.3:a:arm:mbed_tls:{u}:*:*:*:*:*:*:*",
        _FW,
    ),
    # Built from the upstream source into the gateway image (not Debian's package): upstream
    # version ranges apply to it as they are, so CVE-2021-3711 (fixed in 1.1.1l) is real here.
    "openssl": (
        "library",
        "OpenSSL Software Foundation",
        "pkg:generic/openssl@{v}?download_url=https://www.openssl.org/source/openssl-{v}.tar.gz",
        "cpe:2.3:a:openssl:openssl:{u}:*:*:*:*:*:*:*",
        None,
    ),
    "busybox": (
        "application",
        "Debian",
        "pkg:deb/debian/busybox@{v}?arch=arm64&distro=debian-11",
        "cpe:2.3:a:busybox:busybox:{u}:*:*:*:*:*:*:*",
        None,
    ),
    "mosquitto": (
        "application",
        "Eclipse Foundation",
        "pkg:generic/mosquitto@{v}",
        "cpe:2.3:a:eclipse:mosquitto:{u}:*:*:*:*:*:*:*",
        None,
    ),
    "python3.9": (
        "application",
        "Python Software Foundation",
        "pkg:deb/debian/python3.9@{v}?distro=debian-11",
        "cpe:2.3:a:python:python:{u}:*:*:*:*:*:*:*",
        None,
    ),
    "express": ("framework", "OpenJS Foundation", "pkg:npm/express@{v}", None, None),
    "lodash": ("library", "OpenJS Foundation", "pkg:npm/lodash@{v}", None, None),
    "ws": ("library", "ws maintainers", "pkg:npm/ws@{v}", None, None),
    "jsonwebtoken": ("library", "Auth0", "pkg:npm/jsonwebtoken@{v}", None, None),
    "Django": ("framework", "Django Software Foundation", "pkg:pypi/django@{v}", None, None),
    "PyYAML": ("library", "PyYAML maintainers", "pkg:pypi/pyyaml@{v}", None, None),
    "requests": ("library", "Python Software Foundation", "pkg:pypi/requests@{v}", None, None),
}

_ACTIVE, _GONE = "Actively maintained", "No longer maintained"
# release -> date and, per part: (version, level of support, end of support)
_SPECS: dict[str, tuple[str, dict[str, tuple[str, str, str | None]]]] = {
    "2.0.0": (
        "2023-03-15",
        {
            _FW: ("2.0.0", _ACTIVE, None),
            "FreeRTOS-Kernel": ("10.4.3", _ACTIVE, None),
            "lwip": ("2.1.2", _ACTIVE, None),
            "mbedtls": ("2.16.6", _GONE, "2021-12-31"),
            "openssl": ("1.1.1k", _ACTIVE, "2023-09-11"),
            "busybox": ("1.30.1-6", _ACTIVE, None),
            "mosquitto": ("2.0.11", _ACTIVE, None),
            "python3.9": ("3.9.2-1", _ACTIVE, "2025-10-31"),
            "express": ("4.17.1", _ACTIVE, None),
            "lodash": ("4.17.20", _ACTIVE, None),
            "ws": ("7.4.5", _ACTIVE, None),
            "jsonwebtoken": ("8.5.1", _ACTIVE, None),
            "Django": ("3.2.4", _ACTIVE, "2024-04-01"),
            "PyYAML": ("5.3.1", _ACTIVE, None),
            "requests": ("2.25.1", _ACTIVE, None),
        },
    ),
    "2.1.0": (
        "2024-06-03",
        {
            _FW: ("2.1.0", _ACTIVE, None),
            "FreeRTOS-Kernel": ("10.4.6", _ACTIVE, None),
            "lwip": ("2.1.3", _ACTIVE, None),
            "mbedtls": ("2.28.0", _ACTIVE, "2024-12-31"),
            "openssl": ("1.1.1n", _ACTIVE, "2023-09-11"),
            "busybox": ("1.30.1-6", _ACTIVE, None),
            "mosquitto": ("2.0.18", _ACTIVE, None),
            "python3.9": ("3.9.2-1", _ACTIVE, "2025-10-31"),
            "express": ("4.19.2", _ACTIVE, None),
            "lodash": ("4.17.21", _ACTIVE, None),
            "ws": ("7.5.10", _ACTIVE, None),
            "jsonwebtoken": ("9.0.0", _ACTIVE, None),
            "Django": ("3.2.25", _GONE, "2024-04-01"),
            "PyYAML": ("6.0.1", _ACTIVE, None),
            "requests": ("2.32.3", _ACTIVE, None),
        },
    ),
}


def _rows(parts: dict[str, tuple[str, str, str | None]]) -> list[Row]:
    rows: list[Row] = []
    for name, (version, level, eos) in parts.items():
        ctype, supplier, purl, cpe, parent = PARTS[name]
        fmt = {"v": version.replace("+", "%2B"), "u": version.split("-")[0]}
        rows.append(
            (
                None,
                name,
                version,
                ctype,
                purl.format(**fmt) if purl else None,
                cpe.format(**fmt) if cpe else None,
                supplier,
                level,
                eos,
                parent,
            )
        )
    return rows


RELEASES: dict[str, dict[str, Any]] = {
    version: {"date": date, "rows": _rows(parts)} for version, (date, parts) in _SPECS.items()
}

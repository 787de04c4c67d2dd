"""Hand-made SBOM DTOs shared by the export tests (not a test module)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom

SERIAL = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SHA1 = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"


def full_sbom() -> ParsedSbom:
    """A device SBOM that uses every field the DTO has."""
    primary = ParsedComponent(
        ref="device-1", type="device", name="Infusion Pump X", version="2.1", supplier="ACME Med"
    )
    fw = ParsedComponent(
        ref="fw",
        type="firmware",
        name="pump-fw",
        version="2.1.0",
        supplier="ACME Med",
        author="ACME Firmware Team",
        cpe="cpe:2.3:o:acme:pump-fw:2.1.0:*:*:*:*:*:*:*",
        hashes=(("SHA-256", SHA256), ("SHA-1", SHA1)),
        licenses=("LicenseRef-ACME-Proprietary",),
        parent_ref="device-1",
        description="Main controller firmware",
        support_level="actively_maintained",
        end_of_support=date(2032, 12, 31),
        properties=(("acme:build", "1234"),),
    )
    rtos = ParsedComponent(
        ref="pkg:github/freertos/freertos-kernel@10.4.3",
        type="operating-system",
        name="FreeRTOS-Kernel",
        group="freertos",
        version="10.4.3",
        supplier="Amazon",
        purl="pkg:github/freertos/freertos-kernel@10.4.3",
        licenses=("mit",),
        parent_ref="fw",
        scope="required",
        support_level="limited_support",
        end_of_support=date(2026, 6, 30),
    )
    ssl = ParsedComponent(
        ref="wolfssl 5.5 (bundled)",
        type="library",
        name="wolfssl",
        version="5.5.0",
        supplier="wolfSSL Inc.",
        cpe="cpe:/a:wolfssl:wolfssl:5.5.0",
        hashes=(("SHA-256", SHA256.upper()),),
        licenses=("GPL-2.0-or-later", "Commercial wolfSSL licence"),
        parent_ref="fw",
        scope="optional",
        support_level="no_longer_maintained",
    )
    ml = ParsedComponent(
        ref="model",
        type="machine-learning-model",
        name="occlusion-detector",
        version="3",
        licenses=("Apache-2.0 OR MIT", "BSD-3-Clause"),
        scope="excluded",
        properties=(("cdx:lifecycle:milestone:endOfSupport", "2020-01-01"),),
        end_of_support=date(2030, 1, 1),
    )
    src = ParsedComponent(ref="src", type="source", name="pump-src", version="2.1")
    return ParsedSbom(
        format="cyclonedx",
        spec_version="1.6",
        encoding="json",
        serial_number="urn:uuid:00000000-0000-4000-8000-000000000000",
        name="Infusion Pump X SBOM",
        created=WHEN,
        authors=("Jane Doe",),
        tools=("cdxgen 10.0",),
        primary=primary,
        components=(fw, rtos, ssl, ml, src),
        dependencies=(
            ("device-1", "fw"),
            ("fw", rtos.ref),
            ("fw", ssl.ref),
            ("fw", ssl.ref),
            ("fw", "nowhere"),
        ),
    )

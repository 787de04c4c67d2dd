"""`medsec sbom import` refuses an empty SBOM unless --allow-empty, and says so (issue 10, 8)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db


def test_empty_tag_value_exits_2_then_allow_empty_imports_with_a_warning(cli, tmp_path):
    doc = tmp_path / "empty.spdx"
    doc.write_bytes(
        b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n"
        b"DocumentName: x\nDocumentNamespace: https://example.com/x\nCreator: Tool: x\n"
        b"Created: 2024-01-01T00:00:00Z\n"
    )
    code, _out, err = cli("sbom", "import", str(doc), "-p", "Pump", "-r", "1.0", "--create")
    assert code == 2
    assert "empty.spdx" in err and "no components" in err and "--allow-empty" in err
    code, _out, err = cli("product", "list", "--format", "json")
    assert code == 0 and "Pump" not in _out  # nothing half-stored
    code, out, err = cli(
        "sbom", "import", str(doc), "-p", "Pump", "-r", "1.0", "--allow-empty", "--create"
    )
    assert code == 0 and "imported 0 components" in out
    assert "--allow-empty" in err

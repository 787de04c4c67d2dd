"""Hostile inputs for every reader, each run in a fresh subprocess that reports its peak memory.

Shared by ``bench/bench_hostile.py`` (figures) and ``tests/ingest/test_hostile_input_rules.py``
(bounds). A case is a name, a generator of the input bytes for a target size, and the reader
that must accept or refuse it.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


def _cdx_json_empty(size: int) -> bytes:
    n = max(1, (size - 80) // 3)
    head = b'{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":['
    return head + b",".join([b"{}"] * n) + b"]}"


def _cdx_json_minimal(size: int) -> bytes:
    item = b'{"type":"library","name":"a"}'
    n = max(1, (size - 80) // (len(item) + 1))
    head = b'{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":['
    return head + b",".join([item] * n) + b"]}"


def _cdx_json_distinct_components(size: int) -> bytes:
    head = b'{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":['
    n = max(1, (size - 80) // 36)
    items = b",".join(b'{"type":"library","name":"c%d"}' % i for i in range(n))
    return head + items + b"]}"


MAX_COMPONENTS = 250_000  # the import's component cap (medsec.ingest)


def _cdx_json_realistic_components(size: int) -> bytes:
    """Distinct components with version, purl and a hash, up to the component cap: the largest
    SBOM an import accepts (about 45 MB at the cap)."""
    head = b'{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":['
    item = (
        b'{"type":"library","bom-ref":"c%d","name":"component-%d","version":"1.%d.0",'
        b'"purl":"pkg:pypi/component-%d@1.%d.0",'
        b'"hashes":[{"alg":"SHA-256","content":"%064x"}]}'
    )
    n = min(MAX_COMPONENTS, max(1, (size - 80) // 190))
    return head + b",".join(item % (i, i, i, i, i, i) for i in range(n)) + b"]}"


def _cdx_json_nested_lists(size: int) -> bytes:
    n = max(1, (size - 80) // 3)
    head = b'{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"x":['
    return head + b",".join([b"[]"] * n) + b"]}"


def _cdx_xml_empty(size: int) -> bytes:
    item = b"<component/>"
    n = max(1, (size - 200) // len(item))
    return (
        b'<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>'
        + item * n
        + b"</components></bom>"
    )


def _cdx_xml_minimal(size: int) -> bytes:
    item = b'<component type="library"><name>a</name></component>'
    n = max(1, (size - 200) // len(item))
    return (
        b'<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>'
        + item * n
        + b"</components></bom>"
    )


def _cdx_xml_utf7(size: int) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-7"?>'
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components/></bom>'
    )


def _cdx_xml_ebcdic(size: int) -> bytes:
    return (
        b'<?xml version="1.0" encoding="cp037"?>'
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components/></bom>'
    )


def _spdx_json_empty(size: int) -> bytes:
    n = max(1, (size - 200) // 3)
    head = (
        b'{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT",'
        b'"name":"x","documentNamespace":"https://x.example/x","creationInfo":'
        b'{"created":"2024-01-01T00:00:00Z","creators":["Tool: x"]},"packages":['
    )
    return head + b",".join([b"{}"] * n) + b"]}"


def _spdx_tv_lines(size: int) -> bytes:
    line = b"PackageName: a\n"
    n = max(1, (size - 40) // len(line))
    return b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n" + line * n


def _csaf_empty_vulns(size: int) -> bytes:
    doc = {
        "document": {
            "category": "csaf_base",
            "csaf_version": "2.0",
            "publisher": {"category": "other", "name": "x", "namespace": "https://x.example"},
            "title": "t",
            "tracking": {
                "current_release_date": "2024-01-01T00:00:00Z",
                "id": "X-1",
                "initial_release_date": "2024-01-01T00:00:00Z",
                "revision_history": [
                    {"date": "2024-01-01T00:00:00Z", "number": "1", "summary": "s"}
                ],
                "status": "final",
                "version": "1",
            },
        },
        "vulnerabilities": [],
    }
    head = json.dumps(doc).encode()[: -len(b"[]}")]
    n = max(1, (size - len(head)) // 3)
    return head + b"[" + b",".join([b"{}"] * n) + b"]}"


def _osv_empty_list(size: int) -> bytes:
    n = max(1, size // 3)
    return b"[" + b",".join([b"{}"] * n) + b"]"


def _epss_gzip(size: int) -> bytes:
    # ``size`` is the decompressed size: short garbage lines after a valid header
    body = b"#model_version:v1,score_date:2024-01-01T00:00:00+0000\ncve,epss,percentile\n"
    body += b"ab\n" * max(1, (size - len(body)) // 3)
    return gzip.compress(body, 9)


def _epss_gzip_rows(size: int) -> bytes:
    body = b"cve,epss,percentile\n"
    row = b"CVE-2024-0001,0.5,0.5\n"
    body += row * max(1, (size - len(body)) // len(row))
    return gzip.compress(body, 9)


def _osv_zip(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.json", _osv_empty_list(size))
    return out.getvalue()


@dataclass(frozen=True)
class Case:
    """One hostile input and the reader that gets it."""

    name: str
    make: Callable[[int], bytes]
    reader: str  # sbom | sbom-store | csaf-read | csaf-validate | feed | scan
    suffix: str = ".json"


CASES: dict[str, Case] = {
    c.name: c
    for c in (
        Case("cdx-json-empty-components", _cdx_json_empty, "sbom"),
        Case("cdx-json-minimal-components", _cdx_json_minimal, "sbom"),
        Case("cdx-json-distinct-components", _cdx_json_distinct_components, "sbom"),
        Case("cdx-json-nested-lists", _cdx_json_nested_lists, "sbom"),
        Case("cdx-json-import-and-store", _cdx_json_realistic_components, "sbom-store"),
        Case("cdx-xml-empty-components", _cdx_xml_empty, "sbom", ".xml"),
        Case("cdx-xml-minimal-components", _cdx_xml_minimal, "sbom", ".xml"),
        Case("cdx-xml-utf7", _cdx_xml_utf7, "sbom", ".xml"),
        Case("cdx-xml-ebcdic", _cdx_xml_ebcdic, "sbom", ".xml"),
        Case("spdx-json-empty-packages", _spdx_json_empty, "sbom"),
        Case("spdx-tv-many-lines", _spdx_tv_lines, "sbom", ".spdx"),
        Case("csaf-empty-vulnerabilities", _csaf_empty_vulns, "csaf-validate"),
        Case("csaf-empty-vulnerabilities-read", _csaf_empty_vulns, "csaf-read"),
        Case("osv-empty-records", _osv_empty_list, "feed"),
        Case("osv-zip-empty-records", _osv_zip, "feed", ".zip"),
        Case("epss-gzip-garbage-lines", _epss_gzip, "feed", ".csv.gz"),
        Case("epss-gzip-valid-rows", _epss_gzip_rows, "feed", ".csv.gz"),
    )
}

_RUNNER = r"""
import json, resource, sys, time
from pathlib import Path
reader, path = sys.argv[1], Path(sys.argv[2])
from medsec.errors import MedsecError
t0 = time.perf_counter()
outcome, detail = "accepted", ""
try:
    if reader == "sbom":
        from medsec.ingest.sbom import parse_sbom
        parse_sbom(path.read_bytes(), source=str(path))
    elif reader == "sbom-store":  # end to end: the import service into a fresh SQLite database
        from medsec.db import migrate
        from medsec.db.engine import make_engine, make_session_factory
        from medsec.db.uow import unit_of_work
        from medsec.sbom import service as sboms
        db = path.with_suffix(".db")
        db.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{db}")
        migrate.upgrade(engine)
        with unit_of_work(make_session_factory(engine)) as session:
            done = sboms.import_sbom(session, data=path.read_bytes(), source_name=path.name,
                                     product="Bench", version="1", actor="bench")
            detail = f"{done.sbom.component_count:,} components stored"
        engine.dispose()
    elif reader == "csaf-read":
        from medsec.ingest.csaf import read_csaf
        read_csaf(path.read_bytes(), source=str(path))
    elif reader == "csaf-validate":
        from medsec.ingest.csaf import validate_csaf
        if not validate_csaf(path.read_bytes(), source=str(path)).valid:
            outcome = "refused"
    elif reader == "feed":
        from medsec.ingest.feeds import read_feed
        n = p = 0
        for batch in read_feed(path):
            n += len(batch.records) + len(batch.kev) + len(batch.epss)
            p += len(batch.problems)
        detail = f"{n} items, {p} problems"
except MedsecError as exc:
    outcome, detail = "refused", str(exc)[:160]
except Exception as exc:
    outcome, detail = "crashed", f"{type(exc).__name__}: {str(exc)[:160]}"
# VmHWM starts afresh at exec; ru_maxrss would carry the forking parent's peak over.
status = Path("/proc/self/status").read_text() if Path("/proc/self/status").exists() else ""
hwm = [ln.split()[1] for ln in status.splitlines() if ln.startswith("VmHWM:")]
peak = int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcome": outcome, "detail": detail, "seconds": time.perf_counter() - t0,
                  "peak_mb": peak}))
"""


@dataclass(frozen=True)
class Result:
    """What one run did: accepted, refused or crashed, with time and peak memory."""

    outcome: str
    detail: str
    seconds: float
    peak_mb: float
    input_bytes: int


def run_case(case: Case, size: int, workdir: Path) -> Result:
    """Write the case's input of ``size`` bytes and run its reader in a fresh interpreter."""
    data = case.make(size)
    path = workdir / f"{case.name}{case.suffix}"
    path.write_bytes(data)
    del data
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, case.reader, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        return Result("crashed", proc.stderr[-300:], 0.0, 0.0, path.stat().st_size)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return Result(
        out["outcome"], out["detail"], out["seconds"], out["peak_mb"], path.stat().st_size
    )

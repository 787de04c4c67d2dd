"""Generate a large CycloneDX 1.6 JSON SBOM for benchmarks (synthetic, deterministic).

Components cycle through npm, PyPI, Maven and generic firmware packages with purls, CPEs on
every tenth, SHA-256 hashes, licenses, suppliers and a dependency graph (each component depends
on the next two), so the importer does the work a real generator's output asks of it.
"""

from __future__ import annotations

import hashlib

import orjson

ECOS = [
    ("npm", lambda i: (None, f"pkg-{i}", f"pkg:npm/pkg-{i}@1.{i % 50}.{i % 7}")),
    ("pypi", lambda i: (None, f"py-lib-{i}", f"pkg:pypi/py-lib-{i}@2.{i % 30}")),
    ("maven", lambda i: ("org.example", f"art{i}", f"pkg:maven/org.example/art{i}@3.{i % 9}.0")),
    ("generic", lambda i: (None, f"fw-mod-{i}", f"pkg:generic/fw-mod-{i}@4.{i % 11}")),
]


def generate(n: int) -> bytes:
    """A CycloneDX 1.6 JSON document with n components."""
    comps = []
    for i in range(n):
        _eco, make = ECOS[i % len(ECOS)]
        group, name, purl = make(i)
        version = purl.rsplit("@", 1)[1]
        c = {
            "type": "library",
            "bom-ref": f"ref-{i}",
            "name": name,
            "version": version,
            "purl": purl,
            "supplier": {"name": f"Supplier {i % 97}"},
            "hashes": [{"alg": "SHA-256", "content": hashlib.sha256(purl.encode()).hexdigest()}],
            "licenses": [{"license": {"id": "MIT"}}],
        }
        if group:
            c["group"] = group
        if i % 10 == 0:
            c["cpe"] = f"cpe:2.3:a:vendor{i % 13}:{name}:{version}:*:*:*:*:*:*:*"
        comps.append(c)
    deps = [
        {"ref": f"ref-{i}", "dependsOn": [f"ref-{j}" for j in (i + 1, i + 2) if j < n]}
        for i in range(n)
    ]
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {
            "timestamp": "2026-01-01T00:00:00Z",
            "authors": [{"name": "bench"}],
            "component": {"type": "device", "bom-ref": "device", "name": "bench-device"},
        },
        "components": comps,
        "dependencies": deps,
    }
    return orjson.dumps(doc)

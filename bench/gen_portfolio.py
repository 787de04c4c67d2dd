"""Generate a large, realistic portfolio and advisory set for the matching benchmarks.

How (deterministic for a given seed):

* Real records: every OSV record of ``advisories/pypa`` (YAML), ``advisories/go-vulndb``
  (JSON) and ``advisories/ghsa-subset`` (JSON), as raw dicts (about 6,970 records).
* Advisories: clone ``k`` (k = 0, 1, 2, ...) of real record ``j`` is advisory number
  ``k * len(real) + j`` until ``--advisories`` are made. A clone keeps everything (summary,
  details, severities, references, ranges, events, listed versions, withdrawn) and renames:
  the id and every alias/related id get the suffix ``-r<k>`` (so clones never merge into one
  alias group), every ``affected[].package.name`` gets ``-r<k>`` (PyPI ``name-r3``, Go module
  ``github.com/x/y-r3``, Maven ``group:artifact-r3``, npm ``@scope/name-r3``) and any
  ``package.purl`` is dropped. So each clone is a real advisory about a new package.
* Components: a fraction ``hit_share`` (default 0.3) of components name an advisory package:
  a package (clone k, ecosystem, name) is drawn uniformly among the distinct packages of the
  generated advisories (PyPI, Go, npm, Maven), then one of that package's advisories, then a
  version uniformly from its *candidate versions*: up to 6 of its listed ``versions``, every
  ``introduced`` (not "0"), ``fixed`` and ``last_affected`` event value, and ``99999.0``
  (``99999.0.0`` for Go), above every range. So some draws are affected (listed, introduced,
  last_affected), some not (fixed, 99999), and a version may hit other advisories of the same
  package. Go versions get the ``v`` prefix purls use. The rest are packages with no advisory
  (``nadv-<i>`` in npm, PyPI, Go and Maven, versions ``1.<i%50>.<i%7>``).
* Releases: the component stream is cut into ``releases`` SBOMs of equal size (CycloneDX 1.6
  JSON, ``library`` components with bom-ref, name, version, purl). Duplicate purls within one
  SBOM are kept (bom-refs stay unique).
* The incremental probe: ``SENTINEL`` (``pkg:pypi/medsec-bench-sentinel``) is put into the
  first five releases at versions 1.0.0..1.0.4; ``new_advisory()`` affects it (introduced 0,
  fixed 1.0.3), so exactly three components (three releases) become affected by it.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import yaml
from packageurl import PackageURL

PURL_TYPE = {"PyPI": "pypi", "Go": "golang", "npm": "npm", "Maven": "maven"}
SENTINEL = "medsec-bench-sentinel"
SENTINEL_RELEASES = 5
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_real(advisories: Path) -> list[dict[str, Any]]:
    """The raw OSV dicts of pypa, go-vulndb and ghsa-subset, in a stable order."""
    out: list[dict[str, Any]] = []
    for sub in ("pypa", "go-vulndb", "ghsa-subset"):
        for p in sorted((advisories / sub).rglob("*")):
            if p.suffix == ".json":
                obj = orjson.loads(p.read_bytes())
            elif p.suffix in (".yaml", ".yml"):
                obj = yaml.load(p.read_bytes(), Loader=_Loader)
            else:
                continue
            if isinstance(obj, dict) and "id" in obj and "affected" in obj:
                out.append(obj)
    return out


def rename(name: str, k: int) -> str:
    """The package name of clone k (suffix on the last path/coordinate segment)."""
    return f"{name}-r{k}"


def clone(obj: dict[str, Any], k: int) -> dict[str, Any]:
    """Clone k of a raw OSV record: ids and package names renamed, ranges kept."""
    new = dict(obj)
    new["id"] = f"{obj['id']}-r{k}"
    for key in ("aliases", "related"):
        if obj.get(key):
            new[key] = [f"{a}-r{k}" for a in obj[key]]
    affected = []
    for aff in obj.get("affected") or []:
        a = dict(aff)
        pkg = dict(aff.get("package") or {})
        if pkg.get("name"):
            pkg["name"] = rename(pkg["name"], k)
        pkg.pop("purl", None)
        a["package"] = pkg
        affected.append(a)
    new["affected"] = affected
    return new


def advisories(real: list[dict[str, Any]], n: int) -> Iterator[dict[str, Any]]:
    """The first n clones, in clone order."""
    for i in range(n):
        k, j = divmod(i, len(real))
        yield clone(real[j], k)


def write_zip(real: list[dict[str, Any]], n: int, path: Path) -> int:
    """Write n cloned advisories as an OSV all.zip-style dump; returns its size in bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for obj in advisories(real, n):
            zf.writestr(f"{obj['id']}.json", orjson.dumps(obj, default=str))
    return path.stat().st_size


def _candidates(aff: dict[str, Any]) -> list[str]:
    vals: list[str] = list((aff.get("versions") or [])[:6])
    for rng in aff.get("ranges") or []:
        if rng.get("type") == "GIT":
            continue
        for ev in rng.get("events") or []:
            for kind in ("introduced", "fixed", "last_affected"):
                v = ev.get(kind)
                if isinstance(v, str) and v != "0":
                    vals.append(v)
    vals.append("99999.0" if aff["package"]["ecosystem"] != "Go" else "99999.0.0")
    return vals


def _purl(eco: str, name: str, version: str) -> str:
    ptype = PURL_TYPE[eco]
    if ptype == "golang":
        ns, _, base = name.rpartition("/")
        version = version if version.startswith("v") else f"v{version}"
        return PackageURL(ptype, ns or None, base, version).to_string()
    if ptype == "maven":
        group, _, art = name.partition(":")
        return PackageURL(ptype, group, art, version).to_string()
    if ptype == "npm" and name.startswith("@"):
        ns, _, base = name.partition("/")
        return PackageURL(ptype, ns, base, version).to_string()
    return PackageURL(ptype, None, name, version).to_string()


def _no_advisory(i: int) -> str:
    v = f"1.{i % 50}.{i % 7}"
    kind = i % 4
    if kind == 0:
        return f"pkg:npm/nadv-{i}@{v}"
    if kind == 1:
        return f"pkg:pypi/nadv-{i}@{v}"
    if kind == 2:
        return f"pkg:golang/example.com/m/nadv-{i}@v{v}"
    return f"pkg:maven/org.example/nadv-{i}@{v}"


def components(
    real: list[dict[str, Any]],
    n_adv: int,
    n: int,
    *,
    hit_share: float = 0.3,
    seed: int = 7,
    renamed: bool = True,
) -> list[str]:
    """n component purls (see the module docstring for the distribution)."""
    rng = random.Random(seed)
    packages: dict[tuple[int, str, str], list[list[str]]] = {}
    for adv in range(n_adv):
        k, j = divmod(adv, len(real))
        for aff in real[j].get("affected") or []:
            pkg = aff.get("package") or {}
            if pkg.get("ecosystem") in PURL_TYPE and pkg.get("name"):
                key = (k, pkg["ecosystem"], pkg["name"])
                packages.setdefault(key, []).append(_candidates(aff))
    keys = sorted(packages)
    out: list[str] = []
    for i in range(n):
        if rng.random() >= hit_share:
            out.append(_no_advisory(i))
            continue
        k, eco, name = keys[rng.randrange(len(keys))]
        versions = rng.choice(packages[(k, eco, name)])
        out.append(_purl(eco, rename(name, k) if renamed else name, rng.choice(versions)))
    return out


def sbom(purls: list[str], release: int) -> bytes:
    """A CycloneDX 1.6 JSON SBOM of the given purls (plus the sentinel in early releases)."""
    comps = []
    items = list(purls)
    if release < SENTINEL_RELEASES:
        items.append(f"pkg:pypi/{SENTINEL}@1.0.{release}")
    for i, purl in enumerate(items):
        base, _, version = purl.partition("@")
        comps.append(
            {
                "type": "library",
                "bom-ref": f"c{i}",
                "name": base.rsplit("/", 1)[-1],
                "version": version.replace("%2B", "+"),
                "purl": purl,
            }
        )
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "device", "bom-ref": "dev", "name": f"dev-{release}"}},
        "components": comps,
    }
    return orjson.dumps(doc)


def new_advisory() -> dict[str, Any]:
    """One new OSV advisory affecting the sentinel below 1.0.3 (three portfolio components)."""
    return {
        "id": "BENCH-NEW-0001",
        "modified": "2026-11-29T00:00:00Z",
        "published": "2026-11-29T00:00:00Z",
        "summary": "benchmark probe",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": SENTINEL},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0.3"}]}
                ],
            }
        ],
    }

"""The import graph of src/medsec keeps the floors of ARCHITECTURE.md: the documented upward
imports and no others, no import cycles, and the wildcard contracts catch a new file."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "medsec"

# Domains, top to bottom (ARCHITECTURE.md); entry points are above all of them.
DOMAINS = (
    "documents",
    "tplc",
    "jobs",
    "sharing",
    "incidents",
    "assets",
    "mds2",
    "trace",
    "controls",
    "threats",
    "evidence",
    "sysmodel",
    "advisories",
    "portfolio",
    "assessment",
    "cvd",
    "imported_csaf",
    "updates",
    "findings",
    "risk",
    "lifecycle",
    "sbom",
    "vulns",
    "notifications",
    "admin",
    "products",
    "jurisdictions",
    "accounts",
    "audit",
)
# the same floor
SIBLINGS = {
    "vulns": "sbom",
    "notifications": "sbom",
    "admin": "sbom",
    "evidence": "threats",
    "assessment": "portfolio",
}
ENTRY = {
    "cli",
    "api",
    "web",
    "http",
    "served",
    "staff_api",
    "staff_web",
    "cli_output",
    "assess_cli",
    "cvss_cli",
    "tasks",  # background work started by a job: an entry point like cli/api/web
}
FLOORS = {
    "__main__": 110,
    "app": 100,
    "demo": 95,
    "backup": 94,  # backup and restore of the whole database: a command, not a domain
    "cli": 80,
    "api": 80,
    "web": 81,  # the web kit uses the API kit's request session
    "db": 36,
    "models": 35,
    "export": 30,
    "matching": 25,
    "ingest": 20,
    "core": 10,
    "config": 5,
    "errors": 5,
}
STORAGE = ("medsec.models", "medsec.db", "sqlalchemy")

ALLOWED_UPWARD = {
    ("medsec.risk.service", "medsec.findings.decisions"),
    ("medsec.risk.service", "medsec.findings.signals"),
    ("medsec.documents.render", "medsec.web.svg"),
}


def floor(graph: grimp.ImportGraph, module: str) -> tuple[int, ...]:
    """Where a module sits: higher may import lower (ARCHITECTURE.md, "Floors")."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    if top in DOMAINS:
        if len(parts) > 2 and parts[-1] in ENTRY:
            return (90,)
        rank = len(DOMAINS) - DOMAINS.index(SIBLINGS.get(top, top))
        if parts[-1] == "repository":
            kind = 2
        elif any(
            m.startswith(STORAGE) or m.endswith((".service", ".repository"))
            for m in graph.find_modules_directly_imported_by(module)
        ):
            kind = 3  # a service or read model
        else:
            kind = 1  # pure
        return (50, rank, kind)
    return (FLOORS.get(top, 60),)


def upward_imports(graph: grimp.ImportGraph) -> set[tuple[str, str]]:
    """Every direct import from a lower floor to a higher one."""
    out = set()
    for imp in graph.find_matching_direct_imports(import_expression="medsec.** -> medsec.**"):
        a, b = imp["importer"], imp["imported"]
        if floor(graph, a) < floor(graph, b):
            out.add((a, b))
    return out


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("medsec")


def test_upward_imports_are_only_the_documented_ones(graph: grimp.ImportGraph) -> None:
    up = upward_imports(graph)
    assert up == ALLOWED_UPWARD
    assert len(up) <= 5
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for importer, imported in up:
        assert f"`{importer} -> {imported}`" in text, "each upward import is written down"


def test_the_floor_measure_sees_an_upward_import() -> None:
    graph = grimp.build_graph("medsec")
    graph.add_import(importer="medsec.core.cvss", imported="medsec.findings.service")
    assert ("medsec.core.cvss", "medsec.findings.service") in upward_imports(graph)


def foreign_repository_imports(graph: grimp.ImportGraph) -> set[tuple[str, str]]:
    """Imports of a domain's ``repository`` from outside that domain's package."""
    out = set()
    for imp in graph.find_matching_direct_imports(
        import_expression="medsec.** -> medsec.*.repository"
    ):
        a, b = imp["importer"], imp["imported"]
        owner = b.rsplit(".", 1)[0]
        if not (a == owner or a.startswith(owner + ".")):
            out.add((a, b))
    return out


def test_no_domain_reads_another_domains_repository(graph: grimp.ImportGraph) -> None:
    """A domain reads another through its service or read model (e.g. ``vulns.queries``)."""
    assert foreign_repository_imports(graph) == set()


def test_the_repository_rule_sees_a_foreign_read() -> None:
    graph = grimp.build_graph("medsec")
    graph.add_import(importer="medsec.findings.listing", imported="medsec.vulns.repository")
    graph.add_import(importer="medsec.vulns.queries", imported="medsec.vulns.repository")
    assert foreign_repository_imports(graph) == {
        ("medsec.findings.listing", "medsec.vulns.repository")
    }


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    assert import_cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = grimp.build_graph("medsec")
    graph.add_import(importer="medsec.errors", imported="medsec.findings.service")
    cycles = import_cycles(graph)
    assert any("medsec.errors" in c and "medsec.findings.service" in c for c in cycles)


@pytest.mark.slow
def test_contracts_catch_a_new_module_that_breaks_a_layer(tmp_path: Path) -> None:
    """A throwaway module nobody listed anywhere is caught by the wildcard contracts."""
    shutil.copytree(SRC, tmp_path / "src" / "medsec", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(lint), "--no-cache"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    clean = run()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (tmp_path / "src" / "medsec" / "core" / "throwaway.py").write_text(
        '"""Breaks the pure floor on purpose."""\n\nfrom medsec.findings import service\n',
        encoding="utf-8",
    )
    (tmp_path / "src" / "medsec" / "updates" / "rules_of_thumb.py").write_text(
        '"""Breaks the framework rule on purpose."""\n\nimport typer\n', encoding="utf-8"
    )
    broken = run()
    out = broken.stdout + broken.stderr
    assert broken.returncode != 0
    assert "medsec.core.throwaway -> medsec.findings.service" in out
    assert "medsec.updates.rules_of_thumb" in out
    assert "medsec.core is not allowed to import medsec.findings" in out


# Public functions whose return annotation still spells out dict[str, Any] (nothing else here).
ALLOWED_DICT_RETURNS = {
    # the pieces of `medsec scan`'s JSON document (scan --format json, SARIF), built without a
    # database; the stored findings' read models are built from them (listing.describe)
    "medsec.vulns.display.vulnerability_view",
    "medsec.findings.display.component_view",
}
UNTYPED_PACKAGES = {"ingest", "export", "demo", "db"}  # documents in, documents out, tooling


def dict_any_returns(root: Path = SRC) -> set[str]:
    """Module-level public functions (outside UNTYPED_PACKAGES) annotated to return a
    ``dict[str, Any]``; a documented alias (a name, e.g. ``CsafDocument``) is not one."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if len(parts) > 1 and parts[1] in UNTYPED_PACKAGES:
            continue
        module = ".".join(p for p in parts if p != "__init__")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and not node.name.startswith("_")
                and node.returns is not None
                and "dict[str,Any]" in ast.unparse(node.returns).replace(" ", "")
            ):
                found.add(f"{module}.{node.name}")
    return found


def test_no_public_function_returns_dict_str_any() -> None:
    """Read models, frozen dataclasses or documented document aliases, never a bare dict."""
    assert dict_any_returns() == ALLOWED_DICT_RETURNS


def test_the_return_rule_sees_a_dict(tmp_path: Path) -> None:
    pkg = tmp_path / "medsec" / "things"
    pkg.mkdir(parents=True)
    (pkg / "service.py").write_text(
        "from typing import Any\n\n"
        "Doc = dict[str, Any]\n\n"
        "def shown() -> 'dict[str, Any] | None': ...\n"
        "def rows() -> list[dict[str, Any]]: ...\n"
        "def doc() -> Doc: ...\n"
        "def _private() -> dict[str, Any]: ...\n",
        encoding="utf-8",
    )
    (tmp_path / "medsec" / "ingest").mkdir()
    (tmp_path / "medsec" / "ingest" / "read.py").write_text(
        "def read() -> dict[str, Any]: ...\n", encoding="utf-8"
    )
    assert dict_any_returns(tmp_path / "medsec") == {
        "medsec.things.service.shown",
        "medsec.things.service.rows",
    }


# Modules of a domain that still build SQL outside repository.py, each with its reason.
ALLOWED_QUERIES_OUTSIDE_REPOSITORY = {
    # a merge of vulnerability groups re-points rows of domains above vulns (VEX decisions,
    # findings, risk records...) inside the feed import's transaction; vulns cannot call them
    "medsec.vulns.aliases": "re-points finding, vex_decision and risk_record rows on a merge",
}
NOT_DOMAINS = {"app", "demo", "backup", "cli", "api", "web", "db", "models", "export"}
NOT_DOMAINS |= {"matching", "ingest", "core", "config", "errors", "data", "locale"}
STATEMENTS = {"select", "update", "delete", "insert"}


def modules_building_statements(root: Path = SRC) -> set[str]:
    """Domain modules other than ``repository``/``queries`` that call SQLAlchemy's ``select``,
    ``update``, ``delete`` or ``insert`` (imported from ``sqlalchemy`` or called on it)."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if len(parts) < 3 or parts[1] in NOT_DOMAINS or parts[-1] in {"repository", "queries"}:
            continue
        if "migrations" in parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        modules: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                names |= {a.asname or a.name for a in node.names if a.name in STATEMENTS}
            elif isinstance(node, ast.Import):
                modules |= {a.asname or a.name for a in node.names if a.name == "sqlalchemy"}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if (isinstance(f, ast.Name) and f.id in names) or (
                isinstance(f, ast.Attribute)
                and f.attr in STATEMENTS
                and isinstance(f.value, ast.Name)
                and f.value.id in modules
            ):
                found.add(".".join(parts))
                break
    return found


def test_queries_live_in_repositories() -> None:
    """Every statement of a domain is built in its repository.py (or its queries.py read model),
    except the modules listed with their reason."""
    assert modules_building_statements() == set(ALLOWED_QUERIES_OUTSIDE_REPOSITORY)


def test_the_query_rule_sees_a_statement(tmp_path: Path) -> None:
    pkg = tmp_path / "medsec" / "things"
    pkg.mkdir(parents=True)
    (pkg / "service.py").write_text(
        "from sqlalchemy import select\n\ndef f(s):\n    return s.execute(select(1))\n",
        encoding="utf-8",
    )
    (pkg / "rules.py").write_text(
        "import sqlalchemy as sa\n\ndef g():\n    return sa.delete(None)\n", encoding="utf-8"
    )
    (pkg / "repository.py").write_text(
        "from sqlalchemy import select\n\ndef h():\n    return select(1)\n", encoding="utf-8"
    )
    (pkg / "schemas.py").write_text("update = dict.update\nupdate({}, a=1)\n", encoding="utf-8")
    assert modules_building_statements(tmp_path / "medsec") == {
        "medsec.things.service",
        "medsec.things.rules",
    }

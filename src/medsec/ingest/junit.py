"""JUnit XML reader (Ant/Surefire, Jenkins, pytest, jest, mocha, PHPUnit, nested suites):
every ``<testcase>`` anywhere in the document, failed/errored/skipped when it has a
``<failure>``/``<error>``/``<skipped>`` child (flaky/rerun elements are not failures).
Declared totals are kept for comparison but never trusted. Parsed with defusedxml: no DTDs,
entities or external references."""

from __future__ import annotations

import io
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.ingest._common import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, check_size
from medsec.ingest.evidence_model import EvidenceDocument, EvidenceResult

ROOTS = ("testsuites", "testsuite")


def _parse(data: bytes, *, source: str, max_depth: int) -> Element:
    depth = 0
    root: Element | None = None
    try:
        for event, elem in iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                depth += 1
                root = elem if root is None else root
                if depth > max_depth:
                    raise DocumentTooLarge(
                        f"XML nesting deeper than {max_depth} levels", source=source
                    )
            else:
                depth -= 1
    except DefusedXmlException as exc:
        raise DocumentError(
            f"refused XML: {type(exc).__name__} (no DTDs, entities or external references)",
            source=source,
            location="DOCTYPE",
        ) from None
    except ParseError as exc:
        line, col = exc.position
        raise DocumentError(
            f"malformed XML: {exc.msg if hasattr(exc, 'msg') else exc}",
            source=source,
            location=f"line {line} column {col + 1}",
        ) from None
    if root is None:
        raise DocumentError("no XML element", source=source, location="line 1")
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and number >= 0 and number == number else None


def _declared(root: Element) -> dict[str, int]:
    keys = ("tests", "failures", "errors", "skipped")
    if _local(root.tag) == "testsuites" and any(root.get(k) is not None for k in keys):
        return {k: v for k in keys if (v := _int(root.get(k))) is not None}
    suites = (
        [root]
        if _local(root.tag) == "testsuite"
        else [s for s in root if _local(s.tag) == "testsuite"]
    )
    out: dict[str, int] = {}
    for suite in suites:
        for k in keys:
            v = _int(suite.get(k))
            if v is not None:
                out[k] = out.get(k, 0) + v
    return out


def read_junit(
    data: bytes,
    *,
    source: str = "<junit>",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> EvidenceDocument:
    """Parse a JUnit XML report into one evidence result per test case."""
    check_size(data, source=source, max_bytes=max_bytes)
    root = _parse(data, source=source, max_depth=max_depth)
    if _local(root.tag) not in ROOTS:
        raise DocumentError(
            f"not a JUnit report: the root element is <{_local(root.tag)}>, "
            "expected <testsuites> or <testsuite>",
            source=source,
            location=f"/{_local(root.tag)}",
        )
    results: list[EvidenceResult] = []
    warnings: list[str] = []
    suites = 0
    bad_durations = 0

    def walk(el: Element, suite: str | None, path: str) -> None:
        nonlocal suites, bad_durations
        counters: dict[str, int] = {}
        for child in el:
            tag = _local(child.tag)
            counters[tag] = counters.get(tag, 0) + 1
            where = f"{path}/{tag}[{counters[tag]}]"
            if tag == "testsuite":
                suites += 1
                walk(child, child.get("name") or suite, where)
            elif tag == "testcase":
                results.append(_case(child, suite, where))
                if child.get("time") not in (None, "") and _float(child.get("time")) is None:
                    bad_durations += 1
            elif tag not in ("properties", "system-out", "system-err"):
                walk(child, suite, where)

    if _local(root.tag) == "testsuite":
        suites = 1
        walk(root, root.get("name"), "/testsuite")
    else:
        walk(root, root.get("name"), "/testsuites")
    if bad_durations:
        warnings.append(f"{bad_durations} test case(s) with an unreadable duration (ignored)")
    declared = _declared(root)
    if declared.get("tests") is not None and declared["tests"] != len(results):
        warnings.append(
            f"the report declares {declared['tests']} tests but holds {len(results)} test cases "
            "(the test cases are counted)"
        )
    return EvidenceDocument(
        kind="junit",
        format=f"junit {_local(root.tag)}",
        tools=(),
        results=tuple(results),
        suites=suites,
        declared=declared,
        warnings=tuple(warnings),
    )


def _case(el: Element, suite: str | None, where: str) -> EvidenceResult:
    kids = {_local(c.tag): c for c in reversed(list(el))}
    classname = el.get("classname") or el.get("class") or suite or ""
    name = el.get("name") or "(unnamed)"
    outcome, detail = "pass", None
    marks = tuple(t for t in ("failure", "error", "skipped") if t in kids)
    for tag, kind in (("error", "error"), ("failure", "fail"), ("skipped", "skipped")):
        if tag in kids:
            outcome = kind
            node = kids[tag]
            detail = node.get("message") or (node.text or "").strip()[:2000] or None
            break
    return EvidenceResult(
        key=f"{classname}::{name}" if classname else name,
        outcome=outcome,
        name=name,
        message=detail,
        location=el.get("file") or where,
        suite=suite,
        tags=marks,
        duration=_float(el.get("time")),
    )


def junit_counts(doc: EvidenceDocument) -> dict[str, int]:
    """Test cases, failures, errors, skipped and passed (a case with a failure and an error
    counts in both; passed cases have none of the three)."""
    rs = doc.results
    return {
        "tests": len(rs),
        "failures": sum("failure" in r.tags for r in rs),
        "errors": sum("error" in r.tags for r in rs),
        "skipped": sum("skipped" in r.tags for r in rs),
        "passed": sum(not r.tags for r in rs),
    }

"""Pure rules of advisories: a readable field-level diff between two CSAF documents.

Lists of objects are matched by what identifies them (a vulnerability by its CVE or first id, a
product by its product id, a branch or note by its name/category and title), not by position,
so inserting one vulnerability shows one added vulnerability, not every later one changed.
Lists of plain values (the product ids under a status) are compared as sets. Paths are JSON
pointers with the identifying key in brackets, e.g. ``/vulnerabilities[CVE-2021-3711]/notes``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# parts that change with every revision by design: shown apart from what the advisory states
TRACKING = ("/document/tracking",)
SECTIONS = {
    "document": "Document: title, notes, publisher, distribution",
    "product_tree": "Products and releases",
    "vulnerabilities": "Vulnerabilities: statuses, remediations, scores, threats",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: where, what kind, the old and the new value (None when absent)."""

    path: str
    kind: str
    old: Any = None
    new: Any = None

    @property
    def section(self) -> str:
        """The top-level part of the document the change is in."""
        return self.path.split("/")[1].split("[")[0] if self.path.count("/") else ""

    @property
    def tracking(self) -> bool:
        """True for the revision bookkeeping that changes with every revision."""
        return self.path.startswith(TRACKING)


def _key_of(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    if "cve" in item:
        return str(item["cve"])
    if "product_id" in item and len(item) <= 3:
        return str(item["product_id"])
    if item.get("ids"):
        first = item["ids"][0]
        return str(first.get("text")) if isinstance(first, dict) else str(first)
    for pair in (("category", "name"), ("category", "title"), ("category", "text")):
        if all(k in item for k in pair):
            return f"{item[pair[0]]}:{item[pair[1]]}"
    for one in ("name", "number", "category", "summary", "label"):
        if one in item:
            return str(item[one])
    return None


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """The items by their key, or None when some item has no key or two share one."""
    out: dict[str, Any] = {}
    for item in items:
        key = _key_of(item)
        if key is None or key in out:
            return None
        out[key] = item
    return out


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def diff(old: Any, new: Any, path: str = "") -> list[Change]:
    """Every difference between two JSON values, in document order of ``new`` then removals."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[Change] = []
        for key in new:
            sub = f"{path}/{key}"
            out += (
                diff(old[key], new[key], sub)
                if key in old
                else [Change(sub, ADDED, None, new[key])]
            )
        out += [Change(f"{path}/{k}", REMOVED, old[k], None) for k in old if k not in new]
        return out
    if isinstance(old, list) and isinstance(new, list):
        return _diff_lists(old, new, path)
    if old == new:
        return []
    return [Change(path, CHANGED, old, new)]


def _diff_lists(old: list[Any], new: list[Any], path: str) -> list[Change]:
    if all(_scalar(x) for x in old + new):
        gone = [x for x in old if x not in new]
        came = [x for x in new if x not in old]
        out = [Change(f"{path}[+]", ADDED, None, x) for x in came]
        return out + [Change(f"{path}[-]", REMOVED, x, None) for x in gone]
    a, b = _keyed(old), _keyed(new)
    if a is not None and b is not None:
        out = []
        for key, item in b.items():
            sub = f"{path}[{key}]"
            out += diff(a[key], item, sub) if key in a else [Change(sub, ADDED, None, item)]
        return out + [Change(f"{path}[{k}]", REMOVED, a[k], None) for k in a if k not in b]
    out = []
    for i in range(max(len(old), len(new))):
        sub = f"{path}/{i}"
        if i >= len(old):
            out.append(Change(sub, ADDED, None, new[i]))
        elif i >= len(new):
            out.append(Change(sub, REMOVED, old[i], None))
        else:
            out += diff(old[i], new[i], sub)
    return out


def summarize(changes: list[Change], label: Callable[[str], str] | None = None) -> dict[str, int]:
    """How many changes per section (tracking bookkeeping left out)."""
    counts: dict[str, int] = {}
    for c in changes:
        if not c.tracking:
            name = label(c.section) if label else c.section
            counts[name] = counts.get(name, 0) + 1
    return counts

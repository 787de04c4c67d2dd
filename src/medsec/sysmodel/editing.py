"""Use cases of editing a system model part by part (the web forms): add, change or delete a
data flow, a trust boundary or an element's interface. Each edit is applied to the stored
model file and checked exactly as an imported file is (unknown types, duplicate ids, dangling
references, nesting cycles, bad ports: refused with the JSON pointer), then saved as a new
model version (audited). Flush, never commit."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.errors import InvalidInput, NotFound
from medsec.ingest.sysmodel import model_from_dict
from medsec.sysmodel.schemas import SystemModelRead
from medsec.sysmodel.service import get, release_of, save

PARTS = ("flows", "boundaries")
FLOW_FIELDS = ("id", "name", "from", "to", "protocol", "port", "direction", "classification")
BOUNDARY_FIELDS = ("id", "name", "parent", "description")
INTERFACE_FIELDS = ("name", "kind", "port", "protocol", "reason")
SOURCE = "the web form"


def _clean(values: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The submitted fields with blanks left out (absent optional keys), text stripped."""
    out: dict[str, Any] = {}
    for key in fields:
        value = values.get(key)
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
        if value is not None:
            out[key] = value
    return out


def _apply(
    session: Session,
    *,
    product: str,
    release: str,
    actor: str,
    note: str,
    change: Callable[[dict[str, Any]], None],
) -> SystemModelRead:
    prod, rel = release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="editing a system model", product=prod.name)
    current = get(session, product=product, release=release, actor=actor)
    doc = copy.deepcopy(current.document)
    change(doc)
    model = model_from_dict(doc, source=SOURCE)  # DocumentError with the JSON pointer
    return save(session, product=prod, release=rel, model=model, actor=actor, note=note)


def _index(items: list[dict[str, Any]], item_id: str, what: str) -> int:
    for i, item in enumerate(items):
        if str(item.get("id")) == item_id:
            return i
    raise NotFound(f"the model has no {what} {item_id!r}")


def change_part(
    session: Session,
    *,
    product: str,
    release: str,
    part: str,
    item_id: str | None,
    values: Mapping[str, Any] | None,
    actor: str,
) -> SystemModelRead:
    """Add (``item_id`` None), replace (``values``) or delete (``values`` None) a data flow or
    a trust boundary; a new model version (analyst role)."""
    if part not in PARTS:
        raise InvalidInput(f"unknown model part {part!r} (one of {', '.join(PARTS)})")
    what = "flow" if part == "flows" else "trust boundary"
    fields = FLOW_FIELDS if part == "flows" else BOUNDARY_FIELDS
    if item_id is None and values is None:
        raise InvalidInput(f"nothing to change: give the {what}'s fields")

    def change(doc: dict[str, Any]) -> None:
        items = doc.setdefault(part, [])
        if item_id is None:
            items.append(_clean(values or {}, fields))
            return
        i = _index(items, item_id, what)
        if values is None:
            del items[i]
        else:
            kept = {k: v for k, v in items[i].items() if k not in fields}
            items[i] = {**kept, **_clean(values, fields)}

    verb = "added" if item_id is None else ("deleted" if values is None else "edited")
    name = item_id or str((values or {}).get("id") or "")
    return _apply(
        session,
        product=product,
        release=release,
        actor=actor,
        note=f"{verb} {what} {name} in the web UI",
        change=change,
    )


def change_interface(
    session: Session,
    *,
    product: str,
    release: str,
    element_id: str,
    index: int | None,
    values: Mapping[str, Any] | None,
    actor: str,
) -> SystemModelRead:
    """Add (``index`` None), replace or delete (``values`` None) an interface of an element
    (port, wireless, USB, service port; enabled or disabled and why); a new model version."""

    def change(doc: dict[str, Any]) -> None:
        elements = doc.get("elements") or []
        e = elements[_index(elements, element_id, "element")]
        ifaces = e.setdefault("interfaces", [])
        if index is not None and not 0 <= index < len(ifaces):
            raise NotFound(f"element {element_id!r} has no interface {index}")
        if values is None:
            if index is None:
                raise InvalidInput("nothing to change: give the interface's fields")
            del ifaces[index]
            return
        item = _clean(values, INTERFACE_FIELDS)
        item["enabled"] = bool(values.get("enabled"))
        if index is None:
            ifaces.append(item)
        else:
            ifaces[index] = item

    verb = "added" if index is None else ("deleted" if values is None else "edited")
    return _apply(
        session,
        product=product,
        release=release,
        actor=actor,
        note=f"{verb} an interface of {element_id} in the web UI",
        change=change,
    )

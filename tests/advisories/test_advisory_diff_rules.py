"""The advisory diff: keyed lists (a vulnerability added shows as one), sets of product ids,
changed scalars with their old and new values, removals, tracking kept apart."""

from __future__ import annotations

from medsec.advisories.rules import ADDED, CHANGED, REMOVED, Change, diff, summarize


def _doc(vulns, title="Pump advisory", version="1"):
    return {
        "document": {"title": title, "tracking": {"version": version}},
        "vulnerabilities": vulns,
    }


V1 = {"cve": "CVE-2021-3711", "product_status": {"known_affected": ["p-2.0.0"]}}
V2 = {"cve": "CVE-2022-0778", "product_status": {"fixed": ["p-2.1.0"]}}


def test_identical_documents_have_no_difference():
    assert diff(_doc([V1, V2]), _doc([V1, V2])) == []


def test_an_inserted_vulnerability_is_one_addition_not_a_shift():
    changes = diff(_doc([V2]), _doc([V1, V2]))
    assert changes == [Change("/vulnerabilities[CVE-2021-3711]", ADDED, None, V1)]


def test_status_lists_compare_as_sets_with_keyed_paths():
    fixed = {"cve": "CVE-2021-3711", "product_status": {"fixed": ["p-2.0.0"]}}
    changes = diff(_doc([V1]), _doc([fixed]))
    paths = {(c.path, c.kind) for c in changes}
    assert paths == {
        ("/vulnerabilities[CVE-2021-3711]/product_status/fixed", ADDED),
        ("/vulnerabilities[CVE-2021-3711]/product_status/known_affected", REMOVED),
    }
    reordered = {"cve": "CVE-2021-3711", "product_status": {"known_affected": ["b", "a"]}}
    grown = {"cve": "CVE-2021-3711", "product_status": {"known_affected": ["a", "b", "c"]}}
    assert diff(_doc([reordered]), _doc([grown])) == [
        Change("/vulnerabilities[CVE-2021-3711]/product_status/known_affected[+]", ADDED, None, "c")
    ]


def test_changed_values_keep_old_and_new_and_tracking_is_apart():
    changes = diff(_doc([V1], title="Old", version="1"), _doc([V1], title="New", version="2"))
    assert Change("/document/title", CHANGED, "Old", "New") in changes
    tracking = [c for c in changes if c.tracking]
    assert [c.path for c in tracking] == ["/document/tracking/version"]
    assert summarize(changes) == {"document": 1}


def test_removed_vulnerability_and_unkeyed_lists_by_position():
    assert diff(_doc([V1, V2]), _doc([V1])) == [
        Change("/vulnerabilities[CVE-2022-0778]", REMOVED, V2, None)
    ]
    old = {"x": [{"a": 1}, {"a": 2}]}
    new = {"x": [{"a": 1}, {"a": 3}, {"a": 4}]}
    assert diff(old, new) == [
        Change("/x/1/a", CHANGED, 2, 3),
        Change("/x/2", ADDED, None, {"a": 4}),
    ]

"""The install-wide CVD deadline policy file: validation names the file and the key."""

from __future__ import annotations

from datetime import date

import pytest

from medsec.cvd.deadlines import DEFAULT_POLICY
from medsec.cvd.policy import load_policy, parse_policy, policy_from_env
from medsec.errors import InvalidInput


def test_file_overrides_only_the_keys_it_sets(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(
        '{"acknowledge_business_days": 3, "controlled_remediate_days": null,'
        ' "holidays": ["2026-12-25"], "unassessed_as_uncontrolled": false}'
    )
    got = load_policy(str(path))
    assert got.policy.acknowledge_business_days == 3
    assert got.policy.holidays == frozenset({date(2026, 12, 25)})
    assert got.policy.unassessed_as_uncontrolled is False
    assert got.policy.disclosure_days == DEFAULT_POLICY.disclosure_days
    assert got.source_of("acknowledge_business_days") == f"install policy file {path}"
    assert got.source_of("disclosure_days").startswith("default: agreed embargo")
    assert policy_from_env({"MEDSEC_CVD_POLICY": str(path)}) == got
    assert policy_from_env({}).policy == DEFAULT_POLICY


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"acknowledge_days": 3}', "acknowledge_days: unknown setting"),
        ('{"triage_business_days": "ten"}', "triage_business_days: must be a whole number"),
        ('{"disclosure_days": -1}', "disclosure_days: must be between"),
        ('{"disclosure_days": true}', "disclosure_days: must be a whole number"),
        ('{"holidays": "2026-12-25"}', "holidays: must be a list"),
        ('{"holidays": ["2026-13-01"]}', "holidays[0]: '2026-13-01' is not"),
        ('{"unassessed_as_uncontrolled": 1}', "unassessed_as_uncontrolled: must be true or false"),
        ("[1, 2]", "must be a JSON object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_policy_names_file_and_key(text, where):
    with pytest.raises(InvalidInput) as err:
        parse_policy(text, source="/etc/medsec/cvd.json")
    assert str(err.value).startswith("/etc/medsec/cvd.json: ")
    assert where in str(err.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InvalidInput, match=r"nope\.json: cannot read"):
        load_policy(str(tmp_path / "nope.json"))

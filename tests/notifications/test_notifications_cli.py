"""`medsec notify` on both databases: add, list, deliveries, remove; bad input exit 2."""

from __future__ import annotations

import orjson


def test_add_list_and_remove_preferences(cli):
    assert cli("account", "add", "tester", "--role", "analyst")[0] == 0
    code, out, _ = cli(
        "notify",
        "add",
        "--channel",
        "webhook",
        "--to",
        "https://ci.example/h",
        "-e",
        "kev.hit",
        "-e",
        "advisory.published",
        "--format",
        "json",
    )
    assert code == 0
    made = orjson.loads(out)
    assert made["events"] == ["advisory.published", "kev.hit"] and len(made["secret"]) >= 40
    code, out, _ = cli(
        "notify",
        "add",
        "--channel",
        "email",
        "--to",
        "t@maker.example",
        "-e",
        "finding.new",
        "--min-severity",
        "critical",
    )
    assert code == 0 and "finding.new to t@maker.example" in out and "secret" not in out
    code, out, _ = cli("notify", "list", "--format", "json")
    listed = orjson.loads(out)
    assert [(p["channel"], p["min_severity"]) for p in listed] == [
        ("webhook", "high"),
        ("email", "critical"),
    ]
    assert "secret" not in listed[0]
    code, out, _ = cli("notify", "deliveries", "--format", "json")
    assert code == 0 and orjson.loads(out) == []
    code, out, _ = cli("notify", "remove", str(made["id"]))
    assert code == 0 and "removed" in out
    assert len(orjson.loads(cli("notify", "list", "--format", "json")[1])) == 1
    assert cli("notify", "remove", str(made["id"]))[0] == 3


def test_bad_input_is_refused_with_exit_2_and_nothing_stored(cli):
    assert cli("account", "add", "tester", "--role", "analyst")[0] == 0
    code, _, err = cli("notify", "add", "--channel", "email", "--to", "nobody", "-e", "kev.hit")
    assert code == 2 and "'nobody' is not an e-mail address" in err
    code, _, err = cli("notify", "add", "--channel", "email", "--to", "a@b.example", "-e", "kev")
    assert code == 2 and "unknown event 'kev'" in err
    code, _, err = cli("notify", "add", "--channel", "pager", "--to", "x", "-e", "kev.hit")
    assert code == 2
    code, _, err = cli(
        "notify",
        "add",
        "--channel",
        "email",
        "--to",
        "a@b.example",
        "-e",
        "finding.new",
        "--min-severity",
        "severe",
    )
    assert code == 2 and "unknown severity" in err
    assert orjson.loads(cli("notify", "list", "--format", "json")[1]) == []

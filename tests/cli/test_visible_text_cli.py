"""CLI tables and plain output show bidi/terminal-control characters of stored names as
markers; the stored value and the JSON output stay exact."""

from __future__ import annotations

import json

NAME = "Pump\u202eevil\x1b[31mRED\x9b"


def test_product_tables_and_messages_mark_hidden_characters(cli):
    code, out, err = cli("product", "add", NAME, "--manufacturer", "Acme\u2066x\u2069")
    assert code == 0, err
    assert "\x1b" not in out and "\u202e" not in out and "<U+202E>" in out
    code, out, err = cli("product", "list")
    assert code == 0, err
    assert "Pump<U+202E>evil<U+001B>[31mRED<U+009B>" in out
    assert "Acme<U+2066>x<U+2069>" in out
    assert not any(c in out for c in "\x1b\u202e\u2066\u2069\x9b")
    code, out, err = cli("product", "list", "--format", "json")
    assert code == 0, err
    assert [p["name"] for p in json.loads(out)] == [NAME]  # stored exactly, JSON exact
    code, out, err = cli("product", "show", "No\x1b[2JSuch")
    assert code == 3 and "\x1b" not in out + err and "No\\x1b[2JSuch" in err  # as repr


def test_a_name_that_is_broken_rich_markup_is_printed_not_a_traceback(cli):
    code, out, err = cli("product", "add", "P[/x]", "--manufacturer", "M")
    assert code == 0, err
    assert "P[/x]" in out and "Traceback" not in out + err
    code, out, err = cli("release", "add", "--product", "P[/x]", "1.0")
    assert code == 0 and "P[/x]" in out, err


def test_rich_markup_in_stored_names_is_shown_as_text(cli):
    """A name is text: markup tags in it (conceal, link, blink) never style or hide the CLI's
    output, in messages and in tables."""
    name = "Pump [conceal]hidden[/conceal] [link=https://evil.example]x[/link] [blink]b[/blink]"
    code, out, err = cli("product", "add", name, "--manufacturer", "M")
    assert code == 0, err
    assert name in out
    code, out, err = cli("product", "list")
    assert code == 0, err
    assert "[conceal]hidden[/conceal]" in out and "[link=https://evil.example]" in out


def test_a_long_message_line_is_not_broken_when_output_is_piped(cli):
    """Piped output is read by scripts (grep, CI logs): a message line longer than any
    terminal stays one line, wherever its long part (a name, a path) falls."""
    name = "Infusion pump " + "x" * 180
    maker = "Manufacturer " + "m" * 180
    code, out, err = cli("product", "add", name, "--manufacturer", maker)
    assert code == 0, err
    code, out, err = cli("product", "show", name)
    assert code == 0, err
    (line,) = [ln for ln in out.splitlines() if name in ln]
    assert maker in line and len(line) > 370

"""Public report intake: hostile text, limits, attachments, PGP key block, CVSS vector."""

from __future__ import annotations

import base64
import hashlib

import pytest

from medsec.cvd.intake import (
    DEFAULT_LIMITS,
    IntakeLimits,
    ReportRejected,
    ReportTooLarge,
    render_safe,
    validate_report,
)
from medsec.cvd.pgp import crc24
from medsec.errors import InvalidInput

# A throw-away ed25519 public key made with GnuPG 2.2 for these tests (its CRC line is GnuPG's).
GPG_PUBLIC_KEY = """-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEawu+XxYJKwYBBAHaRw8BAQdAALI8QenvD8VsKSr92bFEf7ZvKf6hBYZdioNk
71jM/ce0IFRlc3QgRmluZGVyIDxmaW5kZXJAZXhhbXBsZS5vcmc+iJAEExYIADgW
IQSPOqbeNGwT7akU9dHqBgEa7sc/HQUCawu+XwIbAwULCQgHAgYVCgkICwIEFgID
AQIeAQIXgAAKCRDqBgEa7sc/HdZIAP9q6Or5+lXkNO24yuEQCip+ixQQe2LZ+wnK
ldp2QwHdxQD/eUC1D4Ah54+Sk3ZLC8hvfibGRAeMpdtF9B11upOXqAE=
=mo1f
-----END PGP PUBLIC KEY BLOCK-----
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BASE = {
    "product": "InfuCare pump",
    "version": "2.3.1",
    "description": "The pump web UI accepts unauthenticated dose changes over HTTP.",
}


def _report(**extra: object):  # type: ignore[no-untyped-def]
    return validate_report({**BASE, **extra})


def _reject(field: str, **extra: object) -> ReportRejected:
    with pytest.raises(ReportRejected) as err:
        _report(**extra)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")
    return err.value


def test_minimal_anonymous_report() -> None:
    report = _report()
    assert (report.product, report.version) == ("InfuCare pump", "2.3.1")
    assert report.anonymous and report.attachments == () and report.cvss is None
    assert _report(finder_email="", finder_name="  ").anonymous


@pytest.mark.parametrize("missing", ["product", "version", "description"])
def test_required_fields(missing: str) -> None:
    fields = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ReportRejected) as err:
        validate_report(fields)
    assert err.value.field == missing and "required" in str(err.value)
    with pytest.raises(ReportRejected):
        validate_report({**BASE, missing: " \n\t "})


def test_unknown_field_refused_but_honeypot_ignored() -> None:
    _reject("is_admin", is_admin="1")
    assert _report(website="").product == "InfuCare pump"


def test_html_and_script_kept_as_text_and_escaped_on_output() -> None:
    payload = "<script>alert(\"x\")</script><img src=x onerror=alert(1)> & 'q'"
    report = _report(description=payload, reproduction_steps="1. open <iframe>")
    assert report.description == payload  # stored verbatim, never interpreted
    safe = render_safe(report.description)
    assert "<" not in safe and ">" not in safe and '"' not in safe and "'" not in safe
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in safe
    assert "&amp;" in safe and "&#x27;q&#x27;" in safe
    assert render_safe("line1\nline2") == "line1\nline2"


def test_control_characters_and_bidi_stripped_newline_tab_kept() -> None:
    text = "a\x00b\x07c\x1b[31md\x7fe\u0085f\r\ng\rh\ti\u202ej\u2066k"
    report = _report(description="Overflow when sending: " + text)
    assert report.description.endswith("abc[31mdef\ng\nh\tijk")


def test_nfc_normalisation() -> None:
    decomposed = "Caf\u0065\u0301 monitor"
    assert _report(product=decomposed).product == "Caf\u00e9 monitor"


def test_bytes_decoded_and_malformed_utf8_refused_naming_field() -> None:
    assert _report(product="Gerät".encode()).product == "Gerät"
    err = _reject("description", description=b"valid start \xff\xfe broken")
    assert "UTF-8" in str(err)
    err = _reject("reproduction_steps", reproduction_steps="lone \udc80 surrogate")
    assert "UTF-8" in str(err)
    _reject("product", product=12345)


def test_single_line_fields() -> None:
    _reject("product", product="pump\nBcc: victim@example.org")
    _reject("finder_name", finder_name="Eve\tAttacker")


@pytest.mark.parametrize(
    ("field", "limit"),
    [("product", 200), ("description", 20_000), ("reproduction_steps", 20_000)],
)
def test_field_length_limits(field: str, limit: int) -> None:
    assert len(getattr(_report(**{field: "x" * limit}), field)) == limit
    with pytest.raises(ReportTooLarge) as err:
        _report(**{field: "x" * (limit + 1)})
    assert err.value.field == field and err.value.status == 413


def test_huge_field_refused_before_cleaning() -> None:
    with pytest.raises(ReportTooLarge):
        _report(description="\x00" * 10_000_000)  # would clean to nothing, still refused


def test_total_size_limit() -> None:
    limits = IntakeLimits(total_chars=1_000)
    with pytest.raises(ReportTooLarge) as err:
        validate_report({**BASE, "reproduction_steps": "y" * 950}, limits=limits)
    assert err.value.field == "report"


def test_email_optional_but_checked() -> None:
    assert _report(finder_email="Finder.X+cvd@Example.ORG").finder_email == (
        "Finder.X+cvd@example.org"
    )
    for bad in ("no-at-sign", "a@b", "a@@b.org", "x@exa..mple.org", "a b@c.org", "x@-a.org"):
        _reject("finder_email", finder_email=bad)
    _reject("finder_email", finder_email="a@b.org\nBcc: c@d.org")


def test_valid_pgp_public_key() -> None:
    assert _report(pgp_key=GPG_PUBLIC_KEY).pgp_key == GPG_PUBLIC_KEY.strip()
    crlf = GPG_PUBLIC_KEY.replace("\n", "\r\n")
    assert _report(pgp_key=crlf).pgp_key == GPG_PUBLIC_KEY.strip()
    with_header = GPG_PUBLIC_KEY.replace("-----\n\n", "-----\nComment: mine\n\n", 1)
    assert _report(pgp_key=with_header).pgp_key


def test_crc24_check_value() -> None:
    # CRC-24/OPENPGP catalogue check value for "123456789"
    assert crc24(b"123456789") == 0x21CF02


def _armor(body: bytes, kind: str = "PUBLIC KEY BLOCK") -> str:
    b64 = base64.b64encode(body).decode()
    return f"-----BEGIN PGP {kind}-----\n\n{b64}\n-----END PGP {kind}-----\n"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("not a key at all", "ASCII-armored"),
        ("Hi!\n" + GPG_PUBLIC_KEY, "ASCII-armored"),
        (GPG_PUBLIC_KEY + GPG_PUBLIC_KEY, "ASCII-armored"),
        (GPG_PUBLIC_KEY.replace("-----END PGP PUBLIC KEY BLOCK-----", ""), "must end"),
        (GPG_PUBLIC_KEY.replace("=mo1f", "=AAAA"), "checksum"),
        (GPG_PUBLIC_KEY.replace("mDMEawu", "mDMEaw!"), "base64"),
        (GPG_PUBLIC_KEY.replace("mDMEawu", "mDMEawv"), "checksum"),
        (_armor(b"\x94\x05\x04abcd"), "PRIVATE"),
        (_armor(b"\x94\x05", "PRIVATE KEY BLOCK"), "PRIVATE"),
        (_armor(b"\xc2\x05\x04abcd"), "public-key packet"),  # a signature packet
        (_armor(b"plain text"), "public-key packet"),
        (_armor(b"x", "MESSAGE"), "ASCII-armored"),
    ],
)
def test_invalid_pgp_blocks(key: str, message: str) -> None:
    err = _reject("pgp_key", pgp_key=key)
    assert message in str(err)


def test_pgp_size_limit() -> None:
    with pytest.raises(ReportTooLarge) as err:
        _report(pgp_key=GPG_PUBLIC_KEY + "A" * 70_000)
    assert err.value.field == "pgp_key"


def test_cvss_vector() -> None:
    report = _report(cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    assert report.cvss is not None and report.cvss.base_score == 9.8
    for bad in ("CVSS:3.1/AV:Q/AC:L", "9.8", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"):
        err = _reject("cvss_vector", cvss_vector=bad)
        assert isinstance(err, InvalidInput)


def _with(attachments: list[tuple[str, bytes, str]]):  # type: ignore[no-untyped-def]
    return validate_report(BASE, attachments)


def test_allowed_attachments() -> None:
    report = _with(
        [
            ("poc.txt", b"curl -X POST http://pump/dose", "text/plain; charset=utf-8"),
            ("screen.PNG", PNG, "image/png"),
            ("capture.pcap", b"\xd4\xc3\xb2\xa1" + b"\x00" * 20, "application/vnd.tcpdump.pcap"),
        ]
    )
    assert [a.content_type for a in report.attachments] == [
        "text/plain",
        "image/png",
        "application/vnd.tcpdump.pcap",
    ]
    assert report.attachments[1].sha256 == hashlib.sha256(PNG).hexdigest()
    assert report.attachments[1].size == len(PNG)


@pytest.mark.parametrize(
    ("attachment", "message"),
    [
        (("evil.exe", b"MZ\x90\x00", "application/x-msdownload"), "not accepted"),
        (("poc.zip", b"PK\x03\x04", "application/zip"), "not accepted"),
        (("poc.html", b"<script>", "text/html"), "not accepted"),
        (("shot.png", b"MZ\x90\x00 not a png", "image/png"), "content is not"),
        (("shot.exe", PNG, "image/png"), "extension"),
        (("notes.txt", b"\xff\xfe\x00bad", "text/plain"), "UTF-8"),
        (("../../etc/passwd", b"x", "text/plain"), "plain name"),
        (("dir\\poc.txt", b"x", "text/plain"), "plain name"),
        ((".htaccess.txt", b"x", "text/plain"), "plain name"),
        (("empty.txt", b"", "text/plain"), "empty"),
        (("", b"x", "text/plain"), "file name"),
        (("a\nb.txt", b"x", "text/plain"), "single line"),
        (("str.txt", "not bytes", "text/plain"), "bytes"),
    ],
)
def test_refused_attachments(attachment: tuple[str, bytes, str], message: str) -> None:
    with pytest.raises(ReportRejected) as err:
        _with([("ok.txt", b"fine", "text/plain"), attachment])
    assert err.value.field == "attachments[1]" and message in str(err.value)


def test_attachment_count_and_size_limits() -> None:
    six = [(f"f{i}.txt", b"x", "text/plain") for i in range(6)]
    with pytest.raises(ReportRejected, match="at most 5"):
        _with(six)
    assert len(_with(six[:5]).attachments) == 5
    limit = DEFAULT_LIMITS.attachment_bytes
    with pytest.raises(ReportTooLarge) as err:
        _with([("big.pdf", b"%PDF-" + b"0" * limit, "application/pdf")])
    assert err.value.field == "attachments[0]"
    assert _with([("max.pdf", b"%PDF-" + b"0" * (limit - 5), "application/pdf")]).attachments
    small = IntakeLimits(attachment_bytes=100, total_attachment_bytes=150)
    with pytest.raises(ReportTooLarge) as err:
        validate_report(BASE, [("a.txt", b"a" * 80, "text/plain")] * 2, limits=small)
    assert err.value.field == "attachments"

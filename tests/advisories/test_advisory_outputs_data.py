"""The customer notice (HTML escaped, PDF text) and the provider directory (layout, hashes,
provider-metadata schema, index/changes like CISA's, OpenPGP signatures verified by gpg)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import jsonschema_rs
import orjson
import pytest
from _seed import READY, Case, add_accounts, add_risk, add_update, seed

from medsec.advisories.signing import signer_from_env
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput
from medsec.export.provider_directory import build_directory

HOSTILE = '<script>alert("x")</script>'
CASES = [
    Case("1.0", "openssl@1.1.1k", "CVE-2021-3711", "affected", action=f"Isolate {HOSTILE}."),
    Case("1.0", "zlib@1.2.11", "CVE-2018-25032", "not_affected", "component_not_present"),
]
INDEX_LINE = re.compile(r"^(?:[\w./-]+/)?\d{4}/[a-z0-9+_-]+\.json$")
WHEN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")


@pytest.fixture
def published(session_factory, cli, monkeypatch, tmp_path: Path) -> dict[str, str]:
    """Two published advisories (WHITE and AMBER) of a product with a hostile name and note."""
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        found = seed(s, f"Pump {HOSTILE}", CASES, releases=("2.0",))
        f = found[("1.0", "openssl@1.1.1k", "CVE-2021-3711")]
        add_update(s, f"Pump {HOSTILE}", "Gateway firmware 2.0", "2.0", [f])
        add_risk(s, f, "critical", ["local pump alarm"])
    note = tmp_path / "note.txt"
    note.write_text(f"Keep infusing. {HOSTILE}", encoding="utf-8")
    ids = {}
    for tlp in ("WHITE", "AMBER"):
        monkeypatch.setenv("MEDSEC_ACTOR", "ana")
        code, _, err = cli(
            "advisory",
            "create",
            "--product",
            f"Pump {HOSTILE}",
            "--title",
            f"T {HOSTILE}",
            "--tlp",
            tlp,
            "--note-file",
            str(note),
            "--namespace",
            READY["namespace"],
            "--id",
            f"ACME-{tlp}-1",
        )
        assert code == 0, err
        monkeypatch.setenv("MEDSEC_ACTOR", "rev")
        code, _, err = cli("advisory", "publish", f"ACME-{tlp}-1", "--summary", "Initial.")
        assert code == 0, err
        ids[tlp] = f"ACME-{tlp}-1"
    return ids


def test_notice_html_escapes_and_pdf_has_product_and_update(published, cli, tmp_path) -> None:
    html_path, pdf_path = tmp_path / "n.html", tmp_path / "n.pdf"
    assert cli("advisory", "notice", published["WHITE"], "--out", str(html_path))[0] == 0
    html = html_path.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Keep infusing." in html and "Gateway firmware 2.0" in html
    assert "Service visit" in html and "critical" in html and "local pump alarm" in html
    code, _, err = cli(
        "advisory", "notice", published["WHITE"], "--format", "pdf", "--out", str(pdf_path)
    )
    assert code == 0, err
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:  # CI installs poppler-utils and fails on skips
        pytest.skip("pdftotext is missing: apt-get install -y poppler-utils")
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert "Pump" in flat and "Gateway firmware 2.0" in flat and "What to do now" in flat


def _gpg(home: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["gpg", "--homedir", str(home), "--batch", "--yes", "--pinentry-mode", "loopback", *args],
        input=data,
        capture_output=True,
        check=False,
    )


@pytest.fixture
def signing_key(tmp_path: Path) -> tuple[Path, str]:
    """A throwaway ed25519 key with a passphrase, exported armored; returns (file, passphrase)."""
    home = tmp_path / "keygen"
    home.mkdir(mode=0o700)
    done = _gpg(
        home,
        "--passphrase",
        "pw",
        "--quick-gen-key",
        "Test PSIRT <psirt@example.com>",
        "ed25519",
        "sign",
        "never",
    )
    assert done.returncode == 0, done.stderr
    secret = _gpg(home, "--passphrase", "pw", "--armor", "--export-secret-keys")
    path = tmp_path / "secret.asc"
    path.write_bytes(secret.stdout)
    return path, "pw"


def test_provider_directory_signed_and_verified(
    published, cli, monkeypatch, tmp_path, signing_key, shared_data
) -> None:
    key, passphrase = signing_key
    monkeypatch.setenv("MEDSEC_CSAF_SIGNING_KEY", str(key))
    monkeypatch.setenv("MEDSEC_CSAF_SIGNING_PASSPHRASE", passphrase)
    out = tmp_path / "site"
    code, _, err = cli(
        "advisory", "directory", "--out", str(out), "--base-url", "https://psirt.acme.example"
    )
    assert code == 0, err
    root = out / ".well-known" / "csaf"
    meta = json.loads((root / "provider-metadata.json").read_text())
    folder = shared_data / "csaf/oasis/csaf_2.0/json_schema"
    schema = json.loads((folder / "provider_json_schema.json").read_text())
    csaf_schema = json.loads((folder / "csaf_json_schema.json").read_text())
    first = folder.parent / "referenced_schema" / "first"
    registry = jsonschema_rs.Registry(
        [("https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", csaf_schema)]
        + [
            (f"https://www.first.org/cvss/{p.name}", json.loads(p.read_text()))
            for p in sorted(first.glob("cvss-v*.json"))
        ]
    )
    validator = jsonschema_rs.validator_for(schema, registry=registry, validate_formats=True)
    assert not list(validator.iter_errors(meta))
    assert list(validator.iter_errors({**meta, "role": "boss"}))  # the schema does bite
    assert meta["role"] == "csaf_provider"
    assert meta["distributions"] == [
        {"directory_url": "https://psirt.acme.example/.well-known/csaf/white/"}
    ]
    (fpr_entry,) = meta["public_openpgp_keys"]
    pub = root / "openpgp" / f"{fpr_entry['fingerprint']}.asc"
    assert fpr_entry["url"].endswith(f"/.well-known/csaf/openpgp/{fpr_entry['fingerprint']}.asc")
    index = (root / "white" / "index.txt").read_text().splitlines()
    (only,) = (root / "white").rglob("*.json")
    year = orjson.loads(only.read_bytes())["document"]["tracking"]["initial_release_date"][:4]
    assert index == [f"{year}/acme-white-1.json"]
    assert not (root / "amber").exists() and "amber" not in "".join(index)
    doc = root / "white" / index[0]
    data = doc.read_bytes()
    assert orjson.loads(data)["document"]["tracking"]["id"] == "ACME-WHITE-1"
    assert (
        doc.parent / (doc.name + ".sha256")
    ).read_text() == f"{hashlib.sha256(data).hexdigest()}  {doc.name}\n"
    assert (
        doc.parent / (doc.name + ".sha512")
    ).read_text() == f"{hashlib.sha512(data).hexdigest()}  {doc.name}\n"
    # an independent keyring that knows only the published public key verifies the signature
    verify_home = tmp_path / "verify"
    verify_home.mkdir(mode=0o700)
    assert _gpg(verify_home, "--import", str(pub)).returncode == 0
    sig = doc.parent / (doc.name + ".asc")
    ok = _gpg(verify_home, "--status-fd", "1", "--verify", str(sig), str(doc))
    assert ok.returncode == 0 and f"VALIDSIG {fpr_entry['fingerprint']}".encode() in ok.stdout
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(data.replace(b"ACME-WHITE-1", b"ACME-WHITE-2"))
    assert _gpg(verify_home, "--verify", str(sig), str(tampered)).returncode != 0
    # index.txt and changes.csv have the shape of CISA's real ones
    cisa = shared_data / "csaf/cisa/csaf_files/IT/white"
    for lines in (index, (cisa / "index.txt").read_text().splitlines()):
        assert lines and all(INDEX_LINE.match(x) for x in lines)
    for path in (root / "white" / "changes.csv", cisa / "changes.csv"):
        rows = list(csv.reader(path.read_text().splitlines()))
        assert rows and all(len(r) == 2 and WHEN.match(r[1]) for r in rows)
        assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    ours = list(csv.reader((root / "white" / "changes.csv").read_text().splitlines()))
    assert ours == [[index[0], orjson.loads(data)["document"]["tracking"]["current_release_date"]]]


def test_unsigned_directory_and_refusals(published, cli, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MEDSEC_CSAF_SIGNING_KEY", raising=False)
    out = tmp_path / "site"
    assert (
        cli("advisory", "directory", "--out", str(out), "--base-url", "https://x.example")[0] == 0
    )
    meta = json.loads((out / ".well-known/csaf/provider-metadata.json").read_text())
    assert meta["role"] == "csaf_publisher" and "public_openpgp_keys" not in meta
    assert not list((out / ".well-known/csaf/white").rglob("*.asc"))
    code, _, err = cli("advisory", "directory", "--out", str(out), "--base-url", "http://x.example")
    assert code == 2 and "https" in err
    monkeypatch.setenv("MEDSEC_CSAF_SIGNING_KEY", str(tmp_path / "missing.asc"))
    code, _, err = cli(
        "advisory", "directory", "--out", str(out), "--base-url", "https://x.example"
    )
    assert code == 2 and "missing.asc" in err
    doc = (out / ".well-known/csaf/white").rglob("*.json").__next__().read_bytes()
    amber = doc.replace(b'"WHITE"', b'"AMBER"')
    with pytest.raises(InvalidInput, match="AMBER"):
        build_directory([amber], base_url="https://x.example", publisher={}, last_updated=_now())
    draft = doc.replace(b'"status": "final"', b'"status": "draft"')
    with pytest.raises(InvalidInput, match="draft"):
        build_directory([draft], base_url="https://x.example", publisher={}, last_updated=_now())
    with pytest.raises(InvalidInput, match="two documents"):
        build_directory([doc, doc], base_url="https://x.example", publisher={}, last_updated=_now())


def _now() -> datetime:
    return datetime.now(UTC)


def test_no_published_advisory_is_refused(cli, tmp_path) -> None:
    out = tmp_path / "none"
    code, _, err = cli(
        "advisory", "directory", "--out", str(out), "--base-url", "https://x.example"
    )
    assert code == 2 and "no TLP:WHITE advisory" in err
    assert not out.exists()


def test_signer_without_passphrase_and_bad_key(tmp_path: Path) -> None:
    home = tmp_path / "keygen"
    home.mkdir(mode=0o700)
    made = _gpg(home, "--passphrase", "", "--quick-gen-key", "No PW <n@example.com>", "ed25519")
    assert made.returncode == 0, made.stderr
    key = tmp_path / "k.asc"
    key.write_bytes(_gpg(home, "--armor", "--export-secret-keys").stdout)
    data = b'{"document": 1}\n'
    with signer_from_env({"MEDSEC_CSAF_SIGNING_KEY": str(key)}) as pair:
        assert pair is not None
        sign, public = pair
        sig = sign(data)
    assert sig.startswith(b"-----BEGIN PGP SIGNATURE-----")
    assert public.armored.startswith(b"-----BEGIN PGP PUBLIC KEY BLOCK-----")
    verify = tmp_path / "verify"
    verify.mkdir(mode=0o700)
    (tmp_path / "pub.asc").write_bytes(public.armored)
    (tmp_path / "d.json").write_bytes(data)
    (tmp_path / "d.json.asc").write_bytes(sig)
    assert _gpg(verify, "--import", str(tmp_path / "pub.asc")).returncode == 0
    ok = _gpg(
        verify,
        "--status-fd",
        "1",
        "--verify",
        str(tmp_path / "d.json.asc"),
        str(tmp_path / "d.json"),
    )
    assert ok.returncode == 0 and f"VALIDSIG {public.fingerprint}".encode() in ok.stdout
    with signer_from_env({}) as none:
        assert none is None
    junk = tmp_path / "junk.asc"
    junk.write_text("not a key")
    with (
        pytest.raises(InvalidInput, match="gpg"),
        signer_from_env({"MEDSEC_CSAF_SIGNING_KEY": str(junk)}),
    ):
        pass

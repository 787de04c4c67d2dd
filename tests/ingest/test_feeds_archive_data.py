"""Directories and zip dumps: digests, batching and hostile archives."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from medsec.errors import DocumentError, DocumentTooLarge, UnsupportedFormat
from medsec.ingest.feeds import read_feed


def _osv(rid: str, **extra: object) -> bytes:
    doc = {
        "id": rid,
        "modified": "2024-05-01T10:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "demo"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}
                ],
            }
        ],
        **extra,
    }
    return json.dumps(doc).encode()


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _digest(blobs: list[bytes]) -> str:
    return hashlib.sha256(
        "\n".join(sorted(hashlib.sha256(b).hexdigest() for b in blobs)).encode()
    ).hexdigest()


def test_zip_and_directory_give_same_records_and_digest(tmp_path: Path) -> None:
    members = {f"osv/A-{i}.json": _osv(f"A-{i}") for i in range(5)}
    archive = _zip(tmp_path / "all.zip", {**members, "README.txt": b"not a feed"})
    folder = tmp_path / "dir"
    for name, data in members.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (zb,) = list(read_feed(archive))
    (db,) = list(read_feed(folder))
    assert (
        sorted(r.id for r in zb.records)
        == sorted(r.id for r in db.records)
        == [f"A-{i}" for i in range(5)]
    )
    assert zb.snapshot_digest == db.snapshot_digest == _digest(list(members.values()))
    assert zb.metadata["files"] == 5
    (folder / "osv/A-0.json").write_bytes(_osv("A-0", summary="changed"))
    (changed,) = list(read_feed(folder))
    assert changed.snapshot_digest != db.snapshot_digest


def test_single_file_digest_is_sha256_of_bytes(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_bytes(_osv("ONE-1"))
    (batch,) = list(read_feed(path))
    assert batch.snapshot_digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_truncated_member_is_a_problem_rest_imports(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "dump.zip",
        {"a.json": _osv("A-1"), "b.json": _osv("B-1")[:40], "c.json": _osv("C-1")},
    )
    (batch,) = list(read_feed(archive))
    assert [r.id for r in batch.records] == ["A-1", "C-1"]
    assert len(batch.problems) == 1 and batch.problems[0].source.endswith("!b.json")
    assert "JSON" in batch.problems[0].message


def test_bad_zip_raises_before_yielding(tmp_path: Path) -> None:
    path = tmp_path / "bad.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    with pytest.raises(DocumentError, match="zip"):
        read_feed(path)


@pytest.mark.parametrize(
    "name", ["../evil.json", "/etc/evil.json", "a/../../evil.json", "C:/evil.json"]
)
def test_traversal_names_refuse_the_archive(tmp_path: Path, name: str) -> None:
    archive = _zip(tmp_path / "evil.zip", {"good.json": _osv("G-1"), name: _osv("E-1")})
    with pytest.raises(DocumentError, match="unsafe member name"):
        read_feed(archive)


def test_duplicate_member_names_refuse_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "dup.zip"
    with zipfile.ZipFile(archive, "w") as zf, pytest.warns(UserWarning, match="Duplicate"):
        zf.writestr("a.json", _osv("A-1"))
        zf.writestr("a.json", _osv("A-2"))
    with pytest.raises(DocumentError, match="duplicate member"):
        read_feed(archive)


def test_member_beyond_the_limit(tmp_path: Path) -> None:
    big = _osv("BIG-1", details="x" * 200_000)
    archive = _zip(tmp_path / "big.zip", {"small.json": _osv("S-1"), "big.json": big})
    with pytest.raises(DocumentTooLarge, match=r"big\.json"):
        read_feed(archive, max_bytes=100_000)
    assert len(next(iter(read_feed(archive))).records) == 2  # fine under the default limit


def test_zip_bomb_ratio_refused(tmp_path: Path) -> None:
    bomb = (
        b'{"id": "B-1", "modified": "2024-01-01T00:00:00Z", "details": "' + b" " * 5_000_000 + b'"}'
    )
    archive = _zip(tmp_path / "bomb.zip", {"bomb.json": bomb})
    assert archive.stat().st_size < 50_000
    with pytest.raises(DocumentTooLarge, match="ratio"):
        read_feed(archive)


def test_unknown_files_in_directory_are_problems(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_bytes(_osv("G-1"))
    (tmp_path / "schema.json").write_text('{"$schema": "x"}')
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skip.json").write_bytes(_osv("H-1"))
    (batch,) = list(read_feed(tmp_path))
    assert [r.id for r in batch.records] == ["G-1"]
    assert sorted(Path(p.source).name for p in batch.problems) == ["broken.yaml", "schema.json"]


def test_directory_without_any_feed_document(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[1, 2]")
    with pytest.raises(UnsupportedFormat):
        list(read_feed(tmp_path))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DocumentError):
        read_feed(empty)


def test_osv_batches_across_files_stay_bounded(tmp_path: Path) -> None:
    records = [json.loads(_osv(f"L-{i}")) for i in range(6000)]
    (tmp_path / "list.json").write_bytes(json.dumps(records).encode())
    (tmp_path / "z.json").write_bytes(_osv("Z-1"))
    batches = list(read_feed(tmp_path))
    assert [len(b.records) for b in batches] == [5000, 1001]
    assert len({b.snapshot_digest for b in batches}) == 1


@pytest.mark.shared_data
def test_zip_of_go_vulndb_files(shared_data: Path, tmp_path: Path) -> None:
    files = sorted((shared_data / "advisories/go-vulndb/data/osv").glob("*.json"))[:400]
    blobs = {f"osv/{f.name}": f.read_bytes() for f in files}
    archive = _zip(tmp_path / "all.zip", blobs)
    batches = list(read_feed(archive))
    records = [r for b in batches for r in b.records]
    assert sorted(r.id for r in records) == sorted(f.stem for f in files)
    assert not [p for b in batches for p in b.problems]
    assert batches[0].snapshot_digest == _digest(list(blobs.values()))
    withdrawn = sum(1 for b in blobs.values() if b'"withdrawn"' in b)
    assert sum(1 for r in records if r.withdrawn) == withdrawn

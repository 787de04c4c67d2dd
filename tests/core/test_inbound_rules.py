"""The one way in: every inbound file is read within its limit and refused with its name."""

from __future__ import annotations

import asyncio
import io
import os
import re
from pathlib import Path

import pytest

from medsec.core import inbound
from medsec.errors import DocumentError, DocumentTooLarge, NotFound

SRC = Path(inbound.__file__).resolve().parents[1]


def test_a_file_within_the_limit_is_read_whole(tmp_path: Path) -> None:
    f = tmp_path / "sbom.json"
    f.write_bytes(b"x" * 100)
    assert inbound.read_file(f, limit=100) == b"x" * 100


def test_a_file_over_the_limit_is_refused_naming_file_option_and_setting(tmp_path: Path) -> None:
    f = tmp_path / "big.json"
    f.write_bytes(b"x" * 101)
    with pytest.raises(DocumentTooLarge) as caught:
        inbound.read_file(f, limit=100, option="--rubric")
    text = str(caught.value)
    assert f"{f}: --rubric" in text and "101 bytes" in text and "MEDSEC_MAX_DOCUMENT_BYTES" in text


def test_missing_directory_and_unreadable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match=r"nope\.json: --set: no such file"):
        inbound.read_file(tmp_path / "nope.json", limit=10, option="--set")
    with pytest.raises(DocumentError, match="is a directory"):
        inbound.read_file(tmp_path, limit=10)
    locked = tmp_path / "locked.json"
    locked.write_bytes(b"{}")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads anything: the refusal cannot be produced
            assert inbound.read_file(locked, limit=10) == b"{}"
        else:
            with pytest.raises(DocumentError, match="permission denied"):
                inbound.read_file(locked, limit=10)
    finally:
        locked.chmod(0o600)


def test_a_stream_is_cut_at_limit_plus_one() -> None:
    class Counting(io.BytesIO):
        def __init__(self, data: bytes) -> None:
            super().__init__(data)
            self.asked: list[int] = []

        def read(self, size: int | None = -1, /) -> bytes:
            self.asked.append(-1 if size is None else size)
            return super().read(size)

    stream = Counting(b"y" * 10_000)
    with pytest.raises(DocumentTooLarge, match="larger than the limit of 50 bytes"):
        inbound.read_stream(stream, limit=50, source="up.json")
    assert stream.asked == [51]
    assert inbound.read_stream(io.BytesIO(b"abc"), limit=3, source="s") == b"abc"


def test_an_upload_is_read_at_most_limit_plus_one_and_named_without_client_path() -> None:
    class Upload:
        filename = "C:\\Users\\alice\\secret\\bom.json"

        def __init__(self, data: bytes) -> None:
            self.data, self.asked = data, 0

        async def read(self, size: int = -1) -> bytes:
            self.asked = size
            return self.data[:size]

    big = Upload(b"z" * 1000)
    with pytest.raises(DocumentTooLarge) as caught:
        asyncio.run(inbound.read_upload(big, limit=10))
    assert big.asked == 11
    assert "bom.json" in str(caught.value) and "alice" not in str(caught.value)
    assert asyncio.run(inbound.read_upload(Upload(b"ok"), limit=10)) == b"ok"


def test_upload_names_keep_the_base_name_only() -> None:
    assert inbound.upload_name("../../etc/passwd") == "passwd"
    assert inbound.upload_name(None, "upload.json") == "upload.json"
    assert inbound.upload_name("dir/") == "upload"
    assert len(inbound.upload_name("a" * 500)) == 200


def test_entry_points_read_files_only_through_the_one_way_in() -> None:
    """No command, route or page reads an inbound file by itself (reading uploads and paths
    goes through core.inbound, so limits and errors stay the same everywhere)."""
    direct = re.compile(r"\.read_bytes\(\)|await \w+\.read\(|\.file\.read\(")
    offenders = []
    for path in sorted(SRC.glob("*/*.py")):
        if path.stem not in {"cli", "api", "web"} and not path.stem.endswith("_cli"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if direct.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    allowed = {  # each reads something that is not an inbound document, with why
        "imported_csaf/cli.py": "checksum sidecars next to a CSAF file (a few bytes each)",
        "assets/web.py": "the import preview has its own 8 MiB limit and its own message",
    }
    assert [o for o in offenders if o.split(":")[0] not in allowed] == []

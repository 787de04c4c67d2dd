"""Feed snapshots made of many files: a directory tree or a zip dump (OSV ``all.zip`` style).

Both are opened in two passes: the first lists, checks and hashes every member (so any refusal
happens before a single record is handed out, and the snapshot digest is known up front); the
second hands out member bytes one at a time. The snapshot digest is the sha256 of the sorted
member sha256 digests, so the same files give the same digest as a directory or as a zip.

Zip guards: a corrupt archive, an unsafe member name (absolute, ``..``, drive letter, NUL), a
duplicate member name, a member over ``max_bytes``, a compression ratio over ``MAX_RATIO`` for
members over 1 MiB, a total over ``TOTAL_FACTOR * max_bytes`` or more than ``MAX_MEMBERS``
members all refuse the whole archive (DocumentError / DocumentTooLarge). The first pass keeps
up to CACHE_BYTES of member bytes so that small snapshots are read only once.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from medsec.errors import DocumentError, DocumentTooLarge

FEED_SUFFIXES = (".json", ".yaml", ".yml")
MAX_RATIO = 100
RATIO_MIN_SIZE = 1024 * 1024
TOTAL_FACTOR = 64
CACHE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 5_000_000


def combine_digests(digests: list[str]) -> str:
    """The snapshot digest: sha256 over the sorted member digests, one per line."""
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


class DirectorySnapshot:
    """The feed files (*.json, *.yaml, *.yml) under a directory, walked recursively."""

    def __init__(self, root: Path, *, max_bytes: int) -> None:
        """List and hash the files; refuse any file over ``max_bytes``."""
        self.root = root
        self.max_bytes = max_bytes
        self.paths = sorted(self._walk(), key=str)
        self._digests: dict[Path, str] = {}
        self._cache: dict[Path, bytes] = {}
        budget = CACHE_BYTES
        for path in self.paths:
            data = self._read(path)
            self._digests[path] = hashlib.sha256(data).hexdigest()
            if len(data) <= budget:  # spare the second read while memory allows
                self._cache[path] = data
                budget -= len(data)
        self.digest = combine_digests(list(self._digests.values()))

    def _walk(self) -> Iterator[Path]:
        real_root = self.root.resolve()
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for filename in filenames:
                path = Path(dirpath, filename)
                if not filename.lower().endswith(FEED_SUFFIXES) or filename.startswith("."):
                    continue
                if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                    continue  # never follow a link out of the snapshot
                if path.is_file():
                    yield path

    def _read(self, path: Path) -> bytes:
        size = path.stat().st_size
        if size > self.max_bytes:
            raise DocumentTooLarge(
                f"{size} bytes exceeds the limit of {self.max_bytes}", source=str(path)
            )
        return path.read_bytes()

    def members(self) -> Iterator[tuple[str, bytes]]:
        """(source name, bytes) of every file, in path order; a file changed since hashing fails."""
        for path in self.paths:
            data = self._cache.pop(path, None)
            if data is None:
                data = self._read(path)
                if hashlib.sha256(data).hexdigest() != self._digests[path]:
                    raise DocumentError(
                        "file changed while it was being imported", source=str(path)
                    )
            yield str(path), data


class ZipSnapshot:
    """The feed members (*.json, *.yaml, *.yml) of a zip archive, checked against zip bombs."""

    def __init__(self, path: Path, *, max_bytes: int) -> None:
        """Open, check every member's name and sizes, and hash the members."""
        self.path = path
        self.max_bytes = max_bytes
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise DocumentError(f"not a readable zip archive: {exc}", source=str(path)) from None
        self._cache: dict[str, bytes] = {}
        try:
            self.infos = self._check(self.zip.infolist())
            digests = []
            budget = CACHE_BYTES
            for info in self.infos:
                data = self._read(info)
                digests.append(hashlib.sha256(data).hexdigest())
                if len(data) <= budget:
                    self._cache[info.filename] = data
                    budget -= len(data)
            self.digest = combine_digests(digests)
        except BaseException:
            self.zip.close()
            raise

    def _check(self, infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
        source = str(self.path)
        if len(infos) > MAX_MEMBERS:
            raise DocumentTooLarge(f"{len(infos)} members exceeds {MAX_MEMBERS}", source=source)
        total = 0
        kept = []
        seen: set[str] = set()
        for info in infos:
            name = info.filename
            if not safe_member_name(name):
                raise DocumentError(f"unsafe member name {name!r}", source=source)
            if name in seen:
                raise DocumentError(f"duplicate member name {name!r}", source=source)
            seen.add(name)
            if info.is_dir() or not name.lower().endswith(FEED_SUFFIXES):
                continue
            where = f"{source}!{name}"
            if info.file_size > self.max_bytes:
                raise DocumentTooLarge(
                    f"member of {info.file_size} bytes exceeds the limit of {self.max_bytes}",
                    source=where,
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
                raise DocumentTooLarge(f"compression ratio {ratio:.0f}:1 (zip bomb?)", source=where)
            total += info.file_size
            kept.append(info)
        if total > TOTAL_FACTOR * self.max_bytes:
            raise DocumentTooLarge(
                f"{total} bytes uncompressed in total is too much", source=source
            )
        return sorted(kept, key=lambda i: i.filename)

    def _read(self, info: zipfile.ZipInfo) -> bytes:
        where = f"{self.path}!{info.filename}"
        try:
            with self.zip.open(info) as handle:
                data = handle.read(self.max_bytes + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
            raise DocumentError(f"unreadable zip member: {exc}", source=where) from None
        if len(data) > self.max_bytes:
            raise DocumentTooLarge(f"member exceeds the limit of {self.max_bytes}", source=where)
        return data

    def members(self) -> Iterator[tuple[str, bytes]]:
        """(source name, bytes) of every feed member, in name order."""
        for info in self.infos:
            data = self._cache.pop(info.filename, None)
            yield f"{self.path}!{info.filename}", self._read(info) if data is None else data

    def close(self) -> None:
        """Close the archive."""
        self.zip.close()


def safe_member_name(name: str) -> bool:
    """Whether a zip member name stays inside the archive root when extracted."""
    if not name or "\x00" in name or name.startswith(("/", "\\")):
        return False
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return ".." not in parts and not (parts and len(parts[0]) >= 2 and parts[0][1] == ":")

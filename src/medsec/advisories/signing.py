"""OpenPGP detached signatures for the provider directory, made by the ``gpg`` binary in a
temporary GNUPGHOME (the configured key never enters the user's keyring).

``MEDSEC_CSAF_SIGNING_KEY``: path to an armored secret key; ``MEDSEC_CSAF_SIGNING_PASSPHRASE``:
its passphrase, when it has one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from medsec.config import get_settings
from medsec.errors import InvalidInput
from medsec.export.provider_directory import PublicKey, Signer

KEY_ENV = "MEDSEC_CSAF_SIGNING_KEY"
PASSPHRASE_ENV = "MEDSEC_CSAF_SIGNING_PASSPHRASE"  # noqa: S105 - the variable's name


def _gpg() -> str:
    found = shutil.which("gpg")
    if found is None:
        raise InvalidInput(f"{KEY_ENV} is set but no `gpg` binary is installed")
    return found


def _run(home: str, *args: str, data: bytes | None = None) -> bytes:
    cmd = [_gpg(), "--homedir", home, "--batch", "--yes", "--no-tty", *args]
    done = subprocess.run(cmd, input=data, capture_output=True, check=False, timeout=60)
    if done.returncode != 0:
        msg = done.stderr.decode(errors="replace").strip().splitlines()
        raise InvalidInput(f"gpg {args[0]}: {msg[-1] if msg else 'failed'}")
    return done.stdout


@contextmanager
def signer_from_env(
    environ: Mapping[str, str] | None = None,
) -> Iterator[tuple[Signer, PublicKey] | None]:
    """A signer and its public key from the configured key (Settings, or the mapping given),
    or None when none is configured."""
    if environ is None:
        settings = get_settings()
        path, passphrase = settings.csaf_signing_key, settings.csaf_signing_passphrase
    else:
        path, passphrase = environ.get(KEY_ENV), environ.get(PASSPHRASE_ENV)
    if not path:
        yield None
        return
    with signer_from_key(Path(path), passphrase) as pair:
        yield pair


@contextmanager
def signer_from_key(path: Path, passphrase: str | None) -> Iterator[tuple[Signer, PublicKey]]:
    """Import an armored secret key into a temporary home; sign with it while open."""
    if not path.is_file():
        raise InvalidInput(f"{path}: signing key file not found ({KEY_ENV})")
    with tempfile.TemporaryDirectory(prefix="medsec-gpg-") as home:
        os.chmod(home, 0o700)
        _run(home, "--import", str(path))
        listing = _run(home, "--with-colons", "--list-secret-keys").decode()
        fprs = [ln.split(":")[9] for ln in listing.splitlines() if ln.startswith("fpr:")]
        if not fprs:
            raise InvalidInput(f"{path}: no secret key in the file")
        fpr = fprs[0].upper()
        armored = _run(home, "--armor", "--export", fpr)

        def sign(data: bytes) -> bytes:
            args = ["--pinentry-mode", "loopback", "--local-user", fpr]
            if passphrase is not None:
                args += ["--passphrase-fd", "0"]
                with tempfile.NamedTemporaryFile(dir=home, delete=False) as tmp:
                    tmp.write(data)
                return _run(
                    home,
                    *args,
                    "--armor",
                    "--detach-sign",
                    "--output",
                    "-",
                    tmp.name,
                    data=passphrase.encode() + b"\n",
                )
            return _run(home, *args, "--armor", "--detach-sign", "--output", "-", data=data)

        yield sign, PublicKey(fpr, armored)

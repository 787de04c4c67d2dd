"""`medsec backup` then `medsec restore` into an empty home: the data and a clean audit check;
a restore into a home with another secret fails the anchor check and leaves nothing."""

from __future__ import annotations

from medsec.cli import runtime


def test_backup_and_restore_through_the_cli(cli, tmp_path, monkeypatch):
    # an embedded home of its own (the PostgreSQL round trip is the service test's)
    monkeypatch.setenv("MEDSEC_DATABASE_URL", f"sqlite:///{tmp_path / 'home' / 'medsec.db'}")
    monkeypatch.setenv("MEDSEC_SECRET_KEY", "s" * 48)
    for n in range(3):
        assert cli("product", "add", f"P{n}", "--manufacturer", "M")[0] == 0
    out = tmp_path / "b.sqlite"
    code, text, err = cli("backup", "--out", str(out))
    assert code == 0 and "wrote" in text, err
    assert cli("backup", "--out", str(out))[0] == 4  # never overwritten
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("MEDSEC_HOME", str(fresh))
    monkeypatch.setenv("MEDSEC_DATABASE_URL", f"sqlite:///{fresh / 'medsec.db'}")
    runtime.reset()
    code, text, err = cli("restore", str(out))
    assert code == 0 and "audit chain verified: 3 events" in text, err
    code, text, _ = cli("product", "list", "--format", "json")
    assert code == 0 and '"P2"' in text
    assert cli("restore", str(out))[0] == 4  # not into a database that holds data
    other = tmp_path / "other"
    monkeypatch.setenv("MEDSEC_HOME", str(other))
    monkeypatch.setenv("MEDSEC_DATABASE_URL", f"sqlite:///{other / 'medsec.db'}")
    monkeypatch.setenv("MEDSEC_SECRET_KEY", "x" * 48)
    code, _, err = cli("restore", str(out))
    assert code == 2 and "anchor-key" in err and not (other / "medsec.db").exists()

"""Nothing is lost by accident: store states named truthfully, demo builds that refuse to
replace, backups and restores on both engines, file modes, the settings registry."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data import backup, config
from data.store import Store, StoreError, open_store, pg_placeholders
from data.store_state import probe

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "var"
    monkeypatch.setenv("WARROOM_DATA_DIR", str(folder))
    monkeypatch.setenv("WARROOM_BACKUP_DIR", str(folder / "backups"))
    monkeypatch.setenv("WARROOM_DB", str(folder / "warroom.duckdb"))
    return folder


def _copy_demo(demo_db: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "warroom.duckdb"
    shutil.copyfile(demo_db, path)
    return path


class _Holder:
    """Another process holding a DuckDB file open for writing (as the running app does)."""

    def __init__(self, path: Path) -> None:
        code = ("import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                "c.execute('SELECT 1'); print('held', flush=True); time.sleep(120)")
        self.proc = subprocess.Popen([sys.executable, "-c", code, str(path)],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held"

    def __enter__(self) -> _Holder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.kill()
        self.proc.wait()


# -- the store's state ------------------------------------------------------------------------
def test_each_state_is_named_and_a_missing_store_is_not_created(tmp_path, demo_db):
    missing = tmp_path / "absent.duckdb"
    assert probe(f"duckdb:///{missing}").state == "missing"
    assert not missing.exists()
    empty = tmp_path / "empty.duckdb"
    open_store(f"duckdb:///{empty}").close()
    assert probe(f"duckdb:///{empty}").state == "empty"
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is not a database" * 500)
    assert probe(f"duckdb:///{garbage}").state == "damaged"
    ready = _copy_demo(demo_db, tmp_path / "ready")
    assert probe(f"duckdb:///{ready}").state == "ready"
    newer = _copy_demo(demo_db, tmp_path / "newer")
    s = Store(f"duckdb:///{newer}")
    s.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')")
    s.close()
    state = probe(f"duckdb:///{newer}")
    assert state.state == "newer_schema" and "999" in state.message
    with pytest.raises(StoreError) as err:
        open_store(f"duckdb:///{newer}")
    assert err.value.state == "newer_schema"
    assert probe("postgresql://nobody@127.0.0.1:1/none").state == "unreachable"


def test_a_wal_that_belongs_to_another_file_is_damage_not_emptiness(tmp_path, demo_db):
    path = _copy_demo(demo_db, tmp_path / "walmix")
    s = Store(f"duckdb:///{path}")
    s.execute("CREATE TABLE keep_wal (x INTEGER)")
    s.execute("INSERT INTO keep_wal VALUES (1)")
    shutil.copyfile(f"{path}.wal", tmp_path / "stray.wal")
    s.close()
    shutil.copyfile(tmp_path / "stray.wal", f"{path}.wal")
    assert probe(f"duckdb:///{path}").state == "damaged"


def test_a_store_in_use_is_named_with_its_holder_and_read_from_a_snapshot(tmp_path, demo_db):
    path = _copy_demo(demo_db, tmp_path / "held")
    with _Holder(path) as holder:
        with pytest.raises(StoreError) as err:
            Store(f"duckdb:///{path}", create=False)
        assert err.value.state == "locked"
        assert f"PID {holder.proc.pid}" in err.value.holder
        state = probe(f"duckdb:///{path}")
        assert state.state == "ready" and f"PID {holder.proc.pid}" in state.message
        store, note = backup.open_for_reading(f"duckdb:///{path}")
        try:
            assert store.scalar("SELECT COUNT(*) FROM areas") > 900
            assert "snapshot" in note
        finally:
            store.close()
    assert not list((tmp_path / "held").glob("*snapshot*"))


def test_a_file_the_service_cannot_write_is_named_read_only(tmp_path, demo_db):
    path = _copy_demo(demo_db, tmp_path / "ro")
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here (not root, or not ext2/3/4)")
    try:
        with pytest.raises(StoreError) as err:
            Store(f"duckdb:///{path}", create=False)
        assert err.value.state == "read_only"
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_the_app_names_the_state_instead_of_calling_it_empty(app_env, tmp_path, monkeypatch,
                                                             demo_db):
    import streamlit as st

    from tests.apptest_util import open_page

    path = _copy_demo(demo_db, tmp_path / "app")
    monkeypatch.setenv("WARROOM_DB", str(path))
    with _Holder(path) as holder:
        st.cache_resource.clear()
        at = open_page("overview", role=None, lang="en")
        text = " ".join(e.value for e in at.error)
        assert "in use by another program" in text and f"PID {holder.proc.pid}" in text
        assert "empty" not in text.lower()
    monkeypatch.setenv("WARROOM_DB", str(tmp_path / "none.duckdb"))
    st.cache_resource.clear()
    at = open_page("overview", role=None, lang="en")
    assert "There is no One Data store" in " ".join(i.value for i in at.info)
    assert not (tmp_path / "none.duckdb").exists()
    garbage = tmp_path / "bad.duckdb"
    garbage.write_bytes(b"x" * 10_000)
    monkeypatch.setenv("WARROOM_DB", str(garbage))
    st.cache_resource.clear()
    at = open_page("overview", role=None, lang="en")
    assert "damaged" in " ".join(e.value for e in at.error)
    assert not [b for b in at.button if b.label.startswith("Demo:")]  # nobody signs in


# -- the demo build never destroys a store ------------------------------------------------------
def test_demo_refuses_to_replace_unless_told_and_keeps_a_backup(data_dir, demo_db, capsys):
    from data.__main__ import main

    path = _copy_demo(demo_db, data_dir)
    s = Store(f"duckdb:///{path}")
    s.execute("INSERT INTO users (username, created_by) VALUES ('precious', 'test')")
    s.execute("CHECKPOINT")
    s.close()
    assert main(["demo", "--scale", "0.001"]) == 2
    assert "--replace" in capsys.readouterr().err
    with _Holder(path):
        assert main(["demo", "--scale", "0.001", "--replace"]) == 3  # in use: refused at once
    assert main(["demo", "--scale", "0.001", "--replace"]) == 0
    assert not Path(f"{path}.wal").exists()
    saved = backup.list_backups(data_dir / "backups")
    assert [b["reason"] for b in saved] == ["demo-replace"]
    old = Store(f"duckdb:///{saved[0]['file']}", read_only=True)
    assert old.scalar("SELECT COUNT(*) FROM users WHERE username = 'precious'") == 1
    old.close()
    new = Store(f"duckdb:///{path}", read_only=True)
    assert new.scalar("SELECT COUNT(*) FROM users") == 0 and new.scalar(
        "SELECT COUNT(*) FROM areas") > 900
    new.close()


def test_demo_if_missing_never_builds_over_a_file_that_fails_to_open(data_dir, capsys):
    from data.__main__ import main

    data_dir.mkdir(parents=True)
    damaged = data_dir / "warroom.duckdb"
    damaged.write_bytes(b"damaged" * 1000)
    assert main(["demo", "--if-missing"]) == 0
    assert damaged.read_bytes() == b"damaged" * 1000
    assert "nothing built" in capsys.readouterr().out


# -- backups and restores -----------------------------------------------------------------------
def _tables(url: str) -> dict[str, pd.DataFrame]:
    s = Store(url, read_only=True)
    try:
        out = {}
        for t in s.tables():
            df = s.query(f"SELECT * FROM {t}")
            out[t] = df.sort_values(list(df.columns)).reset_index(drop=True) if len(df) else df
        return out
    finally:
        s.close()


def test_a_restored_backup_holds_every_table_as_it_was(any_demo_copy_url, tmp_path):
    url = any_demo_copy_url
    original = _tables(url)
    s = Store(url)
    try:
        path = backup.backup_store(s, tmp_path / "manual")
        manifest = backup.read_manifest(path)
        assert manifest["tables"]["households"] == len(original["households"])
        # What happens after the backup: an account, and lost household rows.
        s.execute("INSERT INTO users (username, created_by) VALUES ('later', 'test')")
        s.execute("DELETE FROM households WHERE province_code = '94'")
    finally:
        s.close()
    with pytest.raises(backup.BackupError, match="--replace"):
        backup.restore(path, url, log=lambda _m: None)
    result = backup.restore(path, url, replace=True, log=lambda _m: None)
    restored = _tables(url)
    assert set(restored) == set(original)
    for table, frame in original.items():
        pd.testing.assert_frame_equal(restored[table], frame, obj=table)
    # The replaced store was backed up first, with the account made after the backup.
    before_restore = Path(result["backup_of_replaced"])
    assert backup.read_manifest(before_restore)["reason"] == "restore"
    assert backup.read_manifest(before_restore)["tables"]["users"] == len(
        original["users"]) + 1


def test_a_changed_or_foreign_backup_is_refused(tmp_path, demo_db):
    path = _copy_demo(demo_db, tmp_path / "src")
    s = Store(f"duckdb:///{path}")
    saved = backup.backup_store(s, tmp_path / "b")
    s.close()
    with pytest.raises(backup.BackupError, match="does not match its manifest"):
        tampered = tmp_path / "tampered.duckdb"
        shutil.copyfile(saved, tampered)
        shutil.copyfile(backup.manifest_path(saved), backup.manifest_path(tampered))
        with open(tampered, "r+b") as fh:
            fh.seek(5000)
            fh.write(b"\x00\x01\x02")
        backup.restore(tampered, f"duckdb:///{tmp_path / 'x.duckdb'}", log=lambda _m: None)
    with pytest.raises(backup.BackupError, match="the store is postgresql"):
        backup.restore(saved, "postgresql://nobody@127.0.0.1:1/none", log=lambda _m: None)
    manifest = json.loads(backup.manifest_path(saved).read_text())
    manifest["schema_version"] = 999
    backup.manifest_path(saved).write_text(json.dumps(manifest))
    with pytest.raises(backup.BackupError, match="newer"):
        backup.verify_backup(saved)


def test_automatic_backups_before_migrations_are_kept_to_the_retention_count(
        tmp_path, demo_db, monkeypatch):
    from data import store as store_module

    folder = tmp_path / "auto"
    monkeypatch.setenv("WARROOM_BACKUP_DIR", str(folder))
    monkeypatch.setenv("WARROOM_BACKUP_KEEP", "2")
    path = _copy_demo(demo_db, tmp_path / "m")
    released = Store(f"duckdb:///{path}", read_only=True).schema_version()
    # Three upgrades, each bringing one new migration (as later releases will).
    migrations = tmp_path / "migrations"
    shutil.copytree(store_module.MIGRATIONS_DIR, migrations)
    monkeypatch.setattr(store_module, "MIGRATIONS_DIR", migrations)
    for n in (1, 2, 3):
        (migrations / f"{990 + n}_upgrade_{n}.sql").write_text(
            f"CREATE TABLE upgrade_{n} (x INTEGER);\n", encoding="utf-8")
        open_store(f"duckdb:///{path}").close()
    kept = backup.list_backups(folder)
    assert [b["reason"] for b in kept] == ["migrate", "migrate"]
    # The two newest: taken before the second and the third upgrade.
    assert [b["schema_version"] for b in kept] == [992, 991]
    assert "upgrade_2" in kept[0]["tables"] and "upgrade_2" not in kept[1]["tables"]
    s = Store(f"duckdb:///{path}", read_only=True)
    assert s.schema_version() == 993 and released < 991
    s.close()


def test_cli_backup_beside_the_running_app_and_backups_list(data_dir, demo_db, capsys):
    from data.__main__ import main

    path = _copy_demo(demo_db, data_dir)
    with _Holder(path) as holder:
        assert main(["backup"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert f"PID {holder.proc.pid}" in out["note"]
    assert backup.verify_backup(Path(out["backup"]))["tables"]["areas"] > 900
    assert main(["backups"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["file"] == out["backup"]


# -- accounts from the command line ----------------------------------------------------------------
def test_users_cli_beside_the_app_says_what_to_do(data_dir, demo_db, monkeypatch, capsys):
    from data.__main__ import main

    path = _copy_demo(demo_db, data_dir)
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    with _Holder(path) as holder:
        assert main(["users", "add", "somchai", "--role", "analyst",
                     "--password-stdin"]) == 3
        err = capsys.readouterr().err
        assert f"PID {holder.proc.pid}" in err and "Administration" in err
        assert main(["users", "list"]) == 0  # read-only: works beside the app
        assert json.loads(capsys.readouterr().out) == []


def test_users_cli_hygiene(data_dir, demo_db, monkeypatch, capsys):
    import getpass

    from data.__main__ import main

    _copy_demo(demo_db, data_dir)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal, no --password-stdin
    assert main(["users", "add", "nopass", "--role", "analyst"]) == 2
    assert "--password-stdin" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["users", "add", "prov", "--role", "provincial", "--password-stdin"]) == 2
    assert "needs at least one province" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["users", "add", "idp.user", "--role", "executive", "--no-password",
                 "--note", "ticket 42"]) == 0
    assert main(["users", "unlock", "idp.user"]) == 0
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    listed = capsys.readouterr().out
    assert "NaN" not in listed
    assert json.loads(listed)[0]["email"] is None
    s = Store(config.database_url(), read_only=True)
    who = {r[0] for r in s.rows("SELECT user_name FROM audit_log WHERE action LIKE 'user_%'")}
    s.close()
    assert who == {f"cli:{getpass.getuser()} (ticket 42)", f"cli:{getpass.getuser()}"}


# -- files readable by the service account only --------------------------------------------------
def test_new_store_files_are_private_and_loose_ones_are_reported(tmp_path):
    folder = tmp_path / "fresh"
    env = dict(os.environ, WARROOM_DATA_DIR=str(folder), WARROOM_DB=str(folder / "w.duckdb"))
    code = ("from data import config; config.restrict_new_files()\n"
            "from data.store import open_store\n"
            "import os, stat\n"
            "s = open_store()\n"
            "s.execute(\"INSERT INTO audit_log (event_id, user_name, action) VALUES (1,'a','b')\")\n"
            "print(oct(os.stat(str(config.database_url()).removeprefix('duckdb:///') + '.wal')"
            ".st_mode & 0o777))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "0o600"  # the write-ahead log, while the store is open
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "w.duckdb").stat().st_mode) == 0o600
    (folder / "w.duckdb").chmod(0o644)
    warnings = config.private_path_warnings(lambda: [folder, folder / "w.duckdb"])
    assert len(warnings) == 1 and "chmod 600" in warnings[0]


# -- settings, placeholders, transactions ------------------------------------------------------------
def test_readme_settings_table_is_generated_from_the_registry():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- settings:start -->") + len("<!-- settings:start -->\n")
    end = readme.index("<!-- settings:end -->")
    assert readme[start:end] == config.settings_markdown()
    documented = set(config.SETTINGS_BY_NAME)
    used = set()
    for path in REPO.glob("[!.]*/**/*.py"):
        if ".venv" not in path.parts and "tests" not in path.parts:
            used |= set(_env_names(path.read_text(encoding="utf-8")))
    assert used <= documented, used - documented


def _env_names(text: str) -> list[str]:
    import re

    return re.findall(r"[\"'](WARROOM_[A-Z_]+)[\"']", text)


def test_a_bad_setting_is_logged_and_the_default_used(monkeypatch, caplog):
    monkeypatch.setattr(config, "_WARNED", set())  # logged once per process and value
    monkeypatch.setenv("WARROOM_IDLE_MINUTES", "soon")
    monkeypatch.setenv("WARROOM_RUN_SLOTS", "0")
    monkeypatch.setenv("WARROOM_DEMO", "")
    with caplog.at_level("WARNING", logger="warroom"):
        assert config.get("WARROOM_IDLE_MINUTES") == 30.0
        assert config.run_slots() >= 2
    assert config.demo_mode() is False  # empty means off
    monkeypatch.setenv("WARROOM_DEMO", "maybe")
    assert config.demo_mode() is False
    assert "WARROOM_IDLE_MINUTES='soon'" in caplog.text and "WARROOM_RUN_SLOTS='0'" in caplog.text


@pytest.mark.parametrize("sql, expected", [
    ("SELECT * FROM t WHERE a = ? AND b LIKE '50%'", "SELECT * FROM t WHERE a = %s AND b LIKE '50%%'"),
    ("SELECT '?' AS q, ? AS p", "SELECT '?' AS q, %s AS p"),
    ("SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , %s"),
    ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = %s'),
    ("SELECT 1 -- why? because\n, ?", "SELECT 1 -- why? because\n, %s"),
    ("SELECT /* a ? */ ?", "SELECT /* a ? */ %s"),
    ("SELECT $$ ? $$, ?", "SELECT $$ ? $$, %s"),
])
def test_placeholders_are_translated_outside_literals_only(sql, expected):
    assert pg_placeholders(sql) == expected


def test_nested_transactions_are_one_unit(any_empty_store):
    s = any_empty_store
    with pytest.raises(RuntimeError), s.transaction():
        s.execute("INSERT INTO regions (scheme, code, name_th, name_en, sort_order) "
                  "VALUES ('x', 'A', 'a', 'a', 1)")
        with s.transaction():
            s.execute("INSERT INTO regions (scheme, code, name_th, name_en, sort_order) "
                      "VALUES ('x', 'B', 'b', 'b', 2)")
        raise RuntimeError("the outer unit fails after the inner one finished")
    assert s.scalar("SELECT COUNT(*) FROM regions WHERE scheme = 'x'") == 0
    assert not s.in_transaction()

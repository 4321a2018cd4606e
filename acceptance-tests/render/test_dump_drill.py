"""Dump manifests, drills and restores for pg_dumpall and mysqldump, under `busybox sh`
with the real dump tools, b3sum and real PostgreSQL / MariaDB servers on loopback. One
source server per engine for the whole module (filled once); each drill starts its own
throwaway server from the script, as the drill pod does."""
import gzip
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from backstop_render_support import alpine_like_path, render, require_tool, run_script
from test_dumps import PASSWORD, Mariadb, Postgres, postgres_bin

ROWS = 500
DRILL_METRICS = {"backup_restore_test_last_success_timestamp", "backup_restore_test_duration_seconds",
                 "backup_restore_test_bytes", "backup_restore_test_files"}
JOB = {"name": "dbaas", "namespace": "dbaas", "schedule": "0 0 * * *", "destination_claim": "dbaas-backup-host",
       "host": "127.0.0.1", "user": "backup", "password_secret": {"name": "dbaas-credentials", "key": "password"}}


@pytest.fixture(scope="module")
def private_dir():
    # Not under pytest's tmp_path: its parents are 0700 root, which the server users cannot enter.
    path = pathlib.Path(tempfile.mkdtemp(prefix="backstop-dumps-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres(private_dir):
    server = Postgres(private_dir, "pg-source")
    try:
        server.psql("CREATE DATABASE app")
        server.psql("CREATE DATABASE \"odd name\"")
        server.psql("CREATE TABLE notes (id int primary key, body text); "
                    f"INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, {ROWS}) g", database="app")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def mariadb(private_dir):
    server = Mariadb(private_dir, "maria-source")
    try:
        escaped = PASSWORD.replace("\\", "\\\\").replace("'", "\\'")
        server.sql(f"CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '{escaped}'; "
                   "GRANT ALL PRIVILEGES ON *.* TO 'backup'@'127.0.0.1'; "
                   "CREATE DATABASE app; CREATE TABLE app.notes (id INT PRIMARY KEY, body TEXT) ENGINE=InnoDB; "
                   f"USE app; INSERT INTO app.notes SELECT seq, CONCAT('note ', seq) FROM seq_1_to_{ROWS};")
        yield server
    finally:
        server.stop()


def engine_env(strategy: str, server) -> dict:
    if strategy == "pg_dumpall":
        return {"PGPASSWORD": PASSWORD, "PGPORT": str(server.port)}
    return {"MYSQL_PWD": PASSWORD, "MYSQL_TCP_PORT": str(server.port)}


def backup_path(tmp_path: pathlib.Path, strategy: str) -> str:
    if strategy == "pg_dumpall":
        path = alpine_like_path(tmp_path / "bin", [])
        (pathlib.Path(path) / "pg_dumpall").symlink_to(postgres_bin() / "pg_dumpall")
        return path
    return alpine_like_path(tmp_path / "bin", ["mysqldump"])


def back_up(strategy: str, server, backup: pathlib.Path, path: str, pushgateway) -> pathlib.Path:
    """One backup run; returns the new dump."""
    before = set(backup.glob("backup-*.sql.gz"))
    script = render({"jobs": [{**JOB, "strategy": strategy}]})["jobs"][0]["script"]
    done = run_script(script, path, {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url,
                                     **engine_env(strategy, server)})
    assert done.returncode == 0, done.stderr[-3000:]
    [dump] = set(backup.glob("backup-*.sql.gz")) - before
    return dump


def b3(path: pathlib.Path) -> str:
    with open(path, "rb") as f:
        return subprocess.run([require_tool("b3sum"), "--no-names"], stdin=f, capture_output=True,
                              text=True, check=True).stdout.strip()


@pytest.mark.parametrize("strategy", ["pg_dumpall", "mysqldump"])
def test_each_dump_has_a_manifest_with_its_hash_and_databases(strategy, postgres, mariadb, tmp_path, pushgateway):
    server = postgres if strategy == "pg_dumpall" else mariadb
    backup = tmp_path / "backup"
    backup.mkdir()
    path = backup_path(tmp_path, strategy)
    dump = back_up(strategy, server, backup, path, pushgateway)
    lines = pathlib.Path(f"{dump}.manifest").read_text().split("\n")
    assert lines[0] == "#backstop-manifest\t1\tblake3" and lines[-2:] == ["#end\t1", ""]
    databases = {l.split("\t")[2] for l in lines if l.startswith("#meta\tdatabase\t")}
    entries = [l.split("\t") for l in lines if l and not l.startswith("#")]
    stat = dump.stat()
    assert entries == [[dump.name, "f", f"{stat.st_mode & 0o7777:o}", str(stat.st_size), str(int(stat.st_mtime)),
                        str(stat.st_ino), "-", b3(dump)]]
    if strategy == "pg_dumpall":
        assert databases == {"template1", "postgres", "app", "odd name"}
    else:
        assert {"app", "mysql"} <= databases and "information_schema" not in databases
    assert sorted(p.name for p in backup.iterdir()) == [dump.name, f"{dump.name}.manifest"]


def test_retention_prunes_a_dumps_manifest_with_it(postgres, tmp_path, pushgateway):
    backup = tmp_path / "backup"
    backup.mkdir()
    path = backup_path(tmp_path, "pg_dumpall")
    # Two dumps from earlier (the older beyond KEEP_DAYS of the newer), and the manifest
    # a killed run left without its dump.
    for stamp in ("20200101-000000", "20200201-000000"):
        (backup / f"backup-{stamp}.sql.gz").write_bytes(gzip.compress(b"-- old\n"))
        (backup / f"backup-{stamp}.sql.gz.manifest").write_text("#backstop-manifest\t1\tblake3\n#end\t0\n")
    (backup / "backup-20200115-000000.sql.gz.manifest").write_text("#backstop-manifest\t1\tblake3\n")
    dump = back_up("pg_dumpall", postgres, backup, path, pushgateway)
    assert sorted(p.name for p in backup.iterdir()) == sorted([
        "backup-20200201-000000.sql.gz", "backup-20200201-000000.sql.gz.manifest",
        dump.name, f"{dump.name}.manifest"])

"""The rendered pg_dumpall and mysqldump scripts, run under `busybox sh` against real
PostgreSQL and MariaDB servers started on loopback; each dump restores into a fresh server.
The password reaches the dump tool only through the environment, as the CronJob's
secretKeyRef does; the port through PGPORT / MYSQL_TCP_PORT (the model has no port)."""
import glob
import gzip
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import pytest

from backstop_render_support import alpine_like_path, free_port, render_job, require_tool, run_script

PASSWORD = "s3cret 'quoted' $(not expanded)"
IS_ROOT = os.geteuid() == 0


def postgres_bin() -> pathlib.Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL server binaries are missing: run scripts/install-test-tools")
    return pathlib.Path(found[-1]).parent


def as_service_user(argv, user):
    """PostgreSQL refuses to run as root: CI runs as root, so drop to the package's user."""
    return ["runuser", "-u", user, "--", *argv] if IS_ROOT else argv


@pytest.fixture
def private_dir():
    # Not under pytest's tmp_path: its parents are 0700 root, which the postgres user cannot enter.
    path = pathlib.Path(tempfile.mkdtemp(prefix="backstop-db-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


class Postgres:
    def __init__(self, base: pathlib.Path, name: str):
        self.bin = postgres_bin()
        self.dir = base / name
        self.dir.mkdir()
        self.port = free_port()
        (self.dir / "pw").write_text(PASSWORD + "\n")
        if IS_ROOT:
            shutil.chown(self.dir, "postgres", "postgres")
        user = "postgres"
        run = lambda argv: subprocess.run(as_service_user(argv, user), check=True, capture_output=True, text=True)  # noqa: E731
        run([str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-U", "backup", f"--pwfile={self.dir / 'pw'}",
             "--auth-local=trust", "--auth-host=scram-sha-256"])
        run([str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-w", "-l", str(self.dir / "log"), "-o",
             f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start"])
        self.stop_argv = as_service_user([str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"], user)

    def psql(self, sql: str, database: str = "postgres", stdin: bytes | None = None) -> str:
        argv = [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "backup", "-d", database, "-At"]
        argv += ["-c", sql] if sql else []
        done = subprocess.run(argv, input=stdin, capture_output=True, env={**os.environ, "PGPASSWORD": PASSWORD})
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode().strip()

    def stop(self):
        subprocess.run(self.stop_argv, capture_output=True)


class Mariadb:
    def __init__(self, base: pathlib.Path, name: str):
        self.dir = base / name
        self.dir.mkdir()
        self.port = free_port()
        self.socket = self.dir / "sock"
        user = ["--user=root"] if IS_ROOT else []
        subprocess.run([require_tool("mariadb-install-db"), "--no-defaults", f"--datadir={self.dir / 'data'}",
                        "--auth-root-authentication-method=normal", "--skip-test-db", *user],
                       check=True, capture_output=True)
        mariadbd = shutil.which("mariadbd", path="/usr/sbin:/usr/bin") or pytest.fail("mariadbd is missing: run scripts/install-test-tools")
        self.process = subprocess.Popen(
            [mariadbd, "--no-defaults", f"--datadir={self.dir / 'data'}", f"--socket={self.socket}",
             f"--port={self.port}", "--bind-address=127.0.0.1", f"--pid-file={self.dir / 'pid'}",
             "--skip-log-bin", *user],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 60
        while subprocess.run([require_tool("mariadb"), "--no-defaults", "-S", str(self.socket), "-u", "root", "-e", "SELECT 1"],
                             capture_output=True).returncode != 0:
            if time.time() > deadline or self.process.poll() is not None:
                pytest.fail("mariadbd did not start on loopback")
            time.sleep(0.2)

    def sql(self, sql: str | None, stdin: bytes | None = None) -> str:
        argv = [require_tool("mariadb"), "--no-defaults", "-S", str(self.socket), "-u", "root", "-N", "-B"]
        argv += ["-e", sql] if sql else []
        done = subprocess.run(argv, input=stdin, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode().strip()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


def dump_job(strategy: str, user: str) -> dict:
    return render_job({
        "name": "dbaas", "namespace": "dbaas", "schedule": "0 0 * * *", "strategy": strategy,
        "destination_claim": "dbaas-backup-host", "host": "127.0.0.1", "user": user,
        "password_secret": {"name": "dbaas-credentials", "key": "password"},
    })


def the_dump(backup: pathlib.Path) -> pathlib.Path:
    dumps = sorted(backup.glob("backup-*.sql.gz"))
    assert len(dumps) == 1, list(backup.iterdir())
    assert not list(backup.glob(".partial-*"))
    return dumps[0]


def test_pg_dumpall_dump_restores_into_a_fresh_server(private_dir, tmp_path, pushgateway):
    source = Postgres(private_dir, "source")
    try:
        source.psql("CREATE DATABASE app")
        source.psql("CREATE TABLE notes (id int primary key, body text); "
                    "INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 500) g", database="app")
        job = dump_job("pg_dumpall", "backup")
        assert PASSWORD not in job["script"] and "PGPASSWORD" in str(job["cronjob"])
        backup = tmp_path / "backup"
        backup.mkdir()
        path = alpine_like_path(tmp_path / "bin", [])
        os.symlink(source.bin / "pg_dumpall", pathlib.Path(path) / "pg_dumpall")
        env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "PGPASSWORD": PASSWORD, "PGPORT": str(source.port)}
        done = run_script(job["script"], path, env)
        assert done.returncode == 0, done.stderr
        dump = the_dump(backup)
        assert pushgateway.metrics("dbaas-backup")["backup_output_bytes"] == dump.stat().st_size

        # A wrong password fails the job and leaves no file behind and no new success.
        before = pushgateway.metrics("dbaas-backup")["backup_last_success_timestamp"]
        dump.rename(tmp_path / "kept.sql.gz")
        pathlib.Path(f"{dump}.manifest").rename(tmp_path / "kept.sql.gz.manifest")
        done = run_script(job["script"], path, {**env, "PGPASSWORD": "wrong"})
        assert done.returncode != 0
        assert list(backup.iterdir()) == []
        assert pushgateway.metrics("dbaas-backup")["backup_last_success_timestamp"] == before
    finally:
        source.stop()

    fresh = Postgres(private_dir, "fresh")
    try:
        fresh.psql("", stdin=gzip.decompress((tmp_path / "kept.sql.gz").read_bytes()))
        assert fresh.psql("SELECT count(*), max(body) FROM notes", database="app") == "500|note 99"
    finally:
        fresh.stop()


def test_mysqldump_dump_restores_into_a_fresh_server(private_dir, tmp_path, pushgateway):
    source = Mariadb(private_dir, "source")
    try:
        escaped = PASSWORD.replace("\\", "\\\\").replace("'", "\\'")
        source.sql(f"CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '{escaped}'; "
                   "GRANT ALL PRIVILEGES ON *.* TO 'backup'@'127.0.0.1'; "
                   "CREATE DATABASE app; CREATE TABLE app.notes (id INT PRIMARY KEY, body TEXT) ENGINE=InnoDB; "
                   "USE app; INSERT INTO app.notes SELECT seq, CONCAT('note ', seq) FROM seq_1_to_500;")
        job = dump_job("mysqldump", "backup")
        assert PASSWORD not in job["script"] and "MYSQL_PWD" in str(job["cronjob"])
        backup = tmp_path / "backup"
        backup.mkdir()
        path = alpine_like_path(tmp_path / "bin", ["mysqldump"])
        env = {"BACKUP_DIR": str(backup), "PUSHGATEWAY_URL": pushgateway.url, "MYSQL_PWD": PASSWORD, "MYSQL_TCP_PORT": str(source.port)}
        done = run_script(job["script"], path, env)
        assert done.returncode == 0, done.stderr
        dump = the_dump(backup)
        assert pushgateway.metrics("dbaas-backup")["backup_output_bytes"] == dump.stat().st_size
    finally:
        source.stop()

    fresh = Mariadb(private_dir, "fresh")
    try:
        fresh.sql(None, stdin=gzip.decompress(dump.read_bytes()))
        assert fresh.sql("SELECT COUNT(*), MAX(body) FROM app.notes") == "500\tnote 99"
    finally:
        fresh.stop()

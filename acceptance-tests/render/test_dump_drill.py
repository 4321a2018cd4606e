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


def mariadb_version() -> str:
    """The installed server's major.minor (`mariadbd --version`: "... Ver 10.11.19-MariaDB...")."""
    text = subprocess.run([shutil.which("mariadbd", path="/usr/sbin:/usr/bin") or require_tool("mariadbd"), "--version"],
                          capture_output=True, text=True, check=True).stdout
    return ".".join(text.split(" Ver ")[1].split(".")[:2])


# The versions of the servers installed here, which the tests stand in for the images with.
SERVER_VERSION = {"pg_dumpall": lambda: postgres_bin().parent.name, "mysqldump": mariadb_version}
SERVER_TOOLS = {"pg_dumpall": ["initdb", "pg_ctl", "psql"],
                "mysqldump": ["mariadb-install-db", "mariadbd", "mariadb", "mariadb-admin"]}


def drill_rendered(strategy: str, **test) -> dict:
    test = {"server_version": SERVER_VERSION[strategy](), **test}
    return render({"restore_tests": [{"job": {**JOB, "strategy": strategy}, "restore_test": test}]})["restore_tests"][0]


def drill_path(tmp_path: pathlib.Path, strategy: str) -> str:
    """busybox, b3sum and the server's binaries, as the postgres / mariadb image has them,
    plus su-exec (the alpine image's tool to drop root) as a stand-in over runuser."""
    path = pathlib.Path(alpine_like_path(tmp_path / "drill-bin", []))
    for tool in SERVER_TOOLS[strategy]:
        found = postgres_bin() / tool if strategy == "pg_dumpall" else shutil.which(tool, path="/usr/sbin:/usr/bin")
        (path / tool).symlink_to(found or require_tool(tool))
    su_exec = path / "su-exec"
    su_exec.write_text(f'#!/bin/sh\nuser=$1\nshift\nexec {require_tool("runuser")} -u "$user" -- "$@"\n')
    su_exec.chmod(0o755)
    return str(path)


def run_drill(rendered: dict, strategy: str, backup: pathlib.Path, scratch: pathlib.Path, path: str, pushgateway):
    env = {e["name"]: e["value"] for e in
           rendered["cronjob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    env.update({"BACKUP_DIR": str(backup), "SCRATCH_DIR": str(scratch), "PUSHGATEWAY_URL": pushgateway.url})
    return run_script(rendered["script"], path, env)


CHECK = {"pg_dumpall": {"check_query": "SELECT count(*) FROM notes", "check_database": "app"},
         "mysqldump": {"check_query": "SELECT COUNT(*) FROM notes", "check_database": "app"}}


def reseal(dump: pathlib.Path) -> None:
    """Rewrites the dump's manifest to agree with its current bytes: a dump that was already
    bad when the backup hashed it, which only loading it can show."""
    manifest = pathlib.Path(f"{dump}.manifest")
    lines = manifest.read_text().split("\n")
    for i, line in enumerate(lines):
        fields = line.split("\t")
        if fields[0] == dump.name:
            fields[3] = str(dump.stat().st_size)
            fields[7] = b3(dump)
            lines[i] = "\t".join(fields)
    manifest.write_text("\n".join(lines))


@pytest.fixture
def drill_setup(private_dir, tmp_path):
    """A backup folder and a scratch folder the server users can reach (not under tmp_path)."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="drill-", dir=private_dir))
    base.chmod(0o755)
    (base / "backup").mkdir()
    (base / "scratch").mkdir()
    yield base / "backup", base / "scratch"
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("strategy", ["pg_dumpall", "mysqldump"])
def test_the_drill_loads_a_real_dump_into_a_throwaway_server_and_runs_the_check_query(
        strategy, postgres, mariadb, drill_setup, tmp_path, pushgateway):
    server = postgres if strategy == "pg_dumpall" else mariadb
    backup, scratch = drill_setup
    dump = back_up(strategy, server, backup, backup_path(tmp_path, strategy), pushgateway)
    rendered = drill_rendered(strategy, min_rows=ROWS, **CHECK[strategy])
    done = run_drill(rendered, strategy, backup, scratch, drill_path(backup.parent, strategy), pushgateway)
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = pushgateway.metrics("dbaas-restore-test")
    assert DRILL_METRICS <= metrics.keys()
    assert metrics["backup_restore_test_files"] == 1 and metrics["backup_restore_test_bytes"] == dump.stat().st_size
    # The throwaway server is stopped and its data gone with the drill.
    assert os.listdir(scratch) == []


@pytest.mark.parametrize("strategy", ["pg_dumpall", "mysqldump"])
def test_the_drill_fails_on_a_cut_or_flipped_dump_and_pushes_nothing(
        strategy, postgres, mariadb, drill_setup, tmp_path, pushgateway):
    server = postgres if strategy == "pg_dumpall" else mariadb
    backup, scratch = drill_setup
    path = drill_path(backup.parent, strategy)
    dump = back_up(strategy, server, backup, backup_path(tmp_path, strategy), pushgateway)
    pristine = dump.read_bytes()
    manifest = pathlib.Path(f"{dump}.manifest")
    pristine_manifest = manifest.read_text()
    good = drill_rendered(strategy, min_rows=ROWS, **CHECK[strategy])
    sql = gzip.decompress(pristine)

    def cut_gzip():
        dump.write_bytes(pristine[: len(pristine) // 2])

    def cut_gzip_resealed():
        cut_gzip()
        reseal(dump)

    def cut_sql_resealed():
        # A whole gzip stream of half the SQL: only the load and the checks can tell.
        dump.write_bytes(gzip.compress(sql[: len(sql) // 2]))
        reseal(dump)

    def cut_before_app_resealed():
        # Whole statements only, ending before the app database's part: a dump that loads
        # without an error; the manifest's database list sees what is missing.
        marker = b'-- Database "app" dump' if strategy == "pg_dumpall" else b"-- Current Database: `app`"
        dump.write_bytes(gzip.compress(sql[: sql.index(marker)]))
        reseal(dump)

    def flip_byte():
        data = bytearray(pristine)
        data[len(data) // 2] ^= 0x01
        dump.write_bytes(bytes(data))

    def no_manifest():
        manifest.unlink()

    def cut_manifest():
        manifest.write_text(pristine_manifest[: pristine_manifest.index("#end")])

    cases = [
        (cut_gzip, good, "size differs"),
        (cut_gzip_resealed, good, "unexpected end of file"),
        (cut_sql_resealed, good, ""),
        (cut_before_app_resealed, good, "lacks databases its manifest lists: app"),
        (flip_byte, good, "content differs"),
        (no_manifest, good, "has no manifest"),
        (cut_manifest, good, "cut short"),
        (lambda: None, drill_rendered(strategy, min_rows=ROWS + 1, **CHECK[strategy]), f"fewer than min_rows {ROWS + 1}"),
    ]
    for damage, rendered, message in cases:
        dump.write_bytes(pristine)
        manifest.write_text(pristine_manifest)
        damage()
        done = run_drill(rendered, strategy, backup, scratch, path, pushgateway)
        assert done.returncode != 0, (damage.__name__, done.stderr[-3000:])
        assert message in done.stderr, (damage.__name__, done.stderr[-3000:])
        print(strategy, damage.__name__, "->", [l for l in done.stderr.splitlines() if not l.startswith("+")][-1:])
        assert os.listdir(scratch) == []
    assert not DRILL_METRICS & pushgateway.metrics("dbaas-restore-test").keys()


def test_dump_drill_cronjobs_run_in_the_server_image_and_pass_strict_schema_validation(tmp_path):
    import yaml
    files = []
    for strategy, image, shell in (("pg_dumpall", "postgres:16-alpine", "/bin/sh"), ("mysqldump", "mariadb:11.4", "/bin/bash")):
        for test in ({}, {"min_rows": 10, **CHECK[strategy], "schedule": "15 4 * * 6"}):
            version = image.split(":")[1].removesuffix("-alpine")
            rendered = render({"restore_tests": [{"job": {**JOB, "strategy": strategy},
                                                  "restore_test": {"server_version": version, **test}}]})["restore_tests"][0]
            pod = rendered["cronjob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            [container] = pod["containers"]
            assert container["image"] == image and container["command"] == [shell, "-c", rendered["script"]]
            assert {"SETUID", "SETGID"} <= set(container["securityContext"]["capabilities"]["add"])
            volumes = {v["name"]: v for v in pod["volumes"]}
            assert volumes["backup"]["persistentVolumeClaim"]["readOnly"] is True and volumes["scratch"] == {"name": "scratch", "emptyDir": {}}
            path = tmp_path / f"{strategy}-{len(files)}.yaml"
            path.write_text(yaml.safe_dump(rendered["cronjob"]))
            files.append(str(path))
    done = subprocess.run([require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", *files],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_dump_drill_states_its_server_version():
    import json
    from backstop_render_support import RENDER_JSON
    cases = [({"strategy": "pg_dumpall"}, {}, "restore_test.server_version: a dump drill needs the version"),
             ({"strategy": "pg_dumpall"}, {"server_version": "16.2"}, 'restore_test.server_version: "16.2" is not a major version'),
             ({"strategy": "mysqldump"}, {"server_version": "11.4; rm -rf /"}, "is not a major.minor version"),
             ({"strategy": "mysqldump"}, {"server_version": "11.4", "check_database": "app"}, "restore_test.check_database: check_database applies"),
             ({"strategy": "mysqldump"}, {"server_version": "11.4", "check_query": "SELECT 1", "check_database": "a\nb"}, "is not a database name")]
    for job, test, message in cases:
        done = subprocess.run([str(RENDER_JSON)], input=json.dumps({"restore_tests": [{"job": {**JOB, **job}, "restore_test": test}]}),
                              capture_output=True, text=True)
        assert done.returncode == 1 and message in done.stderr, (test, done.stderr)


def restore_rendered(strategy: str, **restore) -> dict:
    return render({"restores": [{"job": {**JOB, "strategy": strategy}, "restore": restore}]})["restores"][0]


def restore_path(base: pathlib.Path, strategy: str) -> str:
    """busybox, b3sum and the client the restore Job's image installs (psql / mysql)."""
    path = pathlib.Path(alpine_like_path(base / "restore-bin", []))
    if strategy == "pg_dumpall":
        (path / "psql").symlink_to(postgres_bin() / "psql")
    else:
        (path / "mysql").symlink_to(require_tool("mysql"))
    return str(path)


def run_restore(rendered: dict, strategy: str, server, backup: pathlib.Path, path: str, password: str = PASSWORD):
    container = rendered["job"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    # The password reaches the script as the Secret does: through the variable the Job names.
    [secret] = [e for e in container["env"] if "valueFrom" in e]
    assert secret["valueFrom"]["secretKeyRef"] == JOB["password_secret"]
    env.update({"BACKUP_DIR": str(backup), secret["name"]: password, **engine_env(strategy, server)})
    env.pop("PGPASSWORD" if secret["name"] == "MYSQL_PWD" else "MYSQL_PWD", None)
    env[secret["name"]] = password
    return run_script(rendered["script"], path, env)


def redump(strategy: str, server) -> str:
    """The data of the server, as text to compare: pg_dumpall's (roles, databases, rows) or
    the app database's mysqldump, without the comments that carry times and versions."""
    if strategy == "pg_dumpall":
        argv = [str(postgres_bin() / "pg_dumpall"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "backup"]
        env = {**os.environ, "PGPASSWORD": PASSWORD}
    else:
        argv = [require_tool("mysqldump"), "--no-defaults", "-S", str(server.socket), "-u", "root", "--skip-dump-date",
                "--databases", "app"]
        env = dict(os.environ)
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    # \restrict and \unrestrict carry a random key per run (pg_dump's guard against
    # meta-commands in data).
    return "\n".join(l for l in done.stdout.splitlines() if not l.startswith(("--", "\\restrict", "\\unrestrict")))


@pytest.mark.parametrize("strategy", ["pg_dumpall", "mysqldump"])
def test_a_restore_replays_the_dump_into_a_fresh_server_and_the_data_equals_the_sources(
        strategy, postgres, mariadb, private_dir, drill_setup, tmp_path, pushgateway):
    source = postgres if strategy == "pg_dumpall" else mariadb
    backup, _ = drill_setup
    dump = back_up(strategy, source, backup, backup_path(tmp_path, strategy), pushgateway)
    fresh = Postgres(private_dir, f"pg-fresh-{dump.name}") if strategy == "pg_dumpall" else Mariadb(private_dir, f"maria-fresh-{dump.name}")
    try:
        if strategy == "mysqldump":
            escaped = PASSWORD.replace("\\", "\\\\").replace("'", "\\'")
            fresh.sql(f"CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '{escaped}'; "
                      "GRANT ALL PRIVILEGES ON *.* TO 'backup'@'127.0.0.1';")
        path = restore_path(backup.parent, strategy)
        rendered = restore_rendered(strategy)
        assert PASSWORD not in rendered["script"]
        # A dump with one flipped byte is refused before the server sees any of it.
        pristine = dump.read_bytes()
        data = bytearray(pristine)
        data[len(data) // 2] ^= 0x01
        dump.write_bytes(bytes(data))
        done = run_restore(rendered, strategy, fresh, backup, path)
        assert done.returncode != 0 and "does not match its manifest" in done.stderr, done.stderr[-3000:]
        dump.write_bytes(pristine)
        assert "app" not in redump_databases(strategy, fresh)
        # The newest complete dump, replayed: the data equals the source's.
        done = run_restore(rendered, strategy, fresh, backup, path)
        assert done.returncode == 0, done.stderr[-3000:]
        assert redump(strategy, fresh) == redump(strategy, source)
        # Again, now that its databases exist: refused, nothing changed.
        before = redump(strategy, fresh)
        done = run_restore(restore_rendered(strategy, snapshot=dump.name), strategy, fresh, backup, path)
        assert done.returncode != 0 and "already has databases the dump holds: app" in done.stderr, done.stderr[-3000:]
        assert redump(strategy, fresh) == before
    finally:
        fresh.stop()


def redump_databases(strategy: str, server) -> list[str]:
    if strategy == "pg_dumpall":
        return server.psql("SELECT datname FROM pg_database").split("\n")
    return server.sql("SHOW DATABASES").split("\n")


def test_dump_restore_jobs_pass_strict_schema_validation_and_read_the_backup_read_only(tmp_path):
    import yaml
    files = []
    for strategy in ("pg_dumpall", "mysqldump"):
        for restore in ({}, {"snapshot": "backup-20260406-030000.sql.gz"}, {"snapshot": "backup-20260406-0300.sql.gz"}):
            job = restore_rendered(strategy, **restore)["job"]
            pod = job["spec"]["template"]["spec"]
            [container] = pod["containers"]
            env = {e["name"]: e for e in container["env"]}
            assert env["DB_HOST"]["value"] == "127.0.0.1" and env["DB_USER"]["value"] == "backup"
            password = "PGPASSWORD" if strategy == "pg_dumpall" else "MYSQL_PWD"
            assert env[password]["valueFrom"]["secretKeyRef"] == JOB["password_secret"]
            assert pod["volumes"] == [{"name": "backup", "persistentVolumeClaim": {"claimName": "dbaas-backup-host", "readOnly": True}}]
            path = tmp_path / f"restore-{len(files)}.yaml"
            path.write_text(yaml.safe_dump(job))
            files.append(str(path))
    done = subprocess.run([require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", *files],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_dump_restore_refuses_file_restore_options_with_the_attribute_path():
    import json
    from backstop_render_support import RENDER_JSON
    cases = [({"snapshot": "2026-15"}, 'restore.snapshot: "2026-15" is not a pg_dumpall snapshot name'),
             ({"overwrite": True}, "restore.overwrite: overwrite does not apply to pg_dumpall jobs"),
             ({"target_claim": "db"}, "restore.target_claim: target_claim does not apply"),
             ({"folder": "data"}, "restore.folder: folder does not apply")]
    for restore, message in cases:
        done = subprocess.run([str(RENDER_JSON)], input=json.dumps({"restores": [{"job": {**JOB, "strategy": "pg_dumpall"}, "restore": restore}]}),
                              capture_output=True, text=True)
        assert done.returncode == 1 and message in done.stderr, (restore, done.stderr)


def cli_restore(backstop_bin, tmp_path: pathlib.Path, strategy: str, *flags: str) -> dict:
    """The Job `backstop restore SPEC --job dbaas` prints for a spec holding JOB, as the
    `rendered` dict `run_restore` takes."""
    secret = JOB["password_secret"]
    spec = tmp_path / f"spec-{strategy}.hcl"
    spec.write_text(f'''backup_job "dbaas" {{
  namespace         = "{JOB["namespace"]}"
  schedule          = "{JOB["schedule"]}"
  strategy          = "{strategy}"
  host              = "{JOB["host"]}"
  user              = "{JOB["user"]}"
  password_secret   = {{ name = "{secret["name"]}", key = "{secret["key"]}" }}
  destination_claim = "{JOB["destination_claim"]}"
}}
''')
    done = subprocess.run([str(backstop_bin), "restore", str(spec), "--job", "dbaas", "--format", "json", *flags],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import json
    [job] = json.loads(done.stdout)
    return {"job": job, "script": job["spec"]["template"]["spec"]["containers"][0]["command"][2]}


@pytest.mark.parametrize("strategy", ["pg_dumpall", "mysqldump"])
def test_the_cli_restore_job_replays_the_chosen_dump_and_the_data_equals_the_sources(
        strategy, postgres, mariadb, private_dir, drill_setup, tmp_path, pushgateway, backstop_bin):
    source = postgres if strategy == "pg_dumpall" else mariadb
    backup, _ = drill_setup
    dump = back_up(strategy, source, backup, backup_path(tmp_path, strategy), pushgateway)
    # A newer dump the restore must not take when --snapshot names the older one: cut short.
    newer = backup / "backup-29991231-235959.sql.gz"
    newer.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    pathlib.Path(f"{newer}.manifest").write_text(pathlib.Path(f"{dump}.manifest").read_text().replace(dump.name, newer.name))
    fresh = Postgres(private_dir, f"pg-cli-{dump.name}") if strategy == "pg_dumpall" else Mariadb(private_dir, f"maria-cli-{dump.name}")
    try:
        if strategy == "mysqldump":
            escaped = PASSWORD.replace("\\", "\\\\").replace("'", "\\'")
            fresh.sql(f"CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '{escaped}'; "
                      "GRANT ALL PRIVILEGES ON *.* TO 'backup'@'127.0.0.1';")
        path = restore_path(backup.parent, strategy)
        # Without --snapshot the newest dump is taken: the cut one, refused before replay.
        done = run_restore(cli_restore(backstop_bin, tmp_path, strategy), strategy, fresh, backup, path)
        assert done.returncode != 0 and "size differs" in done.stderr, done.stderr[-3000:]
        assert "app" not in redump_databases(strategy, fresh)
        rendered = cli_restore(backstop_bin, tmp_path, strategy, "--snapshot", dump.name)
        assert PASSWORD not in rendered["script"]
        done = run_restore(rendered, strategy, fresh, backup, path)
        assert done.returncode == 0, done.stderr[-3000:]
        assert redump(strategy, fresh) == redump(strategy, source)
    finally:
        fresh.stop()

"""Every rendered Kubernetes object passes `kubernetes-validate --strict -k 1.33.0`
(unknown fields are errors) across a matrix that covers every strategy and option."""
import itertools
import json
import subprocess

import yaml

from backstop_render_support import render, require_tool

MOUNTS = {
    "data": {"path": "/var/mail", "sub_path": "data"},
    "state": {"path": "/var/mail-state", "sub_path": "state"},
    "log": {"path": "/var/log/mail"},
}

STRATEGIES = {
    "rsync": {"source_claim": "app-data", "mounts": MOUNTS},
    "sqlite": {
        "source_claim": "app-data",
        "mounts": {"data": {"path": "/data"}},
        "database": "/data/db.sqlite3",
        "extra_paths": ["/data/rsa_key.pem", "/data/attachments"],
    },
    "pg_dumpall": {"host": "postgres.dbaas", "user": "backup", "password_secret": {"name": "pg", "key": "password"}},
    "mysqldump": {"host": "mysql.dbaas", "user": "root", "password_secret": {"name": "mysql", "key": "root-password"}},
    "command": {"source_claim": "app-data", "mounts": {"data": {"path": "/data"}}, "command": 'tar -C /data -cf "$SNAPSHOT/data.tar" .'},
}

OPTIONS = {
    "time_zone": {"time_zone": "Europe/Berlin"},
    "suspend": {"suspend": True},
    "colocate_with": {"colocate_with": {"app": "demo", "app.kubernetes.io/instance": "demo"}},
    "resources": {"resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}}},
    "image_and_pushgateway": {"image": "alpine:3.21", "pushgateway_url": "http://pgw.monitoring:9091"},
    "keep_and_labels": {"keep": 3, "labels": {"tier": "backup"}},
}

DEFAULTS_VARIANTS = [
    {},
    {
        "nfs_server": "nas.lan", "nfs_base_path": "/mnt/main", "storage_class": "nfs-static",
        "mount_options": ["nfsvers=4.1", "hard"], "image": "alpine:3.22",
        "pushgateway_url": "http://pgw:9091", "time_zone": "UTC", "labels": {"owner": "ops"},
    },
]

VOLUMES = [
    {"name": "demo-backup-host", "namespace": "demo", "nfs_server": "10.0.0.5"},
    {
        "name": "demo2-backup-host", "namespace": "demo", "nfs_server": "nas.lan", "nfs_path": "/srv/nfs/x",
        "storage": "50Gi", "access_modes": ["ReadWriteOnce"], "storage_class": "manual",
        "mount_options": ["nfsvers=4.2"], "reclaim_policy": "Retain", "csi_driver": "nfs.csi.k8s.io",
        "labels": {"tier": "backup"},
    },
]


def job_matrix():
    for (strategy, base), (option, extra) in itertools.product(STRATEGIES.items(), [("plain", {}), *OPTIONS.items()]):
        yield {
            "name": f"{strategy.replace('_', '')}-{option.replace('_', '-')}"[:40],
            "namespace": "demo",
            "schedule": "0 3 * * *",
            "strategy": strategy,
            "destination_claim": "demo-backup-host",
            **base,
            **extra,
        }


def manifests():
    objects = []
    for defaults in DEFAULTS_VARIANTS:
        rendered = render({"defaults": defaults, "volumes": VOLUMES, "jobs": list(job_matrix())})
        for volume in rendered["volumes"]:
            objects += [volume["persistent_volume"], volume["persistent_volume_claim"]]
        # A job's settings ConfigMap first, as every output writes it.
        objects += [obj for job in rendered["jobs"] for obj in (job["settings"], job["cronjob"])]
    return objects


def validate(tmp_path, objects):
    files = []
    for i, obj in enumerate(objects):
        path = tmp_path / f"{i:03}-{obj['kind']}.yaml"
        path.write_text(yaml.safe_dump(obj))
        files.append(str(path))
    return subprocess.run(
        [require_tool("kubernetes-validate"), "--strict", "-k", "1.33.0", *files],
        capture_output=True, text=True,
    )


def test_every_rendered_object_passes_strict_schema_validation(tmp_path):
    objects = manifests()
    kinds = {o["kind"] for o in objects}
    assert kinds == {"PersistentVolume", "PersistentVolumeClaim", "ConfigMap", "CronJob"}
    assert len(objects) == 2 * (2 * len(VOLUMES) + 2 * len(STRATEGIES) * (len(OPTIONS) + 1))
    done = validate(tmp_path, objects)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("passed") == len(objects), done.stdout


def test_the_validator_rejects_an_unknown_field(tmp_path):
    """The check above can fail: a misspelt field in a rendered CronJob is caught."""
    cronjob = manifests()[-1]
    cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["readonly"] = True
    done = validate(tmp_path, [cronjob])
    assert done.returncode != 0, done.stdout


def test_the_validator_rejects_a_config_map_value_that_is_not_a_string(tmp_path):
    """The ConfigMap's data must be strings (`KEEP_WEEKS: '8'`): a number is caught."""
    settings = next(o for o in manifests() if o["kind"] == "ConfigMap")
    assert all(isinstance(v, str) for v in settings["data"].values()), settings
    settings["data"]["KEEP_WEEKS"] = 8
    done = validate(tmp_path, [settings])
    assert done.returncode != 0, done.stdout


def test_options_reach_the_manifest():
    """Spot checks that the matrix really exercises the options it names."""
    rendered = render({"jobs": list(job_matrix())})
    by_name = {j["cronjob_name"]: j["cronjob"] for j in rendered["jobs"]}
    settings = {j["cronjob_name"]: j["settings"] for j in rendered["jobs"]}
    for name, cronjob in by_name.items():
        container = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        assert container["envFrom"] == [{"configMapRef": {"name": settings[name]["metadata"]["name"], "optional": True}}], name
        assert settings[name]["metadata"]["name"] == f"{name}-settings"
        assert settings[name]["metadata"]["namespace"] == cronjob["metadata"]["namespace"]
    assert settings["rsync-keep-and-labels-backup"]["data"]["KEEP_WEEKS"] == "3"
    assert settings["rsync-keep-and-labels-backup"]["metadata"]["labels"]["tier"] == "backup"
    assert settings["sqlite-image-and-pushgateway-backup"]["data"]["PUSHGATEWAY_URL"] == "http://pgw.monitoring:9091"
    assert settings["pgdumpall-plain-backup"]["data"]["DB_HOST"] == "postgres.dbaas"
    spec = by_name["rsync-time-zone-backup"]["spec"]
    assert spec["timeZone"] == "Europe/Berlin"
    assert by_name["rsync-suspend-backup"]["spec"]["suspend"] is True
    pod = by_name["rsync-colocate-with-backup"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    term = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["topologyKey"] == "kubernetes.io/hostname"
    assert term["labelSelector"]["matchLabels"]["app"] == "demo"
    container = by_name["rsync-resources-backup"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"] == {"memory": "256Mi"}
    env = {e["name"]: e for e in by_name["pgdumpall-plain-backup"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["PGPASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "pg", "key": "password"}
    assert json.dumps(env).count("password") == 1  # only the key name, never a value

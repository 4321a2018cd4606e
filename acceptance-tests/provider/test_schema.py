"""`terraform providers schema -json`: all five resources and data sources, the provider
block and the function, every attribute described; the library's `schema_json()` (used by
the docs generator, printed by `--schema-json`) has exactly the same shape."""
import json
import subprocess

from provider_support import PROVIDER_ADDRESS

TYPES = {"backstop_nfs_backup_volume", "backstop_backup_job", "backstop_backup_alert", "backstop_restore_test",
         "backstop_restore"}


def undescribed(attributes: dict, prefix: str = "") -> list[str]:
    missing = []
    for name, attribute in attributes.items():
        if not attribute.get("description", "").strip():
            missing.append(prefix + name)
        nested = attribute.get("nested_type", {}).get("attributes", {})
        missing += undescribed(nested, f"{prefix}{name}.")
    return missing


def test_schema_lists_everything_with_descriptions(workspace, provider_bin):
    workspace.write("")
    schema = json.loads(workspace.run("providers", "schema", "-json").stdout)["provider_schemas"][PROVIDER_ADDRESS]
    assert set(schema["resource_schemas"]) == TYPES
    assert set(schema["data_source_schemas"]) == TYPES
    assert set(schema["functions"]) == {"stale_after"}
    for kind in ("resource_schemas", "data_source_schemas"):
        for type_name, resource in schema[kind].items():
            assert resource["block"]["description"], type_name
            assert undescribed(resource["block"]["attributes"]) == [], type_name
    assert undescribed(schema["provider"]["block"]["attributes"]) == []
    assert set(schema["provider"]["block"]["attributes"]) == {
        "nfs_server", "nfs_base_path", "storage_class", "mount_options", "image", "pushgateway_url", "time_zone", "labels"
    }
    job = schema["resource_schemas"]["backstop_backup_job"]["block"]["attributes"]
    # It names where a credential lives, as the rendered manifest does in clear.
    assert "sensitive" not in job["password_secret"]
    # The job's objects: the CronJob and the settings ConfigMap it reads, computed only.
    for name in ("manifest", "config_map_manifest"):
        assert {k: job[name].get(k) for k in ("type", "computed", "optional")} == {
            "type": "dynamic", "computed": True, "optional": None}, name
    assert {name for name, a in job.items() if a.get("computed") and not a.get("optional")} == {
        "id", "cronjob_name", "manifest", "config_map_manifest"}
    # Resources hold no text copies; the data sources have them.
    assert not {"manifest_json", "manifest_yaml", "script"} & set(job)
    data_job = schema["data_source_schemas"]["backstop_backup_job"]["block"]["attributes"]
    assert {"manifest", "config_map_manifest", "manifest_json", "manifest_yaml", "script"} <= set(data_job)
    # An added computed attribute needs no schema version: a stored state without it reads
    # it as null (test_state_upgrade.py, the schema-1 fixture).
    assert schema["resource_schemas"]["backstop_backup_job"]["version"] == 1

    # A drill's and a restore's `job` holds exactly the job's inputs (so a whole job
    # resource converts to it); the drill's schedule is set by the user or derived.
    inputs = {name for name, a in job.items() if not a.get("computed")}
    for type_name in ("backstop_restore_test", "backstop_restore"):
        resource = schema["resource_schemas"][type_name]
        assert resource["version"] == 1, type_name
        nested = resource["block"]["attributes"]["job"]["nested_type"]
        assert nested["nesting_mode"] == "single" and set(nested["attributes"]) == inputs, type_name
        assert nested["attributes"] == {k: v for k, v in job.items() if k in inputs}, type_name
        assert resource["block"]["attributes"]["manifest"]["computed"] is True
    drill_schedule = schema["resource_schemas"]["backstop_restore_test"]["block"]["attributes"]["schedule"]
    assert drill_schedule["optional"] is True and drill_schedule["computed"] is True

    library = json.loads(subprocess.run([provider_bin, "--schema-json"], capture_output=True, text=True, check=True).stdout)
    assert library == schema

# A sqlite backup every 6 hours: integrity check, `.backup`, check of the copy, side files.
data "backstop_backup_job" "vaultwarden" {
  name         = "vaultwarden"
  namespace    = "vaultwarden"
  schedule     = "0 */6 * * *"
  strategy     = "sqlite"
  source_claim = "vaultwarden-data"
  mounts = {
    data = { path = "/data" }
  }
  database          = "/data/db.sqlite3"
  extra_paths       = ["/data/rsa_key.pem", "/data/attachments", "/data/config.json"]
  keep              = 30
  colocate_with     = { app = "vaultwarden" }
  destination_claim = "vaultwarden-backup-host"
}

output "vaultwarden_backup_script" {
  value = data.backstop_backup_job.vaultwarden.script
}

# For a GitOps repository: the settings ConfigMap, then the CronJob that reads it, as one
# YAML stream (`backstop render --format yaml`); commit both.
output "vaultwarden_backup_yaml" {
  value = data.backstop_backup_job.vaultwarden.manifest_yaml
}

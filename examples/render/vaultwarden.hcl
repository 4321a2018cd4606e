# Vaultwarden's SQLite database (checked, copied with .backup, checked again) and its
# side files, every 6 hours, 30 days kept.
#   backstop render examples/render/vaultwarden.hcl

backstop {
  nfs_server = "10.0.10.15"
  image      = "alpine:3.22"
}

nfs_backup_volume "vaultwarden" {
  name      = "vaultwarden-backup-host"
  namespace = "vaultwarden"
}

backup_job "vaultwarden" {
  namespace    = "vaultwarden"
  schedule     = "0 */6 * * *"
  strategy     = "sqlite"
  source_claim = "vaultwarden-data-encrypted"
  mounts = {
    data = { path = "/data" }
  }
  database          = "/data/db.sqlite3"
  extra_paths       = ["/data/rsa_key.pem", "/data/rsa_key.pub.pem", "/data/attachments", "/data/config.json"]
  destination_claim = nfs_backup_volume.vaultwarden.claim_name
  keep              = 30
  colocate_with     = { "app.kubernetes.io/name" = "vaultwarden" }
}

backup_alert "vaultwarden" {
  cronjob_name = backup_job.vaultwarden.cronjob_name
  namespace    = backup_job.vaultwarden.namespace
  schedule     = backup_job.vaultwarden.schedule
}

# Vaultwarden's SQLite copies, and the Job that restores the newest complete one into a
# fresh claim (refused if its `data` folder holds anything). Rendering runs nothing: the
# restore runs when the Job is created in the cluster, once.
resource "backstop_backup_job" "vaultwarden" {
  name         = "vaultwarden"
  namespace    = "vaultwarden"
  schedule     = "0 */6 * * *"
  strategy     = "sqlite"
  source_claim = "vaultwarden-data"
  mounts = {
    data = { path = "/data" }
  }
  database          = "/data/db.sqlite3"
  extra_paths       = ["/data/rsa_key.pem", "/data/attachments"]
  destination_claim = "vaultwarden-backup-host"
}

resource "backstop_restore" "vaultwarden" {
  job          = backstop_backup_job.vaultwarden
  target_claim = "vaultwarden-data-restored"
}

output "vaultwarden_restore_job_name" {
  value = backstop_restore.vaultwarden.job_name
}

# To run it once with the hashicorp/kubernetes provider, add this, apply, follow
# `kubectl logs -n vaultwarden job/vaultwarden-restore -f`, then remove both blocks
# (a Job re-created later, e.g. after `kubectl delete`, would restore again):
#   resource "kubernetes_manifest" "vaultwarden_restore" {
#     manifest = backstop_restore.vaultwarden.manifest
#   }

# Weekly hard-linked rsync snapshots of the mailserver's three subPaths, each into its own
# folder, from a pod on the node that holds the ReadWriteOnce claim.
resource "backstop_backup_job" "mailserver" {
  name         = "mailserver"
  namespace    = "mailserver"
  schedule     = "0 3 * * *"
  strategy     = "rsync"
  source_claim = "mailserver-data"
  mounts = {
    data  = { path = "/var/mail", sub_path = "data" }
    state = { path = "/var/mail-state", sub_path = "state" }
    log   = { path = "/var/log/mail", sub_path = "log" }
  }
  keep              = 8
  colocate_with     = { app = "mailserver" }
  destination_claim = "mailserver-backup-host"
}

output "mailserver_backup_cronjob_name" {
  value = backstop_backup_job.mailserver.cronjob_name
}

# The settings ConfigMap and the CronJob that reads it, for the hashicorp/kubernetes
# provider (without the ConfigMap every run stops at once, naming it):
#   resource "kubernetes_manifest" "mailserver_backup_settings" {
#     manifest = backstop_backup_job.mailserver.config_map_manifest
#   }
#   resource "kubernetes_manifest" "mailserver_backup" {
#     manifest   = backstop_backup_job.mailserver.manifest
#     depends_on = [kubernetes_manifest.mailserver_backup_settings]
#   }

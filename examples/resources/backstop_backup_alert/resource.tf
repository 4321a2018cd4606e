# BackupStale (threshold derived from the schedule), BackupNeverSucceeded and friends for
# the CronJob `mailserver-backup`.
resource "backstop_backup_alert" "mailserver" {
  cronjob_name = "mailserver-backup"
  namespace    = "mailserver"
  schedule     = "0 3 * * *"
  runbook_url  = "https://wiki.home.arpa/runbooks/backups"
}

output "mailserver_backup_alert_names" {
  value = backstop_backup_alert.mailserver.alert_names
}

# The PrometheusRule, for the hashicorp/kubernetes provider:
#   resource "kubernetes_manifest" "mailserver_backup_alerts" {
#     manifest = backstop_backup_alert.mailserver.manifest
#   }

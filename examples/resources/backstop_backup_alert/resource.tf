# BackupStale (threshold derived from the schedule), BackupNeverSucceeded and friends for
# the CronJob `mailserver-backup`.
resource "backstop_backup_alert" "mailserver" {
  cronjob_name = "mailserver-backup"
  namespace    = "mailserver"
  schedule     = "0 3 * * *"
  runbook_url  = "https://wiki.home.arpa/runbooks/backups"
}

output "mailserver_backup_rules_yaml" {
  value = backstop_backup_alert.mailserver.rule_group_yaml
}

# The mailserver's nightly rsync snapshots, and a weekly drill that restores the newest
# complete one into scratch space and checks every entry against its manifest (hashing a
# tenth of the files). Unset, the schedule is Sunday two hours after the backup.
resource "backstop_backup_job" "mailserver" {
  name         = "mailserver"
  namespace    = "mailserver"
  schedule     = "0 3 * * *"
  source_claim = "mailserver-data"
  mounts = {
    data  = { path = "/var/mail", sub_path = "data" }
    state = { path = "/var/mail-state", sub_path = "state" }
  }
  colocate_with     = { app = "mailserver" }
  destination_claim = "mailserver-backup-host"
}

resource "backstop_restore_test" "mailserver" {
  job             = backstop_backup_job.mailserver
  verify_fraction = 0.1
}

# The backup's alerts plus MailserverRestoreTestFailed and MailserverRestoreTestStale.
resource "backstop_backup_alert" "mailserver" {
  cronjob_name          = backstop_backup_job.mailserver.cronjob_name
  namespace             = backstop_backup_job.mailserver.namespace
  schedule              = backstop_backup_job.mailserver.schedule
  restore_test_schedule = backstop_restore_test.mailserver.schedule
}

output "mailserver_drill_schedule" {
  value = backstop_restore_test.mailserver.schedule
}

# The drill CronJob, for the hashicorp/kubernetes provider:
#   resource "kubernetes_manifest" "mailserver_restore_test" {
#     manifest = backstop_restore_test.mailserver.manifest
#   }

# A one-off restore of the mailserver's `data` folder from week 15 into a fresh claim:
#   terraform output -raw mailserver_restore_yaml | kubectl apply -f -
# The backup job's inputs are given as an object here; `job = backstop_backup_job.<name>`
# (or a `backstop_backup_job` data source) passes the same.
data "backstop_restore" "mailserver" {
  job = {
    name              = "mailserver"
    namespace         = "mailserver"
    schedule          = "0 3 * * *"
    source_claim      = "mailserver-data"
    mounts            = { data = { path = "/var/mail", sub_path = "data" } }
    destination_claim = "mailserver-backup-host"
  }
  snapshot     = "2026-15"
  target_claim = "mailserver-data-restored"
}

output "mailserver_restore_yaml" {
  value = data.backstop_restore.mailserver.manifest_yaml
}

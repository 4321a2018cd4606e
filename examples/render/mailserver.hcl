# The mailserver's maildirs, state and logs, snapshotted weekly with rsync hard links
# onto an NFS volume, daily at 03:00, 8 weeks kept.
#   backstop render examples/render/mailserver.hcl

backstop {
  nfs_server = "10.0.10.15"
  image      = "alpine:3.22"
}

nfs_backup_volume "mailserver" {
  name      = "mailserver-backup-host"
  namespace = "mailserver"
}

backup_job "mailserver" {
  namespace    = "mailserver"
  schedule     = "0 3 * * *"
  strategy     = "rsync"
  source_claim = "mailserver-data-encrypted"
  mounts = {
    data  = { path = "/var/mail", sub_path = "data" }
    state = { path = "/var/mail-state", sub_path = "state" }
    log   = { path = "/var/log/mail", sub_path = "log" }
  }
  destination_claim = nfs_backup_volume.mailserver.claim_name
  keep              = 8
  colocate_with     = { app = "mailserver" }
}

backup_alert "mailserver" {
  cronjob_name = backup_job.mailserver.cronjob_name
  namespace    = backup_job.mailserver.namespace
  schedule     = backup_job.mailserver.schedule
  runbook_url  = "https://wiki.example.org/runbooks/backups"
}

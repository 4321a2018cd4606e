# Drills and a restore for three apps: the mailserver's rsync snapshots, Vaultwarden's
# SQLite copies and the wiki's PostgreSQL dumps. Each backup has a weekly drill
# (restore_test) that restores its newest complete snapshot into scratch space (a dump:
# into a throwaway server in the drill pod) and proves it; the alerts gain
# RestoreTestFailed and RestoreTestStale. The restore block renders a Job that brings the
# mailserver's `data` folder back into a fresh claim. See docs/guides/restore.md.
#   backstop render examples/render/restore.hcl
#   backstop restore examples/render/restore.hcl --job vaultwarden --target-claim vaultwarden-data-restored
#   backstop restore examples/render/restore.hcl --job wiki

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
  }
  destination_claim = nfs_backup_volume.mailserver.claim_name
  keep              = 8
}

# Weekly on Sunday two hours after the backup (05:00); a tenth of the files hashed, every
# entry's type, size, mode and link target checked.
restore_test "mailserver" {
  job             = backup_job.mailserver
  verify_fraction = 0.1
}

backup_alert "mailserver" {
  cronjob_name = backup_job.mailserver.cronjob_name
  namespace    = backup_job.mailserver.namespace
  schedule     = backup_job.mailserver.schedule
}

# The newest complete snapshot of `data` into the claim mailserver-data-restored, folder
# `data`; refused if that folder holds anything (overwrite = true keeps the old content
# aside until the restored data verified).
restore "mailserver-data" {
  job          = backup_job.mailserver
  folder       = "data"
  target_claim = "mailserver-data-restored"
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
  extra_paths       = ["/data/rsa_key.pem", "/data/attachments"]
  destination_claim = nfs_backup_volume.vaultwarden.claim_name
  keep              = 30
}

# PRAGMA integrity_check on the restored copy, then a query that must find at least one user.
restore_test "vaultwarden" {
  job         = backup_job.vaultwarden
  schedule    = "30 4 * * 0"
  check_query = "SELECT count(*) FROM users"
  min_rows    = 1
}

backup_alert "vaultwarden" {
  cronjob_name = backup_job.vaultwarden.cronjob_name
  namespace    = backup_job.vaultwarden.namespace
  schedule     = backup_job.vaultwarden.schedule
}

nfs_backup_volume "wiki" {
  name      = "wiki-backup-host"
  namespace = "wiki"
}

backup_job "wiki" {
  namespace         = "wiki"
  schedule          = "30 1 * * *"
  strategy          = "pg_dumpall"
  host              = "postgres.wiki.svc"
  user              = "postgres"
  password_secret   = { name = "wiki-postgres", key = "password" }
  destination_claim = nfs_backup_volume.wiki.claim_name
}

# The newest dump loaded into a throwaway PostgreSQL 16 inside the drill pod, then a query
# in the wiki's database that must count at least one page.
restore_test "wiki" {
  job            = backup_job.wiki
  server_version = "16"
  check_query    = "SELECT count(*) FROM pages"
  check_database = "wiki"
}

backup_alert "wiki" {
  cronjob_name = backup_job.wiki.cronjob_name
  namespace    = backup_job.wiki.namespace
  schedule     = backup_job.wiki.schedule
}

# Network dumps of the shared PostgreSQL and MariaDB servers, gzipped, 14 days kept.
# Passwords come from a Secret, never from the script.
#   backstop render examples/render/dbaas.hcl

backstop {
  nfs_server = "10.0.10.15"
  image      = "alpine:3.22"
}

nfs_backup_volume "dbaas" {
  name      = "dbaas-backup-host"
  namespace = "dbaas"
}

backup_job "postgresql" {
  namespace         = "dbaas"
  schedule          = "0 0 * * *"
  strategy          = "pg_dumpall"
  host              = "postgresql.dbaas.svc.cluster.local"
  user              = "postgres"
  password_secret   = { name = "postgresql-credentials", key = "postgres-password" }
  destination_claim = nfs_backup_volume.dbaas.claim_name
  keep              = 14
}

backup_job "mysql" {
  namespace         = "dbaas"
  schedule          = "30 0 * * *"
  strategy          = "mysqldump"
  host              = "mysql.dbaas.svc.cluster.local"
  user              = "root"
  password_secret   = { name = "mysql-credentials", key = "mysql-root-password" }
  destination_claim = nfs_backup_volume.dbaas.claim_name
  keep              = 14
}

backup_alert "postgresql" {
  cronjob_name = backup_job.postgresql.cronjob_name
  namespace    = backup_job.postgresql.namespace
  schedule     = backup_job.postgresql.schedule
}

backup_alert "mysql" {
  cronjob_name = backup_job.mysql.cronjob_name
  namespace    = backup_job.mysql.namespace
  schedule     = backup_job.mysql.schedule
}

# A PostgreSQL drill: the newest dump is loaded into a throwaway PostgreSQL 16 server in
# the drill pod, and the query must find at least 3 databases.
data "backstop_backup_job" "postgresql" {
  name              = "postgresql"
  namespace         = "dbaas"
  schedule          = "0 0 * * *"
  strategy          = "pg_dumpall"
  host              = "pg-cluster-rw.dbaas"
  user              = "postgres"
  password_secret   = { name = "pg-cluster-superuser", key = "password" }
  destination_claim = "postgresql-backup-host"
}

data "backstop_restore_test" "postgresql" {
  job            = data.backstop_backup_job.postgresql
  server_version = "16"
  check_query    = "SELECT count(*) FROM pg_database"
  min_rows       = 3
}

output "postgresql_drill_yaml" {
  value = data.backstop_restore_test.postgresql.manifest_yaml
}

output "postgresql_drill_schedule" {
  value = data.backstop_restore_test.postgresql.schedule
}

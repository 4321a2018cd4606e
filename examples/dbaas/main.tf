# The dbaas namespace is not snapshot-protected: dump every database nightly over the
# network, 30 minutes apart so that the two NFS writers never share a slot, keeping 14 days.
# Passwords come from Secrets, never from the script text.

terraform {
  required_providers {
    backstop = {
      source  = "backstop/backstop"
      version = "~> 0.1"
    }
  }
}

provider "backstop" {
  nfs_server    = "nfs.home.arpa"
  nfs_base_path = "/srv/nfs"
}

module "postgresql_backup" {
  source = "../../modules/app-backup"

  name      = "postgresql"
  namespace = "dbaas"
  schedule  = "0 0 * * *"
  strategy  = "pg_dumpall"
  host      = "pg-cluster-rw.dbaas"
  user      = "postgres"
  password_secret = {
    name = "pg-cluster-superuser"
    key  = "password"
  }
  keep = 14
}

module "mysql_backup" {
  source = "../../modules/app-backup"

  name      = "mysql"
  namespace = "dbaas"
  schedule  = "30 0 * * *"
  strategy  = "mysqldump"
  host      = "mysql-primary.dbaas"
  user      = "root"
  password_secret = {
    name = "mysql-root"
    key  = "password"
  }
  keep = 14
}

output "manifests" {
  value = merge(
    { for role, manifest in module.postgresql_backup.manifests : "postgresql-${role}" => manifest },
    { for role, manifest in module.mysql_backup.manifests : "mysql-${role}" => manifest },
  )
}

output "rule_groups" {
  value = [module.postgresql_backup.rule_group, module.mysql_backup.rule_group]
}

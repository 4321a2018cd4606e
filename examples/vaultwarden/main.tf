# Vaultwarden keeps the password vault in SQLite on a snapshot-only block volume: back it up
# every 6 hours with an integrity-checked `.backup`, the RSA keys, attachments and config,
# and alert when the backup goes stale or never succeeds.

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

module "vaultwarden_backup" {
  source = "../../modules/app-backup"

  name         = "vaultwarden"
  namespace    = "vaultwarden"
  schedule     = "0 */6 * * *"
  strategy     = "sqlite"
  source_claim = "vaultwarden-data"
  mounts = {
    data = { path = "/data" }
  }
  database = "/data/db.sqlite3"
  extra_paths = [
    "/data/rsa_key.pem",
    "/data/rsa_key.pub.pem",
    "/data/attachments",
    "/data/sends",
    "/data/config.json",
  ]
  keep          = 30
  colocate_with = { app = "vaultwarden" }
}

# Apply with the hashicorp/kubernetes provider; `manifests` holds every object, the job's
# settings ConfigMap (`config_map`, which the CronJob's pods read) included:
#   resource "kubernetes_manifest" "vaultwarden_backup" {
#     for_each = module.vaultwarden_backup.manifests
#     manifest = each.value
#   }
output "manifests" {
  value = module.vaultwarden_backup.manifests
}

# For the monitoring stack's Prometheus Helm values.
output "rule_group_yaml" {
  value = module.vaultwarden_backup.rule_group_yaml
}

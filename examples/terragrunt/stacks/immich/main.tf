# Immich's library is a tree of many small files: weekly hard-linked rsync snapshots of
# the upload and profile folders, from the node that holds the ReadWriteOnce claim.
module "immich_backup" {
  source = "../../../../modules/app-backup"

  name         = "immich"
  namespace    = "immich"
  schedule     = "0 4 * * *"
  source_claim = "immich-library"
  mounts = {
    upload  = { path = "/usr/src/app/upload/upload", sub_path = "upload" }
    profile = { path = "/usr/src/app/upload/profile", sub_path = "profile" }
  }
  keep          = 8
  colocate_with = { "app.kubernetes.io/name" = "immich-server" }
}

output "manifests" {
  value = module.immich_backup.manifests
}

output "rule_group" {
  value = module.immich_backup.rule_group
}

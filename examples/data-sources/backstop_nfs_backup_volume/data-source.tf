# Renders the PV + PVC pair without managing a resource, e.g. to feed `kubernetes_manifest`.
data "backstop_nfs_backup_volume" "vaultwarden" {
  name      = "vaultwarden-backup-host"
  namespace = "vaultwarden"
}

output "vaultwarden_backup_claim" {
  value = data.backstop_nfs_backup_volume.vaultwarden.persistent_volume_claim_manifest
}

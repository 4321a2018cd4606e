# The PV + PVC pair as a two-document YAML stream, byte for byte what `backstop render`
# writes, for a GitOps repository. `nfs_server` may instead come from the provider block.
data "backstop_nfs_backup_volume" "vaultwarden" {
  name       = "vaultwarden-backup-host"
  namespace  = "vaultwarden"
  nfs_server = "nfs.home.arpa"
}

output "vaultwarden_backup_volume_yaml" {
  value = data.backstop_nfs_backup_volume.vaultwarden.manifest_yaml
}

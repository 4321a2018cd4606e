# The NFS PV + PVC pair `mailserver-backup-host` (Retain, nfsvers=4 soft mount options).
resource "backstop_nfs_backup_volume" "mailserver" {
  name       = "mailserver-backup-host"
  namespace  = "mailserver"
  nfs_server = "nfs.home.arpa"
  nfs_path   = "/srv/nfs/mailserver-backup"
}

output "mailserver_backup_volume_yaml" {
  value = backstop_nfs_backup_volume.mailserver.manifest_yaml
}

# The NFS PV + PVC pair `mailserver-backup-host` (Retain, nfsvers=4 soft mount options).
resource "backstop_nfs_backup_volume" "mailserver" {
  name       = "mailserver-backup-host"
  namespace  = "mailserver"
  nfs_server = "nfs.home.arpa"
  nfs_path   = "/srv/nfs/mailserver-backup"
}

output "mailserver_backup_claim_name" {
  value = backstop_nfs_backup_volume.mailserver.claim_name
}

# The PV and the PVC, for the hashicorp/kubernetes provider:
#   resource "kubernetes_manifest" "mailserver_backup_volume" {
#     manifest = backstop_nfs_backup_volume.mailserver.persistent_volume_manifest
#   }
#   resource "kubernetes_manifest" "mailserver_backup_claim" {
#     manifest   = backstop_nfs_backup_volume.mailserver.persistent_volume_claim_manifest
#     depends_on = [kubernetes_manifest.mailserver_backup_volume]
#   }

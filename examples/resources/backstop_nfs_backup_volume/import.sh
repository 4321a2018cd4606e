# An NFS backup volume is imported by `<namespace>/<name>` of its PVC.
terraform import backstop_nfs_backup_volume.mailserver mailserver/mailserver-backup-host

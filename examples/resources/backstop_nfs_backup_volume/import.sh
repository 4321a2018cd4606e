# An NFS backup volume is imported by its own `id`: `<namespace>/<claim_name>`.
terraform import backstop_nfs_backup_volume.mailserver mailserver/mailserver-backup-host

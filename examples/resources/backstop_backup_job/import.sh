# A backup job is imported by `<namespace>/<app name>` (the app's name, not `<name>-backup`).
terraform import backstop_backup_job.mailserver mailserver/mailserver

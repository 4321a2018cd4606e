# A backup job is imported by its own `id`: `<namespace>/<cronjob_name>`.
terraform import backstop_backup_job.mailserver mailserver/mailserver-backup

# Alert rules are imported by their own `id`: `<namespace>/<cronjob_name>` of the CronJob they watch.
terraform import backstop_backup_alert.mailserver mailserver/mailserver-backup

# A drill is imported by its own `id`: `<namespace>/<cronjob_name>` of the drill CronJob.
terraform import backstop_restore_test.mailserver mailserver/mailserver-restore-test

output "cronjob_name" {
  description = "Name of the CronJob, `<name>-backup`, for the alert rules (`backstop_backup_alert` or `backstop render`)."
  value       = kubernetes_cron_job_v1.this.metadata[0].name
}

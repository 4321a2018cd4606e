output "cronjob_name" {
  description = "Name of the CronJob, `<name>-backup`, for the alert rules (`backstop_backup_alert` or `backstop render`)."
  value       = kubernetes_cron_job_v1.this.metadata[0].name
}

output "settings_name" {
  description = "Name of the ConfigMap holding the job's settings, `<name>-backup-settings`."
  value       = kubernetes_config_map_v1.settings.metadata[0].name
}

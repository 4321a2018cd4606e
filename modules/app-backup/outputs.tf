output "manifests" {
  description = "Every Kubernetes object of the backup by role (`persistent_volume`, `persistent_volume_claim`, `config_map`, `cronjob`, `prometheus_rule`): `for_each` over it with `kubernetes_manifest`. `config_map` holds the job's settings (retention, shrink guard, Pushgateway, database host and user), which the CronJob reads whole: changing one of them changes only this object."
  value = {
    persistent_volume       = backstop_nfs_backup_volume.this.persistent_volume_manifest
    persistent_volume_claim = backstop_nfs_backup_volume.this.persistent_volume_claim_manifest
    config_map              = backstop_backup_job.this.config_map_manifest
    cronjob                 = backstop_backup_job.this.manifest
    prometheus_rule         = backstop_backup_alert.this.manifest
  }
}

output "rule_group" {
  description = "The Prometheus rule group as an object, for the Prometheus Helm chart's rule values (`yamlencode` it into the values)."
  value       = backstop_backup_alert.this.manifest.spec.groups[0]
}

output "rule_group_yaml" {
  description = "The Prometheus rule group as YAML, for a rules file or `promtool check rules`."
  value       = data.backstop_backup_alert.this.rule_group_yaml
}

output "claim_name" {
  description = "Name of the NFS backup claim the CronJob writes to."
  value       = backstop_nfs_backup_volume.this.claim_name
}

output "cronjob_name" {
  description = "Name of the backup CronJob, `<name>-backup`."
  value       = backstop_backup_job.this.cronjob_name
}

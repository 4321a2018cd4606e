# The rule group for the Prometheus Helm chart's values, rendered without a resource.
data "backstop_backup_alert" "vaultwarden" {
  cronjob_name = "vaultwarden-backup"
  namespace    = "vaultwarden"
  schedule     = "0 */6 * * *"
}

output "prometheus_values" {
  value = yamlencode({
    serverFiles = {
      "alerting_rules.yml" = { groups = [data.backstop_backup_alert.vaultwarden.rule_group] }
    }
  })
}

# The mailserver backup of the reference homelab, as Terraform: an NFS PV/PVC pair, a
# daily 03:00 rsync CronJob that snapshots the maildirs, state and logs weekly with hard
# links (8 weeks kept) on the node that holds the RWO claim, and the alert rules.
#
# The inputs are those of examples/render/mailserver.hcl, so `terraform apply` here and
# `backstop render examples/render/mailserver.hcl` produce the same objects
# (acceptance-tests/provider/test_mailserver_example.py checks it).

terraform {
  required_providers {
    backstop = {
      source  = "backstop/backstop"
      version = "~> 0.1"
    }
  }
}

provider "backstop" {
  nfs_server = "10.0.10.15"
  image      = "alpine:3.22"
}

resource "backstop_nfs_backup_volume" "mailserver" {
  name      = "mailserver-backup-host"
  namespace = "mailserver"
}

resource "backstop_backup_job" "mailserver" {
  name         = "mailserver"
  namespace    = "mailserver"
  schedule     = "0 3 * * *"
  strategy     = "rsync"
  source_claim = "mailserver-data-encrypted"
  # Each subPath of the mailserver deployment lands in its own snapshot folder.
  mounts = {
    data  = { path = "/var/mail", sub_path = "data" }
    state = { path = "/var/mail-state", sub_path = "state" }
    log   = { path = "/var/log/mail", sub_path = "log" }
  }
  destination_claim = backstop_nfs_backup_volume.mailserver.claim_name
  keep              = 8
  colocate_with     = { app = "mailserver" }
}

resource "backstop_backup_alert" "mailserver" {
  cronjob_name = backstop_backup_job.mailserver.cronjob_name
  namespace    = backstop_backup_job.mailserver.namespace
  schedule     = backstop_backup_job.mailserver.schedule
  runbook_url  = "https://wiki.example.org/runbooks/backups"
}

# Applying with the hashicorp/kubernetes provider: each rendered object is an attribute
# holding it as an object, no jsondecode. The job is two objects: the ConfigMap of its
# settings (retention, limits, Pushgateway URL), which its pods read whole, and the
# CronJob. Apply both, the ConfigMap first: without it every run stops at once, naming it.
#
#   resource "kubernetes_manifest" "mailserver_backup_volume" {
#     manifest = backstop_nfs_backup_volume.mailserver.persistent_volume_manifest
#   }
#   resource "kubernetes_manifest" "mailserver_backup_claim" {
#     manifest   = backstop_nfs_backup_volume.mailserver.persistent_volume_claim_manifest
#     depends_on = [kubernetes_manifest.mailserver_backup_volume]
#   }
#   resource "kubernetes_manifest" "mailserver_backup_settings" {
#     manifest = backstop_backup_job.mailserver.config_map_manifest
#   }
#   resource "kubernetes_manifest" "mailserver_backup" {
#     manifest   = backstop_backup_job.mailserver.manifest
#     depends_on = [kubernetes_manifest.mailserver_backup_settings]
#   }
#   # With the Prometheus operator:
#   resource "kubernetes_manifest" "mailserver_backup_alerts" {
#     manifest = backstop_backup_alert.mailserver.manifest
#   }
#
# For GitOps files (YAML or JSON exactly as `backstop render` writes them), read the same
# inputs through the data sources of the same names: their `manifest_yaml`, `manifest_json`
# and `script` are not stored in the resources, so plans stay short; the job's hold the
# ConfigMap, then the CronJob (docs/guides/objects-and-text-forms.md).

output "cronjob_name" {
  value = backstop_backup_job.mailserver.cronjob_name
}

# For the monitoring stack's Helm release (prometheus-community/prometheus), which loads
# rule groups from its values: see helm-values.yaml.tftpl.
output "prometheus_helm_values" {
  description = "Values for the Prometheus chart with the mailserver's backup alert rules."
  value = templatefile("${path.module}/helm-values.yaml.tftpl", {
    rule_groups = backstop_backup_alert.mailserver.manifest.spec.groups
  })
}

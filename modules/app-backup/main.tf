# One call per app: the NFS backup volume, the CronJob that writes to it (and the ConfigMap of
# its settings), and the alert rules that watch the CronJob, wired together so that names
# cannot disagree.

resource "backstop_nfs_backup_volume" "this" {
  name          = coalesce(var.volume_name, "${var.name}-backup-host")
  namespace     = var.namespace
  nfs_server    = var.nfs_server
  nfs_path      = var.nfs_path
  storage       = var.storage
  storage_class = var.storage_class
  mount_options = var.mount_options
  labels        = var.labels
}

resource "backstop_backup_job" "this" {
  name              = var.name
  namespace         = var.namespace
  schedule          = var.schedule
  strategy          = var.strategy
  source_claim      = var.source_claim
  mounts            = var.mounts
  database          = var.database
  extra_paths       = var.extra_paths
  host              = var.host
  user              = var.user
  password_secret   = var.password_secret
  command           = var.command
  keep              = var.keep
  colocate_with     = var.colocate_with
  image             = var.image
  time_zone         = var.time_zone
  pushgateway_url   = var.pushgateway_url
  resources         = var.resources
  suspend           = var.suspend
  destination_claim = backstop_nfs_backup_volume.this.claim_name
  labels            = var.labels
}

resource "backstop_backup_alert" "this" {
  cronjob_name = backstop_backup_job.this.cronjob_name
  namespace    = var.namespace
  schedule     = var.schedule
  stale_after  = var.stale_after
  severity     = var.severity
  alert_prefix = var.alert_prefix
  runbook_url  = var.runbook_url
  labels       = var.labels
}

# The rule group as text, as `backstop render` writes it: text forms come from the data
# source (plans do not print data sources; the resource holds the PrometheusRule object only).
# It reads the CronJob name from the alert, not the job: Terraform defers (and prints) the
# read of a data source whose resource has a pending change, and a job's settings (`keep`)
# change far more often than its alert rules.
data "backstop_backup_alert" "this" {
  cronjob_name = backstop_backup_alert.this.cronjob_name
  namespace    = var.namespace
  schedule     = var.schedule
  stale_after  = var.stale_after
  severity     = var.severity
  alert_prefix = var.alert_prefix
  runbook_url  = var.runbook_url
  labels       = var.labels
}

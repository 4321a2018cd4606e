variable "name" {
  description = "The app's name: the CronJob is `<name>-backup`, the NFS volume `<name>-backup-host` unless `volume_name` is set."
  type        = string
}

variable "namespace" {
  description = "The app's namespace, where the CronJob and the backup claim live."
  type        = string
}

variable "schedule" {
  description = "Cron schedule of the backup (5 fields, or a macro such as `@daily`); also sets the stale-alert threshold."
  type        = string
}

variable "strategy" {
  description = "`rsync` (default), `sqlite`, `pg_dumpall`, `mysqldump` or `command`."
  type        = string
  default     = "rsync"
}

variable "source_claim" {
  description = "The app's PVC, mounted read-only (rsync, sqlite, command)."
  type        = string
  default     = null
}

variable "mounts" {
  description = "Snapshot folder name -> where it comes from in the source claim. Every source lands in its own folder."
  type = map(object({
    path     = string
    sub_path = optional(string)
  }))
  default = null
}

variable "database" {
  description = "sqlite: absolute path of the database file, under one of `mounts`."
  type        = string
  default     = null
}

variable "extra_paths" {
  description = "sqlite: side files or folders copied next to the database copy."
  type        = list(string)
  default     = null
}

variable "host" {
  description = "Dumps: host name of the database server."
  type        = string
  default     = null
}

variable "user" {
  description = "Dumps: user to connect as."
  type        = string
  default     = null
}

variable "password_secret" {
  description = "Dumps: the Secret key holding the password, read into the job's environment (never written into the script). Not sensitive: it names where the credential lives, as the rendered manifest does."
  type = object({
    name = string
    key  = string
  })
  default = null
}

variable "command" {
  description = "`command` strategy: a shell snippet that writes the snapshot into `$SNAPSHOT`."
  type        = string
  default     = null
}

variable "keep" {
  description = "Retention: weekly snapshots for rsync (default 8), days for the other strategies (30, dumps 14)."
  type        = number
  default     = null
}

variable "colocate_with" {
  description = "Labels of the app's pod: the job pod runs on the same node, as a ReadWriteOnce source claim requires."
  type        = map(string)
  default     = null
}

variable "volume_name" {
  description = "Name of the NFS PV and PVC. Defaults to `<name>-backup-host`."
  type        = string
  default     = null
}

variable "nfs_server" {
  description = "NFS server host name or address. Defaults to the provider's `nfs_server`."
  type        = string
  default     = null
}

variable "nfs_path" {
  description = "Export path on the NFS server. Defaults to `<nfs_base_path>/<volume name>`."
  type        = string
  default     = null
}

variable "storage" {
  description = "Capacity of the PV and PVC, informational for NFS. Defaults to `10Gi`."
  type        = string
  default     = null
}

variable "image" {
  description = "Container image. Defaults to the provider's `image`, else a pinned alpine."
  type        = string
  default     = null
}

variable "time_zone" {
  description = "IANA time zone of the schedule. Defaults to the provider's `time_zone`, else the controller's."
  type        = string
  default     = null
}

variable "pushgateway_url" {
  description = "Pushgateway base URL for the backup metrics. Defaults to the provider's, else the in-cluster monitoring Pushgateway."
  type        = string
  default     = null
}

variable "resources" {
  description = "Resource requests and limits of the backup container."
  type = object({
    requests = optional(map(string))
    limits   = optional(map(string))
  })
  default = null
}

variable "suspend" {
  description = "Suspends the CronJob. Defaults to `false`."
  type        = bool
  default     = null
}

variable "storage_class" {
  description = "Storage class name of the PV and PVC. Defaults to the provider's `storage_class`, else `backstop-static-nfs`, a class no StorageClass provisions, so the claim binds only to its own PV."
  type        = string
  default     = null
}

variable "mount_options" {
  description = "NFS mount options. Defaults to the provider's, else `nfsvers=4`, `soft`, `timeo=30`, `retrans=3`, `actimeo=5`."
  type        = list(string)
  default     = null
}

variable "alert_prefix" {
  description = "Prefix of the alert names. Defaults to the app's name in PascalCase (`mailserver-backup` -> `Mailserver`)."
  type        = string
  default     = null
}

variable "stale_after" {
  description = "Explicit stale threshold such as `36h` or `8d`; wins over `schedule`."
  type        = string
  default     = null
}

variable "severity" {
  description = "The `severity` label of every rule. Defaults to `critical`."
  type        = string
  default     = null
}

variable "runbook_url" {
  description = "`runbook_url` annotation on every rule."
  type        = string
  default     = null
}

variable "labels" {
  description = "Labels added to every rendered object, after the provider's `labels`."
  type        = map(string)
  default     = null
}

variable "name" {
  description = "The app's name; the CronJob is `<name>-backup`. Changing it replaces the resource."
  type        = string
}

variable "namespace" {
  description = "The app's namespace, where the CronJob runs. Changing it replaces the resource."
  type        = string
}

variable "schedule" {
  description = "Cron schedule (5 fields, or a macro such as `@daily`)."
  type        = string
}

variable "host" {
  description = "Dumps: host name of the database server."
  type        = string
}

variable "user" {
  description = "Dumps: user to connect as."
  type        = string
}

variable "password_secret_name" {
  description = "Name of the Kubernetes Secret in the job's namespace."
  type        = string
}

variable "password_secret_key" {
  description = "Key of the password inside the Secret."
  type        = string
}

variable "destination_claim" {
  description = "The NFS claim mounted read-write at `/backup`, e.g. a volume's `claim_name`."
  type        = string
}

variable "image" {
  description = "Container image of the backup job (alpine-based: its busybox runs the script)."
  type        = string
  default     = "alpine:3.22"
}

variable "keep" {
  description = "Retention: weekly snapshots for rsync (default 8), days for the other strategies (30, dumps 14)."
  type        = number
  default     = 14

  validation {
    condition     = floor(var.keep) == var.keep && var.keep >= 1
    error_message = "keep must be a whole number, at least 1."
  }
}

variable "max_shrink_percent" {
  description = "Shrink guard: a run whose source holds more than this many percent fewer files or bytes than the previous backup fails (default 50; 100 turns the ratio check off). An empty source always fails, unless a `backstop-allow-shrink` file in the destination allows it for the next run."
  type        = number
  default     = 50

  validation {
    condition     = floor(var.max_shrink_percent) == var.max_shrink_percent && var.max_shrink_percent >= 0
    error_message = "max_shrink_percent must be a whole number, at least 0."
  }
}

variable "make_room" {
  description = "When the destination is full, delete the oldest copy (never the newest) and copy again, rather than failing every run. Defaults to `true`; not for the `command` strategy."
  type        = bool
  default     = true
}

variable "pushgateway_url" {
  description = "Pushgateway base URL for the backup metrics."
  type        = string
  default     = "http://prometheus-prometheus-pushgateway.monitoring:9091"
}

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

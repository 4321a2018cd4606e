variable "name" {
  description = "The database's name; the CronJob is `<name>-backup`."
  type        = string
}

variable "namespace" {
  description = "Namespace of the CronJob and of the password Secret."
  type        = string
}

variable "schedule" {
  description = "Cron schedule of the dump (5 fields, or a macro such as `@daily`)."
  type        = string
}

variable "host" {
  description = "Host name of the database server."
  type        = string
}

variable "user" {
  description = "User to connect as."
  type        = string
}

variable "password_secret_name" {
  description = "Name of the Secret holding the password."
  type        = string
}

variable "password_secret_key" {
  description = "Key of the password inside the Secret."
  type        = string
}

variable "destination_claim" {
  description = "The NFS claim mounted read-write at `/backup`, e.g. the `claim_name` of kubernetes-nfs-backup-volume."
  type        = string
}

variable "image" {
  description = "Container image of the backup job (alpine-based: its busybox runs the script)."
  type        = string
  default     = "alpine:3.22"
}

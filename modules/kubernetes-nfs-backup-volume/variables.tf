variable "name" {
  description = "Name of both the PV and the PVC, by convention `<app>-backup-host`. Changing it replaces the resource."
  type        = string
}

variable "namespace" {
  description = "Namespace of the PVC. Changing it replaces the resource."
  type        = string
}

variable "nfs_server" {
  description = "NFS server host name or address."
  type        = string
}

variable "nfs_path" {
  description = "Export path on the NFS server. Defaults to `/srv/nfs/<name>`."
  type        = string
  default     = null
}

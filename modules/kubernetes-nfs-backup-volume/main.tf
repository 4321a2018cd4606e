# A static NFS PersistentVolume and the claim bound to it, both named `name`, with
# the backup conventions (Retain, ReadWriteMany, nfsvers=4 soft mount options), for
# the hashicorp/kubernetes provider. Generated from Backstop's rendering core.

locals {
  nfs_path = coalesce(var.nfs_path, "/srv/nfs/${var.name}")
}

resource "kubernetes_persistent_volume" "this" {
  metadata {
    name = var.name
    labels = {
      "app.kubernetes.io/managed-by" = "backstop"
    }
  }

  spec {
    capacity = {
      "storage" = "10Gi"
    }
    access_modes = [
      "ReadWriteMany"
    ]
    persistent_volume_reclaim_policy = "Retain"
    storage_class_name               = "backstop-static-nfs"
    mount_options = [
      "nfsvers=4",
      "soft",
      "timeo=30",
      "retrans=3",
      "actimeo=5"
    ]
    volume_mode = "Filesystem"

    claim_ref {
      namespace = var.namespace
      name      = var.name
    }

    persistent_volume_source {
      csi {
        driver        = "nfs.csi.k8s.io"
        volume_handle = var.name
        volume_attributes = {
          "server" = var.nfs_server
          "share"  = local.nfs_path
        }
      }
    }
  }
}

resource "kubernetes_persistent_volume_claim" "this" {
  metadata {
    name      = var.name
    namespace = var.namespace
    labels = {
      "app.kubernetes.io/managed-by" = "backstop"
    }
  }

  spec {
    access_modes = [
      "ReadWriteMany"
    ]
    storage_class_name = "backstop-static-nfs"
    volume_mode        = "Filesystem"
    volume_name        = var.name

    resources {
      requests = {
        "storage" = "10Gi"
      }
    }
  }
}

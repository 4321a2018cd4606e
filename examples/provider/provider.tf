terraform {
  required_providers {
    backstop = {
      source  = "backstop/backstop"
      version = "~> 0.1"
    }
  }
}

# Defaults for every Backstop resource and data source; each one may override them.
provider "backstop" {
  nfs_server    = "nfs.home.arpa"
  nfs_base_path = "/srv/nfs"
  time_zone     = "Europe/Berlin"
  labels = {
    "home.arpa/backup-policy" = "snapshot-plus-nfs"
  }
}

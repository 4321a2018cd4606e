# Root configuration every stack includes: one place for the provider block and its
# defaults, generated into each stack.

generate "backstop_provider" {
  path      = "backstop_provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    terraform {
      required_providers {
        backstop = {
          source  = "backstop/backstop"
          version = "~> 0.1"
        }
      }
    }

    provider "backstop" {
      nfs_server    = "nfs.home.arpa"
      nfs_base_path = "/srv/nfs"
      time_zone     = "Europe/Berlin"
    }
  EOT
}

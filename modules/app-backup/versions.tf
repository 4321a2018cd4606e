terraform {
  required_version = ">= 1.8"

  required_providers {
    backstop = {
      source  = "backstop/backstop"
      version = ">= 0.1.0"
    }
  }
}

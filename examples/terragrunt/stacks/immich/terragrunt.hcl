include "root" {
  path = find_in_parent_folders()
}

terraform {
  # Refuse to plan or apply a stack that lacks a compliant backup.
  before_hook "backstop_lint" {
    commands    = ["plan", "apply"]
    execute     = ["backstop", "lint", "."]
    working_dir = get_terragrunt_dir()
  }
}

# In the root terragrunt.hcl (or a stack's): lint the stack before Terraform runs, so a
# stack without a compliant backup never reaches `plan` or `apply`.
# `get_terragrunt_dir()` is the stack folder; the linter finds the repository root itself
# (the folder holding backstop.toml) and still reads the monitoring stack's alerts.
terraform {
  before_hook "backstop_lint" {
    commands = ["plan", "apply"]
    execute  = ["backstop", "lint", "--severity", "error", get_terragrunt_dir()]
  }
}

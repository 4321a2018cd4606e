# The BackupStale threshold Backstop derives from a schedule, for hand-written rules.
output "daily_backup_stale_after" {
  value = provider::backstop::stale_after("0 3 * * *")
}

output "weekly_backup_stale_after" {
  value = provider::backstop::stale_after("0 2 * * 0")
}

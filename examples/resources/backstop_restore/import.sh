# A restore is imported by its own `id`: `<namespace>/<job_name>` of the restore Job.
terraform import backstop_restore.vaultwarden vaultwarden/vaultwarden-restore

"""The test backups every status test shares: how each is declared, what the cluster
does with it, and the state `status` must report. A module of its own, not conftest:
`from conftest import` picks whichever conftest pytest imported first."""

NAMESPACE = "apps"
DAILY = "0 3 * * *"
HOURLY = "0 * * * *"
USER, PASSWORD = "backstop", "s3cret-password"

# name -> how it is declared, what the cluster does, the state `status` must report.
BACKUPS = {
    # alpha's alert sets its own threshold (stale_after), which wins over the schedule's.
    "alpha": {"declared": "resource", "schedule": DAILY, "run": True, "state": "healthy", "stale_after": "3d"},
    "bravo": {"declared": "resource", "schedule": HOURLY, "run": True, "state": "stale"},
    "charlie": {"declared": "resource", "schedule": DAILY, "run": False, "state": "never succeeded"},
    "delta": {"declared": "resource", "schedule": DAILY, "run": False, "state": "cronjob missing"},
    "echo": {"declared": "resource", "schedule": DAILY, "run": False, "state": "suspended"},
    "foxtrot": {"declared": "resource", "schedule": DAILY, "run": True, "state": "newest job failed"},
    "golf": {"declared": "module", "schedule": DAILY, "run": True, "state": "rules not loaded"},
    "india": {"declared": "cronjob", "schedule": DAILY, "run": False, "state": "healthy"},
}
UNDECLARED = ("other", "hotel-backup")

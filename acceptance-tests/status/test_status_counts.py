"""`backstop status`'s summary counts agree with their nouns: one backup reads "1 backup"."""
from backstop_status_support import run_status


def test_one_backup_is_counted_in_the_singular(backstop_bin, cluster):
    repo = cluster["repo"]
    done = run_status(backstop_bin, repo, cluster["prometheus"].url,
                      "--basic-auth-file", str(cluster["auth_file"]), "--ca-file", str(cluster["ca"]),
                      paths=[str(repo / "stacks" / "india")])
    assert done.returncode == 1, done.stderr  # hotel-backup runs undeclared
    assert "\n1 backup: 1 healthy, 0 unhealthy; 1 declared nowhere\n" in done.stdout, done.stdout
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"Prometheus {cluster['prometheus'].url} (") and first.endswith(" requests)"), first

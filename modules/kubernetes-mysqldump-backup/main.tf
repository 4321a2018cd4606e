# The backup CronJob `<name>-backup`: `mysqldump --all-databases --single-transaction | gzip -9`
# to the NFS claim `destination_claim`, 14 days kept, the password read from a Secret,
# metrics pushed to the Pushgateway, for the hashicorp/kubernetes provider.
# Generated from Backstop's rendering core.

resource "kubernetes_cron_job_v1" "this" {
  metadata {
    name      = "${var.name}-backup"
    namespace = var.namespace
    labels = {
      "app.kubernetes.io/managed-by" = "backstop"
    }
  }

  spec {
    schedule                      = var.schedule
    concurrency_policy            = "Forbid"
    starting_deadline_seconds     = 300
    successful_jobs_history_limit = 10
    failed_jobs_history_limit     = 5
    suspend                       = false

    job_template {
      metadata {
        labels = {
          "app.kubernetes.io/managed-by" = "backstop"
        }
      }

      spec {
        backoff_limit = 3

        template {
          metadata {
            labels = {
              "app.kubernetes.io/managed-by" = "backstop"
            }
          }

          spec {
            restart_policy = "Never"

            dns_config {
              option {
                name  = "ndots"
                value = "2"
              }
            }

            container {
              name  = "backup"
              image = var.image
              command = [
                "/bin/sh",
                "-c",
                <<EOT
set -euxo pipefail
# Backstop backup of '${var.name}-backup' (strategy mysqldump).
# The destination comes from $BACKUP_DIR and the Pushgateway from $PUSHGATEWAY_URL, both
# set on the container, so the same text runs against a temp folder and loopback in tests.
STARTED=$(date +%s)
JOB_NAME='${var.name}-backup'
: "$${BACKUP_DIR:?BACKUP_DIR must name the destination folder}"
: "$${PUSHGATEWAY_URL:?PUSHGATEWAY_URL must name the Pushgateway}"
command -v mysqldump >/dev/null || apk add --no-cache mariadb-client
cd "$BACKUP_DIR"
# Absolute, because rsync resolves a relative --link-dest against the target folder.
BACKUP_DIR=$(pwd)

# A declared source that is missing (a subPath not mounted) must fail the run, not
# produce an empty backup.
require_dir() {
  if [ ! -d "$1" ]; then
    echo "missing source: $1 is not a directory; check the job's mounts" >&2
    exit 1
  fi
}
# One compressed dump per run, backup-YYYYmmdd-HHMM.sql.gz, written under a temporary
# name and renamed on success: with pipefail a failing dump fails the job and the trap
# removes the partial file, so no truncated dump ever carries a backup name.
# The password comes from the container's environment (MYSQL_PWD), never from this text.
KEEP_DAYS=14
DB_HOST='${var.host}'
DB_USER='${var.user}'
FILE="backup-$(date +%Y%m%d-%H%M).sql.gz"
rm -f .partial-backup-*.sql.gz
trap 'rm -f "$BACKUP_DIR/.partial-$FILE"' EXIT
mysqldump --all-databases --single-transaction -h "$DB_HOST" -u "$DB_USER" | gzip -9 > ".partial-$FILE"
mv ".partial-$FILE" "$FILE"

# Retention by the stamp in the names, not by mtime (copies keep their source's times)
# and without a relative `date -d` (busybox rejects "N days ago"): compare digits with a cutoff.
CUTOFF=$(date -d "@$(($(date +%s) - KEEP_DAYS * 86400))" +%Y%m%d%H%M)
for entry in backup-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9].sql.gz; do
  if [ -e "$entry" ]; then
    stamp=$(echo "$entry" | tr -cd 0-9)
    if [ "$((stamp < CUTOFF))" -eq 1 ]; then
      rm -rf "$entry"
    fi
  fi
done

OUTPUT="$BACKUP_DIR/$FILE"
# Metrics are pushed only here, after every step succeeded (set -e exits earlier on any
# failure), so backup_last_success_timestamp never moves for a failed run.
FINISHED=$(date +%s)
# /proc/$$/io holds this shell's counters plus those of every child it has reaped (the
# kernel adds them to the parent on wait), so rsync, sqlite3 and gzip are included.
# read_bytes/write_bytes count storage-layer traffic: page-cache hits are not reads.
READ_BYTES=0
WRITTEN_BYTES=0
while read -r counter value; do
  case "$counter" in
    read_bytes:) READ_BYTES=$value ;;
    write_bytes:) WRITTEN_BYTES=$value ;;
  esac
done < /proc/$$/io
# Apparent size of the new snapshot alone; hard links into older ones count in full.
OUTPUT_BYTES=$(du -sb "$OUTPUT" | cut -f1)
# The Pushgateway rejects a body whose last line has no newline.
METRICS="# TYPE backup_duration_seconds gauge
backup_duration_seconds $((FINISHED - STARTED))
# TYPE backup_read_bytes gauge
backup_read_bytes $READ_BYTES
# TYPE backup_written_bytes gauge
backup_written_bytes $WRITTEN_BYTES
# TYPE backup_output_bytes gauge
backup_output_bytes $OUTPUT_BYTES
# TYPE backup_last_success_timestamp gauge
backup_last_success_timestamp $FINISHED
"
# The backup itself is good at this point: a Pushgateway outage must not fail the Job
# (a retry would redo the whole backup). Staleness alerts read kube-state-metrics, not
# these metrics, so a lost push is reported here and nowhere else. `timeout` rather than
# wget's own -T, which crashes Debian's busybox 1.35 wget.
if ! timeout 60 wget -q -O /dev/null --post-data "$METRICS" "$PUSHGATEWAY_URL/metrics/job/$JOB_NAME"; then
  echo "warning: backup succeeded but pushing metrics to $PUSHGATEWAY_URL failed" >&2
fi
EOT
              ]

              env {
                name  = "BACKUP_DIR"
                value = "/backup"
              }

              env {
                name  = "PUSHGATEWAY_URL"
                value = "http://prometheus-prometheus-pushgateway.monitoring:9091"
              }

              env {
                name = "MYSQL_PWD"

                value_from {
                  secret_key_ref {
                    name = var.password_secret_name
                    key  = var.password_secret_key
                  }
                }
              }

              volume_mount {
                name       = "backup"
                mount_path = "/backup"
              }

              security_context {
                allow_privilege_escalation = false
                privileged                 = false

                capabilities {
                  drop = [
                    "ALL"
                  ]
                  add = [
                    "CHOWN",
                    "DAC_OVERRIDE",
                    "DAC_READ_SEARCH",
                    "FOWNER",
                    "FSETID"
                  ]
                }

                seccomp_profile {
                  type = "RuntimeDefault"
                }
              }
            }

            volume {
              name = "backup"

              persistent_volume_claim {
                claim_name = var.destination_claim
              }
            }
          }
        }
      }
    }
  }
}

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
        backoff_limit           = 3
        active_deadline_seconds = 43200

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

# One run at a time per destination, whatever the strategy and wherever it runs: a manual
# `kubectl create job --from=cronjob/...` or a retry while a pod on a lost node still runs
# is not covered by concurrencyPolicy: Forbid. flock is not reliably honoured over NFS;
# link(2) is atomic there, and the lock file carries its holder (pod, pid, start time).
# Every name this run writes carries RUN_ID, so no two runs ever share a partial.
RUN_ID="$(hostname)-$$-$STARTED"
HOLDER="$(hostname) $$ $STARTED"
LOCK=.backstop.lock
# The Job's activeDeadlineSeconds (plus the kill's grace): a holder older than that was
# killed by Kubernetes, even when it could not remove its lock.
LOCK_STALE_SECONDS=43260
LOCK_WAIT_SECONDS=1800
RUN_PARTIAL=""
LOCKED=""
WORK=""

on_exit() {
  if [ -n "$RUN_PARTIAL" ]; then rm -rf "$BACKUP_DIR/$RUN_PARTIAL"; fi
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
  rm -f "$BACKUP_DIR/$LOCK.$RUN_ID"
  if [ -n "$LOCKED" ] && [ "$(cat "$BACKUP_DIR/$LOCK" 2>/dev/null)" = "$HOLDER" ]; then
    rm -f "$BACKUP_DIR/$LOCK"
  fi
}
trap on_exit EXIT
# Kubernetes stops a pod with SIGTERM (at the deadline too): exit, so that on_exit runs.
trap 'exit 143' TERM INT HUP

# Dead: malformed; on this pod, its pid gone; on another pod, older than the deadline.
# The age is read off the destination's own clock (the file server stamps both the lock
# and this run's fresh holder file), so nodes whose clocks disagree still agree on it.
holder_is_dead() {
  set -- $1
  if [ $# -ne 3 ]; then return 0; fi
  case "$2$3" in *[!0-9]*) return 0 ;; esac
  if [ "$1" = "$(hostname)" ]; then
    [ ! -d "/proc/$2" ]
    return
  fi
  locked_at=$(stat -c %Y "$LOCK" 2>/dev/null) || return 1
  now_at=$(stat -c %Y "$LOCK.$RUN_ID")
  [ "$((now_at - locked_at))" -gt "$LOCK_STALE_SECONDS" ]
}

# Renamed, not deleted, so only one run breaks it; a lock that turns out to be another
# live run's (taken between the read and the rename) is put back.
break_lock() {
  if mv "$LOCK" "$LOCK.broken.$RUN_ID" 2>/dev/null; then
    if [ "$(cat "$LOCK.broken.$RUN_ID")" != "$1" ]; then
      ln "$LOCK.broken.$RUN_ID" "$LOCK" 2>/dev/null || true
    fi
    rm -f "$LOCK.broken.$RUN_ID"
  fi
}

WAITED=0
while :; do
  echo "$HOLDER" > "$LOCK.$RUN_ID"
  if ln "$LOCK.$RUN_ID" "$LOCK" 2>/dev/null; then break; fi
  # A lost NFS reply can report a link that was made as failed: then the lock is ours.
  if ! current=$(cat "$LOCK" 2>/dev/null); then continue; fi
  if [ "$current" = "$HOLDER" ]; then break; fi
  if holder_is_dead "$current"; then
    echo "breaking the lock of a dead run ($current)" >&2
    break_lock "$current"
    continue
  fi
  if [ "$WAITED" -ge "$LOCK_WAIT_SECONDS" ]; then
    echo "another backup run ($current) still holds $BACKUP_DIR/$LOCK after $${WAITED}s; this run changed nothing" >&2
    exit 75
  fi
  sleep 1
  WAITED=$((WAITED + 1))
done
LOCKED=1
rm -f "$LOCK.$RUN_ID"

# Publishing renames only while this run still holds the lock: a run that outlived its
# deadline (a pod on a lost node) must not rename over a newer run's work.
require_lock() {
  if [ "$(cat "$LOCK" 2>/dev/null)" != "$HOLDER" ]; then
    echo "this run lost $BACKUP_DIR/$LOCK (it ran past its deadline); nothing published" >&2
    LOCKED=""
    exit 1
  fi
}

# Under the lock, every other run is dead: what they left is removed. A snapshot renamed
# to .deleting-* was being pruned; the names of the others are all per run.
rm -rf .partial-* .deleting-* .backstop.lock.*

# Sends metrics to this job's group. POST replaces only the series it names, so a refused
# run's backup_source_shrunk never touches backup_last_success_timestamp. The backup
# itself is decided by then: a Pushgateway outage must not fail the Job (a retry would
# redo the whole backup), so a lost push is reported here and nowhere else. `timeout`
# rather than wget's own -T, which crashes Debian's busybox 1.35 wget.
push() {
  if ! timeout 60 wget -q -O /dev/null --post-data "$1" "$PUSHGATEWAY_URL/metrics/job/$JOB_NAME"; then
    echo "warning: pushing metrics to $PUSHGATEWAY_URL failed" >&2
  fi
}

# A source that turns up empty or much smaller (a re-created claim, a wrong subPath, an
# app that reset itself) would otherwise replace the good history, week after week.
# check_shrink FILES BYTES PREVIOUS_FILES PREVIOUS_BYTES (counts of 0 when unknown).
MAX_SHRINK_PERCENT=50
ALLOW_SHRINK=backstop-allow-shrink
refuse_shrink() {
  echo "refusing to back up: $1. If this is intended, create $BACKUP_DIR/$ALLOW_SHRINK: the next run then accepts it once and removes the file." >&2
  push "# TYPE backup_source_shrunk gauge
backup_source_shrunk 1
"
  exit 1
}
check_shrink() {
  if [ -e "$ALLOW_SHRINK" ]; then
    echo "warning: $ALLOW_SHRINK is present, so a shrinking source is accepted for this run" >&2
    return 0
  fi
  if [ "$1" -eq 0 ]; then refuse_shrink "the source holds no files"; fi
  if [ "$2" -eq 0 ]; then refuse_shrink "the source holds 0 bytes"; fi
  if [ "$(($1 * 100))" -lt "$(($3 * (100 - MAX_SHRINK_PERCENT)))" ]; then
    refuse_shrink "the source holds $1 files where the previous backup held $3 (more than $MAX_SHRINK_PERCENT% fewer)"
  fi
  if [ "$(($2 * 100))" -lt "$(($4 * (100 - MAX_SHRINK_PERCENT)))" ]; then
    refuse_shrink "the source holds $2 bytes where the previous backup held $4 (more than $MAX_SHRINK_PERCENT% fewer)"
  fi
}
# The allowance is for one run: the run that published under it removes it.
consume_allow_shrink() {
  rm -f "$ALLOW_SHRINK"
}

# Retention renames a copy out of its name before deleting it: a kill mid-delete leaves a
# .deleting-* entry, which the next run removes, never a half-deleted copy under a
# snapshot name.
delete_copy() {
  mv -T "$1" ".deleting-$1-$RUN_ID"
  rm -rf ".deleting-$1-$RUN_ID"
}
# One compressed dump per run, backup-YYYYmmdd-HHMMSS.sql.gz, written under a partial name
# of this run and renamed on success: with pipefail a failing dump fails the job and the
# trap removes the partial file, so no truncated dump ever carries a backup name.
# The password comes from the container's environment (MYSQL_PWD), never from this text.
KEEP_DAYS=14
DB_HOST='${var.host}'
DB_USER='${var.user}'

# Copies named by their stamp (YYYYmmdd-HHMMSS; older dumps have no seconds), never by
# mtime (copies keep their source's times). Digits compare as numbers.
COPIES='backup-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9].sql.gz backup-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9].sql.gz'
stamp_of() {
  digits=$(echo "$1" | tr -cd 0-9)
  while [ "$${#digits}" -lt 14 ]; do digits="$${digits}0"; done
  echo "$digits"
}
# A copy stamped after now means the clock is wrong, now or when it was written: ages
# would be wrong either way, so nothing is written or deleted.
NOW_STAMP=$(date +%Y%m%d%H%M%S)
NEWEST=""
NEWEST_STAMP=0
for entry in $COPIES; do
  if [ -e "$entry" ]; then
    stamp=$(stamp_of "$entry")
    if [ "$stamp" -gt "$NOW_STAMP" ]; then
      echo "refusing to run: $entry is stamped after the current time ($(date)); fix the clock, or move $entry away if a clock that ran ahead wrote it. Nothing was changed." >&2
      exit 1
    fi
    if [ "$stamp" -gt "$NEWEST_STAMP" ]; then
      NEWEST=$entry
      NEWEST_STAMP=$stamp
    fi
  fi
done
# A name no copy has yet: a second run in the same second waits for the next one.
unique_name() {
  name=$(date +"$1")
  while [ -e "$name" ]; do
    sleep 1
    name=$(date +"$1")
  done
  echo "$name"
}
# Retention after a copy was published: ages are measured from the newest copy that
# existed before this run, not from `date`, so a clock that jumped ahead for this run
# deletes nothing a correct clock would keep; that copy and the new one always stay.
# Each copy is renamed out of its name before it is deleted (delete_copy).
prune_by_age() {
  if [ -z "$NEWEST" ]; then return 0; fi
  reference=$(date -D %Y%m%d%H%M%S -d "$NEWEST_STAMP" +%s)
  cutoff=$(date -d "@$((reference - KEEP_DAYS * 86400))" +%Y%m%d%H%M%S)
  for entry in $COPIES; do
    if [ -e "$entry" ] && [ "$entry" != "$1" ] && [ "$(stamp_of "$entry")" -lt "$cutoff" ]; then
      delete_copy "$entry"
    fi
  done
}

FILE=$(unique_name backup-%Y%m%d-%H%M%S.sql.gz)
PARTIAL=".partial-$FILE-$RUN_ID"
RUN_PARTIAL=$PARTIAL
mysqldump --all-databases --single-transaction -h "$DB_HOST" -u "$DB_USER" | gzip -9 > "$PARTIAL"
PREVIOUS_BYTES=0
if [ -n "$NEWEST" ]; then PREVIOUS_BYTES=$(stat -c %s "$NEWEST"); fi
check_shrink 1 "$(stat -c %s "$PARTIAL")" 1 "$PREVIOUS_BYTES"
require_lock
mv -T "$PARTIAL" "$FILE"
RUN_PARTIAL=""
consume_allow_shrink
prune_by_age "$FILE"

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
# Apparent size of the new snapshot alone (hard links into older ones count in full),
# unless the strategy already knows it.
if [ -z "$${OUTPUT_BYTES:-}" ]; then OUTPUT_BYTES=$(du -sb "$OUTPUT" | cut -f1); fi
# The Pushgateway rejects a body whose last line has no newline.
push "# TYPE backup_duration_seconds gauge
backup_duration_seconds $((FINISHED - STARTED))
# TYPE backup_read_bytes gauge
backup_read_bytes $READ_BYTES
# TYPE backup_written_bytes gauge
backup_written_bytes $WRITTEN_BYTES
# TYPE backup_output_bytes gauge
backup_output_bytes $OUTPUT_BYTES
# TYPE backup_source_shrunk gauge
backup_source_shrunk 0
$${EXTRA_METRICS:-}# TYPE backup_last_success_timestamp gauge
backup_last_success_timestamp $FINISHED
"
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

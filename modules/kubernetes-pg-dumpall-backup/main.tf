# The backup CronJob `<name>-backup`: `pg_dumpall | gzip -9` of every PostgreSQL database
# to the NFS claim `destination_claim`, `keep` days kept, the password read from a Secret,
# metrics pushed to the Pushgateway, for the hashicorp/kubernetes provider. Its settings
# (retention, shrink guard, make_room, Pushgateway, database host and user) live in the
# ConfigMap `<name>-backup-settings`, which the container reads whole: changing one
# changes the ConfigMap only. Generated from Backstop's rendering core.

resource "kubernetes_config_map_v1" "settings" {
  metadata {
    name      = "${var.name}-backup-settings"
    namespace = var.namespace
    labels = {
      "app.kubernetes.io/managed-by" = "backstop"
    }
  }

  data = {
    "PUSHGATEWAY_URL"    = var.pushgateway_url
    "KEEP_DAYS"          = var.keep
    "MAX_SHRINK_PERCENT" = var.max_shrink_percent
    "LOCK_STALE_SECONDS" = "43260"
    "LOCK_WAIT_SECONDS"  = "1800"
    "MAKE_ROOM"          = var.make_room
    "DB_HOST"            = var.host
    "DB_USER"            = var.user
  }
}

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
STARTED=$(date +%s)
JOB_NAME='${var.name}-backup'
: "$${BACKUP_DIR:?BACKUP_DIR must name the destination folder}"
for setting in PUSHGATEWAY_URL KEEP_DAYS MAX_SHRINK_PERCENT LOCK_STALE_SECONDS LOCK_WAIT_SECONDS MAKE_ROOM DB_HOST DB_USER; do
  eval "value=\$${$setting-}"
  if [ -z "$value" ]; then echo "$setting is not set: apply the ConfigMap "'${var.name}-backup-settings'" beside the CronJob" >&2; exit 1; fi
done
command -v pg_dumpall >/dev/null || apk add --no-cache postgresql-client
cd "$BACKUP_DIR"
BACKUP_DIR=$(pwd)

require_dir() {
  if [ ! -d "$1" ]; then
    echo "missing source: $1 is not a directory; check the job's mounts" >&2
    exit 1
  fi
}

RUN_ID="$(hostname)-$$-$STARTED"
HOLDER="$(hostname) $$ $STARTED"
LOCK=.backstop.lock
CLOCK_SKEW_SECONDS=300
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
trap 'exit 143' TERM INT HUP

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

break_lock() {
  mv "$LOCK" "$LOCK.broken.$RUN_ID" 2>/dev/null || return 1
  if [ "$(cat "$LOCK.broken.$RUN_ID")" != "$1" ]; then
    ln "$LOCK.broken.$RUN_ID" "$LOCK" 2>/dev/null || true
  fi
  rm -f "$LOCK.broken.$RUN_ID"
}

WAITED=0
while :; do
  echo "$HOLDER" > "$LOCK.$RUN_ID"
  if ln "$LOCK.$RUN_ID" "$LOCK" 2>/dev/null; then break; fi
  if current=$(cat "$LOCK" 2>/dev/null); then
    if [ "$current" = "$HOLDER" ]; then break; fi
    if holder_is_dead "$current"; then
      echo "breaking the lock of a dead run ($current)" >&2
      if break_lock "$current"; then continue; fi
    fi
  elif [ -e "$LOCK" ]; then
    current="unknown: $BACKUP_DIR/$LOCK is not readable"
  else
    continue # released between the link and the read
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

require_lock() {
  if [ "$(cat "$LOCK" 2>/dev/null)" != "$HOLDER" ]; then
    echo "this run lost $BACKUP_DIR/$LOCK (it ran past its deadline); nothing published" >&2
    LOCKED=""
    exit 1
  fi
}

rm -rf .partial-* .deleting-* .backstop.lock.*

push() {
  if ! timeout 60 wget -q -O /dev/null --post-data "$1" "$PUSHGATEWAY_URL/metrics/job/$JOB_NAME"; then
    echo "warning: pushing metrics to $PUSHGATEWAY_URL failed" >&2
  fi
}

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
consume_allow_shrink() {
  rm -f "$ALLOW_SHRINK"
}

delete_copy() {
  mv -T "$1" ".deleting-$1-$RUN_ID"
  rm -rf ".deleting-$1-$RUN_ID"
}

COPIES='backup-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9].sql.gz backup-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9].sql.gz'
stamp_of() {
  digits=$(echo "$1" | tr -cd 0-9)
  while [ "$${#digits}" -lt 14 ]; do digits="$${digits}0"; done
  echo "$digits"
}
NOW_STAMP=$(date -d "@$(($(date +%s) + CLOCK_SKEW_SECONDS))" +%Y%m%d%H%M%S)
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
unique_name() {
  name=$(date +"$1")
  while [ -e "$name" ]; do
    sleep 1
    name=$(date +"$1")
  done
  echo "$name"
}
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
make_room_after() {
  if [ "$MAKE_ROOM" != true ]; then return 1; fi
  grep -q -e 'No space left on device' -e 'Disk quota exceeded' -e 'database or disk is full' "$1" || return 1
  oldest=""
  oldest_stamp=""
  for entry in $COPIES; do
    if [ -e "$entry" ] && [ "$entry" != "$NEWEST" ]; then
      stamp=$(stamp_of "$entry")
      if [ -z "$oldest" ] || [ "$stamp" -lt "$oldest_stamp" ]; then
        oldest=$entry
        oldest_stamp=$stamp
      fi
    fi
  done
  if [ -z "$oldest" ]; then return 1; fi
  echo "warning: the destination is full; deleting the oldest copy $oldest to make room" >&2
  delete_copy "$oldest"
}
WORK=$(mktemp -d)
until { pg_dumpall -h "$DB_HOST" -U "$DB_USER" | gzip -9 > "$PARTIAL"; } 2>"$WORK/errors"; do
  cat "$WORK/errors" >&2
  make_room_after "$WORK/errors" || exit 1
done
cat "$WORK/errors" >&2
PREVIOUS_BYTES=0
if [ -n "$NEWEST" ]; then PREVIOUS_BYTES=$(stat -c %s "$NEWEST"); fi
check_shrink 1 "$(stat -c %s "$PARTIAL")" 1 "$PREVIOUS_BYTES"
command -v b3sum >/dev/null || apk add --no-cache b3sum
write_dump_manifest() {
  partial=$1
  file=$2
  hash=$(b3sum --no-names "$partial")
  gzip -dc "$partial" | sed -n 's/^-- Database "\(.*\)" dump$/\1/p' >"$WORK/databases"
  {
    printf '#backstop-manifest\t1\tblake3\n'
    awk '{ gsub(/\\/, "\\\\"); gsub(/\t/, "\\t"); print "#meta\tdatabase\t" $0 }' "$WORK/databases"
    set -- $(stat -c '%a %s %Y %i' "$partial")
    printf '%s\tf\t%s\t%s\t%s\t%s\t-\t%s\n#end\t1\n' "$file" "$1" "$2" "$3" "$4" "$hash"
  } >".partial-$file.manifest-$RUN_ID"
  mv -T ".partial-$file.manifest-$RUN_ID" "$file.manifest"
}
prune_manifests() {
  for manifest in backup-*.sql.gz.manifest; do
    if [ -e "$manifest" ] && [ ! -e "$${manifest%.manifest}" ]; then rm -f "$manifest"; fi
  done
}
write_dump_manifest "$PARTIAL" "$FILE"
require_lock
mv -T "$PARTIAL" "$FILE"
RUN_PARTIAL=""
consume_allow_shrink
prune_by_age "$FILE"
prune_manifests

OUTPUT="$BACKUP_DIR/$FILE"
FINISHED=$(date +%s)
READ_BYTES=0
WRITTEN_BYTES=0
while read -r counter value; do
  case "$counter" in
    read_bytes:) READ_BYTES=$value ;;
    write_bytes:) WRITTEN_BYTES=$value ;;
  esac
done < /proc/$$/io
if [ -z "$${OUTPUT_BYTES:-}" ]; then OUTPUT_BYTES=$(du -sb "$OUTPUT" | cut -f1); fi
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
                name = "PGPASSWORD"

                value_from {
                  secret_key_ref {
                    name = var.password_secret_name
                    key  = var.password_secret_key
                  }
                }
              }

              env_from {
                config_map_ref {
                  name     = kubernetes_config_map_v1.settings.metadata[0].name
                  optional = true
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

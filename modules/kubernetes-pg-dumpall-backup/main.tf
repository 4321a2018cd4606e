# The backup CronJob `<name>-backup`: `pg_dumpall | gzip -9` of every PostgreSQL database
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
                "set -euxo pipefail\n# Backstop backup of '${var.name}-backup' (strategy pg_dumpall).\n# The destination comes from $BACKUP_DIR and the Pushgateway from $PUSHGATEWAY_URL, both\n# set on the container, so the same text runs against a temp folder and loopback in tests.\nSTARTED=$(date +%s)\nJOB_NAME='${var.name}-backup'\n: \"$${BACKUP_DIR:?BACKUP_DIR must name the destination folder}\"\n: \"$${PUSHGATEWAY_URL:?PUSHGATEWAY_URL must name the Pushgateway}\"\ncommand -v pg_dumpall >/dev/null || apk add --no-cache postgresql-client\ncd \"$BACKUP_DIR\"\n# Absolute, because rsync resolves a relative --link-dest against the target folder.\nBACKUP_DIR=$(pwd)\n\n# A declared source that is missing (a subPath not mounted) must fail the run, not\n# produce an empty backup.\nrequire_dir() {\n  if [ ! -d \"$1\" ]; then\n    echo \"missing source: $1 is not a directory; check the job's mounts\" >&2\n    exit 1\n  fi\n}\n# One compressed dump per run, backup-YYYYmmdd-HHMM.sql.gz, written under a temporary\n# name and renamed on success: with pipefail a failing dump fails the job and the trap\n# removes the partial file, so no truncated dump ever carries a backup name.\n# The password comes from the container's environment (PGPASSWORD), never from this text.\nKEEP_DAYS=14\nDB_HOST='${var.host}'\nDB_USER='${var.user}'\nFILE=\"backup-$(date +%Y%m%d-%H%M).sql.gz\"\nrm -f .partial-backup-*.sql.gz\ntrap 'rm -f \"$BACKUP_DIR/.partial-$FILE\"' EXIT\npg_dumpall -h \"$DB_HOST\" -U \"$DB_USER\" | gzip -9 > \".partial-$FILE\"\nmv \".partial-$FILE\" \"$FILE\"\n\n# Retention by the stamp in the names, not by mtime (copies keep their source's times)\n# and without `date -d \"-N days\"`, which busybox rejects: compare digits with a cutoff.\nCUTOFF=$(date -d \"@$(($(date +%s) - KEEP_DAYS * 86400))\" +%Y%m%d%H%M)\nfor entry in backup-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9].sql.gz; do\n  if [ -e \"$entry\" ]; then\n    stamp=$(echo \"$entry\" | tr -cd 0-9)\n    if [ \"$((stamp < CUTOFF))\" -eq 1 ]; then\n      rm -rf \"$entry\"\n    fi\n  fi\ndone\n\nOUTPUT=\"$BACKUP_DIR/$FILE\"\n# Metrics are pushed only here, after every step succeeded (set -e exits earlier on any\n# failure), so backup_last_success_timestamp never moves for a failed run.\nFINISHED=$(date +%s)\n# /proc/$$/io holds this shell's counters plus those of every child it has reaped (the\n# kernel adds them to the parent on wait), so rsync, sqlite3 and gzip are included.\n# read_bytes/write_bytes count storage-layer traffic: page-cache hits are not reads.\nREAD_BYTES=0\nWRITTEN_BYTES=0\nwhile read -r counter value; do\n  case \"$counter\" in\n    read_bytes:) READ_BYTES=$value ;;\n    write_bytes:) WRITTEN_BYTES=$value ;;\n  esac\ndone < /proc/$$/io\n# Apparent size of the new snapshot alone; hard links into older ones count in full.\nOUTPUT_BYTES=$(du -sb \"$OUTPUT\" | cut -f1)\n# The Pushgateway rejects a body whose last line has no newline.\nMETRICS=\"# TYPE backup_duration_seconds gauge\nbackup_duration_seconds $((FINISHED - STARTED))\n# TYPE backup_read_bytes gauge\nbackup_read_bytes $READ_BYTES\n# TYPE backup_written_bytes gauge\nbackup_written_bytes $WRITTEN_BYTES\n# TYPE backup_output_bytes gauge\nbackup_output_bytes $OUTPUT_BYTES\n# TYPE backup_last_success_timestamp gauge\nbackup_last_success_timestamp $FINISHED\n\"\n# The backup itself is good at this point: a Pushgateway outage must not fail the Job\n# (a retry would redo the whole backup). Staleness alerts read kube-state-metrics, not\n# these metrics, so a lost push is reported here and nowhere else. `timeout` rather than\n# wget's own -T, which crashes Debian's busybox 1.35 wget.\nif ! timeout 60 wget -q -O /dev/null --post-data \"$METRICS\" \"$PUSHGATEWAY_URL/metrics/job/$JOB_NAME\"; then\n  echo \"warning: backup succeeded but pushing metrics to $PUSHGATEWAY_URL failed\" >&2\nfi\n"
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
                name = "PGPASSWORD"

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

"""Benchmark: `backstop lint` on a generated repository of 500 stacks / 5,000 files, cold
(a fresh process on files just written), and checkov on the same repository in the same
run, with the ratio.

    python acceptance-tests/lint/bench.py            # both, prints the figures
    python acceptance-tests/lint/bench.py --no-checkov

checkov (PyPI, pinned below) is installed on first use into target/checkov-venv: its
dependency pins (packaging<24) conflict with the test venv's pytest, so it gets its own.
It runs offline with BC_SKIP_MAPPING=TRUE and only the terraform framework.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
CHECKOV_VERSION = "3.3.30"
CHECKOV_VENV = REPO / "target" / "checkov-venv"
FILES_PER_STACK = 10


def write(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_repo(root: pathlib.Path, stacks: int) -> int:
    """Writes `stacks` stacks of FILES_PER_STACK files each; every tenth stack lacks its
    backup, so the linter has findings to report. Returns the number of files written."""
    write(root / "backstop.toml", 'protected_storage_classes = ["proxmox-lvm", "proxmox-lvm-encrypted"]\n')
    write(root / "modules/kubernetes/nfs_volume/main.tf", 'variable "name" {}\noutput "pvc_name" {\n  value = var.name\n}\n')
    # The configuration every unit includes (find_in_parent_folders() finds it; without
    # it Terragrunt, and the linter, cannot read the units' include).
    write(root / "terragrunt.hcl", 'remote_state {\n  backend = "local"\n  config = {\n    path = "terraform.tfstate"\n  }\n}\n')
    files = 3
    for i in range(stacks):
        app = f"app{i:03d}"
        d = root / "stacks" / app
        backed = i % 10 != 0
        write(d / "terragrunt.hcl", 'include "root" {\n  path = find_in_parent_folders()\n}\n\ninputs = {\n  storage_class = "proxmox-lvm"\n}\n')
        write(d / "variables.tf", 'variable "storage_class" {\n  type = string\n}\n\nvariable "replicas" {\n  default = 1\n}\n')
        write(d / "versions.tf", 'terraform {\n  required_providers {\n    kubernetes = {\n      source  = "hashicorp/kubernetes"\n      version = "~> 2.31"\n    }\n  }\n}\n')
        write(d / "locals.tf", f'locals {{\n  app       = "{app}"\n  namespace = "{app}"\n  labels = {{\n    app = "{app}"\n  }}\n}}\n')
        write(d / "main.tf", f'''module "app" {{
  source        = "./modules/app"
  app           = local.app
  namespace     = local.namespace
  storage_class = var.storage_class
}}
''')
        write(d / "outputs.tf", 'output "namespace" {\n  value = local.namespace\n}\n')
        write(d / "modules/app/main.tf", f'''variable "app" {{}}
variable "namespace" {{}}
variable "storage_class" {{}}

resource "kubernetes_persistent_volume_claim_v1" "data" {{
  metadata {{
    name      = "${{var.app}}-data"
    namespace = var.namespace
  }}
  spec {{
    access_modes       = ["ReadWriteMany"]
    storage_class_name = var.storage_class
    resources {{
      requests = {{
        storage = "5Gi"
      }}
    }}
  }}
}}

resource "kubernetes_deployment_v1" "app" {{
  metadata {{
    name      = var.app
    namespace = var.namespace
  }}
  spec {{
    replicas = 1
    selector {{
      match_labels = {{
        app = var.app
      }}
    }}
    template {{
      metadata {{
        labels = {{
          app = var.app
        }}
      }}
      spec {{
        container {{
          name  = var.app
          image = "ghcr.io/example/{app}:1.0.{i}"
          volume_mount {{
            name       = "data"
            mount_path = "/data"
          }}
        }}
        volume {{
          name = "data"
          persistent_volume_claim {{
            claim_name = kubernetes_persistent_volume_claim_v1.data.metadata[0].name
          }}
        }}
      }}
    }}
  }}
}}
''')
        backup = f'''resource "kubernetes_cron_job_v1" "backup" {{
  metadata {{
    name      = "${{var.app}}-backup"
    namespace = var.namespace
  }}
  spec {{
    schedule = "{i % 60} {i // 60} * * *"
    job_template {{
      metadata {{}}
      spec {{
        template {{
          metadata {{}}
          spec {{
            container {{
              name    = "backup"
              image   = "alpine:3.20"
              command = ["/bin/sh", "-c"]
              args = [<<-EOT
                set -euxo pipefail
                apk add --no-cache rsync
                rsync -aH --delete /data/ /backup/current/
              EOT
              ]
              volume_mount {{
                name       = "data"
                mount_path = "/data"
                read_only  = true
              }}
              volume_mount {{
                name       = "backup"
                mount_path = "/backup"
              }}
            }}
            volume {{
              name = "data"
              persistent_volume_claim {{
                claim_name = kubernetes_persistent_volume_claim_v1.data.metadata[0].name
                read_only  = true
              }}
            }}
            volume {{
              name = "backup"
              persistent_volume_claim {{
                claim_name = module.nfs_backup.pvc_name
              }}
            }}
          }}
        }}
      }}
    }}
  }}
}}

module "nfs_backup" {{
  source = "../../../../modules/kubernetes/nfs_volume"
  name   = "${{var.app}}-backup-host"
}}
''' if backed else "# backup not written yet\n"
        write(d / "modules/app/backup.tf", backup)
        write(d / "values.yaml", f"replicaCount: 1\nimage:\n  tag: 1.0.{i}\nresources:\n  requests:\n    memory: 64Mi\n")
        write(d / "alerts.yaml", f'''groups:
- name: {app}
  rules:
  - alert: App{i:03d}BackupStale
    expr: (time() - kube_cronjob_status_last_successful_time{{cronjob="{app}-backup",namespace="{app}"}}) > 129600
    for: 30m
  - alert: App{i:03d}BackupNeverSucceeded
    expr: kube_cronjob_info{{cronjob="{app}-backup",namespace="{app}"}} unless on(namespace, cronjob) kube_cronjob_status_last_successful_time
    for: 1h
''')
        files += FILES_PER_STACK
    return files


def drop_page_cache() -> bool:
    """Cold means not in the page cache: possible only as root on a writable /proc."""
    try:
        os.sync()
        pathlib.Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def time_backstop(backstop: str, root: pathlib.Path) -> tuple[float, int, bool]:
    cold = drop_page_cache()
    start = time.perf_counter()
    result = subprocess.run([backstop, "lint", "--format", "json", str(root)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise RuntimeError(f"backstop lint failed ({result.returncode}): {result.stderr}")
    import json

    return elapsed, len(json.loads(result.stdout)), cold


def checkov_command() -> str:
    checkov = CHECKOV_VENV / "bin" / "checkov"
    if not checkov.exists():
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", f"checkov=={CHECKOV_VERSION}"], check=True)
    return str(checkov)


def time_checkov(root: pathlib.Path) -> float:
    checkov = checkov_command()
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    drop_page_cache()
    start = time.perf_counter()
    result = subprocess.run(
        [checkov, "-d", str(root), "--framework", "terraform", "--quiet", "--compact", "-o", "json", "--skip-download"],
        capture_output=True, text=True, env=env,
    )
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise RuntimeError(f"checkov failed ({result.returncode}): {result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stacks", type=int, default=500)
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument("--backstop", default=shutil.which("backstop") or str(REPO / "target/release/backstop"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backstop-bench-") as tmp:
        root = pathlib.Path(tmp)
        files = make_repo(root, args.stacks)
        seconds, findings, cold = time_backstop(args.backstop, root)
        print(f"repository: {args.stacks} stacks, {files} files")
        print(f"backstop lint: {seconds:.3f} s ({findings} findings; page cache {'dropped' if cold else 'not dropped: not root'})")
        if not args.no_checkov:
            checkov_seconds = time_checkov(root)
            print(f"checkov {CHECKOV_VERSION}: {checkov_seconds:.3f} s")
            print(f"ratio: checkov takes {checkov_seconds / seconds:.1f}x as long as backstop lint")
    return 0


if __name__ == "__main__":
    sys.exit(main())

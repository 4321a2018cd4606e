//! What a container reads whole from ConfigMaps with `envFrom`, resolved once a stack's
//! resources are all read (a ConfigMap may be declared after the pod that reads it): a
//! backup's command (Backstop's `command` strategy passes it as `BACKUP_COMMAND`, from the
//! job's settings ConfigMap), and a database's user for `generate backup`.

use super::eval::Val;
use super::model::{ConfigMap, EnvVar, Stack};

/// The variable through which Backstop's `command` script receives the user's command,
/// which it runs in the shell: script rules read it as part of the script.
const COMMAND: &str = "BACKUP_COMMAND";

pub fn resolve(stack: &mut Stack) {
    let config_maps = std::mem::take(&mut stack.config_maps);
    for job in &mut stack.jobs {
        let commands: Vec<String> = job
            .env_from
            .iter()
            .filter_map(|name| find(&config_maps, name, &job.namespace))
            .filter_map(|config_map| value(config_map, COMMAND)?.as_str().map(str::to_string))
            .collect();
        job.scripts.extend(commands);
    }
    for workload in &mut stack.workloads {
        // A workload does not record its namespace; within one stack the name decides.
        for config_map in workload
            .env_from
            .iter()
            .filter_map(|name| find(&config_maps, name, &Val::Null))
        {
            for (name, value) in &config_map.data {
                // `env` wins over `envFrom`, as in Kubernetes.
                if workload.env.iter().all(|e| &e.name != name) {
                    workload.env.push(EnvVar {
                        name: name.clone(),
                        value: value.clone(),
                        secret: None,
                    });
                }
            }
        }
    }
    stack.config_maps = config_maps;
}

/// The ConfigMap `name` in `namespace` (any, when either namespace is not known).
fn find<'c>(config_maps: &'c [ConfigMap], name: &str, namespace: &Val) -> Option<&'c ConfigMap> {
    config_maps.iter().find(|c| {
        c.name == name
            && match (&c.namespace, namespace) {
                (Val::Str(a), Val::Str(b)) => a == b,
                _ => true,
            }
    })
}

fn value<'c>(config_map: &'c ConfigMap, key: &str) -> Option<&'c Val> {
    config_map
        .data
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

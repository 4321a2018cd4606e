//! # BS008 destination-folder-collision
//!
//! ## What it does
//! Reports a backup script in which two sources land in the same destination folder:
//! a loop that names each destination `$(basename "$src")` over sources sharing a last
//! path component (`/var/mail` and `/var/log/mail`), or two `rsync`/`cp` commands with the
//! same destination.
//!
//! ## Why is this bad?
//! The second `rsync --delete` into the same folder replaces what the first one copied:
//! the mailserver backup held the mail logs and no mail at all.
//!
//! ## Example
//! ```sh
//! for src in /var/mail /var/mail-state /var/log/mail; do
//!   rsync -aH --delete "$src/" "/backup/$WEEK/$(basename "$src")/"
//! done
//! ```
//!
//! Use instead: declare a distinct destination per source (Backstop's `mounts` map keys):
//! ```hcl
//! mounts = {
//!   data  = { path = "/var/mail" }
//!   state = { path = "/var/mail-state" }
//!   log   = { path = "/var/log/mail" }
//! }
//! ```
//!
//! ## Fix safety
//! No automatic fix: the folder names are part of the restore procedure.
//!
//! ## References
//! - docs/guides/conventions.md section 2 ("Each declared mount lands in its own declared folder")

use super::{is_backup, job_name, Code, Ctx, Finding, Severity};

pub const CODE: Code = Code::DestinationFolderCollision;
pub const NAME: &str = "destination-folder-collision";
pub const SEVERITY: Severity = Severity::Error;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for job in stack.jobs.iter().filter(|j| is_backup(stack, j)) {
            let Some((a, b, folder)) = job
                .scripts
                .iter()
                .find_map(|s| basename_collision(s).or_else(|| same_destination(s)))
            else {
                continue;
            };
            out.push(
                ctx.finding(
                    job.origin.loc.clone(),
                    format!("backup CronJob {}: `{a}` and `{b}` both land in destination folder `{folder}`", job_name(job)),
                    "give every source its own, declared destination folder",
                )
                .about_job(stack, job),
            );
        }
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'' || c == ';')
}

/// `for VAR in A B C; do ... basename "$VAR" ...` where two items share a basename.
fn basename_collision(script: &str) -> Option<(String, String, String)> {
    let tokens: Vec<&str> = script.split_whitespace().collect();
    for (i, token) in tokens.iter().enumerate() {
        if *token != "for" || tokens.get(i + 2) != Some(&"in") {
            continue;
        }
        let var = tokens.get(i + 1)?;
        let mut items = Vec::new();
        for item in &tokens[i + 3..] {
            if *item == "do" || item.starts_with("do;") {
                break;
            }
            let done = item.ends_with(';');
            items.push(unquote(item));
            if done {
                break;
            }
        }
        let rest = tokens[i..].join(" ");
        let uses_basename = rest.contains(&format!("basename \"${var}\""))
            || rest.contains(&format!("basename ${var}"))
            || rest.contains(&format!("${{{var}##*/}}"));
        if !uses_basename {
            continue;
        }
        for (x, first) in items.iter().enumerate() {
            let base = |p: &str| {
                p.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            };
            if let Some(second) = items[x + 1..]
                .iter()
                .find(|other| base(other) == base(first))
            {
                return Some((first.to_string(), second.to_string(), base(first)));
            }
        }
    }
    None
}

/// Two `rsync`/`cp` commands (one per line) copying different sources to the same last argument.
fn same_destination(script: &str) -> Option<(String, String, String)> {
    let mut seen: Vec<(String, String)> = Vec::new();
    for line in script.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| *w == "rsync" || *w == "cp") else {
            continue;
        };
        let args: Vec<&str> = words[at + 1..]
            .iter()
            .take_while(|w| !matches!(**w, "&&" | "||" | ";" | "|"))
            .map(|w| unquote(w))
            .filter(|w| !w.starts_with('-'))
            .collect();
        let [.., source, destination] = args.as_slice() else {
            continue;
        };
        let destination = destination.trim_end_matches('/').to_string();
        // The same copy in two branches (`if ... then rsync A B else rsync A B`) is one source.
        let source = source.trim_end_matches('/');
        if let Some((first, _)) = seen.iter().find(|(s, d)| *d == destination && s != source) {
            return Some((first.clone(), source.to_string(), destination));
        }
        seen.push((source.to_string(), destination));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{basename_collision, same_destination};

    #[test]
    fn the_mailserver_loop_collides() {
        let script = "for src in /var/mail /var/mail-state /var/log/mail; do\n rsync -aH --delete \"$src/\" \"/backup/$W/$(basename \"$src\")/\"\ndone";
        let (a, b, folder) = basename_collision(script).expect("collision");
        assert_eq!(
            (a.as_str(), b.as_str(), folder.as_str()),
            ("/var/mail", "/var/log/mail", "mail")
        );
    }

    #[test]
    fn distinct_destinations_do_not_collide() {
        assert!(basename_collision(
            "for src in /var/mail /var/log; do cp -a $src /b/$(basename \"$src\"); done"
        )
        .is_none());
        assert!(same_destination(
            "rsync -a /var/mail/ /backup/w/data/\nrsync -a /var/log/mail/ /backup/w/log/"
        )
        .is_none());
        assert!(same_destination(
            "rsync -a /var/mail/ /backup/w/mail/\nrsync -a /var/log/mail/ /backup/w/mail"
        )
        .is_some());
    }
}

//! # BS007 busybox-relative-date
//!
//! ## What it does
//! Reports `date -d "-7 days"` (or any relative date: `"1 week ago"`, `"yesterday"`,
//! `--date="+1 day"`) in the script of a CronJob whose image is alpine or busybox.
//!
//! ## Why is this bad?
//! alpine's `date` is busybox, which rejects relative dates. With the usual
//! `|| echo ""` fallback the failure is silent: the mailserver backup computed its
//! `--link-dest` week this way, so the hard links never applied and every week was a full
//! copy. Busybox accepts `date -d @EPOCH`.
//!
//! ## Example
//! ```sh
//! PREV=$(date -d "-7 days" +%G-%V || echo "")
//! ```
//!
//! Use instead:
//! ```sh
//! PREV=$(date -d "@$(( $(date +%s) - 7 * 86400 ))" +%G-%V)
//! ```
//!
//! ## Fix safety
//! No automatic fix; Backstop's rendered scripts use the epoch form.
//!
//! ## References
//! - docs/guides/conventions.md section 2, "Strategies" (rsync)

use super::{job_name, Code, Ctx, Finding, Severity};

pub const CODE: Code = Code::BusyboxRelativeDate;
pub const NAME: &str = "busybox-relative-date";
pub const SEVERITY: Severity = Severity::Error;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    for stack in &ctx.model.stacks {
        for job in &stack.jobs {
            let busybox = job.images.iter().any(|i| {
                i.as_str()
                    .is_some_and(|i| i.contains("alpine") || i.contains("busybox"))
            });
            let Some(expr) = busybox
                .then(|| job.scripts.iter().find_map(|s| relative_date(s)))
                .flatten()
            else {
                continue;
            };
            out.push(
                ctx.finding(
                    job.origin.loc.clone(),
                    format!("CronJob {} runs `date {expr}` in a busybox image, which rejects relative dates", job_name(job)),
                    "compute the date from the epoch: date -d \"@$(( $(date +%s) - N * 86400 ))\"",
                )
                .about_job(stack, job),
            );
        }
    }
}

const RELATIVE_WORDS: [&str; 7] = [
    "ago",
    "day",
    "week",
    "month",
    "year",
    "yesterday",
    "tomorrow",
];

/// The `-d VALUE` of the first `date` call whose value is relative.
fn relative_date(script: &str) -> Option<String> {
    let tokens: Vec<&str> = script.split_whitespace().collect();
    for (i, token) in tokens.iter().enumerate() {
        let is_date = *token == "date"
            || token.ends_with("(date")
            || token.ends_with("/date")
            || token.ends_with("`date");
        if !is_date {
            continue;
        }
        for (j, arg) in tokens.iter().enumerate().skip(i + 1).take(3) {
            let value = if *arg == "-d" || *arg == "--date" {
                tokens
                    .get(j + 1..(j + 3).min(tokens.len()))
                    .map(|v| v.join(" "))
            } else {
                // `--date='1 week ago'`: the quoted value runs on into the next words.
                let rest = tokens.get(j + 1..(j + 3).min(tokens.len())).unwrap_or(&[]);
                arg.strip_prefix("--date=")
                    .or_else(|| arg.strip_prefix("-d").filter(|v| !v.is_empty()))
                    .map(|first| {
                        std::iter::once(first)
                            .chain(rest.iter().copied())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
            };
            let Some(value) = value else { continue };
            let bare = value.trim_matches(|c| c == '"' || c == '\'');
            let signed =
                bare.starts_with(['-', '+']) && bare[1..].starts_with(|c: char| c.is_ascii_digit());
            if !bare.starts_with('@') && (signed || RELATIVE_WORDS.iter().any(|w| bare.contains(w)))
            {
                return Some(format!("-d {}", value.trim_end_matches(')')));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::relative_date;

    #[test]
    fn relative_forms_are_found_and_epoch_forms_are_not() {
        assert!(relative_date("PREV=$(date -d \"-7 days\" +%G-%V || echo \"\")").is_some());
        assert!(relative_date("date --date='1 week ago'").is_some());
        assert!(relative_date("date -d yesterday").is_some());
        assert!(relative_date("date -d \"@$(( $(date +%s) - 604800 ))\" +%G-%V").is_none());
        assert!(relative_date("date +%Y%m%d").is_none());
    }
}

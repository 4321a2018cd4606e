//! Prints the rendered objects, or writes one file per object. Files are written to
//! temporary names first and renamed into place only once all of them are written, so a
//! failure leaves the directory as it was.

use super::objects::Rendered;
use super::Format;
use backstop_codegen::render::{kubernetes_hcl, kubernetes_manifest_hcl, to_yaml};
use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn print(rendered: &[Rendered], format: Format) -> std::io::Result<()> {
    let text = match format {
        Format::Yaml => to_yaml(&rendered.iter().map(|r| &r.manifest).collect::<Vec<_>>()),
        Format::Json => {
            let all: Vec<&serde_json::Value> = rendered.iter().map(|r| &r.manifest).collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&all).unwrap_or_default()
            )
        }
        Format::Hcl => rendered.iter().map(hcl).collect::<Vec<_>>().join("\n"),
    };
    std::io::stdout().lock().write_all(text.as_bytes())
}

fn one(rendered: &Rendered, format: Format) -> String {
    match format {
        Format::Yaml => to_yaml(&[&rendered.manifest]),
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&rendered.manifest).unwrap_or_default()
        ),
        Format::Hcl => hcl(rendered),
    }
}

fn hcl(rendered: &Rendered) -> String {
    let label = resource_label(&rendered.name);
    match rendered.kind {
        "PrometheusRule" => kubernetes_manifest_hcl(&label, &rendered.manifest),
        _ => kubernetes_hcl(&label, &rendered.manifest),
    }
}

/// A Terraform resource label from a Kubernetes name: `mail-backup` -> `mail_backup`.
fn resource_label(name: &str) -> String {
    let label: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if label.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{label}")
    } else {
        label
    }
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Yaml => "yaml",
        Format::Json => "json",
        Format::Hcl => "tf",
    }
}

pub fn write_dir(rendered: &[Rendered], format: Format, dir: &Path) -> Result<(), String> {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut names = BTreeSet::new();
    for r in rendered {
        let name = format!(
            "{}-{}.{}",
            r.kind.to_lowercase(),
            r.name.to_lowercase(),
            extension(format)
        );
        if !names.insert(name.clone()) {
            return Err(format!(
                "two objects would both be written to {name}; give them distinct names"
            ));
        }
        files.push((dir.join(name), one(r, format)));
    }
    // A folder in a file's place would make its rename fail after others succeeded.
    if let Some((path, _)) = files.iter().find(|(path, _)| path.is_dir()) {
        return Err(format!(
            "{} is a directory; remove it or choose another --out",
            path.display()
        ));
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (path, text) in &files {
        let temporary = temporary_name(path);
        if let Err(e) = fs::write(&temporary, text) {
            let _ = fs::remove_file(&temporary);
            remove_all(&written);
            return Err(format!("cannot write {}: {e}", temporary.display()));
        }
        written.push((temporary, path.clone()));
    }
    for (temporary, path) in &written {
        fs::rename(temporary, path).map_err(|e| {
            remove_all(&written);
            format!(
                "cannot move {} to {}: {e}",
                temporary.display(),
                path.display()
            )
        })?;
    }
    Ok(())
}

fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Best-effort cleanup of temporary files after a failure.
fn remove_all(written: &[(PathBuf, PathBuf)]) {
    for (temporary, _) in written {
        let _ = fs::remove_file(temporary);
    }
}

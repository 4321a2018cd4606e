//! The CLI is a thin binary over the core: it must not pull in the provider's plugin
//! server (tonic), its TLS stack (rustls with aws-lc) or any other rustls/ring build.
//! `rustls-pki-types` is allowed: reqwest parses PEM certificates with it whatever its
//! TLS backend; it holds certificate types and a PEM reader, no TLS and no cryptography.

use std::collections::BTreeSet;
use std::process::Command;

const FORBIDDEN: [&str; 7] = [
    "terraform-provider-backstop",
    "tonic",
    "rustls",
    "tokio-rustls",
    "aws-lc-rs",
    "aws-lc-sys",
    "ring",
];

#[test]
fn the_cli_does_not_depend_on_the_provider_or_its_tls_stack() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["tree", "-p", "backstop", "-e", "normal,build"])
        .args(["--prefix", "none", "--format", "{p}", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let crates: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect();
    assert!(crates.contains("backstop-codegen"), "{crates:?}");
    let found: Vec<&str> = FORBIDDEN
        .into_iter()
        .filter(|name| crates.contains(*name))
        .collect();
    assert!(found.is_empty(), "the CLI depends on {found:?}");
}

//! go-plugin's launch contract: the magic cookie, protocol version 6, and the single
//! handshake line on stdout that tells Terraform where to connect.

use std::io::Write;

pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
pub const PROTOCOL_VERSION: u32 = 6;

/// Why this process should not serve. The binary words the first for its user: only it
/// knows how it is installed.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("not started by Terraform (no magic cookie)")]
    NotStartedByTerraform,
    #[error("Terraform offers plugin protocol versions {offered}, but this provider speaks only version {PROTOCOL_VERSION} (Terraform 1.0 or later).")]
    ProtocolVersion { offered: String },
}

/// Whether Terraform started this process and speaks protocol 6 with it.
pub fn check_launch() -> Result<(), LaunchError> {
    if std::env::var(MAGIC_COOKIE_KEY).ok().as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(LaunchError::NotStartedByTerraform);
    }
    let offered = std::env::var("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_default();
    if !offered.is_empty()
        && !offered
            .split(',')
            .any(|v| v.trim() == PROTOCOL_VERSION.to_string())
    {
        return Err(LaunchError::ProtocolVersion { offered });
    }
    Ok(())
}

/// The handshake line: `1|6|tcp|127.0.0.1:PORT|grpc|<base64 DER, unpadded>`.
pub fn line(address: &std::net::SocketAddr, server_cert_der: Option<&[u8]>) -> String {
    use base64::Engine;
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!("1|{PROTOCOL_VERSION}|tcp|{address}|grpc|{cert}\n")
}

/// Writes the handshake as the first and only thing on stdout, flushed at once.
pub fn announce(line: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(line.as_bytes())?;
    stdout.flush()
}

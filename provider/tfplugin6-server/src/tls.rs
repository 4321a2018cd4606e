//! go-plugin's AutoMTLS: Terraform passes its client certificate in `PLUGIN_CLIENT_CERT`;
//! we generate a server certificate it will trust (printed in the handshake), and accept
//! exactly Terraform's certificate and nothing else.
//!
//! Terraform's certificate is a self-signed ECDSA P-521 CA used as a leaf: stock webpki
//! verification rejects it (`CaUsedAsEndEntity`) and ring cannot check P-521 signatures,
//! hence the custom verifier below on aws-lc-rs.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{aws_lc_rs, verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};

/// The TLS configuration and the certificate to announce in the handshake line.
pub struct AutoMtls {
    pub config: Arc<ServerConfig>,
    pub server_cert_der: Vec<u8>,
}

/// Why AutoMTLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("PLUGIN_CLIENT_CERT does not hold a PEM certificate: {0}")]
    ClientCertificate(rustls_pki_types::pem::Error),
    #[error("could not generate the server certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("{0}")]
    ProtocolVersions(rustls::Error),
    #[error("the generated server certificate was rejected: {0}")]
    ServerCertificate(rustls::Error),
}

/// Builds the server side of AutoMTLS from the PEM in `PLUGIN_CLIENT_CERT`.
pub fn auto_mtls(client_cert_pem: &str) -> Result<AutoMtls, TlsError> {
    let client_cert = CertificateDer::from_pem_slice(client_cert_pem.as_bytes())
        .map_err(TlsError::ClientCertificate)?;
    let provider = Arc::new(aws_lc_rs::default_provider());
    let (cert_der, key_der) = server_certificate()?;
    let verifier = ExactClientCert {
        expected: client_cert.into_owned(),
        provider: provider.clone(),
    };
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::ProtocolVersions)?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(
            vec![CertificateDer::from(cert_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der)),
        )
        .map_err(TlsError::ServerCertificate)?;
    // grpc-go refuses TLS connections that do not negotiate h2 by ALPN.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(AutoMtls {
        config: Arc::new(config),
        server_cert_der: cert_der,
    })
}

/// A fresh self-signed certificate on go-plugin's template: SAN `localhost` (what the
/// client checks), CA, client and server auth, valid from 30 s ago to absorb clock skew.
fn server_certificate() -> Result<(Vec<u8>, Vec<u8>), rcgen::Error> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()])?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "HashiCorp");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let now = SystemTime::now();
    params.not_before = (now - Duration::from_secs(30)).into();
    params.not_after = (now + Duration::from_secs(30 * 24 * 3600)).into();
    let cert = params.self_signed(&key)?;
    Ok((cert.der().to_vec(), key.serialize_der()))
}

/// Accepts one client certificate, byte for byte, and verifies the handshake signature
/// made with its key.
#[derive(Debug)]
struct ExactClientCert {
    expected: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for ExactClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    /// Includes ECDSA P-521 SHA-512: Go sends its certificate only when the server's
    /// CertificateRequest lists a scheme its key can sign with.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

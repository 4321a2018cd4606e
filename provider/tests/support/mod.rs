//! A test client of the plugin: launches the provider binary as Terraform does (magic
//! cookie, `PLUGIN_CLIENT_CERT`) and calls it over mutual TLS.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use base64::Engine;
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{aws_lc_rs, verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use tfplugin6_server::proto::tfplugin6::{get_provider_schema, provider_client::ProviderClient};
use tonic::transport::{Channel, Endpoint};

/// A certificate made the way go-plugin makes Terraform's: ECDSA P-521, SHA-512,
/// self-signed CA, CN and SAN localhost, client and server auth.
pub struct ClientIdentity {
    pub pem: String,
    der: Vec<u8>,
    key: Vec<u8>,
}

pub fn terraform_like_identity() -> ClientIdentity {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "HashiCorp");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).expect("self-signed certificate");
    ClientIdentity {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key: key.serialize_der(),
    }
}

pub struct Plugin {
    pub child: Child,
    address: String,
    server_cert: Vec<u8>,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn launch(client_cert_pem: &str) -> Plugin {
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-backstop"))
        .env(
            "TF_PLUGIN_MAGIC_COOKIE",
            "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
        )
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_CLIENT_CERT", client_cert_pem)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the provider binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("handshake line");
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(&fields[..3], ["1", "6", "tcp"], "handshake {line:?}");
    assert_eq!(fields[4], "grpc");
    assert!(
        !fields[5].ends_with('='),
        "the certificate must be unpadded base64"
    );
    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(fields[5])
        .expect("base64 DER");
    Plugin {
        child,
        address: fields[3].to_string(),
        server_cert,
    }
}

/// Trusts exactly the certificate from the handshake line, as go-plugin's client does.
#[derive(Debug)]
struct AnnouncedServer {
    der: Vec<u8>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AnnouncedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        assert_eq!(server_name.to_str(), "localhost");
        if end_entity.as_ref() == self.der.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "not the announced certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(m, c, d, &self.provider.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(m, c, d, &self.provider.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Calls GetProviderSchema over TLS, presenting `identity` (or no certificate).
pub async fn get_schema(
    plugin: &Plugin,
    identity: Option<&ClientIdentity>,
) -> Result<get_provider_schema::Response, String> {
    ProviderClient::new(connect(plugin, identity).await?)
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .map(|r| r.into_inner())
        .map_err(|e| format!("call: {e}"))
}

/// A gRPC channel over TLS to the plugin, presenting `identity` (or no certificate).
pub async fn connect(
    plugin: &Plugin,
    identity: Option<&ClientIdentity>,
) -> Result<Channel, String> {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnnouncedServer {
            der: plugin.server_cert.clone(),
            provider,
        }));
    let mut config = match identity {
        Some(id) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from(id.der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key.clone())),
            )
            .map_err(|e| e.to_string())?,
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let address = plugin.address.clone();
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let connector = connector.clone();
            let address = address.clone();
            async move {
                let tcp = tokio::net::TcpStream::connect(&address).await?;
                let tls = connector
                    .connect(ServerName::try_from("localhost").expect("name"), tcp)
                    .await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
        .map_err(|e| format!("connect: {e}"))
}

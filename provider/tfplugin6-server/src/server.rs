//! The gRPC server Terraform talks to: the provider service plus go-plugin's controller
//! (Shutdown -> exit) and stdio services, over TLS when AutoMTLS is on.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tokio_stream::{Stream, StreamExt};
use tonic::transport::Server;
use tonic::{Request, Response, Status};

use crate::handshake;
use crate::log::{log, Level};
use crate::proto::plugin::{self, grpc_controller_server, grpc_stdio_server};
use crate::proto::tfplugin6::provider_server::ProviderServer;
use crate::provider::Provider;
use crate::service::Service;
use crate::tls;

/// Terraform sends whole plans and states in one message; tonic's 4 MiB default is too small.
const MAX_MESSAGE_BYTES: usize = 256 << 20;

struct Controller {
    shutdown: watch::Sender<bool>,
}

#[tonic::async_trait]
impl grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<plugin::Empty>) -> Result<Response<plugin::Empty>, Status> {
        self.shutdown.send_replace(true);
        Ok(Response::new(plugin::Empty {}))
    }
}

/// Nothing is ever written to stdout/stderr that Terraform should relay, so the stream
/// ends at once; go-plugin treats the end of the stream as normal.
struct Stdio;

#[tonic::async_trait]
impl grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = Pin<Box<dyn Stream<Item = Result<plugin::StdioData, Status>> + Send>>;

    async fn stream_stdio(
        &self,
        _: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(Box::pin(tokio_stream::empty())))
    }
}

/// Why the server stopped on its own.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("cannot listen on 127.0.0.1: {0}")]
    Listen(std::io::Error),
    #[error("{0}")]
    LocalAddress(std::io::Error),
    #[error("cannot write the handshake to stdout: {0}")]
    Handshake(std::io::Error),
    #[error("the gRPC server failed: {0}")]
    Grpc(tonic::transport::Error),
}

/// Binds, announces the handshake and serves `provider` until Terraform asks the plugin
/// to stop.
pub async fn serve(provider: impl Provider) -> Result<(), ServeError> {
    ignore_interrupts();
    let mtls = match std::env::var("PLUGIN_CLIENT_CERT") {
        Ok(pem) if !pem.trim().is_empty() => Some(tls::auto_mtls(&pem)?),
        _ => None,
    };
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(ServeError::Listen)?;
    let address = listener.local_addr().map_err(ServeError::LocalAddress)?;

    // A watch channel, not a Notify: both the graceful stop and the deadline must see it.
    let (shutdown, requested) = watch::channel(false);
    let router = Server::builder()
        .add_service(
            ProviderServer::new(Service::new(provider))
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
        )
        .add_service(grpc_controller_server::GrpcControllerServer::new(
            Controller {
                shutdown: shutdown.clone(),
            },
        ))
        .add_service(grpc_stdio_server::GrpcStdioServer::new(Stdio));

    let line = handshake::line(
        &address,
        mtls.as_ref().map(|m| m.server_cert_der.as_slice()),
    );
    log(
        Level::Debug,
        &format!(
            "listening on {address}, TLS {}",
            if mtls.is_some() { "on" } else { "off" }
        ),
    );
    handshake::announce(&line).map_err(ServeError::Handshake)?;

    let stopped = shutdown_requested(requested.clone());
    let serving = async {
        match mtls {
            Some(mtls) => {
                router
                    .serve_with_incoming_shutdown(tls_incoming(listener, mtls.config), stopped)
                    .await
            }
            None => {
                let incoming = TcpListenerStream::new(listener).map(|connection| {
                    if let Ok(stream) = &connection {
                        disable_nagle(stream);
                    }
                    connection
                });
                router.serve_with_incoming_shutdown(incoming, stopped).await
            }
        }
    };
    // Graceful shutdown waits for open streams; Terraform kills us 2 s after Shutdown,
    // so give in-flight calls a moment and then leave on our own.
    let deadline = async {
        shutdown_requested(requested).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    tokio::select! {
        result = serving => result.map_err(ServeError::Grpc),
        _ = deadline => {
            log(Level::Warn, "in-flight calls did not finish within 500 ms of Shutdown");
            Ok(())
        }
    }
}

async fn shutdown_requested(mut requested: watch::Receiver<bool>) {
    // An error means the controller is gone, which also ends the server.
    let _ = requested.wait_for(|stop| *stop).await;
}

/// Accepted TCP connections after a successful TLS handshake. A client that fails the
/// handshake (no certificate, another certificate) is dropped and logged.
fn tls_incoming(
    listener: TcpListener,
    config: Arc<rustls::ServerConfig>,
) -> ReceiverStream<Result<tokio_rustls::server::TlsStream<tokio::net::TcpStream>, std::io::Error>>
{
    let (sender, receiver) = tokio::sync::mpsc::channel(16);
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    tokio::spawn(async move {
        let mut connections = TcpListenerStream::new(listener);
        while let Some(connection) = connections.next().await {
            let Ok(stream) = connection else { continue };
            disable_nagle(&stream);
            let acceptor = acceptor.clone();
            let sender = sender.clone();
            tokio::spawn(async move {
                match acceptor.accept(stream).await {
                    Ok(tls) => {
                        let _ = sender.send(Ok(tls)).await;
                    }
                    Err(e) => log(Level::Warn, &format!("refused a TLS client: {e}")),
                }
            });
        }
    });
    ReceiverStream::new(receiver)
}

/// Without TCP_NODELAY a response written in several segments waits for the client's
/// delayed ACK: 40 ms stalls on loopback, several per provider launch.
fn disable_nagle(stream: &tokio::net::TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        log(Level::Warn, &format!("cannot set TCP_NODELAY: {e}"));
    }
}

/// go-plugin ignores SIGINT: Ctrl-C reaches the whole process group, and Terraform asks
/// its plugins to stop through StopProvider and Shutdown instead.
fn ignore_interrupts() {
    if let Ok(mut interrupts) =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
    {
        tokio::spawn(async move { while interrupts.recv().await.is_some() {} });
    }
}

//! The provider process as Terraform drives it: Ctrl-C (SIGINT to the whole process
//! group) does not kill it mid-RPC, and the controller's Shutdown makes it exit promptly
//! (Terraform waits up to 2 s for that exit before killing it).

mod support;

use std::time::{Duration, Instant};

use support::{connect, get_schema, launch, terraform_like_identity};
use tfplugin6_server::proto::plugin::{grpc_controller_client::GrpcControllerClient, Empty};

#[tokio::test]
async fn sigint_is_ignored() {
    let terraform = terraform_like_identity();
    let mut plugin = launch(&terraform.pem);
    let status = std::process::Command::new("kill")
        .args(["-INT", &plugin.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        plugin.child.try_wait().expect("status").is_none(),
        "SIGINT killed the provider"
    );
    assert!(get_schema(&plugin, Some(&terraform)).await.is_ok());
}

#[tokio::test]
async fn shutdown_exits_promptly() {
    let terraform = terraform_like_identity();
    let mut plugin = launch(&terraform.pem);
    let channel = connect(&plugin, Some(&terraform)).await.expect("connect");
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .expect("Shutdown is answered");
    let asked = Instant::now();
    while plugin.child.try_wait().expect("status").is_none() {
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "still running 2 s after Shutdown"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!("exited {} ms after Shutdown", asked.elapsed().as_millis());
    assert!(plugin
        .child
        .try_wait()
        .expect("status")
        .is_some_and(|s| s.success()));
}

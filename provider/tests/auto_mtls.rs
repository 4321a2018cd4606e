//! AutoMTLS against our own client: the provider binary is launched as Terraform does
//! (magic cookie, `PLUGIN_CLIENT_CERT` with a P-521 self-signed CA certificate like
//! Terraform's), and only a client presenting exactly that certificate gets an answer.

mod support;

use support::{get_schema, launch, terraform_like_identity};

#[tokio::test]
async fn terraforms_certificate_is_served() {
    let terraform = terraform_like_identity();
    let plugin = launch(&terraform.pem);
    let schema = get_schema(&plugin, Some(&terraform))
        .await
        .expect("the right client certificate is served");
    assert!(schema.resource_schemas.contains_key("backstop_backup_job"));
}

#[tokio::test]
async fn a_client_without_certificate_is_refused() {
    let terraform = terraform_like_identity();
    let plugin = launch(&terraform.pem);
    assert!(get_schema(&plugin, None).await.is_err());
}

#[tokio::test]
async fn a_client_with_another_certificate_is_refused() {
    let terraform = terraform_like_identity();
    let intruder = terraform_like_identity();
    let plugin = launch(&terraform.pem);
    assert!(get_schema(&plugin, Some(&intruder)).await.is_err());
    // The server still serves Terraform afterwards.
    assert!(get_schema(&plugin, Some(&terraform)).await.is_ok());
}

//! `terraform-provider-backstop`: started by Terraform, it serves the plugin protocol;
//! run by hand, it explains itself, prints its version with `--version`, or its schemas
//! as `terraform providers schema -json` shows them with `--schema-json`.

use std::process::ExitCode;

use terraform_provider_backstop::plugin::BackstopProvider;
use tfplugin6_server::handshake::{self, LaunchError};
use tfplugin6_server::{log, server};

/// What to tell a person who started the binary by hand.
const NOT_A_COMMAND: &str =
    "This binary is a plugin. These are not meant to be executed directly.\n\
     Terraform runs it: point `dev_overrides` for \"backstop/backstop\" at its directory in your \
     Terraform CLI configuration, or install it from the registry.\n\
     `terraform-provider-backstop --version` prints its version.";

fn main() -> ExitCode {
    if std::env::args()
        .nth(1)
        .is_some_and(|a| a == "--version" || a == "version")
    {
        println!("terraform-provider-backstop {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    if std::env::args()
        .nth(1)
        .is_some_and(|a| a == "--schema-json")
    {
        println!("{}", terraform_provider_backstop::schema_json());
        return ExitCode::SUCCESS;
    }
    match handshake::check_launch() {
        Ok(()) => {}
        Err(LaunchError::NotStartedByTerraform) => {
            eprintln!("{NOT_A_COMMAND}");
            return ExitCode::FAILURE;
        }
        Err(why) => {
            eprintln!("{why}");
            return ExitCode::FAILURE;
        }
    }
    log::set_name("backstop");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::serve(BackstopProvider::default())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            let why = why.to_string();
            log::log(log::Level::Error, &why);
            eprintln!("{why}");
            ExitCode::FAILURE
        }
    }
}

//! `terraform-provider-backstop`: started by Terraform, it serves the plugin protocol;
//! run by hand, it explains itself, prints its version with `--version`, or its schemas
//! as `terraform providers schema -json` shows them with `--schema-json`.

use std::process::ExitCode;

use terraform_provider_backstop::{handshake, log, server};

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
    if let Err(why) = handshake::check_launch() {
        eprintln!("{why}");
        return ExitCode::FAILURE;
    }
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
    match runtime.block_on(server::serve()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            log::log(log::Level::Error, &why);
            eprintln!("{why}");
            ExitCode::FAILURE
        }
    }
}

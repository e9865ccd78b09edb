//! `-v` and `--debug`: events on stderr through `tracing`. `-v` shows one
//! line per AWS call (the `aws` layer emits them); `--debug` adds the SDK's
//! own events (requests, retries, credentials) with their timestamps. stdout
//! carries data only.

use tracing_subscriber::EnvFilter;

/// The events `-v` shows.
pub const CALLS_TARGET: &str = "aipctl::aws";

/// Starts logging on stderr when asked; does nothing otherwise.
pub fn init(verbose: bool, debug: bool) {
    if !verbose && !debug {
        return;
    }
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    if debug {
        let filter = EnvFilter::new(format!(
            "{CALLS_TARGET}=info,aws_smithy_runtime=debug,aws_smithy_runtime_api=debug,aws_sigv4=debug,aws_config=debug,aws_smithy_http_client=debug"
        ));
        let _ = builder.with_env_filter(filter).try_init();
    } else {
        let _ = builder
            .with_env_filter(EnvFilter::new(format!("{CALLS_TARGET}=info")))
            .without_time()
            .with_level(false)
            .with_target(false)
            .try_init();
    }
}

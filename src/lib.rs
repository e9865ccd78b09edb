//! aipctl: Amazon Bedrock application inference profiles as the unit of
//! cost attribution.
//!
//! - [`cli`]: the command line (clap only), parsed into domain types;
//! - [`commands`]: one module per verb, orchestration only;
//! - [`domain`]: pure values and rules (tags, profiles, regions);
//! - [`aws`]: the only place SDK types appear;
//! - [`output`]: every byte printed (tables, JSON, CSV, errors);
//! - [`error`]: the one error type and its exit codes.

pub mod aws;
pub mod cli;
pub mod commands;
pub mod domain;
pub mod error;
pub mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::error::Error;
use crate::output::{Format, Output};

/// Parses the command line, runs the command, renders any error once.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let g = &cli.global;
    let verbose = g.verbose || g.debug;
    output::logging::init(verbose, g.debug);
    // One thread: every command is one future whose requests overlap through `futures`
    // combinators under the concurrency budget, so worker threads would only hop connection
    // tasks between cores. One thread keeps `list` of 10,000 profiles under 40 MiB (each thread
    // that allocates gets its own malloc arena) and faster (0.42 s against 0.7 s, no hops).
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let mut out = Output::stdio(&output::Settings {
                format: Format::Table,
                query: None,
                no_color: g.no_color,
                verbose,
            });
            out.error(&Error::Io(e));
            return ExitCode::from(1);
        }
    };
    let format = runtime.block_on(commands::shared::session::output_format(g));
    let mut out = Output::stdio(&output::Settings {
        format: format.as_ref().map_or(Format::Table, |f| *f),
        query: g.query.clone(),
        no_color: g.no_color,
        verbose,
    });
    let result = match format {
        Ok(_) => runtime.block_on(commands::run(cli, &mut out)),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`aipctl list | head`) is the reader's choice, not a failure.
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Error::Quiet(code)) => ExitCode::from(code),
        Err(e) => {
            out.error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

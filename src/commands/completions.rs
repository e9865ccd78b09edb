//! `aipctl completions SHELL`: completion scripts from the clap definition.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::output::Output;

pub fn run(args: &CompletionsArgs, out: &mut Output) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "aipctl", &mut buf);
    out.raw(&buf)
}

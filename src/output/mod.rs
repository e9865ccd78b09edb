//! Every byte aipctl prints goes through here: data to stdout as a table,
//! JSON or CSV; messages, warnings and the final error to stderr.
//!
//! Views are plain values with `Serialize` (JSON) plus a table and CSV form;
//! renderers write to any `io::Write`, so tests snapshot exactly what a user
//! sees. Nothing here calls AWS or reads the clock.

pub mod cost;
pub mod dashboard;
pub mod plan;
pub mod policy;
pub mod profiles;
pub mod prune;
pub mod usage;

use std::io::{self, IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::error::Error;

/// How data is printed on stdout (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// A view that can be printed in every output format.
pub trait View: Serialize {
    /// The human table.
    fn table(&self) -> Table;
    /// CSV header and rows (tidy: one record per row).
    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>);
}

/// Where output goes and how it looks.
pub struct Output {
    pub format: Format,
    pub color: bool,
    pub verbose: bool,
    stdout: Box<dyn Write + Send>,
    stderr: Box<dyn Write + Send>,
    stderr_is_tty: bool,
}

impl Output {
    pub fn stdio(format: Format, no_color: bool, verbose: bool) -> Self {
        let color = !no_color
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && io::stdout().is_terminal();
        Self {
            format,
            color,
            verbose,
            stdout: Box::new(io::stdout()),
            stderr: Box::new(io::stderr()),
            stderr_is_tty: io::stderr().is_terminal(),
        }
    }

    /// Whether progress bars may be drawn (stderr is a terminal).
    pub fn progress_allowed(&self) -> bool {
        self.stderr_is_tty
    }

    /// Prints a view to stdout in the chosen format.
    pub fn data(&mut self, view: &impl View) -> Result<(), Error> {
        let mut buf = Vec::new();
        render(view, self.format, self.color, &mut buf)?;
        self.stdout.write_all(&buf)?;
        self.stdout.flush()?;
        Ok(())
    }

    /// A line of information for the person at the terminal (stderr).
    pub fn note(&mut self, message: &str) {
        let _ = writeln!(self.stderr, "{message}");
    }

    pub fn warn(&mut self, message: &str) {
        let prefix = self.paint("warning:", "33");
        let _ = writeln!(self.stderr, "{prefix} {message}");
    }

    /// Shown only with `-v`.
    pub fn detail(&mut self, message: &str) {
        if self.verbose {
            let _ = writeln!(self.stderr, "{message}");
        }
    }

    /// A table for the person at the terminal (stderr), e.g. a plan before a prompt.
    pub fn note_table(&mut self, table: &Table) {
        let _ = writeln!(self.stderr, "{}", finish_table(table.clone(), self.color));
    }

    pub fn error(&mut self, err: &Error) {
        let mut buf = Vec::new();
        render_error(err, self.verbose, self.color, &mut buf);
        let _ = self.stderr.write_all(&buf);
    }

    fn paint(&self, s: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
}

/// Renders a view in `format` to `w`.
pub fn render(view: &impl View, format: Format, color: bool, w: &mut impl Write) -> Result<(), Error> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, view).map_err(io::Error::from)?;
            writeln!(w)?;
        }
        Format::Csv => {
            let (header, rows) = view.csv();
            let mut out = csv::Writer::from_writer(w);
            out.write_record(&header).map_err(io::Error::from)?;
            for row in rows {
                out.write_record(&row).map_err(io::Error::from)?;
            }
            out.flush()?;
        }
        Format::Table => {
            writeln!(w, "{}", finish_table(view.table(), color))?;
        }
    }
    Ok(())
}

/// A table with aipctl's look: no borders, a header rule, fixed layout when
/// not on a terminal (so piped output and snapshots are stable).
pub fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING);
    t.set_header(header.iter().map(|h| h.to_uppercase()));
    t
}

fn finish_table(mut t: Table, color: bool) -> String {
    t.set_content_arrangement(ContentArrangement::Disabled);
    if !color {
        t.force_no_tty();
    }
    t.to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_start_matches('\n')
        .to_owned()
}

/// `error: …`, then `hint: …`, then (with `-v`) the AWS details.
pub fn render_error(err: &Error, verbose: bool, color: bool, w: &mut impl Write) {
    let label = if color {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    };
    let _ = writeln!(w, "{label} {err}");
    if let Some(hint) = err.hint() {
        let label = if color { "\x1b[1;36mhint:\x1b[0m" } else { "hint:" };
        let _ = writeln!(w, "{label} {hint}");
    }
    if verbose && let Some(detail) = err.verbose_detail() {
        let _ = writeln!(w, "  {detail}");
    }
}

/// How long ago, for people: `3d`, `5h`, `12m`, `just now`.
pub fn age(seconds: i64) -> String {
    match seconds {
        s if s < 60 => "just now".to_owned(),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

impl Output {
    /// Bytes that are already the output (completion scripts, policy documents).
    pub fn raw(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.stdout.write_all(bytes)?;
        self.stdout.flush()?;
        Ok(())
    }
}

impl Output {
    /// A progress bar on stderr, drawn only on a terminal.
    pub fn progress(&self, len: u64, what: &str) -> indicatif::ProgressBar {
        if !self.progress_allowed() || len < 2 {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(len);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} {elapsed}")
                .expect("valid template"),
        );
        bar.set_message(what.to_owned());
        bar
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        assert_eq!(age(5), "just now");
        assert_eq!(age(125), "2m");
        assert_eq!(age(7200), "2h");
        assert_eq!(age(86_400 * 40 + 5), "40d");
    }

    #[test]
    fn errors_render_with_hint_and_verbose_detail() {
        let err = Error::Aws(Box::new(crate::error::AwsFailure {
            service: "bedrock",
            operation: "ListInferenceProfiles",
            region: "us-east-1".into(),
            code: Some("AccessDeniedException".into()),
            message: "no".into(),
            request_id: Some("req-1".into()),
            attempts: None,
            throttled: false,
        }));
        let mut buf = Vec::new();
        render_error(&err, true, false, &mut buf);
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "error: bedrock ListInferenceProfiles in us-east-1 failed: AccessDeniedException: no\n\
             hint: the caller lacks `bedrock:ListInferenceProfiles`; `aipctl policy operator` prints a policy with every permission aipctl needs\n  \
             operation: bedrock:ListInferenceProfiles in us-east-1; error code: AccessDeniedException; request id: req-1\n"
        );
    }
}

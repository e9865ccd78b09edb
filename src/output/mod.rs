//! Every byte aipctl prints goes through here: data to stdout as a table,
//! JSON, YAML, text or CSV (after `--query`, as the AWS CLI does), and
//! messages, warnings, progress and the final error to stderr.
//!
//! Views are plain values with `Serialize` plus a table and a CSV form;
//! renderers write to any `io::Write`, so tests snapshot exactly what a user
//! sees. Tables fit the terminal when stdout is one and keep their full width
//! in pipes. Colour follows each stream (`anstream`: `NO_COLOR`,
//! `CLICOLOR_FORCE`, a terminal or not). Nothing here calls AWS or reads the clock.

pub mod budgets;
pub mod cost;
pub mod coverage;
pub mod dashboard;
pub mod logging;
pub mod plan;
pub mod policy;
pub mod price;
pub mod profiles;
pub mod progress;
pub mod prune;
mod render;
pub mod report;
pub mod table;
mod text;
pub mod usage;

use std::io::{self, IsTerminal, Write};

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};
use comfy_table::Table;
use serde::Serialize;

use crate::error::Error;

pub use render::{check_query, render};
pub use table::new_table;

/// How data is printed on stdout (`-o`, else `AWS_DEFAULT_OUTPUT` or the
/// profile's `output`, as the AWS CLI reads them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Yaml,
    // Tab-separated, as the AWS CLI's `text`.
    Text,
    Csv,
}

impl Format {
    /// The AWS CLI's name of an output setting (`json`, `yaml`, `yaml-stream`, `text`, `table`).
    pub fn from_aws_setting(s: &str) -> Option<Self> {
        match s.trim() {
            "table" => Some(Self::Table),
            "json" => Some(Self::Json),
            "yaml" | "yaml-stream" => Some(Self::Yaml),
            "text" => Some(Self::Text),
            _ => None,
        }
    }
}

/// A view that can be printed in every output format.
/// The account a row was read in, in a multi-account run: `account` and,
/// when known, `account_name` in JSON; an ACCOUNT column in tables (its
/// name, else its ID). Single-account output has neither.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountCols {
    pub account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
}

impl AccountCols {
    pub fn of(a: Option<&crate::domain::account::Account>) -> Option<Self> {
        a.map(|a| Self {
            account: a.id.to_string(),
            account_name: a.name.clone(),
        })
    }

    /// The ACCOUNT cell of a row: the account's name when known, else its ID.
    pub fn cell(a: Option<&crate::domain::account::Account>) -> String {
        a.map_or_else(
            || "-".to_owned(),
            |a| a.name.clone().unwrap_or_else(|| a.id.to_string()),
        )
    }
}

pub trait View: Serialize {
    /// The human table.
    fn table(&self) -> Table;
    /// CSV header and rows (tidy: one record per row).
    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>);
    /// Lines under the table: what a report covers (its window, its regions).
    fn footer(&self) -> Vec<String> {
        Vec::new()
    }
    /// Columns (by header) a terminal too narrow for the table may hide, the
    /// first named first; the table then says which it hid.
    fn optional_columns(&self) -> Vec<String> {
        Vec::new()
    }
    /// With no rows, the sentence a table prints instead of a bare header.
    fn empty(&self) -> Option<String> {
        None
    }
}

/// How output looks, from the global flags.
#[derive(Debug, Clone)]
pub struct Settings {
    pub format: Format,
    /// A JMESPath expression applied to the JSON form before printing.
    pub query: Option<String>,
    pub no_color: bool,
    pub verbose: bool,
}

/// Where output goes and how it looks.
pub struct Output {
    pub format: Format,
    query: Option<String>,
    pub verbose: bool,
    stdout: Box<dyn Write + Send>,
    /// stdout as it is, for JSON: `serde_json` escapes every control
    /// character, so there is no escape sequence to strip, and large
    /// documents skip the byte-by-byte scan `stdout` makes in a pipe.
    stdout_plain: Box<dyn Write + Send>,
    stderr: Box<dyn Write + Send>,
    /// Terminal widths; `None` for a pipe or a file (tables keep their full width).
    stdout_width: Option<usize>,
    stderr_width: Option<usize>,
    stderr_is_tty: bool,
    color: bool,
    activity: Option<progress::Activity>,
}

fn width_of(tty: bool, stream: &impl std::os::fd::AsFd) -> Option<usize> {
    if !tty {
        return None;
    }
    terminal_size::terminal_size_of(stream).map(|(w, _)| usize::from(w.0))
}

impl Output {
    pub fn stdio(settings: &Settings) -> Self {
        let choice = if settings.no_color {
            ColorChoice::Never
        } else {
            ColorChoice::Auto
        };
        let (out, err) = (io::stdout(), io::stderr());
        let stderr_is_tty = err.is_terminal();
        let stdout_width = width_of(out.is_terminal(), &out);
        let stderr_width = width_of(stderr_is_tty, &err);
        let stderr = AutoStream::new(err, choice);
        let color = stderr.current_choice() != ColorChoice::Never;
        Self {
            format: settings.format,
            query: settings.query.clone(),
            verbose: settings.verbose,
            stdout: Box::new(AutoStream::new(out, choice)),
            stdout_plain: Box::new(io::stdout()),
            stderr: Box::new(stderr),
            stdout_width,
            stderr_width,
            stderr_is_tty,
            color,
            activity: None,
        }
    }

    /// Shows what the command is doing on a terminal, with the count of AWS
    /// requests `count` reports; nothing in a pipe.
    pub fn activity(&mut self, stage: &str, count: impl Fn() -> usize + Send + 'static) {
        if self.stderr_is_tty {
            self.activity = Some(progress::Activity::start(stage, count));
        }
    }

    /// Names the stage the activity line shows.
    pub fn stage(&mut self, stage: &str) {
        if let Some(a) = &self.activity {
            a.stage(stage);
        }
    }

    /// Clears the activity line for good (data follows, or a question).
    pub fn end_activity(&mut self) {
        if let Some(a) = self.activity.take() {
            a.clear();
        }
    }

    fn line_to_stderr(&mut self, line: &str) {
        let stderr = &mut self.stderr;
        match &self.activity {
            Some(a) => a.suspend(|| {
                let _ = writeln!(stderr, "{line}");
            }),
            None => {
                let _ = writeln!(stderr, "{line}");
            }
        }
    }

    /// Whether progress bars may be drawn (stderr is a terminal).
    pub fn progress_allowed(&self) -> bool {
        self.stderr_is_tty
    }

    /// Whether data goes out as the table (no `--query`): a command may add
    /// notes that only make sense beside a table.
    pub fn is_table(&self) -> bool {
        self.format == Format::Table && self.query.is_none()
    }

    /// Prints a view to stdout in the chosen format.
    pub fn data(&mut self, view: &impl View) -> Result<(), Error> {
        self.end_activity();
        if self.is_table()
            && let Some(sentence) = view.empty()
        {
            self.note(&sentence);
            return Ok(());
        }
        if self.format == Format::Json && self.query.is_none() {
            // Written as it is serialized: a copy of 10,000 profiles' JSON in memory
            // first was the largest part of `list`'s peak.
            let mut out = io::BufWriter::new(&mut self.stdout_plain);
            render(view, Format::Json, None, None, &mut out)?;
            out.flush()?;
            return Ok(());
        }
        let mut buf = Vec::new();
        render(
            view,
            self.format,
            self.query.as_deref(),
            self.stdout_width,
            &mut buf,
        )?;
        let stdout = if self.format == Format::Json {
            &mut self.stdout_plain
        } else {
            &mut self.stdout
        };
        stdout.write_all(&buf)?;
        stdout.flush()?;
        Ok(())
    }

    /// A line of information for the person at the terminal (stderr).
    pub fn note(&mut self, message: &str) {
        self.line_to_stderr(message);
    }

    pub fn warn(&mut self, message: &str) {
        let style = Style::new().fg_color(Some(AnsiColor::Yellow.into()));
        self.line_to_stderr(&format!("{style}warning:{style:#} {message}"));
    }

    /// Shown only with `-v`.
    pub fn detail(&mut self, message: &str) {
        if self.verbose {
            self.line_to_stderr(message);
        }
    }

    /// A table for the person at the terminal (stderr), e.g. a plan before a prompt.
    pub fn note_table(&mut self, table: &Table) {
        self.end_activity();
        let _ = writeln!(self.stderr, "{}", table::finish(table.clone(), self.stderr_width));
    }

    pub fn error(&mut self, err: &Error) {
        self.end_activity();
        let mut buf = Vec::new();
        render_error(err, self.verbose, self.color, &mut buf);
        let _ = self.stderr.write_all(&buf);
    }
}

/// `error: …`, then `hint: …`, then (with `-v`) the AWS details.
pub fn render_error(err: &Error, verbose: bool, color: bool, w: &mut impl Write) {
    let (red, cyan) = if color {
        (
            Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            Style::new().bold().fg_color(Some(AnsiColor::Cyan.into())),
        )
    } else {
        (Style::new(), Style::new())
    };
    let _ = writeln!(w, "{red}error:{red:#} {err}");
    if let Some(hint) = err.hint() {
        let _ = writeln!(w, "{cyan}hint:{cyan:#} {hint}");
    }
    if verbose && let Some(detail) = err.verbose_detail() {
        let _ = writeln!(w, "  {detail}");
    }
}

/// `1 profile`, `3 profiles`: a count with its noun, in the plural when it is not one.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if let Some(stem) = noun
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {noun}s")
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
        self.end_activity();
        self.stdout.write_all(bytes)?;
        self.stdout.flush()?;
        Ok(())
    }
}

impl Output {
    /// A progress bar on stderr, drawn only on a terminal.
    pub fn progress(&mut self, len: u64, what: &str) -> indicatif::ProgressBar {
        self.end_activity();
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

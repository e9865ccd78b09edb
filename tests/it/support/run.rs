//! Running `aipctl` and asserting on what it did, so that a test reads as
//! setup → command → expectation:
//!
//! ```text
//! let listed = w.run(["list", "-o", "json"]).ok().json();
//! w.run(["tag", "p", "env=dev"]).code(2).stderr_has("use `Env`");
//! w.cmd().env("AWS_PROFILE", "other").run(["list"]).ok();
//! ```
//!
//! Every assertion names the command (with the environment it was given on
//! top of the world's) and shows what it printed when it fails, and points
//! at the test's line, not at this file.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::process::Output;

use serde_json::Value;

/// A command about to run: `World::cmd`, then environment or stdin, then
/// `run`.
pub struct Cmd {
    command: assert_cmd::Command,
    /// What this command's environment adds to or removes from the world's,
    /// as a shell would show it (`AWS_PROFILE=other`, `-u AWS_REGION`).
    env: Vec<String>,
}

impl Cmd {
    pub(super) fn new(command: assert_cmd::Command, env: Vec<String>) -> Self {
        Self { command, env }
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        let value = value.as_ref();
        self.env.push(format!("{key}={}", shell_word(value)));
        self.command.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.env.push(format!("-u {key}"));
        self.command.env_remove(key);
        self
    }

    /// What aipctl reads on stdin (a pipe either way: never a terminal).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.command.write_stdin(input);
        self
    }

    /// Runs `aipctl ARGS` to completion.
    pub fn run<I>(mut self, args: I) -> Run
    where
        I: IntoIterator,
        I::Item: AsRef<OsStr>,
    {
        let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let output = self.command.args(&args).output().expect("run the aipctl binary");
        let mut command = self.env;
        command.push("aipctl".to_owned());
        command.extend(args.iter().map(|a| shell_word(a)));
        Run {
            command: command.join(" "),
            output,
        }
    }
}

/// A word as a shell would need it quoted to read it back.
fn shell_word(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=.,:/@%+".contains(c));
    if plain {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A finished run of `aipctl`: its exit status and what it printed.
pub struct Run {
    command: String,
    output: Output,
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.command)
    }
}

impl Run {
    /// Asserts that aipctl exited 0.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert!(
            self.output.status.success(),
            "{self} failed ({}):\n{}",
            self.output.status,
            self.shown_stderr()
        );
        self
    }

    /// Asserts that aipctl exited with `code`.
    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.output.status.code(),
            Some(code),
            "{self} should exit {code}, not with {}:\n{}",
            self.output.status,
            self.shown_stderr()
        );
        self
    }

    /// Asserts that stderr contains `needle`.
    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr().contains(needle),
            "{self}: stderr lacks {needle:?}:\n{}",
            self.shown_stderr()
        );
        self
    }

    /// Asserts that stderr does not contain `needle`.
    #[track_caller]
    pub fn stderr_lacks(self, needle: &str) -> Self {
        assert!(
            !self.stderr().contains(needle),
            "{self}: stderr has {needle:?}:\n{}",
            self.shown_stderr()
        );
        self
    }

    /// Asserts that stdout contains `needle`.
    #[track_caller]
    pub fn stdout_has(self, needle: &str) -> Self {
        assert!(
            self.stdout().contains(needle),
            "{self}: stdout lacks {needle:?}:\n{}",
            self.stdout()
        );
        self
    }

    /// The exit code (`None`: killed by a signal).
    pub fn exit_code(&self) -> Option<i32> {
        self.output.status.code()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Stdout exactly as printed.
    pub fn stdout_bytes(&self) -> &[u8] {
        &self.output.stdout
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.output.stdout).unwrap_or_else(|e| {
            panic!(
                "{self}: stdout is not JSON ({e}):\n{}\n--- stderr ---\n{}",
                self.stdout(),
                self.stderr()
            )
        })
    }

    fn shown_stderr(&self) -> String {
        match self.stderr() {
            s if s.is_empty() => "(stderr is empty)".to_owned(),
            s => format!("--- stderr ---\n{s}"),
        }
    }
}

/// `aipctl ARGS` with no world: the caller's environment, no emulator, and
/// 100 columns. For what needs no AWS: help texts and completions.
pub fn bare<I>(args: I) -> Run
where
    I: IntoIterator,
    I::Item: AsRef<OsStr>,
{
    let mut command = assert_cmd::Command::cargo_bin("aipctl").expect("the aipctl binary");
    command.env("COLUMNS", "100");
    Cmd::new(command, vec!["COLUMNS=100".to_owned()]).run(args)
}

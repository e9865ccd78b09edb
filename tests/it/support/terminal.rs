//! Running aipctl on a pseudo-terminal of a chosen size, as a person at a
//! terminal would: stdout, stderr and stdin are the terminal, so tables fit
//! its width and prompts ask. What the terminal shows comes back as text.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use super::World;

/// What a terminal showed, carriage returns removed.
pub struct Screen {
    pub text: String,
    /// Everything written, redrawn and erased lines included, escape
    /// sequences removed: what a person saw go by.
    pub seen: String,
    pub code: u32,
}

/// `aipctl ARGS` on a `cols`-column terminal in `w`, typing `input` (if any)
/// once `wait_for` has appeared. The terminal is `TERM=dumb`: no escape
/// sequences in what it shows.
pub fn on_terminal(w: &World, cols: u16, args: &[&str], answer: Option<(&str, &str)>) -> Screen {
    on_a_terminal(w, "dumb", cols, args, answer)
}

/// [`on_terminal`] on a `term` terminal (`xterm-256color` draws a spinner);
/// what it shows keeps its escape sequences.
pub fn on_a_terminal(
    w: &World,
    term: &str,
    cols: u16,
    args: &[&str],
    answer: Option<(&str, &str)>,
) -> Screen {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pseudo-terminal");
    let mut cmd = CommandBuilder::new(assert_cmd::cargo::cargo_bin("aipctl"));
    cmd.args(args);
    cmd.env_clear();
    for (k, v) in w.env() {
        if k != "COLUMNS" {
            cmd.env(k, v);
        }
    }
    cmd.env("TERM", term);
    let mut child = pty
        .slave
        .spawn_command(cmd)
        .expect("spawn aipctl on the terminal");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("read the terminal");
    let mut writer = pty.master.take_writer().expect("write to the terminal");
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let mut answered = answer.is_none();
    let deadline = Instant::now() + Duration::from_secs(60);
    let code = loop {
        while let Ok(chunk) = rx.recv_timeout(Duration::from_millis(50)) {
            seen.extend(chunk);
        }
        if !answered
            && let Some((wait_for, input)) = answer
            && String::from_utf8_lossy(&seen).contains(wait_for)
        {
            writer.write_all(input.as_bytes()).expect("type on the terminal");
            answered = true;
        }
        if let Ok(Some(status)) = child.try_wait() {
            break status.exit_code();
        }
        assert!(
            Instant::now() < deadline,
            "aipctl did not finish:\n{}",
            String::from_utf8_lossy(&seen)
        );
    };
    while let Ok(chunk) = rx.recv_timeout(Duration::from_millis(200)) {
        seen.extend(chunk);
    }
    let raw = String::from_utf8_lossy(&seen);
    Screen {
        text: settle(&raw),
        seen: strip_escapes(&raw),
        code,
    }
}

/// The text a terminal shows once redrawn lines settle: within each line,
/// only what follows the last carriage return or "erase line" stays, and
/// other control sequences (cursor, colour) are dropped.
fn settle(raw: &str) -> String {
    raw.split('\n')
        .map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let last = line.rsplit('\r').next().unwrap_or(line);
            let last = last.rsplit("\u{1b}[2K").next().unwrap_or(last);
            strip_escapes(last)
        })
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn strip_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

//! Asking before a change: the plan is shown by the caller, then the person
//! at the terminal types what is asked (the name or the count), or the
//! change is refused (exit 3) when no one can be asked.

use std::io::{self, BufRead, IsTerminal};

use crate::aws::Aws;
use crate::domain::region::Region;
use crate::error::{Error, Result};
use crate::output::Output;

/// Refuses at once when no one can confirm (no `--yes`, no terminal on
/// stdin), so a change that would be refused costs no request;
/// `refusal_hint` says how to see what would happen instead.
pub fn ensure_confirmable(yes: bool, refusal_hint: &str) -> Result<()> {
    if yes || io::stdin().is_terminal() {
        return Ok(());
    }
    Err(Error::Refused {
        message: "refusing to change anything without confirmation: stdin is not a terminal".into(),
        hint: Some(format!("pass `--yes` to confirm, or {refusal_hint}")),
    })
}

/// [`confirm`], naming the account the change acts on in the question (one
/// `GetCallerIdentity`, made only when someone is asked).
pub async fn confirm_in_account(
    aws: &Aws,
    region: &Region,
    out: &mut Output,
    yes: bool,
    question: &str,
    expected: &str,
    refusal_hint: &str,
) -> Result<()> {
    if yes {
        return Ok(());
    }
    ensure_confirmable(yes, refusal_hint)?;
    let account = aws.account_id(region).await?;
    let question = match question.strip_suffix('?') {
        Some(q) => format!("{q} (account {account})?"),
        None => format!("{question} (account {account})"),
    };
    confirm(out, yes, &question, expected, refusal_hint)
}

/// Asks the person at the terminal to type `expected` to go ahead. Without a
/// terminal on stdin, refuses unless `--yes` was given; `refusal_hint` says
/// how to see what would happen instead.
pub fn confirm(
    out: &mut Output,
    yes: bool,
    question: &str,
    expected: &str,
    refusal_hint: &str,
) -> Result<()> {
    if yes {
        return Ok(());
    }
    ensure_confirmable(yes, refusal_hint)?;
    out.end_activity();
    out.note(&format!("{question} Type `{expected}` to confirm:"));
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    if line.trim() == expected {
        Ok(())
    } else {
        Err(Error::Refused {
            message: "not confirmed; nothing was changed".into(),
            hint: None,
        })
    }
}

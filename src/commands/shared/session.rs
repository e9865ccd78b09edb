//! The run's context: the clock, read once (or fixed by `AIPCTL_NOW`), and
//! the AWS settings and regions from the global flags.

use std::time::Duration;

use jiff::Timestamp;

use super::accounts::Fleet;
use crate::aws::{Aws, ClientSettings};
use crate::cli::GlobalArgs;
use crate::domain::InputError;
use crate::domain::region::Region;
use crate::error::{Error, Result};
use crate::output::{Format, Output};

/// The environment variable that fixes aipctl's clock (RFC 3339), for tests
/// and reproducible reports.
pub const NOW_VAR: &str = "AIPCTL_NOW";

/// The one place aipctl reads the clock: `AIPCTL_NOW` when set, else the
/// system's time. Everything else receives the instant as a value.
pub fn now() -> Result<Timestamp> {
    match std::env::var(NOW_VAR) {
        Ok(text) => text.trim().parse::<Timestamp>().map_err(|_| {
            InputError::new(
                NOW_VAR,
                &text,
                "expected an RFC 3339 instant such as `2026-11-22T13:00:00Z`",
            )
            .into()
        }),
        Err(_) => Ok(Timestamp::now()),
    }
}

/// The output format: `-o`, else `AWS_DEFAULT_OUTPUT`, else the `output`
/// setting of the AWS profile in use, else a table (as the AWS CLI reads
/// them, but for its own default).
pub async fn output_format(g: &GlobalArgs) -> Result<Format> {
    if let Some(f) = g.output {
        return Ok(f);
    }
    let (text, source) = match std::env::var("AWS_DEFAULT_OUTPUT") {
        Ok(v) if !v.trim().is_empty() => (v, "AWS_DEFAULT_OUTPUT".to_owned()),
        _ => {
            let profile = g
                .aws_profile
                .clone()
                .or_else(|| std::env::var("AWS_PROFILE").ok());
            match crate::aws::configured_output(profile.as_deref()).await {
                Some(v) => (v, "the profile's `output` setting".to_owned()),
                None => return Ok(Format::Table),
            }
        }
    };
    Format::from_aws_setting(&text).ok_or_else(|| {
        InputError::new(
            &source,
            &text,
            "is not an output format; use `table`, `json`, `yaml`, `text` (or `-o csv`)",
        )
        .into()
    })
}

/// AWS settings and the chosen regions.
pub async fn connect(g: &GlobalArgs) -> Result<(Aws, Vec<Region>)> {
    let aws = load(g).await?;
    let regions = aws.regions(&g.regions, g.all_regions)?;
    Ok((aws, regions))
}

/// AWS settings, the chosen regions and the accounts of the run
/// (`--accounts`; the caller's alone without it), chosen but not entered:
/// listing them ([`super::select::select`]) enters each as it goes, and a
/// command that starts otherwise calls [`Fleet::enter`].
pub async fn connect_fleet(g: &GlobalArgs, out: &mut Output) -> Result<(Aws, Vec<Region>, Fleet)> {
    let (aws, regions) = connect(g).await?;
    let fleet = super::accounts::open(&aws, g, out).await?;
    Ok((aws, regions, fleet))
}

/// Refuses `--query` and an explicit `-o csv|text|yaml` for output that is a
/// document, not rows (`what` says which, `hint` how to get the form wanted):
/// exit 2, never ignored. A default from `AWS_DEFAULT_OUTPUT` or the
/// profile's `output` is meant for rows and does not apply.
pub fn document_output(g: &GlobalArgs, what: &str, hint: &str) -> Result<()> {
    if g.query.is_some()
        || g.output
            .is_some_and(|f| !matches!(f, Format::Table | Format::Json))
    {
        return Err(Error::Usage {
            message: format!("{what}: `-o csv`, `-o text`, `-o yaml` and `--query` do not apply"),
            hint: Some(hint.into()),
        });
    }
    Ok(())
}

/// Refuses `--accounts` and `--accounts-file` for a command that works in
/// one account (it changes profiles one account at a time, or does not read
/// across accounts yet): exit 2, before any request, never ignored.
pub fn single_account(g: &GlobalArgs, command: &str) -> Result<()> {
    if g.org.is_multi() {
        return Err(Error::Usage {
            message: format!(
                "`aipctl {command}` works in one account; it does not take `--accounts` or `--accounts-file`"
            ),
            hint: Some(
                "run it with the member's credentials (`--profile NAME`); `list`, `describe`, `usage`, `coverage`, \
                 `prune`, `dashboard`, `cost`, `report` and `policy invoke` read across accounts"
                    .into(),
            ),
        });
    }
    Ok(())
}

/// Refuses `--exclude-accounts`, `--role-name`, `--external-id` and
/// `--role-session-name` when no accounts are read (neither `--accounts`
/// nor `--accounts-file`; `plan` and `apply` also take their accounts from
/// the spec): exit 2 before any request, rather than ignore them.
pub fn entry_flags_need_accounts(g: &GlobalArgs, spec_names_accounts: bool) -> Result<()> {
    let flags = g.org.entry_flags();
    if flags.is_empty() || g.org.is_multi() || spec_names_accounts {
        return Ok(());
    }
    let named = flags
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    let (verb, them) = if flags.len() == 1 {
        ("applies", "it")
    } else {
        ("apply", "them")
    };
    Err(Error::Usage {
        message: format!(
            "{named} only {verb} with `--accounts` or `--accounts-file`; without them aipctl works in the caller's \
             account alone"
        ),
        hint: Some(format!(
            "name the accounts with `--accounts all|ID,…|ou-…` or `--accounts-file FILE`{}, or leave {them} out",
            if spec_names_accounts {
                ""
            } else {
                " (`plan` and `apply`: `accounts = [...]` in the spec)"
            }
        )),
    })
}

/// Refuses `--role-name`, `--external-id` and `--role-session-name` for a
/// command that reads across accounts without entering them (`cost` reads
/// the payer's bill by linked account): exit 2, never ignored.
pub fn enters_no_account(g: &GlobalArgs, command: &str) -> Result<()> {
    let flags: Vec<&str> = g
        .org
        .entry_flags()
        .into_iter()
        .filter(|f| *f != "--exclude-accounts")
        .collect();
    if flags.is_empty() {
        return Ok(());
    }
    Err(Error::Usage {
        message: format!(
            "`aipctl {command}` reads the payer's bill by linked account and assumes no role, so {} does not apply",
            flags
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        hint: Some(
            "leave it out; the caller needs Cost Explorer access in the management (payer) account".into(),
        ),
    })
}

/// AWS settings alone, for commands whose regions come from a file.
pub async fn load(g: &GlobalArgs) -> Result<Aws> {
    Aws::load(&ClientSettings {
        profile: g.aws_profile.clone(),
        endpoint_url: g.endpoint_url.as_ref().map(|u| u.0.clone()),
        max_attempts: g.max_attempts,
        adaptive_retry: g.retry_mode == crate::cli::RetryMode::Adaptive,
        timeout: g.timeout.map(Duration::from_secs),
        concurrency: usize::from(g.concurrency),
        extra_regions: extra_regions()?,
    })
    .await
}

/// Regions the user allows beyond the built-in list, from
/// `AIPCTL_EXTRA_REGIONS` (comma-separated).
fn extra_regions() -> Result<Vec<Region>> {
    let var = crate::domain::region::EXTRA_REGIONS_VAR;
    match std::env::var(var) {
        Ok(text) if !text.trim().is_empty() => {
            crate::domain::region::parse_list(&text).map_err(|e| InputError::new(var, &text, &e.rule).into())
        }
        _ => Ok(Vec::new()),
    }
}

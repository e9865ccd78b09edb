//! `aipctl plan -f SPEC [--out FILE]`: what `apply` would change, read-only.
//!
//! The spec is read and checked whole first (every problem exits 2 before
//! any request). Then, concurrently: the caller's account, every application
//! profile of the regions with its tags, and each model alias resolved in
//! each region; then the spec's budgets and anomaly alerts. `domain::plan::diff`
//! (and `domain::budget`, `domain::anomaly`) do the rest. A spec that names
//! `accounts` is planned in each of them (entered through `--role-name`)
//! and in the caller's, each change naming its account; an account that
//! cannot be entered or read is named after the plan of the others (exit
//! 1). `apply` makes its plan the same way, through `shared::spec::make`.

use super::shared::session::load;
use super::shared::spec::{check_account_flags, make, open_accounts, read_spec, regions};
use crate::cli::{GlobalArgs, PlanArgs};
use crate::domain::region::Region;
use crate::error::{Error, Result};
use crate::output::plan::{PlanView, summary_line};
use crate::output::{Output, View};

pub async fn run(args: PlanArgs, g: &GlobalArgs, now: jiff::Timestamp, out: &mut Output) -> Result<()> {
    let spec = read_spec(&args.file)?;
    check_account_flags(g, &spec, &args.file)?;
    let aws = load(g).await?;
    let regions = regions(g, &spec, out);
    let mut fleet = open_accounts(&aws, g, &spec, out).await?;
    let (made, failures) = Box::pin(make(&aws, &mut fleet, &spec, &args.file, &regions, now, out)).await?;
    if let Some(path) = &args.out {
        let text = serde_json::to_string_pretty(&made).map_err(std::io::Error::from)?;
        std::fs::write(path, text + "\n")
            .map_err(|e| Error::usage(format!("cannot write the plan to `{}`: {e}", path.display())))?;
    }
    let view = PlanView { file: &made };
    out.data(&view)?;
    if view.empty().is_none() || !out.is_table() {
        out.note(&summary_line(&made.summary));
    }
    if let Some(path) = &args.out {
        let fp = &made.fingerprint;
        let place = if fp.accounts.is_empty() {
            format!("account {}", fp.account)
        } else {
            format!(
                "accounts {}",
                fp.accounts
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.note(&format!(
            "plan saved to {} ({place}; {}); run it with `aipctl apply --plan {}`",
            path.display(),
            fp.regions
                .iter()
                .map(Region::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            path.display()
        ));
        if !failures.is_empty() {
            out.warn("the saved plan covers only the accounts that were read");
        }
    }
    failures.finish()?;
    if args.detailed_exitcode && made.has_changes() {
        return Err(Error::Quiet(crate::error::EXIT_CHANGES));
    }
    Ok(())
}

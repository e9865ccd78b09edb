//! `aipctl dashboard NAME`: builds CloudWatch dashboards for the chosen
//! profiles and puts them (or prints them with `--print`), lists and deletes
//! the ones aipctl made. Re-running with the same profiles puts the same
//! bytes; numbered parts left over from a larger earlier run are removed.

use std::collections::BTreeMap;

use super::shared::accounts::{Failures, Fleet};
use super::shared::select::select;
use super::shared::session::{connect, connect_fleet};
use crate::cli::{DashboardArgs, GlobalArgs};
use crate::domain::InputError;
use crate::domain::dashboard::{self, Dashboard, DashboardName, MARKER, Options};
use crate::domain::filter::ProfileFilter;
use crate::domain::profile::{Profile, profiles_from_json};
use crate::domain::region::Region;
use crate::domain::usage;
use crate::error::{Error, Result};
use crate::output::AccountCols;
use crate::output::Output;
use crate::output::dashboard::{AccountDashboards, DashboardNames, DashboardsPut};

pub async fn run(args: DashboardArgs, g: &GlobalArgs, now: jiff::Timestamp, out: &mut Output) -> Result<()> {
    if args.list || args.delete {
        super::shared::session::single_account(g, "dashboard --list/--delete")?;
    }
    if args.list {
        return list(g, out).await;
    }
    let name = args
        .name
        .clone()
        .ok_or_else(|| Error::usage("a dashboard NAME is required"))?;
    if args.delete {
        return delete(&name, g, out).await;
    }
    if args.print {
        // The bodies CloudWatch takes, as they are: not rows to format or query.
        super::shared::session::document_output(
            g,
            "`--print` writes the dashboard bodies as CloudWatch takes them (JSON)",
            "drop them, or pipe the JSON to `jq`",
        )?;
    }
    let filter = ProfileFilter::from(args.filter);
    let selection = describe_selection(&filter, g);

    let offline = match &args.from_json {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                InputError::new(
                    "--from-json",
                    &path.display().to_string(),
                    &format!("cannot be read: {e}"),
                )
            })?;
            let profiles = profiles_from_json(&text).map_err(|mut e| {
                e.value = path.display().to_string();
                e
            })?;
            Some(
                profiles
                    .into_iter()
                    .filter(|p| filter.matches(p))
                    .collect::<Vec<_>>(),
            )
        }
        None => None,
    };
    let options = |dimension_values| Options {
        group_by: args.by.as_str().to_owned(),
        dimension_values,
        selection: selection.clone(),
    };

    if let (Some(profiles), true) = (&offline, args.print) {
        let boards = dashboard::for_profiles(&name, profiles, &options(BTreeMap::new()));
        return print(&boards, out);
    }

    let (aws, regions, mut fleet) = connect_fleet(g, out).await?;
    let (profiles, failures): (Vec<Profile>, Failures) = if let Some(p) = offline {
        fleet.enter().await?;
        (p, fleet.take_failures())
    } else {
        let selection = select(&mut fleet, &regions, &filter, now, g, out).await?;
        (selection.profiles, selection.failures)
    };
    // A dashboard of some of an account's regions would look whole: in one
    // account, all or nothing; across accounts, an account that failed gets
    // none and is named, while the others get theirs.
    let mut failures = if fleet.multi {
        failures
    } else {
        failures.finish()?;
        Failures::default()
    };
    if !fleet.multi {
        let dims = dimension_forms(&aws, &profiles).await?;
        let boards = dashboard::for_profiles(&name, &profiles, &options(dims));
        if args.print {
            return print(&boards, out);
        }
        let put = put_boards(&aws, &regions[0], &name, &boards, profiles.len(), out).await?;
        return out.data(&DashboardsPut {
            dashboards: put,
            profiles: profiles.len(),
            accounts: Vec::new(),
        });
    }
    // One set of dashboards in each account, of that account's profiles:
    // CloudWatch charts only the metrics of the account it is in.
    if args.print {
        return Err(Error::usage(
            "`--print` shows one account's dashboards; it does not take `--accounts`",
        ));
    }
    let report = put_in_each_account(
        &fleet,
        profiles,
        &regions,
        &name,
        &options(BTreeMap::new()),
        &mut failures,
        out,
    )
    .await?;
    out.data(&report)?;
    failures.finish()
}

/// One set of dashboards in each account of `fleet`, of its own profiles;
/// an account with a failure (entering it, a region, or the put) gets none
/// and is added to `failures`.
async fn put_in_each_account(
    fleet: &Fleet,
    profiles: Vec<Profile>,
    regions: &[Region],
    name: &DashboardName,
    base: &Options,
    failures: &mut Failures,
    out: &mut Output,
) -> Result<DashboardsPut> {
    let mut report = DashboardsPut {
        dashboards: Vec::new(),
        profiles: 0,
        accounts: Vec::new(),
    };
    for (m, ps) in fleet.by_member(profiles) {
        if m.account.as_ref().is_some_and(|a| failures.failed_in(a)) {
            continue;
        }
        let put = async {
            let dims = dimension_forms(&m.aws, &ps).await?;
            let options = Options {
                dimension_values: dims,
                ..base.clone()
            };
            let boards = dashboard::for_profiles(name, &ps, &options);
            let home = m.regions(regions)[0].clone();
            put_boards(&m.aws, &home, name, &boards, ps.len(), out).await
        };
        let put = match put.await {
            Ok(put) => put,
            Err(e) => {
                failures.member(m, e)?;
                continue;
            }
        };
        report.dashboards.extend(put.iter().cloned());
        let account = m.account.as_ref().expect("a multi-account member has an account");
        report.accounts.push(AccountDashboards {
            account: AccountCols::of(Some(account)).expect("an account"),
            dashboards: put,
            profiles: ps.len(),
        });
    }
    report.profiles = report.accounts.iter().map(|a| a.profiles).sum();
    Ok(report)
}

/// Puts `boards` in `region` and removes numbered parts an earlier, larger
/// run left; returns the names put.
async fn put_boards(
    aws: &crate::aws::Aws,
    region: &crate::domain::region::Region,
    name: &DashboardName,
    boards: &[Dashboard],
    profiles: usize,
    out: &mut Output,
) -> Result<Vec<String>> {
    let cw = aws.cloudwatch(region);
    if boards.len() > 1 {
        out.note(&format!(
            "{profiles} profiles are more than one dashboard holds; putting {} dashboards: {}",
            boards.len(),
            boards
                .iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut put = Vec::new();
    for b in boards {
        for message in cw.put_dashboard(&b.name, &b.body_string()).await? {
            out.warn(&format!("CloudWatch on `{}`: {message}", b.name));
        }
        put.push(b.name.clone());
    }
    let stale: Vec<String> = ours(&cw, name.as_str())
        .await?
        .into_iter()
        .filter(|n| !put.contains(n))
        .collect();
    if !stale.is_empty() {
        cw.delete_dashboards(&stale).await?;
        out.note(&format!(
            "removed parts left from an earlier, larger run: {}",
            stale.join(", ")
        ));
    }
    Ok(put)
}

/// The `ModelId` form to chart per profile (by ARN), discovered per region.
async fn dimension_forms(aws: &crate::aws::Aws, profiles: &[Profile]) -> Result<BTreeMap<String, String>> {
    let mut regions: Vec<&crate::domain::region::Region> = profiles.iter().map(|p| &p.region).collect();
    regions.sort();
    regions.dedup();
    let mut out = BTreeMap::new();
    for r in regions {
        let seen = aws.cloudwatch(r).model_ids().await?;
        for p in profiles.iter().filter(|p| &p.region == r) {
            // A dashboard charts one form per profile: the ID unless only the ARN has data.
            let form = usage::dimension_values(p, &seen)
                .into_iter()
                .next()
                .unwrap_or_else(|| p.id.clone());
            out.insert(p.arn.to_string(), form);
        }
    }
    Ok(out)
}

fn describe_selection(filter: &ProfileFilter, g: &GlobalArgs) -> String {
    let mut parts: Vec<String> = filter
        .tags
        .iter()
        .map(|t| match t {
            crate::domain::tag::TagFilter::Equals(k, v) => format!("tag {k}={}", v.as_str()),
            crate::domain::tag::TagFilter::Present(k) => format!("tag {k}"),
        })
        .collect();
    parts.extend(filter.untagged.iter().map(|k| format!("no {k} tag")));
    if filter.name.is_some() {
        parts.push("a name glob".into());
    }
    if g.all_regions {
        parts.push("all regions".into());
    } else if !g.regions.is_empty() {
        parts.push(format!(
            "regions {}",
            g.regions
                .iter()
                .map(crate::domain::region::Region::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if parts.is_empty() {
        "every application profile".into()
    } else {
        parts.join(", ")
    }
}

fn print(boards: &[Dashboard], out: &mut Output) -> Result<()> {
    let value = match boards {
        [one] => one.body.clone(),
        many => serde_json::Value::Array(
            many.iter()
                .map(|b| serde_json::json!({ "name": b.name, "body": b.body }))
                .collect(),
        ),
    };
    let mut text = serde_json::to_string_pretty(&value).map_err(std::io::Error::from)?;
    text.push('\n');
    out.raw(text.as_bytes())
}

/// Names of aipctl's dashboards: `name` and `name-N` when given, else all.
async fn ours(cw: &crate::aws::cloudwatch::CloudWatch, name: &str) -> Result<Vec<String>> {
    let prefix = (!name.is_empty()).then_some(name);
    let mut out = Vec::new();
    for e in cw.list_dashboards(prefix).await? {
        let part_of = e.name == name
            || e.name
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !name.is_empty() && !part_of {
            continue;
        }
        if cw
            .dashboard_body(&e.name)
            .await?
            .is_some_and(|b| b.contains(MARKER))
        {
            out.push(e.name);
        }
    }
    Ok(out)
}

async fn list(g: &GlobalArgs, out: &mut Output) -> Result<()> {
    let (aws, regions) = connect(g).await?;
    let names = ours(&aws.cloudwatch(&regions[0]), "").await?;
    out.data(&DashboardNames(names))
}

async fn delete(name: &DashboardName, g: &GlobalArgs, out: &mut Output) -> Result<()> {
    let (aws, regions) = connect(g).await?;
    let cw = aws.cloudwatch(&regions[0]);
    let names = ours(&cw, name.as_str()).await?;
    if names.is_empty() {
        return Err(Error::NotFound {
            message: format!(
                "no dashboard `{name}` made by aipctl was found",
                name = name.as_str()
            ),
            hint: Some("see them with `aipctl dashboard --list`".into()),
        });
    }
    super::shared::confirm::confirm(
        out,
        g.yes,
        &format!("Delete dashboards {}?", names.join(", ")),
        name.as_str(),
        "`aipctl dashboard --list` to see them",
    )?;
    cw.delete_dashboards(&names).await?;
    out.data(&DashboardNames(names))
}

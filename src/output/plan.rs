//! The plan as people and scripts read it: one row per change, replacements
//! first and in capitals with the ARN that will change, then the budgets and
//! anomaly alerts (region `global`); JSON is the saved-plan document itself
//! (`plan -o json` and `plan --out` write the same thing).

use comfy_table::{Attribute, Cell, Color, Table};

use super::{View, new_table};
use crate::domain::account::AccountId;
use crate::domain::plan::{AlertSummary, Change, SavedPlan, Summary};
use crate::domain::profile::BedrockArn;
use crate::domain::tag::TagChange;
use crate::domain::{anomaly, budget};

/// `aipctl plan`, and the plan `apply` shows before it asks.
pub struct PlanView<'a> {
    pub file: &'a SavedPlan,
}

impl serde::Serialize for PlanView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.file.serialize(s)
    }
}

/// `Department: + Search`, `CostCenter: CC-1010 -> CC-2020`, `Stray: - x`.
fn tag_change(c: &TagChange) -> String {
    match (&c.before, &c.after) {
        (None, Some(a)) => format!("+ {}={a}", c.key),
        (Some(b), None) => format!("- {}={b}", c.key),
        (Some(b), Some(a)) => format!("~ {}={b} -> {a}", c.key),
        (None, None) => format!("  {}", c.key),
    }
}

/// The model a source ARN names, short: `us.anthropic.claude-…`.
fn short_source(arn: &str) -> String {
    BedrockArn::parse(arn).map_or_else(|| arn.to_owned(), |a| a.resource_id)
}

/// The detail lines of one change.
fn detail(c: &Change) -> Vec<String> {
    match c {
        Change::Create { desired } => vec![format!(
            "{} ({}) for team {}",
            desired.model,
            short_source(&desired.source),
            desired.team
        )],
        Change::Retag {
            tag_changes, adopt, ..
        } => {
            let mut lines = Vec::new();
            if *adopt {
                lines.push("made outside aipctl; becomes managed".to_owned());
            }
            lines.extend(tag_changes.iter().map(tag_change));
            lines
        }
        Change::Replace { arn, reasons, .. } => {
            let mut lines = vec![format!("ARN CHANGES: {arn} is deleted")];
            lines.extend(reasons.iter().cloned());
            lines
        }
        Change::Orphan { arn, protected, .. } => vec![
            arn.clone(),
            if *protected {
                "protected (aipctl:protect=true): never deleted".to_owned()
            } else {
                "not in the spec: deleted only with `apply --prune`".to_owned()
            },
        ],
    }
}

fn budget_detail(c: &budget::Change) -> Vec<String> {
    match c {
        budget::Change::Create { budget } => vec![format!("budget: {}", budget.summary())],
        budget::Change::Update { changes, .. } => {
            let mut lines = vec!["budget:".to_owned()];
            lines.extend(changes.iter().cloned());
            lines
        }
        budget::Change::Orphan {
            department,
            limit_usd,
            ..
        } => vec![
            format!("budget of department {department} ({limit_usd} USD a month)"),
            "not in the spec: deleted only with `apply --prune`".to_owned(),
        ],
    }
}

fn anomaly_detail(c: &anomaly::Change) -> Vec<String> {
    match c {
        anomaly::Change::Create { alert } => vec![format!(
            "anomaly monitor on {}={}: {}",
            crate::domain::tag::DEPARTMENT,
            alert.department,
            alert.summary()
        )],
        anomaly::Change::Update { changes, .. } => {
            let mut lines = vec!["anomaly alert:".to_owned()];
            lines.extend(changes.iter().cloned());
            lines
        }
        anomaly::Change::Orphan {
            department,
            monitor_arn,
            ..
        } => vec![
            format!("anomaly monitor of department {department}: {monitor_arn}"),
            "not in the spec: deleted only with `apply --prune`".to_owned(),
        ],
    }
}

/// `(action, name, arn, detail lines)` of every budget and alert change.
fn alert_rows(file: &SavedPlan) -> Vec<(&'static str, &str, &str, Vec<String>)> {
    let budgets = file
        .budgets
        .iter()
        .map(|c| (c.action(), c.name(), "", budget_detail(c)));
    let anomalies = file.anomalies.iter().map(|c| {
        (
            c.action(),
            c.name(),
            c.monitor_arn().unwrap_or(""),
            anomaly_detail(c),
        )
    });
    budgets.chain(anomalies).collect()
}

fn arn(c: &Change) -> &str {
    match c {
        Change::Create { .. } => "",
        Change::Retag { arn, .. } | Change::Replace { arn, .. } | Change::Orphan { arn, .. } => arn,
    }
}

impl PlanView<'_> {
    /// The ACCOUNT cell of a plan over several accounts; `None` in one.
    fn account<'a>(&'a self, c: Option<&'a Change>) -> Option<&'a str> {
        if !self.file.is_multi_account() {
            return None;
        }
        // Budgets and anomaly alerts are the caller's.
        Some(
            c.and_then(Change::account)
                .map_or(self.file.fingerprint.account.as_str(), AccountId::as_str),
        )
    }
}

impl View for PlanView<'_> {
    /// No changes: the summary says so, instead of a bare header.
    fn empty(&self) -> Option<String> {
        (!self.file.has_changes()).then(|| summary_line(&self.file.summary))
    }

    fn table(&self) -> Table {
        let multi = self.file.is_multi_account();
        let mut header = vec!["action", "region", "name", "detail"];
        if multi {
            header.insert(0, "account");
        }
        let mut t = new_table(&header);
        let with_account = |c: Option<&Change>, mut row: Vec<Cell>| {
            if let Some(a) = self.account(c) {
                row.insert(0, Cell::new(a));
            }
            row
        };
        for c in &self.file.changes {
            let action = match c {
                Change::Replace { .. } => Cell::new("REPLACE").fg(Color::Red).add_attribute(Attribute::Bold),
                Change::Create { .. } => Cell::new("create").fg(Color::Green),
                Change::Retag { .. } => Cell::new("retag").fg(Color::Yellow),
                Change::Orphan { .. } => Cell::new("orphan").fg(Color::Magenta),
            };
            t.add_row(with_account(
                Some(c),
                vec![
                    action,
                    Cell::new(c.region().as_str()),
                    Cell::new(c.name()),
                    Cell::new(detail(c).join("\n")),
                ],
            ));
        }
        for (action, name, _, lines) in alert_rows(self.file) {
            let color = match action {
                "create" => Color::Green,
                "update" => Color::Yellow,
                _ => Color::Magenta,
            };
            t.add_row(with_account(
                None,
                vec![
                    Cell::new(action).fg(color),
                    Cell::new(GLOBAL),
                    Cell::new(name),
                    Cell::new(lines.join("\n")),
                ],
            ));
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut header = ["action", "region", "name", "arn", "detail"]
            .map(String::from)
            .to_vec();
        if self.file.is_multi_account() {
            header.insert(0, "account".into());
        }
        let with_account = |c: Option<&Change>, mut row: Vec<String>| {
            if let Some(a) = self.account(c) {
                row.insert(0, a.to_owned());
            }
            row
        };
        let mut rows: Vec<Vec<String>> = self
            .file
            .changes
            .iter()
            .map(|c| {
                with_account(
                    Some(c),
                    vec![
                        c.action().to_owned(),
                        c.region().to_string(),
                        c.name().to_owned(),
                        arn(c).to_owned(),
                        detail(c).join("; "),
                    ],
                )
            })
            .collect();
        rows.extend(
            alert_rows(self.file)
                .into_iter()
                .map(|(action, name, arn, lines)| {
                    with_account(
                        None,
                        vec![
                            action.to_owned(),
                            GLOBAL.to_owned(),
                            name.to_owned(),
                            arn.to_owned(),
                            lines.join("; "),
                        ],
                    )
                }),
        );
        (header, rows)
    }
}

/// The region column of budgets and anomaly alerts (in plans and in
/// `apply`'s results): both are global.
pub const GLOBAL: &str = "global";

/// `Budgets: 1 to create, 0 to update, 0 orphans, 7 unchanged.`
fn alert_line(what: &str, s: Option<AlertSummary>) -> Option<String> {
    let s = s?;
    (s.changes() + s.unchanged > 0).then(|| {
        if s.changes() == 0 {
            format!("{what}: {} unchanged.", s.unchanged)
        } else {
            format!(
                "{what}: {} to create, {} to update, {}, {} unchanged.",
                s.create,
                s.update,
                super::plural(s.orphan, "orphan"),
                s.unchanged
            )
        }
    })
}

/// `Plan: 3 to create, 1 to retag, 1 to replace, 2 orphans, 40 unchanged.`,
/// how many profiles of other specs were left alone, when any, and the
/// budgets' and anomaly alerts' counts, when the spec has any.
pub fn summary_line(s: &Summary) -> String {
    let mut first = profile_line(s);
    if s.changes() > 0 && first.starts_with("No changes:") {
        first = first.replacen("No changes:", "No profile changes:", 1);
    }
    let mut lines = vec![first];
    lines.extend(alert_line("Budgets", s.budgets));
    lines.extend(alert_line("Anomaly alerts", s.anomalies));
    lines.join("\n")
}

fn profile_line(s: &Summary) -> String {
    let line = if s.create + s.retag + s.replace + s.orphan == 0 {
        format!(
            "No changes: {} {} the spec.",
            super::plural(s.unchanged, "profile"),
            if s.unchanged == 1 { "matches" } else { "match" }
        )
    } else {
        format!(
            "Plan: {} to create, {} to retag, {} to replace, {}, {} unchanged.",
            s.create,
            s.retag,
            s.replace,
            super::plural(s.orphan, "orphan"),
            s.unchanged
        )
    };
    match s.other_specs {
        0 => line,
        n => format!(
            "{line} {} of other specs left alone.",
            super::plural(n, "managed profile")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_changes_read_like_a_diff() {
        let c = |b: Option<&str>, a: Option<&str>| TagChange {
            key: "K".into(),
            before: b.map(str::to_owned),
            after: a.map(str::to_owned),
        };
        assert_eq!(tag_change(&c(None, Some("v"))), "+ K=v");
        assert_eq!(tag_change(&c(Some("v"), None)), "- K=v");
        assert_eq!(tag_change(&c(Some("a"), Some("b"))), "~ K=a -> b");
    }

    #[test]
    fn the_summary_says_when_nothing_changes() {
        let s = Summary {
            unchanged: 48,
            ..Summary::default()
        };
        assert_eq!(summary_line(&s), "No changes: 48 profiles match the spec.");
        let s = Summary { other_specs: 3, ..s };
        assert_eq!(
            summary_line(&s),
            "No changes: 48 profiles match the spec. 3 managed profiles of other specs left alone."
        );
    }
}

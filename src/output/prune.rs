//! The prune plan: each considered profile, what prune does with it, and why.

use comfy_table::Table;
use serde::Serialize;

use super::{View, new_table};
use crate::domain::prune::Action;

#[derive(Debug, Clone, Serialize)]
pub struct PruneRow {
    /// The account, in a multi-account run.
    #[serde(flatten)]
    pub account: Option<super::AccountCols>,
    pub name: String,
    pub region: String,
    pub arn: String,
    pub department: Option<String>,
    pub age_days: Option<i64>,
    /// The day traffic was last seen (UTC), if within the look-back.
    pub last_traffic: Option<String>,
    /// The first UTC day of the idle window: traffic on or after it keeps a profile.
    pub idle_since: String,
    pub action: Action,
    pub reason: String,
}

/// The prune plan. Its JSON is the array of rows; the table says what the
/// idle window was and which regions were read.
#[derive(Serialize)]
#[serde(transparent)]
pub struct PruneView<'a> {
    pub rows: &'a [PruneRow],
    #[serde(skip)]
    pub idle_since: String,
    #[serde(skip)]
    pub regions: Vec<String>,
}

impl View for PruneView<'_> {
    fn footer(&self) -> Vec<String> {
        vec![format!(
            "idle: no traffic on any UTC day since {} · regions: {}",
            self.idle_since,
            self.regions.join(", ")
        )]
    }

    fn empty(&self) -> Option<String> {
        self.rows.is_empty().then(|| {
            format!(
                "nothing is idle: every profile had traffic since {} ({})",
                self.idle_since,
                self.regions.join(", ")
            )
        })
    }

    fn table(&self) -> Table {
        let multi = self.rows.iter().any(|r| r.account.is_some());
        let mut header = vec![
            "profile",
            "region",
            "department",
            "age",
            "last traffic",
            "action",
            "why",
        ];
        if multi {
            header.insert(0, "account");
        }
        let mut t = new_table(&header);
        for r in self.rows {
            let account = r
                .account
                .as_ref()
                .map(|a| a.account_name.clone().unwrap_or_else(|| a.account.clone()));
            t.add_row(account.into_iter().chain([
                r.name.clone(),
                r.region.clone(),
                r.department.clone().unwrap_or_else(|| "-".into()),
                r.age_days.map_or_else(|| "-".into(), |d| format!("{d}d")),
                r.last_traffic.clone().unwrap_or_else(|| "none seen".into()),
                r.action.as_str().to_owned(),
                r.reason.clone(),
            ]));
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let multi = self.rows.iter().any(|r| r.account.is_some());
        let mut header = [
            "profile",
            "region",
            "arn",
            "department",
            "age_days",
            "last_traffic",
            "action",
            "reason",
        ]
        .map(String::from)
        .to_vec();
        if multi {
            header.splice(0..0, ["account".to_owned(), "account_name".to_owned()]);
        }
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let account = r
                    .account
                    .as_ref()
                    .filter(|_| multi)
                    .map(|a| [a.account.clone(), a.account_name.clone().unwrap_or_default()]);
                account
                    .into_iter()
                    .flatten()
                    .chain([
                        r.name.clone(),
                        r.region.clone(),
                        r.arn.clone(),
                        r.department.clone().unwrap_or_default(),
                        r.age_days.map(|d| d.to_string()).unwrap_or_default(),
                        r.last_traffic.clone().unwrap_or_default(),
                        r.action.as_str().to_owned(),
                        r.reason.clone(),
                    ])
                    .collect()
            })
            .collect();
        (header, rows)
    }
}

//! The prune plan: each considered profile, what prune does with it, and why.

use comfy_table::Table;
use serde::Serialize;

use super::{View, new_table};
use crate::domain::prune::Action;

#[derive(Debug, Clone, Serialize)]
pub struct PruneRow {
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
        let mut t = new_table(&[
            "profile",
            "region",
            "department",
            "age",
            "last traffic",
            "action",
            "why",
        ]);
        for r in self.rows {
            t.add_row(vec![
                r.name.clone(),
                r.region.clone(),
                r.department.clone().unwrap_or_else(|| "-".into()),
                r.age_days.map_or_else(|| "-".into(), |d| format!("{d}d")),
                r.last_traffic.clone().unwrap_or_else(|| "none seen".into()),
                r.action.as_str().to_owned(),
                r.reason.clone(),
            ]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = [
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
        let rows = self
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.region.clone(),
                    r.arn.clone(),
                    r.department.clone().unwrap_or_default(),
                    r.age_days.map(|d| d.to_string()).unwrap_or_default(),
                    r.last_traffic.clone().unwrap_or_default(),
                    r.action.as_str().to_owned(),
                    r.reason.clone(),
                ]
            })
            .collect();
        (header, rows)
    }
}

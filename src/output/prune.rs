//! The prune plan: each considered profile, what prune does with it, and why.

use comfy_table::Table;
use serde::Serialize;

use super::{View, new_table};

#[derive(Debug, Clone, Serialize)]
pub struct PruneRow {
    pub name: String,
    pub region: String,
    pub arn: String,
    pub department: Option<String>,
    pub age_days: Option<i64>,
    /// The day traffic was last seen (UTC), if within the look-back.
    pub last_traffic: Option<String>,
    /// `delete`, `mark`, `marked`, `unmark`, `in-grace`, `mark-first`, `protected`, `too-new`.
    pub action: &'static str,
    pub reason: String,
}

#[derive(Serialize)]
#[serde(transparent)]
pub struct PruneView<'a>(pub &'a [PruneRow]);

impl View for PruneView<'_> {
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
        for r in self.0 {
            t.add_row(vec![
                r.name.clone(),
                r.region.clone(),
                r.department.clone().unwrap_or_else(|| "-".into()),
                r.age_days.map_or_else(|| "-".into(), |d| format!("{d}d")),
                r.last_traffic.clone().unwrap_or_else(|| "none seen".into()),
                r.action.to_owned(),
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
            .0
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.region.clone(),
                    r.arn.clone(),
                    r.department.clone().unwrap_or_default(),
                    r.age_days.map(|d| d.to_string()).unwrap_or_default(),
                    r.last_traffic.clone().unwrap_or_default(),
                    r.action.to_owned(),
                    r.reason.clone(),
                ]
            })
            .collect();
        (header, rows)
    }
}

//! Views of `dashboard`: the dashboards put, and the ones aipctl made.

use comfy_table::Table;
use serde::Serialize;

use super::{View, new_table};

/// `aipctl dashboard NAME`: the dashboards written and how many profiles they show.
#[derive(Serialize)]
pub struct DashboardsPut {
    pub dashboards: Vec<String>,
    pub profiles: usize,
    /// In a multi-account run: each account's dashboards (one set per account).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountDashboards>,
}

/// The dashboards put in one account of a multi-account run.
#[derive(Serialize)]
pub struct AccountDashboards {
    #[serde(flatten)]
    pub account: super::AccountCols,
    pub dashboards: Vec<String>,
    pub profiles: usize,
}

impl View for DashboardsPut {
    fn table(&self) -> Table {
        if !self.accounts.is_empty() {
            let mut t = new_table(&["account", "dashboard", "profiles"]);
            for a in &self.accounts {
                let who = a
                    .account
                    .account_name
                    .clone()
                    .unwrap_or_else(|| a.account.account.clone());
                for d in &a.dashboards {
                    t.add_row(vec![who.clone(), d.clone(), a.profiles.to_string()]);
                }
            }
            return t;
        }
        let mut t = new_table(&["dashboard", "profiles"]);
        for d in &self.dashboards {
            t.add_row(vec![d.clone(), self.profiles.to_string()]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        (
            vec!["dashboard".into()],
            self.dashboards.iter().map(|d| vec![d.clone()]).collect(),
        )
    }
}

/// `aipctl dashboard --list` and `--delete`: dashboard names.
#[derive(Serialize)]
#[serde(transparent)]
pub struct DashboardNames(pub Vec<String>);

impl View for DashboardNames {
    fn table(&self) -> Table {
        let mut t = new_table(&["dashboard"]);
        for n in &self.0 {
            t.add_row(vec![n.clone()]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        (
            vec!["dashboard".into()],
            self.0.iter().map(|n| vec![n.clone()]).collect(),
        )
    }
}

//! What `aipctl report` prints once the file is written: where it is, how
//! big, and what each section holds (figures, nothing this run makes, or
//! the AWS failure that kept it out).

use comfy_table::Table;
use serde::Serialize;

use crate::domain::report::{Part, Report};
use crate::output::{View, new_table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionStatus {
    /// Figures are on the page.
    Ready,
    /// This run does not make it (this month's estimate of a report whose
    /// months end before this one).
    Skipped,
    /// Its AWS requests failed; the page says why.
    Failed,
}

#[derive(Debug, Serialize)]
pub struct SectionRow {
    pub section: &'static str,
    pub status: SectionStatus,
    /// The failure, for a failed section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ReportSummary {
    pub path: String,
    pub bytes: u64,
    /// The caller's account (Cost Explorer's and the budgets').
    pub account: String,
    /// The accounts read, in a run across accounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub sections: Vec<SectionRow>,
    /// Cost Explorer requests this report paid for (pages and retries included).
    pub paid_requests: usize,
    /// Cost Explorer answers taken from the cache instead.
    pub cached_requests: usize,
}

fn row<T>(section: &'static str, part: Option<&Part<T>>) -> SectionRow {
    let (status, error) = match part {
        None => (SectionStatus::Skipped, None),
        Some(Ok(_)) => (SectionStatus::Ready, None),
        Some(Err(e)) => (SectionStatus::Failed, Some(e.clone())),
    };
    SectionRow {
        section,
        status,
        error,
    }
}

impl ReportSummary {
    pub fn new(report: &Report, path: String, bytes: u64) -> Self {
        Self {
            path,
            bytes,
            account: report.header.account.clone(),
            accounts: report.header.accounts.clone(),
            regions: report.header.regions.clone(),
            sections: vec![
                row("spend", Some(&report.spend)),
                row("estimated spend", report.estimated.as_ref()),
                row("usage", Some(&report.usage)),
                row("coverage", report.coverage.as_ref()),
                row("budgets", report.budgets.as_ref()),
                row("idle profiles", Some(&report.idle)),
                row("this month's estimate", report.this_month.as_ref()),
            ],
            paid_requests: report.header.paid.total(),
            cached_requests: report.header.paid.from_cache,
        }
    }
}

impl SectionStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
        }
    }
}

impl View for ReportSummary {
    fn table(&self) -> Table {
        let mut t = new_table(&["section", "status"]);
        for s in &self.sections {
            let status = match &s.error {
                Some(e) => format!("{}: {e}", s.status.as_str()),
                None => s.status.as_str().to_owned(),
            };
            t.add_row(vec![s.section.to_owned(), status]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = ["section", "status", "error"].map(String::from).to_vec();
        let rows = self
            .sections
            .iter()
            .map(|s| {
                vec![
                    s.section.to_owned(),
                    s.status.as_str().to_owned(),
                    s.error.clone().unwrap_or_default(),
                ]
            })
            .collect();
        (header, rows)
    }

    fn footer(&self) -> Vec<String> {
        let accounts = if self.accounts.is_empty() {
            format!("account {}", self.account)
        } else {
            crate::output::plural(self.accounts.len(), "account")
        };
        vec![format!(
            "wrote {} ({} KB) · {accounts} · regions: {}",
            self.path,
            self.bytes.div_ceil(1024),
            self.regions.join(", ")
        )]
    }
}

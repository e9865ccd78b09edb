//! Views of profiles: the list table, the describe card, tag changes and
//! deletion results. The JSON form of a profile is the design's contract.

use comfy_table::Table;
use jiff::Timestamp;
use serde::Serialize;

use super::cost::money;
use super::price::RowMoney;
use super::usage::{percent, sparkline, thousands};
use super::{AccountCols, View, age, new_table};
use crate::domain::outcome::Outcome;
use crate::domain::profile::Profile;
use crate::domain::tag::{DEPARTMENT, TagChange, Tags};
use crate::domain::usage::Usage;

/// The JSON shape of one profile (design §2).
#[derive(Debug, Serialize)]
pub struct ProfileJson<'a> {
    /// The account, in a multi-account run (`account`, `account_name`).
    #[serde(flatten)]
    pub account: Option<super::AccountCols>,
    pub name: &'a str,
    pub id: &'a str,
    pub arn: &'a str,
    pub region: &'a str,
    pub status: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub description: Option<&'a str>,
    pub models: &'a [String],
    pub routed_regions: Vec<String>,
    pub tags: &'a Tags,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl<'a> From<&'a Profile> for ProfileJson<'a> {
    fn from(p: &'a Profile) -> Self {
        Self {
            account: super::AccountCols::of(p.account.as_ref()),
            name: &p.name,
            id: &p.id,
            arn: &p.arn,
            region: p.region.as_str(),
            status: p.status.as_str(),
            kind: p.kind.as_str(),
            description: p.description.as_deref(),
            models: &p.model_arns,
            routed_regions: p.routed_regions(),
            tags: &p.tags,
            created_at: p.created_at.map(rfc3339),
            updated_at: p.updated_at.map(rfc3339),
        }
    }
}

fn rfc3339(t: Timestamp) -> String {
    // Whole seconds, `Z`: stable and what people paste into other tools.
    Timestamp::from_second(t.as_second()).map_or_else(|_| t.to_string(), |s| s.to_string())
}

/// `aipctl list`: profiles sorted by region, then name, then ID.
pub struct ProfileList<'a> {
    pub profiles: &'a [Profile],
    /// Tag keys shown as columns after Department.
    pub tag_columns: &'a [String],
    pub now: Timestamp,
}

impl serde::Serialize for ProfileList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.profiles.iter().map(ProfileJson::from))
    }
}

impl ProfileList<'_> {
    fn columns(&self) -> Vec<String> {
        std::iter::once(DEPARTMENT.to_owned())
            .chain(self.tag_columns.iter().filter(|c| *c != DEPARTMENT).cloned())
            .collect()
    }
}

impl View for ProfileList<'_> {
    /// Routes follow from the model's prefix; extra tag columns go next,
    /// the last asked for first. Department never hides.
    fn optional_columns(&self) -> Vec<String> {
        std::iter::once("routes".to_owned())
            .chain(self.columns().into_iter().skip(1).rev())
            .collect()
    }

    fn empty(&self) -> Option<String> {
        self.profiles
            .is_empty()
            .then(|| "no application inference profile matched".to_owned())
    }

    fn table(&self) -> Table {
        let tag_cols = self.columns();
        let multi = self.profiles.iter().any(|p| p.account.is_some());
        let mut header = vec!["name", "region", "model", "routes"];
        if multi {
            header.insert(0, "account");
        }
        header.extend(tag_cols.iter().map(String::as_str));
        header.extend(["status", "age"]);
        let mut t = new_table(&header);
        for p in self.profiles {
            let mut row = vec![
                p.name.clone(),
                p.region.to_string(),
                p.model_id().unwrap_or_else(|| "-".into()),
                p.routed_regions().join(","),
            ];
            if multi {
                row.insert(0, super::AccountCols::cell(p.account.as_ref()));
            }
            row.extend(tag_cols.iter().map(|k| p.tags.get(k).unwrap_or("-").to_owned()));
            row.push(p.status.as_str().to_owned());
            row.push(
                p.created_at
                    .map_or_else(|| "-".into(), |c| age(self.now.as_second() - c.as_second())),
            );
            t.add_row(row);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let tag_cols = self.columns();
        let multi = self.profiles.iter().any(|p| p.account.is_some());
        let mut header: Vec<String> = ["name", "id", "arn", "region", "model", "routed_regions"]
            .map(String::from)
            .to_vec();
        if multi {
            header.splice(0..0, ["account".to_owned(), "account_name".to_owned()]);
        }
        header.extend(tag_cols.iter().cloned());
        header.extend(["status", "created_at"].map(String::from));
        let rows = self
            .profiles
            .iter()
            .map(|p| {
                let mut row = vec![
                    p.name.clone(),
                    p.id.clone(),
                    p.arn.to_string(),
                    p.region.to_string(),
                    p.model_id().unwrap_or_default(),
                    p.routed_regions().join(";"),
                ];
                if multi {
                    let a = p.account.as_ref();
                    row.splice(
                        0..0,
                        [
                            a.map(|a| a.id.to_string()).unwrap_or_default(),
                            a.and_then(|a| a.name.clone()).unwrap_or_default(),
                        ],
                    );
                }
                row.extend(
                    tag_cols
                        .iter()
                        .map(|k| p.tags.get(k).unwrap_or_default().to_owned()),
                );
                row.push(p.status.as_str().to_owned());
                row.push(p.created_at.map(rfc3339).unwrap_or_default());
                row
            })
            .collect();
        (header, rows)
    }
}

/// `aipctl describe` and `aipctl create`: one profile as a card, with the
/// last 30 days' figures under `describe --usage`.
pub struct ProfileCard<'a> {
    pub profile: &'a Profile,
    pub usage: Option<&'a Usage>,
    /// The estimated cost of `usage` at Price List prices.
    pub money: Option<&'a RowMoney>,
}

impl serde::Serialize for ProfileCard<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WithUsage<'a> {
            #[serde(flatten)]
            profile: ProfileJson<'a>,
            #[serde(skip_serializing_if = "Option::is_none")]
            usage_30d: Option<&'a Usage>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cost_30d: Option<&'a RowMoney>,
        }
        WithUsage {
            profile: ProfileJson::from(self.profile),
            usage_30d: self.usage,
            cost_30d: self.money,
        }
        .serialize(s)
    }
}

impl View for ProfileCard<'_> {
    fn table(&self) -> Table {
        let p = self.profile;
        let mut t = new_table(&["field", "value"]);
        if let Some(a) = &p.account {
            t.add_row(vec!["account".to_owned(), a.label()]);
        }
        t.add_row(vec!["name", &p.name]);
        t.add_row(vec!["id", &p.id]);
        t.add_row(vec!["arn", &p.arn]);
        t.add_row(vec![
            "invoke with",
            &format!("modelId={} (bedrock-runtime in {})", p.arn, p.region),
        ]);
        t.add_row(vec!["region", p.region.as_str()]);
        t.add_row(vec!["status", p.status.as_str()]);
        t.add_row(vec!["description", p.description.as_deref().unwrap_or("-")]);
        t.add_row(vec!["model", &p.model_id().unwrap_or_else(|| "-".into())]);
        t.add_row(vec!["routed regions", &p.routed_regions().join(", ")]);
        t.add_row(vec![
            "source",
            p.source().unwrap_or("- (not recorded; created outside aipctl)"),
        ]);
        for (i, m) in p.model_arns.iter().enumerate() {
            t.add_row(vec![if i == 0 { "model arns" } else { "" }, m]);
        }
        if p.tags.is_empty() {
            t.add_row(vec!["tags", "-"]);
        }
        for (i, (k, v)) in p.tags.iter().enumerate() {
            t.add_row(vec![if i == 0 { "tags" } else { "" }, &format!("{k}={v}")]);
        }
        t.add_row(vec!["created", &p.created_at.map_or_else(|| "-".into(), rfc3339)]);
        t.add_row(vec!["updated", &p.updated_at.map_or_else(|| "-".into(), rfc3339)]);
        if let Some(u) = self.usage {
            t.add_row(vec!["invocations (30d)", &thousands(u.invocations)]);
            t.add_row(vec![
                "tokens in/out (30d)",
                &format!("{} / {}", thousands(u.input_tokens), thousands(u.output_tokens)),
            ]);
            t.add_row(vec![
                "cache read/write (30d)",
                &format!(
                    "{} / {}",
                    thousands(u.cache_read_tokens),
                    thousands(u.cache_write_tokens)
                ),
            ]);
            t.add_row(vec!["cache hit ratio (30d)", &percent(u.cache_hit_ratio)]);
            t.add_row(vec![
                "errors/throttles (30d)",
                &format!("{} / {}", thousands(u.errors()), thousands(u.throttles)),
            ]);
            t.add_row(vec!["daily invocations", &sparkline(&u.daily_invocations, 30)]);
        }
        if let Some(m) = self.money {
            match (&m.estimated_usd, &m.price) {
                (Some(k), Some(p)) => {
                    t.add_row(vec![
                        "estimated cost (30d)".to_owned(),
                        format!(
                            "{} at {} {} prices ({})",
                            m.cost_cell(),
                            p.model.as_deref().unwrap_or("-"),
                            p.scope.map_or("", |s| s.as_str()),
                            p.offer.map_or("", |o| o.service_code()),
                        ),
                    ]);
                    t.add_row(vec![
                        "cost in/out (30d)".to_owned(),
                        format!("{} / {}", money(k.input.0, "USD"), money(k.output.0, "USD")),
                    ]);
                    t.add_row(vec![
                        "cost cache read/write (30d)".to_owned(),
                        format!(
                            "{} / {}",
                            money(k.cache_read.0, "USD"),
                            money(k.cache_write.0, "USD")
                        ),
                    ]);
                }
                (_, Some(p)) => {
                    t.add_row(vec![
                        "estimated cost (30d)".to_owned(),
                        format!("unpriced: {}", p.unpriced_reason.as_deref().unwrap_or("-")),
                    ]);
                }
                _ => {
                    t.add_row(vec!["estimated cost (30d)".to_owned(), m.cost_cell()]);
                }
            }
            t.add_row(vec!["cache savings (30d)".to_owned(), m.savings_cell()]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let list = ProfileList {
            profiles: std::slice::from_ref(self.profile),
            tag_columns: &[],
            now: Timestamp::UNIX_EPOCH,
        };
        list.csv()
    }
}

/// `aipctl tag` / `untag`: the tags before and after.
#[derive(Serialize)]
pub struct TagEdit<'a> {
    pub profile: &'a str,
    pub arn: &'a str,
    pub region: &'a str,
    pub changes: &'a [TagChange],
    pub tags: &'a Tags,
}

impl View for TagEdit<'_> {
    fn table(&self) -> Table {
        let mut t = new_table(&["key", "before", "after"]);
        for c in self.changes {
            t.add_row(vec![
                c.key.as_str(),
                c.before.as_deref().unwrap_or("-"),
                c.after.as_deref().unwrap_or("-"),
            ]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = ["profile", "region", "key", "before", "after"]
            .map(String::from)
            .to_vec();
        let rows = self
            .changes
            .iter()
            .map(|c| {
                vec![
                    self.profile.to_owned(),
                    self.region.to_owned(),
                    c.key.clone(),
                    c.before.clone().unwrap_or_default(),
                    c.after.clone().unwrap_or_default(),
                ]
            })
            .collect();
        (header, rows)
    }
}

/// What happened to each profile a bulk action touched.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeRow {
    /// The account, in a run over several accounts.
    #[serde(flatten)]
    pub account: Option<AccountCols>,
    pub name: String,
    pub arn: String,
    pub region: String,
    pub result: Outcome,
    pub error: Option<String>,
}

#[derive(Serialize)]
#[serde(transparent)]
pub struct OutcomeRows<'a>(pub &'a [OutcomeRow]);

impl OutcomeRows<'_> {
    /// Whether some row names its account: then every row gets an ACCOUNT cell.
    fn across_accounts(&self) -> bool {
        self.0.iter().any(|o| o.account.is_some())
    }
}

/// The ACCOUNT cell of an outcome: the account's name when known, else its ID.
fn account_cell(a: Option<&AccountCols>) -> String {
    a.map_or_else(
        || "-".to_owned(),
        |a| a.account_name.clone().unwrap_or_else(|| a.account.clone()),
    )
}

impl View for OutcomeRows<'_> {
    fn empty(&self) -> Option<String> {
        self.0.is_empty().then(|| "nothing to do".to_owned())
    }

    fn table(&self) -> Table {
        let across = self.across_accounts();
        let mut header = vec!["name", "region", "result", "detail"];
        if across {
            header.insert(0, "account");
        }
        let mut t = new_table(&header);
        for o in self.0 {
            let mut row = vec![
                o.name.clone(),
                o.region.clone(),
                o.result.as_str().to_owned(),
                o.error.clone().unwrap_or_default(),
            ];
            if across {
                row.insert(0, account_cell(o.account.as_ref()));
            }
            t.add_row(row);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let across = self.across_accounts();
        let mut header: Vec<String> = ["name", "arn", "region", "result", "error"]
            .map(String::from)
            .to_vec();
        if across {
            header.insert(0, "account".into());
        }
        let rows = self
            .0
            .iter()
            .map(|o| {
                let mut row = vec![
                    o.name.clone(),
                    o.arn.clone(),
                    o.region.clone(),
                    o.result.as_str().to_owned(),
                    o.error.clone().unwrap_or_default(),
                ];
                if across {
                    row.insert(
                        0,
                        o.account.as_ref().map(|a| a.account.clone()).unwrap_or_default(),
                    );
                }
                row
            })
            .collect();
        (header, rows)
    }
}

/// What `delete` is about to delete, shown before it asks.
pub struct DeletionPlan<'a>(pub &'a [Profile]);

impl DeletionPlan<'_> {
    pub fn table(&self) -> Table {
        let mut t = new_table(&["delete", "region", "department", "arn"]);
        for p in self.0 {
            t.add_row(vec![
                p.name.as_str(),
                p.region.as_str(),
                p.department().unwrap_or("-"),
                p.arn.as_str(),
            ]);
        }
        t
    }
}

/// The line naming the protected profiles a deletion skips, if any.
pub fn protected_line(protected: &[Profile]) -> Option<String> {
    if protected.is_empty() {
        return None;
    }
    let names: Vec<String> = protected
        .iter()
        .map(|p| format!("{} ({})", p.name, p.region))
        .collect();
    Some(format!(
        "skipping protected (aipctl:protect=true): {}",
        names.join(", ")
    ))
}

/// `aipctl models`: one row per model and region.
#[derive(Serialize)]
#[serde(transparent)]
pub struct ModelsView<'a>(pub &'a [crate::domain::model::Availability]);

impl View for ModelsView<'_> {
    fn table(&self) -> Table {
        let mut t = new_table(&["region", "model", "provider", "invoke", "system profiles"]);
        for a in self.0 {
            let profiles: Vec<&str> = a.system_profiles.iter().map(|p| p.id.as_str()).collect();
            t.add_row(vec![
                a.region.clone(),
                a.model_id.clone(),
                a.provider.clone(),
                if a.on_demand { "on demand" } else { "profiles only" }.to_owned(),
                if profiles.is_empty() {
                    "-".to_owned()
                } else {
                    profiles.join("\n")
                },
            ]);
        }
        t
    }

    fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = [
            "region",
            "model_id",
            "model_name",
            "provider",
            "on_demand",
            "system_profile",
            "routed_regions",
        ]
        .map(String::from)
        .to_vec();
        let mut rows = Vec::new();
        for a in self.0 {
            let base = vec![
                a.region.clone(),
                a.model_id.clone(),
                a.model_name.clone(),
                a.provider.clone(),
                a.on_demand.to_string(),
            ];
            if a.system_profiles.is_empty() {
                let mut row = base.clone();
                row.extend([String::new(), String::new()]);
                rows.push(row);
            }
            for p in &a.system_profiles {
                let mut row = base.clone();
                row.extend([p.id.clone(), p.routed_regions.join(";")]);
                rows.push(row);
            }
        }
        (header, rows)
    }
}

//! What `plan` and `apply` share: reading a spec (checked whole, exit 2
//! with file, line and field), the regions it covers, and the plan made by
//! reading the account and diffing it against the spec (profiles here,
//! budgets and anomaly alerts through [`super::alerts`]).

use std::collections::BTreeMap;
use std::path::Path;

use futures::{StreamExt, TryStreamExt, stream};

use super::provision::{ModelSource, resolve_source};
use crate::aws::Aws;
use crate::aws::listing::Query;
use crate::cli::GlobalArgs;
use crate::domain::plan::{self, Clash, Desired, SavedPlan};
use crate::domain::profile::ModelRef;
use crate::domain::region::{BEDROCK_REGIONS, Region};
use crate::domain::spec::{self, Entry, Spec, SpecError};
use crate::error::{Error, Result, SpecErrors};
use crate::output::{Output, plural};

const SPEC_HINT: &str = "the spec format is described in the README, section `Provisioning from a spec`";

/// Reads and checks a spec file; every problem is an exit-2 error naming
/// the file, line and field.
pub fn read_spec(path: &Path) -> Result<Spec> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Usage {
        message: format!("cannot read the spec `{}`: {e}", path.display()),
        hint: None,
    })?;
    spec::parse(&text).map_err(|errors| Error::Spec {
        errors: SpecErrors {
            file: path.display().to_string(),
            errors,
        },
        hint: Some(SPEC_HINT.into()),
    })
}

/// The regions to read: `--all-regions`, the `--region` list, or every
/// region the spec names. Entries in other regions are left out, said once.
pub fn regions(g: &GlobalArgs, spec: &Spec, out: &mut Output) -> Vec<Region> {
    let chosen: Vec<Region> = if g.all_regions {
        BEDROCK_REGIONS
            .iter()
            .map(|r| r.parse().expect("valid built-in region"))
            .collect()
    } else if g.regions.is_empty() {
        spec.regions.clone()
    } else {
        let mut v = g.regions.clone();
        v.sort();
        v.dedup();
        v
    };
    let left_out: Vec<&Entry> = spec
        .entries
        .iter()
        .filter(|e| !chosen.contains(&e.region))
        .collect();
    if !left_out.is_empty() {
        let mut rs: Vec<&str> = left_out.iter().map(|e| e.region.as_str()).collect();
        rs.dedup();
        out.warn(&format!(
            "{} of the spec {} in regions not read ({}); left out of this plan",
            plural(left_out.len(), "profile"),
            if left_out.len() == 1 { "is" } else { "are" },
            rs.join(", ")
        ));
    }
    chosen
}

/// Reads the account and diffs it against the spec.
pub async fn make(
    aws: &Aws,
    spec: &Spec,
    file: &Path,
    regions: &[Region],
    now: jiff::Timestamp,
    out: &mut Output,
) -> Result<SavedPlan> {
    let entries: Vec<&Entry> = spec
        .entries
        .iter()
        .filter(|e| regions.contains(&e.region))
        .collect();
    let first = regions.first().ok_or_else(|| Error::usage("no region to read"))?;
    let (account, actual, sources) = tokio::try_join!(
        aws.account_id(first),
        aws.profiles_with_tags(regions, Query::every()),
        resolve_all(aws, &entries, file),
    )?;
    let desired: Vec<Desired> = entries
        .iter()
        .map(|e| {
            let s = &sources[&(e.region.clone(), e.source.to_string())];
            Desired::new(e, &spec.name, s.arn.clone(), s.routes.clone())
        })
        .collect();
    let plan = plan::diff(&spec.name, &desired, &actual)
        .map_err(|clashes| clash_error(&spec.name, &entries, &clashes, file))?;
    let read = Box::pin(super::alerts::read(aws, spec, &account, now, out)).await?;
    let alerts = super::alerts::plan(spec, &read, &file.display().to_string())?;
    Ok(SavedPlan::new(&spec.name, &plan, &alerts, &account, regions))
}

/// Names this spec wants that another spec's profiles have: an input error
/// (exit 2) at the line the name comes from. Adopting the profile would take
/// it from the other spec, whose next apply would take it back.
fn clash_error(spec: &str, entries: &[&Entry], clashes: &[Clash], file: &Path) -> Error {
    let errors = clashes
        .iter()
        .map(|c| SpecError {
            at: entries[c.desired].name_at.clone(),
            message: format!(
                "the name `{}` in {} is a profile of spec `{}` ({}); spec `{spec}` cannot manage it too",
                c.name, c.region, c.other_spec, c.arn
            ),
        })
        .collect();
    Error::Spec {
        errors: SpecErrors {
            file: file.display().to_string(),
            errors,
        },
        hint: Some(
            "give the entry another name in this spec, or remove it from the other spec and apply that one first"
                .into(),
        ),
    }
}

/// Each distinct (region, model) resolved once, concurrently. A model a
/// region does not offer is an input error at the line that names it.
async fn resolve_all(
    aws: &Aws,
    entries: &[&Entry],
    file: &Path,
) -> Result<BTreeMap<(Region, String), ModelSource>> {
    let mut distinct: BTreeMap<(Region, String), &Entry> = BTreeMap::new();
    for e in entries {
        distinct
            .entry((e.region.clone(), e.source.to_string()))
            .or_insert(e);
    }
    stream::iter(distinct.into_iter().map(|(key, e)| {
        let b = aws.bedrock(&e.region);
        let model: ModelRef = e.source.clone();
        async move {
            match resolve_source(&b, &model).await {
                Ok(s) => Ok((key, s)),
                // `create`'s hints name its flags; here the place to fix is the spec line.
                Err(Error::Usage { message, .. }) => Err(Error::Spec {
                    errors: SpecErrors {
                        file: file.display().to_string(),
                        errors: vec![SpecError {
                            at: e.source_at.clone(),
                            message,
                        }],
                    },
                    hint: Some(format!(
                        "give model `{}` a foundation model or system-defined profile that {} offers",
                        e.model, e.region
                    )),
                }),
                Err(other) => Err(other),
            }
        }
    }))
    .buffer_unordered(aws.concurrency)
    .try_collect()
    .await
}

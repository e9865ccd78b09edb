//! What would give bypass traffic a profile: the `aipctl create` to copy,
//! with a name made from the model and [`TEAM`] for the department.

use std::collections::BTreeSet;

use super::Source;
use crate::domain::profile::{GEOGRAPHY_PREFIXES, ProfileName};
use crate::domain::region::Region;

/// The placeholder for the department in suggested commands.
pub const TEAM: &str = "TEAM";

/// A profile name for `model` (`claude-sonnet-4-5` from
/// `anthropic.claude-sonnet-4-5-20250929-v1:0`): without the provider, the
/// date and the version, prefixed with [`TEAM`], within the name rule.
pub fn suggested_name(model: &str) -> String {
    let bare = model.split_once('.').map_or(model, |(_, rest)| rest);
    let bare = bare.split_once(':').map_or(bare, |(head, _)| head);
    let parts: Vec<&str> = bare
        .split('-')
        .filter(|p| !p.is_empty())
        .filter(|p| !(p.len() == 8 && p.bytes().all(|b| b.is_ascii_digit())))
        .filter(|p| !(p.len() >= 2 && p.starts_with('v') && p[1..].bytes().all(|b| b.is_ascii_digit())))
        .collect();
    let mut name = String::from(TEAM);
    for c in format!("-{}", parts.join("-")).chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '-' };
        // The name rule allows one separator between two letters or digits.
        if !(c == '-' && name.ends_with('-')) && name.len() < 64 {
            name.push(c);
        }
    }
    let name = name.trim_end_matches('-');
    if name.parse::<ProfileName>().is_ok() {
        name.to_owned()
    } else {
        format!("{TEAM}-profile")
    }
}

/// `aipctl create` for bypass traffic to `source` seen in `regions`: one
/// profile per region (application profiles are regional), copying the
/// system profile or model the callers name today. `None` when nothing can
/// be copied.
pub fn create_command(source: &Source, regions: &BTreeSet<Region>) -> Option<String> {
    let (Source::SystemProfile { id: model } | Source::FoundationModel { id: model }) = source else {
        return None;
    };
    // A system profile ID keeps its geography in the model flag; the name drops it.
    let named = match source {
        Source::SystemProfile { id } => id
            .split_once('.')
            .filter(|(geo, _)| GEOGRAPHY_PREFIXES.contains(geo))
            .map_or(id.as_str(), |(_, m)| m),
        _ => model,
    };
    let regions: Vec<&str> = regions.iter().map(Region::as_str).collect();
    Some(format!(
        "aipctl create {} --model {model} --department {TEAM} --region {}",
        suggested_name(named),
        regions.join(",")
    ))
}

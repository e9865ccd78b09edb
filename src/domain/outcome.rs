//! What happened to one item of a bulk action, as a type rather than a
//! string: the JSON and CSV spell it in kebab case (`already-gone`), and
//! only [`Outcome::Failed`] makes the command exit 1.

use serde::Serialize;

/// What a command did, or would do, with one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Created,
    /// Changed in place (a budget, an anomaly alert).
    Updated,
    Retagged,
    Replaced,
    Deleted,
    /// Gone before aipctl got to it: the wanted end state, so it counts as done.
    AlreadyGone,
    WouldDelete,
    /// `aipctl:protect=true`: never deleted.
    Protected,
    /// Changed (tags, traffic) since a saved plan was made.
    Skipped,
    /// An orphan held back without `--prune`, or a replacement without `--allow-replace`.
    Kept,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Retagged => "retagged",
            Self::Replaced => "replaced",
            Self::Deleted => "deleted",
            Self::AlreadyGone => "already-gone",
            Self::WouldDelete => "would-delete",
            Self::Protected => "protected",
            Self::Skipped => "skipped",
            Self::Kept => "kept",
            Self::Failed => "failed",
        }
    }

    pub fn is_failure(self) -> bool {
        self == Self::Failed
    }
}

/// What `cost-tags` did, or would do, with one tag key's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusOutcome {
    Activated,
    Deactivated,
    /// The key already had the status asked for.
    Unchanged,
    WouldActivate,
    WouldDeactivate,
    /// Billing has never seen the key.
    NotFound,
    Failed,
}

impl StatusOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activated => "activated",
            Self::Deactivated => "deactivated",
            Self::Unchanged => "unchanged",
            Self::WouldActivate => "would-activate",
            Self::WouldDeactivate => "would-deactivate",
            Self::NotFound => "not-found",
            Self::Failed => "failed",
        }
    }

    pub fn is_failure(self) -> bool {
        matches!(self, Self::Failed | Self::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_spells_outcomes_as_as_str_does() {
        for o in [Outcome::AlreadyGone, Outcome::WouldDelete, Outcome::Failed] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
        for o in [StatusOutcome::WouldActivate, StatusOutcome::NotFound] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }
}

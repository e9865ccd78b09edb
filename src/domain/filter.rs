//! Which profiles a command considers: `--tag`, `--untagged`, `--name`.
//! Name filters apply before tags are fetched, saving a call per profile.

use globset::GlobMatcher;

use crate::domain::profile::Profile;
use crate::domain::tag::{TagFilter, TagKey};

#[derive(Debug, Clone, Default)]
pub struct ProfileFilter {
    /// All must match (AND).
    pub tags: Vec<TagFilter>,
    /// Keys that must be absent.
    pub untagged: Vec<TagKey>,
    pub name: Option<GlobMatcher>,
}

impl ProfileFilter {
    /// What can be decided without tags.
    pub fn matches_name(&self, p: &Profile) -> bool {
        self.name.as_ref().is_none_or(|g| g.is_match(&p.name))
    }

    /// The whole filter; `p.tags` must have been fetched.
    pub fn matches(&self, p: &Profile) -> bool {
        self.matches_name(p)
            && self.tags.iter().all(|f| f.matches(&p.tags))
            && self.untagged.iter().all(|k| p.tags.get(k.as_str()).is_none())
    }

    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.untagged.is_empty() && self.name.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str, tags: &[(&str, &str)]) -> Profile {
        crate::domain::profile::test_profile(name, "abcdefabcdef", tags)
    }

    #[test]
    fn all_filters_must_match() {
        let f = ProfileFilter {
            tags: vec!["Department=Search".parse().unwrap(), "Owner".parse().unwrap()],
            untagged: vec!["CostCenter".parse().unwrap()],
            name: Some(globset::Glob::new("team-*").unwrap().compile_matcher()),
        };
        assert!(f.matches(&profile("team-a", &[("Department", "Search"), ("Owner", "x")])));
        assert!(!f.matches(&profile("other", &[("Department", "Search"), ("Owner", "x")])));
        assert!(!f.matches(&profile("team-a", &[("Department", "Search")])));
        assert!(!f.matches(&profile(
            "team-a",
            &[("Department", "Search"), ("Owner", "x"), ("CostCenter", "1")]
        )));
        assert!(ProfileFilter::default().matches(&profile("x", &[])));
    }
}

//! AWS regions: syntax, and the documented list of regions that offer
//! Amazon Bedrock (for `--all-regions`), from
//! <https://docs.aws.amazon.com/general/latest/gr/bedrock.html>.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::InputError;

/// Commercial regions with a Bedrock control-plane endpoint.
pub const BEDROCK_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
];

/// Every AWS region this release knows, in all partitions
/// (<https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html>).
/// A region outside the list is refused before any request, unless it is
/// named in `AIPCTL_EXTRA_REGIONS` (a region AWS opened after this release).
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

/// The environment variable naming regions to accept beyond [`KNOWN_REGIONS`].
pub const EXTRA_REGIONS_VAR: &str = "AIPCTL_EXTRA_REGIONS";

/// Refuses a region AWS does not have (a typo such as `us-east-9`) before
/// any request; `extra` are regions the user allows beyond the built-in list.
pub fn check_known(region: &Region, extra: &[Region]) -> Result<(), InputError> {
    if KNOWN_REGIONS.contains(&region.as_str()) || extra.contains(region) {
        return Ok(());
    }
    Err(InputError::new(
        "region",
        region.as_str(),
        &format!(
            "is not an AWS region this aipctl knows; if AWS opened it after this release, allow it \
             with `{EXTRA_REGIONS_VAR}={region}`"
        ),
    ))
}

/// A region code such as `us-east-1`: lowercase words and a trailing number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct Region(String);

impl TryFrom<String> for Region {
    type Error = InputError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl Region {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Region {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('-').collect();
        let ok = parts.len() >= 3
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
            && !parts[parts.len() - 1].is_empty();
        if !ok {
            return Err(InputError::new(
                "region",
                s,
                "expected a region code such as `us-east-1`",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a `--region` value: one or more comma-separated codes.
pub fn parse_list(s: &str) -> Result<Vec<Region>, InputError> {
    s.split(',').map(|r| r.trim().parse()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes_are_checked() {
        for ok in ["us-east-1", "us-gov-west-1", "ap-southeast-2"] {
            assert!(ok.parse::<Region>().is_ok(), "{ok}");
        }
        for bad in ["", "us-east", "US-EAST-1", "useast1", "us-east-1a", "us--1"] {
            assert!(bad.parse::<Region>().is_err(), "{bad}");
        }
        assert_eq!(parse_list("us-east-1, eu-west-1").unwrap().len(), 2);
        assert!(parse_list("us-east-1,").is_err());
        assert!(BEDROCK_REGIONS.iter().all(|r| r.parse::<Region>().is_ok()));
        assert!(BEDROCK_REGIONS.iter().all(|r| KNOWN_REGIONS.contains(r)));
    }

    #[test]
    fn unknown_regions_are_refused_unless_allowed() {
        let typo: Region = "us-east-9".parse().unwrap();
        let e = check_known(&typo, &[]).unwrap_err();
        assert!(e.rule.contains("AIPCTL_EXTRA_REGIONS=us-east-9"), "{e}");
        assert!(check_known(&typo, std::slice::from_ref(&typo)).is_ok());
        assert!(check_known(&"eu-west-1".parse().unwrap(), &[]).is_ok());
    }
}

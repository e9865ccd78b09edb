//! Who hears about a budget or a cost anomaly: an e-mail address or an
//! Amazon SNS topic ARN, parsed as the AWS models check them.
//!
//! The address rule is Cost Anomaly Detection's (`Subscriber.Address` in the
//! `ce` model: `[a-zA-Z0-9.!#$%&'*+=?^_‘{|}~-]+@[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)+`,
//! or `arn:aws…:sns:REGION:ACCOUNT:TOPIC`); Budgets accepts at least those.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::InputError;

/// One recipient of notifications.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "address", rename_all = "UPPERCASE")]
pub enum Recipient {
    Email(String),
    /// An Amazon SNS topic ARN.
    Sns(String),
}

impl Recipient {
    pub fn address(&self) -> &str {
        match self {
            Self::Email(a) | Self::Sns(a) => a,
        }
    }

    pub fn is_sns(&self) -> bool {
        matches!(self, Self::Sns(_))
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.address())
    }
}

const LOCAL_EXTRA: &str = ".!#$%&'*+=?^_\u{2018}{|}~-";

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_EXTRA.contains(c))
        && domain.contains('.')
        && domain.split('.').all(label_ok)
}

/// `arn:aws[-…]:sns:REGION:ACCOUNT:TOPIC[.fifo]`.
fn is_sns_topic(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    let [arn, partition, service, region, account, topic] = parts.as_slice() else {
        return false;
    };
    let topic = topic.strip_suffix(".fifo").unwrap_or(topic);
    *arn == "arn"
        && partition.starts_with("aws")
        && partition[3..]
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-')
        && *service == "sns"
        && !region.is_empty()
        && region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && !topic.is_empty()
        && topic
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl FromStr for Recipient {
    type Err = InputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("arn:") {
            if is_sns_topic(s) {
                return Ok(Self::Sns(s.to_owned()));
            }
            return Err(InputError::new(
                "address",
                s,
                "is not an SNS topic ARN like `arn:aws:sns:us-east-1:123456789012:finops-alerts`",
            ));
        }
        if s.len() > 302 || !is_email(s) {
            return Err(InputError::new(
                "address",
                s,
                "is not an e-mail address like `finops@example.com` or an SNS topic ARN",
            ));
        }
        Ok(Self::Email(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_topics_parse_and_the_rest_is_refused() {
        assert_eq!(
            "finops@example.com".parse::<Recipient>().unwrap(),
            Recipient::Email("finops@example.com".into())
        );
        assert!(
            "arn:aws:sns:us-east-1:123456789012:alerts.fifo"
                .parse::<Recipient>()
                .unwrap()
                .is_sns()
        );
        for bad in [
            "finops",
            "finops@example",
            "fin ops@example.com",
            "@example.com",
            "a@b..com",
            "arn:aws:sqs:us-east-1:123456789012:q",
            "arn:aws:sns:us-east-1:1234:alerts",
        ] {
            assert!(bad.parse::<Recipient>().is_err(), "{bad}");
        }
    }

    #[test]
    fn recipients_serialize_with_their_kind() {
        let r = Recipient::Email("a@b.co".into());
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"type":"EMAIL","address":"a@b.co"}"#
        );
    }
}

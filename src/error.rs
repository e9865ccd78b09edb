//! The one error type of aipctl and how it maps to exit codes.
//!
//! Every failure becomes an [`Error`]; `main` renders it once as
//! `error: …` / `hint: …` on stderr (see `output::render_error`) and exits
//! with [`Error::exit_code`]: 2 for input and usage errors (found before any
//! AWS request), 3 for a refused destructive action, 1 for everything else;
//! a gate that printed its answer exits with its own code ([`Error::Quiet`]:
//! 4 drift, 6 a budget over its line).

use std::fmt;

/// `plan --detailed-exitcode`: the plan has changes (for CI drift checks).
pub const EXIT_CHANGES: u8 = 4;
/// `coverage --fail-under`: the attributed share is below the threshold.
pub const EXIT_BELOW_COVERAGE: u8 = 5;
/// `budgets --fail-over`: a budget is above the threshold.
pub const EXIT_OVER_BUDGET: u8 = 6;

pub use crate::domain::InputError;
pub use crate::domain::spec::SpecErrors;

/// What AWS answered when a call failed, for `-v` and for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwsFailure {
    pub service: &'static str,
    pub operation: &'static str,
    pub region: String,
    /// The AWS error code (`ThrottlingException`), when AWS answered.
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    /// How many attempts the SDK made, when known (a throttled operation).
    pub attempts: Option<u32>,
    /// AWS answered with a throttling error code, on every attempt.
    pub throttled: bool,
}

impl fmt::Display for AwsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} in {} failed", self.service, self.operation, self.region)?;
        match &self.code {
            Some(code) => write!(f, ": {code}: {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Input(#[from] InputError),

    #[error("{errors}")]
    Spec {
        errors: SpecErrors,
        hint: Option<String>,
    },

    #[error("{message}")]
    Usage { message: String, hint: Option<String> },

    #[error("inference profile `{reference}` was not found in {regions}")]
    ProfileNotFound { reference: String, regions: String },

    /// Something named on the command line that AWS does not have (a
    /// dashboard, a budget): exit 1, as a missing profile is.
    #[error("{message}")]
    NotFound { message: String, hint: Option<String> },

    /// Exit with `code` and say nothing more: what happened was printed
    /// (`plan --detailed-exitcode` with changes, a gate below its threshold).
    #[error("exit code {0}")]
    Quiet(u8),

    #[error("no inference profile with {filter} in {regions}")]
    NoProfileMatches { filter: String, regions: String },

    #[error("profile name `{name}` exists in more than one region: {}", arns.join(", "))]
    AmbiguousProfile { name: String, arns: Vec<String> },

    #[error("{message}")]
    Conflict { message: String, hint: Option<String> },

    #[error("{0}")]
    Aws(Box<AwsFailure>),

    #[error("{message}")]
    Refused { message: String, hint: Option<String> },

    #[error("{failed} of {total} {what} failed")]
    Partial {
        failed: usize,
        total: usize,
        what: &'static str,
    },

    #[error("no AWS region is set")]
    NoRegion,

    #[error("the AWS profile `{name}` was not found in {files}")]
    UnknownAwsProfile { name: String, files: String },

    #[error("no AWS credentials were found{}", profile.as_deref().map(|p| format!(" for the profile `{p}`")).unwrap_or_default())]
    NoCredentials { profile: Option<String> },

    #[error("AWS credentials could not be loaded: {message}")]
    Credentials {
        message: String,
        profile: Option<String>,
    },

    /// Accounts of an `--accounts` run that could not be entered or read,
    /// each with its error, named after what the others gave was shown.
    #[error("{} of {total} accounts failed: {}", failed.len(), failed.iter().map(|(a, e)| format!("{a}: {e}")).collect::<Vec<_>>().join("; "))]
    Accounts {
        failed: Vec<(String, String)>,
        total: usize,
        hint: Option<String>,
    },

    #[error("{} of {total} regions failed: {}", failed.len(), failed.iter().map(|(r, e)| format!("{r} ({e})")).collect::<Vec<_>>().join("; "))]
    Regions {
        failed: Vec<(String, String)>,
        total: usize,
        hint: Option<String>,
    },

    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage {
            message: message.into(),
            hint: None,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Input(_)
            | Self::Spec { .. }
            | Self::Usage { .. }
            | Self::NoRegion
            | Self::UnknownAwsProfile { .. }
            | Self::NoCredentials { .. } => 2,
            Self::Refused { .. } => 3,
            Self::Quiet(code) => *code,
            _ => 1,
        }
    }

    /// One line that tells the user what to do next, where there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::Usage { hint, .. }
            | Self::Spec { hint, .. }
            | Self::Conflict { hint, .. }
            | Self::Refused { hint, .. }
            | Self::NotFound { hint, .. }
            | Self::Regions { hint, .. }
            | Self::Accounts { hint, .. } => hint.clone(),
            Self::ProfileNotFound { .. } => {
                Some("run `aipctl list --all-regions` to see the profiles you can reach".into())
            }
            Self::NoProfileMatches { .. } => {
                Some("run `aipctl list --all-regions` with the same `--tag` to see where they are".into())
            }
            Self::AmbiguousProfile { arns, .. } => arns
                .first()
                .map(|a| format!("name the profile by its ARN, e.g. `{a}`")),
            Self::NoRegion => Some(
                "pass `--region us-east-1`, set `AWS_REGION`, or set `region` in your AWS profile".into(),
            ),
            Self::Aws(f) => aws_hint(f),
            Self::UnknownAwsProfile { name, .. } => Some(format!(
                "create it with `aws configure --profile {name}` (or `aws configure sso --profile {name}`); \
                 `aws configure list-profiles` lists the ones you have"
            )),
            Self::NoCredentials { profile } => Some(match profile {
                Some(p) => format!("run `aws sso login --profile {p}`, or `aws configure --profile {p}`"),
                None => "run `aws configure`, or `aws sso login --profile NAME` and pass `--profile NAME` \
                         (or set `AWS_PROFILE`)"
                    .into(),
            }),
            Self::Credentials { profile, .. } => Some(match profile {
                Some(p) => format!("refresh them, e.g. `aws sso login --profile {p}`"),
                None => "refresh them, e.g. `aws sso login`, or check `aws configure list`".into(),
            }),
            Self::Input(_) | Self::Partial { .. } | Self::Io(_) | Self::Quiet(_) => None,
        }
    }

    /// Details shown only with `-v`: the AWS operation and request ID.
    pub fn verbose_detail(&self) -> Option<String> {
        match self {
            Self::Aws(f) => Some(format!(
                "operation: {}:{} in {}; error code: {}; request id: {}",
                f.service,
                f.operation,
                f.region,
                f.code.as_deref().unwrap_or("-"),
                f.request_id.as_deref().unwrap_or("-")
            )),
            _ => None,
        }
    }

    /// The AWS error code, when this is an AWS failure.
    pub fn aws_code(&self) -> Option<&str> {
        match self {
            Self::Aws(f) => f.code.as_deref(),
            _ => None,
        }
    }
}

/// Budgets and Cost Anomaly Detection: AWS lets only the payer, or an
/// account with billing access, use them.
fn is_billing(f: &AwsFailure) -> bool {
    f.service == "budgets" || f.operation.contains("Anomaly")
}

/// The IAM action behind an operation: Budgets authorizes its reads with
/// `budgets:ViewBudget` and its writes with `budgets:ModifyBudget` (as
/// `aws::OPERATIONS` records); every other operation is its own action.
fn iam_action(f: &AwsFailure) -> String {
    match f.service {
        "budgets" if f.operation.starts_with("Describe") => "budgets:ViewBudget".to_owned(),
        "budgets" => "budgets:ModifyBudget".to_owned(),
        service => format!("{service}:{}", f.operation),
    }
}

fn aws_hint(f: &AwsFailure) -> Option<String> {
    match f.code.as_deref()? {
        "UnrecognizedClientException" | "InvalidClientTokenId" => Some(format!(
            "AWS does not accept these credentials in {}: the region may not be enabled for the account \
             (opt-in regions), or the access key is wrong",
            f.region
        )),
        "AccessDeniedException" | "AccessDenied" if is_billing(f) => Some(format!(
            "only the management (payer) account, or an account whose IAM users have been given access to \
             billing, can use {}: run aipctl there, or ask for billing access; the caller also needs `{}` \
             (`aipctl policy operator` prints every permission aipctl needs)",
            if f.service == "budgets" { "AWS Budgets" } else { "Cost Anomaly Detection" },
            iam_action(f)
        )),
        "AccessDeniedException" | "AccessDenied" => Some(format!(
            "the caller lacks `{}`; `aipctl policy operator` prints a policy with every permission aipctl needs",
            iam_action(f)
        )),
        _ if f.throttled => Some(
            "AWS kept throttling after every retry: lower `--concurrency` (e.g. `--concurrency 4`) or try again later"
                .into(),
        ),
        "ExpiredTokenException" | "ExpiredToken" => {
            Some("your credentials expired; refresh them (e.g. `aws sso login`)".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(Error::from(InputError::new("tag", "x", "y")).exit_code(), 2);
        assert_eq!(Error::usage("u").exit_code(), 2);
        assert_eq!(
            Error::Refused {
                message: "r".into(),
                hint: None
            }
            .exit_code(),
            3
        );
        assert_eq!(
            Error::Partial {
                failed: 1,
                total: 2,
                what: "deletions"
            }
            .exit_code(),
            1
        );
        assert_eq!(Error::Aws(Box::default()).exit_code(), 1);
        assert_eq!(Error::Quiet(EXIT_OVER_BUDGET).exit_code(), 6);
    }

    #[test]
    fn a_refused_budget_call_names_who_may_make_it_and_the_iam_action() {
        let denied = |service, operation| {
            Error::Aws(Box::new(AwsFailure {
                service,
                operation,
                code: Some("AccessDeniedException".into()),
                ..AwsFailure::default()
            }))
            .hint()
            .unwrap()
        };
        let view = denied("budgets", "DescribeBudgets");
        assert!(view.starts_with("only the management (payer) account"), "{view}");
        assert!(
            view.contains("AWS Budgets") && view.contains("`budgets:ViewBudget`"),
            "{view}"
        );
        assert!(denied("budgets", "CreateSubscriber").contains("`budgets:ModifyBudget`"));
        let anomaly = denied("ce", "CreateAnomalyMonitor");
        assert!(anomaly.contains("Cost Anomaly Detection") && anomaly.contains("`ce:CreateAnomalyMonitor`"));
        assert!(denied("ce", "GetCostAndUsage").starts_with("the caller lacks `ce:GetCostAndUsage`"));
    }
}

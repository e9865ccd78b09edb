//! The choices a cost report is made of: the metric, the granularity and the
//! second grouping (`--by`), with their Cost Explorer names. clap reads
//! their command-line spellings from the variant names.

use serde::{Deserialize, Serialize};

/// `--metric`: which Cost Explorer figure to sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum CostMetric {
    Unblended,
    Amortized,
    NetUnblended,
    Usage,
}

impl CostMetric {
    /// The `Metrics` name of `GetCostAndUsage`.
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Unblended => "UnblendedCost",
            Self::Amortized => "AmortizedCost",
            Self::NetUnblended => "NetUnblendedCost",
            Self::Usage => "UsageQuantity",
        }
    }

    /// The `Metric` of `GetCostForecast` (`UPPER_SNAKE` there); usage has none.
    pub fn forecast_name(self) -> Option<&'static str> {
        match self {
            Self::Unblended => Some("UNBLENDED_COST"),
            Self::Amortized => Some("AMORTIZED_COST"),
            Self::NetUnblended => Some("NET_UNBLENDED_COST"),
            Self::Usage => None,
        }
    }

    /// Whether amounts are money (USD) rather than usage quantities.
    pub fn is_money(self) -> bool {
        !matches!(self, Self::Usage)
    }
}

/// `--granularity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Granularity {
    Daily,
    Monthly,
}

impl Granularity {
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Daily => "DAILY",
            Self::Monthly => "MONTHLY",
        }
    }
}

/// `--by`: the second grouping, beside the tag key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Split {
    Service,
    Model,
    Region,
    Account,
    UsageType,
}

impl Split {
    /// The Cost Explorer grouping. `model` is the Bedrock product attribute.
    pub fn grouping(self) -> Grouping {
        match self {
            Self::Service => Grouping::Dimension("SERVICE".into()),
            Self::Model => Grouping::ProductAttribute("model".into()),
            Self::Region => Grouping::Dimension("REGION".into()),
            Self::Account => Grouping::Dimension("LINKED_ACCOUNT".into()),
            Self::UsageType => Grouping::Dimension("USAGE_TYPE".into()),
        }
    }

    /// The column title.
    pub fn label(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Model => "model",
            Self::Region => "region",
            Self::Account => "account",
            Self::UsageType => "usage type",
        }
    }
}

/// One `GroupBy` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grouping {
    Tag(String),
    Dimension(String),
    ProductAttribute(String),
}

//! The billing side of coverage (`coverage --billed`): how much of the
//! Bedrock spend Cost Explorer puts under the cost tag, per period, from the
//! same report `aipctl cost` reads (grouped by the tag key, Bedrock's billing
//! services only).
//!
//! Since April 2026 Bedrock also passes the calling IAM principal to billing,
//! and the principal's tags can be activated as cost-allocation tags
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/cost-mgmt-iam-principal-tracking.html>);
//! Cost Explorer lists them under the prefix [`PRINCIPAL_PREFIX`]. Spend
//! without the resource tag but with an active principal tag is attributed
//! that way, so it counts as attributed here.

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::domain::cost::{CostTable, CostTag, TagStatus, share_percent};

/// The key prefix of IAM principal (caller) tags among cost-allocation tags.
pub const PRINCIPAL_PREFIX: &str = "iamPrincipal/";

/// The active cost-allocation keys that carry IAM principal tags.
pub fn principal_keys(tags: &[CostTag]) -> Vec<&str> {
    tags.iter()
        .filter(|t| t.status == TagStatus::Active && t.key.starts_with(PRINCIPAL_PREFIX))
        .map(|t| t.key.as_str())
        .collect()
}

/// The principal key whose values count as attributed: the principal twin
/// of `key` (`iamPrincipal/Department`) when it is active, else the first
/// active principal key; `None` when IAM-principal cost allocation is off.
pub fn principal_key(tags: &[CostTag], key: &str) -> Option<String> {
    let active = principal_keys(tags);
    let twin = format!("{PRINCIPAL_PREFIX}{key}");
    if active.contains(&twin.as_str()) {
        return Some(twin);
    }
    active.first().map(|k| (*k).to_owned())
}

/// One period of billed Bedrock spend, split by how it is attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BilledPeriod {
    pub start: Date,
    pub end_exclusive: Date,
    /// Billing for the period is not final.
    pub estimated: bool,
    /// Spend with a value of the cost tag (the resource's tag).
    pub tagged: Decimal,
    /// Spend without the cost tag, attributed by an IAM principal tag.
    pub by_principal: Decimal,
    /// Spend attributed neither way (credits and refunds without the tag included, as in `cost`).
    pub untagged: Decimal,
}

impl BilledPeriod {
    pub fn total(&self) -> Decimal {
        self.tagged + self.by_principal + self.untagged
    }

    pub fn attributed(&self) -> Decimal {
        self.tagged + self.by_principal
    }

    /// The attributed share in percent, one decimal; `None` without spend.
    pub fn share(&self) -> Option<Decimal> {
        share_percent(self.attributed(), self.total())
    }
}

/// Each period of `table` (spend by the cost tag) split into tagged and
/// untagged spend; with `principal` (the untagged spend grouped by a
/// principal key, over the same periods), the part of the untagged spend a
/// principal tag attributes.
pub fn periods(table: &CostTable, principal: Option<&CostTable>) -> Vec<BilledPeriod> {
    table
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let tagged: Decimal = table
                .rows
                .iter()
                .filter(|r| r.value.is_some())
                .map(|r| r.amounts[i])
                .sum();
            let untagged: Decimal = table
                .rows
                .iter()
                .filter(|r| r.value.is_none())
                .map(|r| r.amounts[i])
                .sum();
            let by_principal: Decimal = principal
                .and_then(|t| {
                    let j = t.periods.iter().position(|q| q.start == p.start)?;
                    Some(
                        t.rows
                            .iter()
                            .filter(|r| r.value.is_some())
                            .map(|r| r.amounts[j])
                            .sum(),
                    )
                })
                .unwrap_or_default();
            BilledPeriod {
                start: p.start,
                end_exclusive: p.end_exclusive,
                estimated: p.estimated,
                tagged,
                by_principal,
                untagged: untagged - by_principal,
            }
        })
        .collect()
}

/// All periods as one (`None` for no period).
pub fn overall(periods: &[BilledPeriod]) -> Option<BilledPeriod> {
    let first = periods.first()?;
    let last = periods.last()?;
    Some(BilledPeriod {
        start: first.start,
        end_exclusive: last.end_exclusive,
        estimated: periods.iter().any(|p| p.estimated),
        tagged: periods.iter().map(|p| p.tagged).sum(),
        by_principal: periods.iter().map(|p| p.by_principal).sum(),
        untagged: periods.iter().map(|p| p.untagged).sum(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cost::{CostRow, Period};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn table(rows: &[(Option<&str>, &[&str])]) -> CostTable {
        let periods = vec![
            Period {
                start: d("2026-10-23"),
                end_exclusive: d("2026-11-01"),
                estimated: false,
            },
            Period {
                start: d("2026-11-01"),
                end_exclusive: d("2026-11-23"),
                estimated: true,
            },
        ];
        let rows: Vec<CostRow> = rows
            .iter()
            .map(|(v, a)| CostRow {
                value: v.map(str::to_owned),
                group: None,
                amounts: a.iter().map(|x| dec(x)).collect(),
                total: a.iter().map(|x| dec(x)).sum(),
            })
            .collect();
        CostTable {
            period_totals: vec![],
            total: Decimal::ZERO,
            unit: "USD".into(),
            periods,
            rows,
        }
    }

    fn tag(key: &str, status: TagStatus) -> CostTag {
        CostTag {
            key: key.into(),
            kind: "UserDefined".into(),
            status,
            last_updated: None,
            last_used: None,
        }
    }

    #[test]
    fn periods_split_tagged_principal_and_untagged_spend_exactly() {
        let by_tag = table(&[
            (Some("Search"), &["10.50", "20"]),
            (Some("Legal"), &["1.25", "0"]),
            (None, &["4.25", "8"]),
        ]);
        let principal = table(&[(Some("Support"), &["0", "3.5"]), (None, &["4.25", "4.5"])]);
        let p = periods(&by_tag, Some(&principal));
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].tagged, p[0].by_principal, p[0].untagged),
            (dec("11.75"), dec("0"), dec("4.25"))
        );
        assert_eq!(
            (p[1].tagged, p[1].by_principal, p[1].untagged),
            (dec("20"), dec("3.5"), dec("4.5"))
        );
        assert_eq!(p[0].share(), Some(dec("73.4")), "11.75 of 16.00");
        assert_eq!(p[1].share(), Some(dec("83.9")), "23.5 of 28");
        assert!(p[1].estimated && !p[0].estimated);
        let all = overall(&p).unwrap();
        assert_eq!(all.total(), dec("44.00"));
        assert_eq!(all.attributed(), dec("35.25"));
        assert_eq!((all.start, all.end_exclusive), (d("2026-10-23"), d("2026-11-23")));
        let without = periods(&by_tag, None);
        assert_eq!(without[1].untagged, dec("8"));
        assert_eq!(without[1].by_principal, Decimal::ZERO);
        assert_eq!(overall(&[]), None);
    }

    #[test]
    fn a_period_without_spend_has_no_share() {
        let empty = table(&[(None, &["0", "0"])]);
        assert_eq!(periods(&empty, None)[0].share(), None);
    }

    #[test]
    fn the_principal_twin_of_the_key_wins_then_any_active_principal_key() {
        let tags = [
            tag("Department", TagStatus::Active),
            tag("iamPrincipal/Team", TagStatus::Active),
            tag("iamPrincipal/Department", TagStatus::Active),
            tag("iamPrincipal/Owner", TagStatus::Inactive),
        ];
        assert_eq!(
            principal_key(&tags, "Department").as_deref(),
            Some("iamPrincipal/Department")
        );
        assert_eq!(
            principal_key(&tags, "CostCenter").as_deref(),
            Some("iamPrincipal/Team")
        );
        assert_eq!(
            principal_keys(&tags),
            ["iamPrincipal/Team", "iamPrincipal/Department"]
        );
        assert_eq!(principal_key(&tags[..1], "Department"), None);
        assert_eq!(principal_key(&tags[3..], "Department"), None, "inactive is off");
    }
}

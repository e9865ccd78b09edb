//! Which profiles `prune` may delete, and the plan file it writes.
//!
//! A profile is idle when neither `Invocations` nor `InputTokenCount` has a
//! non-zero datapoint on any UTC day of the idle window (`--idle 30d`: the 30
//! days before today, and today). Traffic is judged by UTC day, so the answer
//! does not depend on the hour `prune` runs. Missing datapoints count as
//! zero only for profiles older than `--min-age` (default: the idle window),
//! so a new profile is never idle by missing data alone. `aipctl:protect=true`
//! is never pruned. With marks, a profile is tagged `aipctl:idle-since=DATE`
//! first and deleted only after the grace period, if still idle.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::domain::InputError;
use crate::domain::profile::{BedrockArn, Profile};
use crate::domain::tag::Tags;
use crate::domain::window::{Span, Window, utc_date};

pub const IDLE_SINCE_TAG: &str = "aipctl:idle-since";
pub const PLAN_KIND: &str = "aipctl-prune-plan";
pub const PLAN_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Criteria {
    pub idle: Span,
    pub min_age: SignedDuration,
    /// `Some` when deleting only profiles marked at least this long ago.
    pub grace: Option<SignedDuration>,
    /// Tag candidates instead of deleting them.
    pub mark: bool,
}

/// What to do with one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Delete,
    Mark,
    /// Remove the idle mark: the profile has traffic again.
    Unmark,
    /// Marked, idle, grace period not over.
    InGrace,
    /// Idle and already marked; `--mark` has nothing to add.
    Marked,
    /// Idle but not marked yet, while `--grace` asks for marked ones.
    MarkFirst,
    Protected,
    TooNew,
    Keep,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delete => "delete",
            Self::Mark => "mark",
            Self::Unmark => "unmark",
            Self::InGrace => "in-grace",
            Self::Marked => "marked",
            Self::MarkFirst => "mark-first",
            Self::Protected => "protected",
            Self::TooNew => "too-new",
            Self::Keep => "keep",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub action: Action,
    pub reason: String,
    /// The UTC day of the last traffic seen.
    pub last_traffic: Option<Date>,
}

/// The UTC day of the latest non-zero `Invocations` or `InputTokenCount`
/// datapoint (daily buckets start at midnight, so a bucket's start is its day).
pub fn last_traffic(series: &[&[(i64, f64)]]) -> Option<Date> {
    series
        .iter()
        .flat_map(|s| s.iter())
        .filter(|(_, v)| *v > 0.0)
        .map(|(t, _)| *t)
        .max()
        .and_then(|t| Timestamp::from_second(t).ok())
        .map(utc_date)
}

fn days(d: SignedDuration) -> i64 {
    d.as_secs() / 86_400
}

/// The first UTC day of the idle window at `now`: traffic on or after it
/// keeps a profile.
pub fn idle_since(idle: Span, now: Timestamp) -> Date {
    Window::since(idle, now).first_day()
}

/// Decides one profile's action at `now` from the UTC day of its last traffic.
pub fn assess(p: &Profile, last: Option<Date>, now: Timestamp, c: &Criteria) -> Assessment {
    let idle_start = idle_since(c.idle, now);
    let idle = last.is_none_or(|d| d < idle_start);
    let marked: Option<Date> = p.tags.get(IDLE_SINCE_TAG).and_then(|d| d.parse().ok());
    let out = |action, reason: String| Assessment {
        action,
        reason,
        last_traffic: last,
    };
    if !idle {
        return if marked.is_some() && (c.mark || c.grace.is_some()) {
            out(Action::Unmark, "has traffic again; the idle mark goes".into())
        } else {
            out(Action::Keep, "has traffic in the window".into())
        };
    }
    let no_traffic = match last {
        Some(d) => format!("no traffic since {d}"),
        None => format!("no traffic since {idle_start}"),
    };
    if p.tags.is_protected() {
        return out(
            Action::Protected,
            format!("{no_traffic}, but tagged aipctl:protect=true"),
        );
    }
    match p.created_at {
        None => {
            return out(
                Action::TooNew,
                "creation time unknown; not judged idle by missing data".into(),
            );
        }
        Some(created) if created > now - c.min_age => {
            return out(
                Action::TooNew,
                format!(
                    "created {}d ago, younger than --min-age {}d",
                    days(now.duration_since(created)),
                    days(c.min_age)
                ),
            );
        }
        Some(_) => {}
    }
    match (c.grace, marked) {
        (Some(grace), Some(since)) => {
            let since_ts = since
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map_or(now, |z| z.timestamp());
            if since_ts <= now - grace {
                out(
                    Action::Delete,
                    format!(
                        "{no_traffic}; marked idle on {since}, grace of {}d over",
                        days(grace)
                    ),
                )
            } else {
                out(
                    Action::InGrace,
                    format!(
                        "{no_traffic}; marked idle on {since}, grace of {}d not over",
                        days(grace)
                    ),
                )
            }
        }
        (Some(_), None) => out(
            Action::MarkFirst,
            format!("{no_traffic}; not marked yet (run `aipctl prune --mark`)"),
        ),
        (None, Some(since)) if c.mark => out(
            Action::Marked,
            format!("{no_traffic}; already marked idle on {since}"),
        ),
        (None, _) if c.mark => out(Action::Mark, no_traffic),
        (None, _) => out(Action::Delete, no_traffic),
    }
}

/// A saved plan: exactly the profiles to delete, with the tags they had, so
/// `--from-plan` can tell a profile that changed since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedPrunePlan {
    pub kind: String,
    pub version: u32,
    pub created_at: String,
    pub account: Option<String>,
    pub regions: Vec<String>,
    pub idle_seconds: i64,
    pub profiles: Vec<PlannedProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedProfile {
    pub arn: String,
    pub name: String,
    pub region: String,
    pub tags: Tags,
}

impl SavedPrunePlan {
    pub fn new(profiles: &[&Profile], regions: &[String], idle: Span, now: Timestamp) -> Self {
        Self {
            kind: PLAN_KIND.into(),
            version: PLAN_VERSION,
            created_at: now.to_string(),
            account: profiles
                .iter()
                .find_map(|p| BedrockArn::parse(&p.arn).map(|a| a.account)),
            regions: regions.to_vec(),
            idle_seconds: idle.duration().as_secs(),
            profiles: profiles
                .iter()
                .map(|p| PlannedProfile {
                    arn: p.arn.to_string(),
                    name: p.name.clone(),
                    region: p.region.to_string(),
                    tags: p.tags.clone(),
                })
                .collect(),
        }
    }

    /// The idle window the plan was made with (whole days when it was).
    pub fn idle_span(&self) -> Span {
        let hours = u32::try_from(self.idle_seconds / 3_600).unwrap_or(u32::MAX);
        if self.idle_seconds % 86_400 == 0 {
            Span::Days(hours / 24)
        } else {
            Span::Hours(hours.max(1))
        }
    }

    /// Parses and checks a plan file: aipctl's kind and version, ARNs that
    /// belong to one account and to the regions listed.
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let bad = |why: &str| InputError::new("plan file", "", why);
        let plan: Self =
            serde_json::from_str(text).map_err(|e| bad(&format!("is not an aipctl prune plan: {e}")))?;
        if plan.kind != PLAN_KIND {
            return Err(bad(&format!("is a `{}`, not an `{PLAN_KIND}`", plan.kind)));
        }
        if plan.version != PLAN_VERSION {
            return Err(bad(&format!(
                "has version {}; this aipctl reads version {PLAN_VERSION}",
                plan.version
            )));
        }
        if plan.idle_seconds <= 0 {
            return Err(bad("has no idle window"));
        }
        for p in &plan.profiles {
            let arn = BedrockArn::parse(&p.arn)
                .filter(|a| a.resource_type == crate::domain::profile::APPLICATION_PROFILE);
            let Some(arn) = arn else {
                return Err(bad(&format!(
                    "lists `{}`, which is not an application profile ARN",
                    p.arn
                )));
            };
            if arn.region != p.region || !plan.regions.contains(&p.region) {
                return Err(bad(&format!("lists `{}` outside the plan's regions", p.arn)));
            }
            if plan.account.as_deref().is_some_and(|a| a != arn.account) {
                return Err(bad(&format!(
                    "mixes accounts: `{}` is not in account {}",
                    p.arn,
                    plan.account.as_deref().unwrap_or("")
                )));
            }
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn now() -> Timestamp {
        "2026-11-22T12:00:00Z".parse().unwrap()
    }

    fn profile(age_days: i64, tags: &[(&str, &str)]) -> Profile {
        Profile {
            created_at: Some(now() - SignedDuration::from_secs(age_days * DAY)),
            ..crate::domain::profile::test_profile("p", "abcdefabcdef", tags)
        }
    }

    fn criteria() -> Criteria {
        Criteria {
            idle: Span::Days(30),
            min_age: SignedDuration::from_hours(30 * 24),
            grace: None,
            mark: false,
        }
    }

    fn ago(d: i64) -> Date {
        utc_date(now() - SignedDuration::from_secs(d * DAY))
    }

    #[test]
    fn old_silent_profiles_are_deleted_and_everything_else_kept() {
        let c = criteria();
        assert_eq!(assess(&profile(90, &[]), None, now(), &c).action, Action::Delete);
        assert_eq!(
            assess(&profile(90, &[]), Some(ago(40)), now(), &c).action,
            Action::Delete
        );
        assert_eq!(
            assess(&profile(90, &[]), Some(ago(10)), now(), &c).action,
            Action::Keep
        );
        assert_eq!(
            assess(&profile(5, &[]), None, now(), &c).action,
            Action::TooNew,
            "new profiles are not idle by missing data"
        );
        assert_eq!(
            assess(&profile(90, &[("aipctl:protect", "true")]), None, now(), &c).action,
            Action::Protected
        );
        let mut unknown = profile(90, &[]);
        unknown.created_at = None;
        assert_eq!(assess(&unknown, None, now(), &c).action, Action::TooNew);
    }

    #[test]
    fn marks_and_grace_make_a_two_step_deletion() {
        let mark = Criteria {
            mark: true,
            ..criteria()
        };
        assert_eq!(assess(&profile(90, &[]), None, now(), &mark).action, Action::Mark);
        assert_eq!(
            assess(
                &profile(90, &[(IDLE_SINCE_TAG, "2026-11-01")]),
                None,
                now(),
                &mark
            )
            .action,
            Action::Marked
        );
        let grace = Criteria {
            grace: Some(SignedDuration::from_hours(14 * 24)),
            ..criteria()
        };
        assert_eq!(
            assess(
                &profile(90, &[(IDLE_SINCE_TAG, "2026-11-01")]),
                None,
                now(),
                &grace
            )
            .action,
            Action::Delete
        );
        assert_eq!(
            assess(
                &profile(90, &[(IDLE_SINCE_TAG, "2026-11-20")]),
                None,
                now(),
                &grace
            )
            .action,
            Action::InGrace
        );
        assert_eq!(
            assess(&profile(90, &[]), None, now(), &grace).action,
            Action::MarkFirst
        );
        assert_eq!(
            assess(
                &profile(90, &[(IDLE_SINCE_TAG, "2026-11-01")]),
                Some(ago(1)),
                now(),
                &grace
            )
            .action,
            Action::Unmark
        );
    }

    #[test]
    fn last_traffic_is_the_day_of_the_latest_busy_bucket() {
        let inv = [(100 * DAY, 0.0), (101 * DAY, 3.0)];
        let tokens = [(102 * DAY, 0.0)];
        assert_eq!(
            last_traffic(&[&inv, &tokens]),
            Timestamp::from_second(101 * DAY).ok().map(utc_date)
        );
        assert_eq!(last_traffic(&[&[(5, 0.0)]]), None);
    }

    #[test]
    fn the_idle_window_is_whole_utc_days_whatever_the_hour() {
        let c = criteria();
        for hour in ["00:05", "12:59", "13:00", "23:55"] {
            let now: Timestamp = format!("2026-11-22T{hour}:00Z").parse().unwrap();
            let p = Profile {
                created_at: Some(now - SignedDuration::from_hours(90 * 24)),
                ..crate::domain::profile::test_profile("p", "abcdefabcdef", &[])
            };
            let day = |s: &str| Some(s.parse::<Date>().unwrap());
            // The window is 2026-10-23 (30 days before today) to now.
            assert_eq!(idle_since(c.idle, now).to_string(), "2026-10-23", "at {hour}");
            assert_eq!(
                assess(&p, day("2026-10-23"), now, &c).action,
                Action::Keep,
                "at {hour}"
            );
            assert_eq!(
                assess(&p, day("2026-10-22"), now, &c).action,
                Action::Delete,
                "at {hour}"
            );
            assert_eq!(
                assess(&p, day("2026-10-22"), now, &c).reason,
                "no traffic since 2026-10-22",
                "at {hour}"
            );
        }
    }

    #[test]
    fn plan_files_are_checked_before_use() {
        let p = profile(90, &[]);
        let plan = SavedPrunePlan::new(&[&p], &["us-east-1".into()], Span::Days(30), now());
        let text = serde_json::to_string(&plan).unwrap();
        assert_eq!(SavedPrunePlan::parse(&text).unwrap(), plan);
        assert!(
            SavedPrunePlan::parse("{}")
                .unwrap_err()
                .rule
                .contains("not an aipctl prune plan")
        );
        assert!(
            SavedPrunePlan::parse(&text.replace(PLAN_KIND, "other"))
                .unwrap_err()
                .rule
                .contains("not an")
        );
        assert!(
            SavedPrunePlan::parse(
                &text.replace("\"regions\":[\"us-east-1\"]", "\"regions\":[\"eu-west-1\"]")
            )
            .unwrap_err()
            .rule
            .contains("outside")
        );
        assert!(
            SavedPrunePlan::parse(&text.replace("\"version\":1", "\"version\":9"))
                .unwrap_err()
                .rule
                .contains("version 9")
        );
    }
}

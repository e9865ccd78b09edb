//! `aipctl describe PROFILE`: one profile with routed regions, tags, the
//! recorded source and the ARNs an invoker needs; with `--usage`, its last
//! 30 days of tokens, their estimated cost and the prompt-cache savings.

use jiff::Timestamp;

use super::shared::metrics::usage_of;
use super::shared::prices::price_profiles;
use super::shared::select::resolve_in_fleet;
use super::shared::session::connect_fleet;
use crate::cli::{DescribeArgs, GlobalArgs};
use crate::domain::window::{Span, Window};
use crate::error::Result;
use crate::output::Output;
use crate::output::price::RowMoney;
use crate::output::profiles::ProfileCard;

pub async fn run(args: DescribeArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    let (_, regions, mut fleet) = connect_fleet(g, out).await?;
    // A member that cannot be entered may hold the profile: say so rather than "not found".
    fleet.enter().await?;
    fleet.take_failures().finish()?;
    let profile = resolve_in_fleet(&fleet, &regions, &args.profile).await?;
    let mut money = None;
    let mut price_failure = None;
    let usage = if args.usage {
        let window = Window::since(Span::Days(30), now);
        let aws = &fleet.member_of(&profile).aws;
        let one = std::slice::from_ref(&profile);
        let (usages, _) = usage_of(aws, one, &window).await?;
        if !args.no_prices {
            match price_profiles(aws, one, &usages, false, now, out).await {
                Ok(p) => money = p.estimates.first().map(RowMoney::of_profile),
                Err(e) => {
                    out.warn(&format!("no estimated cost: {e} (`--no-prices` leaves it out)"));
                    price_failure = Some(e);
                }
            }
        }
        usages.into_iter().next()
    } else {
        None
    };
    out.data(&ProfileCard {
        profile: &profile,
        usage: usage.as_ref(),
        money: money.as_ref(),
    })?;
    price_failure.map_or(Ok(()), Err)
}

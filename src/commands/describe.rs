//! `aipctl describe PROFILE`: one profile with routed regions, tags, the
//! recorded source and the ARNs an invoker needs.

use jiff::Timestamp;

use super::shared::metrics::usage_of;
use super::shared::select::resolve_in_fleet;
use super::shared::session::connect_fleet;
use crate::cli::{DescribeArgs, GlobalArgs};
use crate::domain::window::{Span, Window};
use crate::error::Result;
use crate::output::Output;
use crate::output::profiles::ProfileCard;

pub async fn run(args: DescribeArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    let (_, regions, mut fleet) = connect_fleet(g, out).await?;
    // A member that cannot be entered may hold the profile: say so rather than "not found".
    fleet.take_failures().finish()?;
    let profile = resolve_in_fleet(&fleet, &regions, &args.profile).await?;
    let usage = if args.usage {
        let window = Window::since(Span::Days(30), now);
        let aws = &fleet.member_of(&profile).aws;
        let (mut usages, _) = usage_of(aws, std::slice::from_ref(&profile), &window).await?;
        usages.pop()
    } else {
        None
    };
    out.data(&ProfileCard {
        profile: &profile,
        usage: usage.as_ref(),
    })
}

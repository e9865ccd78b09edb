//! `aipctl describe PROFILE`: one profile with routed regions, tags, the
//! recorded source and the ARNs an invoker needs.

use jiff::Timestamp;

use super::shared::metrics::usage_of;
use super::shared::select::resolve;
use super::shared::session::connect;
use crate::cli::{DescribeArgs, GlobalArgs};
use crate::domain::window::{Span, Window};
use crate::error::Result;
use crate::output::Output;
use crate::output::profiles::ProfileCard;

pub async fn run(args: DescribeArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    let (aws, regions) = connect(g).await?;
    let profile = resolve(&aws, &regions, &args.profile).await?;
    let usage = if args.usage {
        let window = Window::since(Span::Days(30), now);
        let (mut usages, _) = usage_of(&aws, std::slice::from_ref(&profile), &window).await?;
        usages.pop()
    } else {
        None
    };
    out.data(&ProfileCard {
        profile: &profile,
        usage: usage.as_ref(),
    })
}

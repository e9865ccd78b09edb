//! `aipctl describe PROFILE`: one profile with routed regions, tags, the
//! recorded source and the ARNs an invoker needs.

use super::{connect, resolve};
use crate::cli::{DescribeArgs, GlobalArgs};
use crate::error::Result;
use crate::output::Output;
use crate::output::profiles::ProfileCard;

pub async fn run(args: DescribeArgs, g: &GlobalArgs, out: &mut Output) -> Result<()> {
    let (aws, regions) = connect(g).await?;
    let profile = resolve(&aws, &regions, &args.profile).await?;
    out.data(&ProfileCard { profile: &profile })
}

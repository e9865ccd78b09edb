//! `aipctl models`: the foundation models each region offers, whether on
//! demand or only through cross-region profiles, and the system profiles
//! (with their routed regions) that serve them: the lookup to make before
//! choosing `--model` for `create` or a spec.

use futures::{StreamExt, TryStreamExt, stream};

use super::shared::session::connect;
use crate::cli::{GlobalArgs, ModelsArgs};
use crate::domain::model::{self, Availability};
use crate::error::Result;
use crate::output::Output;
use crate::output::profiles::ModelsView;

pub async fn run(args: ModelsArgs, g: &GlobalArgs, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "models")?;
    let (aws, regions) = connect(g).await?;
    out.stage("listing models");
    let provider = args.provider.as_deref();
    let per_region: Vec<Vec<Availability>> = stream::iter(regions.iter().map(|r| {
        let b = aws.bedrock(r);
        async move {
            let (models, profiles) = tokio::try_join!(b.foundation_models(provider), b.system_profiles())?;
            Ok::<_, crate::error::Error>(model::availability(r, &models, &profiles, provider))
        }
    }))
    .buffered(regions.len().max(1))
    .try_collect()
    .await?;
    let rows: Vec<Availability> = per_region.into_iter().flatten().collect();
    if rows.is_empty() {
        out.note(&match provider {
            Some(p) => format!(
                "no model of provider `{p}` in {}",
                super::shared::select::region_list(&regions)
            ),
            None => format!(
                "no foundation model listed in {}",
                super::shared::select::region_list(&regions)
            ),
        });
        return Ok(());
    }
    out.data(&ModelsView(&rows))
}

//! `aipctl prices [--model M]`: the AWS Price List's four token prices
//! (input, output, prompt-cache read and write) per model, region and scope,
//! with the offer each came from. The same catalog prices `usage`,
//! `describe --usage` and `cost --reconcile`.

use jiff::Timestamp;

use super::shared::prices::{catalog, price_list};
use super::shared::select::region_list;
use super::shared::session::connect;
use crate::aws::Aws;
use crate::cli::{GlobalArgs, PricesArgs};
use crate::domain::price::{ModelPrices, ModelQuery, model_key};
use crate::domain::region::Region;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::output::price::PricesView;

pub async fn run(args: PricesArgs, g: &GlobalArgs, now: Timestamp, out: &mut Output) -> Result<()> {
    super::shared::session::single_account(g, "prices")?;
    let (aws, regions) = connect(g).await?;
    let wanted = match &args.model {
        Some(q @ ModelQuery::Model(_)) => Some(model_name(&aws, &regions, q).await?),
        Some(ModelQuery::Name(words)) => Some(words.clone()),
        None => None,
    };
    let list = price_list(&aws, args.no_cache, now);
    let (catalog, source) = catalog(&list, &regions, out).await?;
    let keep = |m: &ModelPrices| match &args.model {
        None => true,
        Some(ModelQuery::Model(_)) => wanted
            .as_deref()
            .is_some_and(|w| model_key(w) == model_key(&m.model)),
        Some(q @ ModelQuery::Name(_)) => q.matches_name(&m.model),
    };
    let mut rows: Vec<ModelPrices> = catalog.models().iter().filter(|m| keep(m)).cloned().collect();
    // The order of the regions asked for, then model and scope.
    rows.sort_by_key(|m| {
        (
            regions.iter().position(|r| r.as_str() == m.region),
            m.model.clone(),
            m.scope,
            m.offer,
        )
    });
    out.data(&PricesView::new(
        rows,
        source,
        regions.iter().map(ToString::to_string).collect(),
        wanted,
    ))
}

/// The `modelName` of the model a `--model` ID or ARN names, from the first
/// region that has it.
async fn model_name(aws: &Aws, regions: &[Region], q: &ModelQuery) -> Result<String> {
    let id = q.model_id().unwrap_or_default();
    for r in regions {
        if let Some(m) = aws.bedrock(r).foundation_model(&id).await?
            && !m.name.is_empty()
        {
            return Ok(m.name);
        }
    }
    Err(Error::NotFound {
        message: format!("no foundation model `{id}` in {}", region_list(regions)),
        hint: Some(
            "`aipctl models` lists the models of a region; `--model` also takes words of a name".into(),
        ),
    })
}

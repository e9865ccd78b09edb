//! Metering of the paid API: an interceptor on the Cost Explorer client
//! counts every attempt that reached AWS, by operation, into the counts the
//! gateway turns into a `domain::cost::PaidRequests`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_costexplorer::config::interceptors::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_costexplorer::config::{ConfigBag, Intercept, RuntimeComponents};

pub type Counts = Arc<Mutex<BTreeMap<String, usize>>>;

pub fn bump(counts: &Mutex<BTreeMap<String, usize>>, operation: &str) {
    *counts
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(operation.to_owned())
        .or_default() += 1;
}

/// Counts every attempt that reached Cost Explorer (an answer came back,
/// error or not), by operation, from the `X-Amz-Target:
/// AWSInsightsIndexService.<Operation>` header. A connection that never got
/// through is not a paid request.
#[derive(Debug)]
pub struct CountAttempts(pub Counts);

/// The operation of the attempt in flight, between sending and the answer.
#[derive(Debug, Clone)]
struct AttemptOperation(String);

impl aws_smithy_types::config_bag::Storable for AttemptOperation {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

impl Intercept for CountAttempts {
    fn name(&self) -> &'static str {
        "aipctl.CountPaidAttempts"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let operation = context
            .request()
            .headers()
            .get("x-amz-target")
            .and_then(|t| t.rsplit_once('.'))
            .map_or("unknown", |(_, op)| op);
        cfg.interceptor_state()
            .store_put(AttemptOperation(operation.to_owned()));
        Ok(())
    }

    fn read_before_deserialization(
        &self,
        _context: &BeforeDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let operation = cfg
            .load::<AttemptOperation>()
            .map_or("unknown", |o| o.0.as_str())
            .to_owned();
        bump(&self.0, &operation);
        Ok(())
    }
}

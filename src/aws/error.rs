//! Turns SDK errors into [`Error::Aws`] with the operation, region, AWS error
//! code, message and request ID, so `-v` can show them, and says what
//! happened in one line: throttled how many times, which endpoint could not
//! be reached. No `Debug` text of an SDK value reaches the user.
//!
//! Also the two hooks every client carries: [`CallLog`], an interceptor that
//! remembers how many attempts a failed operation took (read back here to say
//! "throttled 8 times"), and [`FinalConnectErrors`], a retry classifier that
//! stops retrying a refused connection or an unknown host, which no backoff
//! will fix.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use aws_sdk_bedrock::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_bedrock::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_bedrock::operation::RequestId;
use aws_smithy_runtime_api::client::interceptors::context::{
    FinalizerInterceptorContextRef, InterceptorContext,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};

use crate::error::{AwsFailure, Error};

/// Error codes AWS uses for throttling (the SDK's list, as in
/// `aws-runtime`'s retry classifiers).
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
];

pub fn is_throttling(code: &str) -> bool {
    THROTTLING_CODES.contains(&code)
}

/// Attempts of failed operations by request ID; entries are taken when read.
static ATTEMPTS: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);

fn remember_attempts(request_id: &str, attempts: u32) {
    let mut map = ATTEMPTS.lock().unwrap_or_else(PoisonError::into_inner);
    let map = map.get_or_insert_with(HashMap::new);
    if map.len() > 10_000 {
        map.clear();
    }
    map.insert(request_id.to_owned(), attempts);
}

fn attempts_of(request_id: Option<&str>) -> Option<u32> {
    let id = request_id?;
    ATTEMPTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_mut()?
        .remove(id)
}

/// One line per AWS call for `-v` (service, operation, region, status,
/// attempts, milliseconds, request ID), and, for a failed call, how many
/// attempts it took, remembered by its request ID.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallLog;

/// AWS calls answered (or given up on) in this process, for the activity line.
static CALLS_DONE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many AWS calls this process has finished so far.
pub fn calls_done() -> usize {
    CALLS_DONE.load(std::sync::atomic::Ordering::Relaxed)
}

/// When the call began.
#[derive(Debug, Clone, Copy)]
struct Started(std::time::Instant);

impl aws_smithy_types::config_bag::Storable for Started {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "aipctl.CallLog"
    }

    fn read_before_execution(
        &self,
        _context: &aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        cfg.interceptor_state()
            .store_put(Started(std::time::Instant::now()));
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        CALLS_DONE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let attempts = cfg.load::<RequestAttempts>().map_or(1, RequestAttempts::attempts);
        let response = context.response();
        let id = response.and_then(|r| {
            r.headers()
                .get("x-amzn-requestid")
                .or_else(|| r.headers().get("x-amz-request-id"))
        });
        let failed = context.output_or_error().is_some_and(|r| r.is_err());
        if failed && let Some(id) = id {
            remember_attempts(id, attempts);
        }
        let metadata = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>();
        let region = cfg
            .load::<aws_types::region::Region>()
            .map_or("-", |r| r.as_ref());
        let status = response.map_or_else(|| "no answer".to_owned(), |r| r.status().as_u16().to_string());
        let ms = cfg.load::<Started>().map_or(0, |s| s.0.elapsed().as_millis());
        tracing::info!(
            target: "aipctl::aws",
            "aws: {} {} {region} {status} {attempts} attempt{} {ms} ms {}",
            metadata.map_or("-", |m| m.service()),
            metadata.map_or("-", |m| m.name()),
            if attempts == 1 { "" } else { "s" },
            id.unwrap_or("-"),
        );
        Ok(())
    }
}

/// A refused connection, a host that does not resolve and an unreachable
/// network or host are not retried: the endpoint is wrong or cut off, and
/// eight attempts with backoff would only make the user wait before the same
/// one line. A connect timeout is retried: a busy endpoint (or a lost SYN)
/// answers the next attempt.
#[derive(Debug, Clone, Copy, Default)]
pub struct FinalConnectErrors;

impl ClassifyRetry for FinalConnectErrors {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(err)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let Some(connector) = err.as_connector_error() else {
            return RetryAction::NoActionIndicated;
        };
        if is_final(connect_problem(connector)) {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "aipctl.FinalConnectErrors"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// Whether a connection problem ends the call at once (see [`FinalConnectErrors`]).
fn is_final(problem: Option<ConnectProblem>) -> bool {
    matches!(
        problem,
        Some(ConnectProblem::Refused | ConnectProblem::UnknownHost | ConnectProblem::Unreachable)
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConnectProblem {
    Refused,
    UnknownHost,
    Unreachable,
    TimedOut,
    Other,
}

/// What went wrong connecting, from the error's source chain.
fn connect_problem(err: &(dyn std::error::Error + 'static)) -> Option<ConnectProblem> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut texts = String::new();
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Some(ConnectProblem::Refused),
                std::io::ErrorKind::TimedOut => return Some(ConnectProblem::TimedOut),
                std::io::ErrorKind::NetworkUnreachable | std::io::ErrorKind::HostUnreachable => {
                    return Some(ConnectProblem::Unreachable);
                }
                _ => {}
            }
        }
        texts.push_str(&e.to_string().to_lowercase());
        texts.push('\n');
        cur = e.source();
    }
    if texts.contains("dns error") || texts.contains("failed to lookup address") {
        return Some(ConnectProblem::UnknownHost);
    }
    (!texts.is_empty()).then_some(ConnectProblem::Other)
}

/// The chain of an error's messages, `Display` only, deduplicated.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = e.source();
    }
    parts.join(": ")
}

pub fn failure<E>(
    service: &'static str,
    operation: &'static str,
    region: &str,
    endpoint: &str,
    err: &SdkError<E, HttpResponse>,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let request_id = err.request_id().map(str::to_owned);
    let mut attempts = None;
    let mut throttled = false;
    let (code, message) = match err {
        SdkError::ServiceError(ctx) => {
            let code = ctx.err().code().map(str::to_owned);
            let mut message = ctx.err().message().map_or_else(
                || format!("HTTP {} with no message", ctx.raw().status().as_u16()),
                str::to_owned,
            );
            if code.as_deref().is_some_and(is_throttling) {
                throttled = true;
                attempts = attempts_of(request_id.as_deref());
                let times = attempts.map_or_else(String::new, |n| format!(" {n} times"));
                message = format!("throttled{times}: {message}");
            }
            (code, message)
        }
        SdkError::TimeoutError(_) => (
            None,
            "timed out, with every retry; raise `--timeout` or check the network".to_owned(),
        ),
        SdkError::DispatchFailure(d) => {
            let source = d
                .as_connector_error()
                .map(|c| c as &(dyn std::error::Error + 'static));
            let reason = match source.and_then(connect_problem) {
                Some(ConnectProblem::Refused) => "the connection was refused".to_owned(),
                Some(ConnectProblem::UnknownHost) => "the host name does not resolve".to_owned(),
                Some(ConnectProblem::TimedOut) => "connecting timed out".to_owned(),
                Some(ConnectProblem::Unreachable) => "the network or host is unreachable".to_owned(),
                _ if d.is_timeout() => "connecting timed out".to_owned(),
                _ => source.map_or_else(|| "the request could not be sent".to_owned(), chain),
            };
            (None, format!("could not reach {endpoint}: {reason}"))
        }
        SdkError::ResponseError(_) => (
            None,
            format!("the answer from {endpoint} could not be read: {}", chain(err)),
        ),
        _ => (None, chain(err)),
    };
    Error::Aws(Box::new(AwsFailure {
        service,
        operation,
        region: region.to_owned(),
        code,
        message,
        request_id,
        attempts,
        throttled,
    }))
}

#[cfg(test)]
mod tests {
    use super::{ConnectProblem, connect_problem, is_final};

    #[test]
    fn a_wrong_or_unreachable_endpoint_is_not_retried_a_timeout_or_reset_is() {
        let io = |kind| std::io::Error::new(kind, "connect");
        let refused = io(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(connect_problem(&refused), Some(ConnectProblem::Refused));
        let unreachable = io(std::io::ErrorKind::NetworkUnreachable);
        assert_eq!(connect_problem(&unreachable), Some(ConnectProblem::Unreachable));
        let timed_out = io(std::io::ErrorKind::TimedOut);
        assert_eq!(connect_problem(&timed_out), Some(ConnectProblem::TimedOut));
        let dns = std::io::Error::other("dns error: failed to lookup address information");
        assert_eq!(connect_problem(&dns), Some(ConnectProblem::UnknownHost));
        let reset = io(std::io::ErrorKind::ConnectionReset);
        assert_eq!(connect_problem(&reset), Some(ConnectProblem::Other));

        for final_one in [
            ConnectProblem::Refused,
            ConnectProblem::UnknownHost,
            ConnectProblem::Unreachable,
        ] {
            assert!(is_final(Some(final_one)), "{final_one:?}");
        }
        assert!(
            !is_final(Some(ConnectProblem::TimedOut)),
            "a busy endpoint answers the next attempt"
        );
        assert!(
            !is_final(Some(ConnectProblem::Other)),
            "a reset connection is retried"
        );
        assert!(!is_final(None));
    }
}

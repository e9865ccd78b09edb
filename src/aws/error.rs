//! Turns SDK errors into [`Error::Aws`] with the operation, region, AWS error
//! code, message and request ID, so `-v` can show them.

use aws_sdk_bedrock::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_bedrock::operation::RequestId;

use crate::error::{AwsFailure, Error};

pub fn failure<E, R>(
    service: &'static str,
    operation: &'static str,
    region: &str,
    err: &SdkError<E, R>,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
    SdkError<E, R>: RequestId,
{
    let (code, message) = match err {
        SdkError::ServiceError(ctx) => (
            ctx.err().code().map(str::to_owned),
            ctx.err().message().unwrap_or("no message").to_owned(),
        ),
        SdkError::TimeoutError(_) => (
            None,
            "timed out; raise `--timeout` or check the network".to_owned(),
        ),
        SdkError::DispatchFailure(d) if d.is_timeout() => (None, "timed out connecting".to_owned()),
        SdkError::DispatchFailure(_) => (
            None,
            format!("could not reach the endpoint: {}", DisplayErrorContext(err)),
        ),
        _ => (None, DisplayErrorContext(err).to_string()),
    };
    Error::Aws(Box::new(AwsFailure {
        service,
        operation,
        region: region.to_owned(),
        code,
        message,
        request_id: err.request_id().map(str::to_owned),
    }))
}

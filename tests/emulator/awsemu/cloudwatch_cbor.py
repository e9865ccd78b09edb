"""Smithy RPC v2 CBOR front end for CloudWatch (what aws-sdk-cloudwatch 1.x speaks).

moto 5.2.5 only understands CloudWatch over the query and awsJson1.0
protocols. The Rust SDK sends::

    POST /service/GraniteServiceVersion20100801/operation/<Operation>
    smithy-protocol: rpc-v2-cbor
    Content-Type: application/cbor
    [Content-Encoding: gzip]            (PutMetricData bodies >= 10 KiB)

This WSGI wrapper turns such a request into the equivalent awsJson1.0 request
(``POST /`` + ``X-Amz-Target``), lets moto (with ``awsemu.cloudwatch``'s
handlers) answer it, and re-encodes the answer as CBOR. Both directions are
shape-aware, with the pinned CloudWatch model: requests are decoded by
botocore's CBOR parser, answers written by ``_json_to_cbor`` from moto's
awsJson1.0 document and the output shape, so what the Rust SDK decodes
strictly (doubles as float64, timestamps as tag 1) is what the model says.

Errors: whatever moto's layer produced (moto's serializer, a ``ServiceException``
from our handlers, or a JSON ``{"__type", "message"}`` body from the fault
injector) becomes a CBOR map ``{"__type": "com.amazonaws.cloudwatch#<Shape>",
"message": ..., <modeled members>}`` with the same HTTP status. CloudWatch is
``awsQueryCompatible``: the ``x-amzn-query-error: <Code>;<Sender|Receiver>``
header carries the code the SDK reports (``ResourceNotFound``,
``InvalidParameterInput``...) and is passed through, or synthesised when the
error came without it.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import json
import struct
import zlib
from collections.abc import Callable, Iterable
from typing import Any

import botocore.session
from botocore.parsers import RpcV2CBORParser
from botocore.serialize import JSONSerializer

PATH_PREFIX = "/service/GraniteServiceVersion20100801/operation/"
SHAPE_NAMESPACE = "com.amazonaws.cloudwatch"
JSON_TARGET_PREFIX = "GraniteServiceVersion20100801."
# Upper bound on a decompressed request body; PutMetricData is limited to 1 MB
# by AWS, so anything far beyond that is a broken or hostile client.
_MAX_BODY = 16 * 1024 * 1024

_model_cache: dict[str, Any] = {}


def service_model() -> Any:
    model = _model_cache.get("model")
    if model is None:
        model = botocore.session.get_session().get_service_model("cloudwatch")
        _model_cache["model"] = model
    return model


def _error_shapes() -> tuple[dict[str, Any], dict[str, Any]]:
    """(by shape name, by error code) for every error shape of the service."""
    cached = _model_cache.get("errors")
    if cached is None:
        by_name: dict[str, Any] = {}
        by_code: dict[str, Any] = {}
        for shape in service_model().error_shapes:
            by_name[shape.name] = shape
            code = shape.metadata.get("error", {}).get("code", shape.name)
            # Two shapes share "ResourceNotFound"; both are 404 with a
            # ``message`` member, so either will do.
            by_code.setdefault(code, shape)
        cached = (by_name, by_code)
        _model_cache["errors"] = cached
    return cached


def _decode_request(body: bytes, shape: Any) -> dict:
    if not body:
        return {}
    parsed = RpcV2CBORParser().parse({"body": body, "headers": {}, "status_code": 200}, shape)
    parsed.pop("ResponseMetadata", None)
    return parsed


def decode_cbor(body: bytes) -> Any:
    """Shape-less CBOR decoding (for tests)."""
    parser = RpcV2CBORParser()
    return parser.parse_data_item(parser.get_peekable_stream_from_bytes(body))


def _read_body(environ: dict) -> bytes:
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    if length.strip():
        n = int(length)
        if n > _MAX_BODY:
            raise _ShimError(413, "RequestEntityTooLarge", f"Request body of {n} bytes is too large")
        return stream.read(n) if n else b""
    # No length: a chunked body (werkzeug marks it terminated) or none at all.
    return stream.read(_MAX_BODY + 1) if environ.get("wsgi.input_terminated") else b""


def _decompress(body: bytes, encoding: str) -> bytes:
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    for coding in reversed(codings):
        if coding == "identity":
            continue
        if coding != "gzip":
            raise _ShimError(415, "UnsupportedMediaType", f"Unsupported Content-Encoding {coding!r}")
        try:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out = d.decompress(body, _MAX_BODY + 1)
            if len(out) > _MAX_BODY or d.unconsumed_tail:
                raise _ShimError(413, "RequestEntityTooLarge", "Decompressed request body is too large")
            body = out
        except (zlib.error, EOFError, OSError) as exc:
            raise _ShimError(400, "SerializationException", f"Request body is not valid gzip: {exc}") from None
    return body


class _ShimError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Unknown')}"


def _cbor_headers(body: bytes, extra: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    headers = [
        ("smithy-protocol", "rpc-v2-cbor"),
        ("Content-Type", "application/cbor"),
        ("Content-Length", str(len(body))),
    ]
    headers.extend(extra)
    return headers


def _error_body(status: int, code: str, message: str, members: dict | None = None) -> tuple[bytes, list]:
    """CBOR error map and the headers that go with it."""
    by_name, by_code = _error_shapes()
    shape = by_code.get(code) or by_name.get(code)
    if shape is not None:
        query_code = shape.metadata.get("error", {}).get("code", shape.name)
        type_id = f"{SHAPE_NAMESPACE}#{shape.name}"
        sender = not shape.metadata.get("fault", False) and status < 500
    else:
        query_code = code
        type_id = code
        sender = status < 500
    out = bytearray()
    payload: dict[str, Any] = {"__type": type_id, "message": message}
    modeled: dict[str, Any] = {}
    if shape is not None:
        for name, member in shape.members.items():
            if name == "message":
                continue
            if members and name in members and members[name] is not None:
                modeled[name] = (member, members[name])
            elif name == "Message":
                modeled[name] = (member, message)
    _head(out, 5, len(payload) + len(modeled))
    for k, v in payload.items():
        _str(out, k)
        _str(out, v or "")
    for name, (member, value) in modeled.items():
        _str(out, name)
        _json_to_cbor(out, value, member)
    headers = [("x-amzn-query-error", f"{query_code};{'Sender' if sender else 'Receiver'}")]
    return bytes(out), headers


def _translate_error(status: int, headers: list[tuple[str, str]], raw: bytes) -> tuple[bytes, list]:
    hmap = {k.lower(): v for k, v in headers}
    text = raw.decode("utf-8", errors="replace")
    try:
        doc = json.loads(text) if text.strip() else {}
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        # moto answered with HTML/text (e.g. an operation it has not implemented).
        code = "UnknownOperationException" if status == 404 else "InternalFailure"
        return _error_body(status, code, text.strip()[:2000] or _REASONS.get(status, "error"))
    code = doc.get("__type") or hmap.get("x-amzn-errortype") or ""
    code = code.split(":", 1)[0].rsplit("#", 1)[-1]
    query_error = hmap.get("x-amzn-query-error")
    by_name, by_code = _error_shapes()
    if code not in by_name and query_error:
        code = query_error.split(";", 1)[0]
    elif code in by_name:
        pass
    elif not code:  # no type and no query-error header
        code = "InternalFailure" if status >= 500 else "BadRequest"
    message = doc.get("message") or doc.get("Message") or ""
    body, extra = _error_body(status, code, message, doc)
    if query_error:  # keep what moto / the fault injector said exactly
        extra = [("x-amzn-query-error", query_error)]
    return body, extra


def _passthrough_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    drop = {"content-type", "content-length", "x-amzn-errortype", "x-amzn-query-error", "x-amz-crc32"}
    return [(k, v) for k, v in headers if k.lower() not in drop]


def wsgi(app: Callable) -> Callable:
    """Wrap ``app`` so CloudWatch rpc-v2-cbor requests are served through it."""

    def middleware(environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(PATH_PREFIX):
            return _handle(app, environ, start_response, path[len(PATH_PREFIX):])
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith(JSON_TARGET_PREFIX):
            return app(environ, _json_content_type(start_response))
        return app(environ, start_response)

    return middleware


def _json_content_type(start_response: Callable) -> Callable:
    """moto labels CloudWatch awsJson1.0 answers ``Content-Type: text``
    (it derives the type from the model's first protocol, CBOR); AWS says
    ``application/x-amz-json-1.0``."""

    def fixed(status: str, headers: list, exc_info: Any = None) -> Callable:
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        headers.append(("Content-Type", "application/x-amz-json-1.0"))
        return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

    return fixed


def _handle(app: Callable, environ: dict, start_response: Callable, op_name: str) -> list[bytes]:
    try:
        if environ.get("REQUEST_METHOD", "GET") != "POST":
            raise _ShimError(405, "MethodNotAllowed", "rpc-v2-cbor operations must be invoked with POST")
        if environ.get("HTTP_SMITHY_PROTOCOL", "").strip() != "rpc-v2-cbor":
            raise _ShimError(400, "MissingProtocolHeader", "Missing or wrong smithy-protocol header (want rpc-v2-cbor)")
        model = service_model()
        if op_name not in model.operation_names:
            raise _ShimError(404, "UnknownOperationException", f"Unknown operation {op_name}")
        op = model.operation_model(op_name)
        body = _read_body(environ)
        body = _decompress(body, environ.get("HTTP_CONTENT_ENCODING", ""))
        try:
            params = _decode_request(body, op.input_shape)
        except Exception as exc:  # botocore raises assorted errors on bad CBOR
            raise _ShimError(400, "SerializationException", f"Could not decode CBOR request body: {exc}") from None
        try:  # the CBOR parser follows the data, not the shape: a text Value is possible
            request = JSONSerializer().serialize_to_request(params, op)
        except Exception as exc:
            raise _ShimError(400, "SerializationException",
                             f"Request does not fit the {op_name} input: {exc}") from None
    except _ShimError as err:
        data, extra = _error_body(err.status, err.code, err.message)
        start_response(_status_line(err.status), _cbor_headers(data, extra))
        return [data]

    json_body = request["body"]
    inner = dict(environ)
    inner["PATH_INFO"] = "/"
    inner["RAW_URI"] = "/"
    inner["REQUEST_URI"] = "/"
    inner["QUERY_STRING"] = ""
    inner["CONTENT_TYPE"] = request["headers"]["Content-Type"]
    inner["CONTENT_LENGTH"] = str(len(json_body))
    inner["HTTP_X_AMZ_TARGET"] = request["headers"]["X-Amz-Target"]
    inner["wsgi.input"] = io.BytesIO(json_body)
    inner.pop("HTTP_CONTENT_ENCODING", None)
    inner["awsemu.cbor_operation"] = op_name

    captured: dict[str, Any] = {}

    def _capture(status: str, headers: list, exc_info: Any = None) -> Callable:
        captured["status"] = int(status.split(" ", 1)[0])
        captured["headers"] = list(headers)
        return lambda data: None

    chunks = app(inner, _capture)
    try:
        raw = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    status = captured.get("status", 500)
    headers = captured.get("headers", [])

    if 200 <= status < 300:
        try:
            data = _encode_output(op, raw, headers)
        except Exception as exc:
            data, extra = _error_body(500, "InternalFailure", f"Emulator could not encode {op_name} output: {exc}")
            start_response(_status_line(500), _cbor_headers(data, extra))
            return [data]
        out_headers = _cbor_headers(data, _passthrough_headers(headers))
        if not data:
            out_headers = [h for h in out_headers if h[0] != "Content-Type"]
        start_response(_status_line(status), out_headers)
        return [data]

    data, extra = _translate_error(status, headers, raw)
    start_response(_status_line(status), _cbor_headers(data, extra + _passthrough_headers(headers)))
    return [data]


def _encode_output(op: Any, raw: bytes, headers: list[tuple[str, str]]) -> bytes:
    shape = op.output_shape
    if shape is None:
        return b""
    doc = json.loads(raw) if raw.strip() else {}  # not JSON: _handle answers 500
    out = bytearray()
    _json_to_cbor(out, doc, shape)
    return bytes(out)


def _head(out: bytearray, major: int, n: int) -> None:
    if n < 24:
        out.append((major << 5) | n)
    elif n < 256:
        out.append((major << 5) | 24)
        out.append(n)
    elif n < 65536:
        out.append((major << 5) | 25)
        out.extend(n.to_bytes(2, "big"))
    elif n < 4294967296:
        out.append((major << 5) | 26)
        out.extend(n.to_bytes(4, "big"))
    else:
        out.append((major << 5) | 27)
        out.extend(n.to_bytes(8, "big"))


def _str(out: bytearray, text: str) -> None:
    data = text.encode("utf-8")
    _head(out, 3, len(data))
    out.extend(data)


def _json_ts(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    ts = _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return (ts if ts.tzinfo else ts.replace(tzinfo=_dt.UTC)).timestamp()


def _json_to_cbor(out: bytearray, value: Any, shape: Any) -> None:
    """awsJson1.0 document -> rpc-v2-cbor bytes, guided by the botocore shape.

    Doubles are float64 (``0xfb``) and timestamps tag 1 + float64 epoch
    seconds, as smithy-rs decoders want; written for speed: GetMetricData answers carry tens of
    thousands of values and timestamps, packed here list-at-a-time.
    """
    t = shape.type_name
    if t == "structure":
        members = shape.members
        present = [(k, v) for k, v in value.items() if v is not None and k in members]
        _head(out, 5, len(present))
        for k, v in present:
            member = members[k]
            _str(out, member.serialization.get("name", k))
            _json_to_cbor(out, v, member)
    elif t == "list":
        member = shape.member
        mt = member.type_name
        n = len(value)
        _head(out, 4, n)
        if mt == "double" and n:
            out.extend(struct.pack(">" + "Bd" * n, *[x for v in value for x in (0xFB, float(v))]))
        elif mt == "timestamp" and n:
            out.extend(struct.pack(">" + "BBd" * n, *[x for v in value for x in (0xC1, 0xFB, _json_ts(v))]))
        else:
            for item in value:
                _json_to_cbor(out, item, member)
    elif t == "map":
        _head(out, 5, len(value))
        for k, v in value.items():
            _str(out, str(k))
            _json_to_cbor(out, v, shape.value)
    elif t == "string":
        _str(out, str(value))
    elif t in ("integer", "long"):
        v = int(value)
        if v >= 0:
            _head(out, 0, v)
        else:
            _head(out, 1, -1 - v)
    elif t == "double":
        out.extend(b"\xfb" + struct.pack(">d", float(value)))
    elif t == "boolean":
        out.append(0xF5 if value else 0xF4)
    elif t == "timestamp":
        out.extend(b"\xc1\xfb" + struct.pack(">d", _json_ts(value)))
    elif t == "blob":
        data = base64.b64decode(value) if isinstance(value, str) else bytes(value)
        _head(out, 2, len(data))
        out.extend(data)
    else:  # the CloudWatch model has no other type
        raise TypeError(f"no CBOR encoding for shape type {t}")


__all__ = ["wsgi", "decode_cbor", "service_model", "PATH_PREFIX"]

"""STS AssumeRole that is refused the way AWS refuses it.

Stock moto 5.2.5 lets every ``AssumeRole`` succeed, whatever the role ARN (its
docstring: "the role does not need to exist"), and maps the new temporary
credentials to the account in the role ARN. A CLI that walks an organization
and assumes a role in each member would never meet the failure it will meet on
AWS: a member without the role, a trust policy that does not trust the caller,
an ExternalId that does not match. This module wraps moto's
``TokenResponse.assume_role`` and answers, before moto mints anything:

- **AccessDenied** (HTTP 403, awsQuery XML ``ErrorResponse``, ``Type`` Sender)
  with AWS's message ``User: <caller ARN> is not authorized to perform:
  sts:AssumeRole on resource: <role ARN>`` when the role does not exist in the
  target account's IAM, when no ``Allow`` statement of its trust policy matches
  (principal, action, conditions) or a ``Deny`` statement does, and when the
  target account is SUSPENDED in its organization (*guess*: AWS documents that
  a closed account's resources can't be used; the exact answer is not).
  The message form is the one AWS prints (seen e.g. in
  github.com/aws-samples/scp-alternative-solution/issues/18 and
  github.com/awslabs/aws-securityhub-multiaccount-scripts/issues/32).
  ``<caller ARN>`` is what ``GetCallerIdentity`` answers for the same
  credentials (moto's ``arn:aws:sts::<account>:user/moto`` for access keys it
  does not know, an ``assumed-role`` ARN for temporary credentials).
- **ValidationError** (400) for what the botocore ``sts 2011-06-15`` model
  constrains and the Rust SDK does not check client-side: ``RoleSessionName``
  2-64 ``[\\w+=,.@-]*``, ``ExternalId`` 2-1224 ``[\\w+=,.@:/-]*``,
  ``DurationSeconds`` 900-43200, ``RoleArn`` 20-2048; a ``RoleArn`` that is not
  an IAM role ARN (*guess* for that wording); ``DurationSeconds`` above the
  role's ``MaxSessionDuration`` ("The requested DurationSeconds exceeds the
  MaxSessionDuration set for this role.") and above 3600 when the caller is
  itself an assumed role ("The requested DurationSeconds exceeds the 1 hour
  session limit for roles assumed by role chaining."), as AWS words them.

Trust-policy evaluation (what the trust policy alone decides; the caller's
identity-based policies, SCPs and permission boundaries are *not* evaluated:
the caller is taken to be allowed to call ``sts:AssumeRole``):

- ``Action``: ``sts:AssumeRole``, ``sts:*`` or ``*`` (string or list;
  ``NotAction`` is not supported and never matches).
- ``Principal``: ``"*"``, ``{"AWS": ...}`` with an account ID, an account root
  ARN ``arn:aws:iam::<id>:root`` (any principal of that account), a role ARN
  (sessions of that role), a user ARN, an ``assumed-role`` session ARN.
  Service and federated principals never match a caller with access keys.
- ``Condition``: operators ``StringEquals``, ``StringNotEquals``,
  ``StringEqualsIgnoreCase``, ``StringLike``, ``StringNotLike``, ``Null``,
  ``Bool`` (each with ``...IfExists``); keys ``sts:ExternalId``,
  ``sts:RoleSessionName``, ``aws:PrincipalAccount``, ``aws:PrincipalArn``,
  ``aws:PrincipalOrgID``, ``aws:MultiFactorAuthPresent`` (always false). Values
  of one key are ORed, keys and operators ANDed, as IAM does; a missing key
  fails the test (except ``Null`` and ``...IfExists``). Any other operator or
  key makes the statement not match (fails closed).
- An ``ExternalId`` the trust policy does not ask for is ignored, as on AWS.

Roles come from moto's IAM (``iam_backends[account]["global"]``): created via
the IAM API, by moto's ``CreateAccount`` (``OrganizationAccountAccessRole``
trusting the management account, as AWS creates it), by
``awsemu.organizations``' builder, or by the control route below.

Control route ``POST /_emu/iam/roles`` ``{"account_id", "role_name",
"trust_policy"? (document, object or string) | "trusted_accounts"?: [id, ...]
(default: the account's management account, else itself), "external_id"?,
"max_session_duration"? (3600)}`` creates or replaces a role → ``{"arn",
"trust_policy"}``; ``DELETE /_emu/iam/roles?account_id=&role_name=`` deletes
it (404 if absent); ``GET /_emu/iam/roles?account_id=`` lists ``{"roles":
[{"name", "arn", "trust_policy", "max_session_duration"}]}``.

In-process helpers: ``put_role(account_id, role_name, trust_policy,
max_session_duration=3600) -> arn``, ``delete_role(account_id, role_name) ->
bool``, ``role_names(account_id)``, ``trust_accounts_policy(accounts, external_id=None) -> dict``,
``caller_identity(access_key, account_id) -> (arn, account, role_arn|None)``.

moto internals patched: ``moto.sts.responses.TokenResponse.assume_role``
(wrapped); read: ``iam_backends``, ``IAMBackend.get_role_by_arn`` /
``create_role`` / ``delete_role``, ``STSBackend.get_caller_identity``.
"""

from __future__ import annotations

import fnmatch
import json
import re
import threading
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape

DEFAULT_MAX_SESSION = 3600
ROLE_CHAIN_LIMIT = 3600
_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
_ROLE_ARN = re.compile(r"^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::(\d{12}):role/(?:.*/)?([^/]+)$")
_SESSION_NAME = re.compile(r"[\w+=,.@-]*")
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]*")
_ASSUME_ACTIONS = {"sts:assumerole", "sts:*", "*"}

_LOCK = threading.Lock()
_ids = iter(range(1, 1 << 62))


class STSDenied(Exception):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _validation(message: str) -> STSDenied:
    return STSDenied("ValidationError", message, 400)


# ---------------------------------------------------------------- IAM roles


def _iam(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id]["global"]


def find_role(role_arn: str) -> Any | None:
    """The moto ``Role`` named by ``role_arn`` (a role ARN: callers check) in its account, or None."""
    match = _ROLE_ARN.match(role_arn)
    assert match is not None, role_arn
    for role in _iam(match.group(2)).get_roles():
        if role.arn == role_arn:
            return role
    return None


def trust_accounts_policy(accounts: list[str], external_id: str | None = None) -> dict[str, Any]:
    """A trust policy letting principals of ``accounts`` assume the role (optionally with ExternalId)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts] if len(accounts) > 1
                      else f"arn:aws:iam::{accounts[0]}:root"},
        "Action": "sts:AssumeRole",
    }
    if external_id is not None:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def put_role(
    account_id: str, role_name: str, trust_policy: dict[str, Any] | str,
    max_session_duration: int = DEFAULT_MAX_SESSION,
) -> str:
    """Create (or replace) role ``role_name`` in ``account_id``'s IAM; returns its ARN."""
    iam = _iam(account_id)
    document = trust_policy if isinstance(trust_policy, str) else json.dumps(trust_policy)
    delete_role(account_id, role_name)
    role = iam.create_role(
        role_name=role_name,
        assume_role_policy_document=document,
        path="/",
        permissions_boundary=None,
        description="",
        tags=[],
        max_session_duration=str(int(max_session_duration)),
    )
    return role.arn


def role_names(account_id: str) -> list[str]:
    return sorted(r.name for r in _iam(account_id).get_roles())


def delete_role(account_id: str, role_name: str) -> bool:
    iam = _iam(account_id)
    for role in list(iam.get_roles()):
        if role.name == role_name:
            iam.delete_role(role_name)
            return True
    return False


# ---------------------------------------------------------------- who is calling


def caller_identity(access_key: str, account_id: str) -> tuple[str, str, str | None]:
    """(caller ARN, caller account, role ARN if the credentials are an assumed role).

    The ARN is what GetCallerIdentity answers for these credentials.
    """
    from moto.sts.models import sts_backends

    backend = sts_backends[account_id]["aws"]
    assumed = backend.get_assumed_role_from_access_key(access_key)
    if assumed is not None:
        return assumed.arn, assumed.account_id, assumed.role_arn
    _, arn, account = backend.get_caller_identity(access_key, "us-east-1")
    return arn, account, None


# ---------------------------------------------------------------- trust evaluation


def _load_policy(document: Any) -> dict[str, Any]:
    if isinstance(document, dict):
        return document
    text = str(document or "")
    for candidate in (text, unquote(text)):
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class _Request:
    """The facts a trust policy can test."""

    def __init__(self, caller_arn: str, caller_account: str, caller_role: str | None,
                 external_id: str | None, session_name: str, org_id: str | None) -> None:
        self.caller_arn = caller_arn
        self.caller_account = caller_account
        self.caller_role = caller_role
        self.context: dict[str, str | None] = {
            "sts:externalid": external_id,
            "sts:rolesessionname": session_name,
            "aws:principalaccount": caller_account,
            "aws:principalarn": caller_role or caller_arn,
            "aws:principalorgid": org_id,
            "aws:multifactorauthpresent": "false",
        }


def _principal_matches(principal: Any, req: _Request) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for value in _as_list(principal.get("AWS")):
        value = str(value)
        if value == "*":
            return True
        if re.fullmatch(r"\d{12}", value) and value == req.caller_account:
            return True
        if re.fullmatch(rf"arn:aws[\w-]*:iam::{req.caller_account}:root", value):
            return True
        if value in (req.caller_arn, req.caller_role):
            return True
    return False


def _condition_matches(condition: Any, req: _Request) -> bool:
    if not condition:
        return True
    if not isinstance(condition, dict):
        return False
    for operator, tests in condition.items():
        if not isinstance(tests, dict):
            return False
        if_exists = operator.endswith("IfExists")
        op = operator[: -len("IfExists")] if if_exists else operator
        for key, wanted in tests.items():
            lkey = key.lower()
            if lkey not in req.context:
                return False  # a key this emulator does not know: fail closed
            actual = req.context[lkey]
            values = [str(v) for v in _as_list(wanted)]
            if op == "Null":
                is_null = actual is None
                if not any((v.lower() == "true") == is_null for v in values):
                    return False
                continue
            if actual is None:
                if if_exists:
                    continue
                return False
            if op == "StringEquals":
                ok = actual in values
            elif op == "StringNotEquals":
                ok = actual not in values
            elif op == "StringEqualsIgnoreCase":
                ok = actual.lower() in {v.lower() for v in values}
            elif op == "StringLike":
                ok = any(fnmatch.fnmatchcase(actual, v) for v in values)
            elif op == "StringNotLike":
                ok = not any(fnmatch.fnmatchcase(actual, v) for v in values)
            elif op == "Bool":
                ok = actual.lower() in {v.lower() for v in values}
            else:
                return False  # an operator this emulator does not evaluate: fail closed
            if not ok:
                return False
    return True


def _statement_applies(stmt: Any, req: _Request) -> bool:
    if not isinstance(stmt, dict):
        return False
    actions = {str(a).lower() for a in _as_list(stmt.get("Action"))}
    if not actions & _ASSUME_ACTIONS:
        return False
    if not _principal_matches(stmt.get("Principal"), req):
        return False
    return _condition_matches(stmt.get("Condition"), req)


def trusts(policy: Any, req: _Request) -> bool:
    """Does the trust policy let this request assume the role? (Deny wins.)"""
    statements = _as_list(_load_policy(policy).get("Statement"))
    allowed = False
    for stmt in statements:
        if not _statement_applies(stmt, req):
            continue
        if str(stmt.get("Effect")) == "Deny":
            return False
        if str(stmt.get("Effect")) == "Allow":
            allowed = True
    return allowed


# ---------------------------------------------------------------- the check


def _check_params(role_arn: Any, session: Any, external_id: Any, duration: Any) -> None:
    problems = []

    def add(value: Any, path: str, constraint: str) -> None:
        shown = "null" if value is None else f"'{value}'"
        problems.append(f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")

    # A request without RoleArn never gets here: moto's response class reads it first.
    if not 20 <= len(role_arn) <= 2048:
        bound = "greater than or equal to 20" if len(role_arn) < 20 else "less than or equal to 2048"
        add(role_arn, "roleArn", f"Member must have length {bound}")
    if session is None:
        add(None, "roleSessionName", "Member must not be null")
    else:
        if not 2 <= len(session) <= 64:
            bound = "greater than or equal to 2" if len(session) < 2 else "less than or equal to 64"
            add(session, "roleSessionName", f"Member must have length {bound}")
        if not _SESSION_NAME.fullmatch(session):
            add(session, "roleSessionName", r"Member must satisfy regular expression pattern: [\w+=,.@-]*")
    if external_id is not None:
        if not 2 <= len(external_id) <= 1224:
            bound = "greater than or equal to 2" if len(external_id) < 2 else "less than or equal to 1224"
            add(external_id, "externalId", f"Member must have length {bound}")
        if not _EXTERNAL_ID.fullmatch(external_id):
            add(external_id, "externalId", r"Member must satisfy regular expression pattern: [\w+=,.@:\/-]*")
    if duration is not None and not 900 <= duration <= 43200:
        bound = "greater than or equal to 900" if duration < 900 else "less than or equal to 43200"
        add(duration, "durationSeconds", f"Member must have value {bound}")
    if problems:
        n = len(problems)
        raise _validation(f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(problems))


def _org_of(account_id: str) -> tuple[str | None, str | None]:
    """(organization ID, the account's status in it) or (None, None)."""
    try:
        from awsemu import organizations
    except ImportError:  # pragma: no cover
        return None, None
    return organizations.org_id_of(account_id), organizations.account_status(account_id)


def authorize(resp: Any) -> None:
    """Raise STSDenied unless AWS would let this AssumeRole through."""
    role_arn = resp._get_param("RoleArn")
    session = resp._get_param("RoleSessionName")
    external_id = resp._get_param("ExternalId")
    duration = resp._get_param("DurationSeconds")  # an int: moto's parser converted it
    _check_params(role_arn, session, external_id, duration)
    match = _ROLE_ARN.match(role_arn)
    if not match:
        raise _validation(f"{role_arn} is invalid")  # wording guessed
    caller_arn, caller_account, caller_role = caller_identity(resp.get_access_key(), resp.current_account)
    denied = STSDenied(
        "AccessDenied",
        f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
        403,
    )
    target_account = match.group(2)
    org_id, status = _org_of(target_account)
    if status is not None and status != "ACTIVE":
        raise denied
    role = find_role(role_arn)
    if role is None:
        raise denied
    caller_org, _ = _org_of(caller_account)
    req = _Request(caller_arn, caller_account, caller_role, external_id, session, caller_org)
    if not trusts(role.assume_role_policy_document, req):
        raise denied
    if duration is not None:
        max_session = int(role.max_session_duration or DEFAULT_MAX_SESSION)
        if duration > max_session:
            raise _validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        if caller_role is not None and duration > ROLE_CHAIN_LIMIT:
            raise _validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
            )


def _error_xml(err: STSDenied) -> tuple[str, dict[str, Any]]:
    with _LOCK:
        request_id = f"emu-sts-{next(_ids):08d}"
    fault = "Receiver" if err.status >= 500 else "Sender"
    body = (
        f'<ErrorResponse xmlns="{_XMLNS}"><Error><Type>{fault}</Type><Code>{escape(err.code)}</Code>'
        f"<Message>{escape(err.message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return body, {"status": err.status, "Content-Type": "text/xml", "x-amzn-RequestId": request_id}


# ---------------------------------------------------------------- install

def install() -> None:
    from moto.sts.responses import TokenResponse

    original = TokenResponse.assume_role

    def assume_role(self: Any) -> Any:
        try:
            authorize(self)
        except STSDenied as err:
            return _error_xml(err)
        return original(self)

    assume_role.__doc__ = original.__doc__
    TokenResponse.assume_role = assume_role  # type: ignore[method-assign]


# ---------------------------------------------------------------- control routes


def _default_trust(account_id: str) -> list[str]:
    try:
        from awsemu import organizations

        manager = organizations.management_account_of(account_id)
    except ImportError:  # pragma: no cover
        manager = None
    return [manager or account_id]


def _route_put_role(body: Any, query: dict) -> tuple[int, Any]:
    if not isinstance(body, dict) or not body.get("account_id") or not body.get("role_name"):
        return 400, {"error": 'body must be {"account_id", "role_name", "trust_policy"? | "trusted_accounts"?, '
                              '"external_id"?, "max_session_duration"?}'}
    account_id = str(body["account_id"])
    if not re.fullmatch(r"\d{12}", account_id):
        return 400, {"error": "account_id must be 12 digits"}
    if "trust_policy" in body:
        if "trusted_accounts" in body or "external_id" in body:
            return 400, {"error": "trust_policy excludes trusted_accounts and external_id"}
        policy = _load_policy(body["trust_policy"])
        if not policy.get("Statement"):
            return 400, {"error": "trust_policy must be a policy document with a Statement"}
    else:
        accounts = [str(a) for a in body.get("trusted_accounts") or _default_trust(account_id)]
        policy = trust_accounts_policy(accounts, body.get("external_id"))
    max_session = int(body.get("max_session_duration", DEFAULT_MAX_SESSION))
    if not 3600 <= max_session <= 43200:
        return 400, {"error": "max_session_duration must be 3600..43200"}
    arn = put_role(account_id, str(body["role_name"]), policy, max_session)
    return 200, {"arn": arn, "trust_policy": policy}


def _route_delete_role(body: Any, query: dict) -> tuple[int, Any]:
    params = {**query, **(body if isinstance(body, dict) else {})}
    account_id, name = params.get("account_id"), params.get("role_name")
    if not account_id or not name:
        return 400, {"error": "account_id and role_name are required"}
    if not delete_role(str(account_id), str(name)):
        return 404, {"error": f"no role {name} in account {account_id}"}
    return 200, {"deleted": True}


def _route_list_roles(body: Any, query: dict) -> tuple[int, Any]:
    account_id = query.get("account_id")
    if not account_id:
        return 400, {"error": "account_id is required"}
    roles = [
        {
            "name": r.name,
            "arn": r.arn,
            "trust_policy": _load_policy(r.assume_role_policy_document),
            "max_session_duration": int(r.max_session_duration or DEFAULT_MAX_SESSION),
        }
        for r in sorted(_iam(str(account_id)).get_roles(), key=lambda r: r.name)
    ]
    return 200, {"roles": roles}


ROUTES = {
    ("POST", "/_emu/iam/roles"): _route_put_role,
    ("DELETE", "/_emu/iam/roles"): _route_delete_role,
    ("GET", "/_emu/iam/roles"): _route_list_roles,
}

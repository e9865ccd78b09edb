"""AWS Organizations as a multi-account CLI reads it.

moto 5.2.5 models organizations per account (the management account's backend
holds the organization; ``organizations_backends.master_accounts`` maps each
member to it). Checked against the botocore model ``organizations
2016-11-28`` and AWS's API reference, it differs from AWS where a CLI that
discovers accounts would notice. This module replaces, on
``OrganizationsResponse``, the read operations such a CLI calls:

==================================  =============================================
operation                           who may call it (model documentation)
==================================  =============================================
DescribeOrganization                any account in the organization
ListRoots                           management account or delegated administrator
ListAccounts                        management account or delegated administrator
ListAccountsForParent               management account or delegated administrator
ListOrganizationalUnitsForParent    management account or delegated administrator
DescribeAccount                     management account or delegated administrator
==================================  =============================================

Fixes over stock moto:

- **Access**: a member account that is not a delegated administrator gets
  ``AccessDeniedException`` "You don't have permissions to access this
  resource." (the message AWS gives, e.g.
  github.com/aws-samples/aws-iam-access-key-auto-rotation/issues/10 and
  github.com/awslabs/aws-innovation-sandbox/issues/6); moto answered an empty
  ``ListAccounts``, a ``ParentNotFoundException`` for the OU walk and the
  organization's roots for ``ListRoots``. An account outside any organization
  gets ``AWSOrganizationsNotInUseException`` "Your account is not a member of
  an organization." (AWS's message, e.g. github.com/duo-labs/cloudmapper/issues/733).
  A member registered with ``RegisterDelegatedAdministrator`` (any service)
  reads like the management account.
- **Pagination**: ``MaxResults`` 1-20 (the model's range; ``InvalidInputException``
  with ``Reason`` ``MIN_VALUE_EXCEEDED`` / ``MAX_VALUE_EXCEEDED`` outside it),
  default page 20 (what ListAccounts gives without MaxResults, e.g.
  github.com/kosty-cloud/kosty/issues/10; moto used 100, and paginated
  ListAccounts on ``JoinedTimestamp``, which breaks when two accounts joined in
  the same second). ``NextToken`` is opaque, bound to the operation and parent,
  and absent on the last page (moto sent ``"NextToken": null``); a foreign
  token → ``InvalidInputException`` ``INVALID_NEXT_TOKEN`` (message *guess*).
- **IDs**: ``ParentId`` must match ``^(r-[0-9a-z]{4,32})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$``
  and ``AccountId`` ``^\\d{12}$``, else ``InvalidInputException`` ``INVALID_PATTERN``
  "You provided a value that does not match the required pattern." (AWS's
  message, e.g. github.com/RoadieHQ/roadie-backstage-plugins/issues/1391); a
  well-formed ID that names nothing → ``ParentNotFoundException`` "We can't
  find a root or OU with the ParentId that you specified." (the model's
  description of the error; AWS's exact text is a *guess*) or
  ``AccountNotFoundException``.
- **Shapes**: accounts carry ``Status`` (ACTIVE / SUSPENDED / PENDING_CLOSURE)
  *and* the newer ``State`` (botocore 1.44.5 has it: PENDING_ACTIVATION /
  ACTIVE / SUSPENDED / PENDING_CLOSURE / CLOSED), plus ``Paths``
  (``o-…/r-…/ou-…/<account id>/``) and OUs a ``Path`` (``o-…/r-…/ou-…/``),
  the fields AWS added on 2026-03-31. The exact path strings are a *guess*
  within the model's pattern. Order: accounts in the order they joined
  (management account first), OUs in creation order (*guess*: AWS documents
  no order).

Errors are awsJson 1.1: ``{"__type", "Message"[, "Reason"]}`` with
``x-amzn-ErrorType``, HTTP 400 (the model gives these shapes no status).

The rest of moto's Organizations API (CreateOrganization, CreateAccount,
CloseAccount, MoveAccount, RegisterDelegatedAdministrator, …) is moto's own
and works alongside: the read operations above see what it creates.

In-process helpers for other modules:

    build(spec) -> dict                        # the organization builder (below)
    management_account_of(account_id) -> str | None
    org_id_of(account_id) -> str | None
    account_status(account_id) -> str | None   # ACTIVE / SUSPENDED / … or None
    billing_scope(account_id) -> (payer, [account IDs whose spend it sees])
    account_names(account_id) -> {id: name}    # of the organization it belongs to

``build(spec)`` and ``POST /_emu/organizations`` create an organization
without going through the API (so the request log stays clean)::

    {"management": {"id": "123456789012", "name": "...", "email"?: "...",
                    "joined_at"?: RFC 3339},
     "organization_id"?: "o-…", "root_id"?: "r-…",
     "ous": [{"name": "Workloads", "parent"?: "Root" | "Workloads/…", "id"?: "ou-…"}],
     "accounts": [{"id", "name", "email"?, "ou"?: "Workloads/Prod" (default: the root),
                   "status"?: "ACTIVE" | "SUSPENDED", "joined_method"?: "CREATED" | "INVITED",
                   "joined_at"?: RFC 3339, "role"?: true | false | "RoleName"}]}

Accounts joined as CREATED get ``OrganizationAccountAccessRole`` trusting the
management account's root (as AWS creates it); INVITED ones get no role unless
``role`` says so (as on AWS, where the invited account's admin creates it).
The management account gets none. The route answers with the organization
as ``describe()`` shows it.

moto internals touched: ``OrganizationsResponse`` (new methods replace
``describe_organization``, ``list_roots``, ``list_accounts``,
``list_accounts_for_parent``, ``list_organizational_units_for_parent``,
``describe_account``); ``organizations_backends`` (+ ``master_accounts``),
``OrganizationsBackend.create_organization`` / ``create_account`` /
``create_organizational_unit`` with ``moto.organizations.utils`` ID makers
fixed for the duration of ``build``; ``FakeAccount`` attributes.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from . import clock

PARTITION = "aws"
DEFAULT_PAGE = 20
MAX_PAGE = 20
ACCESS_ROLE = "OrganizationAccountAccessRole"
PARENT_ID = re.compile(r"^(r-[0-9a-z]{4,32})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")
OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")
STATUSES = ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE")

_LOCK = threading.RLock()

MSG_DENIED = "You don't have permissions to access this resource."
MSG_NOT_IN_USE = "Your account is not a member of an organization."
MSG_PATTERN = "You provided a value that does not match the required pattern."
MSG_PARENT = "We can't find a root or OU with the ParentId that you specified."
MSG_ACCOUNT = "You specified an account that doesn't exist."


class OrgError(Exception):
    def __init__(self, code: str, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason


def _invalid(message: str, reason: str) -> OrgError:
    return OrgError("InvalidInputException", message, reason)


# ---------------------------------------------------------------- moto state


def _backends() -> Any:
    from moto.organizations.models import organizations_backends

    return organizations_backends


def _backend(account_id: str) -> Any:
    return _backends()[account_id][PARTITION]


def _org_backend(account_id: str) -> tuple[Any | None, str | None]:
    """(the backend holding the organization ``account_id`` is in, its role) or (None, None)."""
    be = _backend(account_id)
    if be.org is not None:
        return be, "management"
    master = _backends().master_accounts.get(account_id)
    if master is not None:
        owner = _backends()[master[0]][master[1]]
        if owner.org is not None:
            return owner, "member"
    return None, None


def _reader(account_id: str) -> Any:
    """The organization's backend, if ``account_id`` may read its structure."""
    be, role = _org_backend(account_id)
    if be is None:
        raise OrgError("AWSOrganizationsNotInUseException", MSG_NOT_IN_USE)
    if role == "member" and not any(a.account.id == account_id for a in be.admins):
        raise OrgError("AccessDeniedException", MSG_DENIED)
    return be


def management_account_of(account_id: str) -> str | None:
    with _LOCK:
        be, _ = _org_backend(account_id)
        return be.org.master_account_id if be is not None else None


def org_id_of(account_id: str) -> str | None:
    with _LOCK:
        be, _ = _org_backend(account_id)
        return be.org.id if be is not None else None


def account_status(account_id: str) -> str | None:
    with _LOCK:
        be, _ = _org_backend(account_id)
        if be is None:
            return None
        acct = next((a for a in be.accounts if a.id == account_id), None)
        return acct.status if acct is not None else None


def billing_scope(account_id: str) -> tuple[str, list[str]]:
    """Whose bill an account's Cost Explorer reads: (payer, [accounts whose spend it sees]).

    The management account sees every account of its organization (SUSPENDED
    ones included: their past spend stays on the bill); a member sees only
    itself; an account outside any organization is its own payer.
    """
    with _LOCK:
        be, role = _org_backend(account_id)
        if be is None:
            return account_id, [account_id]
        payer = be.org.master_account_id
        if role == "management":
            return payer, [a.id for a in be.accounts]
        return payer, [account_id]


def account_names(account_id: str) -> dict[str, str]:
    """``{id: name}`` of every account in the organization ``account_id`` belongs to."""
    with _LOCK:
        be, _ = _org_backend(account_id)
        return {a.id: a.name for a in be.accounts} if be is not None else {}


# ---------------------------------------------------------------- shapes


def _parents(be: Any) -> dict[str, Any]:
    return {ou.id: ou for ou in be.ou}


def _path_of(be: Any, parent_id: str) -> str:
    """``o-…/r-…/ou-…/`` for a root or OU."""
    nodes = _parents(be)
    chain = []
    cur = nodes.get(parent_id)
    while cur is not None:
        chain.append(cur.id)
        cur = nodes.get(getattr(cur, "parent_id", None)) if cur.type != "ROOT" else None
    return "/".join([be.org.id] + list(reversed(chain))) + "/"


def _account_json(be: Any, acct: Any) -> dict[str, Any]:
    from moto.core.utils import unix_time

    return {
        "Id": acct.id,
        "Arn": acct.arn,
        "Email": acct.email,
        "Name": acct.name,
        "Status": acct.status,
        "State": acct.state,
        "Paths": [_path_of(be, acct.parent_id) + acct.id + "/"],
        "JoinedMethod": acct.joined_method,
        "JoinedTimestamp": unix_time(acct.create_time),
    }


def _ou_json(be: Any, ou: Any) -> dict[str, Any]:
    return {"Id": ou.id, "Arn": ou.arn, "Name": ou.name, "Path": _path_of(be, ou.id)}


def _root_json(root: Any) -> dict[str, Any]:
    return {"Id": root.id, "Arn": root.arn, "Name": root.name, "PolicyTypes": list(root.policy_types)}


# ---------------------------------------------------------------- pagination


def _encode(op: str, parent: str, offset: int) -> str:
    raw = json.dumps({"o": op, "p": parent, "i": offset}, separators=(",", ":")).encode()
    crc = (zlib.crc32(raw) & 0xFFFFFFFF).to_bytes(4, "big")
    return base64.urlsafe_b64encode(raw + crc).decode().rstrip("=")


def _decode(token: str, op: str, parent: str) -> int:
    bad = _invalid(
        "The specified NextToken is invalid. Get the value for the NextToken parameter from the "
        "response to a previous call of the operation.",
        "INVALID_NEXT_TOKEN",
    )
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        raw, crc = blob[:-4], int.from_bytes(blob[-4:], "big")
        if len(blob) < 5 or zlib.crc32(raw) & 0xFFFFFFFF != crc:
            raise bad
        data = json.loads(raw)
    except (ValueError, TypeError):
        raise bad from None
    if not isinstance(data, dict) or data.get("o") != op or data.get("p") != parent:
        raise bad
    offset = data.get("i")
    if not isinstance(offset, int) or offset < 0:
        raise bad
    return offset


def _page(req: dict[str, Any], op: str, parent: str, rows: list[Any]) -> tuple[list[Any], str | None]:
    max_results = req.get("MaxResults")
    if max_results is None:
        size = DEFAULT_PAGE
    else:
        if isinstance(max_results, bool) or not isinstance(max_results, int):
            raise _invalid("You specified an invalid value.", "INVALID_ENUM")
        if max_results < 1:
            raise _invalid("You provided a numeric parameter that has a smaller value than allowed.",
                           "MIN_VALUE_EXCEEDED")
        if max_results > MAX_PAGE:
            raise _invalid("You provided a numeric parameter that has a larger value than allowed.",
                           "MAX_VALUE_EXCEEDED")
        size = max_results
    token = req.get("NextToken")
    offset = _decode(str(token), op, parent) if token else 0
    if offset > len(rows):
        raise _invalid("The specified NextToken is invalid. Get the value for the NextToken parameter "
                       "from the response to a previous call of the operation.", "INVALID_NEXT_TOKEN")
    page = rows[offset : offset + size]
    nxt = _encode(op, parent, offset + size) if offset + size < len(rows) else None
    return page, nxt


def _parent_id(req: dict[str, Any], be: Any) -> str:
    parent = req.get("ParentId")
    if parent is None:
        raise _invalid("You must include a value for all required parameters.", "INPUT_REQUIRED")
    if not isinstance(parent, str) or len(parent) > 100 or not PARENT_ID.fullmatch(parent):
        raise _invalid(MSG_PATTERN, "INVALID_PATTERN")
    if parent not in _parents(be):
        raise OrgError("ParentNotFoundException", MSG_PARENT)
    return parent


# ---------------------------------------------------------------- operations


def describe_organization(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    be, _ = _org_backend(caller)
    if be is None:
        raise OrgError("AWSOrganizationsNotInUseException", MSG_NOT_IN_USE)
    return be.org.describe()


def list_roots(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    from moto.organizations.models import FakeRoot

    be = _reader(caller)
    roots = [_root_json(ou) for ou in be.ou if isinstance(ou, FakeRoot)]
    page, _ = _page(req, "ListRoots", "", roots)  # an organization has exactly one root: one page
    return {"Roots": page}


def list_accounts(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    be = _reader(caller)
    page, nxt = _page(req, "ListAccounts", "", list(be.accounts))
    out: dict[str, Any] = {"Accounts": [_account_json(be, a) for a in page]}
    if nxt:
        out["NextToken"] = nxt
    return out


def list_accounts_for_parent(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    be = _reader(caller)
    parent = _parent_id(req, be)
    rows = [a for a in be.accounts if a.parent_id == parent]
    page, nxt = _page(req, "ListAccountsForParent", parent, rows)
    out: dict[str, Any] = {"Accounts": [_account_json(be, a) for a in page]}
    if nxt:
        out["NextToken"] = nxt
    return out


def list_organizational_units_for_parent(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    be = _reader(caller)
    parent = _parent_id(req, be)
    rows = [ou for ou in be.ou if ou.type == "ORGANIZATIONAL_UNIT" and ou.parent_id == parent]
    page, nxt = _page(req, "ListOrganizationalUnitsForParent", parent, rows)
    out: dict[str, Any] = {"OrganizationalUnits": [_ou_json(be, ou) for ou in page]}
    if nxt:
        out["NextToken"] = nxt
    return out


def describe_account(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    be = _reader(caller)
    account_id = req.get("AccountId")
    if account_id is None:
        raise _invalid("You must include a value for all required parameters.", "INPUT_REQUIRED")
    if not isinstance(account_id, str) or not ACCOUNT_ID.fullmatch(account_id):
        raise _invalid(MSG_PATTERN, "INVALID_PATTERN")
    acct = next((a for a in be.accounts if a.id == account_id), None)
    if acct is None:
        raise OrgError("AccountNotFoundException", MSG_ACCOUNT)
    return {"Account": _account_json(be, acct)}


_OPERATIONS: list[Callable[[str, dict[str, Any]], dict[str, Any]]] = [
    describe_organization,
    list_roots,
    list_accounts,
    list_accounts_for_parent,
    list_organizational_units_for_parent,
    describe_account,
]


def _handler(impl: Callable[[str, dict[str, Any]], dict[str, Any]]) -> Callable[[Any], Any]:
    def method(self: Any) -> Any:
        try:
            req = json.loads(self.body or "{}")  # moto decodes the body to str
        except ValueError:
            req = None
        if not isinstance(req, dict):
            return _error(OrgError("SerializationException", "Request body is not a JSON object"))
        try:
            with _LOCK:
                payload = impl(self.current_account, req)
        except OrgError as err:
            return _error(err)
        return json.dumps(payload), {"status": 200, "Content-Type": "application/x-amz-json-1.1"}

    method.__name__ = impl.__name__
    method.__doc__ = impl.__doc__
    return method


def _error(err: OrgError) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {"__type": err.code, "Message": err.message}
    if err.reason:
        body["Reason"] = err.reason
    return json.dumps(body), {
        "status": 400,
        "Content-Type": "application/x-amz-json-1.1",
        "x-amzn-ErrorType": err.code,
    }


def install() -> None:
    from moto.organizations.responses import OrganizationsResponse

    for impl in _OPERATIONS:
        setattr(OrganizationsResponse, impl.__name__, _handler(impl))


def reset() -> None:
    """moto's reset drops the backends but not the member → management map."""
    with _LOCK:
        _backends().master_accounts.clear()


# ---------------------------------------------------------------- builder


@contextmanager
def _fixed_ids(**ids: str) -> Iterator[None]:
    """Make moto's ID makers answer ``ids`` (org, root, account, ou) while building."""
    from moto.organizations import utils

    names = {"org": "make_random_org_id", "root": "make_random_root_id",
             "account": "make_random_account_id", "ou": "make_random_ou_id"}
    saved = {}
    try:
        for key, value in ids.items():
            name = names[key]
            saved[name] = getattr(utils, name)
            setattr(utils, name, (lambda *a, _v=value: _v))
        yield
    finally:
        for name, fn in saved.items():
            setattr(utils, name, fn)


def _instant(value: Any, default: datetime) -> datetime:
    """A naive UTC datetime (what moto keeps) from RFC 3339 text (or ``default``)."""
    if value is None:
        ts = default
    else:
        ts = datetime.fromtimestamp(clock.parse_instant(str(value)), tz=UTC)
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return ts


def _require_id(value: Any, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"{what} {value!r} does not match {pattern.pattern}")
    return value


def build(spec: dict[str, Any]) -> dict[str, Any]:
    """Create an organization from ``spec`` (see the module docstring); returns ``describe()``."""
    from moto.organizations.models import FakeRoot

    from . import sts

    if not isinstance(spec, dict) or not isinstance(spec.get("management"), dict):
        raise ValueError('spec needs {"management": {"id", "name"}, "ous"?, "accounts"?}')
    mgmt = spec["management"]
    mgmt_id = _require_id(str(mgmt.get("id", "")), ACCOUNT_ID, "management id")
    now = clock.now()
    with _LOCK:
        backends = _backends()
        be = _backend(mgmt_id)
        if be.org is not None or mgmt_id in backends.master_accounts:
            raise FileExistsError(f"account {mgmt_id} is already in an organization")
        ids: dict[str, str] = {"account": mgmt_id}
        if spec.get("organization_id"):
            ids["org"] = _require_id(spec["organization_id"], ORG_ID, "organization_id")
        if spec.get("root_id"):
            ids["root"] = _require_id(spec["root_id"], ROOT_ID, "root_id")
        had_role = sts.find_role(f"arn:aws:iam::{mgmt_id}:role/{ACCESS_ROLE}") is not None
        with _fixed_ids(**ids):
            be.create_organization(region="us-east-1", FeatureSet="ALL")
        if not had_role:  # moto's FakeAccount makes one; AWS gives the management account none
            sts.delete_role(mgmt_id, ACCESS_ROLE)
        org = be.org
        root = next(ou for ou in be.ou if isinstance(ou, FakeRoot))
        manager = next(a for a in be.accounts if a.id == mgmt_id)
        manager.name = str(mgmt.get("name") or "management")
        manager.email = str(mgmt.get("email") or f"aws+{mgmt_id}@example.com")
        org.master_account_email = manager.email
        manager.create_time = _instant(mgmt.get("joined_at"), now)

        by_path: dict[str, str] = {"": root.id, "Root": root.id}
        for ou_spec in spec.get("ous") or []:
            name = str(ou_spec["name"])
            parent_path = str(ou_spec.get("parent") or "")
            parent_path = "" if parent_path == "Root" else parent_path
            if parent_path not in by_path:
                raise ValueError(f"OU {name!r}: parent {parent_path!r} is not defined before it")
            path = f"{parent_path}/{name}" if parent_path else name
            ou_ids = {}
            if ou_spec.get("id"):
                ou_ids["ou"] = _require_id(ou_spec["id"], OU_ID, "OU id")
            with _fixed_ids(**ou_ids):
                created = be.create_organizational_unit(Name=name, ParentId=by_path[parent_path])
            by_path[path] = created["OrganizationalUnit"]["Id"]

        for acct_spec in spec.get("accounts") or []:
            acct_id = _require_id(str(acct_spec.get("id", "")), ACCOUNT_ID, "account id")
            if acct_id == mgmt_id or any(a.id == acct_id for a in be.accounts):
                raise ValueError(f"account {acct_id} is listed twice")
            if acct_id in backends.master_accounts:
                raise FileExistsError(f"account {acct_id} is already in an organization")
            name = str(acct_spec["name"])
            method = str(acct_spec.get("joined_method") or "CREATED")
            if method not in ("CREATED", "INVITED"):
                raise ValueError(f"joined_method must be CREATED or INVITED, not {method!r}")
            status = str(acct_spec.get("status") or "ACTIVE")
            if status not in STATUSES:
                raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
            ou_path = str(acct_spec.get("ou") or "")
            ou_path = "" if ou_path == "Root" else ou_path
            if ou_path not in by_path:
                raise ValueError(f"account {acct_id}: OU {ou_path!r} is not defined")
            had = sts.find_role(f"arn:aws:iam::{acct_id}:role/{ACCESS_ROLE}") is not None
            with _fixed_ids(account=acct_id):
                be.create_account(AccountName=name, Email=str(acct_spec.get("email") or f"aws+{acct_id}@example.com"))
            acct = next(a for a in be.accounts if a.id == acct_id)
            acct.parent_id = by_path[ou_path]
            acct.joined_method = method
            acct.create_time = _instant(acct_spec.get("joined_at"), now)
            acct.status = acct.state = status
            role = acct_spec.get("role", method == "CREATED")
            if not had:  # moto made one (trusting the management account); ours replaces it
                sts.delete_role(acct_id, ACCESS_ROLE)
                if role:
                    role_name = role if isinstance(role, str) else ACCESS_ROLE
                    sts.put_role(acct_id, role_name, sts.trust_accounts_policy([mgmt_id]))
        return describe(mgmt_id)


def describe(account_id: str) -> dict[str, Any]:
    """The organization ``account_id`` (a member: ``build`` just made it) belongs to."""
    from . import sts

    with _LOCK:
        be, _ = _org_backend(account_id)
        ous = []
        names = {ou.id: ou.name for ou in be.ou}
        for ou in be.ou:
            if ou.type != "ORGANIZATIONAL_UNIT":
                continue
            ous.append({"id": ou.id, "name": ou.name, "parent_id": ou.parent_id, "path": _path_of(be, ou.id)})
        accounts = []
        for a in be.accounts:
            roles = sts.role_names(a.id)
            accounts.append({
                "id": a.id, "name": a.name, "email": a.email, "status": a.status, "state": a.state,
                "joined_method": a.joined_method, "parent_id": a.parent_id,
                "parent_name": names.get(a.parent_id), "management": a.id == be.org.master_account_id,
                "roles": roles,
            })
        root = next(ou for ou in be.ou if ou.type == "ROOT")
        return {
            "organization_id": be.org.id,
            "arn": be.org.arn,
            "management_account_id": be.org.master_account_id,
            "root_id": root.id,
            "organizational_units": ous,
            "accounts": accounts,
        }


# ---------------------------------------------------------------- control routes


def _route_build(body: Any, query: dict) -> tuple[int, Any]:
    try:
        return 200, build(body)
    except FileExistsError as exc:
        return 409, {"error": str(exc)}


ROUTES = {
    ("POST", "/_emu/organizations"): _route_build,
}

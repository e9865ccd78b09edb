//! AWS accounts as aipctl reads an organization: account and OU IDs, IAM
//! role names and ARNs, the `--accounts` selection, c7n-org's accounts file,
//! and which accounts a run reads. Pure values; discovery and `AssumeRole`
//! are in `aws/`, the run's fan-out in `commands/shared/accounts.rs`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::InputError;
use super::region::Region;

/// A 12-digit AWS account ID.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct AccountId(String);

impl From<AccountId> for String {
    fn from(id: AccountId) -> Self {
        id.0
    }
}

impl TryFrom<String> for AccountId {
    type Error = InputError;
    fn try_from(s: String) -> Result<Self, InputError> {
        s.parse()
    }
}

impl AccountId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for AccountId {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InputError::new(
                "account ID",
                s,
                "expected the 12 digits of an AWS account ID, such as `123456789012`",
            ))
        }
    }
}

/// An organizational unit ID: `ou-` + 4–32 lowercase letters or digits (the
/// root's) + `-` + 8–32 more, the pattern of the Organizations API's
/// `ParentId` (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html>).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OuId(String);

impl OuId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OuId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn lower_alnum(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

impl FromStr for OuId {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        let ok = s
            .strip_prefix("ou-")
            .and_then(|rest| rest.split_once('-'))
            .is_some_and(|(root, ou)| lower_alnum(root, 4, 32) && lower_alnum(ou, 8, 32));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InputError::new(
                "OU ID",
                s,
                "expected `ou-` then 4 to 32 lowercase letters or digits, `-`, and 8 to 32 more \
                 (`ou-ab12-cd34ef56`)",
            ))
        }
    }
}

/// An IAM role name: 1–64 of letters, digits and `+=,.@_-`
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html>).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleName(String);

/// The role c7n-org and `CloudQuery` assume by default, which AWS creates in
/// every account created through Organizations.
pub const DEFAULT_ROLE: &str = "OrganizationAccountAccessRole";

impl RoleName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for RoleName {
    fn default() -> Self {
        Self(DEFAULT_ROLE.to_owned())
    }
}

impl fmt::Display for RoleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Letters, digits and the punctuation IAM names (and STS session names) allow.
fn iam_chars(s: &str, extra: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) || extra.contains(c))
}

impl FromStr for RoleName {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        if (1..=64).contains(&s.len()) && iam_chars(s, "") {
            Ok(Self(s.to_owned()))
        } else {
            Err(InputError::new(
                "role name",
                s,
                "expected 1 to 64 letters, digits or `+=,.@_-` (a role name, not an ARN)",
            ))
        }
    }
}

/// The ARN of an IAM role: `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleArn {
    text: String,
    pub account: AccountId,
}

impl RoleArn {
    /// The role `name` in `account`, in the `aws` partition.
    pub fn new(account: &AccountId, name: &RoleName) -> Self {
        Self {
            text: format!("arn:aws:iam::{account}:role/{name}"),
            account: account.clone(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for RoleArn {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        let bad = || {
            InputError::new(
                "role ARN",
                s,
                "expected `arn:aws:iam::123456789012:role/NAME` (a path may precede the name)",
            )
        };
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        let [arn, partition, service, region, account, resource] = parts[..] else {
            return Err(bad());
        };
        if arn != "arn" || !partition.starts_with("aws") || service != "iam" || !region.is_empty() {
            return Err(bad());
        }
        let account: AccountId = account.parse().map_err(|_| bad())?;
        let name = resource
            .strip_prefix("role/")
            .and_then(|r| r.rsplit('/').next())
            .ok_or_else(bad)?;
        name.parse::<RoleName>().map_err(|_| bad())?;
        Ok(Self {
            text: s.to_owned(),
            account,
        })
    }
}

/// `--role-session-name`: 2–64 letters, digits or `+=,.@_-`, as STS requires
/// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionName(String);

impl SessionName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SessionName {
    fn default() -> Self {
        Self("aipctl".to_owned())
    }
}

impl FromStr for SessionName {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        if (2..=64).contains(&s.len()) && iam_chars(s, "") {
            Ok(Self(s.to_owned()))
        } else {
            Err(InputError::new(
                "role session name",
                s,
                "expected 2 to 64 letters, digits or `+=,.@_-`",
            ))
        }
    }
}

/// `--external-id`: 2–1224 letters, digits or `+=,.@:/_-`, as STS requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalId(String);

impl ExternalId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ExternalId {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        if (2..=1224).contains(&s.len()) && iam_chars(s, ":/") {
            Ok(Self(s.to_owned()))
        } else {
            Err(InputError::new(
                "external ID",
                s,
                "expected 2 to 1224 letters, digits or `+=,.@:/_-`",
            ))
        }
    }
}

/// One item of `--accounts`: `all`, an account ID or an OU (with the OUs
/// below it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSel {
    All,
    Id(AccountId),
    Ou(OuId),
}

impl FromStr for AccountSel {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        let s = s.trim();
        if s == "all" {
            Ok(Self::All)
        } else if s.starts_with("ou-") {
            s.parse().map(Self::Ou)
        } else {
            s.parse().map(Self::Id).map_err(|_| {
                InputError::new(
                    "account",
                    s,
                    "expected `all`, a 12-digit account ID or an OU ID (`ou-ab12-cd34ef56`)",
                )
            })
        }
    }
}

impl fmt::Display for AccountSel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::All => f.write_str("all"),
            Self::Id(id) => id.fmt(f),
            Self::Ou(ou) => ou.fmt(f),
        }
    }
}

/// An account a run reads: its ID, its name when Organizations or the
/// accounts file gives one, and the role to assume unless it is the
/// caller's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub name: Option<String>,
}

impl Account {
    /// `234567890123 (search-prod)`, or the ID alone.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{} ({n})", self.id),
            None => self.id.to_string(),
        }
    }
}

/// An account of the organization as `ListAccounts` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: AccountId,
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`: only active accounts are read.
    pub active: bool,
}

/// Where an account's credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The caller's own account: its credentials as they are.
    Caller,
    /// A role to assume from the caller's credentials.
    Role(RoleArn),
}

/// One account of the run with how to reach it and, from an accounts file,
/// the regions to read there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub account: Account,
    pub access: Access,
    pub regions: Option<Vec<Region>>,
}

/// The accounts of c7n-org's `accounts.yml`
/// (cloud-custodian `tools/c7n_org/README.md`): `accounts:` a list of
/// `account_id`, `name`, `role` (a role ARN), `regions`, `tags` (`key:value`
/// strings) and `vars`; other keys are left alone.
#[derive(Debug, Deserialize)]
struct AccountsFile {
    accounts: Vec<FileEntry>,
}

#[derive(Debug, Deserialize)]
struct FileEntry {
    account_id: serde_yaml_ng::Value,
    name: Option<String>,
    role: Option<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    #[allow(
        dead_code,
        reason = "c7n-org's tags select accounts there; kept for the format"
    )]
    tags: Vec<String>,
}

/// An account of the accounts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileAccount {
    pub account: Account,
    /// The role ARN to assume; `None`: `--role-name` in the account.
    pub role: Option<RoleArn>,
    pub regions: Option<Vec<Region>>,
}

/// Reads an accounts file; every problem names the entry (1-based) and field.
pub fn parse_accounts_file(text: &str) -> Result<Vec<FileAccount>, InputError> {
    let file: AccountsFile = serde_yaml_ng::from_str(text).map_err(|e| {
        InputError::new(
            "accounts file",
            "",
            &format!("{e}; expected `accounts:` with entries of `account_id`, `name`, `role`, `regions`"),
        )
    })?;
    let mut out: Vec<FileAccount> = Vec::with_capacity(file.accounts.len());
    for (i, e) in file.accounts.into_iter().enumerate() {
        let at = |field: &str| format!("accounts file entry {} `{field}`", i + 1);
        let id_text = match &e.account_id {
            serde_yaml_ng::Value::String(s) => s.clone(),
            // An unquoted ID is a YAML number; a leading zero would be lost, so refuse it then.
            serde_yaml_ng::Value::Number(n) => n.to_string(),
            other => format!("{other:?}"),
        };
        let id: AccountId = id_text
            .parse()
            .map_err(|e: InputError| InputError::new(&at("account_id"), &id_text, &e.rule))?;
        let role = match e.role {
            Some(r) => {
                let arn: RoleArn = r
                    .parse()
                    .map_err(|e: InputError| InputError::new(&at("role"), &r, &e.rule))?;
                if arn.account != id {
                    return Err(InputError::new(
                        &at("role"),
                        &r,
                        &format!(
                            "the role is in account {}, the entry is account {id}",
                            arn.account
                        ),
                    ));
                }
                Some(arn)
            }
            None => None,
        };
        let regions = if e.regions.is_empty() {
            None
        } else {
            let mut rs = Vec::with_capacity(e.regions.len());
            for r in &e.regions {
                rs.push(
                    r.parse::<Region>()
                        .map_err(|e: InputError| InputError::new(&at("regions"), r, &e.rule))?,
                );
            }
            Some(rs)
        };
        if out.iter().any(|a| a.account.id == id) {
            return Err(InputError::new(&at("account_id"), id.as_str(), "is listed twice"));
        }
        out.push(FileAccount {
            account: Account { id, name: e.name },
            role,
            regions,
        });
    }
    Ok(out)
}

/// Names of accounts, for labels and the `account_name` field.
pub type AccountNames = BTreeMap<AccountId, String>;

/// Keeps the ACTIVE accounts of `listed` (suspended ones cannot be entered),
/// in order; returns the inactive ones left out too.
pub fn active(listed: Vec<OrgAccount>) -> (Vec<Account>, Vec<Account>) {
    let mut active = Vec::new();
    let mut inactive = Vec::new();
    for a in listed {
        let account = Account {
            id: a.id,
            name: Some(a.name),
        };
        if a.active {
            active.push(account);
        } else {
            inactive.push(account);
        }
    }
    (active, inactive)
}

/// The targets of a run: `accounts` less `exclude`, each reached as the
/// caller when it is the caller's account, else through `role` in it (or
/// the role the accounts file gives).
pub fn targets(
    accounts: Vec<(Account, Option<RoleArn>, Option<Vec<Region>>)>,
    exclude: &[AccountId],
    caller: &AccountId,
    role: &RoleName,
) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::with_capacity(accounts.len());
    for (account, arn, regions) in accounts {
        if exclude.contains(&account.id) || out.iter().any(|t| t.account.id == account.id) {
            continue;
        }
        let access = if &account.id == caller {
            Access::Caller
        } else {
            Access::Role(arn.unwrap_or_else(|| RoleArn::new(&account.id, role)))
        };
        out.push(Target {
            account,
            access,
            regions,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!("123456789012".parse::<AccountId>().is_ok());
        for bad in ["12345678901", "1234567890123", "12345678901a", ""] {
            assert!(bad.parse::<AccountId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn ou_ids_follow_the_organizations_pattern() {
        for good in ["ou-ab12-cd34ef56", "ou-demo-workloads"] {
            assert!(good.parse::<OuId>().is_ok(), "{good}");
        }
        for bad in [
            "ou-abc-cd34ef56",
            "ou-ab12-cd34",
            "ou-AB12-cd34ef56",
            "ou-ab12cd34ef56",
            "r-ab12",
        ] {
            assert!(bad.parse::<OuId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn role_names_follow_iam() {
        assert!("OrganizationAccountAccessRole".parse::<RoleName>().is_ok());
        assert!("a+b=c,d.e@f_g-h".parse::<RoleName>().is_ok());
        for bad in ["", "has space", "arn:aws:iam::1:role/x", &"r".repeat(65)] {
            assert!(bad.parse::<RoleName>().is_err(), "{bad}");
        }
    }

    #[test]
    fn role_arns_name_their_account() {
        let arn: RoleArn = "arn:aws:iam::234567890123:role/ops/Reader".parse().unwrap();
        assert_eq!(arn.account.as_str(), "234567890123");
        for bad in [
            "arn:aws:iam::234567890123:user/x",
            "arn:aws:s3:::b",
            "arn:aws:iam::2345:role/x",
            "arn:aws:iam::234567890123:role/",
        ] {
            assert!(bad.parse::<RoleArn>().is_err(), "{bad}");
        }
    }

    #[test]
    fn selections_parse_all_ids_and_ous() {
        assert_eq!("all".parse::<AccountSel>().unwrap(), AccountSel::All);
        assert!(matches!(
            "234567890123".parse::<AccountSel>().unwrap(),
            AccountSel::Id(_)
        ));
        assert!(matches!(
            "ou-demo-research".parse::<AccountSel>().unwrap(),
            AccountSel::Ou(_)
        ));
        let e = "ou-x".parse::<AccountSel>().unwrap_err();
        assert_eq!(e.field, "OU ID");
        assert!("prod".parse::<AccountSel>().is_err());
    }

    #[test]
    fn accounts_files_read_c7n_org_entries() {
        let text = "accounts:\n- account_id: '234567890123'\n  name: search-prod\n  role: arn:aws:iam::234567890123:role/Reader\n  regions: [us-east-1]\n  tags: ['type:prod']\n  vars: {a: b}\n- account_id: 345678901234\n";
        let read = parse_accounts_file(text).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].account.name.as_deref(), Some("search-prod"));
        assert_eq!(
            read[0].role.as_ref().unwrap().as_str(),
            "arn:aws:iam::234567890123:role/Reader"
        );
        assert_eq!(read[0].regions.as_ref().unwrap()[0].as_str(), "us-east-1");
        assert_eq!(read[1].account.id.as_str(), "345678901234");
        assert!(read[1].role.is_none());
    }

    #[test]
    fn accounts_files_name_the_entry_at_fault() {
        let e = parse_accounts_file("accounts:\n- account_id: '1'\n").unwrap_err();
        assert!(e.field.contains("entry 1 `account_id`"), "{e}");
        let e = parse_accounts_file(
            "accounts:\n- account_id: '234567890123'\n  role: arn:aws:iam::345678901234:role/x\n",
        )
        .unwrap_err();
        assert!(e.rule.contains("account 345678901234"), "{e}");
        assert!(parse_accounts_file("nothing: here").is_err());
    }

    #[test]
    fn targets_reach_the_caller_as_itself_and_drop_exclusions() {
        let acct = |id: &str| Account {
            id: id.parse().unwrap(),
            name: None,
        };
        let caller: AccountId = "123456789012".parse().unwrap();
        let t = targets(
            vec![
                (acct("123456789012"), None, None),
                (acct("234567890123"), None, None),
                (acct("345678901234"), None, None),
                (acct("234567890123"), None, None),
            ],
            &["345678901234".parse().unwrap()],
            &caller,
            &RoleName::default(),
        );
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].access, Access::Caller);
        assert_eq!(
            t[1].access,
            Access::Role(
                "arn:aws:iam::234567890123:role/OrganizationAccountAccessRole"
                    .parse()
                    .unwrap()
            )
        );
    }
}

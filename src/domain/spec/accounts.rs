//! The spec's `accounts`, per team and in `[defaults]`: the AWS accounts
//! of an organization a team's profiles are provisioned in.
//!
//! ```toml
//! [teams.search]
//! department = "Search"
//! accounts = ["234567890123", "345678901234"]
//! ```
//!
//! A team without `accounts` (and no `defaults.accounts`) is provisioned in
//! the caller's own account, as in a spec that names none. Each ID is 12
//! digits written as a string (a TOML integer would lose a leading zero),
//! and none is listed twice.

use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use super::Checker;
use crate::domain::account::AccountId;

/// An account ID as written: a string, or a number (refused with the fix).
#[derive(Debug, Clone)]
pub(super) enum RawAccount {
    Text(String),
    Number(String),
}

impl<'de> Deserialize<'de> for RawAccount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawAccount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an account ID, like \"234567890123\"")
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawAccount, E> {
                Ok(RawAccount::Number(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawAccount, E> {
                Ok(RawAccount::Number(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawAccount, E> {
                Ok(RawAccount::Text(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

pub(super) type RawAccounts = Spanned<Vec<Spanned<RawAccount>>>;

/// A list of account IDs, each checked, none twice, not empty.
pub(super) fn check_accounts(c: &mut Checker<'_>, list: &RawAccounts, field: &str) -> Vec<AccountId> {
    if list.get_ref().is_empty() {
        let at = c.at(list, field);
        c.error(
            at,
            "an empty list; leave `accounts` out to provision in the caller's own account",
        );
    }
    let mut out: Vec<AccountId> = Vec::new();
    for (i, written) in list.get_ref().iter().enumerate() {
        let at = c.at(written, format!("{field}[{i}]"));
        let id = match written.get_ref() {
            RawAccount::Number(n) => {
                c.error(
                    at,
                    format!(
                        "write the account ID as a string, `\"{n:0>12}\"`: a number loses its leading zeros"
                    ),
                );
                continue;
            }
            RawAccount::Text(t) => match t.parse::<AccountId>() {
                Ok(id) => id,
                Err(e) => {
                    c.error(at, e.to_string());
                    continue;
                }
            },
        };
        if out.contains(&id) {
            c.error(at, format!("account `{id}` is listed twice"));
        } else {
            out.push(id);
        }
    }
    out
}

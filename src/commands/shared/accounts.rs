//! The accounts a command reads (`--accounts`, `--accounts-file`,
//! `--exclude-accounts`, or the accounts a spec names), entered once each,
//! and the failures of a run over accounts × regions.
//!
//! Without those flags a run reads the caller's account alone, makes no
//! extra request and names no account ([`Fleet::multi`] is false). With
//! them: the caller's account (`GetCallerIdentity`) and the organization's
//! accounts (`ListAccounts`, or `ListAccountsForParent` down an OU) are read
//! together; every other account is entered through `AssumeRole` under the
//! one concurrency budget, and one that cannot be entered is kept as a
//! failure while the others are read. [`Fleet::run_each`] starts an
//! account's work as soon as its role is assumed (a slow `AssumeRole` holds
//! up only its own account); [`Fleet::enter`] enters every account first,
//! for commands that need them all before they start. A command reports
//! with [`Failures`].

use std::future::Future;

use futures::future::join_all;

use crate::aws::Aws;
use crate::cli::{AccountArgs, GlobalArgs};
use crate::domain::account::{
    self, Access, Account, AccountId, AccountSel, ExternalId, FileAccount, RoleArn, SessionName, Target,
};
use crate::domain::profile::Profile;
use crate::domain::region::Region;
use crate::error::{Error, Result};
use crate::output::{Output, plural};

/// One account of the run, entered.
#[derive(Clone)]
pub struct Member {
    /// `None` in a single-account run: the caller's account, unnamed.
    pub account: Option<Account>,
    pub aws: Aws,
    /// Regions the accounts file gives for it; `None`: the run's regions.
    pub regions: Option<Vec<Region>>,
    /// Its place among the run's accounts (members stay in this order).
    order: usize,
}

impl Member {
    /// The regions to read in this account: the accounts file's, else the run's.
    pub fn regions<'a>(&'a self, run: &'a [Region]) -> &'a [Region] {
        self.regions.as_deref().unwrap_or(run)
    }

    /// Stamps the account on profiles read in it (multi-account runs only).
    pub fn stamp(&self, profiles: &mut [Profile]) {
        if let Some(a) = &self.account {
            for p in profiles {
                p.account = Some(a.clone());
            }
        }
    }

    /// `234567890123 (search-prod)`, or `the account` in a single-account run.
    pub fn label(&self) -> String {
        self.account
            .as_ref()
            .map_or_else(|| "the account".to_owned(), Account::label)
    }

    /// The account's ID; `None` in a single-account run.
    pub fn id(&self) -> Option<&AccountId> {
        self.account.as_ref().map(|a| &a.id)
    }
}

/// An account chosen for the run, not entered yet.
struct Pending {
    target: Target,
    order: usize,
}

/// How members are entered: from the caller's configuration, with the
/// external ID and session name of the run.
struct Entry {
    aws: Aws,
    external_id: Option<ExternalId>,
    session: SessionName,
}

/// The accounts a run reads, and those it could not enter.
pub struct Fleet {
    members: Vec<Member>,
    pending: Vec<Pending>,
    entry: Option<Entry>,
    /// More than the caller's account was asked for: rows name their account.
    pub multi: bool,
    /// The caller's account, when the run asked (multi-account runs).
    pub caller: Option<AccountId>,
    pub failures: Failures,
}

impl Fleet {
    /// The caller's account alone, as every single-account run reads it.
    pub fn single(aws: &Aws) -> Self {
        Self {
            members: vec![Member {
                account: None,
                aws: aws.clone(),
                regions: None,
                order: 0,
            }],
            pending: Vec::new(),
            entry: None,
            multi: false,
            caller: None,
            failures: Failures::default(),
        }
    }

    /// The entered members, in the run's order. Accounts still to enter
    /// are not among them: call [`Fleet::enter`] (or [`Fleet::run_each`]) first.
    pub fn members(&self) -> &[Member] {
        debug_assert!(
            self.pending.is_empty(),
            "members read before the fleet was entered"
        );
        &self.members
    }

    /// The accounts the run reads, entered or not, in order (`None`: the
    /// caller's, in a single-account run), each with the regions the
    /// accounts file gives it (`None`: the run's).
    pub fn chosen(&self) -> Vec<(Option<AccountId>, Option<Vec<Region>>)> {
        let mut all: Vec<(usize, Option<AccountId>, Option<Vec<Region>>)> = self
            .members
            .iter()
            .map(|m| (m.order, m.id().cloned(), m.regions.clone()))
            .chain(self.pending.iter().map(|p| {
                (
                    p.order,
                    Some(p.target.account.id.clone()),
                    p.target.regions.clone(),
                )
            }))
            .collect();
        all.sort_by_key(|(o, _, _)| *o);
        all.into_iter().map(|(_, id, rs)| (id, rs)).collect()
    }

    /// How many accounts the run asked for, entered or not.
    pub fn asked(&self) -> usize {
        self.members.len() + self.pending.len()
    }

    /// How many regions the run reads over its accounts, entered or not
    /// (each account in its own regions, else `run`'s).
    pub fn regions_asked(&self, run: &[Region]) -> usize {
        let each = |r: &Option<Vec<Region>>| r.as_ref().map_or(run.len(), Vec::len);
        self.members.iter().map(|m| each(&m.regions)).sum::<usize>()
            + self
                .pending
                .iter()
                .map(|p| each(&p.target.regions))
                .sum::<usize>()
    }

    /// The failures so far (accounts not entered), for the command to add to.
    pub fn take_failures(&mut self) -> Failures {
        std::mem::take(&mut self.failures)
    }

    /// The member of account `id` (`None`: the caller's in a single-account run).
    pub fn member(&self, id: Option<&AccountId>) -> Option<&Member> {
        self.members().iter().find(|m| m.id() == id)
    }

    /// The member a profile was read in (the only one in a single-account run).
    pub fn member_of(&self, p: &Profile) -> &Member {
        let id = p.account.as_ref().map(|a| &a.id);
        self.member(id).unwrap_or(&self.members()[0])
    }

    /// `profiles` split by the member they were read in, members in order,
    /// each profile once; members with none are left out.
    pub fn by_member(&self, profiles: Vec<Profile>) -> Vec<(&Member, Vec<Profile>)> {
        let mut groups: Vec<(&Member, Vec<Profile>)> = Vec::new();
        for p in profiles {
            let m = self.member_of(&p);
            match groups.iter_mut().find(|(g, _)| std::ptr::eq(*g, m)) {
                Some((_, ps)) => ps.push(p),
                None => groups.push((m, vec![p])),
            }
        }
        groups.sort_by_key(|(m, _)| m.order);
        groups
    }

    /// Runs `f` for every entered member at once (the HTTP layer's budget
    /// bounds the requests), in member order.
    pub async fn each<'a, T, F, Fut>(&'a self, f: F) -> Vec<(&'a Member, Result<T>)>
    where
        F: Fn(&'a Member) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        join_all(self.members().iter().map(|m| {
            let fut = f(m);
            async move { (m, fut.await) }
        }))
        .await
    }

    /// Enters every account not entered yet, all at once; those that cannot
    /// be entered become failures. An error naming them all when none could be.
    pub async fn enter(&mut self) -> Result<()> {
        self.run_each(|_| async {}).await;
        if self.members.is_empty() {
            return Err(self.take_failures().finish().expect_err("every account failed"));
        }
        Ok(())
    }

    /// Leaves out the members at `indices` of [`Fleet::members`] (entered,
    /// but whose reading failed: the run goes on without them).
    pub fn drop_members(&mut self, indices: &[usize]) {
        let mut i = 0;
        self.members.retain(|_| {
            let keep = !indices.contains(&i);
            i += 1;
            keep
        });
    }

    /// Whether no account could be entered (after [`Fleet::run_each`]).
    pub fn none_entered(&self) -> bool {
        self.members.is_empty()
    }

    /// Runs `f(member)` for every account, an account not entered yet as
    /// soon as its role is assumed, all under the one concurrency budget.
    /// Returns each member's index in [`Fleet::members`] with its answer; an
    /// account that cannot be entered becomes a failure (see
    /// [`Fleet::none_entered`]).
    pub async fn run_each<T, F, Fut>(&mut self, f: F) -> Vec<(usize, T)>
    where
        F: Fn(Member) -> Fut,
        Fut: Future<Output = T>,
    {
        enum Done<T> {
            Ready(usize, T),
            Entered(Box<Member>, T),
            Failed(Account, Error),
        }
        let pending = std::mem::take(&mut self.pending);
        let ready = self.members.iter().enumerate().map(|(i, m)| {
            let fut = f(m.clone());
            futures::future::Either::Left(async move { Done::Ready(i, fut.await) })
        });
        let entry = self.entry.as_ref();
        let f = &f;
        let entering = pending.into_iter().map(|p| {
            futures::future::Either::Right(async move {
                let Some(entry) = entry else {
                    unreachable!("accounts to enter come with how to enter them")
                };
                let Target {
                    account,
                    access,
                    regions,
                } = p.target;
                match enter(entry, &access).await {
                    Ok(aws) => {
                        let m = Member {
                            account: Some(account),
                            aws,
                            regions,
                            order: p.order,
                        };
                        let t = f(m.clone()).await;
                        Done::Entered(Box::new(m), t)
                    }
                    Err(e) => Done::Failed(account, e),
                }
            })
        });
        let done = join_all(ready.chain(entering)).await;
        let mut answers: Vec<(usize, T)> = Vec::with_capacity(done.len());
        let mut new: Vec<(Box<Member>, T)> = Vec::new();
        for d in done {
            match d {
                Done::Ready(i, t) => answers.push((self.members[i].order, t)),
                Done::Entered(m, t) => new.push((m, t)),
                Done::Failed(a, e) => self.failures.account(&a, e),
            }
        }
        for (m, t) in new {
            answers.push((m.order, t));
            self.members.push(*m);
        }
        self.members.sort_by_key(|m| m.order);
        let index = |order: usize| {
            self.members
                .iter()
                .position(|m| m.order == order)
                .expect("an answer comes from a member")
        };
        let mut answers: Vec<(usize, T)> = answers.into_iter().map(|(o, t)| (index(o), t)).collect();
        answers.sort_by_key(|(i, _)| *i);
        answers
    }

    /// The accounts' IDs named in `--accounts` when none is `all` or an OU;
    /// what `--apply` and other changes require.
    pub fn explicit_only(args: &AccountArgs) -> bool {
        args.accounts_file.is_some() || args.accounts.iter().all(|s| matches!(s, AccountSel::Id(_)))
    }

    /// A fleet of `targets` (the caller's account among them, if at all, as
    /// [`Access::Caller`]), none entered yet but the caller's.
    fn of_targets(aws: &Aws, targets: Vec<Target>, caller: AccountId, args: &AccountArgs) -> Self {
        let total = targets.len();
        let mut members = Vec::new();
        let mut pending = Vec::new();
        for (order, t) in targets.into_iter().enumerate() {
            match t.access {
                Access::Caller => members.push(Member {
                    account: Some(t.account),
                    aws: aws.clone(),
                    regions: t.regions,
                    order,
                }),
                Access::Role(_) => pending.push(Pending { target: t, order }),
            }
        }
        Self {
            members,
            pending,
            entry: Some(Entry {
                aws: aws.clone(),
                external_id: args.external_id.clone(),
                session: args.role_session_name.clone().unwrap_or_default(),
            }),
            multi: true,
            caller: Some(caller),
            failures: Failures {
                accounts_asked: total,
                ..Failures::default()
            },
        }
    }
}

/// Opens the run's accounts from the global flags: the caller's alone
/// without `--accounts`/`--accounts-file`, else every selected account, to
/// be entered by [`Fleet::enter`] or [`Fleet::run_each`].
pub async fn open(aws: &Aws, g: &GlobalArgs, out: &mut Output) -> Result<Fleet> {
    let args = &g.org;
    if !args.is_multi() {
        return Ok(Fleet::single(aws));
    }
    let file = match &args.accounts_file {
        Some(path) => Some(read_accounts_file(path)?),
        None => None,
    };
    let home = aws.home_region();
    let wants_org = args.accounts.iter().any(|s| !matches!(s, AccountSel::Id(_)));
    out.stage("reading the organization's accounts");
    let (caller, listed) = tokio::join!(aws.account_id(&home), async {
        if wants_org {
            discover(aws, &args.accounts).await.map(Some)
        } else {
            Ok(None)
        }
    });
    let caller: AccountId = caller?.parse()?;
    let chosen: Vec<(Account, Option<RoleArn>, Option<Vec<Region>>)> = if let Some(file) = file {
        file.into_iter()
            .map(
                |FileAccount {
                     account,
                     role,
                     regions,
                 }| (account, role, regions),
            )
            .collect()
    } else {
        let (found, inactive) = listed?.unwrap_or_default();
        if !inactive.is_empty() {
            out.note(&format!(
                "left out {} not ACTIVE: {}",
                plural(inactive.len(), "account"),
                inactive.iter().map(Account::label).collect::<Vec<_>>().join(", ")
            ));
        }
        let mut chosen: Vec<Account> = found;
        for s in &args.accounts {
            if let AccountSel::Id(id) = s
                && !chosen.iter().any(|a| &a.id == id)
            {
                chosen.push(Account {
                    id: id.clone(),
                    name: None,
                });
            }
        }
        chosen.into_iter().map(|a| (a, None, None)).collect()
    };
    let targets = account::targets(chosen, &args.exclude_accounts, &caller, &args.role());
    if targets.is_empty() {
        return Err(Error::Usage {
            message: "no account is left to read after `--exclude-accounts`".into(),
            hint: Some("name fewer accounts in `--exclude-accounts`".into()),
        });
    }
    Ok(Fleet::of_targets(aws, targets, caller, args))
}

/// The accounts of a spec that names some (`accounts = [...]`): the
/// caller's own (its teams without `accounts`, and the spec's budgets and
/// anomaly alerts) and each account named, less `--exclude-accounts`; none
/// entered yet but the caller's. `--accounts` and `--accounts-file` choose
/// instead, as for every command ([`open`]).
pub async fn open_named(aws: &Aws, g: &GlobalArgs, named: &[AccountId], out: &mut Output) -> Result<Fleet> {
    if g.org.is_multi() {
        return open(aws, g, out).await;
    }
    open_ids(aws, &g.org, named, true, &g.org.exclude_accounts).await
}

/// The accounts `ids` (and the caller's first, with `with_caller`), less
/// `exclude`, through `--role-name`; none entered yet but the caller's.
/// Reads the caller's account ID (`GetCallerIdentity`).
pub async fn open_ids(
    aws: &Aws,
    args: &AccountArgs,
    ids: &[AccountId],
    with_caller: bool,
    exclude: &[AccountId],
) -> Result<Fleet> {
    let caller: AccountId = aws.account_id(&aws.home_region()).await?.parse()?;
    let chosen = with_caller
        .then_some(&caller)
        .into_iter()
        .chain(ids)
        .map(|id| {
            (
                Account {
                    id: id.clone(),
                    name: None,
                },
                None,
                None,
            )
        })
        .collect();
    let targets = account::targets(chosen, exclude, &caller, &args.role());
    Ok(Fleet::of_targets(aws, targets, caller, args))
}

/// Reads and checks `--accounts-file`.
fn read_accounts_file(path: &std::path::Path) -> Result<Vec<FileAccount>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Usage {
        message: format!("cannot read the accounts file `{}`: {e}", path.display()),
        hint: None,
    })?;
    account::parse_accounts_file(&text).map_err(|e| Error::Usage {
        message: format!("`{}`: {e}", path.display()),
        hint: Some("the format is c7n-org's `accounts.yml`; see the README, section `Organizations`".into()),
    })
}

/// The ACTIVE accounts `--accounts` selects through Organizations (`all`,
/// or the OUs named), and the others left out.
async fn discover(aws: &Aws, sels: &[AccountSel]) -> Result<(Vec<Account>, Vec<Account>)> {
    let org = aws.organizations();
    let listed = if sels.contains(&AccountSel::All) {
        org.accounts().await?
    } else {
        let ous: Vec<_> = sels
            .iter()
            .filter_map(|s| match s {
                AccountSel::Ou(ou) => Some(ou),
                _ => None,
            })
            .collect();
        let found = futures::future::try_join_all(ous.iter().map(|ou| org.accounts_under(ou))).await?;
        found.into_iter().flatten().collect()
    };
    Ok(account::active(listed))
}

/// Enters one account: the caller's as it is, another through its role.
async fn enter(entry: &Entry, access: &Access) -> Result<Aws> {
    match access {
        Access::Caller => Ok(entry.aws.clone()),
        Access::Role(role) => entry
            .aws
            .assume(role, entry.external_id.as_ref(), &entry.session)
            .await
            .map_err(|e| match e {
                Error::Aws(f) => Error::Usage {
                    message: format!(
                        "cannot assume {role}: {}",
                        f.code
                            .as_deref()
                            .map_or_else(|| f.message.clone(), |c| format!("{c}: {}", f.message),)
                    ),
                    hint: None,
                },
                other => other,
            }),
    }
}

/// What failed in a run over accounts × regions: accounts that could not be
/// entered or read, and regions of an account that failed while the rest
/// answered. Reported after what worked was shown (exit 1).
#[derive(Default)]
pub struct Failures {
    /// (what failed: an account's label, or a region in single-account runs; the error)
    failed: Vec<(Option<Account>, Option<Region>, Error)>,
    /// Regions not enabled for an account, skipped with a warning under `--all-regions`.
    skipped: Vec<(Option<Account>, Region)>,
    accounts_asked: usize,
    regions_asked: usize,
}

impl Failures {
    /// An account that could not be entered, or failed as a whole.
    pub fn account(&mut self, account: &Account, e: Error) {
        self.failed.push((Some(account.clone()), None, e));
    }

    /// A member's failure: the whole account in a multi-account run, the
    /// command's error otherwise.
    pub fn member(&mut self, m: &Member, e: Error) -> Result<()> {
        match &m.account {
            Some(a) => {
                self.account(a, e);
                Ok(())
            }
            None => Err(e),
        }
    }

    /// A region of `m` that failed while others answered.
    pub fn region(&mut self, m: &Member, region: Region, e: Error) {
        self.failed.push((m.account.clone(), Some(region), e));
    }

    /// A region of `m` not enabled for its account: skipped, not a failure.
    pub fn skip(&mut self, m: &Member, region: Region) {
        self.skipped.push((m.account.clone(), region));
    }

    /// Whether `region` of `account` (`None`: the caller's own, in a
    /// single-account run) was read: it neither failed nor was skipped.
    pub fn was_read(&self, account: Option<&Account>, region: &Region) -> bool {
        let here = |a: &Option<Account>, r: &Region| a.as_ref() == account && r == region;
        !self.skipped.iter().any(|(a, r)| here(a, r))
            && !self
                .failed
                .iter()
                .any(|(a, r, _)| a.as_ref() == account && (r.is_none() || r.as_ref() == Some(region)))
    }

    /// Whether anything of `account` failed: entering it, or one of its regions.
    pub fn failed_in(&self, account: &Account) -> bool {
        self.failed.iter().any(|(a, _, _)| a.as_ref() == Some(account))
    }

    /// How many regions were read in a single-account run (for "N of M regions").
    pub fn asked_regions(&mut self, n: usize) {
        self.regions_asked += n;
    }

    pub fn is_empty(&self) -> bool {
        self.failed.is_empty()
    }

    /// Adds `other`'s failures, skips and counts to these.
    pub fn absorb(&mut self, other: Self) {
        self.failed.extend(other.failed);
        self.skipped.extend(other.skipped);
        self.accounts_asked += other.accounts_asked;
        self.regions_asked += other.regions_asked;
    }

    /// What failed, by name: a region (`eu-west-1`), an account
    /// (`234567890123`) or a region of an account (`eu-west-1 (234567890123)`).
    pub fn regions(&self) -> Vec<String> {
        self.failed
            .iter()
            .map(|(a, r, _)| match (a, r) {
                (Some(a), Some(r)) => format!("{r} ({})", a.id),
                (Some(a), None) => a.id.to_string(),
                (None, Some(r)) => r.to_string(),
                (None, None) => String::new(),
            })
            .collect()
    }

    /// The first failure's error (a single-account run in which every region failed).
    pub fn into_first(self) -> Option<Error> {
        self.failed.into_iter().next().map(|(_, _, e)| e)
    }

    /// `Ok` when nothing failed; else every failure, named (exit 1).
    pub fn finish(self) -> Result<()> {
        if self.failed.is_empty() {
            return Ok(());
        }
        let hint = self.failed.first().and_then(|(_, _, e)| e.hint());
        if self.accounts_asked == 0 {
            return Err(Error::Regions {
                total: self.regions_asked,
                hint,
                failed: self
                    .failed
                    .into_iter()
                    .map(|(_, r, e)| (r.map(|r| r.to_string()).unwrap_or_default(), e.to_string()))
                    .collect(),
            });
        }
        let hint = hint.or_else(|| {
            self.failed
                .iter()
                .any(|(_, r, e)| r.is_none() && e.to_string().starts_with("cannot assume"))
                .then(|| {
                    "the role must exist in the member and trust the caller's account; \
                     see the README, section `Organizations`"
                        .to_owned()
                })
        });
        Err(Error::Accounts {
            total: self.accounts_asked,
            hint,
            failed: self
                .failed
                .into_iter()
                .map(|(a, r, e)| {
                    let who = a.map_or_else(|| "the caller's account".to_owned(), |a| a.label());
                    let what = match r {
                        Some(r) => format!("{who} in {r}"),
                        None => who,
                    };
                    (what, e.to_string())
                })
                .collect(),
        })
    }
}

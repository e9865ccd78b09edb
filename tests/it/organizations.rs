//! An AWS Organization read as one account: `--accounts all|ID|ou-…`,
//! `--accounts-file`, `--exclude-accounts`, members entered through
//! `AssumeRole`, a member that cannot be entered named after the rest,
//! prune's refusal to delete across unnamed accounts, and the payer's cost
//! by linked account. Counts come from the emulator's request log, per
//! `account`.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support::{INSTANTS, NOVA_PRO, World, world};

mod provision;

const MGMT: &str = "123456789012";
const ALPHA: &str = "234567890123";
const BETA: &str = "345678901234";
const GAMMA: &str = "456789012345";
const CLOSED: &str = "567890123456";
const ROLE: &str = "OrganizationAccountAccessRole";

/// An organization: management `mgmt`; `alpha` in Workloads/Prod, `beta` in
/// Workloads, `gamma` at the root, `closed` SUSPENDED; one profile each.
fn org(w: &World) {
    w.control(
        "POST",
        "/_emu/organizations",
        Some(json!({
            "management": {"id": MGMT, "name": "mgmt"},
            "ous": [
                {"name": "Workloads", "id": "ou-test-workloads"},
                {"name": "Prod", "parent": "Workloads", "id": "ou-test-production"},
            ],
            "accounts": [
                {"id": ALPHA, "name": "alpha", "ou": "Workloads/Prod"},
                {"id": BETA, "name": "beta", "ou": "Workloads"},
                {"id": GAMMA, "name": "gamma"},
                {"id": CLOSED, "name": "closed", "status": "SUSPENDED"},
            ],
        })),
    );
    for (account, name) in [
        (MGMT, "mgmt-chat"),
        (ALPHA, "alpha-chat"),
        (BETA, "beta-chat"),
        (GAMMA, "gamma-chat"),
        (CLOSED, "closed-chat"),
    ] {
        w.control(
            "POST",
            "/_emu/profiles",
            Some(json!({"account_id": account, "profiles": [
                {"region": "us-east-1", "name": name, "source": NOVA_PRO, "tags": {"Department": "Search"}}
            ]})),
        );
    }
    w.clear_requests();
}

/// `list ARGS -o json`, which must succeed: profile name → `(account, account_name)`.
fn listed(w: &World, args: &[&str]) -> BTreeMap<String, (String, String)> {
    let out = w.run(["list", "-o", "json"].iter().chain(args)).ok().json();
    by_name(&out)
}

fn by_name(out: &Value) -> BTreeMap<String, (String, String)> {
    out.as_array()
        .expect("a JSON array")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                (
                    p["account"].as_str().unwrap_or("").to_owned(),
                    p["account_name"].as_str().unwrap_or("").to_owned(),
                ),
            )
        })
        .collect()
}

/// Logged requests of `operation`, by the account they were made in.
fn per_account(w: &World, operation: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in w.requests() {
        if r["operation"] == operation {
            *out.entry(r["account"].as_str().unwrap_or("").to_owned())
                .or_default() += 1;
        }
    }
    out
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(a, n)| ((*a).to_owned(), *n)).collect()
}

#[test]
fn all_reads_every_active_account_each_entered_once_the_caller_as_itself() {
    let w = world();
    org(&w);
    let got = listed(&w, &["--accounts", "all"]);
    let want: BTreeMap<String, (String, String)> = [
        ("mgmt-chat", MGMT, "mgmt"),
        ("alpha-chat", ALPHA, "alpha"),
        ("beta-chat", BETA, "beta"),
        ("gamma-chat", GAMMA, "gamma"),
    ]
    .into_iter()
    .map(|(n, a, an)| (n.to_owned(), (a.to_owned(), an.to_owned())))
    .collect();
    assert_eq!(got, want, "the suspended account is left out");
    assert_eq!(per_account(&w, "ListAccounts"), counts(&[(MGMT, 1)]));
    // Every AssumeRole is made with the caller's credentials: one per member, none for itself.
    assert_eq!(per_account(&w, "AssumeRole"), counts(&[(MGMT, 3)]));
    assert_eq!(
        per_account(&w, "ListInferenceProfiles"),
        counts(&[(MGMT, 1), (ALPHA, 1), (BETA, 1), (GAMMA, 1)])
    );
}

#[test]
fn the_table_gains_an_account_column_only_across_accounts() {
    let w = world();
    org(&w);
    let many = w.run(["list", "--accounts", "all"]).ok().stdout();
    assert!(many.lines().next().unwrap().contains("ACCOUNT"), "{many}");
    assert!(many.contains("alpha"), "{many}");
    let one = w.run(["list"]).ok().stdout();
    assert!(!one.contains("ACCOUNT"), "{one}");
    let json = w.run(["list", "-o", "json"]).ok().json();
    assert!(json[0].get("account").is_none(), "{json}");
}

#[test]
fn explicit_ids_read_only_those_accounts_without_asking_organizations() {
    let w = world();
    org(&w);
    let got = listed(&w, &["--accounts", &format!("{ALPHA},{GAMMA}")]);
    assert_eq!(
        got.keys().cloned().collect::<Vec<_>>(),
        ["alpha-chat", "gamma-chat"]
    );
    assert_eq!(got["alpha-chat"].0, ALPHA);
    assert_eq!(w.count("organizations:*"), 0);
    assert_eq!(per_account(&w, "AssumeRole"), counts(&[(MGMT, 2)]));
}

#[test]
fn an_ou_reads_its_accounts_and_those_of_the_ous_below_it() {
    let w = world();
    org(&w);
    let got = listed(&w, &["--accounts", "ou-test-workloads"]);
    assert_eq!(
        got.keys().cloned().collect::<Vec<_>>(),
        ["alpha-chat", "beta-chat"]
    );
    // Workloads and its child Prod: one page each.
    assert_eq!(w.count("ListAccountsForParent"), 2);
    assert_eq!(w.count("ListOrganizationalUnitsForParent"), 2);
    assert_eq!(w.count("ListAccounts"), 0);
}

#[test]
fn exclusions_leave_accounts_unread_and_unentered() {
    let w = world();
    org(&w);
    let got = listed(
        &w,
        &[
            "--accounts",
            "all",
            "--exclude-accounts",
            &format!("{BETA},{MGMT}"),
        ],
    );
    assert_eq!(
        got.keys().cloned().collect::<Vec<_>>(),
        ["alpha-chat", "gamma-chat"]
    );
    assert!(!per_account(&w, "ListInferenceProfiles").contains_key(BETA));
    assert!(!per_account(&w, "ListInferenceProfiles").contains_key(MGMT));
    assert_eq!(w.count("AssumeRole"), 2);
}

#[test]
fn an_accounts_file_gives_each_account_its_role_and_regions() {
    let w = world();
    org(&w);
    // alpha is reachable only through the file's role.
    w.control(
        "DELETE",
        &format!("/_emu/iam/roles?account_id={ALPHA}&role_name={ROLE}"),
        None,
    );
    w.control(
        "POST",
        "/_emu/iam/roles",
        Some(json!({"account_id": ALPHA, "role_name": "AipctlReader", "trusted_accounts": [MGMT]})),
    );
    w.control(
        "POST",
        "/_emu/profiles",
        Some(json!({"account_id": ALPHA, "profiles": [
            {"region": "us-west-2", "name": "alpha-west", "source": NOVA_PRO}
        ]})),
    );
    w.clear_requests();
    let file = w.file(
        "accounts.yml",
        format!(
            "accounts:\n\
             - account_id: '{ALPHA}'\n  name: alpha-from-file\n  role: arn:aws:iam::{ALPHA}:role/AipctlReader\n  regions: [us-west-2]\n  tags: ['type:prod']\n\
             - account_id: '{GAMMA}'\n  name: gamma\n  regions: [us-east-1]\n"
        ),
    );
    let got = listed(&w, &["--accounts-file", file.to_str().unwrap()]);
    assert_eq!(
        got.keys().cloned().collect::<Vec<_>>(),
        ["alpha-west", "gamma-chat"],
        "alpha read in us-west-2 only"
    );
    assert_eq!(
        got["alpha-west"],
        (ALPHA.to_owned(), "alpha-from-file".to_owned())
    );
    assert_eq!(w.count("organizations:*"), 0);
    let regions: BTreeSet<String> = w
        .requests()
        .iter()
        .filter(|r| r["operation"] == "ListInferenceProfiles" && r["account"] == ALPHA)
        .map(|r| r["region"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(regions, BTreeSet::from(["us-west-2".to_owned()]));
}

#[test]
fn a_member_whose_role_cannot_be_assumed_is_named_after_the_others_are_shown() {
    let w = world();
    org(&w);
    w.control(
        "DELETE",
        &format!("/_emu/iam/roles?account_id={BETA}&role_name={ROLE}"),
        None,
    );
    w.clear_requests();
    let run = w.run(["list", "--accounts", "all", "-o", "json"]).code(1);
    let got = by_name(&run.json());
    assert_eq!(
        got.keys().cloned().collect::<Vec<_>>(),
        ["alpha-chat", "gamma-chat", "mgmt-chat"]
    );
    let err = run.stderr();
    assert!(err.contains("1 of 4 accounts failed"), "{err}");
    assert!(err.contains(&format!("{BETA} (beta)")), "{err}");
    assert!(err.contains("AccessDenied"), "{err}");
    assert!(!per_account(&w, "ListInferenceProfiles").contains_key(BETA));
}

/// The `account` of each entry of a JSON answer's `accounts`.
fn accounts_of(v: &Value) -> Vec<&str> {
    v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect()
}

#[test]
fn dashboards_are_put_in_each_account_and_one_that_fails_is_named_while_the_others_get_theirs() {
    let w = world();
    org(&w);
    let v = w
        .run(["dashboard", "chats", "--accounts", "all", "-o", "json"])
        .ok()
        .json();
    let accounts = accounts_of(&v);
    assert_eq!(accounts, [MGMT, ALPHA, BETA, GAMMA], "{v}");
    assert_eq!(
        per_account(&w, "PutDashboard")
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        [MGMT, ALPHA, BETA, GAMMA],
        "each account charts its own profiles in its own CloudWatch"
    );

    // beta's role is gone: beta gets no dashboard and is named; the others are put again.
    w.control(
        "DELETE",
        &format!("/_emu/iam/roles?account_id={BETA}&role_name={ROLE}"),
        None,
    );
    w.clear_requests();
    let run = w
        .run(["dashboard", "chats", "--accounts", "all", "-o", "json"])
        .code(1);
    let v = run.json();
    let accounts = accounts_of(&v);
    assert_eq!(accounts, [MGMT, ALPHA, GAMMA], "{v}");
    assert_eq!(v["profiles"], 3, "{v}");
    let err = run.stderr();
    assert!(err.contains("1 of 4 accounts failed"), "{err}");
    assert!(err.contains(&format!("{BETA} (beta)")), "{err}");
    assert_eq!(
        per_account(&w, "PutDashboard")
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        [MGMT, ALPHA, GAMMA]
    );
}

#[test]
fn usage_by_department_sums_the_accounts() {
    let w = world().at(INSTANTS[2]);
    org(&w);
    let run = w
        .run(["usage", "--accounts", "all", "--by", "Department", "-o", "json"])
        .ok()
        .json();
    let search = run["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == "Search")
        .expect("a Search row");
    assert_eq!(search["profiles"], 4);
    assert_eq!(
        per_account(&w, "GetMetricData")
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        [MGMT, ALPHA, BETA, GAMMA]
    );
}

#[test]
fn prune_dry_runs_across_the_organization_and_protects_blocked_accounts() {
    let w = world().at(INSTANTS[2]);
    w.control(
        "POST",
        "/_emu/organizations",
        Some(json!({"management": {"id": MGMT, "name": "mgmt"},
                    "accounts": [{"id": ALPHA, "name": "alpha"}, {"id": BETA, "name": "beta"}]})),
    );
    let old = w.time_days_ago(120);
    for account in [ALPHA, BETA] {
        w.control(
            "POST",
            "/_emu/profiles",
            Some(json!({"account_id": account, "profiles": [
                {"region": "us-east-1", "name": format!("idle-{account}"), "source": NOVA_PRO, "created_at": old}
            ]})),
        );
    }
    let rows = w
        .run([
            "prune",
            "--accounts",
            "all",
            "--protect-accounts",
            BETA,
            "-o",
            "json",
        ])
        .ok()
        .json();
    let action = |account: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["account"] == account)
            .map(|r| r["action"].as_str().unwrap().to_owned())
    };
    assert_eq!(action(ALPHA).as_deref(), Some("delete"));
    assert_eq!(action(BETA).as_deref(), Some("protected"));
    assert_eq!(w.count("DeleteInferenceProfile"), 0, "a dry run");

    w.clear_requests();
    w.run([
        "prune",
        "--accounts",
        &format!("{ALPHA},{BETA}"),
        "--protect-accounts",
        BETA,
        "--apply",
        "--yes",
    ])
    .ok();
    assert_eq!(per_account(&w, "DeleteInferenceProfile"), counts(&[(ALPHA, 1)]));
}

#[test]
fn prune_refuses_to_apply_across_accounts_not_named_and_sends_nothing() {
    let w = world();
    org(&w);
    for accounts in ["all", "ou-test-workloads"] {
        w.run(["prune", "--accounts", accounts, "--apply", "--yes"])
            .code(2)
            .stderr_has("named one by one");
    }
    assert_eq!(w.requests().len(), 0);
}

#[test]
fn cost_by_linked_account_equals_the_seeded_billing_with_names_from_one_page() {
    let w = world().at(INSTANTS[2]);
    org(&w);
    w.activate("Department", &w.date_days_ago(200));
    let amounts = [
        (MGMT, "12.3456789012"),
        (ALPHA, "40.10"),
        (ALPHA, "2.05"),
        (BETA, "7.777"),
        (CLOSED, "3.50"),
    ];
    let items: Vec<Value> = amounts
        .iter()
        .enumerate()
        .map(|(i, (account, cost))| {
            json!({"date": w.date_days_ago(3 + i64::try_from(i).unwrap()), "service": "Amazon Bedrock", "cost": cost,
                   "linked_account": account, "region": "us-east-1", "tags": {"Department": "Search"}})
        })
        .collect();
    w.control(
        "POST",
        "/_emu/cost-line-items",
        Some(json!({"line_items": items})),
    );
    let mut seeded: BTreeMap<String, Decimal> = BTreeMap::new();
    for (account, cost) in amounts {
        *seeded.entry(account.to_owned()).or_default() += cost.parse::<Decimal>().unwrap();
    }
    w.clear_requests();

    let report = w
        .run([
            "cost",
            "--by",
            "account",
            "--last",
            "30d",
            "--no-cache",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let mut got: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for r in report["rows"].as_array().unwrap() {
        let Some(account) = r["group"].as_str().map(str::to_owned) else {
            // The (untagged) row the report always has: nothing outside the accounts.
            assert_eq!(r["total"], "0.00", "{report}");
            continue;
        };
        *got.entry(account.clone()).or_default() += r["total"].as_str().unwrap().parse::<Decimal>().unwrap();
        names.insert(account, r["account_name"].as_str().unwrap_or("").to_owned());
    }
    assert_eq!(got, seeded);
    assert_eq!(names[ALPHA], "alpha");
    assert_eq!(
        names[CLOSED], "closed",
        "a suspended account's spend keeps its name"
    );
    assert_eq!(w.count("ce:GetCostAndUsage"), 1);
    assert_eq!(w.count("ListAccounts"), 1);

    let only = w
        .run([
            "cost",
            "--accounts",
            &format!("{ALPHA},{BETA}"),
            "--last",
            "30d",
            "--no-cache",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let total: Decimal = only["total"].as_str().unwrap().parse().unwrap();
    assert_eq!(total, seeded[ALPHA] + seeded[BETA]);
    assert_eq!(only["accounts"], json!([ALPHA, BETA]));
    // The table says which accounts its spend is limited to; unfiltered, it says nothing.
    let table = w
        .run(["cost", "--accounts", &format!("{ALPHA},{BETA}"), "--last", "30d"])
        .ok()
        .stdout();
    let footer = table.lines().last().unwrap();
    assert!(
        footer.ends_with(&format!("· linked accounts {ALPHA} (alpha), {BETA} (beta)")),
        "{table}"
    );
    let every = w.run(["cost", "--last", "30d"]).ok().stdout();
    assert!(!every.contains("linked account"), "{every}");
    let json = w.run(["cost", "--last", "30d", "-o", "json"]).ok().json();
    assert!(json.get("accounts").is_none(), "{json}");
}

#[test]
fn changes_one_profile_at_a_time_refuse_accounts() {
    let w = world();
    for args in [
        vec!["tag", "x", "K=V", "--accounts", ALPHA],
        vec!["untag", "x", "K", "--accounts", ALPHA],
        vec!["delete", "x", "--accounts", ALPHA],
        vec!["create", "x", "--model", NOVA_PRO, "--accounts", "all"],
        // Reads that do not cross accounts (yet) refuse rather than ignore the flag.
        vec!["prices", "--accounts", ALPHA],
        vec!["models", "--accounts", ALPHA],
        vec!["cost-tags", "--accounts", "all"],
        vec!["cost", "--reconcile", "--accounts", ALPHA],
        vec!["budgets", "--accounts", "all"],
        vec!["policy", "operator", "--accounts", "all"],
    ] {
        w.run(&args).code(2).stderr_has("works in one account");
    }
    assert_eq!(w.requests().len(), 0);
}

/// The demo organization's accounts (`awsemu/demo.py`).
const SEARCH_PROD: &str = "234567890123";
const DATA_SCIENCE: &str = "345678901234";
const SHARED_SERVICES: &str = "567890123456";
const HAIKU_US: &str = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const DEMO_REGIONS: &str = "us-east-1,us-west-2,eu-west-1";

/// The demo organization, plus bypass traffic in search-prod: a system
/// profile called directly yesterday.
fn demo_org(w: &World) -> [u64; 4] {
    w.control("POST", "/_emu/seed", Some(json!({"scenario": "demo"})));
    let tokens = [123_457, 2_345, 0, 0];
    w.control(
        "POST",
        "/_emu/usage",
        Some(json!({"account_id": SEARCH_PROD, "records": [{
            "region": "us-east-1", "model_id": HAIKU_US, "date": w.date_days_ago(1), "invocations": 7,
            "input_tokens": tokens[0], "output_tokens": tokens[1], "cache_read_tokens": 0, "cache_write_tokens": 0,
        }]})),
    );
    w.clear_requests();
    tokens
}

#[test]
fn coverage_reads_every_account_with_its_credentials_and_rows_carry_the_account() {
    let w = world().at(INSTANTS[2]);
    let bypass_tokens = demo_org(&w);
    let args = ["coverage", "--region", DEMO_REGIONS, "--since", "7d"];
    let v = w
        .run(args.iter().chain(&["--accounts", "all", "-o", "json"]))
        .ok()
        .json();

    // Each ACTIVE account read in each region with its own credentials; the suspended one not at all.
    assert_eq!(
        per_account(&w, "ListMetrics"),
        counts(&[
            (MGMT, 3),
            (SEARCH_PROD, 3),
            (DATA_SCIENCE, 3),
            (SHARED_SERVICES, 3)
        ])
    );
    assert_eq!(
        per_account(&w, "GetMetricData")
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([MGMT.to_owned(), SEARCH_PROD.to_owned(), DATA_SCIENCE.to_owned()]),
        "shared-services has no ModelId to read"
    );
    let series = v["series"].as_array().unwrap();
    assert!(
        series.iter().all(|s| s["account"].is_string()),
        "every row names its account"
    );
    let accounts: BTreeSet<&str> = series.iter().map(|s| s["account"].as_str().unwrap()).collect();
    assert_eq!(accounts, BTreeSet::from([MGMT, SEARCH_PROD, DATA_SCIENCE]));

    // The member's bypass traffic, in its account, with exactly the seeded tokens.
    let bypass = v["bypass"].as_array().unwrap();
    let member = bypass
        .iter()
        .find(|b| b["account"] == SEARCH_PROD)
        .expect("search-prod's bypass");
    assert_eq!(
        (&member["model_id"], &member["account_name"], &member["regions"]),
        (&json!(HAIKU_US), &json!("search-prod"), &json!(["us-east-1"]))
    );
    assert_eq!(member["tokens"]["total"], bypass_tokens.iter().sum::<u64>());
    // The management account's own bypass callers (the demo's untagged spend) stay its own.
    let mgmt: BTreeSet<&str> = bypass
        .iter()
        .filter(|b| b["account"] == MGMT)
        .map(|b| b["model_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        mgmt,
        BTreeSet::from([
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "amazon.nova-lite-v1:0",
            "eu.amazon.nova-micro-v1:0"
        ])
    );
    // data-science's profile without a Department, named in its account.
    assert!(
        v["unattributed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["profile"] == "ds-scratch-haiku" && u["account"] == DATA_SCIENCE),
        "{}",
        v["unattributed"]
    );
    let departments: BTreeSet<(&str, &str)> = v["departments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["account"] != MGMT)
        .map(|d| (d["account"].as_str().unwrap(), d["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        departments,
        BTreeSet::from([(SEARCH_PROD, "Search"), (DATA_SCIENCE, "DataScience")])
    );

    // The table gains an ACCOUNT column across accounts only.
    let table = w.run(args.iter().chain(&["--accounts", "all"])).ok().stdout();
    assert!(table.lines().next().unwrap().contains("ACCOUNT"), "{table}");
    assert!(table.contains("search-prod"), "{table}");
    let one = w.run(args).ok();
    assert!(!one.stdout().lines().next().unwrap().contains("ACCOUNT"));
    let single = w.run(args.iter().chain(&["-o", "json"])).ok().json();
    assert!(single["series"][0].get("account").is_none());
}

#[test]
fn coverage_names_a_member_that_fails_after_the_report() {
    let w = world().at(INSTANTS[2]);
    demo_org(&w);
    w.control(
        "DELETE",
        &format!("/_emu/iam/roles?account_id={DATA_SCIENCE}&role_name={ROLE}"),
        None,
    );
    w.clear_requests();
    let run = w
        .run([
            "coverage",
            "--accounts",
            "all",
            "--region",
            DEMO_REGIONS,
            "--since",
            "7d",
            "-o",
            "json",
        ])
        .code(1);
    let err = run.stderr();
    assert!(err.contains("1 of 4 accounts failed"), "{err}");
    assert!(err.contains(&format!("{DATA_SCIENCE} (data-science)")), "{err}");
    let v = run.json();
    let accounts: BTreeSet<&str> = v["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, BTreeSet::from([MGMT, SEARCH_PROD]), "the rest is shown");
    assert!(!per_account(&w, "ListMetrics").contains_key(DATA_SCIENCE));
}

#[test]
fn coverage_billed_from_the_payer_reads_only_the_accounts_asked_for_as_cost_does() {
    let w = world().at(INSTANTS[2]);
    demo_org(&w);
    // `--since 7d` at 2026-11-22 13:00 covers 2026-11-15 to 2026-11-22.
    let cost = w
        .run([
            "cost",
            "--accounts",
            SEARCH_PROD,
            "--from",
            "2026-11-15",
            "--to",
            "2026-11-22",
            "-o",
            "json",
        ])
        .ok()
        .json();
    w.clear_requests();
    let base = [
        "coverage",
        "--region",
        DEMO_REGIONS,
        "--since",
        "7d",
        "--billed",
        "-o",
        "json",
    ];
    let v = w.run(base.iter().chain(&["--accounts", SEARCH_PROD])).ok().json();
    assert_eq!(
        w.count("ce:GetCostAndUsage"),
        0,
        "the request `cost --accounts` sent, answered from its cache"
    );
    let total = |v: &Value| -> Decimal { v["billed"]["total"]["total"].as_str().unwrap().parse().unwrap() };
    let linked: Decimal = cost["total"].as_str().unwrap().parse().unwrap();
    assert_eq!(total(&v), linked);
    assert!(linked > Decimal::ZERO);
    assert_eq!(v["billed"]["linked_accounts"], json!([SEARCH_PROD]));
    let whole = w.run(base).ok().json();
    assert!(
        total(&whole) > linked,
        "the payer's whole bill is more than search-prod's"
    );
}

#[test]
fn describe_finds_a_profile_in_whichever_account_holds_it() {
    let w = world();
    org(&w);
    let card = w
        .run(["describe", "beta-chat", "--accounts", "all", "-o", "json"])
        .ok()
        .json();
    assert_eq!(card["account"], BETA);
    assert_eq!(card["account_name"], "beta");
    w.control(
        "POST",
        "/_emu/profiles",
        Some(json!({"account_id": GAMMA, "profiles": [
            {"region": "us-east-1", "name": "beta-chat", "source": NOVA_PRO}
        ]})),
    );
    w.run(["describe", "beta-chat", "--accounts", "all"])
        .code(2)
        .stderr_has("more than one account");
}

//! `plan` and `apply` of a spec whose teams name `accounts`, against the
//! demo organization (the caller manages it; every ACTIVE member has
//! `OrganizationAccountAccessRole` trusting it): changes grouped by account,
//! each made through the member's role, a member that cannot be entered
//! named while the rest is applied, orphans per account only with
//! `--prune`, saved plans re-checked per account, and budgets kept in the
//! caller's account. Counts come from the emulator's request log, per
//! `account`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{counts, per_account};
use crate::support::{World, world};

const MGMT: &str = "123456789012";
/// search-prod, in Workloads/Production.
const SEARCH: &str = "234567890123";
/// data-science, in Workloads/Research.
const SCIENCE: &str = "345678901234";
const ROLE: &str = "OrganizationAccountAccessRole";

/// The demo account with its organization, the request log cleared.
fn demo() -> World {
    let w = world();
    w.control("POST", "/_emu/seed", Some(json!({"scenario": "demo"})));
    w.clear_requests();
    w
}

/// Team `search` in both members, team `platform` in the caller's account,
/// one model in one region; a budget for each department.
fn spec_v1() -> String {
    format!(
        r#"name = "org-teams"

[defaults]
regions = ["us-east-1"]
models = ["nova"]
budget = {{ monthly = 100 }}

[models.nova]
source = "amazon.nova-pro-v1:0"

[teams.search]
department = "Search"
accounts = ["{SEARCH}", "{SCIENCE}"]

[teams.platform]
department = "Platform"
"#
    )
}

/// `search` only in search-prod; a new team `research` in data-science;
/// `platform` gone.
fn spec_v2() -> String {
    format!(
        r#"name = "org-teams"

[defaults]
regions = ["us-east-1"]
models = ["nova"]

[models.nova]
source = "amazon.nova-pro-v1:0"

[teams.search]
department = "Search"
accounts = ["{SEARCH}"]

[teams.research]
department = "DataScience"
accounts = ["{SCIENCE}"]
"#
    )
}

/// `(account, action, name)` of each change of a plan's JSON, in order.
fn changes(plan: &Value) -> Vec<(String, String, String)> {
    plan["changes"]
        .as_array()
        .expect("a plan has changes")
        .iter()
        .map(|c| {
            (
                c["account"].as_str().unwrap_or("").to_owned(),
                c["action"].as_str().unwrap().to_owned(),
                c["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn change(account: &str, action: &str, name: &str) -> (String, String, String) {
    (account.into(), action.into(), name.into())
}

/// Logged requests that change a profile, by account.
fn writes(w: &World) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for op in [
        "CreateInferenceProfile",
        "DeleteInferenceProfile",
        "TagResource",
        "UntagResource",
    ] {
        for (account, n) in per_account(w, op) {
            *out.entry(account).or_default() += n;
        }
    }
    out
}

#[test]
fn a_spec_with_accounts_is_planned_by_account_and_applied_through_each_role() {
    let w = demo();
    let spec = w.file("org.toml", spec_v1());
    let spec = spec.to_str().unwrap();

    let plan = w.run(["plan", "-f", spec, "-o", "json"]).ok().json();
    assert_eq!(plan["format"], "aipctl-plan/4");
    assert_eq!(
        changes(&plan),
        [
            change(MGMT, "create", "platform-nova"),
            change(SEARCH, "create", "search-nova"),
            change(SCIENCE, "create", "search-nova"),
        ]
    );
    assert_eq!(plan["fingerprint"]["accounts"], json!([MGMT, SEARCH, SCIENCE]));
    // Each member entered once, from the caller; nothing written by a plan.
    assert_eq!(per_account(&w, "AssumeRole"), counts(&[(MGMT, 2)]));
    assert!(writes(&w).is_empty(), "{:?}", writes(&w));
    // Budgets are read and planned in the caller's (payer) account only.
    assert_eq!(
        per_account(&w, "DescribeBudgets")
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        [MGMT]
    );

    let table = w.run(["plan", "-f", spec]).ok().stdout();
    let header = table.lines().find(|l| l.contains("ACTION")).unwrap();
    assert!(header.contains("ACCOUNT"), "{table}");
    assert!(table.contains(SCIENCE), "{table}");

    w.clear_requests();
    let applied = w.run(["apply", "-f", spec, "--yes", "-o", "json"]).ok().json();
    assert_eq!(
        per_account(&w, "CreateInferenceProfile"),
        counts(&[(MGMT, 1), (SEARCH, 1), (SCIENCE, 1)])
    );
    assert_eq!(per_account(&w, "CreateBudget"), counts(&[(MGMT, 2)]));
    let created: Vec<(String, String)> = applied
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["result"] == "created" && !o["arn"].as_str().unwrap_or("").is_empty())
        .map(|o| {
            (
                o["account"].as_str().unwrap().to_owned(),
                o["arn"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(created.len(), 3, "{applied}");
    for (account, arn) in &created {
        assert!(arn.contains(&format!(":{account}:")), "{arn} is in {account}");
    }

    // The members now hold what the spec says: a second apply writes nothing.
    w.clear_requests();
    w.run(["apply", "-f", spec, "--yes"])
        .ok()
        .stderr_has("nothing to do");
    assert!(writes(&w).is_empty(), "{:?}", writes(&w));
    assert_eq!(w.count("CreateBudget") + w.count("UpdateBudget"), 0);
}

#[test]
fn a_member_whose_role_cannot_be_assumed_is_named_while_the_rest_is_applied() {
    let w = demo();
    w.control(
        "DELETE",
        &format!("/_emu/iam/roles?account_id={SCIENCE}&role_name={ROLE}"),
        None,
    );
    w.clear_requests();
    let spec = w.file("org.toml", spec_v1());
    let run = w.run(["apply", "-f", spec.to_str().unwrap(), "--yes"]).code(1);
    let err = run.stderr();
    assert!(err.contains("1 of 3 accounts failed"), "{err}");
    assert!(err.contains(SCIENCE), "{err}");
    assert!(err.contains("AccessDenied"), "{err}");
    assert_eq!(
        per_account(&w, "CreateInferenceProfile"),
        counts(&[(MGMT, 1), (SEARCH, 1)])
    );
    assert!(!per_account(&w, "ListInferenceProfiles").contains_key(SCIENCE));
}

#[test]
fn orphans_are_found_in_each_account_and_deleted_only_with_prune() {
    let w = demo();
    let v1 = w.file("v1.toml", spec_v1());
    w.run(["apply", "-f", v1.to_str().unwrap(), "--yes"]).ok();
    let v2 = w.file("v2.toml", spec_v2());
    let v2 = v2.to_str().unwrap();

    let plan = w.run(["plan", "-f", v2, "-o", "json"]).ok().json();
    assert_eq!(
        changes(&plan),
        [
            change(MGMT, "orphan", "platform-nova"),
            change(SCIENCE, "create", "research-nova"),
            change(SCIENCE, "orphan", "search-nova"),
        ]
    );
    // The demo's own profiles (no spec, or another) are never orphans.
    assert_eq!(plan["summary"]["orphan"], 2);

    w.clear_requests();
    w.run(["apply", "-f", v2, "--yes"]).ok();
    assert_eq!(per_account(&w, "CreateInferenceProfile"), counts(&[(SCIENCE, 1)]));
    assert_eq!(
        w.count("DeleteInferenceProfile"),
        0,
        "orphans kept without --prune"
    );

    w.clear_requests();
    w.run(["apply", "-f", v2, "--yes", "--prune"]).ok();
    assert_eq!(
        per_account(&w, "DeleteInferenceProfile"),
        counts(&[(MGMT, 1), (SCIENCE, 1)])
    );
    w.clear_requests();
    let again = w.run(["plan", "-f", v2, "-o", "json"]).ok().json();
    assert!(changes(&again).is_empty(), "{again}");
}

#[test]
fn accounts_on_the_command_line_narrow_the_spec_to_them() {
    let w = demo();
    let spec = w.file("org.toml", spec_v1());
    let spec = spec.to_str().unwrap();

    let run = w
        .run(["plan", "-f", spec, "--accounts", SEARCH, "-o", "json"])
        .ok();
    assert_eq!(changes(&run.json()), [change(SEARCH, "create", "search-nova")]);
    let err = run.stderr();
    assert!(
        err.contains("2 profiles of the spec are in accounts or regions not read"),
        "{err}"
    );
    assert!(
        err.contains("budgets and anomaly alerts are in the caller's account"),
        "{err}"
    );
    assert_eq!(per_account(&w, "AssumeRole"), counts(&[(MGMT, 1)]));
    assert_eq!(
        per_account(&w, "ListInferenceProfiles")
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        [SEARCH]
    );
    assert_eq!(w.count("DescribeBudgets"), 0);

    // `--exclude-accounts` alone leaves one of the spec's accounts out.
    w.clear_requests();
    let plan = w
        .run(["plan", "-f", spec, "--exclude-accounts", SCIENCE, "-o", "json"])
        .ok()
        .json();
    assert_eq!(
        changes(&plan),
        [
            change(MGMT, "create", "platform-nova"),
            change(SEARCH, "create", "search-nova"),
        ]
    );
    assert!(!per_account(&w, "ListInferenceProfiles").contains_key(SCIENCE));
    // An accounts file chooses the accounts, each in its own regions.
    let file = w.file(
        "accounts.yml",
        format!("accounts:\n- account_id: '{SEARCH}'\n  regions: [us-west-2]\n- account_id: '{SCIENCE}'\n"),
    );
    let run = w
        .run([
            "plan",
            "-f",
            spec,
            "--accounts-file",
            file.to_str().unwrap(),
            "-o",
            "json",
        ])
        .ok();
    assert_eq!(changes(&run.json()), [change(SCIENCE, "create", "search-nova")]);
    run.stderr_has(&format!("({MGMT}, us-east-1 of {SEARCH})"));
}

#[test]
fn a_saved_plan_across_accounts_is_rechecked_in_each_before_it_runs() {
    let w = demo();
    let spec = w.file("org.toml", spec_v1());
    let spec = spec.to_str().unwrap();
    let saved = w.home().join("plan.json");
    let saved = saved.to_str().unwrap();
    w.run(["plan", "-f", spec, "--out", saved])
        .ok()
        .stderr_has(&format!("accounts {MGMT}, {SEARCH}, {SCIENCE}"));
    w.run(["apply", "--plan", saved, "--accounts", SEARCH])
        .code(2)
        .stderr_has("names its own regions and accounts");

    // Since the plan, someone made `search-nova` in search-prod.
    w.control(
        "POST",
        "/_emu/profiles",
        Some(json!({"account_id": SEARCH, "profiles": [
            {"region": "us-east-1", "name": "search-nova", "source": "amazon.nova-pro-v1:0"}
        ]})),
    );
    w.clear_requests();
    w.run(["apply", "--plan", saved, "--yes"])
        .code(1)
        .stderr_has(&format!(
            "`search-nova` in us-east-1 of account {SEARCH} now exists"
        ));
    assert!(writes(&w).is_empty(), "{:?}", writes(&w));
    // Each account was entered again and read.
    assert_eq!(per_account(&w, "AssumeRole"), counts(&[(MGMT, 2)]));

    // With search-prod out of reach, its change waits and the others run.
    w.control(
        "DELETE",
        &format!("/_emu/iam/roles?account_id={SEARCH}&role_name={ROLE}"),
        None,
    );
    w.clear_requests();
    w.run(["apply", "--plan", saved, "--yes"])
        .code(1)
        .stderr_has(SEARCH);
    assert_eq!(
        per_account(&w, "CreateInferenceProfile"),
        counts(&[(MGMT, 1), (SCIENCE, 1)])
    );
}

#[test]
fn a_spec_without_accounts_refuses_account_flags_before_any_request() {
    let w = world();
    let spec = w.file(
        "one.toml",
        "[defaults]\nregions = [\"us-east-1\"]\nmodels = [\"nova\"]\n[models.nova]\nsource = \"amazon.nova-pro-v1:0\"\n[teams.a]\ndepartment = \"A\"\n",
    );
    let spec = spec.to_str().unwrap();
    for args in [
        vec!["plan", "-f", spec, "--accounts", SEARCH],
        vec!["apply", "-f", spec, "--accounts-file", "accounts.yml"],
    ] {
        w.run(&args).code(2).stderr_has("names no accounts");
    }
    w.run(["plan", "-f", spec, "--role-name", "Reader"])
        .code(2)
        .stderr_has("`--role-name` only applies with `--accounts`");
    assert_eq!(w.requests().len(), 0);
}

#[test]
fn a_team_naming_the_callers_account_by_id_cannot_share_a_name_with_one_that_implies_it() {
    let w = demo();
    let spec = w.file(
        "clash.toml",
        format!(
            "[defaults]\nregions = [\"us-east-1\"]\nmodels = [\"nova\"]\n[models.nova]\nsource = \"amazon.nova-pro-v1:0\"\n\
             [teams.a]\ndepartment = \"A\"\nname = \"shared\"\naccounts = [\"{MGMT}\"]\n\
             [teams.b]\ndepartment = \"B\"\nname = \"shared\"\n"
        ),
    );
    w.run(["plan", "-f", spec.to_str().unwrap()])
        .code(2)
        .stderr_has("clash.toml:8: `teams.a.name`: team `a` and team `b` both get the name `shared` in us-east-1 of the caller's account");
    assert!(writes(&w).is_empty(), "nothing is written: {:?}", writes(&w));
}

//! Budgets and anomaly alerts from the spec (`plan`, `apply`) and `aipctl
//! budgets`, read back through the emulator's own Budgets and Cost Anomaly
//! Detection APIs (awsJson requests, as any SDK sends them), never from
//! aipctl's output alone.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support::{ACCOUNT, INSTANTS, NOVA_PRO, Run, World, snapshot, usage, world};

/// What aipctl may write to Budgets and Cost Anomaly Detection.
const ALERT_WRITES: &[&str] = &[
    "CreateBudget",
    "UpdateBudget",
    "DeleteBudget",
    "CreateNotification",
    "DeleteNotification",
    "CreateSubscriber",
    "DeleteSubscriber",
    "CreateAnomalyMonitor",
    "UpdateAnomalyMonitor",
    "DeleteAnomalyMonitor",
    "CreateAnomalySubscription",
    "UpdateAnomalySubscription",
    "DeleteAnomalySubscription",
];

/// Two teams with a default budget; Search with its own limit and an anomaly alert.
const SPEC: &str = r#"name = "platform"

[defaults]
regions = ["us-east-1"]
models = ["nova"]
budget = { monthly = 2000, notify = ["finops@example.com"], thresholds = [80, 100], forecast = true }

[models.nova]
source = "amazon.nova-pro-v1:0"

[teams.search]
department = "Search"
budget = { monthly = 50 }
anomaly = { threshold_usd = 100, notify = ["finops@example.com"] }

[teams.support]
department = "Support"
"#;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/org.toml")
}

fn spec(w: &World, text: &str) -> PathBuf {
    w.file("spec.toml", text)
}

fn apply(w: &World, path: &Path, extra: &[&str]) -> Run {
    let args = ["apply", "-f", path.to_str().unwrap(), "--yes", "-o", "json"];
    w.run(args.iter().chain(extra))
}

/// One awsJson 1.1 request to the emulator, signed for `scope` like an SDK's
/// (the emulator routes on the credential scope and maps the key to the
/// account); the answer, or a panic naming the error.
fn api(w: &World, scope: &str, target: &str, body: &Value) -> Value {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261122/us-east-1/{scope}/aws4_request, SignedHeaders=host, Signature=0"
    );
    match ureq::post(&format!("{}/", w.url))
        .timeout(Duration::from_secs(60))
        .set("Authorization", &auth)
        .set("X-Amz-Target", target)
        .set("Content-Type", "application/x-amz-json-1.1")
        .send_string(&body.to_string())
    {
        Ok(r) => r.into_json().unwrap(),
        Err(ureq::Error::Status(code, r)) => panic!(
            "{target} answered {code}: {}",
            r.into_string().unwrap_or_default()
        ),
        Err(e) => panic!("{target} failed: {e}"),
    }
}

fn budgets_api(w: &World, op: &str, body: &Value) -> Value {
    api(w, "budgets", &format!("AWSBudgetServiceGateway.{op}"), body)
}

fn ce_api(w: &World, op: &str, body: &Value) -> Value {
    api(w, "ce", &format!("AWSInsightsIndexService.{op}"), body)
}

/// Every budget of the account, by name, as `DescribeBudgets` gives it.
fn budgets(w: &World) -> Vec<Value> {
    budgets_api(
        w,
        "DescribeBudgets",
        &json!({"AccountId": ACCOUNT, "ShowFilterExpression": true}),
    )["Budgets"]
        .as_array()
        .unwrap()
        .clone()
}

pub(crate) fn budget(w: &World, name: &str) -> Option<Value> {
    budgets(w).into_iter().find(|b| b["BudgetName"] == name)
}

/// `(type threshold, [addresses])` of each notification of a budget.
fn notifications(w: &World, name: &str) -> Vec<(String, Vec<String>)> {
    let listed = budgets_api(
        w,
        "DescribeNotificationsForBudget",
        &json!({"AccountId": ACCOUNT, "BudgetName": name}),
    );
    listed["Notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let mut n = n.clone();
            n.as_object_mut().unwrap().remove("NotificationState");
            let subs = budgets_api(
                w,
                "DescribeSubscribersForNotification",
                &json!({"AccountId": ACCOUNT, "BudgetName": name, "Notification": n}),
            );
            let addresses = subs["Subscribers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["Address"].as_str().unwrap().to_owned())
                .collect();
            (
                format!(
                    "{} {} {}",
                    n["NotificationType"].as_str().unwrap(),
                    n["ComparisonOperator"].as_str().unwrap(),
                    n["Threshold"]
                ),
                addresses,
            )
        })
        .collect()
}

fn monitors(w: &World) -> Vec<Value> {
    ce_api(w, "GetAnomalyMonitors", &json!({}))["AnomalyMonitors"]
        .as_array()
        .unwrap()
        .clone()
}

fn subscriptions(w: &World) -> Vec<Value> {
    ce_api(w, "GetAnomalySubscriptions", &json!({}))["AnomalySubscriptions"]
        .as_array()
        .unwrap()
        .clone()
}

/// The budget and anomaly writes in the request log, in order.
fn alert_writes(w: &World) -> Vec<String> {
    w.calls()
        .into_iter()
        .filter(|(_, op)| ALERT_WRITES.contains(&op.as_str()))
        .map(|(_, op)| op)
        .collect()
}

fn names(budgets: &[Value]) -> Vec<&str> {
    budgets
        .iter()
        .map(|b| b["BudgetName"].as_str().unwrap())
        .collect()
}

#[test]
fn apply_makes_each_departments_budget_from_the_example_spec() {
    let w = world().at(INSTANTS[1]);
    apply(&w, &example(), &[]).ok();
    let all = budgets(&w);
    assert_eq!(
        names(&all),
        [
            "aipctl-platform-DataScience",
            "aipctl-platform-Finance",
            "aipctl-platform-Legal",
            "aipctl-platform-Marketing",
            "aipctl-platform-Platform",
            "aipctl-platform-Search",
            "aipctl-platform-Security",
            "aipctl-platform-Support",
        ]
    );
    let search = &all[5];
    assert_eq!(search["BudgetLimit"], json!({"Amount": "5000.0", "Unit": "USD"}));
    assert_eq!(search["TimeUnit"], "MONTHLY");
    assert_eq!(search["BudgetType"], "COST");
    assert_eq!(search["Metrics"], json!(["UnblendedCost"]));
    let filter = &search["FilterExpression"]["And"];
    assert_eq!(
        filter[0]["Tags"],
        json!({"Key": "Department", "Values": ["Search"], "MatchOptions": ["EQUALS"]})
    );
    assert_eq!(filter[1]["Dimensions"]["Key"], "SERVICE");
    let services: Vec<&str> = filter[1]["Dimensions"]["Values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(services.contains(&"Amazon Bedrock"), "{services:?}");
    assert!(services.iter().all(|s| s.contains("Bedrock")), "{services:?}");
    assert!(search.get("CostFilters").is_none(), "{search}");
    assert_eq!(all[0]["BudgetLimit"]["Amount"], "8000.0");
    assert_eq!(all[2]["BudgetLimit"]["Amount"], "2000.0");

    let both = vec![
        "finops@example.com".to_owned(),
        "maria.garcia@example.com".to_owned(),
    ];
    assert_eq!(
        notifications(&w, "aipctl-platform-Search"),
        [
            ("ACTUAL GREATER_THAN 80.0".to_owned(), both.clone()),
            ("ACTUAL GREATER_THAN 100.0".to_owned(), both.clone()),
            ("FORECASTED GREATER_THAN 100.0".to_owned(), both),
        ]
    );
    let ds: Vec<String> = notifications(&w, "aipctl-platform-DataScience")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        ds,
        [
            "ACTUAL GREATER_THAN 50.0",
            "ACTUAL GREATER_THAN 80.0",
            "ACTUAL GREATER_THAN 100.0",
            "ACTUAL GREATER_THAN 120.0",
            "FORECASTED GREATER_THAN 100.0",
        ]
    );

    let monitors = monitors(&w);
    assert_eq!(monitors.len(), 1);
    assert_eq!(monitors[0]["MonitorName"], "aipctl-platform-Search");
    assert_eq!(monitors[0]["MonitorType"], "CUSTOM");
    assert_eq!(
        monitors[0]["MonitorSpecification"],
        json!({"Tags": {"Key": "Department", "Values": ["Search"]}})
    );
    let subs = subscriptions(&w);
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0]["MonitorArnList"], json!([monitors[0]["MonitorArn"]]));
    assert_eq!(subs[0]["Frequency"], "DAILY");
    assert_eq!(
        subs[0]["ThresholdExpression"],
        json!({"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": ["100"]}})
    );
    assert_eq!(subs[0]["Subscribers"][0]["Address"], "maria.garcia@example.com");
    assert_eq!(subs[0]["Subscribers"][0]["Type"], "EMAIL");

    // The second apply reads, and writes nothing.
    w.clear_requests();
    apply(&w, &example(), &[])
        .ok()
        .stderr_has("Budgets: 8 unchanged.")
        .stderr_has("Anomaly alerts: 1 unchanged.");
    assert_eq!(alert_writes(&w), Vec::<String>::new());
    assert!(w.count("budgets:DescribeBudgets") >= 1);
    assert!(w.count("ce:GetAnomalyMonitors") >= 1);
}

#[test]
fn a_changed_amount_updates_the_same_budget_and_nothing_else() {
    let w = world().at(INSTANTS[1]);
    let path = spec(&w, SPEC);
    apply(&w, &path, &[]).ok();
    let before = budget(&w, "aipctl-platform-Search").unwrap();
    assert_eq!(before["BudgetLimit"]["Amount"], "50.0");

    let path = spec(&w, &SPEC.replace("monthly = 50 }", "monthly = 75.5 }"));
    let plan = w
        .run(["plan", "-f", path.to_str().unwrap(), "-o", "json"])
        .ok()
        .json();
    assert_eq!(plan["format"], "aipctl-plan/3");
    assert_eq!(plan["budgets"][0]["action"], "update");
    assert_eq!(
        plan["budgets"][0]["changes"],
        json!(["limit 50 USD -> 75.5 USD a month"])
    );
    assert_eq!(
        plan["summary"]["budgets"],
        json!({"create": 0, "update": 1, "orphan": 0, "unchanged": 1})
    );
    w.run(["plan", "-f", path.to_str().unwrap(), "--detailed-exitcode"])
        .code(4);

    w.clear_requests();
    let out = apply(&w, &path, &[]).ok();
    assert_eq!(alert_writes(&w), ["UpdateBudget"]);
    assert!(
        out.json()
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "aipctl-platform-Search" && o["result"] == "updated"),
        "{}",
        out.stdout()
    );
    let after = budget(&w, "aipctl-platform-Search").unwrap();
    assert_eq!(after["BudgetLimit"]["Amount"], "75.5");
    assert_eq!(after["FilterExpression"], before["FilterExpression"]);
    assert_eq!(budgets(&w).len(), 2, "the same budget, updated in place");
    assert_eq!(notifications(&w, "aipctl-platform-Search").len(), 3);

    // A threshold and an address changed: notifications and subscribers move, the budget stays.
    let path = spec(
        &w,
        &SPEC
            .replace("monthly = 50 }", "monthly = 75.5, thresholds = [90, 100] }")
            .replace("threshold_usd = 100", "threshold_usd = 250"),
    );
    w.clear_requests();
    apply(&w, &path, &[]).ok();
    let mut writes = alert_writes(&w);
    writes.sort();
    assert_eq!(
        writes,
        [
            "CreateNotification",
            "DeleteNotification",
            "UpdateAnomalySubscription"
        ]
    );
    let shown: Vec<String> = notifications(&w, "aipctl-platform-Search")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        shown,
        [
            "ACTUAL GREATER_THAN 100.0",
            "FORECASTED GREATER_THAN 100.0",
            "ACTUAL GREATER_THAN 90.0",
        ]
    );
    assert_eq!(
        subscriptions(&w)[0]["ThresholdExpression"]["Dimensions"]["Values"],
        json!(["250"])
    );
    w.clear_requests();
    apply(&w, &path, &[]).ok();
    assert_eq!(alert_writes(&w), Vec::<String>::new(), "converged");
}

/// `SPEC` with Support gone and no budget or alert left.
const SEARCH_ONLY: &str = r#"name = "platform"

[defaults]
regions = ["us-east-1"]
models = ["nova"]

[models.nova]
source = "amazon.nova-pro-v1:0"

[teams.search]
department = "Search"
"#;

#[test]
fn a_removed_teams_budget_and_monitor_go_only_with_prune() {
    let w = world().at(INSTANTS[1]);
    apply(&w, &spec(&w, SPEC), &[]).ok();
    let path = spec(&w, SEARCH_ONLY);
    let plan = w
        .run(["plan", "-f", path.to_str().unwrap(), "-o", "json"])
        .ok()
        .json();
    let actions: Vec<String> = plan["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["action"].as_str().unwrap(),
                c["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        actions,
        ["orphan aipctl-platform-Search", "orphan aipctl-platform-Support"],
        "a spec with no budget left still finds its budgets"
    );
    assert_eq!(
        plan["anomalies"],
        json!([]),
        "no `anomaly` entry: Cost Anomaly Detection is not read"
    );
    assert_eq!(plan["summary"]["anomalies"], Value::Null);

    w.clear_requests();
    apply(&w, &path, &[])
        .ok()
        .stdout_has("budget orphan; pass `--prune` to delete it");
    assert_eq!(alert_writes(&w), Vec::<String>::new());
    assert_eq!(budgets(&w).len(), 2);

    w.clear_requests();
    apply(&w, &path, &["--prune"]).ok();
    assert_eq!(alert_writes(&w), ["DeleteBudget", "DeleteBudget"]);
    assert_eq!(names(&budgets(&w)), Vec::<&str>::new());
    assert_eq!(monitors(&w).len(), 1, "not read, so not deleted");

    // An alert for another department: Search's monitor is now an orphan.
    let other = SEARCH_ONLY.replace(
        "department = \"Search\"\n",
        "department = \"Search\"\n\n[teams.ranking]\ndepartment = \"Ranking\"\nanomaly = { threshold_usd = 5, notify = [\"x@example.com\"] }\n",
    );
    let path = spec(&w, &other);
    apply(&w, &path, &[])
        .ok()
        .stdout_has("anomaly monitor orphan; pass `--prune` to delete it");
    assert_eq!(monitors(&w).len(), 2);
    w.clear_requests();
    apply(&w, &path, &["--prune"]).ok();
    assert_eq!(
        alert_writes(&w),
        ["DeleteAnomalySubscription", "DeleteAnomalyMonitor"]
    );
    let left: Vec<String> = monitors(&w)
        .iter()
        .map(|m| m["MonitorName"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(left, ["aipctl-platform-Ranking"]);
    assert_eq!(subscriptions(&w).len(), 1);
}

#[test]
fn budgets_and_monitors_aipctl_did_not_make_are_never_touched() {
    let w = world().at(INSTANTS[1]);
    let legal = |name: &str, department: &str| {
        json!({"AccountId": ACCOUNT, "Budget": {
            "BudgetName": name, "BudgetLimit": {"Amount": "10", "Unit": "USD"},
            "TimeUnit": "MONTHLY", "BudgetType": "COST", "Metrics": ["UnblendedCost"],
            "FilterExpression": {"Tags": {"Key": "Department", "Values": [department]}}}})
    };
    // By hand; another spec's (`platform-eu`, whose names also start with
    // `aipctl-platform-`); and one named like aipctl's whose filter says otherwise.
    budgets_api(&w, "CreateBudget", &legal("legal-by-hand", "Legal"));
    budgets_api(&w, "CreateBudget", &legal("aipctl-platform-eu-Legal", "Legal"));
    budgets_api(&w, "CreateBudget", &legal("aipctl-platform-Finance", "Payroll"));
    ce_api(
        &w,
        "CreateAnomalyMonitor",
        &json!({"AnomalyMonitor": {"MonitorName": "aipctl-platform-Legal", "MonitorType": "CUSTOM",
            "MonitorSpecification": {"Tags": {"Key": "CostCenter", "Values": ["CC-1050"]}}}}),
    );
    let before = budgets(&w);
    let path = spec(&w, SPEC);
    w.clear_requests();
    apply(&w, &path, &["--prune"]).ok();
    let mut writes = alert_writes(&w);
    writes.sort();
    assert_eq!(
        writes,
        [
            "CreateAnomalyMonitor",
            "CreateAnomalySubscription",
            "CreateBudget",
            "CreateBudget"
        ]
    );
    let after = budgets(&w);
    for b in &before {
        let now = after.iter().find(|a| a["BudgetName"] == b["BudgetName"]);
        assert_eq!(now.map(|n| &n["BudgetLimit"]), Some(&b["BudgetLimit"]), "{b}");
    }
    assert_eq!(monitors(&w).len(), 2);
    let shown = w.run(["budgets", "-o", "json"]).ok().json();
    let shown: Vec<&str> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        shown,
        [
            "aipctl-platform-Search",
            "aipctl-platform-Support",
            "aipctl-platform-eu-Legal"
        ],
        "aipctl's budgets, of every spec; not those made by hand"
    );
    assert_eq!(
        w.run(["budgets", "--all", "-o", "json"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // A name this spec wants, held by a budget on another department: refused at the spec line.
    let clash = SPEC.replace("department = \"Support\"", "department = \"Finance\"");
    w.run(["plan", "-f", spec(&w, &clash).to_str().unwrap()])
        .code(2)
        .stderr_has("spec.toml:6: `defaults.budget`: the budget `aipctl-platform-Finance` exists and watches department `Payroll`, not `Finance`");
}

/// Search's profile with traffic last month and this month, the tag active.
fn seed_spend(w: &World) -> (Decimal, Value) {
    let p = w.seed_profiles(
        json!([{"region": "us-east-1", "name": "search-nova", "source": NOVA_PRO,
        "tags": {"Department": "Search"}, "created_at": w.time_days_ago(60)}]),
    )[0]
    .clone();
    w.activate("Department", &w.date_days_ago(90));
    let record = |days_ago: i64, input: u64| {
        usage(&p, &w.date_days_ago(days_ago))
            .invocations(100)
            .tokens([input, input / 10, 0, 0])
            .json()
    };
    // Last month (a history, so AWS forecasts) and this month.
    let cost = |records: Vec<Value>| -> Decimal {
        let out = w.control("POST", "/_emu/usage", Some(json!({ "records": records })));
        let cost = &out["cost_usd"];
        cost.as_str()
            .map_or_else(|| cost.to_string(), str::to_owned)
            .parse()
            .unwrap()
    };
    cost((30..34).map(|d| record(d, 1_000_000)).collect());
    let this_month = cost((0..5).map(|d| record(d, 3_000_000 + d.unsigned_abs())).collect());
    (this_month, p)
}

#[test]
fn budgets_shows_the_spend_aws_computes_and_fail_over_gates_on_it() {
    let w = world().at(INSTANTS[1]);
    let (this_month, _) = seed_spend(&w);
    assert!(this_month > Decimal::ZERO);
    apply(&w, &spec(&w, SPEC), &[]).ok();
    let from_api = budget(&w, "aipctl-platform-Search").unwrap();
    let api_actual: Decimal = from_api["CalculatedSpend"]["ActualSpend"]["Amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        api_actual.round_dp(2),
        this_month.round_dp(2),
        "the emulator bills the seeded usage"
    );

    let rows = w.run(["budgets", "-o", "json"]).ok().json();
    let search = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "aipctl-platform-Search")
        .unwrap()
        .clone();
    assert_eq!(search["actual"], api_actual.round_dp(2).to_string().as_str());
    assert_eq!(search["limit"], "50.00");
    assert_eq!(search["department"], "Search");
    assert_eq!(search["spec"], "platform");
    let forecast: Decimal = search["forecast"].as_str().unwrap().parse().unwrap();
    let api_forecast: Decimal = from_api["CalculatedSpend"]["ForecastedSpend"]["Amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(forecast, api_forecast.round_dp(2));
    let used = (api_actual * Decimal::ONE_HUNDRED / Decimal::from(50)).round_dp(1);
    assert_eq!(
        search["used_percent"].as_f64(),
        rust_decimal::prelude::ToPrimitive::to_f64(&used)
    );
    let crossed: Vec<(&str, bool)> = search["thresholds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["notification"].as_str().unwrap(),
                t["crossed"].as_bool().unwrap(),
            )
        })
        .collect();
    let over = |pct: i64| api_actual * Decimal::ONE_HUNDRED > Decimal::from(50 * pct);
    assert_eq!(
        crossed,
        [
            ("actual > 80%", over(80)),
            ("actual > 100%", over(100)),
            ("forecast > 100%", api_forecast > Decimal::from(50)),
        ]
    );

    // The gate, both ways, around the share Search has used.
    let below = (used - Decimal::ONE).max(Decimal::new(1, 1)).to_string();
    let above = (used + Decimal::ONE).to_string();
    w.run(["budgets", "--fail-over", &below])
        .code(6)
        .stderr_has("1 budget over")
        .stderr_has("aipctl-platform-Search (");
    w.run(["budgets", "--fail-over", &above])
        .ok()
        .stderr_has("no budget has spent more than");
    w.run(["budgets", "--fail-over", "0"]).code(2);
}

#[test]
fn the_budgets_table_as_users_see_it() {
    let w = world().at(INSTANTS[1]);
    seed_spend(&w);
    apply(&w, &spec(&w, SPEC), &[]).ok();
    let table = w.run(["budgets"]).ok();
    snapshot!(
        "budgets_table",
        format!("{}--- stderr ---\n{}", table.stdout(), table.stderr())
    );
    w.run(["budgets", "-o", "csv"])
        .ok()
        .stdout_has("name,spec,department,unit,limit,actual,forecast,used_percent,crossed\n");

    let path = spec(
        &w,
        &SPEC
            .replace("monthly = 50 }", "monthly = 60 }")
            .replace("threshold_usd = 100", "threshold_usd = 90"),
    );
    let plan = w.run(["plan", "-f", path.to_str().unwrap()]).ok();
    snapshot!(
        "plan_with_budgets",
        format!("{}--- stderr ---\n{}", plan.stdout(), plan.stderr())
    );
}

#[test]
fn a_saved_plan_refuses_a_budget_changed_since() {
    let w = world().at(INSTANTS[1]);
    let path = spec(&w, SPEC);
    apply(&w, &path, &[]).ok();
    let changed = spec(&w, &SPEC.replace("monthly = 50 }", "monthly = 60 }"));
    let saved = w.home().join("plan.json");
    w.run([
        "plan",
        "-f",
        changed.to_str().unwrap(),
        "--out",
        saved.to_str().unwrap(),
    ])
    .ok();
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(
        file["fingerprint"]["budgets"][0]["name"],
        "aipctl-platform-Search"
    );

    // Someone edits the budget in the console.
    let mut b = budget(&w, "aipctl-platform-Search").unwrap();
    b["BudgetLimit"]["Amount"] = json!("55");
    let b = json!({"AccountId": ACCOUNT, "NewBudget": {"BudgetName": b["BudgetName"], "BudgetLimit": b["BudgetLimit"],
        "TimeUnit": "MONTHLY", "BudgetType": "COST", "Metrics": b["Metrics"], "FilterExpression": b["FilterExpression"]}});
    budgets_api(&w, "UpdateBudget", &b);
    w.clear_requests();
    w.run(["apply", "--plan", saved.to_str().unwrap(), "--yes"])
        .code(1)
        .stderr_has("budget `aipctl-platform-Search` was changed");
    assert_eq!(alert_writes(&w), Vec::<String>::new());

    // A fresh plan applies exactly, with no spec at hand.
    w.run([
        "plan",
        "-f",
        changed.to_str().unwrap(),
        "--out",
        saved.to_str().unwrap(),
    ])
    .ok();
    std::fs::remove_file(&changed).unwrap();
    w.clear_requests();
    w.run(["apply", "--plan", saved.to_str().unwrap(), "--yes"]).ok();
    assert_eq!(alert_writes(&w), ["UpdateBudget"]);
    assert_eq!(
        budget(&w, "aipctl-platform-Search").unwrap()["BudgetLimit"]["Amount"],
        "60.0"
    );

    // A plan of the old format says nothing about budgets: refused before any request.
    let old = std::fs::read_to_string(&saved)
        .unwrap()
        .replace("aipctl-plan/3", "aipctl-plan/2");
    std::fs::write(&saved, old).unwrap();
    w.clear_requests();
    w.run(["apply", "--plan", saved.to_str().unwrap(), "--yes"])
        .code(2)
        .stderr_has("this aipctl reads `aipctl-plan/3`");
    assert!(w.calls().is_empty());
}

#[test]
fn without_billing_access_budgets_say_who_can_manage_them() {
    let w = world().at(INSTANTS[1]);
    w.faults(json!([{"service": "budgets", "operation": "*", "error": "AccessDeniedException",
        "message": "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: budgets:ViewBudget"}]));
    w.run(["plan", "-f", spec(&w, SPEC).to_str().unwrap()])
        .code(1)
        .stderr_has("AccessDeniedException")
        .stderr_has("only the management (payer) account, or an account whose IAM users have been given access to billing")
        .stderr_has("`budgets:ViewBudget`");
    w.run(["budgets"]).code(1).stderr_has("can use AWS Budgets");

    // A spec without budgets plans its profiles all the same.
    let no_budgets = SPEC
        .replace(
            "budget = { monthly = 2000, notify = [\"finops@example.com\"], thresholds = [80, 100], forecast = true }\n",
            "",
        )
        .replace("budget = { monthly = 50 }\n", "")
        .replace("anomaly = { threshold_usd = 100, notify = [\"finops@example.com\"] }\n", "");
    w.run(["plan", "-f", spec(&w, &no_budgets).to_str().unwrap()])
        .ok()
        .stderr_has("Plan: 2 to create");
}

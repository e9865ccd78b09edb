//! The bad-input suite: malformed invocations across every command, each
//! exiting 2 with a message that names the field and the rule, and not one
//! AWS request in the emulator's log.

use serde_json::json;

use crate::support::{NOVA_PRO, world};

#[test]
#[allow(clippy::too_many_lines)] // a table, one line a case
fn malformed_invocations_exit_2_name_the_rule_and_make_no_request() {
    let w = world();
    // Files the cases name, in the world's home; their paths as arguments.
    let file = |name: &str, text: &str| w.file(name, text).to_str().unwrap().to_owned();
    let foreign = json!({"kind": "aipctl-prune-plan", "version": 1, "created_at": "2026-11-01T00:00:00Z", "account": "123456789012",
           "regions": ["us-east-1"], "idle_seconds": 2_592_000,
           "profiles": [{"arn": "arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abcdefabcdef",
                         "name": "x", "region": "eu-west-1", "tags": {}}]})
    .to_string();
    let not_a_plan = file("not-a-plan.json", r#"{"kind": "something-else"}"#);
    let foreign_plan = file("foreign-plan.json", &foreign);
    let future_plan = file(
        "future-plan.json",
        &foreign.replace("\"version\":1", "\"version\":7"),
    );
    let spec_text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/org.toml")).unwrap();
    let broken_spec = file("broken.toml", "[defaults\nregions = [");
    let typo_spec = file(
        "typo.toml",
        &spec_text.replacen("department = ", "departmnt = ", 1),
    );
    let bad_region_spec = file(
        "region.toml",
        &spec_text.replacen("regions = [\"", "regions = [\"mars-north-1\", \"", 1),
    );
    // Budget entries AWS would refuse, each on line 4 of its spec.
    let budget_spec = |name: &str, entry: &str| {
        let text = format!(
            "[defaults]\nregions = [\"us-east-1\"]\nmodels = [\"nova\"]\n{entry}\n[models.nova]\nsource = \"amazon.nova-pro-v1:0\"\n[teams.search]\ndepartment = \"Search\"\n"
        );
        file(name, &text)
    };
    let negative_budget = budget_spec("b1.toml", "budget = { monthly = -20 }");
    let short_account = budget_spec("a1.toml", "accounts = [\"2345678901\"]");
    let numeric_account = budget_spec("a2.toml", "accounts = [234567890123]");
    let no_accounts = budget_spec("a3.toml", "");
    let bad_address = budget_spec(
        "b2.toml",
        "budget = { monthly = 20, notify = [\"finops@example\"], thresholds = [80] }",
    );
    let bad_threshold = budget_spec(
        "b3.toml",
        "budget = { monthly = 20, notify = [\"a@example.com\"], thresholds = [80, 1001] }",
    );
    let eleven: Vec<String> = (1..=11).map(|t| (t * 10).to_string()).collect();
    let too_many_notifications = budget_spec(
        "b4.toml",
        &format!(
            "budget = {{ monthly = 20, notify = [\"a@example.com\"], thresholds = [{}] }}",
            eleven.join(", ")
        ),
    );
    let two_topics = budget_spec(
        "b5.toml",
        "budget = { monthly = 20, thresholds = [100], notify = [\"arn:aws:sns:us-east-1:123456789012:a\", \"arn:aws:sns:us-east-1:123456789012:b\"] }",
    );
    let negative_anomaly = budget_spec(
        "b6.toml",
        "anomaly = { threshold_usd = -1, notify = [\"a@example.com\"] }",
    );
    let not_a_saved_plan = file("saved.json", "{}");
    let bad_profiles = file("profiles.json", "[{\"name\": 1}]");
    let bad_accounts = file("accounts.yml", "accounts:\n- account_id: '1234'\n");
    let foreign_role = file(
        "foreign-role.yml",
        "accounts:\n- account_id: '234567890123'\n  role: arn:aws:iam::345678901234:role/Reader\n",
    );
    let long_name = "n".repeat(65);
    let home = w.home().to_str().unwrap().to_owned();
    let report_out = w.home().join("r.html").to_str().unwrap().to_owned();
    // A window that ends in an earlier month, whatever today is.
    let before_this_month = (w.date_days_ago(70), w.date_days_ago(40));
    let long_key = format!("{}=v", "k".repeat(129));
    let long_value = format!("k={}", "v".repeat(257));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        // names
        (
            vec!["create", "_lead", "--model", NOVA_PRO],
            "must not start with `_`",
        ),
        (vec!["create", "a..b", "--model", NOVA_PRO], "`.` is not allowed"),
        (vec!["create", "a--b", "--model", NOVA_PRO], "two of"),
        (vec!["create", &long_name, "--model", NOVA_PRO], "1 to 64"),
        // models and ARNs
        (vec!["create", "ok", "--model", "claude"], "expected a model ID"),
        (
            vec!["create", "ok", "--model", "arn:aws:s3:::bucket/x"],
            "foundation-model or inference-profile ARN",
        ),
        (
            vec![
                "create",
                "ok",
                "--model",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
            ],
            "cannot be copied",
        ),
        (
            vec![
                "create",
                "ok",
                "--model",
                "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0",
            ],
            "--region us-west-2",
        ),
        (
            vec!["describe", "arn:aws:bedrock:us-east-1::foundation-model/x.y"],
            "application-inference-profile",
        ),
        (
            vec!["describe", "has/slash"],
            "profile name, a 12-character profile ID or an ARN",
        ),
        (
            vec![
                "delete",
                "arn:aws:bedrock:us-east-1:12345:application-inference-profile/x",
            ],
            "application-inference-profile",
        ),
        // tags
        (
            vec!["create", "ok", "--model", NOVA_PRO, "--tag", "Department"],
            "expected `KEY=VALUE`",
        ),
        (
            vec!["create", "ok", "--model", NOVA_PRO, "--tag", "aws:x=1"],
            "reserved for AWS",
        ),
        (
            vec!["create", "ok", "--model", NOVA_PRO, "--tag", &long_key],
            "1 to 128",
        ),
        (
            vec!["create", "ok", "--model", NOVA_PRO, "--tag", &long_value],
            "at most 256",
        ),
        (
            vec!["create", "ok", "--model", NOVA_PRO, "--tag", "aipctl:source=x"],
            "sets `aipctl:source` itself",
        ),
        (
            vec!["create", "ok", "--model", NOVA_PRO, "--department", ""],
            "cannot be empty",
        ),
        (
            vec![
                "create",
                "ok",
                "--model",
                NOVA_PRO,
                "--department",
                "A",
                "--tag",
                "Department=B",
            ],
            "conflicts with",
        ),
        (vec!["list", "--tag", "k=a,b"], "`,` is not allowed"),
        (vec!["list", "--untagged", ""], "1 to 128"),
        (vec!["tag", "p", "noequals"], "expected `KEY=VALUE`"),
        (vec!["tag", "p", "k=v;"], "`;` is not allowed"),
        (
            vec!["untag", "p", "aws:cloudformation:stack-id"],
            "reserved for AWS",
        ),
        // descriptions
        (
            vec!["create", "ok", "--model", NOVA_PRO, "--description", "has, comma"],
            "`,` is not allowed",
        ),
        (
            vec!["create", "ok", "--model", NOVA_PRO, "--description", ""],
            "1 to 200",
        ),
        // regions, endpoints, globs
        (vec!["list", "--region", "useast1"], "region code"),
        (vec!["list", "--region", "us-east-1,"], "region code"),
        (
            vec!["list", "--region", "us-east-1", "--all-regions"],
            "cannot be used with",
        ),
        (vec!["list", "--endpoint-url", "localhost:1"], "http://"),
        (vec!["list", "--name", "[x"], "not a valid glob"),
        (vec!["list", "--name", ""], "the glob is empty"),
        (vec!["list", "--concurrency", "0"], "0 is not in 1..=256"),
        (vec!["list", "--timeout", "0"], "0 is not in 1..=3600"),
        (
            vec!["list", "-o", "xml"],
            "possible values: table, json, yaml, text, csv",
        ),
        (vec!["list", "--query", "[?"], "not a JMESPath expression"),
        (vec!["cost", "--last", "6m"], "`m` is minutes; months are `mo`"),
        // dates and durations
        (vec!["usage", "--since", "7x"], "`7d`"),
        (vec!["usage", "--since", "0d"], "`7d`"),
        (vec!["usage", "--since", "456d"], "at most 454 days"),
        (vec!["usage", "--from", "2026-01-01"], "--to"),
        (
            vec!["usage", "--from", "2026-02-30", "--to", "2026-03-01"],
            "YYYY-MM-DD",
        ),
        (
            vec!["usage", "--from", "2026-03-02", "--to", "2026-03-01"],
            "is before",
        ),
        (
            vec!["usage", "--from", "2099-01-01", "--to", "2099-01-02"],
            "in the future",
        ),
        (
            vec![
                "usage",
                "--since",
                "7d",
                "--from",
                "2026-01-01",
                "--to",
                "2026-01-02",
            ],
            "cannot be used with",
        ),
        (vec!["usage", "--by", ""], "1 to 128"),
        (vec!["prune", "--idle", "30"], "`7d`"),
        (vec!["prune", "--grace", "two weeks"], "`7d`"),
        (vec!["prune", "--min-age", "0d"], "`7d`"),
        // dashboards
        (vec!["dashboard", "bad name"], "` ` is not allowed"),
        (
            vec!["dashboard", "d", "--print", "-o", "yaml"],
            "`--print` writes the dashboard bodies",
        ),
        (
            vec!["dashboard", "d", "--print", "--query", "widgets"],
            "`--query` do not apply",
        ),
        (vec!["policy", "operator", "-o", "csv"], "a policy is a document"),
        (
            vec!["policy", "read-only", "--query", "Statement"],
            "a policy is a document",
        ),
        (vec!["dashboard"], "required"),
        (
            vec!["dashboard", "d", "--from-json", &bad_profiles, "--print"],
            "not the JSON array `aipctl list -o json` writes",
        ),
        (
            vec!["dashboard", "d", "--from-json", "/nonexistent/p.json", "--print"],
            "cannot be read",
        ),
        // plan files and flag conflicts
        (vec!["prune", "--mark", "--apply"], "cannot be used with"),
        (
            vec!["prune", "--from-plan", &not_a_plan],
            "not an aipctl prune plan",
        ),
        (
            vec!["prune", "--from-plan", &foreign_plan],
            "outside the plan's regions",
        ),
        (vec!["prune", "--from-plan", &future_plan], "version 7"),
        (
            vec!["prune", "--from-plan", "/nonexistent/plan.json"],
            "cannot be read",
        ),
        (
            vec!["prune", "--from-plan", &not_a_plan, "--tag", "Department=x"],
            "cannot be used with",
        ),
        (vec!["delete"], "required"),
        (
            vec!["delete", "p", "--tag", "Department=x"],
            "cannot be used with",
        ),
        (vec!["completions", "tcsh"], "possible values"),
        // cost
        (
            vec!["cost", "--metric", "foo"],
            "invalid value 'foo' for '--metric",
        ),
        (
            vec!["cost", "--granularity", "weekly"],
            "invalid value 'weekly' for '--granularity",
        ),
        (vec!["cost", "--last", "7x"], "such as `7d`, `4w` or `6mo`"),
        (vec!["cost", "--month", "2026-13"], "`YYYY-MM`"),
        (vec!["cost", "--tag-key="], "1 to 128 characters"),
        (
            vec!["cost", "--from", "2026-11-05", "--to", "2026-11-01"],
            "is before `--from 2026-11-05`",
        ),
        // provisioning specs and saved plans
        (vec!["plan", "-f", &broken_spec], "broken.toml:1"),
        (vec!["plan", "-f", &typo_spec], "unknown field `departmnt`"),
        (vec!["apply", "-f", &bad_region_spec, "--yes"], "mars-north-1"),
        // budgets and anomaly alerts, refused at their line and field
        (
            vec!["plan", "-f", &negative_budget],
            "b1.toml:4: `defaults.budget.monthly`: the amount -20 must be more than 0 USD",
        ),
        (
            vec!["apply", "-f", &bad_address, "--yes"],
            "b2.toml:4: `defaults.budget.notify[0]`: invalid address `finops@example`",
        ),
        (
            vec!["plan", "-f", &bad_threshold],
            "b3.toml:4: `defaults.budget.thresholds[1]`: the threshold 1001% is outside 1-1000%",
        ),
        (
            vec!["plan", "-f", &too_many_notifications],
            "b4.toml:4: `defaults.budget`: 11 notifications (11 thresholds); AWS allows 10 per budget",
        ),
        (
            vec!["plan", "-f", &two_topics],
            "b5.toml:4: `defaults.budget`: 0 e-mail addresses and 2 SNS topics; AWS allows 10 and 1 per notification",
        ),
        (
            vec!["plan", "-f", &negative_anomaly],
            "b6.toml:4: `defaults.anomaly.threshold_usd`: the amount -1 must be 0 or more USD",
        ),
        (vec!["budgets", "--fail-over", "0"], "must be more than 0"),
        (
            vec!["budgets", "--fail-over", "lots"],
            "expected a number of percent",
        ),
        (
            vec!["plan", "-f", "/nonexistent/spec.toml"],
            "cannot read the spec",
        ),
        (vec!["plan"], "--file <SPEC>"),
        (vec!["apply"], "--file <SPEC>"),
        (
            vec!["apply", "-f", &typo_spec, "--plan", &not_a_saved_plan],
            "cannot be used with",
        ),
        (
            vec!["apply", "--plan", &not_a_saved_plan],
            "not a plan written by `aipctl plan --out`",
        ),
        // policies
        (vec!["policy", "invoke"], "required arguments were not provided"),
        (
            vec!["policy", "invoke", "p", "--tag", "K=V"],
            "cannot be used with",
        ),
        (
            vec!["policy", "invoke", "--format", "yaml", "p"],
            "invalid value 'yaml' for '--format",
        ),
        (vec!["policy", "invoke", "bad/name"], "expected a profile name"),
        (vec!["policy", "invoke", "--tag", "k=a,b"], "`,` is not allowed"),
        (
            vec!["policy", "stepfunctions"],
            "required arguments were not provided",
        ),
        (
            vec!["policy", "operator", "--format", "hcl"],
            "invalid value 'hcl' for '--format",
        ),
        // one value per tag key, and the usual spelling of well-known keys
        (
            vec![
                "create", "p", "--model", NOVA_PRO, "--tag", "Team=a", "--tag", "Team=b",
            ],
            "is given twice with different values (`a` and `b`)",
        ),
        (
            vec!["create", "p", "--model", NOVA_PRO, "--tag", "department=Search"],
            "use `Department`",
        ),
        (vec!["tag", "p", "owner=kim"], "use `Owner`"),
        (vec!["tag", "p", "Env=a", "Env=b"], "twice with different values"),
        // regions AWS does not have
        (
            vec!["list", "--region", "us-east-9"],
            "AIPCTL_EXTRA_REGIONS=us-east-9",
        ),
        (
            vec!["usage", "--region", "eu-west-1,mars-north-1"],
            "is not an AWS region",
        ),
        (vec!["usage", "--since", "455d"], "at most 454 days"),
        (
            vec!["prune", "--idle", "tomorrow"],
            "expected `today` or a whole number",
        ),
        // coverage: the gate's threshold, the window, the billed range
        (vec!["coverage", "--fail-under", "101"], "from 0 to 100"),
        (vec!["coverage", "--fail-under=-5"], "from 0 to 100"),
        (vec!["coverage", "--fail-under", "ninety"], "from 0 to 100"),
        (vec!["coverage", "--fail-under", ""], "from 0 to 100"),
        (vec!["coverage", "--since", "3x"], "`7d`"),
        (vec!["coverage", "--from", "2026-01-01"], "--to"),
        (vec!["coverage", "--tag-key", "a!b"], "`!` is not allowed"),
        (
            vec!["coverage", "--cache-ttl", "9d", "--billed"],
            "longer than 7 days",
        ),
        (
            vec![
                "coverage",
                "--billed",
                "--from",
                "2020-01-01",
                "--to",
                "2020-01-31",
            ],
            "Cost Explorer",
        ),
        // prices and money
        (vec!["prices", "--model", ""], "words of a model's name"),
        (vec!["prices", "--model", "a;b"], "words of a model's name"),
        (
            vec!["prices", "--model", "arn:aws:s3:::bucket/x"],
            "foundation-model or inference-profile ARN",
        ),
        (
            vec!["cost", "--reconcile", "--last", "7d"],
            "needs a closed window",
        ),
        (vec!["cost", "--reconcile", "--metric", "usage"], "compares money"),
        (vec!["cost", "--reconcile", "--forecast"], "cannot be used with"),
        (
            vec!["cost", "--reconcile", "--by", "service"],
            "cannot be used with",
        ),
        (vec!["describe", "p", "--no-prices"], "--usage"),
        (vec!["usage", "--no-prices", "--no-cache"], "cannot be used with"),
        // organizations: account and OU IDs, role names, accounts files, changes across accounts
        (
            vec!["list", "--accounts", "12345"],
            "`all`, a 12-digit account ID or an OU ID",
        ),
        (vec!["list", "--accounts", "2345678901234"], "12-digit account ID"),
        (
            vec!["list", "--accounts", "ou-ab1-cd34ef56"],
            "4 to 32 lowercase letters or digits",
        ),
        (vec!["list", "--accounts", "ou-ab12-CD34EF56"], "8 to 32 more"),
        (
            vec!["list", "--accounts", "all", "--exclude-accounts", "abc"],
            "12 digits",
        ),
        (
            vec!["list", "--accounts", "all", "--role-name", "has space"],
            "1 to 64 letters",
        ),
        (
            vec![
                "list",
                "--accounts",
                "all",
                "--role-name",
                "arn:aws:iam::234567890123:role/x",
            ],
            "not an ARN",
        ),
        (
            vec!["list", "--accounts", "all", "--external-id", "x"],
            "2 to 1224",
        ),
        (
            vec!["list", "--accounts", "all", "--role-session-name", "a b"],
            "2 to 64",
        ),
        (
            vec!["list", "--accounts-file", &bad_accounts],
            "entry 1 `account_id`",
        ),
        (
            vec!["list", "--accounts-file", &foreign_role],
            "the role is in account 345678901234",
        ),
        (
            vec!["prune", "--accounts", "all", "--apply", "--yes"],
            "named one by one",
        ),
        (
            vec!["prune", "--accounts", "ou-ab12-cd34ef56", "--mark"],
            "named one by one",
        ),
        (
            vec!["tag", "x", "K=V", "--accounts", "234567890123"],
            "works in one account",
        ),
        // account IDs in a spec, and account flags a spec gives no meaning to
        (
            vec!["plan", "-f", &short_account],
            "a1.toml:4: `defaults.accounts[0]`: invalid account ID `2345678901`",
        ),
        (
            vec!["apply", "-f", &numeric_account, "--yes"],
            "a2.toml:4: `defaults.accounts[0]`: write the account ID as a string",
        ),
        (
            vec!["plan", "-f", &no_accounts, "--accounts", "234567890123"],
            "names no accounts",
        ),
        (
            vec!["apply", "-f", &no_accounts, "--external-id", "abc123"],
            "`--external-id` only applies",
        ),
        // flags that choose or enter member accounts, without any accounts to read
        (
            vec!["list", "--exclude-accounts", "234567890123"],
            "`--exclude-accounts` only applies with `--accounts` or `--accounts-file`",
        ),
        (
            vec!["usage", "--role-name", "Reader"],
            "`--role-name` only applies with `--accounts`",
        ),
        (
            vec!["prune", "--external-id", "abc123"],
            "`--external-id` only applies",
        ),
        (
            vec![
                "describe",
                "x",
                "--role-session-name",
                "audit",
                "--role-name",
                "Reader",
            ],
            "`--role-name` and `--role-session-name` only apply",
        ),
        (
            vec!["tag", "x", "K=V", "--role-name", "Reader"],
            "or leave it out",
        ),
        (
            vec!["cost", "--accounts", "234567890123", "--role-name", "Reader"],
            "assumes no role, so `--role-name` does not apply",
        ),
        // report: the window, the file, the key
        (vec!["report"], "--out <FILE>"),
        (vec!["report", "--out", &report_out, "--since", "7x"], "`7d`"),
        (
            vec!["report", "--out", &report_out, "--since", "430d"],
            "invalid --since",
        ),
        (
            vec![
                "report",
                "--out",
                &report_out,
                "--from",
                "2026-03-02",
                "--to",
                "2026-03-01",
            ],
            "is before `--from 2026-03-02`",
        ),
        (vec!["report", "--out", &report_out, "--idle", "0d"], "`7d`"),
        (vec!["report", "--out", &report_out, "--tag-key="], "1 to 128"),
        (
            vec!["report", "--out", &report_out, "--cache-ttl", "8d"],
            "longer than 7 days",
        ),
        (
            vec!["report", "--out", "/nonexistent-dir/r.html"],
            "invalid --out `/nonexistent-dir/r.html`: cannot be written: the directory `/nonexistent-dir` does not exist",
        ),
        (vec!["report", "--out", &home], "is a directory"),
        (
            vec![
                "report",
                "--out",
                &report_out,
                "--from",
                &before_this_month.0,
                "--to",
                &before_this_month.1,
                "--forecast",
            ],
            "`--forecast` forecasts the rest of this month",
        ),
    ];
    assert!(cases.len() >= 40, "the suite promises at least 40 cases");
    for (args, needle) in &cases {
        w.run(args).code(2).stderr_has(needle);
    }
    assert!(
        w.calls().is_empty(),
        "no AWS request may be made: {:?}",
        w.calls()
    );
}

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
    let not_a_saved_plan = file("saved.json", "{}");
    let bad_profiles = file("profiles.json", "[{\"name\": 1}]");
    let long_name = "n".repeat(65);
    let home = w.home().to_str().unwrap().to_owned();
    let report_out = w.home().join("r.html").to_str().unwrap().to_owned();
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

//! What AWS CLI users reach for: `--query`, `-o yaml|text`, the default
//! format from `AWS_DEFAULT_OUTPUT` or the profile, `-v` that logs every
//! call, tables that fit the terminal, prompts that name the account,
//! `plan --detailed-exitcode`, and `aipctl models`.

use serde_json::json;

use crate::support::terminal::{on_a_terminal, on_terminal};
use crate::support::{INSTANTS, NOVA_PRO, SONNET_US, World, seed_three, snapshot, world};

/// Long names and models that make `list` wider than 80 columns.
fn wide(w: &World) {
    w.seed_profiles(json!([
        {"region": "us-east-1", "name": "platform-gateway-haiku", "source": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
         "tags": {"Department": "Customer Support", "Owner": "li.wei@example.com", "CostCenter": "CC-1070"},
         "created_at": w.time_days_ago(40)},
        {"region": "us-east-1", "name": "search-answers-sonnet", "source": SONNET_US,
         "tags": {"Department": "Search", "Owner": "dana@example.com", "CostCenter": "CC-2040"},
         "created_at": w.time_days_ago(12)},
    ]));
}

#[test]
fn tables_fit_an_80_column_terminal_without_breaking_words_and_keep_full_width_at_200() {
    let w = world().at(INSTANTS[2]);
    wide(&w);
    let narrow = on_terminal(&w, 80, &["list", "--columns", "Owner,CostCenter"], None);
    assert_eq!(narrow.code, 0, "{}", narrow.text);
    let table: Vec<&str> = narrow
        .text
        .lines()
        .filter(|l| !l.starts_with("profiles against"))
        .collect();
    for line in &table {
        assert!(line.chars().count() <= 80, "wider than the terminal: {line:?}");
    }
    assert!(
        !narrow.text.contains("v1:\n") && !narrow.text.contains("\n0 "),
        "no model ID broken across lines:\n{}",
        narrow.text
    );
    assert!(
        narrow.text.contains('…'),
        "long cells are elided:\n{}",
        narrow.text
    );
    snapshot!("list_80_columns", table.join("\n"));

    let roomy = on_terminal(&w, 200, &["list", "--columns", "Owner,CostCenter"], None);
    assert!(
        roomy.text.contains("anthropic.claude-haiku-4-5-20251001-v1:0"),
        "{}",
        roomy.text
    );
    assert!(!roomy.text.contains('…'), "{}", roomy.text);
    let table: Vec<&str> = roomy
        .text
        .lines()
        .filter(|l| !l.starts_with("profiles against"))
        .collect();
    snapshot!("list_200_columns", table.join("\n"));

    // A pipe keeps every column whole, whatever COLUMNS says.
    let piped = w
        .cmd()
        .env("COLUMNS", "40")
        .run(["list", "--columns", "Owner,CostCenter"])
        .ok()
        .stdout();
    assert!(
        piped.contains("anthropic.claude-haiku-4-5-20251001-v1:0"),
        "{piped}"
    );
}

#[test]
fn query_yaml_and_text_print_what_the_aws_cli_would() {
    let w = world().at(INSTANTS[2]);
    wide(&w);
    let names = w.run(["list", "--query", "[].name", "-o", "text"]).ok().stdout();
    assert_eq!(names, "platform-gateway-haiku\tsearch-answers-sonnet\n");
    let yaml = w
        .run([
            "list",
            "-o",
            "yaml",
            "--query",
            "[?tags.Department=='Search'].{name: name, owner: tags.Owner}",
        ])
        .ok()
        .stdout();
    snapshot!("list_query_yaml", yaml);
    let text = w
        .run([
            "list",
            "-o",
            "text",
            "--query",
            "[].[name, region, tags.CostCenter]",
        ])
        .ok()
        .stdout();
    assert_eq!(
        text,
        "platform-gateway-haiku\tus-east-1\tCC-1070\nsearch-answers-sonnet\tus-east-1\tCC-2040\n"
    );
    let table = w
        .run(["list", "--query", "[].{name: name, cc: tags.CostCenter}"])
        .ok()
        .stdout();
    assert!(table.contains("CC") && table.contains("CC-2040"), "{table}");
    let count = w
        .run(["list", "-o", "json", "--query", "length(@)"])
        .ok()
        .stdout();
    assert_eq!(count.trim(), "2");
}

#[test]
fn the_format_defaults_to_aws_default_output_then_the_profile_setting() {
    let w = world();
    seed_three(&w);
    let v = w
        .cmd()
        .env("AWS_DEFAULT_OUTPUT", "json")
        .run(["list"])
        .ok()
        .json();
    assert_eq!(v.as_array().unwrap().len(), 2, "the two profiles of us-east-1");
    w.file("no-config", "[default]\noutput = yaml\n");
    let yaml = w.run(["list", "--query", "[0].name"]).ok().stdout();
    assert!(
        !yaml.trim_start().starts_with('['),
        "yaml, not a table or JSON: {yaml}"
    );
    let flag_wins = w
        .cmd()
        .env("AWS_DEFAULT_OUTPUT", "json")
        .run(["list", "-o", "csv"])
        .ok()
        .stdout();
    assert!(flag_wins.starts_with("name,id,arn"), "{flag_wins}");
    w.cmd()
        .env("AWS_DEFAULT_OUTPUT", "xml")
        .run(["list"])
        .code(2)
        .stderr_has("invalid AWS_DEFAULT_OUTPUT `xml`: is not an output format");
    w.run(["list", "--no-cli-pager"]).ok();
}

#[test]
fn verbose_logs_one_line_per_aws_call_the_request_log_shows() {
    let w = world();
    seed_three(&w);
    w.clear_requests();
    let err = w
        .run(["list", "--region", "us-east-1,us-west-2", "-v", "-o", "json"])
        .ok()
        .stderr();
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("aws: ")).collect();
    let requests = w.requests();
    assert_eq!(lines.len(), requests.len(), "{err}");
    for r in &requests {
        let op = r["operation"].as_str().unwrap();
        let region = r["region"].as_str().unwrap();
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&format!(" {op} {region} 200 1 attempt "))),
            "no line for {op} in {region}:\n{err}"
        );
    }
    let quiet = w.run(["list", "-o", "json"]).ok().stderr();
    assert!(!quiet.contains("aws: "), "{quiet}");
}

#[test]
fn a_destructive_prompt_shows_the_plan_and_names_the_account() {
    let w = world();
    seed_three(&w);
    let screen = on_terminal(
        &w,
        200,
        &["delete", "support-nova"],
        Some(("Type `support-nova` to confirm:", "support-nova\n")),
    );
    assert_eq!(screen.code, 0, "{}", screen.text);
    assert!(
        screen.text.contains(
            "Delete `support-nova` in us-east-1 (account 123456789012)? Type `support-nova` to confirm:"
        ),
        "{}",
        screen.text
    );
    assert!(
        screen.text.find("DELETE").unwrap() < screen.text.find("Type `").unwrap(),
        "the plan comes first"
    );
    assert_eq!(w.count("DeleteInferenceProfile"), 1);
    // A wrong answer changes nothing.
    let screen = on_terminal(
        &w,
        200,
        &["delete", "search-sonnet"],
        Some(("to confirm:", "no\n")),
    );
    assert_eq!(screen.code, 3, "{}", screen.text);
    assert_eq!(w.count("DeleteInferenceProfile"), 1);
}

#[test]
fn plan_with_detailed_exitcode_says_whether_the_account_drifted() {
    let w = world();
    let spec = w.file(
        "one.toml",
        "[defaults]\nregions = [\"us-east-1\"]\nmodels = [\"nova\"]\n\n[models.nova]\nsource = \"amazon.nova-pro-v1:0\"\n\n[teams.search]\ndepartment = \"Search\"\n",
    );
    let spec = spec.to_str().unwrap();
    assert_eq!(
        w.run(["plan", "-f", spec, "--detailed-exitcode"]).exit_code(),
        Some(4)
    );
    w.run(["apply", "-f", spec, "--yes"]).ok();
    w.run(["plan", "-f", spec, "--detailed-exitcode"]).ok();
    w.run(["plan", "-f", spec]).ok();
}

#[test]
fn models_tell_on_demand_from_profile_only_and_name_the_system_profiles() {
    let w = world();
    let v = w
        .run([
            "models",
            "--region",
            "us-east-1",
            "--provider",
            "Anthropic",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let sonnet = v
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model_id"] == "anthropic.claude-sonnet-4-5-20250929-v1:0")
        .expect("Sonnet 4.5 is listed");
    assert_eq!(sonnet["on_demand"], false);
    assert_eq!(sonnet["system_profiles"][0]["id"], SONNET_US);
    assert!(
        sonnet["system_profiles"][0]["routed_regions"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
    let nova = w
        .run([
            "models",
            "--region",
            "us-east-1",
            "--provider",
            "Amazon",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert!(
        nova.as_array()
            .unwrap()
            .iter()
            .any(|m| m["model_id"] == NOVA_PRO && m["on_demand"] == true)
    );
    w.run(["models", "--region", "us-east-1", "--provider", "Nobody"])
        .ok()
        .stderr_has("no model of provider `Nobody` in us-east-1");
}

#[test]
fn a_missing_dashboard_exits_as_a_missing_profile_does() {
    let w = world();
    w.run(["dashboard", "nothing-here", "--delete", "--yes"])
        .code(1)
        .stderr_has("no dashboard `nothing-here` made by aipctl was found");
    w.run(["describe", "nothing-here"]).code(1);
}

#[test]
fn a_slow_command_shows_its_stage_and_answered_requests_on_a_terminal_and_nothing_when_piped() {
    let w = world();
    seed_three(&w);
    // Slow answers: the spinner (redrawn every 100 ms) has time to show.
    w.faults(json!([{"service": "cloudwatch", "operation": "*", "delay_ms": 1500}]));
    let screen = on_a_terminal(
        &w,
        "xterm-256color",
        120,
        &["usage", "--region", "us-east-1,us-west-2"],
        None,
    );
    assert_eq!(screen.code, 0, "{}", screen.text);
    assert!(
        screen.seen.contains("reading CloudWatch metrics of 3 profiles"),
        "the stage is named:\n{}",
        screen.seen
    );
    assert!(
        screen.seen.contains("AWS requests answered"),
        "answered requests are counted:\n{}",
        screen.seen
    );
    assert!(
        !screen.text.contains("answered"),
        "the spinner is gone once the table is printed:\n{}",
        screen.text
    );
    let piped = w.run(["usage", "--region", "us-east-1,us-west-2"]).ok().stderr();
    assert!(
        !piped.contains("reading CloudWatch") && !piped.contains("answered"),
        "no progress when stderr is not a terminal:\n{piped}"
    );
}

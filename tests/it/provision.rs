//! Declarative provisioning against the emulator: `aipctl plan -f SPEC` and
//! `aipctl apply -f SPEC | --plan FILE`, with the real binary over HTTP.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::{ACCOUNT, NOVA_PRO, PROFILE_ID, Run, World, names, snapshot, world};

const WRITES: &[&str] = &[
    "CreateInferenceProfile",
    "TagResource",
    "UntagResource",
    "DeleteInferenceProfile",
];

/// Two teams, one model, one region; the tests change it line by line.
const SMALL: &str = r#"[defaults]
regions = ["us-east-1"]
models = ["nova"]

[models.nova]
source = "amazon.nova-pro-v1:0"

[models.lite]
source = "amazon.nova-lite-v1:0"

[models.sonnet.per_region]
us-east-1 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"

[teams.search]
department = "Search"
cost_center = "CC-1010"

[teams.support]
department = "Support"
cost_center = "CC-1020"
"#;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/org.toml")
}

fn spec(w: &World, text: &str) -> PathBuf {
    w.file("spec.toml", text)
}

fn writes(w: &World) -> Vec<String> {
    w.calls()
        .into_iter()
        .filter(|(_, op)| WRITES.contains(&op.as_str()))
        .map(|(_, op)| op)
        .collect()
}

/// `aipctl apply -f PATH --yes -o json EXTRA`.
fn apply(w: &World, path: &Path, extra: &[&str]) -> Run {
    let args = ["apply", "-f", path.to_str().unwrap(), "--yes", "-o", "json"];
    w.run(args.iter().chain(extra))
}

fn plan_json(w: &World, path: &Path) -> Value {
    w.run(["plan", "-f", path.to_str().unwrap(), "-o", "json"])
        .ok()
        .json()
}

fn results(run: &Run) -> Vec<String> {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                o["name"].as_str().unwrap(),
                o["result"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn apply_creates_the_example_org_from_an_empty_account() {
    let w = world();
    let out = apply(&w, &example(), &[]).ok();
    let res = results(&out);
    // 48 profiles, 8 department budgets and Search's anomaly alert (tests/it/budgets.rs).
    assert_eq!(res.len(), 48 + 8 + 1);
    assert!(res.iter().all(|r| r.ends_with(" created")), "{res:?}");
    assert_eq!(w.count("CreateInferenceProfile"), 48);

    let all = w.profiles("us-east-1,eu-west-1");
    assert_eq!(all.len(), 48);
    let mut slots: Vec<String> = all
        .iter()
        .map(|p| format!("{} {}", p["region"], p["tags"]["aipctl:slot"]))
        .collect();
    slots.sort();
    slots.dedup();
    assert_eq!(slots.len(), 48, "one profile per team x model x region");
    let ds = all
        .iter()
        .find(|p| p["name"] == "ds-sonnet" && p["region"] == "eu-west-1")
        .unwrap();
    assert_eq!(ds["tags"]["aipctl:managed"], "true");
    assert_eq!(ds["tags"]["aipctl:spec"], "platform");
    assert_eq!(ds["tags"]["Department"], "DataScience");
    assert_eq!(ds["tags"]["CostCenter"], "CC-1070");
    assert_eq!(ds["tags"]["ManagedBy"], "platform-team");
    assert_eq!(
        ds["tags"]["aipctl:source"],
        format!(
            "arn:aws:bedrock:eu-west-1:{ACCOUNT}:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0"
        )
    );
    assert_eq!(ds["description"], "DataScience team: sonnet");
    let nova = all
        .iter()
        .find(|p| p["name"] == "search-nova-pro" && p["region"] == "us-east-1")
        .unwrap();
    assert_eq!(nova["routed_regions"], json!(["us-east-1"]));
}

#[test]
fn a_second_apply_makes_no_write_call() {
    let w = world();
    apply(&w, &example(), &[]).ok();
    w.clear_requests();
    apply(&w, &example(), &[])
        .ok()
        .stderr_has("No changes: 48 profiles match the spec.");
    assert_eq!(writes(&w), Vec::<String>::new());
    assert!(!w.calls().is_empty(), "the account was read");

    // `plan` then says so once, with no bare table header.
    let plan = w.run(["plan", "-f", example().to_str().unwrap()]).ok();
    assert_eq!(plan.stdout(), "", "no table for no changes");
    assert_eq!(
        plan.stderr()
            .matches("No changes: 48 profiles match the spec.")
            .count(),
        1,
        "{}",
        plan.stderr()
    );
}

#[test]
fn a_team_cost_center_change_is_a_retag_with_the_tag_diff() {
    let w = world();
    let path = spec(&w, SMALL);
    apply(&w, &path, &[]).ok();
    let arn_before = w
        .profiles("us-east-1")
        .into_iter()
        .find(|p| p["name"] == "search-nova")
        .unwrap()["arn"]
        .clone();

    spec(&w, &SMALL.replace("CC-1010", "CC-2010"));
    let plan = plan_json(&w, &path);
    assert_eq!(plan["summary"]["retag"], 1);
    assert_eq!(plan["summary"]["unchanged"], 1);
    let change = &plan["changes"][0];
    assert_eq!(change["action"], "retag");
    assert_eq!(change["name"], "search-nova");
    assert_eq!(change["arn"], arn_before);
    assert_eq!(
        change["tag_changes"],
        json!([{"key": "CostCenter", "before": "CC-1010", "after": "CC-2010"}])
    );

    w.clear_requests();
    let out = apply(&w, &path, &[]).ok();
    assert_eq!(results(&out), ["search-nova retagged"]);
    assert_eq!(writes(&w), ["TagResource"]);
    let after = w.profiles("us-east-1");
    let search = after.iter().find(|p| p["name"] == "search-nova").unwrap();
    assert_eq!(search["tags"]["CostCenter"], "CC-2010");
    assert_eq!(search["arn"], arn_before, "tags change in place");
}

#[test]
fn a_tag_removed_from_the_spec_is_removed_from_the_profile() {
    let w = world();
    let with_owner = SMALL.replace("CC-1020\"", "CC-1020\"\nowner = \"kenji\"");
    let path = spec(&w, &with_owner);
    apply(&w, &path, &[]).ok();
    spec(&w, SMALL);
    w.clear_requests();
    apply(&w, &path, &[]).ok();
    assert_eq!(writes(&w), ["UntagResource"]);
    let support = w
        .profiles("us-east-1")
        .into_iter()
        .find(|p| p["name"] == "support-nova")
        .unwrap();
    assert_eq!(support["tags"].get("Owner"), None);
}

#[test]
fn a_replacement_is_refused_without_allow_replace_and_done_with_it() {
    let w = world();
    let path = spec(&w, SMALL);
    apply(&w, &path, &[]).ok();
    let old_arn = w
        .profiles("us-east-1")
        .into_iter()
        .find(|p| p["name"] == "search-nova")
        .unwrap()["arn"]
        .as_str()
        .unwrap()
        .to_owned();

    // The search team moves to another model: AWS cannot change it in place.
    let moved = SMALL.replace(
        "cost_center = \"CC-1010\"",
        "cost_center = \"CC-1010\"\nmodels = [\"lite\"]\nname = \"search-nova\"",
    );
    spec(&w, &moved);
    let table = w.run(["plan", "-f", path.to_str().unwrap()]).ok();
    let text = table.stdout();
    assert!(text.contains("REPLACE"), "{text}");
    assert!(
        text.contains(&format!("ARN CHANGES: {old_arn} is deleted")),
        "{text}"
    );
    assert!(
        text.contains("model source `arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0` -> `arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0`"),
        "{text}"
    );

    w.clear_requests();
    apply(&w, &path, &[])
        .code(3)
        .stderr_has("the plan replaces 1 profile, which gives it a new ARN: `search-nova` in us-east-1")
        .stderr_has("hint: pass `--allow-replace`");
    assert_eq!(writes(&w), Vec::<String>::new());

    let out = apply(&w, &path, &["--allow-replace"]).ok();
    assert_eq!(results(&out), ["search-nova replaced"]);
    assert_eq!(
        out.json()[0]["error"],
        format!("was {old_arn}"),
        "the outcome names the old ARN"
    );
    let now = w.profiles("us-east-1");
    assert_eq!(now.len(), 2);
    let search = now.iter().find(|p| p["name"] == "search-nova").unwrap();
    assert_ne!(search["arn"], old_arn.as_str());
    assert_eq!(
        search["models"],
        json!(["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"])
    );
    assert_eq!(search["tags"]["aipctl:slot"], "search/lite");
}

#[test]
fn a_renamed_entry_is_one_replacement_not_an_orphan_and_a_creation() {
    let w = world();
    let path = spec(&w, SMALL);
    apply(&w, &path, &[]).ok();
    spec(
        &w,
        &SMALL.replace(
            "models = [\"nova\"]",
            "models = [\"nova\"]\nname = \"{department}-{model}\"",
        ),
    );
    let plan = plan_json(&w, &path);
    assert_eq!(plan["summary"]["replace"], 2, "{plan}");
    assert_eq!(plan["summary"]["orphan"], 0);
    assert_eq!(
        plan["changes"][0]["reasons"],
        json!(["name `search-nova` -> `Search-nova`"])
    );
    apply(&w, &path, &["--allow-replace"]).ok();
    let mut names = names(&w.profiles("us-east-1"));
    names.sort();
    assert_eq!(names, ["Search-nova", "Support-nova"]);
}

#[test]
fn orphans_are_deleted_only_with_prune_and_never_when_protected() {
    let w = world();
    let three = format!(
        "{SMALL}\n[teams.legal]\ndepartment = \"Legal\"\ntags = {{ \"aipctl:protect\" = \"true\" }}\n"
    );
    let path = spec(&w, &three);
    apply(&w, &path, &[]).ok();
    // Someone's own profile: not managed, never an orphan.
    w.seed_profiles(json!([{"region": "us-east-1", "name": "by-hand", "source": NOVA_PRO}]));

    // The support and legal teams are gone from the spec.
    spec(
        &w,
        &SMALL.replace(
            "[teams.support]\ndepartment = \"Support\"\ncost_center = \"CC-1020\"\n",
            "",
        ),
    );
    let plan = plan_json(&w, &path);
    let orphans: Vec<String> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} protected={}",
                c["action"].as_str().unwrap(),
                c["name"].as_str().unwrap(),
                c["protected"]
            )
        })
        .collect();
    assert_eq!(
        orphans,
        [
            "orphan legal-nova protected=true",
            "orphan support-nova protected=false"
        ]
    );

    w.clear_requests();
    let out = apply(&w, &path, &[]).ok();
    assert_eq!(results(&out), ["legal-nova protected", "support-nova kept"]);
    assert_eq!(writes(&w), Vec::<String>::new());

    let out = apply(&w, &path, &["--prune"]).ok();
    assert_eq!(results(&out), ["legal-nova protected", "support-nova deleted"]);
    assert_eq!(writes(&w), ["DeleteInferenceProfile"]);
    let mut names = names(&w.profiles("us-east-1"));
    names.sort();
    assert_eq!(names, ["by-hand", "legal-nova", "search-nova"]);
}

#[test]
fn apply_refuses_without_a_terminal_unless_yes() {
    let w = world();
    let path = spec(&w, SMALL);
    let out = w.run(["apply", "-f", path.to_str().unwrap()]).code(3);
    let err = out.stderr();
    assert!(
        err.contains("Plan: 2 to create"),
        "the plan is shown first: {err}"
    );
    assert!(err.contains("stdin is not a terminal"), "{err}");
    assert_eq!(writes(&w), Vec::<String>::new());
}

#[test]
fn an_apply_interrupted_by_faults_converges_on_rerun_without_duplicates() {
    let w = world();
    // Three creations commit but their answers are lost; three more fail outright.
    w.faults(json!([
        {"service": "bedrock", "operation": "CreateInferenceProfile", "error": "InternalServerException", "status": 500, "count": 3, "after_action": true},
        {"service": "bedrock", "operation": "CreateInferenceProfile", "error": "InternalServerException", "status": 500, "count": 3},
    ]));
    apply(&w, &example(), &["--max-attempts", "1"])
        .code(1)
        .stderr_has("6 of 57 changes failed");
    assert_eq!(w.profiles("us-east-1,eu-west-1").len(), 45);

    w.control("DELETE", "/_emu/faults", None);
    let out = apply(&w, &example(), &[]).ok();
    assert_eq!(
        results(&out).len(),
        3,
        "only the three never made: {:?}",
        results(&out)
    );

    let all = w.profiles("us-east-1,eu-west-1");
    assert_eq!(all.len(), 48);
    let mut keys: Vec<String> = all
        .iter()
        .map(|p| format!("{} {}", p["region"], p["name"]))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 48, "no duplicates");
    w.clear_requests();
    apply(&w, &example(), &[]).ok();
    assert_eq!(writes(&w), Vec::<String>::new());
}

#[test]
fn an_interrupted_replacement_is_finished_by_the_next_run() {
    let w = world();
    let path = spec(&w, SMALL);
    apply(&w, &path, &[]).ok();
    spec(
        &w,
        &SMALL.replace(
            "source = \"amazon.nova-pro-v1:0\"",
            "source = \"amazon.nova-lite-v1:0\"",
        ),
    );
    // The old profiles are deleted, then creation fails.
    w.faults(json!([{"service": "bedrock", "operation": "CreateInferenceProfile", "error": "ServiceUnavailableException", "status": 503, "count": 2}]));
    apply(&w, &path, &["--allow-replace", "--max-attempts", "1"]).code(1);
    assert_eq!(w.profiles("us-east-1").len(), 0);

    w.control("DELETE", "/_emu/faults", None);
    let plan = plan_json(&w, &path);
    assert_eq!(plan["summary"]["create"], 2, "{plan}");
    apply(&w, &path, &[]).ok();
    let now = w.profiles("us-east-1");
    assert_eq!(now.len(), 2);
    assert!(now.iter().all(|p| {
        p["models"][0]
            .as_str()
            .unwrap()
            .ends_with("amazon.nova-lite-v1:0")
    }));
}

#[test]
fn a_saved_plan_is_applied_exactly_and_refused_when_the_account_changed() {
    let w = world();
    let path = spec(&w, SMALL);
    apply(&w, &path, &[]).ok();
    spec(&w, &SMALL.replace("CC-1010", "CC-2010"));
    let saved = w.home().join("plan.json");
    w.run([
        "plan",
        "-f",
        path.to_str().unwrap(),
        "--out",
        saved.to_str().unwrap(),
    ])
    .ok()
    .stderr_has("plan saved to");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(file["format"], "aipctl-plan/3");
    assert_eq!(file["spec"], "default");
    assert_eq!(file["fingerprint"]["account"], ACCOUNT);
    assert_eq!(file["fingerprint"]["regions"], json!(["us-east-1"]));
    assert_eq!(
        file["fingerprint"]["profiles"][0]["tags"]["CostCenter"],
        "CC-1010"
    );

    // Someone changes the profile the plan touches.
    w.run(["tag", "search-nova", "CostCenter=CC-3010"]).ok();
    w.clear_requests();
    w.run(["apply", "--plan", saved.to_str().unwrap(), "--yes"])
        .code(1)
        .stderr_has("the account changed since the plan in")
        .stderr_has("`search-nova` in us-east-1: tag `CostCenter` was `CC-1010`, is now `CC-3010`");
    assert_eq!(writes(&w), Vec::<String>::new());

    // Put it back: the plan applies, exactly (one tag call), with no spec at hand.
    w.run(["tag", "search-nova", "CostCenter=CC-1010"]).ok();
    std::fs::remove_file(&path).unwrap();
    w.clear_requests();
    let out = w
        .run(["apply", "--plan", saved.to_str().unwrap(), "--yes", "-o", "json"])
        .ok();
    assert_eq!(results(&out), ["search-nova retagged"]);
    assert_eq!(writes(&w), ["TagResource"]);
}

#[test]
fn a_saved_plan_that_was_edited_or_is_not_a_plan_is_refused_before_any_request() {
    let w = world();
    let path = spec(&w, SMALL);
    let saved = w.home().join("plan.json");
    w.run([
        "plan",
        "-f",
        path.to_str().unwrap(),
        "--out",
        saved.to_str().unwrap(),
    ])
    .ok();
    let text = std::fs::read_to_string(&saved).unwrap();
    std::fs::write(&saved, text.replace(ACCOUNT, "999999999999")).unwrap();
    w.clear_requests();
    w.run(["apply", "--plan", saved.to_str().unwrap(), "--yes"])
        .code(2)
        .stderr_has("was edited");
    std::fs::write(&saved, "{}").unwrap();
    w.run(["apply", "--plan", saved.to_str().unwrap(), "--yes"])
        .code(2)
        .stderr_has("is not a plan written by `aipctl plan --out`");
    assert!(w.calls().is_empty(), "{:?}", w.calls());
}

#[test]
fn spec_errors_exit_2_with_file_line_and_field_before_any_request() {
    let w = world();
    let cases: &[(&str, String, &str)] = &[
        (
            "invalid TOML",
            SMALL.replace("cost_center = \"CC-1010\"", "cost_center = CC-1010"),
            "spec.toml:16: `teams.search.cost_center`: invalid string",
        ),
        (
            "unknown key",
            SMALL.replace("cost_center = \"CC-1010\"", "cost_centre = \"CC-1010\""),
            "spec.toml:16: `teams.search.cost_centre`: unknown field `cost_centre`, expected one of",
        ),
        (
            "missing department",
            SMALL.replace("department = \"Support\"\n", ""),
            "`teams.support.department`: missing field `department`",
        ),
        (
            "duplicate names after templating",
            SMALL.replace(
                "cost_center = \"CC-1020\"",
                "cost_center = \"CC-1020\"\nname = \"search-{model}\"",
            ),
            "spec.toml:21: `teams.support.name`: team `support`, model `nova` and team `search` (line 14), model `nova` both get the name `search-nova` in us-east-1",
        ),
        (
            "a name AWS would reject",
            SMALL.replace(
                "models = [\"nova\"]",
                "models = [\"nova\"]\nname = \"{team}.{model}\"",
            ),
            "spec.toml:4: `defaults.name`: the name `search.nova` for team `search`, model `nova` is not valid: `.` is not allowed",
        ),
        (
            "a tag value AWS would reject",
            SMALL.replace("CC-1010", "CC#1010"),
            "spec.toml:16: `teams.search.cost_center`: invalid tag value `CC#1010`: `#` is not allowed",
        ),
        (
            "a reserved tag key",
            SMALL.replace("cost_center = \"CC-1010\"", "tags = { \"aws:team\" = \"x\" }"),
            "spec.toml:16: `teams.search.tags.aws:team`: invalid tag key `aws:team`: keys starting with `aws:` are reserved for AWS",
        ),
        (
            "an unknown model alias",
            SMALL.replace("models = [\"nova\"]", "models = [\"opus\"]"),
            "spec.toml:3: `defaults.models[0]`: unknown model alias `opus`; the spec defines lite, nova, sonnet",
        ),
        (
            "an unknown region",
            SMALL.replace("regions = [\"us-east-1\"]", "regions = [\"us-east-7\"]"),
            "spec.toml:2: `defaults.regions[0]`: unknown region `us-east-7`: Bedrock is offered in",
        ),
        (
            "a spec name AWS would reject as a tag value",
            format!("name = \"team a\"\n{SMALL}"),
            "spec.toml:1: `name`: spec name `team a` must be 1 to 64 letters, digits, `-` or `_`",
        ),
        (
            "a malformed model reference",
            SMALL.replace("amazon.nova-lite-v1:0", "nova lite"),
            "spec.toml:9: `models.lite.source`: expected a model ID like",
        ),
    ];
    for (what, text, expected) in cases {
        let path = spec(&w, text);
        for verb in ["plan", "apply"] {
            w.clear_requests();
            let out = w.run([verb, "-f", path.to_str().unwrap(), "--yes"]);
            assert_eq!(out.exit_code(), Some(2), "{what} ({verb}): {}", out.stderr());
            let err = out.stderr();
            let shown = err.replace(&format!("{}", path.parent().unwrap().display()), "");
            assert!(
                shown.contains(expected),
                "{what} ({verb}): expected {expected:?} in\n{err}"
            );
            assert!(
                err.contains("hint: the spec format is described in the README"),
                "{what}: {err}"
            );
            assert!(
                w.calls().is_empty(),
                "{what} ({verb}) made requests: {:?}",
                w.calls()
            );
        }
    }
}

#[test]
fn every_spec_problem_is_reported_at_once() {
    let w = world();
    let text = SMALL.replace("CC-1010", "CC#1010").replace(
        "department = \"Support\"",
        "department = \"Support\"\nregions = [\"mars-1\"]",
    );
    let path = spec(&w, &text);
    w.run(["plan", "-f", path.to_str().unwrap()])
        .code(2)
        .stderr_has("2 problems in")
        .stderr_has("spec.toml:16: `teams.search.cost_center`")
        .stderr_has("spec.toml:20: `teams.support.regions[0]`");
}

#[test]
fn a_model_a_region_does_not_offer_is_an_input_error_at_its_line() {
    let w = world();
    let text = SMALL.replace("regions = [\"us-east-1\"]", "regions = [\"ca-central-1\"]");
    let path = spec(&w, &text);
    w.run(["apply", "-f", path.to_str().unwrap(), "--yes"])
        .code(2)
        .stderr_has("spec.toml:6: `models.nova.source`: foundation model `amazon.nova-pro-v1:0` is not offered in ca-central-1");
    assert_eq!(writes(&w), Vec::<String>::new());
}

#[test]
fn plan_views() {
    let w = world();
    let before = format!(
        "{SMALL}\n[teams.legal]\ndepartment = \"Legal\"\n\n[teams.finance]\ndepartment = \"Finance\"\n"
    );
    let path = spec(&w, &before);
    apply(&w, &path, &[]).ok();
    // search: new cost center (retag); support: another model under the same
    // name (replace); legal: gone (orphan); marketing: new (create); finance: as is.
    let after = SMALL.replace("CC-1010", "CC-2010").replace(
        "cost_center = \"CC-1020\"",
        "cost_center = \"CC-1020\"\nmodels = [\"sonnet\"]\nname = \"support-nova\"",
    ) + "\n[teams.marketing]\ndepartment = \"Marketing\"\n\n[teams.finance]\ndepartment = \"Finance\"\n";
    spec(&w, &after);
    let table = w.run(["plan", "-f", path.to_str().unwrap()]).ok();
    let json = w.run(["plan", "-f", path.to_str().unwrap(), "-o", "json"]).ok();
    // The profile IDs and the plan's digest change every run. (The digest's
    // line ends in a comma whether or not a field follows, as the snapshot
    // has always had it.)
    insta::with_settings!({filters => vec![
        PROFILE_ID,
        (r#"(?m)"digest": ".*$"#, r#""digest": "[DIGEST]","#),
    ]}, {
        snapshot!(
            "plan_table",
            format!("{}\n--- stderr ---\n{}", table.stdout(), table.stderr())
        );
        snapshot!("plan_json", json.stdout());
    });
}

/// Spec `a`: SMALL's teams. Spec `b`: the same teams and model (so the same
/// slots) under other names.
fn spec_a() -> String {
    format!("name = \"a\"\n{SMALL}")
}

fn spec_b() -> String {
    format!(
        "name = \"b\"\n{}",
        SMALL.replace(
            "models = [\"nova\"]",
            "models = [\"nova\"]\nname = \"b-{team}-{model}\""
        )
    )
}

/// `name arn tags` of every profile whose name starts with `prefix`, sorted.
fn snapshot_of(w: &World, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = w
        .profiles("us-east-1")
        .iter()
        .filter(|p| p["name"].as_str().unwrap().starts_with(prefix))
        .map(|p| format!("{} {} {}", p["name"], p["arn"], p["tags"]))
        .collect();
    v.sort();
    v
}

/// The 12-character IDs in the paths of the logged write requests.
fn written_paths(w: &World) -> Vec<String> {
    w.requests()
        .iter()
        .filter(|r| WRITES.contains(&r["operation"].as_str().unwrap_or("")))
        .map(|r| {
            format!(
                "{} {}",
                r["operation"].as_str().unwrap(),
                r["path"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn prune_of_one_spec_never_touches_another_specs_profiles() {
    let w = world();
    let a = w.file("a.toml", spec_a());
    let b = w.file("b.toml", spec_b());
    apply(&w, &a, &[]).ok();
    let out = apply(&w, &b, &[]).ok();
    assert_eq!(results(&out), ["b-search-nova created", "b-support-nova created"]);
    let all = w.profiles("us-east-1");
    assert_eq!(all.len(), 4);
    for p in &all {
        let owner = if p["name"].as_str().unwrap().starts_with("b-") {
            "b"
        } else {
            "a"
        };
        assert_eq!(p["tags"]["aipctl:spec"], owner, "{p}");
        assert_eq!(p["tags"]["aipctl:managed"], "true");
    }
    let b_before = snapshot_of(&w, "b-");
    assert_eq!(b_before.len(), 2);

    // Each spec sees the other's profiles, with the same slots, as none of its business.
    for (path, mine) in [(&a, "a"), (&b, "b")] {
        let plan = plan_json(&w, path);
        assert_eq!(plan["spec"], mine);
        assert_eq!(plan["changes"], json!([]), "{plan}");
        assert_eq!(plan["summary"]["unchanged"], 2);
        assert_eq!(plan["summary"]["other_specs"], 2);
    }
    w.run(["plan", "-f", a.to_str().unwrap()])
        .ok()
        .stderr_has("No changes: 2 profiles match the spec. 2 managed profiles of other specs left alone.");

    // Spec a drops the support team: its support-nova is a real orphan.
    let a_support = all.iter().find(|p| p["name"] == "support-nova").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.file(
        "a.toml",
        spec_a().replace(
            "[teams.support]\ndepartment = \"Support\"\ncost_center = \"CC-1020\"\n",
            "",
        ),
    );
    let saved = w.home().join("a-plan.json");
    w.run([
        "plan",
        "-f",
        a.to_str().unwrap(),
        "--out",
        saved.to_str().unwrap(),
    ])
    .ok();
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(file["spec"], "a");
    assert_eq!(file["summary"]["orphan"], 1);

    w.clear_requests();
    let out = apply(&w, &a, &["--prune"]).ok();
    assert_eq!(results(&out), ["support-nova deleted"]);
    assert_eq!(writes(&w), ["DeleteInferenceProfile"]);
    let paths = written_paths(&w);
    assert!(paths[0].contains(&a_support), "{paths:?}");
    for p in all
        .iter()
        .filter(|p| p["name"].as_str().unwrap().starts_with("b-"))
    {
        let id = p["id"].as_str().unwrap();
        assert!(paths.iter().all(|l| !l.contains(id)), "{paths:?} touched {id}");
    }
    assert_eq!(snapshot_of(&w, "b-"), b_before, "spec b's profiles are untouched");
    assert_eq!(snapshot_of(&w, "search-").len(), 1);
    assert_eq!(snapshot_of(&w, "support-").len(), 0);

    // The saved plan was made before the prune; the account changed since.
    w.run(["apply", "--plan", saved.to_str().unwrap(), "--yes"])
        .code(1);
}

#[test]
fn a_managed_profile_without_a_spec_tag_belongs_to_the_default_spec() {
    let w = world();
    // Provisioned before specs had names: managed, but no `aipctl:spec`.
    w.seed_profiles(
        json!([{"region": "us-east-1", "name": "legacy-nova", "source": NOVA_PRO,
        "tags": {"aipctl:managed": "true", "aipctl:slot": "legacy/nova", "aipctl:source": NOVA_PRO}}]),
    );
    let a = w.file("a.toml", spec_a());
    let out = apply(&w, &a, &["--prune"])
        .ok()
        .stderr_has("1 managed profile of other specs left alone");
    assert_eq!(results(&out), ["search-nova created", "support-nova created"]);

    // The unnamed spec is `default`: the legacy profile is its orphan, spec a's are not.
    let d = w.file(
        "d.toml",
        SMALL.replace(
            "models = [\"nova\"]",
            "models = [\"nova\"]\nname = \"d-{team}-{model}\"",
        ),
    );
    let plan = plan_json(&w, &d);
    assert_eq!(plan["spec"], "default");
    assert_eq!(plan["summary"]["orphan"], 1, "{plan}");
    assert_eq!(plan["summary"]["other_specs"], 2, "{plan}");
    let a_before = snapshot_of(&w, "s");
    w.clear_requests();
    let out = apply(&w, &d, &["--prune"]).ok();
    assert_eq!(
        results(&out),
        [
            "d-search-nova created",
            "d-support-nova created",
            "legacy-nova deleted"
        ]
    );
    assert_eq!(snapshot_of(&w, "s"), a_before);
    assert_eq!(snapshot_of(&w, "legacy-").len(), 0);
}

#[test]
fn a_name_another_spec_manages_is_exit_2_naming_both_specs_with_no_write() {
    let w = world();
    let b = w.file("b.toml", format!("name = \"b\"\n{SMALL}"));
    apply(&w, &b, &[]).ok();
    let a = w.file("a.toml", spec_a());
    for verb in ["plan", "apply"] {
        w.clear_requests();
        w.run([verb, "-f", a.to_str().unwrap(), "--yes"])
            .code(2)
            .stderr_has("2 problems in")
            .stderr_has("a.toml:15: `teams.search`: the name `search-nova` in us-east-1 is a profile of spec `b` (arn:aws:bedrock:us-east-1:")
            .stderr_has("spec `a` cannot manage it too")
            .stderr_has("hint: give the entry another name");
        assert_eq!(writes(&w), Vec::<String>::new());
    }
}

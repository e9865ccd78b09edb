//! Right account, right clock, clear failures: credentials like the AWS
//! CLI, regions checked up front, endpoints that do not answer, throttling
//! that outlasts the retries, regions that fail or are not enabled.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{NOVA_PRO, World, names, world};

fn write_profiles(w: &World) {
    w.file("no-config", "[profile other]\nregion = us-east-1\n");
    w.file(
        "no-credentials",
        "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other-secret\n",
    );
}

fn access_keys(w: &World) -> Vec<String> {
    let mut keys: Vec<String> = w
        .requests()
        .iter()
        .map(|r| r["access_key"].as_str().unwrap_or("").to_owned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn an_explicit_profile_beats_keys_in_the_environment() {
    let w = world();
    write_profiles(&w);
    w.run(["list", "--profile", "other"]).ok();
    assert_eq!(access_keys(&w), ["AKIDOTHER"], "signed with the profile's keys");
    w.clear_requests();
    // AWS_PROFILE does not beat keys in the environment (as in the AWS CLI).
    w.cmd().env("AWS_PROFILE", "other").run(["list"]).ok();
    assert_eq!(access_keys(&w), ["AKIDTEST"]);
}

#[test]
fn an_unknown_profile_is_refused_before_any_request() {
    let w = world();
    write_profiles(&w);
    for (flag, env) in [(Some("nosuch"), None), (None, Some("nosuch"))] {
        let mut cmd = w.cmd();
        if let Some(p) = env {
            cmd = cmd.env("AWS_PROFILE", p);
        }
        let mut args = Vec::new();
        if let Some(p) = flag {
            args.extend(["--profile", p]);
        }
        args.push("list");
        let run = cmd
            .run(args)
            .code(2)
            .stderr_has("the AWS profile `nosuch` was not found in")
            .stderr_has("aws configure --profile nosuch");
        let err = run.stderr();
        assert!(
            err.contains("no-config") && err.contains("no-credentials"),
            "names the files: {err}"
        );
    }
    assert!(w.calls().is_empty(), "{:?}", w.calls());
}

#[test]
fn no_credentials_at_all_is_one_line_with_the_fix() {
    let w = world();
    let run = w
        .cmd()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .run(["list"])
        .code(2);
    assert_eq!(
        run.stderr(),
        "error: no AWS credentials were found\n\
         hint: run `aws configure`, or `aws sso login --profile NAME` and pass `--profile NAME` (or set `AWS_PROFILE`)\n"
    );
    assert!(w.calls().is_empty());
}

#[test]
fn an_endpoint_nobody_listens_on_fails_at_once_in_one_line() {
    let w = world();
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    for args in [vec!["list"], vec!["cost", "--no-cache"]] {
        let started = Instant::now();
        let run = w.cmd().env("AWS_ENDPOINT_URL", &url).run(&args);
        let took = started.elapsed();
        let run = run
            .code(1)
            .stderr_has(&format!("could not reach {url}: the connection was refused"));
        let err = run.stderr();
        assert!(
            !err.contains("DispatchFailure") && !err.contains("ConnectorError"),
            "no Debug text: {err}"
        );
        assert!(
            took < Duration::from_secs(10),
            "a refused connection is not retried with backoff ({took:?})"
        );
        if args[0] == "cost" {
            assert!(
                err.contains("Cost Explorer: 0 paid requests"),
                "nothing reached Cost Explorer: {err}"
            );
        }
    }
}

#[test]
fn an_unknown_region_is_refused_before_any_request_unless_allowed() {
    let w = world();
    w.run(["list", "--region", "us-east-9"])
        .code(2)
        .stderr_has("AIPCTL_EXTRA_REGIONS=us-east-9");
    // The configured region is checked too.
    w.cmd().env("AWS_REGION", "eu-wset-1").run(["list"]).code(2);
    assert!(w.calls().is_empty(), "{:?}", w.calls());
    // Allowed, the region is asked (the emulator, like AWS, has no such region to answer for).
    w.cmd().env("AIPCTL_EXTRA_REGIONS", "us-east-9").run([
        "list",
        "--region",
        "us-east-9",
        "--max-attempts",
        "1",
    ]);
    assert!(
        w.requests().iter().any(|r| r["region"] == "us-east-9"),
        "{:?}",
        w.calls()
    );
}

#[test]
fn all_regions_skips_regions_not_enabled_and_names_other_failures() {
    let w = world();
    w.seed_profiles(json!([
        {"region": "us-east-1", "name": "east", "source": NOVA_PRO, "tags": {"Department": "Search"}},
        {"region": "eu-west-1", "name": "west", "source": NOVA_PRO, "tags": {"Department": "Legal"}},
    ]));
    let disabled = json!({"service": "*", "region": ["ap-south-2", "eu-south-2"],
        "error": "UnrecognizedClientException", "status": 403,
        "message": "The security token included in the request is invalid."});
    w.faults(json!([disabled]));
    let run = w.run(["list", "--all-regions", "-o", "json"]).ok();
    assert_eq!(names(run.json().as_array().unwrap()), ["west", "east"]);
    let err = run.stderr();
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("not enabled")).collect();
    assert_eq!(
        warnings,
        ["warning: skipped 2 regions not enabled for this account: ap-south-2, eu-south-2"]
    );

    // Any other failure shows what did work, names the region and exits 1.
    w.faults(json!([disabled, {"service": "bedrock", "region": "eu-west-1",
        "error": "InternalServerException", "status": 500}]));
    let run = w
        .run(["list", "--all-regions", "-o", "json", "--max-attempts", "2"])
        .code(1)
        .stderr_has("error: 1 of 20 regions failed: eu-west-1 (bedrock ListInferenceProfiles in eu-west-1 failed: InternalServerException");
    assert_eq!(names(run.json().as_array().unwrap()), ["east"]);

    // Named explicitly, a region that is not enabled is a failure too.
    w.run(["list", "--region", "us-east-1,ap-south-2", "-o", "json"])
        .code(1)
        .stderr_has("not be enabled for the account");
}

#[test]
fn throttling_that_outlasts_the_retries_says_so_and_how_to_help() {
    let w = world();
    w.faults(
        json!([{"service": "bedrock", "operation": "ListInferenceProfiles",
        "error": "ThrottlingException", "status": 429}]),
    );
    w.run(["list", "--max-attempts", "3"])
        .code(1)
        .stderr_has("ThrottlingException: throttled 3 times")
        .stderr_has("lower `--concurrency`")
        .stderr_lacks("timed out");
    assert_eq!(w.count("ListInferenceProfiles"), 3);
}

#[test]
fn create_without_a_department_warns_where_its_spend_will_land() {
    let w = world();
    w.run(["create", "lonely", "--model", NOVA_PRO])
        .ok()
        .stderr_has("`lonely` has no `Department` tag: its spend will land in the (untagged) row");
    w.run(["create", "owned", "--model", NOVA_PRO, "--department", "Search"])
        .ok()
        .stderr_lacks("no `Department` tag");
}

#[test]
fn a_key_already_on_the_profile_in_another_case_is_refused_with_its_spelling() {
    let w = world();
    w.seed_profiles(json!([
        {"region": "us-east-1", "name": "p", "source": NOVA_PRO, "tags": {"Env": "prod"}},
    ]));
    w.run(["tag", "p", "env=dev"]).code(2).stderr_has("use `Env`");
    assert_eq!(w.count("TagResource"), 0);
}

#[test]
fn a_malformed_clock_override_is_an_input_error() {
    let w = world();
    let run = w
        .cmd()
        .env("AIPCTL_NOW", "yesterday")
        .run(["list"])
        .code(2)
        .stderr_has("invalid AIPCTL_NOW `yesterday`");
    assert!(run.stdout().is_empty());
    assert!(w.calls().is_empty());
}

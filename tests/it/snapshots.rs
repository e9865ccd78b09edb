//! Snapshots of what users see: `--help`, and the list/describe views in
//! every format. A change to any of them is a reviewed diff (`cargo insta review`).

use crate::support::{PROFILE_ID, World, bare, seed_three, snapshot, world};

fn help(args: &[&str]) -> String {
    bare(args).ok().stdout()
}

#[test]
fn help_texts() {
    snapshot!("help_main", help(&["--help"]));
    for cmd in [
        "create",
        "list",
        "describe",
        "delete",
        "tag",
        "untag",
        "usage",
        "models",
        "dashboard",
        "plan",
        "apply",
        "prune",
        "policy",
        "cost",
        "cost-tags",
        "prices",
        "budgets",
        "report",
        "completions",
    ] {
        snapshot!(format!("help_{cmd}"), help(&[cmd, "--help"]));
    }
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let text = help(&["completions", shell]);
        assert!(text.contains("aipctl"), "{shell}");
        assert!(text.contains("all-regions"), "{shell}: global flags complete");
    }
}

fn seeded() -> World {
    let w = world();
    seed_three(&w);
    w
}

#[test]
fn list_views() {
    let w = seeded();
    let run = |fmt: &str| {
        w.run([
            "list",
            "--region",
            "us-east-1,us-west-2",
            "-o",
            fmt,
            "--columns",
            "Owner",
        ])
        .ok()
        .stdout()
    };
    snapshot!("list_table", run("table"));
    // The random profile IDs and the creation times.
    insta::with_settings!({filters => vec![
        PROFILE_ID,
        (r#""(id|created_at|updated_at)": "[^"]*""#, r#""$1": "[REDACTED]""#),
    ]}, {
        snapshot!("list_json", run("json"));
    });
    insta::with_settings!({filters => vec![
        PROFILE_ID,
        (r"(?m)^([^,\n]+),[[:alnum:]]+,(arn:aws:)", "$1,[ID],$2"),
        (r"(?m),\d{4}-\d{2}-\d{2}T[^,\n]*$", ",[CREATED]"),
    ]}, {
        snapshot!("list_csv", run("csv"));
    });
}

#[test]
fn describe_view() {
    let w = seeded();
    let text = w.run(["describe", "search-sonnet"]).ok().stdout();
    // The random profile ID, in its row and in ARNs, and the times.
    insta::with_settings!({filters => vec![
        PROFILE_ID,
        (r"(?m)^(\s*(?:id|created|updated) .*) \S+$", "$1 [REDACTED]"),
    ]}, {
        snapshot!("describe_table", text);
    });
}

//! Snapshots of what users see: `--help`, and the list/describe views in
//! every format. A change to any of them is a reviewed diff (`cargo insta review`).

use crate::support::{self, seed_three, stderr, stdout, world};

fn help(args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("aipctl")
        .unwrap()
        .args(args)
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn help_texts() {
    support::snapshot!("help_main", help(&["--help"]));
    for cmd in [
        "create",
        "list",
        "describe",
        "delete",
        "tag",
        "untag",
        "usage",
        "dashboard",
        "plan",
        "apply",
        "prune",
        "policy",
        "cost",
        "cost-tags",
        "completions",
    ] {
        support::snapshot!(format!("help_{cmd}"), help(&[cmd, "--help"]));
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

fn seeded() -> support::World {
    let w = world();
    seed_three(&w);
    w
}

/// Replaces the random 12-character profile IDs and the creation times.
fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let rest: String = bytes[i..].iter().collect();
        if let Some(after) = rest.strip_prefix("application-inference-profile/") {
            out.push_str("application-inference-profile/[ID]");
            i += "application-inference-profile/".len()
                + after.chars().take_while(char::is_ascii_alphanumeric).count();
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let mut lines = Vec::new();
    for line in out.lines() {
        let mut l = line.to_owned();
        for field in ["\"id\": \"", "\"created_at\": \"", "\"updated_at\": \""] {
            if let Some(start) = l.find(field) {
                let s = start + field.len();
                if let Some(end) = l[s..].find('"') {
                    l.replace_range(s..s + end, "[REDACTED]");
                }
            }
        }
        lines.push(l);
    }
    lines.join("\n")
}

#[test]
fn list_views() {
    let w = seeded();
    let run = |fmt: &str| {
        let out = w
            .aipctl()
            .args([
                "list",
                "--region",
                "us-east-1,us-west-2",
                "-o",
                fmt,
                "--columns",
                "Owner",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    support::snapshot!("list_table", run("table"));
    support::snapshot!("list_json", redact(&run("json")));
    let csv = run("csv");
    let csv: String = csv
        .lines()
        .map(|l| {
            let mut cols: Vec<String> = l.split(',').map(str::to_owned).collect();
            if cols[0] != "name" {
                cols[1] = "[ID]".into();
                cols[2] = redact(&cols[2]);
                let last = cols.len() - 1;
                cols[last] = "[CREATED]".into();
            }
            cols.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    support::snapshot!("list_csv", csv);
}

#[test]
fn describe_view() {
    let w = seeded();
    let out = w.aipctl().args(["describe", "search-sonnet"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let text: String = text
        .lines()
        .map(|l| {
            let label = l.trim_start();
            let volatile = ["id ", "created ", "updated "]
                .iter()
                .any(|p| label.starts_with(p));
            match l.rsplit_once(' ') {
                Some((head, _)) if volatile => format!("{head} [REDACTED]"),
                _ => l.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    support::snapshot!("describe_table", redact(&text));
}

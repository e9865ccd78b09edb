//! IAM linting for the tests: parliament over policy documents, with the
//! justified exceptions of `tests/iam/parliament-exceptions.json`, and
//! cfn-lint over CloudFormation templates. Both run from the project's
//! Python environment (`scripts/setup`).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::Deserialize;
use serde_json::{Value, json};

use super::root;

pub fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A document of `policies/`, parsed.
pub fn shipped(file: &str) -> Value {
    serde_json::from_str(&read(&format!("policies/{file}"))).unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Who a document is attached to: a principal (identity) or a role's trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Identity,
    Trust,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Trust => "trust",
        }
    }
}

pub struct Doc {
    pub name: String,
    pub kind: Kind,
    pub document: Value,
}

pub fn linted(name: &str, kind: Kind, document: &Value) -> Doc {
    Doc {
        name: name.to_owned(),
        kind,
        document: document.clone(),
    }
}

#[derive(Debug, Deserialize)]
pub struct Finding {
    pub name: String,
    pub issue: String,
    pub action: Option<String>,
    pub detail: Value,
}

#[derive(Debug, Deserialize)]
pub struct Exception {
    pub issue: String,
    pub action: Option<String>,
    pub detail: Option<String>,
    pub kind: Option<String>,
    pub why: String,
}

pub fn exceptions() -> Vec<Exception> {
    #[derive(Deserialize)]
    struct File {
        exceptions: Vec<Exception>,
    }
    let file: File = serde_json::from_str(&read("tests/iam/parliament-exceptions.json")).unwrap();
    for e in &file.exceptions {
        assert!(
            e.why.split_whitespace().count() >= 12,
            "the exception for {} {:?} needs a justification",
            e.issue,
            e.action
        );
    }
    file.exceptions
}

impl Exception {
    fn excuses(&self, f: &Finding, kind: Kind) -> bool {
        self.issue == f.issue
            && self.action.as_ref().is_none_or(|a| Some(a) == f.action.as_ref())
            && self.detail.as_ref().is_none_or(|d| f.detail.as_str() == Some(d))
            && self.kind.as_ref().is_none_or(|k| k == kind.as_str())
    }
}

pub fn python() -> PathBuf {
    let p = root().join(".venv/bin/python");
    assert!(
        p.exists(),
        "the project's Python environment is missing: run `scripts/setup`"
    );
    p
}

/// Lints `docs` with parliament: the findings no exception excuses, and
/// the indices of the exceptions that were needed.
pub fn parliament(docs: &[Doc]) -> (Vec<Finding>, BTreeSet<usize>) {
    let input: Vec<Value> = docs
        .iter()
        .map(|d| json!({"name": d.name, "document": d.document}))
        .collect();
    let mut child = Command::new(python())
        .arg(root().join("tests/iam/lint.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the policy linter");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::Array(input).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the linter failed (is parliament installed? run `scripts/setup`):\n{}",
        text(&out.stderr)
    );
    let findings: Vec<Finding> = serde_json::from_slice(&out.stdout).unwrap();
    let exceptions = exceptions();
    let mut used = BTreeSet::new();
    let mut unexcused = Vec::new();
    for f in findings {
        let kind = docs.iter().find(|d| d.name == f.name).unwrap().kind;
        match exceptions.iter().position(|e| e.excuses(&f, kind)) {
            Some(i) => {
                used.insert(i);
            }
            None => unexcused.push(f),
        }
    }
    (unexcused, used)
}

/// Panics on any parliament finding no exception excuses; returns the
/// exceptions that were needed.
pub fn assert_parliament_clean(docs: &[Doc]) -> BTreeSet<usize> {
    let (unexcused, used) = parliament(docs);
    assert!(unexcused.is_empty(), "parliament findings: {unexcused:#?}");
    used
}

/// Lints a CloudFormation template (its IAM documents and state machine
/// definitions included) with cfn-lint; any message fails.
pub fn assert_cfn_lint_clean(name: &str, template: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.json"));
    std::fs::write(&path, template).unwrap();
    let out = Command::new(root().join(".venv/bin/cfn-lint"))
        .arg(&path)
        .output()
        .expect("run cfn-lint (run `scripts/setup`)");
    assert!(
        out.status.success(),
        "cfn-lint on {name}:\n{}{}\n{template}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

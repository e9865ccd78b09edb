//! The test harness: a clean emulator for each test (`world()`: one of a
//! pool, one per core, reset in between), and the real `aipctl`
//! binary run against it (`World::run`, `World::cmd`: the `run` module).
//! Seed data several areas share is in `fixtures`; the IAM linters the
//! policy tests use are in `iam`.
//!
//! The emulator is `tests/emulator` (moto plus our add-on) in the project's
//! virtualenv, started by the `emulator` module. If that is missing, tests
//! fail with the setup command to run; they never skip.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

mod emulator;
mod fixtures;
pub mod iam;
mod run;
pub mod terminal;

pub use fixtures::{Priced, Usage, seed_three, usage, usage_in};
pub use run::{Cmd, Run, bare};

pub const ACCOUNT: &str = "123456789012";

/// The repository: the crate's manifest directory.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A clean emulator for one test; holding it keeps other tests off that emulator.
pub struct World {
    pub url: String,
    _slot: emulator::Slot,
    home: tempfile::TempDir,
    /// The instant the emulator and aipctl both take as "now", when fixed.
    now: Option<jiff::Timestamp>,
}

/// The instants time-sensitive tests run at: just after midnight, either
/// side of 13:00 (when CloudWatch's rounding of a 30-day-old start used to
/// move a day), just before midnight, and the first of a month.
pub const INSTANTS: [&str; 5] = [
    "2026-11-22T00:05:00Z",
    "2026-11-22T12:59:00Z",
    "2026-11-22T13:00:00Z",
    "2026-11-22T23:55:00Z",
    "2026-12-01T00:05:00Z",
];

pub fn world() -> World {
    let (slot, url) = emulator::Slot::take();
    let w = World {
        url: url.to_owned(),
        _slot: slot,
        home: tempfile::tempdir().unwrap(),
        now: None,
    };
    w.control("POST", "/_emu/reset", None);
    w
}

impl World {
    /// Fixes "now" for the emulator (`/_emu/clock`) and for aipctl
    /// (`AIPCTL_NOW`), so the test runs at `instant` (RFC 3339) whatever the
    /// hour it is run.
    pub fn at(mut self, instant: &str) -> Self {
        self.control("POST", "/_emu/clock", Some(json!({ "now": instant })));
        self.now = Some(instant.parse().expect("an RFC 3339 instant"));
        self
    }

    /// The world's "now": the fixed instant, else the machine's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.now.unwrap_or_else(jiff::Timestamp::now)
    }

    /// The UTC date `n` days before the world's today, `YYYY-MM-DD`.
    pub fn date_days_ago(&self, n: i64) -> String {
        let today = self.now().to_zoned(jiff::tz::TimeZone::UTC).date();
        (today - jiff::Span::new().days(n)).to_string()
    }

    /// The moment `n` days before the world's now, RFC 3339.
    pub fn time_days_ago(&self, n: i64) -> String {
        (self.now() - jiff::SignedDuration::from_hours(24 * n)).to_string()
    }

    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let req = ureq::request(method, &format!("{}{path}", self.url)).timeout(Duration::from_secs(120));
        let resp = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match resp {
            Ok(r) => r.into_json().unwrap_or(Value::Null),
            Err(ureq::Error::Status(code, r)) => {
                panic!(
                    "control {method} {path} answered {code}: {}",
                    r.into_string().unwrap_or_default()
                )
            }
            Err(e) => panic!("control {method} {path} failed: {e}"),
        }
    }

    /// `aipctl` with this world's endpoint, dummy credentials and nothing
    /// from the developer's own AWS configuration.
    /// The environment every aipctl of this world runs with: this world's
    /// endpoint, dummy credentials and nothing from the developer's own AWS
    /// configuration.
    pub fn env(&self) -> Vec<(String, String)> {
        let home = |p: &str| self.home.path().join(p).display().to_string();
        let mut env: Vec<(String, String)> = [
            ("PATH", std::env::var("PATH").unwrap_or_default()),
            ("HOME", self.home.path().display().to_string()),
            ("XDG_CACHE_HOME", home("cache")),
            ("AWS_ACCESS_KEY_ID", "AKIDTEST".into()),
            ("AWS_SECRET_ACCESS_KEY", "secret".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT_URL", self.url.clone()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("AWS_CONFIG_FILE", home("no-config")),
            ("AWS_SHARED_CREDENTIALS_FILE", home("no-credentials")),
            ("NO_COLOR", "1".into()),
            ("COLUMNS", "200".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        if let Some(now) = self.now {
            env.push(("AIPCTL_NOW".into(), now.to_string()));
        }
        env
    }

    fn aipctl(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("aipctl").unwrap();
        cmd.env_clear().envs(self.env());
        cmd
    }

    /// `aipctl ARGS` in this world, run to completion.
    pub fn run<I>(&self, args: I) -> Run
    where
        I: IntoIterator,
        I::Item: AsRef<std::ffi::OsStr>,
    {
        self.cmd().run(args)
    }

    /// `aipctl` in this world, for a test that adds environment or stdin
    /// before it runs: `w.cmd().env("AWS_PROFILE", "other").run(["list"])`.
    pub fn cmd(&self) -> Cmd {
        let shown = self.now.map(|now| format!("AIPCTL_NOW={now}"));
        Cmd::new(self.aipctl(), shown.into_iter().collect())
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Creates profiles without going through the AWS API (the request log stays clean).
    /// Each spec: `{"region", "name", "source", "tags"?, "description"?, "created_at"?}`.
    #[allow(clippy::needless_pass_by_value, reason = "callers pass json! literals")]
    pub fn seed_profiles(&self, specs: Value) -> Vec<Value> {
        let out = self.control("POST", "/_emu/profiles", Some(json!({ "profiles": specs })));
        out["profiles"].as_array().cloned().unwrap_or_default()
    }

    pub fn requests(&self) -> Vec<Value> {
        self.control("GET", "/_emu/requests", None)["requests"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn clear_requests(&self) {
        self.control("DELETE", "/_emu/requests", None);
    }

    /// `(service, operation)` of every logged AWS request, in order.
    pub fn calls(&self) -> Vec<(String, String)> {
        self.requests()
            .iter()
            .map(|r| {
                (
                    r["service"].as_str().unwrap_or("").to_owned(),
                    r["operation"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    /// How many logged AWS requests (every attempt, retries included) match
    /// `what`: an operation of any service (`GetMetricData`), one service's
    /// (`ce:GetCostAndUsage`) or any of a service's (`ce:*`).
    pub fn count(&self, what: &str) -> usize {
        let (service, operation) = what.split_once(':').unwrap_or(("*", what));
        let matches = |pattern: &str, value: &str| pattern == "*" || pattern == value;
        self.calls()
            .iter()
            .filter(|(s, o)| matches(service, s) && matches(operation, o))
            .count()
    }

    /// Every application profile in `regions` (`us-east-1,us-west-2`), as
    /// `aipctl list -o json` prints them.
    pub fn profiles(&self, regions: &str) -> Vec<Value> {
        match self.run(["list", "--region", regions, "-o", "json"]).ok().json() {
            Value::Array(profiles) => profiles,
            other => panic!("`aipctl list -o json` printed {other}, not an array"),
        }
    }

    /// Writes `contents` to `name` in the world's home directory (the
    /// command's `$HOME`), for specs, plans and AWS config files.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.home().join(name);
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Sets the emulator's fault rules (`tests/emulator/awsemu/faults.py`).
    #[allow(clippy::needless_pass_by_value, reason = "callers pass json! literals")]
    pub fn faults(&self, rules: Value) {
        self.control("POST", "/_emu/faults", Some(json!({ "seed": 7, "rules": rules })));
    }
}

/// The UTC date `n` days before today, `YYYY-MM-DD` (negative: after).
pub fn date_days_ago(n: i64) -> String {
    let today = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::UTC).date();
    (today - jiff::Span::new().days(n)).to_string()
}

/// The `name` of each profile, as `aipctl list -o json` prints them.
pub fn names<'a>(profiles: impl IntoIterator<Item = &'a Value>) -> Vec<String> {
    profiles
        .into_iter()
        .map(|p| p["name"].as_str().expect("a profile has a name").to_owned())
        .collect()
}

/// An insta filter for the random 12-character ID of an application
/// profile in its ARN: `…:application-inference-profile/[ID]`.
pub const PROFILE_ID: (&str, &str) = (r"(application-inference-profile/)[[:alnum:]]+", "${1}[ID]");

pub const SONNET_US: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
pub const NOVA_PRO: &str = "amazon.nova-pro-v1:0";

/// `insta::assert_snapshot!` under this suite's names: the snapshot `name`
/// asserted in module `it::cost` is `tests/snapshots/cost__name.snap`, the
/// name it had when each area was a test binary of its own. Settings the
/// caller has bound (filters) apply.
macro_rules! snapshot {
    ($name:expr, $value:expr $(,)?) => {{
        let area = module_path!()
            .strip_prefix("it::")
            .unwrap_or(module_path!())
            .replace("::", "__");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(format!("{area}__{}", $name), $value));
    }};
}
pub(crate) use snapshot;

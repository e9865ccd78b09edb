//! `--from/--to` date windows: never panics; accepted windows are ordered,
//! start before now, and never longer than CloudWatch keeps data.
#![no_main]

use aipctl::domain::window::{Window, parse_date};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let Some((from, to)) = s.split_once(' ') else { return };
    let (Ok(from), Ok(to)) = (parse_date("--from", from), parse_date("--to", to)) else { return };
    let now: jiff::Timestamp = "2026-11-22T06:00:00Z".parse().unwrap();
    if let Ok(w) = Window::days(from, to, now) {
        assert!(w.start < w.end_exclusive);
        assert!(w.end_exclusive <= now);
        assert!(w.seconds() <= 455 * 86_400);
    }
});

//! `--since`/`--idle` spans: never panics; accepted spans are 1 hour to 455 days.
#![no_main]

use aipctl::domain::window::parse_span;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(d) = parse_span("--since", s) {
        assert!(d.as_secs() >= 3600 && d.as_secs() <= 455 * 86_400, "{s} -> {d:?}");
    }
});

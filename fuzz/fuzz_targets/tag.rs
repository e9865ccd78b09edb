//! Tag and tag-filter parsing: never panics, and what parses obeys AWS's rules.
#![no_main]

use aipctl::domain::tag::{Tag, TagFilter, TagKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(tag) = s.parse::<Tag>() {
        let key = tag.key.as_str();
        assert!((1..=128).contains(&key.chars().count()));
        assert!(tag.value.as_str().chars().count() <= 256);
        assert_eq!(format!("{}={}", key, tag.value.as_str()), s, "a tag round-trips");
    }
    let _ = s.parse::<TagFilter>();
    if let Ok(k) = s.parse::<TagKey>() {
        assert_eq!(k.is_reserved(), s.to_ascii_lowercase().starts_with("aws:"));
    }
});

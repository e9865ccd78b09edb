//! Profile names, descriptions, ARNs and model references: never panic, and
//! what parses obeys the Bedrock model's patterns.
#![no_main]

use aipctl::domain::profile::{BedrockArn, Description, ModelRef, ProfileName, ProfileRef};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(n) = s.parse::<ProfileName>() {
        let n = n.as_str();
        assert!((1..=64).contains(&n.chars().count()));
        assert!(n.starts_with(|c: char| c.is_ascii_alphanumeric()));
        assert!(!n.contains("--") && !n.contains("  ") && !n.contains("__"));
    }
    let _ = s.parse::<Description>();
    let _ = s.parse::<ModelRef>();
    let _ = s.parse::<ProfileRef>();
    if let Some(arn) = BedrockArn::parse(s) {
        assert_eq!(arn.to_string(), s, "an ARN round-trips");
    }
});

//! The provisioning spec parser: never panics; a spec it accepts has unique
//! names per region and sorted entries; every error it reports points at a
//! line of the file (or none).
#![no_main]

use aipctl::domain::spec::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse(text) {
        Ok(spec) => {
            let mut seen = std::collections::BTreeSet::new();
            for e in &spec.entries {
                assert!(seen.insert((e.region.clone(), e.name.clone())), "duplicate {e:?}");
                assert!(e.tags.len() <= 50);
            }
            assert!(spec.entries.windows(2).all(|w| (&w[0].region, &w[0].name) <= (&w[1].region, &w[1].name)));
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            let lines = text.lines().count() + 1;
            for e in errors {
                assert!(e.at.line.is_none_or(|l| (1..=lines).contains(&l)), "{e:?} in {lines} lines");
            }
        }
    }
});

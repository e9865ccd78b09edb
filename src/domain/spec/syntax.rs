//! Errors of the TOML reader itself (syntax, types, unknown or missing
//! keys), placed at the line and the field the spec's own checks use.

use super::{Location, SpecError, line_of};

/// A syntax or shape error from the TOML reader, with the line and the
/// field it is about (the table header above it plus the key on its line).
pub(super) fn toml_error(text: &str, e: &toml::de::Error) -> SpecError {
    let message = e.message().trim().to_owned();
    let Some(span) = e.span() else {
        return SpecError {
            at: Location {
                line: None,
                field: "(file)".into(),
            },
            message,
        };
    };
    let line = line_of(text, span.start);
    let mut table = String::new();
    for l in text.lines().take(line) {
        let t = l.trim();
        if t.starts_with('[') {
            t.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or_default()
                .trim()
                .clone_into(&mut table);
        }
    }
    let this = text.lines().nth(line - 1).unwrap_or_default().trim();
    let key = if this.starts_with('[') {
        None
    } else {
        this.split_once('=')
            .map(|(k, _)| k.trim().trim_matches('"').to_owned())
    };
    let mut field = match key {
        Some(k) if table.is_empty() => k,
        Some(k) => format!("{table}.{k}"),
        None if table.is_empty() => "(top level)".to_owned(),
        None => table,
    };
    // serde names the missing or unknown key in the message.
    for prefix in ["missing field `", "unknown field `"] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some(name) = rest.split('`').next()
            && !field.ends_with(name)
        {
            field = if field.starts_with('(') {
                name.to_owned()
            } else {
                format!("{field}.{name}")
            };
        }
    }
    SpecError {
        at: Location {
            line: Some(line),
            field,
        },
        message,
    }
}

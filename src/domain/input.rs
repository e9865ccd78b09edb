//! The error of every parser in `domain`: the field, the value and the rule
//! it breaks. Commands turn it into the crate's error (exit 2); it knows
//! nothing above `domain`.

use std::fmt;

/// A value that breaks a rule, found while parsing input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub field: String,
    pub value: String,
    pub rule: String,
}

impl InputError {
    pub fn new(field: &str, value: &str, rule: &str) -> Self {
        Self {
            field: field.to_owned(),
            value: value.to_owned(),
            rule: rule.to_owned(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} `{}`: {}", self.field, self.value, self.rule)
    }
}

impl std::error::Error for InputError {}

//! Pure values and rules: tags, profiles, regions, IAM policies. No I/O, no clock, no SDK
//! types; everything here takes values and returns values.

pub mod cost;
pub mod dashboard;
pub mod filter;
pub mod iam;
pub mod input;
pub mod model;
pub mod outcome;
pub mod plan;
pub mod profile;
pub mod prune;
pub mod region;
pub mod report;
pub mod span;
pub mod spec;
pub mod tag;
pub mod usage;
pub mod window;

pub use input::InputError;

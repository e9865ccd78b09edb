//! Pure values and rules: tags, profiles, regions, IAM policies, budgets and anomaly alerts. No I/O, no clock, no SDK
//! types; everything here takes values and returns values.

pub mod account;
pub mod anomaly;
pub mod budget;
pub mod cost;
pub mod coverage;
pub mod dashboard;
pub mod filter;
pub mod iam;
pub mod input;
pub mod model;
pub mod notify;
pub mod outcome;
pub mod plan;
pub mod price;
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

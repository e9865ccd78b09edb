//! Pure values and rules: tags, profiles, regions. No I/O, no clock, no SDK
//! types; everything here takes values and returns values.

pub mod cost;
pub mod dashboard;
pub mod filter;
pub mod profile;
pub mod region;
pub mod tag;
pub mod usage;
pub mod window;

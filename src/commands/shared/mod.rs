//! What several commands do, so that no command file imports another: the
//! run's clock and AWS settings, selecting and resolving profiles,
//! confirmation, provisioning, deletion, metrics and specs.

pub mod confirm;
pub mod cost;
pub mod metrics;
pub mod provision;
pub mod removal;
pub mod select;
pub mod session;
pub mod spec;

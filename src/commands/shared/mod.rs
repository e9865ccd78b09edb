//! What several commands do, so that no command file imports another: the
//! run's clock and AWS settings, selecting and resolving profiles,
//! confirmation, provisioning, deletion, metrics, specs and the budgets and
//! anomaly alerts specs manage.

pub mod alerts;
pub mod confirm;
pub mod metrics;
pub mod provision;
pub mod removal;
pub mod select;
pub mod session;
pub mod spec;

//! What several commands do, so that no command file imports another: the
//! run's clock and AWS settings, selecting and resolving profiles,
//! confirmation, provisioning, deletion, metrics, attribution coverage, Cost Explorer spend,
//! prices, specs, the budgets and anomaly alerts specs manage, and where those budgets stand.

pub mod accounts;
pub mod alerts;
pub mod budgets;
pub mod confirm;
pub mod cost;
pub mod coverage;
pub mod metrics;
pub mod prices;
pub mod provision;
pub mod removal;
pub mod select;
pub mod session;
pub mod spec;
pub mod spend;

//! The integration tests, one binary: the crate is linked once, not once
//! per area. Each module is an area of the CLI; all of them run the real
//! `aipctl` binary against the local AWS emulator through `support`.

mod support;

mod bad_input; // malformed invocations of every command: exit 2, no request
mod budgets; // budgets and anomaly alerts from the spec, and `aipctl budgets`
mod cost; // `cost` and `cost-tags` against Cost Explorer priced from seeded usage
mod coverage; // `coverage`: who owns Bedrock traffic, by ModelId series; `--billed`; the gate
mod faults; // throttling, 5xx, lost responses and timeouts change nothing
mod interface; // --query, yaml/text, -v, terminal width, prompts, models
mod lifecycle; // create, list, describe, tag, untag, delete
mod organizations; // --accounts: discovery, AssumeRole, partial results, cost by linked account
mod policy; // `aipctl policy`: generated IAM documents, linted
mod policy_documents; // `policies/` held to the operations aipctl sends
mod prices; // Price List money: `prices`, usage cost and savings, `cost --reconcile`
mod provision; // `plan` and `apply` of a TOML spec
mod prune; // idle profiles: dry run, apply, plans, marks and grace
mod report; // `report`: the HTML page, its figures, bars, cache and failures
mod sdk; // the emulator speaks every protocol the Rust SDK does
mod snapshots; // `--help`, list and describe views as users see them
mod tagging; // tags in bulk from tag:GetResources, gaps filled one by one
mod trust; // right account, right region, clear failures
mod usage; // `usage`, `describe --usage` and `dashboard` from CloudWatch

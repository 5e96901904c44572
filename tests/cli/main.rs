//! keyctl's CLI behaviour, pinned by running the real binary.
//!
//! One integration-test binary: `support` runs keyctl in a sandbox and
//! redacts random values; one module per command; snapshots live in
//! `snapshots/` and are reviewed like code (`cargo insta review`).

mod cluster;
mod support;

mod arguments;
mod audit;
mod concurrency;
mod create;
mod csv;
mod docs;
mod doctor;
mod errors;
mod events;
mod gateways;
mod generated;
mod ingest_checks;
mod interactive;
mod layers;
mod list;
mod migrate;
mod plans;
mod postgres;
mod reliability;
mod revoke;
mod roles;
mod rotate;
mod scan;
mod scopes;
mod secret_output;
mod serve;
mod show;
mod storage;
mod stored_text;
mod times;
mod update;
mod usage;
mod verify;

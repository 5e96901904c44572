//! The store's conformance suite: what every backend must do, written once.
//!
//! Each test drives [`keyctl::Store`] through the concern traits of
//! `keyctl::store` (keys, usage, audit, outbox, roles, copy) on an empty store of
//! every backend under test: SQLite always, and PostgreSQL as well when the
//! suite runs with `KEYCTL_TEST_BACKEND=postgres` (a throwaway cluster, the
//! one `tests/cli` starts, with a fresh database per store). A behaviour that
//! holds on one backend and not the other fails here, whichever test of the
//! CLI would have missed it. Checks that belong to one engine (SQLite query
//! plans, WAL trimming, PostgreSQL URLs) stay beside that backend's code.

#[path = "../cli/cluster.rs"]
mod cluster;
mod support;

mod audit;
mod copy;
mod keys;
mod open;
mod outbox;
mod roles;
mod usage;
mod verifying;

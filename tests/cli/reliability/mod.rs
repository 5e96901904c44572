//! The reliability and security properties of issue 8, one module each.
//!
//! Every test here runs in the normal `cargo test` at a size that keeps the
//! suite quick but can still fail; `tests/reliability/run.sh` sets
//! `KEYCTL_RELIABILITY_FULL=1` and runs the same tests at the sizes the
//! README quotes (a million secrets, 6,400 contended verifications, 200
//! kills), then the fuzzers.
//!
//! | item | property | module |
//! |---|---|---|
//! | 1 | key generation | `src/secret/mod.rs` unit tests |
//! | 2 | no plaintext at rest | `at_rest` |
//! | 3 | file modes | `modes` |
//! | 4 | write lock at BEGIN | `locking` |
//! | 5–8 | contention, limit races, first open, rotate/revoke races | `races` |
//! | 9 | crash safety | `crash` |
//! | 10 | audit fail-closed | `crate::audit` |
//! | 11 | terminal safety | `terminal` |
//! | 12 | hostile files | `hostile_files` |
//! | 13 | parsers on arbitrary input (the fuzz corpus, replayed) | `parsers` |
//! | 14 | state machine against a model | `state_machine` |

mod at_rest;
mod crash;
mod hostile_files;
mod locking;
mod modes;
mod parsers;
mod races;
mod state_machine;
mod terminal;

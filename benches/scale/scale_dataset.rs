//! Builds the scale data set: 1,000,000 keys, 10,000,000 requests over 90 days
//! (one hot key with 10 % of them), 100,000 chained audit events.
//!
//! Usage: scale_dataset PATH [--keys N] [--requests N] [--events N]
//! Writes PATH (a keyctl database) and PATH.known.json (the ids and secrets
//! of the keys the benchmarks present).

#[path = "dataset.rs"]
mod dataset;

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: scale_dataset PATH [--keys N] [--requests N] [--events N]");
        std::process::exit(2);
    };
    let mut spec = dataset::Spec::full();
    while let Some(flag) = args.next() {
        let value: u64 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            eprintln!("{flag} needs a number");
            std::process::exit(2);
        });
        match flag.as_str() {
            "--keys" => spec.keys = value.max(3),
            "--requests" => spec.requests = value,
            "--events" => spec.events = value,
            _ => {
                eprintln!("unknown option {flag}");
                std::process::exit(2);
            }
        }
    }
    let started = Instant::now();
    let known = dataset::build(&path, spec, true);
    let known_path = PathBuf::from(format!("{}.known.json", path.display()));
    std::fs::write(&known_path, serde_json::to_string_pretty(&known).unwrap()).unwrap();
    eprintln!(
        "built {} ({} keys, {} requests, {} events) in {:.1}s",
        path.display(),
        spec.keys,
        spec.requests,
        spec.events,
        started.elapsed().as_secs_f64()
    );
}

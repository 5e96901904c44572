//! A loop timer for whole processes in the steady state: each side (keyctl
//! and its floor) works on its own copy of the database and runs its loop
//! of processes again and again, so that every timed process finds the
//! `-wal` its own side's earlier writes left. Nothing resets the `-wal`
//! between processes or cycles.
//!
//! Usage: steady PLAN.json
//!
//! The plan names the cycles, the warm-up cycles and, for each side, the
//! steps of one cycle:
//!
//! ```json
//! {"cycles": 200, "warmup": 20,
//!  "sides": [{"name": "floor", "steps": [
//!     {"label": "record", "cmd": "floor_verify db --record", "stdin": "secret.txt"},
//!     {"label": "create", "cmd": "...", "timed": false}]}]}
//! ```
//!
//! Sides take turns cycle by cycle, in alternating order (A B, B A, …), so
//! that drift in the machine's speed hits both alike. A step with
//! `"timed": false` runs but is not counted. `{i}` in a command becomes a
//! 10-digit number, `offset + stride × n` for the step's n-th run, for
//! commands that must act on a different key each time. `exit_codes` lists
//! the codes a step may end with (default 0, 3, 4, 5: the outcomes of a
//! verification); any other stops the loop. Standard output is
//! discarded. Prints, for each side, the median, the mean and the count of
//! each label's timed runs (the mean counts the rare run that checkpoints,
//! which a median hides), the sum of all its timed runs, and the median of its
//! cycles' timed totals, as JSON.

use std::collections::BTreeMap;
use std::fs::File;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::Deserialize;

#[derive(Deserialize)]
struct Plan {
    cycles: usize,
    warmup: usize,
    sides: Vec<Side>,
}

#[derive(Deserialize)]
struct Side {
    name: String,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    label: String,
    cmd: String,
    stdin: Option<String>,
    #[serde(default = "yes")]
    timed: bool,
    #[serde(default)]
    offset: u64,
    #[serde(default = "one")]
    stride: u64,
    #[serde(default = "outcomes")]
    exit_codes: Vec<i32>,
}

fn yes() -> bool {
    true
}

fn one() -> u64 {
    1
}

/// The exit codes of a verification's outcomes (valid, invalid, forbidden,
/// limited), all of which a verify loop may meet.
fn outcomes() -> Vec<i32> {
    vec![0, 3, 4, 5]
}

/// Runs one step and returns its wall time in nanoseconds.
fn run(step: &Step, n: u64) -> u128 {
    let cmd = step
        .cmd
        .replace("{i}", &format!("{:010}", step.offset + step.stride * n));
    let mut parts = cmd.split_whitespace();
    let program = parts.next().expect("empty command");
    let mut c = Command::new(program);
    c.args(parts).stdout(Stdio::null()).stderr(Stdio::inherit());
    c.stdin(match &step.stdin {
        Some(path) => Stdio::from(File::open(path).expect("stdin file")),
        None => Stdio::null(),
    });
    let started = Instant::now();
    let status = c.status().expect("spawn");
    let nanos = started.elapsed().as_nanos();
    assert!(
        status.code().is_some_and(|c| step.exit_codes.contains(&c)),
        "{cmd} failed: {status}"
    );
    nanos
}

fn median(mut v: Vec<u128>) -> f64 {
    v.sort_unstable();
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    }
}

#[derive(Default)]
struct Times {
    by_label: BTreeMap<String, Vec<u128>>,
    cycles: Vec<u128>,
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: steady PLAN.json");
    let plan: Plan =
        serde_json::from_reader(File::open(&path).expect("plan file")).expect("plan JSON");
    let mut times: Vec<Times> = plan.sides.iter().map(|_| Times::default()).collect();
    for cycle in 0..plan.warmup + plan.cycles {
        let counted = cycle >= plan.warmup;
        let n = cycle as u64;
        let order: Vec<usize> = if cycle % 2 == 0 {
            (0..plan.sides.len()).collect()
        } else {
            (0..plan.sides.len()).rev().collect()
        };
        for s in order {
            let mut total = 0;
            for step in &plan.sides[s].steps {
                let nanos = run(step, n);
                if counted && step.timed {
                    total += nanos;
                    times[s]
                        .by_label
                        .entry(step.label.clone())
                        .or_default()
                        .push(nanos);
                }
            }
            if counted {
                times[s].cycles.push(total);
            }
        }
    }
    let mut out = serde_json::Map::new();
    for (side, t) in plan.sides.iter().zip(times) {
        let mut m = serde_json::Map::new();
        let total: u128 = t.cycles.iter().sum();
        for (label, v) in t.by_label {
            let count = v.len();
            let mean = v.iter().sum::<u128>() as f64 / count.max(1) as f64;
            m.insert(
                label,
                serde_json::json!({"median_ms": median(v) / 1e6, "mean_ms": mean / 1e6, "runs": count}),
            );
        }
        m.insert("total_ms".into(), serde_json::json!(total as f64 / 1e6));
        m.insert(
            "cycle_median_ms".into(),
            serde_json::json!(median(t.cycles) / 1e6),
        );
        out.insert(side.name.clone(), serde_json::Value::Object(m));
    }
    println!("{}", serde_json::Value::Object(out));
}

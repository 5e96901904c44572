//! Time to the first data row of a streaming command: runs it RUNS times,
//! measures how long until its second line (the first row after a CSV
//! header) arrives, stops it, and prints the median in milliseconds.
//!
//! Usage: first_row RUNS 'command …'

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|r| r.parse().ok()).expect("RUNS");
    let cmd = args.next().expect("command");
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut parts = cmd.split_whitespace();
        let started = Instant::now();
        let mut child = Command::new(parts.next().expect("program"))
            .args(parts)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("header");
        line.clear();
        out.read_line(&mut line).expect("row");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        let _ = child.kill();
        let _ = child.wait();
    }
    times.sort_by(f64::total_cmp);
    println!("{:.4}", times[times.len() / 2]);
}

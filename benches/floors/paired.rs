//! A paired timer for whole processes: runs command A and command B
//! alternately (A, B, A, B, …) so that drift in the machine's speed hits
//! both alike, and prints their medians, the ratio of medians and the peak
//! resident memory, as JSON.
//!
//! Usage: paired RUNS WARMUP STDIN_FILE|- 'command a …' 'command b …'
//! Commands are split on spaces; standard output is discarded. `{i}` in a
//! command becomes a 10-digit number that changes on every run of it,
//! `PAIRED_OFFSET + PAIRED_STRIDE × n` (defaults 0 and 1), for commands that
//! must act on a different key each time (revoke, rotate).

use std::fs::File;
use std::process::{Command, Stdio};
use std::time::Instant;

struct Sample {
    nanos: u128,
    max_rss_kib: i64,
}

fn run(cmd: &str, stdin: Option<&str>, n: u64) -> Sample {
    let offset: u64 = std::env::var("PAIRED_OFFSET")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let stride: u64 = std::env::var("PAIRED_STRIDE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let cmd = cmd.replace("{i}", &format!("{:010}", offset + stride * n));
    let mut parts = cmd.split_whitespace();
    let program = parts.next().expect("empty command");
    let mut c = Command::new(program);
    c.args(parts).stdout(Stdio::null()).stderr(Stdio::inherit());
    c.stdin(match stdin {
        Some(path) => Stdio::from(File::open(path).expect("stdin file")),
        None => Stdio::null(),
    });
    let started = Instant::now();
    // Reaped below with wait4, which also reports the peak memory.
    #[allow(clippy::zombie_processes)]
    let child = c.spawn().expect("spawn");
    let pid = i32::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child; status and usage point to live locals.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let nanos = started.elapsed().as_nanos();
    assert_eq!(rc, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && matches!(libc::WEXITSTATUS(status), 0 | 3 | 4 | 5),
        "{cmd} failed with status {status}"
    );
    Sample {
        nanos,
        max_rss_kib: usage.ru_maxrss,
    }
}

fn median(mut v: Vec<u128>) -> f64 {
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 5 {
        eprintln!("usage: paired RUNS WARMUP STDIN_FILE|- 'command a' 'command b'");
        std::process::exit(2);
    }
    let runs: usize = args[0].parse().expect("RUNS");
    let warmup: usize = args[1].parse().expect("WARMUP");
    let stdin = (args[2] != "-").then_some(args[2].as_str());
    let (a, b) = (&args[3], &args[4]);
    let mut n = 0;
    for _ in 0..warmup {
        run(a, stdin, n);
        run(b, stdin, n);
        n += 1;
    }
    let (mut ta, mut tb) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    let (mut ma, mut mb) = (0, 0);
    for _ in 0..runs {
        let s = run(a, stdin, n);
        ta.push(s.nanos);
        ma = ma.max(s.max_rss_kib);
        let s = run(b, stdin, n);
        tb.push(s.nanos);
        mb = mb.max(s.max_rss_kib);
        n += 1;
    }
    let (ma_ns, mb_ns) = (median(ta), median(tb));
    println!(
        "{{\"a_median_ms\": {:.4}, \"b_median_ms\": {:.4}, \"ratio\": {:.4}, \"a_max_rss_kib\": {ma}, \"b_max_rss_kib\": {mb}, \"runs\": {runs}}}",
        ma_ns / 1e6,
        mb_ns / 1e6,
        mb_ns / ma_ns
    );
}

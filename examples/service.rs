//! A small multi-threaded service loop over the keyctl library, with std
//! threads only: a few workers share one [`Opener`] and each opens its own
//! `Keyctl`, then takes requests from a queue and answers each with the HTTP
//! status a server would send. It needs no feature of keyctl's (it builds
//! with `default-features = false`) and no other crate.
//!
//! `cargo run --example service` runs it against a store in a temporary
//! folder and prints the answers, the usage report and the audit trail;
//! `cargo test --example service` runs it and checks the counts.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use keyctl::usage::Window;
use keyctl::{
    Access, AuditFilter, Clock, Config, NewKey, Opener, RateLimit, Scope, TrailEntry, VerifyRequest,
};

/// One request as a server would see it: the presented key, its method and path.
struct Request {
    key: String,
    method: &'static str,
    path: &'static str,
}

const WORKERS: usize = 4;
/// The key's rate limit per minute, below the number of valid requests sent.
const RATE: u32 = 20;

/// The answers by HTTP status, and the number of audit entries of the key.
struct Summary {
    statuses: BTreeMap<u16, usize>,
    refusals_audited: usize,
    requests_recorded: u64,
}

fn run(store: &Path, clock: Clock) -> keyctl::Result<Summary> {
    // One opener for the whole service. It opens with `Access::Existing`: the
    // store must already exist, so an operator (here, the set-up below)
    // creates it first, and a mistyped path is an error, not an empty store.
    let config = Config::default();
    let opener = Opener::new(store, config.clone(), clock, "example-service");

    let mut admin = opener.clone().with_access(Access::Write).open()?;
    let invoices = Scope::parse("invoices:write", &config.catalog)?;
    let mut new = NewKey::new("Example client", vec![invoices]);
    new.rate_limit = Some(RateLimit {
        count: RATE,
        window_secs: 60,
    });
    let created = admin.create(new)?;
    let secret = created.secret.expose().to_owned();

    // 30 valid reads, 5 deletes beyond the key's scope, 3 unknown keys and
    // 2 requests whose method keyctl cannot judge.
    let mut requests = Vec::new();
    for _ in 0..30 {
        requests.push(Request {
            key: secret.clone(),
            method: "GET",
            path: "/v1/invoices/7",
        });
    }
    for _ in 0..5 {
        requests.push(Request {
            key: secret.clone(),
            method: "DELETE",
            path: "/v1/invoices/7",
        });
    }
    for _ in 0..3 {
        requests.push(Request {
            key: "sk_live_nobody".into(),
            method: "GET",
            path: "/v1/clients",
        });
    }
    for _ in 0..2 {
        requests.push(Request {
            key: secret.clone(),
            method: "FETCH",
            path: "/v1/invoices",
        });
    }
    let sent = requests.len();

    let (to_workers, queue) = mpsc::channel::<Request>();
    let queue = Arc::new(Mutex::new(queue));
    let (answers, answered) = mpsc::channel::<keyctl::Result<u16>>();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let opener = opener.clone();
            let queue = Arc::clone(&queue);
            let answers = answers.clone();
            thread::spawn(move || {
                // One Keyctl per worker, for the worker's whole life.
                let mut kc = match opener.open() {
                    Ok(kc) => kc,
                    Err(e) => return answers.send(Err(e)).unwrap_or(()),
                };
                loop {
                    let next = queue.lock().map(|q| q.recv());
                    let Ok(Ok(request)) = next else { break };
                    let verify = VerifyRequest::http(request.method, request.path);
                    // An Err is a store that cannot answer: a server says 503.
                    let status = kc
                        .verify(&request.key, &verify)
                        .map(|v| v.outcome.http_status());
                    if answers.send(status).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    drop(answers);
    for request in requests {
        to_workers.send(request).expect("the workers are running");
    }
    drop(to_workers);

    let mut statuses = BTreeMap::new();
    for answer in answered.iter().take(sent) {
        *statuses.entry(answer?).or_insert(0) += 1;
    }
    for w in workers {
        w.join().expect("a worker panicked");
    }

    let report = admin.usage(&created.key.id, Window::last_days(admin.now(), 1), 5)?;
    let filter = AuditFilter {
        key: Some(created.key.id.clone()),
        actions: vec!["verify.forbidden".into(), "verify.limited".into()],
        limit: 1000,
        ..AuditFilter::default()
    };
    let trail = admin.audit(&filter)?;
    println!("answers by status: {statuses:?}");
    println!(
        "{}: {} requests, {} refused",
        report.key.name, report.total, report.errors
    );
    for entry in trail.iter().take(3) {
        if let TrailEntry::Event(e) = entry {
            println!("audit: {} {} {}", e.ts, e.action, e.details);
        }
    }
    Ok(Summary {
        statuses,
        refusals_audited: trail.len(),
        requests_recorded: report.total,
    })
}

fn main() -> keyctl::Result<()> {
    let dir = std::env::temp_dir().join(format!("keyctl-service-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|source| keyctl::Error::Io {
        path: dir.clone(),
        source,
    })?;
    let result = run(&dir.join("keys.db"), Clock::system());
    let _ = std::fs::remove_dir_all(&dir);
    let summary = result?;
    println!("answers by status: {:?}", summary.statuses);
    println!(
        "{} requests recorded, {} refusals audited",
        summary.requests_recorded, summary.refusals_audited
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_loop_answers_every_request_and_keeps_the_limit() {
        let dir = std::env::temp_dir().join(format!("keyctl-service-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A stopped clock, so that the requests cannot straddle two
        // windows of the rate limit.
        let clock = Clock::fixed(keyctl::time::from_unix(1_800_000_000));
        let summary = run(&dir.join("keys.db"), clock);
        let _ = std::fs::remove_dir_all(&dir);
        let summary = summary.unwrap();
        let count = |s: u16| summary.statuses.get(&s).copied().unwrap_or(0);
        // Exactly RATE of the 30 reads fit the limit, whatever the interleaving.
        assert_eq!(count(200), RATE as usize);
        assert_eq!(count(429), 30 - RATE as usize);
        assert_eq!(count(403), 5 + 2);
        assert_eq!(count(401), 3);
        assert_eq!(summary.refusals_audited, 30 - RATE as usize + 5 + 2);
        assert_eq!(summary.requests_recorded, 37);
    }
}

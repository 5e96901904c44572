//! Verifications from many threads in one process: one `Keyctl` per thread
//! (each from the same `Opener`) against one `Keyctl` behind a `Mutex`, for
//! recorded and unrecorded verifications, beside a single thread's
//! long-lived `Keyctl` and a `Keyctl` opened per request. Results and how
//! to read them are in benches/RESULTS.md ("Many threads").
//!
//! `cargo run --release --example threads --no-default-features`

use keyctl::{Access, Clock, Config, NewKey, Opener, Scope, VerifyRequest};
use std::sync::{Arc, Mutex};
use std::time::Instant;

fn main() {
    let dir = std::env::temp_dir().join(format!("kc-measure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let opener = Opener::new(dir.join("k.db"), Config::default(), Clock::system(), "m");
    let mut admin = opener.clone().with_access(Access::Write).open().unwrap();
    let secret = admin
        .create(NewKey::new("m", vec![Scope::All]))
        .unwrap()
        .secret
        .expose()
        .to_owned();
    for rep in 0..3 {
        for threads in [2usize, 8] {
            for record in [true, false] {
                let req = VerifyRequest {
                    record,
                    ..VerifyRequest::http("GET", "/v1/invoices")
                };
                let n = 2000;
                let t = Instant::now();
                for _ in 0..n {
                    admin.verify(&secret, &req).unwrap();
                }
                println!(
                    "rep={rep} threads={threads} record={record} long-lived 1 thread: {:.0} us/verify",
                    t.elapsed().as_secs_f64() * 1e6 / n as f64
                );
                let n2 = 300;
                let t = Instant::now();
                for _ in 0..n2 {
                    let mut kc = opener.open().unwrap();
                    kc.verify(&secret, &req).unwrap();
                }
                println!(
                    "rep={rep} threads={threads} record={record} open per request: {:.0} us/verify",
                    t.elapsed().as_secs_f64() * 1e6 / n2 as f64
                );
                let per = 500;
                let t = Instant::now();
                std::thread::scope(|s| {
                    for _ in 0..threads {
                        let o = opener.clone();
                        let (sec, req) = (&secret, &req);
                        s.spawn(move || {
                            let mut kc = o.open().unwrap();
                            for _ in 0..per {
                                kc.verify(sec, req).unwrap();
                            }
                        });
                    }
                });
                println!(
                    "rep={rep} threads={threads} record={record} Keyctl each: {:.0} verifies/s",
                    (threads * per) as f64 / t.elapsed().as_secs_f64()
                );
                let shared = Arc::new(Mutex::new(opener.open().unwrap()));
                let t = Instant::now();
                std::thread::scope(|s| {
                    for _ in 0..threads {
                        let m = Arc::clone(&shared);
                        let (sec, req) = (&secret, &req);
                        s.spawn(move || {
                            for _ in 0..per {
                                m.lock().unwrap().verify(sec, req).unwrap();
                            }
                        });
                    }
                });
                println!(
                    "rep={rep} threads={threads} record={record} Mutex<Keyctl>: {:.0} verifies/s",
                    (threads * per) as f64 / t.elapsed().as_secs_f64()
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

//! A webhook receiver for measuring delivery: listens on 127.0.0.1, answers
//! every request 204 with keep-alive, and checks each signature as the
//! Standard Webhooks specification says. It prints its port on the first
//! line, then, when standard input closes, how many requests it received and
//! how many of them verified.
//!
//! Usage: events_receiver SECRET   (SECRET in whsec_ form)

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

struct Counts {
    received: AtomicU64,
    verified: AtomicU64,
}

fn verify(key: &[u8], headers: &HashMap<String, String>, body: &[u8]) -> bool {
    let get = |k: &str| headers.get(k).map_or("", String::as_str);
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return false;
    };
    mac.update(format!("{}.{}.", get("webhook-id"), get("webhook-timestamp")).as_bytes());
    mac.update(body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    get("webhook-signature").split(' ').any(|s| s == expected)
}

fn serve(stream: TcpStream, key: &[u8], counts: &Counts) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        counts.received.fetch_add(1, Ordering::Relaxed);
        if verify(key, &headers, &body) {
            counts.verified.fetch_add(1, Ordering::Relaxed);
        }
        if writer
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .is_err()
        {
            return;
        }
    }
}

fn main() {
    let secret = std::env::args().nth(1).unwrap_or_default();
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("a whsec_ secret");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    let counts = Arc::new(Counts {
        received: AtomicU64::new(0),
        verified: AtomicU64::new(0),
    });
    let key = Arc::new(key);
    let (c, k) = (counts.clone(), key.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (c, k) = (c.clone(), k.clone());
            std::thread::spawn(move || serve(stream, &k, &c));
        }
    });
    // Runs until standard input closes.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    println!(
        "received {} verified {}",
        counts.received.load(Ordering::Relaxed),
        counts.verified.load(Ordering::Relaxed)
    );
}

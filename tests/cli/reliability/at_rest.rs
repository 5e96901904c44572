//! Item 2: no plaintext at rest, and a secret printed only by the command
//! that made it.
//!
//! Many creates and rotations run through the real binary, mixed with
//! verifications, updates, revocations and an ingest so that every table and
//! the trail hold data. Then the database, its `-wal` and its `-shm`, and
//! everything any command printed are searched for 12-character pieces of
//! every secret.
//!
//! Which pieces: the displayed prefix (`sk_live_` + 8 characters) is public
//! by design and stored in every key row, so a piece made only of it proves
//! nothing. A piece that reaches a few characters past it could still match
//! by chance the bytes that follow a stored prefix in a row or an index
//! entry; from 4 hidden characters on, that chance is about 1 in 15 million
//! per stored prefix. So every piece that covers at least 4 characters of the
//! hidden part is searched for: that is every piece of the secret's random
//! tail and checksum, plus the ones straddling the prefix.

use std::collections::HashMap;

use crate::support::{Sandbox, scaled, secrets_in};

const PIECE: usize = 12;
/// `sk_live_` and 8 random characters.
const SHOWN: usize = 16;
const MIN_HIDDEN: usize = 4;

/// Every searched piece of every secret, mapped to the secret's index.
fn piece_index(secrets: &[String]) -> HashMap<[u8; PIECE], usize> {
    let mut map = HashMap::new();
    for (n, s) in secrets.iter().enumerate() {
        let b = s.as_bytes();
        assert_eq!(b.len(), 46, "default prefix and layout");
        for start in (SHOWN + MIN_HIDDEN - PIECE)..=(b.len() - PIECE) {
            let mut piece = [0u8; PIECE];
            piece.copy_from_slice(&b[start..start + PIECE]);
            map.insert(piece, n);
        }
    }
    map
}

/// The indices of the secrets that have a piece in `haystack`.
fn found(index: &HashMap<[u8; PIECE], usize>, haystack: &[u8]) -> Vec<usize> {
    let mut hits: Vec<usize> = haystack
        .windows(PIECE)
        .filter_map(|w| {
            let mut piece = [0u8; PIECE];
            piece.copy_from_slice(w);
            index.get(&piece).copied()
        })
        .collect();
    hits.sort_unstable();
    hits.dedup();
    hits
}

fn db_files(s: &Sandbox) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let path = format!("{}{suffix}", s.db().display());
            std::fs::read(&path)
                .ok()
                .map(|b| (format!("keyctl.db{suffix}"), b))
        })
        .collect()
}

/// One printed output: which command, what it printed, and the secret it
/// made (if any).
struct Printed {
    what: String,
    text: String,
    made: Option<String>,
}

#[test]
fn no_piece_of_a_secret_is_at_rest_or_printed_twice() {
    if crate::support::sqlite_only("reads the database, -wal and -shm files byte by byte") {
        return;
    }
    let creates = scaled(200, 1000);
    let rotations = scaled(20, 100);
    let s = Sandbox::new();
    let mut printed: Vec<Printed> = Vec::new();
    let mut run = |s: &Sandbox, args: Vec<String>, input: Option<&str>, expect_secret: bool| {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = s.run_with_stdin(&argv, input);
        assert!(
            [0, 3].contains(&r.code),
            "{args:?}: {} {}",
            r.code,
            r.stderr
        );
        let text = format!("{}{}", r.stdout, r.stderr);
        let mut made = secrets_in(&text);
        assert!(made.len() <= 1, "{args:?} printed {} secrets", made.len());
        assert_eq!(made.len(), usize::from(expect_secret), "{args:?}: {text}");
        let made = made.pop();
        printed.push(Printed {
            what: args.join(" "),
            text,
            made: made.clone(),
        });
        made
    };
    let formats = ["table", "json", "csv"];
    let arg = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();

    let mut secrets = Vec::new();
    let first = run(
        &s,
        arg(&["create", "--name", "k0", "--scope", "invoices:read", "-q"]),
        None,
        true,
    )
    .unwrap();
    secrets.push(first);
    // A connection held open keeps the last keyctl from checkpointing and
    // removing the -wal on exit, so the log's frames are searched too.
    let reader = crate::support::open_db(&s.db());
    reader.execute_batch("SELECT count(*) FROM keys").unwrap();

    for i in 1..creates {
        let name = format!("k{i}");
        let mut args = arg(&["create", "--name", &name, "--scope", "invoices:write"]);
        if i % 4 == 3 {
            args.push("-q".into());
        } else {
            args.extend(["--format".into(), formats[i % 3].into()]);
        }
        if i % 5 == 0 {
            args.extend(arg(&["--meta", "team=billing", "--rate-limit", "100/min"]));
        }
        secrets.push(run(&s, args, None, true).unwrap());
    }
    // Rotate some keys (by their displayed prefix), verify others, and put
    // one through every other write.
    for r in 0..rotations {
        let old = secrets[r * (creates / rotations)].clone();
        let mut args = arg(&["rotate", &old[..SHOWN], "--yes"]);
        if r % 2 == 0 {
            args.extend(arg(&["--grace", "1d"]));
        }
        args.extend(["--format".into(), formats[r % 3].into()]);
        let new = run(&s, args, None, true).unwrap();
        for secret in [&old, &new] {
            run(
                &s,
                arg(&["verify", "--path", "/v1/invoices/7", "--method", "GET"]),
                Some(&format!("{secret}\n")),
                false,
            );
        }
        secrets.push(new);
    }
    let victim = secrets[1][..SHOWN].to_owned();
    run(
        &s,
        arg(&[
            "update",
            &victim,
            "--description",
            "updated",
            "--meta",
            "t=1",
        ]),
        None,
        false,
    );
    let log = format!(
        "{{\"key\":\"{victim}\",\"ts\":1795000000,\"status\":200,\"path\":\"/v1/invoices\"}}\n"
    );
    run(&s, arg(&["ingest", "-"]), Some(&log), false);
    run(&s, arg(&["revoke", &victim, "--yes"]), None, false);

    // Everything the read commands print, in every format.
    for format in formats {
        for cmd in [
            &["list", "--status", "all"][..],
            &["audit", "--limit", "100000"],
            &["usage"],
            &["usage", &secrets[0][..SHOWN]],
            &["show", &secrets[0][..SHOWN]],
            &["audit", "verify"],
            &["audit", "head"],
        ] {
            let mut args = arg(cmd);
            args.extend(["--format".into(), format.into()]);
            run(&s, args, None, false);
        }
    }

    let index = piece_index(&secrets);
    let mut files = db_files(&s);
    assert!(
        files
            .iter()
            .any(|(n, b)| n.ends_with("-wal") && b.len() > 4096),
        "the -wal holds no frames"
    );
    drop(reader);
    // One more write as the last connection: it checkpoints into the file.
    run(
        &s,
        arg(&["revoke", &secrets[2][..SHOWN], "--yes"]),
        None,
        false,
    );
    files.extend(db_files(&s));
    let mut bytes = 0;
    for (name, content) in &files {
        bytes += content.len();
        let hits = found(&index, content);
        assert!(
            hits.is_empty(),
            "{name} holds pieces of {} secrets",
            hits.len()
        );
    }
    // The scan sees what it should: each creating output holds its own
    // secret and no other, and the files hold the hashes.
    let mut outputs = 0;
    for p in &printed {
        let hits = found(&index, p.text.as_bytes());
        let own: Vec<usize> = p
            .made
            .iter()
            .map(|m| secrets.iter().position(|s| s == m).unwrap())
            .collect();
        assert_eq!(hits, own, "{} printed pieces of other secrets", p.what);
        outputs += 1;
    }
    let hash = keyctl::SecretHash::of(&secrets[0]);
    assert!(
        files
            .iter()
            .any(|(_, b)| b.windows(32).any(|w| w == hash.0.as_slice())),
        "the database does not hold the hashes"
    );
    eprintln!(
        "at rest: {} secrets ({} creates, {rotations} rotations), {} pieces, {bytes} bytes of database files, {outputs} outputs searched",
        secrets.len(),
        creates,
        index.len()
    );
}

//! The PostgreSQL backend itself: schema versions, refusals, connections,
//! TLS. These run only with `KEYCTL_TEST_BACKEND=postgres` (the rest of the
//! suite then runs against PostgreSQL too).

use keyctl::store::postgres::{apply_migrations, latest_version};

use crate::cluster::{self, PASSWORD, SUPERUSER, cluster, database_of, fresh_database};
use crate::support::{Sandbox, on_postgres};

fn skip() -> bool {
    if on_postgres() {
        return false;
    }
    eprintln!("PostgreSQL only: set KEYCTL_TEST_BACKEND=postgres");
    true
}

/// The number of tables in the schema keyctl of a database (-1: no schema).
fn keyctl_tables(db: &str) -> i64 {
    let mut client = cluster().client(db);
    let row = client
        .query_one(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'keyctl') \
             THEN (SELECT count(*) FROM pg_tables WHERE schemaname = 'keyctl') ELSE -1 END",
            &[],
        )
        .unwrap();
    row.get(0)
}

#[test]
fn every_migration_step_applies_on_the_previous_version() {
    if skip() {
        return;
    }
    for to in 1..=latest_version() {
        let db = database_of(&fresh_database());
        let mut client = cluster().client(&db);
        client
            .batch_execute(
                "BEGIN; CREATE SCHEMA keyctl; CREATE TABLE keyctl.schema_migrations \
                 (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
            )
            .unwrap();
        apply_migrations(&mut client, 0, to - 1).unwrap();
        apply_migrations(&mut client, to - 1, to).unwrap();
        client.batch_execute("COMMIT").unwrap();
        let v: i64 = client
            .query_one("SELECT max(version) FROM keyctl.schema_migrations", &[])
            .unwrap()
            .get(0);
        assert_eq!(v, to);
    }
}

#[test]
fn reads_of_a_new_database_create_nothing() {
    if skip() {
        return;
    }
    let s = Sandbox::new();
    let db = database_of(&s.location());
    assert_eq!(s.ok(&["list", "--format", "json"]).trim(), "[]");
    let run = s.run_with_stdin(
        &["verify"],
        Some("sk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    );
    assert_ne!(run.code, 0);
    assert_eq!(s.run(&["revoke", "x", "--yes"]).code, 1);
    assert_eq!(keyctl_tables(&db), -1, "a read created the schema");
    s.create("k", &[]);
    assert_eq!(keyctl_tables(&db), 11);
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    if skip() {
        return;
    }
    let s = Sandbox::new();
    s.create("k", &[]);
    let db = database_of(&s.location());
    let mut client = cluster().client(&db);
    client
        .execute(
            "INSERT INTO keyctl.schema_migrations VALUES ($1, 0)",
            &[&(latest_version() + 1)],
        )
        .unwrap();
    let before: i64 = client
        .query_one("SELECT count(*) FROM keyctl.audit_events", &[])
        .unwrap()
        .get(0);
    for args in [
        &["list"][..],
        &["create", "--name", "x", "--scope", "invoices:read"],
    ] {
        let run = s.run(args);
        assert_eq!(run.code, 1, "{args:?}");
        assert!(run.stderr.contains("newer keyctl"), "{}", run.stderr);
        assert!(!run.stderr.contains(PASSWORD), "{}", run.stderr);
    }
    let after: i64 = client
        .query_one("SELECT count(*) FROM keyctl.audit_events", &[])
        .unwrap()
        .get(0);
    assert_eq!(before, after);
}

#[test]
fn a_keyctl_schema_that_keyctl_did_not_make_is_refused_untouched() {
    if skip() {
        return;
    }
    let s = Sandbox::new();
    let db = database_of(&s.location());
    cluster()
        .client(&db)
        .batch_execute("CREATE SCHEMA keyctl; CREATE TABLE keyctl.notes (body text)")
        .unwrap();
    for args in [
        &["list"][..],
        &["create", "--name", "x", "--scope", "invoices:read"],
    ] {
        let run = s.run(args);
        assert_eq!(run.code, 1, "{args:?}");
        assert!(run.stderr.contains("keyctl did not make"), "{}", run.stderr);
    }
    assert_eq!(keyctl_tables(&db), 1);
}

#[test]
fn many_first_opens_migrate_exactly_once() {
    if skip() {
        return;
    }
    let s = Sandbox::new();
    let children: Vec<_> = (0..12)
        .map(|i| {
            s.command(&[
                "create",
                "--name",
                &format!("c{i}"),
                "--scope",
                "invoices:read",
                "-q",
            ])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let db = database_of(&s.location());
    let rows: i64 = cluster()
        .client(&db)
        .query_one("SELECT count(*) FROM keyctl.schema_migrations", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, latest_version());
}

#[test]
fn tcp_connections_take_the_password_from_the_url_the_environment_or_pgpass() {
    if skip() {
        return;
    }
    let mut s = Sandbox::new();
    s.create("k", &[]);
    // These runs connect as the superuser, who is then the operator.
    s.unset("KEYCTL_ACTOR");
    let db = database_of(&s.location());
    let c = cluster();
    let bare = format!(
        "postgres://{SUPERUSER}@127.0.0.1:{}/{db}?sslmode=disable",
        c.port
    );
    let with_password = format!(
        "postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{}/{db}?sslmode=disable",
        c.port
    );
    let listed = |s: &Sandbox, url: &str| s.run(&["--db", url, "list", "--format", "json"]);

    let run = listed(&s, &with_password);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"name\": \"k\""), "{}", run.stdout);

    let run = listed(&s, &bare);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cannot connect"), "{}", run.stderr);

    let wrong = format!("postgres://{SUPERUSER}:wrong@127.0.0.1:{}/{db}", c.port);
    let run = listed(&s, &wrong);
    assert_eq!(run.code, 1);
    assert!(
        !run.stderr.contains("wrong"),
        "a password was printed: {}",
        run.stderr
    );
    assert!(run.stderr.contains(":***@"), "{}", run.stderr);

    s.set("PGPASSWORD", PASSWORD);
    assert_eq!(listed(&s, &bare).code, 0);
    s.unset("PGPASSWORD");

    let pgpass = s.home().join(".pgpass");
    std::fs::write(
        &pgpass,
        format!("# test\n127.0.0.1:{}:{db}:{SUPERUSER}:{PASSWORD}\n", c.port),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(listed(&s, &bare).code, 1, "a readable ~/.pgpass is ignored");
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let run = listed(&s, &bare);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn tls_modes_check_the_certificate_as_libpq_does() {
    if skip() {
        return;
    }
    let c = cluster();
    let Some(cert) = &c.certificate else {
        eprintln!("the test cluster has no TLS (no openssl): not checked");
        return;
    };
    let mut s = Sandbox::new();
    s.create("k", &[]);
    s.set("PGPASSWORD", PASSWORD);
    // These runs connect as the superuser, who is then the operator.
    s.unset("KEYCTL_ACTOR");
    let db = database_of(&s.location());
    let root = cert.display().to_string().replace('/', "%2F");
    // The certificate names 127.0.0.1, not localhost.
    let connects = |host: &str, query: &str| -> Result<(), String> {
        let url = format!("postgres://{SUPERUSER}@{host}:{}/{db}?{query}", c.port);
        let run = s.run(&["--db", &url, "list", "-q"]);
        if run.code == 0 {
            Ok(())
        } else {
            Err(run.stderr)
        }
    };
    connects("127.0.0.1", "sslmode=require").unwrap();
    connects("127.0.0.1", "sslmode=prefer").unwrap();
    connects("127.0.0.1", "sslmode=disable").unwrap();
    connects(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={root}"),
    )
    .unwrap();
    connects(
        "localhost",
        &format!("sslmode=verify-ca&sslrootcert={root}"),
    )
    .unwrap();
    let err = connects(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={root}"),
    )
    .unwrap_err();
    assert!(
        err.contains("cannot connect") && err.contains("certificate"),
        "{err}"
    );
    // Against the public roots a self-signed certificate does not verify.
    let err = connects("127.0.0.1", "sslmode=verify-full").unwrap_err();
    assert!(
        err.contains("cannot connect") && err.contains("certificate"),
        "{err}"
    );
    let err = connects("127.0.0.1", "sslmode=sometimes").unwrap_err();
    assert!(err.contains("sslmode 'sometimes'"), "{err}");
}

/// Keep the helper module's items referenced from one place.
#[test]
fn the_cluster_url_forms_name_one_database() {
    if skip() {
        return;
    }
    let url = fresh_database();
    assert!(url.starts_with("postgres://keyctl@%2F"), "{url}");
    assert_eq!(database_of(&cluster::cluster().tcp_url("x")), "x");
}

#[test]
fn a_revocation_is_seen_by_the_next_verification_on_another_connection() {
    if skip() {
        return;
    }
    use keyctl::store::Access;
    use keyctl::{Clock, Config, Keyctl, Outcome, VerifyRequest};
    let mut s = Sandbox::new();
    let (id, secret) = s.create("k", &[]);
    // The services log in as the database user `api`, their operator.
    s.connect_as("api");
    let open = || {
        Keyctl::new(
            s.store(Access::Write),
            Config::default(),
            Clock::system(),
            "api".into(),
        )
    };
    // Two long-lived services, as on two machines.
    let (mut api, mut admin) = (open(), open());
    for record in [false, true] {
        let request = VerifyRequest {
            record,
            ..VerifyRequest::default()
        };
        assert_eq!(
            api.verify(&secret, &request).unwrap().outcome,
            Outcome::Valid
        );
    }
    admin.revoke(&id, Some("leaked")).unwrap();
    for record in [false, true] {
        let request = VerifyRequest {
            record,
            ..VerifyRequest::default()
        };
        assert_eq!(
            api.verify(&secret, &request).unwrap().outcome,
            Outcome::Revoked
        );
    }
}

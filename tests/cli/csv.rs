//! CSV output is opened in spreadsheets (SPEC §7): no cell may start like a
//! formula, every row has the header's columns, and a cell documented as
//! JSON is JSON.

use crate::support::Sandbox;

const FORMULA_NAME: &str = "=HYPERLINK(\"http://evil\",\"x\")";

/// Every row of a CSV document; fails on rows of unequal length.
fn rows(doc: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(doc.as_bytes())
        .records()
        .map(|r| {
            r.expect("a well-formed CSV row")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

fn assert_no_formula(what: &str, doc: &str) {
    for row in rows(doc) {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{what}: cell {cell:?} starts like a formula"
            );
        }
    }
}

#[test]
fn no_csv_cell_starts_like_a_formula() {
    let s = Sandbox::new();
    let (id, secret) = s.create(
        FORMULA_NAME,
        &["--description", "+1+1", "--meta", "note=@SUM(A1)"],
    );
    s.ok(&["update", &id, "--name=-2+3"]);
    let log = serde_json::json!({
        "key": id, "ts": "2026-11-22T10:00:00Z", "method": "GET",
        "path": "=1+1", "status": 200, "user_agent": "\tcmd"
    });
    let file = s.home().join("gw.jsonl");
    std::fs::write(&file, format!("{log}\n")).unwrap();
    s.ok(&["ingest", file.to_str().unwrap()]);
    let input = format!("{secret}\n");
    let verify = s.run_with_stdin(&["verify", "--format", "csv"], Some(&input));
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    let outputs = [
        ("list", s.ok(&["list", "--format", "csv"])),
        ("show", s.ok(&["show", &id, "--format", "csv"])),
        ("verify", verify.stdout),
        ("usage", s.ok(&["usage", "--format", "csv"])),
        ("usage KEY", s.ok(&["usage", &id, "--format", "csv"])),
        ("audit", s.ok(&["audit", "--format", "csv"])),
    ];
    for (what, doc) in &outputs {
        assert!(rows(doc).len() >= 2, "{what}: {doc}");
        assert_no_formula(what, doc);
    }
    // The guard keeps the text: a quote in front, nothing lost.
    assert!(outputs[0].1.contains("'-2+3"), "{}", outputs[0].1);
    assert!(outputs[5].1.contains("'=1+1"), "{}", outputs[5].1);
}

#[test]
fn verify_csv_has_a_header_for_every_column() {
    let s = Sandbox::new();
    let (_, secret) = s.create("k", &["--rate-limit", "10/min", "--quota", "5/day"]);
    let run = s.run_with_stdin(&["verify", "--format", "csv"], Some(&format!("{secret}\n")));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = rows(&run.stdout);
    assert_eq!(rows.len(), 2);
    let record: std::collections::HashMap<_, _> = rows[0].iter().zip(&rows[1]).collect();
    assert_eq!(record[&"rate_limit_remaining".to_owned()], "9");
    assert_eq!(record[&"quota_remaining".to_owned()], "4");
}

#[test]
fn the_details_cell_of_audit_csv_is_json() {
    let s = Sandbox::new();
    let (id, _) = s.create("k", &[]);
    s.ok(&[
        "update",
        &id,
        "--meta",
        "note=a\u{9b}b\u{1b}c",
        "--description",
        "x\u{7f}y",
    ]);
    let doc = s.ok(&["audit", "--format", "csv"]);
    let trail = rows(&doc);
    let col = trail[0].iter().position(|h| h == "details").unwrap();
    let mut seen = false;
    for row in &trail[1..] {
        let details: serde_json::Value = serde_json::from_str(&row[col])
            .unwrap_or_else(|e| panic!("details {:?} is not JSON: {e}", row[col]));
        if let Some(to) = details.pointer("/changes/metadata/to/note") {
            assert_eq!(to, "a\u{9b}b\u{1b}c");
            seen = true;
        }
        // Still nothing a terminal would act on.
        assert!(
            !row[col].contains(['\u{9b}', '\u{1b}', '\u{7f}']),
            "{}",
            row[col]
        );
    }
    assert!(seen, "{doc}");
    // So is the metadata cell of a key.
    let list = rows(&s.ok(&["list", "--format", "csv"]));
    let col = list[0].iter().position(|h| h == "metadata").unwrap();
    let meta: serde_json::Value = serde_json::from_str(&list[1][col])
        .unwrap_or_else(|e| panic!("metadata {:?} is not JSON: {e}", list[1][col]));
    assert_eq!(meta["note"], "a\u{9b}b\u{1b}c");
}

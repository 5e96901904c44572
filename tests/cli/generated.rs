//! The committed completions/ and man/ files match the clap definition.
//!
//! Set `KEYCTL_UPDATE_GENERATED=1` to rewrite them after a CLI change.

use std::path::Path;

use crate::support::Sandbox;

#[test]
fn committed_completions_and_man_pages_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("KEYCTL_UPDATE_GENERATED").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    let expected = keyctl::cli::generate::generated_files();
    for (rel, content) in &expected {
        let path = root.join(rel);
        if std::fs::read(&path).ok().as_deref() == Some(&content[..]) {
            continue;
        }
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, content).unwrap();
        } else {
            stale.push(rel.clone());
        }
    }
    // Files left behind by a removed command are stale too.
    for dir in ["completions", "man"] {
        for entry in std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
            if !expected.iter().any(|(r, _)| *r == rel) {
                if update {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    stale.push(format!("{rel} (no longer generated)"));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {}\nrun `KEYCTL_UPDATE_GENERATED=1 cargo test --test cli generated` and commit them",
        stale.join(", ")
    );
}

#[test]
fn the_printed_completions_and_pages_are_the_committed_ones() {
    let s = Sandbox::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bash = s.ok(&["completions", "bash"]);
    assert_eq!(
        bash.as_bytes(),
        std::fs::read(root.join("completions/keyctl.bash")).unwrap()
    );
    let page = s.ok(&["man", "create"]);
    assert_eq!(
        page.as_bytes(),
        std::fs::read(root.join("man/keyctl-create.1")).unwrap()
    );
    let run = s.run(&["man", "frobnicate"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("no command 'frobnicate'"),
        "{}",
        run.stderr
    );
}

#[test]
fn bash_completion_loads_and_offers_the_subcommands() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!("bash is required for this test");
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/keyctl.bash");
    let probe = format!(
        "source {script:?} && complete -p keyctl >/dev/null && \
         COMP_WORDS=(keyctl '') COMP_CWORD=1 COMP_LINE='keyctl ' COMP_POINT=7 && \
         _keyctl keyctl '' keyctl && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&probe)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let offered = String::from_utf8_lossy(&out.stdout);
    for sub in [
        "create",
        "list",
        "show",
        "update",
        "revoke",
        "rotate",
        "scopes",
        "completions",
        "man",
    ] {
        assert!(
            offered.lines().any(|l| l == sub),
            "{sub} not offered: {offered}"
        );
    }
    let probe = format!(
        "source {script:?} && COMP_WORDS=(keyctl list --format '') COMP_CWORD=3 && \
         _keyctl keyctl '' --format && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&probe)
        .output()
        .unwrap();
    let offered = String::from_utf8_lossy(&out.stdout);
    for value in ["table", "json", "csv"] {
        assert!(
            offered.lines().any(|l| l == value),
            "{value} not offered: {offered}"
        );
    }
}

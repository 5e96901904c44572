//! The examples of `README.md` and `docs/*.md`, run as written, so that none goes stale.
//!
//! A ```` ```console ```` block is the transcript of a bash session: a `$ ` line is a command
//! (a trailing `\` continues it on the next line) and the lines after it, up to the next
//! command or the end of the block, are what it printed, standard output and standard error
//! interleaved as a terminal shows them. A file runs from its first block to its last in a
//! sandbox of its own: a fresh temporary HOME that is also the working folder, the database at
//! its default place inside it, no config, and a cleared environment with the fixed clock
//! `KEYCTL_NOW`, the actor `alice`, `NO_COLOR` and `COLUMNS`. A block whose info string names
//! a file (```` ```toml file=~/.config/keyctl/config.toml ````) is written there when the run
//! reaches it, so the config a page shows is the config its examples run with.
//!
//! Only the shell a reader needs around keyctl runs: `keyctl …` with `NAME=value` prefixes,
//! `NAME=$(keyctl …)`, a here-string (`<<< "$KEY"`) as standard input, `$NAME` and `~/`
//! expansion, `export NAME=value`, `echo`, and `#` comments. Anything else is refused, so an
//! example that cannot run here has to be a ```` ```sh ```` block, which is an illustration
//! and never run; a reader can tell the two apart by the fence.
//!
//! trycmd runs Markdown examples too, but gives a command no standard input there, and
//! `verify` reads the presented secret from it; so this runner is written over snapbox, the
//! engine under trycmd, and keeps trycmd's conventions. Expected output is matched with
//! snapbox's wildcards: `[..]` stands for any text within a line, and `...` on a line of its
//! own for any lines. Values that are random on every run (key ids, displayed prefixes,
//! secrets, event ids, audit hashes) stand for any value of the same shape, on both sides, so
//! the docs can show realistic ones; the sandbox's HOME prints as `~`. A command that exits
//! non-zero must be followed by `echo $?`, so that a failure never passes unnoticed because
//! its message happened to be the one shown.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;

use crate::support::NOW;

/// How long one command may take before the example counts as hung: generous for a debug
/// build on a loaded machine, but a hung command fails instead of stalling the suite.
const TIMEOUT: Duration = Duration::from_secs(120);

#[test]
fn readme_examples_run_as_written() {
    let ran = check_files(&[repo().join("README.md")]);
    // The tour is the README's point: it must not shrink to nothing by accident.
    assert!(ran >= 10, "README.md ran only {ran} commands");
}

#[test]
fn docs_examples_run_as_written() {
    let ran = check_files(&doc_pages());
    assert!(ran >= 20, "docs/ ran only {ran} commands");
}

/// CI runs the README's test command (`.ci/run`), and a newcomer runs its set-up commands
/// exactly as printed: both stay as they are.
#[test]
fn readme_set_up_commands_are_the_ones_ci_runs() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let sh: Vec<String> = blocks(&readme)
        .into_iter()
        .filter(|b| b.info == "sh")
        .flat_map(|b| b.lines.into_iter().map(|(_, l)| l.trim().to_owned()))
        .collect();
    for command in [
        r#"cargo run --release -- create --name "Production Server" --scope invoices:read"#,
        "cargo test",
    ] {
        assert!(
            sh.iter().any(|l| l == command),
            "README.md no longer shows `{command}` on a line of its own in a ```sh block"
        );
    }
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test"),
        ".ci/run no longer runs the README's `cargo test`"
    );
}

/// Every relative link between the pages points at a file that exists and, with `#anchor`,
/// at a heading of that file.
#[test]
fn links_between_the_pages_resolve() {
    let link = Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let mut broken = Vec::new();
    let mut checked = 0;
    let mut pages = vec![repo().join("README.md")];
    pages.extend(doc_pages());
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        let outside_code = strip_code(&text);
        for c in link.captures_iter(&outside_code) {
            let target = &c[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
            let path = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            if !path.exists() {
                broken.push(format!("{}: {target}: no such file", rel(page)));
                continue;
            }
            if !anchor.is_empty() && path.extension().is_some_and(|e| e == "md") {
                let target_text = std::fs::read_to_string(&path).unwrap();
                if !anchors(&target_text).iter().any(|a| a == anchor) {
                    broken.push(format!("{}: {target}: no such heading", rel(page)));
                }
            }
        }
    }
    assert!(checked >= 20, "only {checked} links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The example secrets of the pages have a wrong checksum: a secret scanner (or `keyctl`
/// itself) must never take the documentation for a leak.
#[test]
fn example_secrets_are_not_well_formed() {
    let shaped = Regex::new(r"\b[a-z][a-z0-9]{1,9}_(?:live|test)_[0-9A-Za-z]{38}\b").unwrap();
    let mut pages = vec![repo().join("README.md")];
    pages.extend(doc_pages());
    let mut seen = 0;
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for m in shaped.find_iter(&text) {
            seen += 1;
            assert!(
                keyctl::Secret::parse(m.as_str()).is_err(),
                "{}: {} is a well-formed secret; change its last character",
                rel(page),
                m.as_str()
            );
        }
    }
    assert!(seen >= 5, "only {seen} example secrets found");
}

// The runner checks itself: an example that no longer matches, an unshown failure and shell
// it cannot run must each fail, and a here-string must reach keyctl.

#[test]
fn a_changed_output_fails_with_its_line() {
    let doc = "# t\n\n```console\n$ keyctl scopes\nRESOURCE  SCOPES\nnothing like it\n```\n";
    let err = run_doc("changed.md", doc).unwrap_err();
    assert!(err.contains("changed.md:4"), "{err}");
    assert!(err.contains("nothing like it"), "{err}");
}

#[test]
fn a_failure_must_be_followed_by_its_exit_status() {
    let shown = "```console\n$ keyctl show nobody\n...\n```\n";
    let err = run_doc("unshown.md", shown).unwrap_err();
    assert!(err.contains("exited with 1"), "{err}");
    let acknowledged = "```console\n$ keyctl show nobody\n...\n$ echo $?\n1\n```\n";
    assert_eq!(run_doc("shown.md", acknowledged), Ok(2));
}

#[test]
fn shell_beyond_the_supported_subset_is_refused() {
    for line in [
        "keyctl list | head -1",
        "keyctl list > keys.txt",
        "ls ~",
        "keyctl verify < key.txt",
        "keyctl show \"$UNSET\"",
    ] {
        let doc = format!("```console\n$ {line}\n```\n");
        let err = run_doc("shell.md", &doc).unwrap_err();
        assert!(err.contains("shell.md:2"), "{line}: {err}");
    }
}

#[test]
fn a_here_string_is_the_standard_input_and_files_are_written() {
    let doc = r#"
```toml file=~/.config/keyctl/config.toml
key_prefix = "acme"
```

```console
$ KEY=$(keyctl create --name "Checkout" --scope invoices:read -q)
$ keyctl verify --scope invoices:read -q <<< "$KEY"   # the key just made
VALID
$ keyctl list --format csv
id,name,description,environment,scopes,prefix,status,created_at,created_by,expires_at,last_used_at,revoked_at,revoked_by,revoke_reason,rotated_from,replaced_by,rate_limit,quota,metadata
key_7dz1a0c9q4,Checkout,,live,invoices:read,acme_live_AbCdEf12,active,2026-11-23T12:00:00Z,alice,,2026-11-23T12:00:00Z,,,,,,,,
```
"#;
    assert_eq!(run_doc("here.md", doc), Ok(3));
}

/// Runs every file, reports every failure, and returns how many commands ran.
fn check_files(files: &[PathBuf]) -> usize {
    let mut failures = Vec::new();
    let mut ran = 0;
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        match run_doc(&rel(file), &text) {
            Ok(n) => ran += n,
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files have an example that no longer runs as written:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    ran
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn doc_pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .expect("docs/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages
}

fn rel(path: &Path) -> String {
    path.strip_prefix(repo())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// A fenced block: its info string and its lines, numbered from 1 in the file.
struct Block {
    info: String,
    lines: Vec<(usize, String)>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    while let Some((_, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut block = Block {
            info: info.trim().to_owned(),
            lines: Vec::new(),
        };
        for (n, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            block.lines.push((n, l.to_owned()));
        }
        out.push(block);
    }
    out
}

/// The text with fenced blocks and inline code blanked out, so that a `](` inside code is
/// not taken for a link.
fn strip_code(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if !fenced {
            let mut code = false;
            for c in line.chars() {
                if c == '`' {
                    code = !code;
                }
                out.push(if code { ' ' } else { c });
            }
        }
        out.push('\n');
    }
    out
}

/// The anchors GitHub makes for a file's headings: lower case, punctuation dropped, spaces
/// as hyphens, and `-1`, `-2` … for repeats.
fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for line in strip_code(text).lines() {
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let n = seen.entry(slug.clone()).or_insert(0);
        out.push(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

/// One thing a page asks the runner to do.
enum Step {
    /// Write `contents` to `path` (under HOME).
    File {
        line: usize,
        path: String,
        contents: String,
    },
    /// Run `command` and expect `expected` on the terminal.
    Command {
        line: usize,
        command: String,
        expected: String,
    },
}

fn parse(name: &str, text: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for block in blocks(text) {
        let mut words = block.info.split_whitespace();
        let lang = words.next().unwrap_or("");
        if let Some(path) = words.find_map(|w| w.strip_prefix("file=")) {
            let line = block.lines.first().map_or(0, |(n, _)| n - 1);
            let mut contents: String = block.lines.iter().map(|(_, l)| format!("{l}\n")).collect();
            if contents.is_empty() {
                contents.push('\n');
            }
            steps.push(Step::File {
                line,
                path: path.to_owned(),
                contents,
            });
            continue;
        }
        if lang != "console" {
            continue;
        }
        let mut lines = block.lines.into_iter().peekable();
        while let Some((line, text)) = lines.next() {
            let Some(first) = text.strip_prefix("$ ") else {
                return Err(format!(
                    "{name}:{line}: a console block starts with a `$ ` command, not `{text}`"
                ));
            };
            let mut command = first.to_owned();
            while command.ends_with('\\') {
                command.pop();
                match lines.next() {
                    Some((_, more)) => command.push_str(more.trim_start()),
                    None => return Err(format!("{name}:{line}: `\\` at the end of the block")),
                }
            }
            let mut expected = String::new();
            while let Some((_, out)) = lines.next_if(|(_, l)| !l.starts_with("$ ")) {
                expected.push_str(&out);
                expected.push('\n');
            }
            steps.push(Step::Command {
                line,
                command,
                expected,
            });
        }
    }
    Ok(steps)
}

/// Runs one page in a fresh sandbox; returns how many commands ran, or the first failure.
fn run_doc(name: &str, text: &str) -> Result<usize, String> {
    let steps = parse(name, text)?;
    let mut shell = Shell::new();
    let mut ran = 0;
    // A command that exited non-zero, waiting for the `echo $?` that shows it.
    let mut unshown: Option<(usize, i32)> = None;
    for step in &steps {
        match step {
            Step::File {
                line,
                path,
                contents,
            } => {
                let to = shell
                    .path(path)
                    .map_err(|e| format!("{name}:{line}: {e}"))?;
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::write(&to, contents).unwrap();
            }
            Step::Command {
                line,
                command,
                expected,
            } => {
                let at = format!("{name}:{line}: `$ {command}`");
                let done = shell.run(command).map_err(|e| format!("{at}: {e}"))?;
                if let Some((l, code)) = unshown.take()
                    && !done.showed_status
                {
                    return Err(format!(
                        "{name}:{l}: exited with {code}; show that with `$ echo $?` right after it"
                    ));
                }
                if done.code != 0 {
                    unshown = Some((*line, done.code));
                }
                let actual = shell.normalize(&done.shown);
                let expected = shape(expected);
                snapbox::Assert::new()
                    .normalize_paths(false)
                    .try_eq(
                        Some(&"keyctl"),
                        snapbox::Data::text(actual),
                        snapbox::Data::text(expected),
                    )
                    .map_err(|e| format!("{at} printed something else:\n{e}"))?;
                ran += 1;
            }
        }
    }
    if let Some((line, code)) = unshown {
        return Err(format!(
            "{name}:{line}: exited with {code}; show that with `$ echo $?` right after it"
        ));
    }
    Ok(ran)
}

/// What one command line did.
struct Done {
    code: i32,
    /// What a terminal would show.
    shown: String,
    /// Whether the line printed `$?`.
    showed_status: bool,
}

/// The sandbox and the little shell state a page builds up.
struct Shell {
    _dir: tempfile::TempDir,
    home: PathBuf,
    env: Vec<(String, String)>,
    vars: HashMap<String, String>,
    status: i32,
}

/// A word of a command line, or the here-string operator.
#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    HereString,
}

impl Shell {
    fn new() -> Shell {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let h = home.to_string_lossy().into_owned();
        let mut env: Vec<(String, String)> = vec![
            ("HOME".into(), h.clone()),
            ("XDG_CONFIG_HOME".into(), format!("{h}/.config")),
            ("XDG_DATA_HOME".into(), format!("{h}/.local/share")),
            ("XDG_STATE_HOME".into(), format!("{h}/.local/state")),
            ("XDG_CACHE_HOME".into(), format!("{h}/.cache")),
            (
                "KEYCTL_DB".into(),
                format!("{h}/.local/share/keyctl/keyctl.db"),
            ),
            ("KEYCTL_NOW".into(), NOW.into()),
            ("KEYCTL_ACTOR".into(), "alice".into()),
            ("COLUMNS".into(), "100".into()),
            ("NO_COLOR".into(), "1".into()),
            ("LANG".into(), "C.UTF-8".into()),
        ];
        // Hooks in the examples are found on PATH, as a reader's would be.
        if let Ok(path) = std::env::var("PATH") {
            env.push(("PATH".into(), path));
        }
        Shell {
            _dir: dir,
            home,
            env,
            vars: HashMap::new(),
            status: 0,
        }
    }

    /// A path the page names, inside HOME.
    fn path(&self, path: &str) -> Result<PathBuf, String> {
        let rel = path.strip_prefix("~/").unwrap_or(path);
        if rel.starts_with('/') || rel.split('/').any(|c| c == "..") {
            return Err(format!("`{path}` is outside the sandbox's HOME"));
        }
        Ok(self.home.join(rel))
    }

    fn run(&mut self, line: &str) -> Result<Done, String> {
        let capture = Regex::new(r"^([A-Za-z_][A-Za-z0-9_]*)=\$\((.*)\)\s*$").unwrap();
        let (into, line) = match capture.captures(line) {
            Some(c) => (Some(c[1].to_owned()), c.get(2).unwrap().as_str().to_owned()),
            None => (None, line.to_owned()),
        };
        let tokens = self.words(&line)?;
        let showed_status = line.contains("$?");
        let mut words = tokens.iter().peekable();
        let mut env: Vec<(String, String)> = Vec::new();
        while let Some(Token::Word(w)) = words.peek() {
            match w.split_once('=') {
                Some((k, v)) if is_name(k) => {
                    env.push((k.to_owned(), v.to_owned()));
                    words.next();
                }
                _ => break,
            }
        }
        let program = match words.next() {
            Some(Token::Word(w)) => w.as_str(),
            _ => return Err("no command".into()),
        };
        let rest: Vec<&Token> = words.collect();
        match program {
            "echo" if into.is_none() && env.is_empty() => {
                let text: Vec<&str> = rest
                    .iter()
                    .map(|t| match t {
                        Token::Word(w) => Ok(w.as_str()),
                        Token::HereString => Err("echo takes no standard input".to_owned()),
                    })
                    .collect::<Result<_, _>>()?;
                self.status = 0;
                return Ok(Done {
                    code: 0,
                    shown: format!("{}\n", text.join(" ")),
                    showed_status,
                });
            }
            "export" if into.is_none() && env.is_empty() => {
                for t in rest {
                    match t {
                        Token::Word(w) => match w.split_once('=') {
                            Some((k, v)) if is_name(k) => {
                                self.env.retain(|(key, _)| key != k);
                                self.env.push((k.to_owned(), v.to_owned()));
                            }
                            _ => return Err(format!("export takes NAME=value, not `{w}`")),
                        },
                        Token::HereString => return Err("export takes no standard input".into()),
                    }
                }
                self.status = 0;
                return Ok(Done {
                    code: 0,
                    shown: String::new(),
                    showed_status,
                });
            }
            "keyctl" => {}
            other => {
                return Err(format!(
                    "only keyctl, NAME=$(keyctl …), export and echo run in a checked example, \
                     not `{other}`; use a ```sh block for an illustration"
                ));
            }
        }
        let mut args = Vec::new();
        let mut stdin = None;
        let mut rest = rest.into_iter();
        while let Some(t) = rest.next() {
            match t {
                Token::Word(w) => args.push(w.clone()),
                Token::HereString => match rest.next() {
                    Some(Token::Word(w)) => stdin = Some(format!("{w}\n")),
                    _ => return Err("`<<<` needs a word after it".into()),
                },
            }
        }
        let mut cmd = snapbox::cmd::Command::new(env!("CARGO_BIN_EXE_keyctl"))
            .env_clear()
            .envs(self.env.iter().cloned())
            .envs(env)
            .args(&args)
            .current_dir(&self.home)
            .timeout(TIMEOUT);
        if let Some(input) = stdin {
            cmd = cmd.stdin(input);
        }
        let (code, shown) = if let Some(var) = into {
            let out = cmd
                .output()
                .map_err(|e| format!("cannot run keyctl: {e}"))?;
            let mut value = String::from_utf8_lossy(&out.stdout).into_owned();
            while value.ends_with('\n') {
                value.pop();
            }
            self.vars.insert(var, value);
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        } else {
            let out = cmd
                .stderr_to_stdout()
                .output()
                .map_err(|e| format!("cannot run keyctl: {e}"))?;
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            )
        };
        self.status = code;
        Ok(Done {
            code,
            shown,
            showed_status,
        })
    }

    /// Splits a line as bash would, for the subset the docs use.
    fn words(&self, line: &str) -> Result<Vec<Token>, String> {
        let mut out = Vec::new();
        let mut word = String::new();
        let mut in_word = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                c if c.is_whitespace() => {
                    if in_word {
                        out.push(Token::Word(std::mem::take(&mut word)));
                        in_word = false;
                    }
                }
                '#' if !in_word => break,
                '\'' => {
                    in_word = true;
                    loop {
                        match chars.next() {
                            Some('\'') => break,
                            Some(c) => word.push(c),
                            None => return Err("unterminated '".into()),
                        }
                    }
                }
                '"' => {
                    in_word = true;
                    loop {
                        match chars.next() {
                            Some('"') => break,
                            Some('\\') => match chars.next() {
                                Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                                Some(c) => {
                                    word.push('\\');
                                    word.push(c);
                                }
                                None => return Err("unterminated \"".into()),
                            },
                            Some('$') => word.push_str(&self.expand(&mut chars)?),
                            Some('`') => return Err("backquotes are not supported".into()),
                            Some(c) => word.push(c),
                            None => return Err("unterminated \"".into()),
                        }
                    }
                }
                '\\' => {
                    in_word = true;
                    if let Some(c) = chars.next() {
                        word.push(c);
                    }
                }
                '$' => {
                    in_word = true;
                    word.push_str(&self.expand(&mut chars)?);
                }
                '~' if !in_word && chars.peek().is_none_or(|c| *c == '/') => {
                    in_word = true;
                    word.push_str(&self.home.to_string_lossy());
                }
                '<' if !in_word => {
                    if chars.next_if_eq(&'<').is_some() && chars.next_if_eq(&'<').is_some() {
                        out.push(Token::HereString);
                    } else {
                        return Err("only the here-string `<<<` redirects input".into());
                    }
                }
                '|' | '&' | ';' | '<' | '>' | '`' | '(' | ')' => {
                    return Err(format!(
                        "`{c}` is shell that does not run in a checked example; use a ```sh block"
                    ));
                }
                c => {
                    in_word = true;
                    word.push(c);
                }
            }
        }
        if in_word {
            out.push(Token::Word(word));
        }
        Ok(out)
    }

    /// Expands what follows a `$`: `$?`, `$NAME` or `${NAME}`.
    fn expand(
        &self,
        chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    ) -> Result<String, String> {
        if chars.next_if_eq(&'?').is_some() {
            return Ok(self.status.to_string());
        }
        let braced = chars.next_if_eq(&'{').is_some();
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_') {
            name.push(c);
        }
        if braced && chars.next_if_eq(&'}').is_none() {
            return Err("unterminated ${".into());
        }
        if name.is_empty() {
            return Err("`$` must name a variable, or be `$?`".into());
        }
        self.vars
            .get(&name)
            .or_else(|| self.env.iter().find(|(k, _)| *k == name).map(|(_, v)| v))
            .cloned()
            .ok_or_else(|| format!("${name} is not set"))
    }

    /// What keyctl printed, as the docs show it: HOME as `~`, random values by shape.
    fn normalize(&self, shown: &str) -> String {
        shape(&shown.replace(&*self.home.to_string_lossy(), "~"))
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Replaces each value that is random on every run by a placeholder for its shape, keeping
/// what is not random (a secret's `sk_live_`). Both sides get the same placeholders, so the
/// columns around them are still compared.
fn shape(text: &str) -> String {
    let rules = [
        (
            r"\b([a-z][a-z0-9]{1,9}_(?:live|test)_)[0-9A-Za-z]{38}\b",
            "${1}[SECRET]",
        ),
        (
            r"\b([a-z][a-z0-9]{1,9}_(?:live|test)_)[0-9A-Za-z]{8}\b",
            "${1}[PREFIX]",
        ),
        (r"\bkey_[0-9a-z]{10}\b", "key_[ID]"),
        (r"\bevt_[0-9a-z]{24}\b", "evt_[ID]"),
        (r"\b[0-9a-f]{64}\b", "[HASH]"),
    ];
    let mut text = text.to_owned();
    for (pattern, with) in rules {
        text = Regex::new(pattern)
            .unwrap()
            .replace_all(&text, with)
            .into_owned();
    }
    text
}

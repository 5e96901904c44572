//! The library's modules import each other one way only.
//!
//! A module here is a top-level file or folder under `src/` (`audit.rs`,
//! `events/`, `keyctl/`…). Every `crate::…` and `super::…` path in its files
//! (comments left out, `use` groups expanded, crate-root re-exports followed
//! to the module that defines them) is an import of the module it names. The
//! graph of the library's modules must have no cycle, so that data flows one
//! way: from the [`keyctl::Keyctl`] façade through the library to the store.
//! `cli/` sits above everything and may import anything, so it is left out;
//! `lib.rs` and `main.rs` only declare and re-export. Two rules go with it:
//! no module imports the façade, and the leaves (`error`, `text`) import
//! nothing of the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules allowed to import any other: the command line sits on top.
const ABOVE_ALL: &[&str] = &["cli"];

/// The façade: no library module may import it (it imports them).
const FACADE: &str = "keyctl";

/// Modules at the bottom, which import nothing of the crate: everything
/// else may use them without a second thought.
const LEAVES: &[&str] = &["error", "request_path", "text"];

/// Each top-level module with the files it is made of.
fn modules(src: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut files = Vec::new();
            rust_files(&path, &mut files);
            out.insert(name, files);
        } else if let Some(stem) = name.strip_suffix(".rs")
            && stem != "lib"
            && stem != "main"
        {
            out.insert(stem.to_owned(), vec![path]);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/a.rs` and `src/a/mod.rs` are `[a]`,
/// `src/a/b.rs` is `[a, b]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Rust source without its comments; string literals are kept (a serde
/// attribute names a function by its path in one).
fn strip_comments(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !is_ident(b[i - 1]))
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < b.len() {
                if b[j] == '"' && (1..=hashes).all(|k| b.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.extend(&b[i..j.min(b.len())]);
            i = j;
        } else if c == '"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.extend(&b[start..i.min(b.len())]);
        } else if c == '\'' {
            // A character literal ('"', '\'') or a lifetime ('a).
            let end = if next == Some('\\') {
                (i + 2..b.len()).find(|&k| b[k] == '\'').map(|k| k + 1)
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            let end = end.unwrap_or(i + 1);
            out.extend(&b[i..end]);
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifier at `at` (after blanks), and where it ends.
fn ident_at(b: &[char], mut at: usize) -> (String, usize) {
    while at < b.len() && b[at].is_whitespace() {
        at += 1;
    }
    let start = at;
    while at < b.len() && is_ident(b[at]) {
        at += 1;
    }
    (b[start..at].iter().collect(), at)
}

/// Whether `::` follows at `at` (after blanks); returns the position after it.
fn path_sep(b: &[char], mut at: usize) -> Option<usize> {
    while at < b.len() && b[at].is_whitespace() {
        at += 1;
    }
    (b.get(at) == Some(&':') && b.get(at + 1) == Some(&':')).then_some(at + 2)
}

/// The first segments of the items of a `{…}` group opening at `at`.
fn group_heads(b: &[char], at: usize) -> Vec<(String, usize)> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    let mut i = at;
    while i < b.len() {
        match b[i] {
            '{' => {
                depth += 1;
                if depth == 1 {
                    item_start = true;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => item_start = true,
            c if depth == 1 && item_start && is_ident(c) => {
                let (name, end) = ident_at(b, i);
                heads.push((name, end));
                item_start = false;
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    heads
}

/// The top-level modules that one file's code names.
fn references(
    code: &str,
    file_path: &[String],
    modules: &BTreeSet<String>,
    root_items: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let b: Vec<char> = code.chars().collect();
    let mut found = BTreeSet::new();
    let at_root = |name: &str| -> Option<String> {
        if modules.contains(name) {
            Some(name.to_owned())
        } else {
            root_items.get(name).cloned()
        }
    };
    let mut i = 0;
    while i < b.len() {
        if !is_ident(b[i]) || (i > 0 && (is_ident(b[i - 1]) || b[i - 1] == '$')) {
            i += 1;
            continue;
        }
        let (word, end) = ident_at(&b, i);
        i = end;
        let mut base: Vec<String> = match word.as_str() {
            "crate" => Vec::new(),
            // Taken from the file's module: inside an inline `mod tests` this
            // lands one level higher, which is still the same top-level
            // module or the crate root, where only module names count.
            "super" => file_path[..file_path.len().saturating_sub(1)].to_vec(),
            _ => continue,
        };
        // A path at the crate root, or climbing to it by `super::super`.
        let Some(mut at) = path_sep(&b, end) else {
            continue;
        };
        loop {
            let (seg, seg_end) = ident_at(&b, at);
            if seg == "super" {
                base.pop();
                match path_sep(&b, seg_end) {
                    Some(next) => at = next,
                    None => break,
                }
                continue;
            }
            if let Some(top) = base.first() {
                found.insert(top.clone());
            } else if seg.is_empty() {
                // `crate::{a, b::c}`
                let open = (at..b.len()).find(|&k| !b[k].is_whitespace());
                if let Some(open) = open.filter(|&k| b[k] == '{') {
                    for (head, _) in group_heads(&b, open) {
                        found.extend(at_root(&head));
                    }
                }
            } else {
                found.extend(at_root(&seg));
            }
            break;
        }
        // Past the `super::super::` just read: its second `super` is not a
        // path of its own.
        i = at;
    }
    found
}

/// The names `lib.rs` re-exports at the crate root, each with its module.
fn root_items(lib: &str) -> BTreeMap<String, String> {
    let code = strip_comments(lib);
    let b: Vec<char> = code.chars().collect();
    let mut out = BTreeMap::new();
    let text: String = b.iter().collect();
    let mut from = 0;
    while let Some(pos) = text[from..].find("pub use ") {
        let start = from + pos + "pub use ".len();
        let stmt_end = text[start..].find(';').map_or(text.len(), |e| start + e);
        let stmt = &text[start..stmt_end];
        if let Some((module, rest)) = stmt.split_once("::") {
            let module = module.trim().trim_start_matches("crate::").to_owned();
            let rest = rest.trim().trim_start_matches('{').trim_end_matches('}');
            for item in rest.split(',') {
                let name = item.split(" as ").last().unwrap_or("").trim();
                let name = name.rsplit("::").next().unwrap_or("").trim();
                if !name.is_empty() {
                    out.insert(name.to_owned(), module.clone());
                }
            }
        }
        from = stmt_end;
    }
    out
}

/// Each library module with the modules it imports and, for each import, a
/// file that makes it.
type Graph = BTreeMap<String, BTreeMap<String, PathBuf>>;

fn library_graph(src: &Path) -> Graph {
    let mods = modules(src);
    let names: BTreeSet<String> = mods.keys().cloned().collect();
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let roots = root_items(&lib);
    let mut graph = Graph::new();
    for (module, files) in &mods {
        if ABOVE_ALL.contains(&module.as_str()) {
            continue;
        }
        let edges = graph.entry(module.clone()).or_default();
        for file in files {
            let code = strip_comments(&std::fs::read_to_string(file).unwrap());
            for target in references(&code, &module_path(src, file), &names, &roots) {
                if target != *module {
                    edges.entry(target).or_insert_with(|| file.clone());
                }
            }
        }
    }
    graph
}

/// The groups of modules that import each other in a circle (the strongly
/// connected components with more than one module), found by Tarjan's walk.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<BTreeSet<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, node: &'g str) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            self.on_stack.insert(node);
            let graph = self.graph;
            for next in graph.get(node).into_iter().flatten() {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut group = BTreeSet::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(top);
                    group.insert(top.to_owned());
                    if top == node {
                        break;
                    }
                }
                if group.len() > 1 {
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            walk.visit(node);
        }
    }
    walk.found
}

/// One cycle through `group` (a circle found by [`circles`]), as the modules
/// along it with the first repeated at the end: the shortest way back to
/// the group's first module, found breadth first.
fn cycle_in(graph: &BTreeMap<String, BTreeSet<String>>, group: &BTreeSet<String>) -> Vec<String> {
    let first = group.first().cloned().unwrap_or_default();
    let mut came_from: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([first.clone()]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(&node).into_iter().flatten() {
            if !group.contains(next) {
                continue;
            }
            if *next == first {
                let mut path = vec![node.clone()];
                while let Some(prev) = came_from.get(path.last().unwrap()) {
                    path.push(prev.clone());
                }
                path.reverse();
                path.push(first);
                return path;
            }
            if !came_from.contains_key(next) && *next != first {
                came_from.insert(next.clone(), node.clone());
                queue.push_back(next.clone());
            }
        }
    }
    vec![first]
}

#[test]
fn library_modules_import_each_other_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let graph = library_graph(&src);
    // `cargo test --test cli layers -- --nocapture` prints the graph.
    for (module, edges) in &graph {
        let to: Vec<&str> = edges.keys().map(String::as_str).collect();
        println!("{module}: {}", to.join(" "));
    }
    let plain: BTreeMap<String, BTreeSet<String>> = graph
        .iter()
        .map(|(m, e)| (m.clone(), e.keys().cloned().collect()))
        .collect();
    let found = circles(&plain);
    if !found.is_empty() {
        let mut report = Vec::new();
        for group in &found {
            let cycle = cycle_in(&plain, group);
            let members: Vec<&str> = group.iter().map(String::as_str).collect();
            report.push(format!(
                "{{{}}}, for one: {}",
                members.join(", "),
                cycle.join(" -> ")
            ));
            for w in cycle.windows(2) {
                let file = &graph[&w[0]][&w[1]];
                let file = file.strip_prefix(root).unwrap_or(file);
                report.push(format!("  {} imports {} ({})", w[0], w[1], file.display()));
            }
        }
        panic!(
            "library modules import each other in a circle:\n{}",
            report.join("\n")
        );
    }
    let into_facade: Vec<String> = graph
        .iter()
        .filter_map(|(m, e)| {
            e.get(FACADE)
                .map(|f| format!("{m} ({})", f.strip_prefix(root).unwrap_or(f).display()))
        })
        .collect();
    assert!(
        into_facade.is_empty(),
        "library modules import the `{FACADE}` façade, which should import them: {}",
        into_facade.join(", ")
    );
    for leaf in LEAVES {
        let imports: Vec<&str> = graph[*leaf].keys().map(String::as_str).collect();
        assert!(
            imports.is_empty(),
            "`{leaf}` should import nothing of the crate, but imports {}",
            imports.join(", ")
        );
    }
}

#[test]
fn the_import_scan_reads_paths_groups_and_comments() {
    let modules: BTreeSet<String> = ["audit", "events", "key", "store", "text"]
        .map(String::from)
        .into();
    let roots: BTreeMap<String, String> = [("Store".to_owned(), "store".to_owned())].into();
    let code = strip_comments(
        r#"
        //! Links such as [`crate::audit`] are not imports.
        use crate::{
            key::Key, // crate::events here is a comment
            Store,
        };
        /* crate::events */
        const URL: &str = "https://example.com"; fn f() { crate::text::escape("x"); }
        #[serde(serialize_with = "crate::audit::ts")]
        use super::super::events::Kind;
        "#,
    );
    let found = references(&code, &["keyctl".into(), "keys".into()], &modules, &roots);
    let found: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["audit", "events", "key", "store", "text"]);
    let in_module = references(
        "use super::Kind;",
        &["events".into(), "deliver".into()],
        &modules,
        &roots,
    );
    assert_eq!(in_module, BTreeSet::from(["events".to_owned()]));

    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry((*a).to_owned())
                .or_default()
                .insert((*b).to_owned());
            g.entry((*b).to_owned()).or_default();
        }
        g
    };
    let g = graph(&[
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("c", "d"),
        ("d", "e"),
        ("e", "d"),
    ]);
    let found = circles(&g);
    assert_eq!(found.len(), 2, "{found:?}");
    let abc: BTreeSet<String> = ["a", "b", "c"].map(String::from).into();
    assert!(found.contains(&abc), "{found:?}");
    assert_eq!(cycle_in(&g, &abc), ["a", "b", "c", "a"]);
    assert!(circles(&graph(&[("a", "b"), ("a", "c"), ("b", "c")])).is_empty());
}

//! No input makes the build panic (issue 10): arbitrary file and folder names, arbitrary bytes
//! as a content file, arbitrary front matter of known keys with random values. The build, called
//! as a library for speed, yields a site or diagnostics whose line and column lie inside the
//! file they name.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config;
use workplan::build::{BuildOptions, build};
use workplan::diagnostic::Diagnostics;

use crate::incremental::{PAGE_KEYS, SECTION_KEYS};

/// Enough cases to find what the hostile-input table did not think of, few enough for a debug
/// build to run them in seconds; `PROPTEST_CASES` asks for more.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(96);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A small site with `files` (`content/`-relative paths) added, built into a folder beside it:
/// `Ok` or located diagnostics, or the property fails.
fn builds_or_locates(files: &[(String, Vec<u8>)]) -> Result<(), TestCaseError> {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("site");
    for (path, text) in [
        (
            "site.toml",
            "base_url = \"https://example.org/\"\ntitle = \"T\"\ngenerate_feeds = true\ntaxonomies = [{ name = \"tags\", feed = true, paginate_by = 1 }]\n",
        ),
        (
            "templates/index.html",
            "{{ section.title }}{{ section.content | safe }}",
        ),
        (
            "templates/section.html",
            "{{ section.title }}{% for p in section.pages %}{{ p.title }}{% endfor %}",
        ),
        (
            "templates/page.html",
            "{{ page.title }}{{ page.content | safe }}",
        ),
        ("templates/taxonomy_list.html", "{{ taxonomy.name }}"),
        ("templates/taxonomy_single.html", "{{ term.name }}"),
    ] {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    for (relative, bytes) in files {
        let path = root.join("content").join(relative);
        if fs::create_dir_all(path.parent().unwrap()).is_err() || fs::write(&path, bytes).is_err() {
            return Ok(()); // a name this file system refuses
        }
    }
    let options = BuildOptions {
        root: root.clone(),
        output_dir: Some(temp.path().join("public")),
        ..BuildOptions::default()
    };
    let Err(error) = build(&options) else {
        return Ok(());
    };
    let Some(diagnostics) = error.downcast_ref::<Diagnostics>() else {
        return Err(TestCaseError::fail(format!(
            "not a diagnostic: {}",
            workplan::diagnostic::describe(&error)
        )));
    };
    for diagnostic in &diagnostics.0 {
        let Some(at) = &diagnostic.location else {
            continue;
        };
        let bytes = fs::read(root.join(&diagnostic.path))
            .map_err(|error| TestCaseError::fail(format!("{}: {error}", diagnostic.position())))?;
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.split('\n').collect();
        prop_assert!(
            (1..=lines.len()).contains(&at.line),
            "{} past {} lines",
            diagnostic.position(),
            lines.len()
        );
        let columns = lines[at.line - 1].chars().count() + 1;
        prop_assert!(
            (1..=columns).contains(&at.column),
            "{} past {columns} columns",
            diagnostic.position()
        );
        let _ = diagnostic.render();
    }
    Ok(())
}

fn page(title: &str) -> Vec<u8> {
    format!("+++\ntitle = {title:?}\n+++\n\n# {title}\n").into_bytes()
}

/// A file or folder name: any characters but `/` and NUL, which no file system takes.
fn name() -> impl Strategy<Value = String> {
    "[^/\u{0}]{1,12}".prop_filter("not . or ..", |name| name != "." && name != "..")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_file_and_folder_names(
        folders in prop::collection::vec(name(), 0..3),
        names in prop::collection::vec(name(), 1..4),
        section in any::<bool>(),
    ) {
        let folder = folders.join("/");
        let mut files: Vec<(String, Vec<u8>)> = names
            .iter()
            .map(|name| (format!("{folder}/{name}.md"), page(name)))
            .collect();
        if section {
            files.push((format!("{folder}/_index.md"), page(&folder)));
        }
        // A bundle: its index and a file beside it.
        files.push((format!("{folder}/{}/index.md", names[0]), page("bundle")));
        files.push((format!("{folder}/{}/{}.txt", names[0], names[0]), b"x".to_vec()));
        builds_or_locates(&files)?;
    }

    #[test]
    fn any_bytes_as_a_content_file(
        start in prop_oneof![Just(""), Just("+++\n"), Just("\u{feff}+++\r\n")],
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        closed in any::<bool>(),
        section in any::<bool>(),
    ) {
        let mut file = start.as_bytes().to_vec();
        file.extend(&bytes);
        if closed {
            file.extend(b"\n+++\n");
            file.extend(&bytes);
        }
        let name = if section { "a/_index.md" } else { "a/x.md" };
        builds_or_locates(&[(name.to_string(), file)])?;
    }

    #[test]
    fn any_front_matter_of_known_keys(
        lines in prop::collection::vec((key(), value()), 0..8),
        tasks in prop::collection::vec(prop::collection::vec((task_key(), value()), 0..4), 0..3),
        area in prop::option::of(value()),
        section in any::<bool>(),
        body in "\\PC{0,60}",
    ) {
        let mut front: String = lines.iter().map(|(key, value)| format!("{key} = {value}\n")).collect();
        if let Some(number) = area {
            front.push_str(&format!("[area]\nnumber = {number}\n"));
            for task in &tasks {
                front.push_str("[[area.tasks]]\n");
                for (key, value) in task {
                    front.push_str(&format!("{key} = {value}\n"));
                }
            }
        }
        let name = if section { "p/_index.md" } else { "p/x.md" };
        let file = format!("+++\n{front}+++\n{body}\n").into_bytes();
        let other = ("p/y.md".to_string(), page("y"));
        builds_or_locates(&[(name.to_string(), file), other])?;
    }
}

/// Every key a page or a section takes (the random edits' tables, checked against the keys
/// the build accepts), and one misspelt.
fn key() -> impl Strategy<Value = &'static str> {
    let mut keys: Vec<&'static str> = PAGE_KEYS.iter().chain(&SECTION_KEYS).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    keys.push("wieght");
    prop::sample::select(keys)
}

fn task_key() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["title", "status", "lead", "due", "note", "state"])
}

/// TOML values, right and wrong: text in every script and with escapes, numbers at the edges,
/// dates valid and not, lists, tables and things that are no TOML at all.
fn value() -> impl Strategy<Value = String> {
    let text = "\\PC{0,12}".prop_map(|text| format!("{text:?}"));
    let path = "[a-zA-Z0-9./\\\\:_ 教-]{0,12}".prop_map(|text| format!("{text:?}"));
    let number = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        Just("18446744073709551616".to_string()),
        Just("0".to_string()),
        Just("1".to_string()),
        Just("-1".to_string()),
        Just("1.5".to_string()),
        Just("nan".to_string()),
    ];
    let fixed = prop::sample::select(vec![
        "true",
        "false",
        "2024-03-01",
        "2024-02-30",
        "2024-03-01T09:30:00-23:59",
        "9999-12-31T23:59:59+23:59",
        "0000-01-01T00:00:00Z",
        "09:30:00",
        "\"2024-03-01\"",
        "\"soon\"",
        "\"done\"",
        "\"doing\"",
        "\"in-progress\"",
        "\"left\"",
        "\"date\"",
        "\"@/p/y.md\"",
        "\"page.html\"",
        "[]",
        "[\"a\", \"a\"]",
        "[\"plan.json\"]",
        "[\"../x\"]",
        "{}",
        "{ tags = [\"A\", \"a\", \"\"] }",
        "{ nope = [1] }",
        "“教育”",
        "\"a\\u0000b\"",
        "\"bell\\u0007\"",
        "\"\\uD800\"",
        "'''\nmany\nlines'''",
        "\"unclosed",
        "\"unclosed\r\r",
        "[",
        "=",
        "",
    ])
    .prop_map(str::to_string);
    prop_oneof![text, path, number, fixed]
}

#[test]
fn the_helpers_accept_a_plain_site() {
    builds_or_locates(&[("a.md".to_string(), page("a"))]).unwrap();
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).is_dir());
}

//! Hostile input (issue 10): each case either builds correctly or fails the way a user's
//! mistake should (exit 1, no panic) with every `--> file:line:column` inside the file it
//! names, and the site built before left byte for byte as it was.

use std::time::Instant;

use crate::harness::{Run, SiteTest};

/// What a case must end in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Builds,
    Fails,
}

use Outcome::{Builds, Fails};

/// Builds the minimal site, applies `case`, builds again and checks the outcome.
#[track_caller]
fn hostile(name: &str, outcome: Outcome, case: impl FnOnce(&SiteTest)) -> (SiteTest, Run) {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    let before = site.tree("public");
    case(&site);
    let started = Instant::now();
    let run = site.run(["build"]);
    let code = run.code();
    assert!(
        !run.stderr().contains("panicked"),
        "{name}: panicked:\n{}",
        run.stderr()
    );
    assert!(
        matches!(code, Some(0 | 1)),
        "{name}: exit {code:?}:\n{}",
        run.stderr()
    );
    let expected = if outcome == Builds { 0 } else { 1 };
    assert_eq!(
        code,
        Some(expected),
        "{name}: {outcome:?} expected:\n{}",
        run.stderr()
    );
    if code == Some(1) {
        before.assert_unchanged(&site.tree("public"));
        assert!(
            run.stderr().contains("error"),
            "{name}: no message:\n{}",
            run.stderr()
        );
    }
    positions_inside_files(name, &site, &run.stderr());
    eprintln!("{name}: exit {code:?} in {:?}", started.elapsed());
    (site, run)
}

/// Every `--> path:line:column` names a line of the file and a column of that line (or just
/// after its end).
#[track_caller]
fn positions_inside_files(name: &str, site: &SiteTest, stderr: &str) {
    for place in stderr
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("--> "))
    {
        let mut parts = place.rsplitn(3, ':');
        let (Some(column), Some(line), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue; // a whole file: nothing to check but that it is named
        };
        let (Ok(line), Ok(column)) = (line.parse::<usize>(), column.parse::<usize>()) else {
            continue;
        };
        let bytes = std::fs::read(site.path(path))
            .unwrap_or_else(|error| panic!("{name}: `{place}` names no file: {error}"));
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(
            (1..=lines.len()).contains(&line),
            "{name}: `{place}` is past the file's {} lines",
            lines.len()
        );
        let columns = lines[line - 1].chars().count() + 1;
        assert!(
            (1..=columns).contains(&column),
            "{name}: `{place}` is past the line's {columns} columns"
        );
    }
}

fn md(front_matter: &str) -> String {
    format!("+++\n{front_matter}\n+++\n\nBody.\n")
}

#[test]
fn broken_files_are_located_errors() {
    let cases: [(&str, &[u8]); 9] = [
        ("empty file", b""),
        ("only +++", b"+++"),
        ("only +++ and a line end", b"+++\n"),
        ("unclosed front matter", b"+++\ntitle = \"x\"\nBody\n"),
        ("invalid UTF-8", b"+++\ntitle = \"caf\xe9\"\n+++\n"),
        ("NUL byte in the body", b"+++\ntitle = \"x\"\n+++\na\0b\n"),
        (
            "NUL byte in the front matter",
            b"+++\ntitle = \"x\0\"\n+++\n",
        ),
        (
            "duplicate keys",
            b"+++\ntitle = \"x\"\ntitle = \"y\"\n+++\n",
        ),
        // Found by fuzzing: an error in a line's trailing `\r`s made the report panic.
        (
            "string open at \\r\\r\\n",
            b"+++\nt = \"S\"\nweight =\"2\r\r\n+++\n",
        ),
    ];
    for (name, bytes) in cases {
        hostile(name, Fails, |site| {
            site.write("content/x.md", bytes);
        })
        .1
        .stderr_contains("--> content/x.md");
    }
}

#[test]
fn byte_order_mark_and_windows_line_ends_build() {
    let (site, _) = hostile("BOM and CRLF", Builds, |site| {
        site.write(
            "content/x.md",
            "\u{feff}+++\r\ntitle = \"X\"\r\n+++\r\n\r\n# Head\r\n\r\nBody.\r\n",
        );
    });
    assert!(site.file("public/x/index.html").contains("id=\"head\""));
}

#[test]
fn values_out_of_range_are_located_errors() {
    for (name, front) in [
        ("year 99999", "title = \"x\"\ndate = \"99999-01-01\""),
        ("month 13", "title = \"x\"\ndate = 2024-13-01"),
        (
            "offset past a day",
            "title = \"x\"\ndate = 2024-01-01T00:00:00+24:00",
        ),
        (
            "weight past i64",
            "title = \"x\"\nweight = 99999999999999999999",
        ),
        ("negative area", "title = \"x\"\n[area]\nnumber = -1"),
        (
            "area past u32",
            "title = \"x\"\n[area]\nnumber = 4294967296",
        ),
        (
            "task without title",
            "title = \"x\"\n[area]\nnumber = 9\n[[area.tasks]]",
        ),
    ] {
        hostile(name, Fails, |site| {
            site.write("content/x.md", md(front));
        })
        .1
        .stderr_contains("--> content/x.md:");
    }
    hostile("paginate_by past usize", Fails, |site| {
        site.write(
            "content/priorities/_index.md",
            md("title = \"P\"\npaginate_by = 18446744073709551616"),
        );
    });
    hostile("a huge paginate_by", Builds, |site| {
        site.write(
            "content/priorities/_index.md",
            md("title = \"P\"\npaginate_by = 9223372036854775807"),
        );
    });
}

#[test]
fn paths_that_leave_the_output_are_located_errors() {
    for front in [
        "path = \"../../x\"",
        "path = \"a/../../../x\"",
        "path = \"a\\\\..\\\\..\\\\x\"",
        "path = \"C:/x\"",
        "path = \"C:\\\\x\"",
        "path = \"\\\\\\\\server\\\\share\"",
        "aliases = [\"../../x\"]",
        "aliases = [\"..\\\\..\\\\x\"]",
        "aliases = [\"C:\\\\x\"]",
        "aliases = [\"C:/x\"]",
        "aliases = [\"a//b\"]",
    ] {
        let (site, _) = hostile(front, Fails, |site| {
            site.write("content/x.md", md(&format!("title = \"x\"\n{front}")));
        });
        let outside = site.outside();
        assert!(!outside.join("x").exists() && !outside.join("site/x").exists());
    }
    // Pagers are written at `<section><paginate_path>/<n>/`.
    for paginate_path in [
        "../../../escaped",
        "a/../../../../escaped",
        "C:\\\\escaped",
        "",
    ] {
        let (site, _) = hostile(paginate_path, Fails, |site| {
            site.replace(
                "content/priorities/_index.md",
                "+++\n",
                &format!("+++\npaginate_by = 1\npaginate_path = \"{paginate_path}\"\n"),
            );
        });
        site.run(["build"]).at("content/priorities/_index.md:3:17");
        assert!(
            !site.outside().join("escaped").exists(),
            "wrote outside the site"
        );
        assert!(!site.path("escaped").exists(), "wrote outside the output");
    }
    // A slug is made a slug; a leading `/` keeps a path below the root.
    for (front, file) in [
        ("slug = \"../../x\"", "public/x/index.html"),
        ("slug = \"C:\\\\x\"", "public/c-x/index.html"),
        ("path = \"/abs/x\"", "public/abs/x/index.html"),
        ("aliases = [\"/abs/y\"]", "public/abs/y/index.html"),
    ] {
        let (site, _) = hostile(front, Builds, |site| {
            site.write("content/x.md", md(&format!("title = \"x\"\n{front}")));
        });
        assert!(site.exists(file), "{front}: no {file}");
    }
}

#[test]
fn two_files_at_one_address_are_located_errors() {
    hostile("same slug", Fails, |site| {
        site.write("content/a.md", md("title = \"a\"\nslug = \"b\""));
        site.write("content/b.md", md("title = \"b\""));
    })
    .1
    .at("content/a.md:3:8");
    // One file on Windows and macOS.
    hostile("names that differ in case", Fails, |site| {
        site.write(
            "content/x.md",
            md("title = \"a\"\npath = \"Priorities/Teachers\""),
        );
    })
    .1
    .stderr_contains("letter case")
    .at("content/x.md:3:8");
    hostile(
        "static files that differ in case from a page",
        Fails,
        |site| {
            site.write("static/Priorities/teachers/index.html", "mine");
        },
    )
    .1
    .stderr_contains("--> static/Priorities/teachers/index.html");
    // Only a file system that tells case apart can hold both (Linux's, as a rule).
    let probe = SiteTest::new("minimal");
    if !probe.path("static/STYLE.CSS").exists() {
        hostile("static files that differ in case", Fails, |site| {
            site.write("static/Style.css", "mine");
        })
        .1
        .stderr_contains("letter case");
    }
    hostile("alias at a page", Fails, |site| {
        site.write(
            "content/x.md",
            md("title = \"a\"\naliases = [\"priorities/teachers/index.html\"]"),
        );
    })
    .1
    .at("content/x.md:3:12");
}

#[test]
fn large_input_builds_in_bounded_time() {
    let tasks: String = (0..10_000)
        .map(|n| format!("[[area.tasks]]\ntitle = \"Task {n}\"\nstatus = \"done\"\n"))
        .collect();
    let (site, _) = hostile("10,000 tasks", Builds, |site| {
        site.write(
            "content/x.md",
            md(&format!("title = \"x\"\n[area]\nnumber = 9\n{tasks}")),
        );
    });
    assert!(site.file("public/plan.json").contains("Task 9999"));

    let deep_lists = format!("{}x\n", "- ".repeat(10_000));
    let deep_quotes = format!("{}x\n", "> ".repeat(10_000));
    let deep_both = format!("{}x\n", "> - ".repeat(5_000));
    let brackets = format!("{}x{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let emphasis = format!("{}x{}\n", "*".repeat(10_000), "*".repeat(10_000));
    for (name, body) in [
        ("10,000-deep lists", deep_lists),
        ("10,000-deep block quotes", deep_quotes),
        ("10,000-deep quotes and lists", deep_both),
        ("10,000 brackets", brackets),
        ("10,000 stars", emphasis),
    ] {
        hostile(name, Builds, |site| {
            site.write("content/x.md", format!("+++\ntitle = \"x\"\n+++\n{body}"));
        });
    }

    // 50 MB of Markdown: paragraphs, headings, lists and links.
    let block = "# Heading\n\nSome *text* with a [link](https://example.org/) and `code`.\n\n- one\n- two\n\n";
    let body = block.repeat(50 * 1024 * 1024 / block.len());
    hostile("a 50 MB page", Builds, |site| {
        site.write("content/x.md", format!("+++\ntitle = \"x\"\n+++\n{body}"));
    });
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed_out_of_the_site() {
    use std::os::unix::fs::symlink;
    let (site, _) = hostile("links", Builds, |site| {
        let outside = site.outside().join("secret.md");
        std::fs::write(&outside, md("title = \"secret\"")).unwrap();
        symlink(&outside, site.path("content/secret.md")).unwrap();
        symlink(site.path("content"), site.path("content/loop")).unwrap();
        symlink(site.path("static"), site.path("static/loop")).unwrap();
        symlink(site.outside(), site.path("static/outside")).unwrap();
    });
    let public = site.tree("public");
    assert!(
        !public.paths().any(|path| path.contains("secret")),
        "followed a link out of the site"
    );
    assert!(!public.paths().any(|path| path.contains("loop/")));
}

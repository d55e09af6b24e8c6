//! `workplan check` (issue 13): the whole site loaded and rendered in memory, nothing written,
//! and every problem reported in one run, each at its file, line and column: errors of each
//! stage (front matter, plan data, duplicate addresses, links, templates) and the warnings a
//! build lets through. The fixture `tests/sites/mistakes` holds one of each.

use serde_json::Value;

use crate::harness::SiteTest;

/// `(severity, position, message start)` of every problem the fixture holds.
const MISTAKES: [(&str, &str, &str); 13] = [
    (
        "error",
        "content/plan/colour.md:3:1",
        "unknown key `colour`",
    ),
    (
        "error",
        "content/plan/health.md:9:10",
        "unknown value `doing well`",
    ),
    (
        "error",
        "content/plan/schools.md:21:5",
        "link to a missing page `@/plan/nowhere.md`",
    ),
    (
        "error",
        "content/plan/twin.md:3:8",
        "two pages would be written to `/same/`",
    ),
    (
        "error",
        "content/plan/twin.md:3:8",
        "two pages would be written to `/zh-Hans/same/`",
    ),
    (
        "error",
        "templates/broken.html:1:34",
        "Field `missing_value` is not defined",
    ),
    (
        "warning",
        "content/plan/colour.md",
        "no zh-Hans translation",
    ),
    (
        "warning",
        "content/plan/schools.md:9:9",
        "task 1.1 is overdue: due 2024-06-30",
    ),
    (
        "warning",
        "content/plan/schools.md:15:1",
        "the heading level skips from h2 to h4",
    ),
    (
        "warning",
        "content/plan/schools.md:17:1",
        "an empty heading",
    ),
    (
        "warning",
        "content/plan/schools.md:19:1",
        "an image without alternative text",
    ),
    (
        "warning",
        "content/plan/teachers.md",
        "no zh-Hans translation",
    ),
    ("warning", "content/plan/twin.md", "no zh-Hans translation"),
];

#[test]
fn the_shipped_site_passes_check_and_nothing_is_written() {
    let site = SiteTest::shipped();
    let before = site.tree(".");
    site.run(["check"])
        .success()
        .stdout_contains("No problems found.");
    assert!(site.tree(".") == before, "check wrote into the site folder");
}

#[test]
fn every_mistake_of_every_stage_is_reported_in_one_run() {
    let site = SiteTest::new("mistakes");
    let before = site.tree(".");
    let run = site.run(["check"]);
    run.failure().stdout_contains("6 errors, 7 warnings");
    let report = run.stderr();
    for (severity, position, message) in MISTAKES {
        let found = report.split("\n\n").any(|problem| {
            problem.starts_with(&format!("{severity}: {message}"))
                && (problem.contains(&format!("--> {position}\n"))
                    || problem.ends_with(&format!("--> {position}")))
        });
        assert!(
            found,
            "no `{severity}: {message}` at {position} in:\n{report}"
        );
    }
    assert!(site.tree(".") == before, "check wrote into the site folder");
}

#[test]
fn the_json_report_holds_the_same_problems() {
    let site = SiteTest::new("mistakes");
    let run = site.run(["check", "--format", "json"]);
    run.failure();
    let report: Value = serde_json::from_str(&run.stdout()).expect("the report is JSON");
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(6), Some(7))
    );
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), MISTAKES.len());
    for (severity, position, message) in MISTAKES {
        let mut parts = position.split(':');
        let file = parts.next().unwrap();
        let line = parts.next().map(|line| line.parse::<u64>().unwrap());
        assert!(
            problems
                .iter()
                .any(|problem| problem["severity"] == severity
                    && problem["file"] == file
                    && problem["line"].as_u64() == line
                    && problem["message"].as_str().unwrap().starts_with(message)),
            "no {severity} `{message}` at {position} in {report:#}"
        );
    }
}

/// Warnings alone do not fail the check: a build would go through.
#[test]
fn warnings_alone_pass() {
    let site = SiteTest::with_shipped_themes("year");
    site.run(["check"])
        .success()
        .stdout_contains("0 errors, 2 warnings")
        .stderr_contains("warning: task 1.1 is overdue");
}

/// A local site for the links: `/good` answers, `/gone` is not there, `/slow` answers after
/// the check's time limit, `/moved` redirects to `/good`, `/get-only` refuses HEAD. Counts the
/// requests made for each path.
struct LinkServer {
    url: String,
    asked: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl LinkServer {
    fn start() -> Self {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = std::sync::Arc::clone(&asked);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = std::sync::Arc::clone(&log);
                std::thread::spawn(move || {
                    let mut request = String::new();
                    let mut reader = BufReader::new(&stream);
                    if reader.read_line(&mut request).is_err() {
                        return;
                    }
                    let mut parts = request.split_whitespace();
                    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                    log.lock().unwrap().push(path.to_string());
                    let (status, extra) = match (method, path) {
                        (_, "/good") => ("200 OK", ""),
                        (_, "/moved") => ("301 Moved Permanently", "Location: /good\r\n"),
                        ("HEAD", "/get-only") => ("405 Method Not Allowed", ""),
                        (_, "/get-only") => ("200 OK", ""),
                        (_, "/slow") => {
                            std::thread::sleep(std::time::Duration::from_secs(3));
                            ("200 OK", "")
                        }
                        _ => ("404 Not Found", ""),
                    };
                    let mut stream = &stream;
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                });
            }
        });
        Self { url, asked }
    }

    fn asked(&self, path: &str) -> usize {
        self.asked
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

/// `check --external` asks for every link to another site, a few at a time and within its
/// time limit: a missing page is an error at the link, a site that does not answer in time a
/// warning, redirects and servers that refuse HEAD are fine; the answers that came are
/// remembered for the next check. Without `--external` nothing is asked.
#[test]
fn external_links_are_checked_only_when_asked() {
    let server = LinkServer::start();
    let cache = tempfile::tempdir().unwrap();
    let site = SiteTest::new("zola").with_env("WORKPLAN_CACHE_DIR", cache.path().to_str().unwrap());
    let url = &server.url;
    site.write(
        "content/blog/gamma.md",
        format!(
            "+++\ntitle = \"Gamma\"\n+++\n[good]({url}/good#part) [moved]({url}/moved)\n\n\
             [get]({url}/get-only) [gone]({url}/gone)\n\n![slow]({url}/slow)\n"
        ),
    );
    site.run(["check"]).success();
    assert_eq!(
        server.asked.lock().unwrap().len(),
        0,
        "check without --external asked"
    );

    let run = site.run(["check", "--external", "--timeout", "1"]);
    run.failure()
        .stdout_contains("1 error, 1 warning")
        .stderr_contains(&format!(
            "error: the link to {url}/gone is broken: the site answers 404"
        ))
        .stderr_contains("content/blog/gamma.md:6:40")
        .stderr_contains(&format!(
            "warning: the link to {url}/slow cannot be reached: no answer in time"
        ));
    // `/good` is asked for itself, and once more through `/moved`.
    let good = server.asked("/good");
    assert!((1..=2).contains(&good), "/good asked {good} times");

    // The next check asks again only for what did not answer.
    let gone = server.asked("/gone");
    site.run(["check", "--external", "--timeout", "1"])
        .failure();
    assert_eq!(
        server.asked("/good"),
        good,
        "the answers were not remembered"
    );
    assert!(server.asked("/gone") > gone);

    // `[link_checker]`: skipped prefixes are not asked for; a broken link may be a warning.
    let config = site.file("site.toml");
    site.write(
        "site.toml",
        format!(
            "{config}[link_checker]\nskip_prefixes = [\"{url}/slow\"]\nexternal_level = \"warn\"\n"
        ),
    );
    let slow_before = server.asked("/slow");
    site.run(["check", "--external", "--timeout", "1"])
        .success()
        .stdout_contains("0 errors, 1 warning");
    assert_eq!(
        server.asked("/slow"),
        slow_before,
        "a skipped prefix was asked for"
    );
}

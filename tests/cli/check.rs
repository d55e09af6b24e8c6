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

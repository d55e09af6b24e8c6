//! The charts of `workplan::charts`, embedded in a page as a theme would embed them, checked
//! by the validators the shipped site must pass: the Nu HTML Checker and axe-core in headless
//! Chromium. As in `validate`, a missing validator skips the test (`skipped: ...`), and fails
//! it under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{fs, thread};

use jiff::civil::{Date, date};
use workplan::charts::{
    Counts, Labels, Late, LateLabels, area_bars, overdue_bars, progress_over_time,
};

use crate::browser::{Browser, FileServer};
use crate::harness::SiteTest;

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const VNU_JAR: &str = "node_modules/vnu-jar/build/dist/vnu.jar";
const AXE: &str = "node_modules/axe-core/axe.min.js";

#[test]
fn charts_in_a_page_pass_the_nu_html_checker() {
    let Some(jar) = installed(VNU_JAR) else {
        return;
    };
    if !Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|output| output.status.success())
    {
        skip("Java not installed (apt-get install default-jre-headless)");
        return;
    }
    let site = SiteTest::empty();
    site.write("public/charts.html", page());
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "text"])
        .arg(site.path("public/charts.html"))
        .output()
        .expect("running java");
    // It exits 1 when it finds errors, and lists them on stderr.
    assert!(
        output.status.success(),
        "the Nu HTML Checker refused the charts ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn charts_in_a_page_have_no_axe_violations() {
    let Some(axe) = installed(AXE) else {
        return;
    };
    let Some(browser) = Browser::start() else {
        return;
    };
    let axe = fs::read_to_string(&axe).unwrap();
    let site = SiteTest::empty();
    site.write("public/charts.html", page());
    let server = FileServer::bind();
    let url = format!("{}charts.html", server.url());
    server.serve(site.path("public"));
    browser.goto(&url);
    // The charts are in the page, drawn: a picture is as wide as its figure.
    let drawn = browser.execute(
        "return [...document.querySelectorAll('svg.chart__picture')]\
         .map((svg) => Math.round(svg.getBoundingClientRect().width))",
        &[],
    );
    let widths = drawn.as_array().expect("an array of widths");
    assert_eq!(widths.len(), 6, "{drawn}");
    assert!(widths.iter().all(|w| w.as_u64() > Some(300)), "{drawn}");

    let script = format!(
        "{axe}\n;{}",
        r"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] }).then(
            (results) => done(results.violations.map((v) =>
                `${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)),
            (error) => done([`axe failed: ${error}`]),
        );
        "
    );
    let violations = browser.execute_async(&script, &[]);
    let violations = violations.as_array().expect("axe's list of violations");
    assert!(
        violations.is_empty(),
        "axe-core found {} violation(s) in the charts:\n{}",
        violations.len(),
        violations
            .iter()
            .map(|v| v.as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A page with the three charts in English, the three in Chinese (with a year of daily points and
/// words that need escaping), and the three with no data.
fn page() -> String {
    let english = Labels {
        title: "Progress over the year".to_owned(),
        description: "Tasks done, in progress, at risk and planned at each status update."
            .to_owned(),
        caption: "Tasks by status & date".to_owned(),
        no_data: "No status updates yet.".to_owned(),
        date: "Date".to_owned(),
        area: "Priority area".to_owned(),
        tasks: "Tasks".to_owned(),
        total: "Total".to_owned(),
        done: "Done".to_owned(),
        in_progress: "In progress".to_owned(),
        at_risk: "At risk".to_owned(),
        planned: "Planned".to_owned(),
    };
    let chinese = Labels {
        title: "全年进展 <\"&'>".to_owned(),
        description: "每次更新时已完成、进行中、有风险和计划中的任务数。".to_owned(),
        caption: "各状态任务数".to_owned(),
        no_data: "暂无进展。".to_owned(),
        date: "日期".to_owned(),
        area: "重点领域".to_owned(),
        tasks: "任务".to_owned(),
        total: "合计".to_owned(),
        done: "已完成".to_owned(),
        in_progress: "进行中".to_owned(),
        at_risk: "有风险".to_owned(),
        planned: "计划中".to_owned(),
    };
    let counts = |done, in_progress, at_risk, planned| Counts {
        done,
        in_progress,
        at_risk,
        planned,
    };
    let updates = [
        (date(2026, 1, 15), counts(0, 4, 0, 20)),
        (date(2026, 5, 2), counts(5, 9, 2, 8)),
        (date(2026, 11, 29), counts(12, 7, 3, 2)),
    ];
    let year: Vec<(Date, Counts)> = (0..365)
        .map(|day| {
            let done = day / 15;
            let at = date(2026, 1, 1)
                .checked_add(jiff::Span::new().days(i64::try_from(day).unwrap()))
                .unwrap();
            (at, counts(done, 5, day % 3, 30 - done))
        })
        .collect();
    let areas = [
        ("1 Early childhood".to_owned(), counts(3, 2, 0, 1)),
        ("5 Basic education".to_owned(), counts(1, 4, 2, 3)),
    ];
    let zh_areas = [
        ("1 学前教育".to_owned(), counts(3, 2, 0, 1)),
        ("5 基础教育 <&>".to_owned(), counts(1, 4, 2, 3)),
    ];
    let late_english = LateLabels {
        title: "Overdue tasks".to_owned(),
        description: "Days past the deadline of each task not done.".to_owned(),
        caption: "Overdue tasks & days".to_owned(),
        no_data: "No task is overdue.".to_owned(),
        task: "Task".to_owned(),
        due: "Due".to_owned(),
        days: "Days overdue".to_owned(),
    };
    let late_chinese = LateLabels {
        title: "逾期任务".to_owned(),
        description: "已过完成时限而未完成的任务及逾期天数。".to_owned(),
        caption: "逾期任务 <&>".to_owned(),
        no_data: "没有逾期任务。".to_owned(),
        task: "任务".to_owned(),
        due: "完成时限".to_owned(),
        days: "逾期天数".to_owned(),
    };
    let late = [
        Late {
            name: "5.3 Recruit 500 teachers".to_owned(),
            due: date(2026, 8, 31),
            days: 90,
        },
        Late {
            name: "1.10 建设十所学校 <&>".to_owned(),
            due: date(2026, 6, 30),
            days: 152,
        },
    ];
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Charts</title>\n</head>\n<body>\n<main>\n<h1>Charts</h1>\n{}{}{}\
         <section lang=\"zh-Hans\">\n<h2>图表</h2>\n{}{}{}</section>\n{}{}{}</main>\n</body>\n</html>\n",
        progress_over_time("progress", &updates, &english),
        area_bars("areas", &areas, &english),
        overdue_bars("late", &late, &late_english),
        progress_over_time("zh-progress", &year, &chinese),
        area_bars("zh-areas", &zh_areas, &chinese),
        overdue_bars("zh-late", &late, &late_chinese),
        progress_over_time("empty-progress", &[], &english),
        area_bars("empty-areas", &[], &english),
        overdue_bars("empty-late", &[], &late_english),
    )
}

/// A file of an installed npm package, by its path from the repo root; `None` (after
/// printing `skipped: ...`) when it is missing, a failure with `CI=true`.
fn installed(relative: &str) -> Option<PathBuf> {
    let path = Path::new(REPO).join(relative);
    if path.is_file() {
        Some(path)
    } else {
        skip(&format!(
            "{relative} not installed (npm ci --ignore-scripts at the repo root)"
        ));
        None
    }
}

fn skip(why: &str) {
    let test = thread::current()
        .name()
        .unwrap_or("a charts test")
        .to_owned();
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {why}, and CI=true: CI runs every validator"
    );
    println!("skipped: {test}: {why}");
}

//! The print edition as a reader prints it: built, served over HTTP, printed by headless
//! Chromium with `--print-to-pdf` (A4, from the page's own print styles), and read back page
//! by page with poppler's `pdftotext`. Each area starts a page and no task is cut across two:
//! a task's number, title and status badge (its last part) are on one page.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::browser::{CHROMIUM, FileServer, HEADLESS, served_shipped_site};
use crate::harness::SiteTest;

/// The text of each page of the PDF that Chromium prints of `url`, or `None` (after printing
/// `skipped: ...`) when Chromium or poppler-utils is missing; with `CI=true` that fails.
fn printed_pages(url: &str, dir: &Path) -> Option<Vec<String>> {
    let installed =
        Path::new(CHROMIUM).exists() && Command::new("pdftotext").arg("-v").output().is_ok();
    if !installed {
        let why = "Chromium or pdftotext not installed (apt-get install chromium poppler-utils)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{why}, and CI=true: CI runs every browser test"
        );
        println!("skipped: {why}");
        return None;
    }
    let pdf = dir.join("print.pdf");
    let printed = Command::new(CHROMIUM)
        .args(HEADLESS)
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url)
        .output()
        .unwrap();
    assert!(
        pdf.exists(),
        "Chromium printed no PDF of {url}: {}",
        String::from_utf8_lossy(&printed.stderr)
    );
    // In the order the page draws its text; pages end in a form feed.
    let text = Command::new("pdftotext")
        .arg("-raw")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(text.status.success(), "pdftotext failed on {url}");
    let text = String::from_utf8(text.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(without_spaces).collect();
    if pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    Some(pages)
}

/// `text` without any white space: lines wrap where the page is full, and the PDF's text
/// spaces Chinese as it likes.
fn without_spaces(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The first words of a page, after its number (`2/12`): where an area's heading starts a
/// page, its eyebrow (`PRIORITYAREA2`, `第二个重点领域`) and its title.
fn top_of(page: &str, title: &str) -> String {
    let counter = page
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '/'))
        .map_or(page.len(), |(at, _)| at);
    page[counter..]
        .chars()
        .take(title.chars().count() + 24)
        .collect()
}

/// The interface string `key` of the default theme in `lang`.
fn theme_word(lang: &str, key: &str) -> String {
    let path = format!(
        "{}/themes/default/i18n/{lang}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let table: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    table[key].as_str().unwrap().to_owned()
}

/// Checks the printed `pages` against the plan of `plan.json`: one or more pages per area
/// after the cover and contents, each area's title at the top of a page, and each task whole
/// on one page. Returns, per task id, the page it is on and its text there.
fn check_edition(pages: &[String], plan: &Value, lang: &str) -> Vec<(String, usize, String)> {
    let areas = plan["areas"].as_array().unwrap();
    assert!(
        (areas.len() + 1..=2 * areas.len() + 2).contains(&pages.len()),
        "{} pages for {} areas",
        pages.len(),
        areas.len()
    );
    let mut placed = Vec::new();
    let mut last_page = 0;
    for area in areas {
        let title = without_spaces(area["title"].as_str().unwrap());
        let page = pages
            .iter()
            .position(|page| top_of(page, &title).contains(&title))
            .unwrap_or_else(|| panic!("no page starts with area {title}"));
        assert!(
            page > last_page,
            "area {title} does not start a page of its own"
        );
        last_page = page;
        for task in area["tasks"].as_array().unwrap() {
            let id = task["id"].as_str().unwrap();
            let start = format!("{id}{}", without_spaces(task["title"].as_str().unwrap()));
            let badge = without_spaces(&theme_word(
                lang,
                &format!("status_{}", task["status"].as_str().unwrap()),
            ));
            let (page, text) = pages
                .iter()
                .enumerate()
                .find_map(|(number, page)| {
                    let from = page.find(&start)?;
                    Some((number, &page[from..]))
                })
                .unwrap_or_else(|| panic!("task {id} is cut across pages (or missing)"));
            // The badge closes the task: before the next task's number.
            let end = text
                .find(&badge)
                .unwrap_or_else(|| panic!("task {id}'s status is not on its page {}", page + 1));
            placed.push((id.to_owned(), page, text[..end + badge.len()].to_owned()));
        }
    }
    placed
}

#[test]
fn the_shipped_print_edition_prints_each_area_from_a_page_and_no_task_cut_in_two() {
    let (site, url) = served_shipped_site();
    for (lang, folder) in [("en", ""), ("zh-Hans", "zh-Hans/")] {
        let Some(pages) =
            printed_pages(&format!("{url}{folder}print/"), &site.outside().join(lang))
        else {
            return;
        };
        let plan: Value =
            serde_json::from_str(&site.file(&format!("public/{folder}plan.json"))).unwrap();
        check_edition(&pages, &plan, lang);
    }
}

/// The year's fixture: a task's deadline, lead, note and history print with it.
#[test]
fn a_task_prints_with_its_history_on_its_page() {
    let site = SiteTest::with_shipped_themes("year");
    let server = FileServer::bind();
    let url = server.url();
    site.run(["build", "--base-url", &url]).success();
    server.serve(site.path("public"));
    let Some(pages) = printed_pages(&format!("{url}print/"), site.outside()) else {
        return;
    };
    let plan: Value = serde_json::from_str(&site.file("public/plan.json")).unwrap();
    let placed = check_edition(&pages, &plan, "en");
    let (_, _, task) = placed.iter().find(|(id, ..)| id == "1.1").unwrap();
    for shown in [
        theme_word("en", "overdue"),
        theme_word("en", "history"),
        "Education Department".to_owned(),
        "Finance Department".to_owned(),
    ] {
        assert!(task.contains(&without_spaces(&shown)), "{shown}: {task}");
    }
}

//! The shipped site, built, checked by real validators: the Nu HTML Checker (`vnu-jar`, run
//! with Java) for its HTML and CSS, and axe-core in headless Chromium for accessibility. Both
//! come from npm, pinned in the repository's `package.json`; `.ci/run` installs them. When
//! Java or a package is missing a test prints `skipped: ...`, and fails instead under
//! `CI=true`, as the browser tests do.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{fs, thread};

use serde_json::Value;

use crate::browser::{Browser, FileServer, served_shipped_site};
use crate::harness::SiteTest;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

const VNU_JAR: &str = "node_modules/vnu-jar/build/dist/vnu.jar";
const AXE: &str = "node_modules/axe-core/axe.min.js";
const INSTALL: &str = "npm ci --ignore-scripts at the repo root";

/// The phone width the home page and an area page are checked at too.
const PHONE: u32 = 375;

#[test]
fn shipped_site_passes_the_nu_html_checker() {
    let Some(jar) = vnu() else {
        return;
    };
    let site = SiteTest::shipped();
    site.run(["build"]).success();
    let public = site.path("public");
    let errors = nu_errors(&jar, &public);
    assert!(
        errors.is_empty(),
        "the Nu HTML Checker found {} error(s) in the built shipped site:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// Code highlighted with classes and inline colours, line numbers, marked lines, footnotes at
/// the bottom: the pages and the code stylesheet pass the checker.
#[test]
fn highlighted_code_passes_the_nu_html_checker() {
    let Some(jar) = vnu() else {
        return;
    };
    let site = SiteTest::with_shipped_themes("highlight");
    site.run(["build"]).success();
    let mut errors = nu_errors(&jar, &site.path("public"));
    site.replace(
        "site.toml",
        "highlight_code = true",
        "highlight_code = true\nhighlight_theme = \"Solarized (dark)\"",
    );
    site.run(["build"]).success();
    errors.extend(nu_errors(&jar, &site.path("public")));
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Minified (`minify_html = true`: optional tags and quotes left out), the shipped site is
/// still valid HTML.
#[test]
fn minified_shipped_site_passes_the_nu_html_checker() {
    let Some(jar) = vnu() else {
        return;
    };
    let site = crate::minify::minified_shipped_site();
    site.run(["build"]).success();
    let errors = nu_errors(&jar, &site.path("public"));
    assert!(
        errors.is_empty(),
        "the Nu HTML Checker found {} error(s) in the minified shipped site:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// A site with a missing translation: its fallback pages (the default language's text in the
/// other language's frame, with a notice) and its language switcher pass both validators.
#[test]
fn fallback_pages_pass_both_validators() {
    let (Some(jar), Some(axe)) = (vnu(), axe()) else {
        return;
    };
    let Some(browser) = Browser::start() else {
        return;
    };
    let (site, url) = crate::browser::served(SiteTest::with_shipped_themes("languages"));
    let public = site.path("public");
    let mut problems = nu_errors(&jar, &public);
    let pages = files(&public, "html");
    assert!(
        pages
            .iter()
            .any(|page| page == "zh-Hans/areas/teachers/index.html")
    );
    for page in &pages {
        problems.extend(axe_violations(&browser, &axe, &url, page, "desktop"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A plan tracked over a year: its pictures (progress over the year, each area's progress,
/// the overdue tasks, on the home, area and progress pages), its history lists, overdue
/// badges and print edition pass both validators, on a desktop and on a phone.
#[test]
fn the_plan_of_a_year_passes_both_validators() {
    let (Some(jar), Some(axe)) = (vnu(), axe()) else {
        return;
    };
    let Some(browser) = Browser::start() else {
        return;
    };
    let (site, url) = crate::browser::served(SiteTest::with_shipped_themes("year"));
    let public = site.path("public");
    let mut problems = nu_errors(&jar, &public);
    let pages = files(&public, "html");
    for page in [
        "index.html",
        "areas/schools/index.html",
        "progress/index.html",
    ] {
        let html = site.file(&format!("public/{page}"));
        assert!(
            html.contains("<svg class=\"chart__picture\""),
            "{page} has no chart"
        );
    }
    for page in &pages {
        problems.extend(axe_violations(&browser, &axe, &url, page, "desktop"));
    }
    browser.set_window_size(PHONE, 800);
    for page in [
        "index.html",
        "areas/schools/index.html",
        "progress/index.html",
    ] {
        problems.extend(axe_violations(&browser, &axe, &url, page, "phone"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checker and the way its report is read work: errors in a page and in a stylesheet come
/// out with their file, line and message (a report read wrongly would pass any site).
#[test]
fn the_nu_html_checker_reports_errors_with_file_and_line() {
    let Some(jar) = vnu() else {
        return;
    };
    let site = SiteTest::empty();
    site.write(
        "public/ok.html",
        "<!doctype html>\n<html lang=\"en\">\n<title>Fine</title>\n<p>Fine.\n",
    );
    site.write(
        "public/broken/index.html",
        "<!doctype html>\n<html lang=\"en\">\n<title>Broken</title>\n<p><span></p>\n<p>End.\n",
    );
    site.write("public/style.css", "body {\n  colr: red;\n}\n");
    site.write("public/feed.xml", "<not html");
    let errors = nu_errors(&jar, &site.path("public"));
    let report = errors.join("\n");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("broken/index.html:4: ")),
        "{report}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("style.css:2: ") && e.contains("colr")),
        "{report}"
    );
    assert!(!report.contains("ok.html"), "{report}");
    assert!(!report.contains("feed.xml"), "{report}");
}

#[test]
fn shipped_site_has_no_axe_violations() {
    let Some(axe) = axe() else {
        return;
    };
    let Some(browser) = Browser::start() else {
        return;
    };
    let (site, url) = served_shipped_site();
    let public = site.path("public");

    let pages = files(&public, "html");
    assert!(pages.len() > 10, "too few pages to check: {pages:?}");
    let mut violations = Vec::new();
    for page in &pages {
        violations.extend(axe_violations(&browser, &axe, &url, page, "desktop"));
    }
    // Some problems only show on a phone, where the layout is another.
    browser.set_window_size(PHONE, 800);
    let area = pages
        .iter()
        .find(|page| page.starts_with("priorities/") && *page != "priorities/index.html")
        .expect("an area page under priorities/");
    for page in ["index.html", area] {
        violations.extend(axe_violations(&browser, &axe, &url, page, "phone"));
    }
    assert!(
        violations.is_empty(),
        "axe-core found {} violation(s) in {} pages of the built shipped site:\n{}",
        violations.len(),
        pages.len(),
        violations.join("\n")
    );
}

/// axe runs in the page and its report is read right: a page with known problems yields them.
#[test]
fn axe_reports_violations_with_page_and_target() {
    let Some(axe) = axe() else {
        return;
    };
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::empty();
    site.write(
        "public/bad/index.html",
        "<!doctype html>\n<html><title>Bad</title>\n<main><h1>Bad</h1>\
         <img id=\"photo\" src=\"x.png\">\
         <p style=\"color:#ccc;background:#fff\">Faint</p></main>\n",
    );
    let server = FileServer::bind();
    let url = server.url();
    server.serve(site.path("public"));
    let violations = axe_violations(&browser, &axe, &url, "bad/index.html", "desktop");
    let report = violations.join("\n");
    for rule in ["html-has-lang", "image-alt", "color-contrast"] {
        assert!(
            violations
                .iter()
                .any(|v| v.starts_with(&format!("bad/ (desktop): {rule} "))),
            "no {rule}:\n{report}"
        );
    }
    assert!(report.contains("#photo"), "{report}");
}

/// The Nu HTML Checker's errors in the `.html` pages and `.css` files under `dir`, one line
/// each: `path:line: message` with the path relative to `dir`, then the source extract.
fn nu_errors(jar: &Path, dir: &Path) -> Vec<String> {
    // Two runs, side by side: with `--also-check-css`, vnu 26.9.27 reports HTML errors one
    // line too early.
    let sheets: Vec<PathBuf> = files(dir, "css")
        .iter()
        .map(|sheet| dir.join(sheet))
        .collect();
    thread::scope(|scope| {
        let css = scope.spawn(|| {
            if sheets.is_empty() {
                Vec::new()
            } else {
                run_vnu(jar, dir, &["--css"], &sheets)
            }
        });
        let mut errors = run_vnu(jar, dir, &["--skip-non-html"], &[dir.to_owned()]);
        errors.extend(
            css.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        errors
    })
}

/// Runs the checker with `options` on `paths`, all under `dir`; its errors as [`nu_errors`]
/// words them.
fn run_vnu(jar: &Path, dir: &Path, options: &[&str], paths: &[PathBuf]) -> Vec<String> {
    let output = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "json", "--stdout"])
        .args(options)
        .args(paths)
        .current_dir(REPO)
        .output()
        .expect("running java");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // It exits 1 when it reports errors; anything else is the checker failing.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "the Nu HTML Checker failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("the checker's JSON: {error}:\n{stdout}\n{stderr}"));
    let messages = report["messages"]
        .as_array()
        .unwrap_or_else(|| panic!("no `messages` in the checker's JSON:\n{stdout}"));
    let prefix = format!("file:{}/", dir.display());
    messages
        .iter()
        .filter(|message| message["type"] != "info")
        .map(|message| {
            let url = message["url"].as_str().unwrap_or("(no file)");
            let file = url.strip_prefix(&prefix).unwrap_or(url);
            let line = message["lastLine"]
                .as_u64()
                .map_or_else(String::new, |line| format!("{line}:"));
            let text = message["message"].as_str().unwrap_or_default();
            let mut error = format!("{file}:{line} {text}");
            if let Some(extract) = message["extract"].as_str() {
                let extract = extract.split_whitespace().collect::<Vec<_>>().join(" ");
                write!(error, "\n    in: {extract}").unwrap();
            }
            error
        })
        .collect()
}

/// The files under `dir` whose names end in `.<extension>`, relative to it and with `/`
/// between parts, sorted.
fn files(dir: &Path, extension: &str) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == extension))
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap();
            let parts: Vec<_> = relative.iter().map(|part| part.to_string_lossy()).collect();
            parts.join("/")
        })
        .collect();
    files.sort();
    files
}

/// Where a page is served: a folder's `index.html` at the folder's address.
fn page_url(base: &str, page: &str) -> String {
    match page.strip_suffix("index.html") {
        Some(folder) => format!("{base}{folder}"),
        None => format!("{base}{page}"),
    }
}

/// Runs axe-core (default rules) on `page` of the site served at `base`; one line per violated
/// rule: `page (viewport): rule [impact] help`, then up to three of the elements at fault with
/// what axe says of each.
fn axe_violations(
    browser: &Browser,
    axe: &str,
    base: &str,
    page: &str,
    viewport: &str,
) -> Vec<String> {
    // The page's address relative to the site, as the report names it.
    let shown = page_url("", page);
    let shown = if shown.is_empty() { "/" } else { &shown };
    browser.goto(&page_url(base, page));
    // axe's own source defines `window.axe`; then it runs on the document.
    let script = format!(
        "{axe}\n;{}",
        r"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] }).then(
            (results) => done(results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                count: v.nodes.length,
                nodes: v.nodes.slice(0, 3).map((node) => ({
                    target: node.target.map(String).join(' >>> '),
                    why: [...node.any, ...node.all, ...node.none]
                        .map((check) => check.message).filter(Boolean).slice(0, 1).join(''),
                })),
            }))),
            (error) => done({ error: String(error) }),
        );
        "
    );
    let result = browser.execute_async(&script, &[]);
    if let Some(error) = result.get("error") {
        panic!("axe failed on {shown}: {error}");
    }
    let violations = result
        .as_array()
        .unwrap_or_else(|| panic!("axe's violations on {shown}: {result}"));
    violations
        .iter()
        .map(|violation| {
            let text = |key: &str| violation[key].as_str().unwrap_or_default().to_owned();
            let mut line = format!(
                "{shown} ({viewport}): {} [{}] {} ({} element(s))",
                text("id"),
                text("impact"),
                text("help"),
                violation["count"]
            );
            for node in violation["nodes"].as_array().into_iter().flatten() {
                let target = node["target"].as_str().unwrap_or_default();
                let why = node["why"].as_str().unwrap_or_default();
                write!(line, "\n    {target}: {why}").unwrap();
            }
            line
        })
        .collect()
}

/// The source of axe-core, if installed (see [`npm_file`]).
fn axe() -> Option<String> {
    let path = npm_file(AXE)?;
    let source = fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    Some(source)
}

/// The jar of the Nu HTML Checker, if it and Java are installed (see [`npm_file`]).
fn vnu() -> Option<PathBuf> {
    let jar = npm_file(VNU_JAR)?;
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|output| output.status.success()) {
        return skip("Java not installed (apt-get install default-jre-headless)");
    }
    Some(jar)
}

/// A file of an installed npm package, by its path from the repo root; `None` (after printing
/// `skipped: ...`) when it is missing, a failure with `CI=true`.
fn npm_file(relative: &str) -> Option<PathBuf> {
    let path = Path::new(REPO).join(relative);
    if path.is_file() {
        Some(path)
    } else {
        skip(&format!("{relative} not installed ({INSTALL})"))
    }
}

fn skip(why: &str) -> Option<PathBuf> {
    let test = thread::current()
        .name()
        .unwrap_or("a validator test")
        .to_owned();
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {why}, and CI=true: CI runs every validator"
    );
    println!("skipped: {test}: {why}");
    None
}

#[test]
fn pages_map_to_their_addresses() {
    let base = "http://127.0.0.1:1/";
    assert_eq!(page_url(base, "index.html"), base);
    assert_eq!(
        page_url(base, "priorities/teachers/index.html"),
        "http://127.0.0.1:1/priorities/teachers/"
    );
    assert_eq!(page_url(base, "404.html"), "http://127.0.0.1:1/404.html");
}

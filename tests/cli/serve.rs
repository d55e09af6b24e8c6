//! `workplan serve`: the live preview, end to end in headless Chromium. Edits on disk must
//! reach a tab that is already open, with no action in the browser: new text, an error
//! overlay for a broken page and its going away, a stylesheet applied without a reload.

use crate::browser::{Browser, PATIENCE};
use crate::harness::{SiteTest, Spawned};

const PAGE: &str = "content/priorities/higher.md";
const OVERLAY: &str = r#"
    const dialog = document.querySelector('[role="alertdialog"]');
    return dialog && dialog.checkVisibility() ? dialog.innerText : null;
"#;

/// `workplan serve --port 0 ARGS` on `site`, after checking the address line it printed:
/// `Serving <site> at http://127.0.0.1:<port>/<sub_path>`.
#[track_caller]
fn serve(site: &SiteTest, args: &[&str], sub_path: &str) -> Spawned {
    let mut command = vec!["serve", "--port", "0"];
    command.extend_from_slice(args);
    let server = site.spawn(command);
    let url = server.url();
    let port = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix(&format!("/{sub_path}")))
        .unwrap_or_else(|| panic!("`{url}` is not http://127.0.0.1:<port>/{sub_path}"));
    assert!(port.parse::<u16>().is_ok_and(|port| port != 0), "{url}");
    let output = server.output();
    assert!(
        output
            .lines()
            .any(|line| line.starts_with("Serving ") && line.ends_with(&format!(" at {url}"))),
        "no `Serving <site> at {url}` line:\n{output}"
    );
    server
}

fn body_background(browser: &Browser) -> String {
    let color = browser.execute(
        "return getComputedStyle(document.body).backgroundColor",
        &[],
    );
    color.as_str().unwrap().to_owned()
}

#[test]
fn edits_reach_the_open_tab_and_errors_show_over_the_page() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::new("minimal");
    let server = serve(&site, &[], "");
    browser.goto(&format!("{}priorities/higher-education/", server.url()));
    let text = browser.text();
    assert!(text.contains("Higher education"), "{text}");
    assert!(text.contains("Better universities."), "{text}");

    site.replace(PAGE, "Better universities.", "Better universities, sooner.");
    browser.wait_until("the edited sentence", PATIENCE, |b| {
        b.text().contains("Better universities, sooner.")
    });

    site.replace(PAGE, "weight = 2\n", "weight = 2\ncolour = \"blue\"\n");
    browser.wait_until("the error overlay", PATIENCE, |b| {
        b.text().contains("unknown key")
    });
    let overlay = browser.execute(OVERLAY, &[]);
    let overlay = overlay.as_str().unwrap_or_else(|| {
        panic!("`unknown key` shows, but not in a visible role=\"alertdialog\": {overlay}")
    });
    assert!(overlay.contains("colour"), "{overlay}");
    let in_pre = browser.execute(
        r#"return document.querySelector('[role="alertdialog"] pre')?.innerText ?? null"#,
        &[],
    );
    assert!(
        in_pre
            .as_str()
            .is_some_and(|pre| pre.contains("unknown key")),
        "the report is not in a <pre>: {in_pre}"
    );

    site.replace(PAGE, "colour = \"blue\"\n", "")
        .replace(PAGE, "sooner.", "sooner, fixed.");
    browser.wait_until("the overlay to go and the fixed page", PATIENCE, |b| {
        b.execute(OVERLAY, &[]).is_null()
            && b.text().contains("Better universities, sooner, fixed.")
    });
    let text = browser.text();
    assert!(!text.contains("unknown key"), "{text}");
}

#[test]
fn a_stylesheet_edit_applies_without_a_reload() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::new("minimal");
    let server = serve(&site, &[], "");
    browser.goto(server.url());
    assert_eq!(body_background(&browser), "rgba(0, 0, 0, 0)");
    browser.execute("window.__marker = 1", &[]);

    site.replace(
        "static/style.css",
        "color: black;",
        "color: black; background-color: rgb(1, 2, 3);",
    );
    browser.wait_until("the new background", PATIENCE, |b| {
        body_background(b) == "rgb(1, 2, 3)"
    });
    let marker = browser.execute("return window.__marker ?? null", &[]);
    assert_eq!(marker, 1, "the page reloaded for a stylesheet edit");
}

#[test]
fn serve_under_a_sub_path() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::new("minimal");
    site.replace(
        "static/style.css",
        "color: black;",
        "color: black; background-color: rgb(1, 2, 3);",
    );
    let server = serve(&site, &["--base-url", "/plan/"], "plan/");
    browser.goto(server.url());
    let text = browser.text();
    assert!(text.contains("The home page."), "{text}");
    assert_eq!(body_background(&browser), "rgb(1, 2, 3)", "no stylesheet");

    let link = browser.execute(
        "return [...document.querySelectorAll('nav a')].find(a => a.innerText == 'priorities').href",
        &[],
    );
    let link = link.as_str().unwrap();
    assert!(
        link.starts_with(server.url()),
        "{link} is not under {}",
        server.url()
    );
    browser.goto(link);
    let text = browser.text();
    assert!(
        text.contains("The priority areas, lightest first."),
        "{text}"
    );
}

//! `minify_html = true`: every HTML page written minified (minify-html, as Zola does), smaller
//! and saying the same: the same text, the same `<pre>` blocks, scripts as written; the live
//! preview's script is still injected and the search page's script still searches.

use std::fs;
use std::path::Path;

use crate::browser::Browser;
use crate::harness::{PATIENCE, SiteTest, eventually};

/// The shipped site with `minify_html = true`.
pub fn minified_shipped_site() -> SiteTest {
    let site = SiteTest::shipped();
    site.replace(
        "site.toml",
        "build_search_index = true",
        "build_search_index = true\nminify_html = true",
    );
    site
}

/// The HTML pages under `dir`, by path below it.
fn pages(dir: &Path) -> Vec<String> {
    let mut pages: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "html"))
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap();
            relative.to_string_lossy().into_owned()
        })
        .collect();
    pages.sort();
    pages
}

/// What a reader sees of `html`: its text with each tag a space, character references
/// decoded, runs of white space one space; `<style>` left out (its CSS is minified).
fn text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        let tag = &rest[start..];
        let skip_to = if tag.starts_with("<style") {
            tag.find("</style>").map(|end| end + "</style>".len())
        } else {
            tag.find('>').map(|end| end + 1)
        };
        rest = &tag[skip_to.unwrap_or(tag.len())..];
    }
    text.push_str(rest);
    let decoded = text
        .replace("&lt;", "<")
        .replace("&LT", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parts of `html` between `open` and `close`, in order.
fn blocks<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.match_indices(open)
        .filter_map(|(at, _)| {
            let inside = &html[at..];
            let body = &inside[inside.find('>')? + 1..];
            Some(&body[..body.find(close)?])
        })
        .collect()
}

#[test]
fn minified_pages_are_smaller_and_say_the_same() {
    let site = minified_shipped_site();
    site.replace("site.toml", "minify_html = true", "minify_html = false");
    site.run(["build", "--output-dir", "../plain"]).success();
    site.replace("site.toml", "minify_html = false", "minify_html = true");
    site.run(["build"]).success();
    let (plain, minified) = (site.path("../plain"), site.path("public"));
    let listed = pages(&plain);
    assert_eq!(listed, pages(&minified));
    assert!(listed.len() > 20, "{listed:?}");
    let (mut before, mut after) = (0, 0);
    for page in &listed {
        let was = fs::read_to_string(plain.join(page)).unwrap();
        let is = fs::read_to_string(minified.join(page)).unwrap();
        assert!(is.len() < was.len(), "{page} is not smaller");
        (before, after) = (before + was.len(), after + is.len());
        assert_eq!(text(&is), text(&was), "{page}: the text differs");
        // `<pre>` exactly; scripts as written but for the white space around them.
        assert_eq!(
            blocks(&is, "<pre", "</pre>"),
            blocks(&was, "<pre", "</pre>"),
            "{page}"
        );
        let scripts = |html| -> Vec<String> {
            let found = blocks(html, "<script", "</script>");
            found
                .iter()
                .map(|script| script.trim().to_string())
                .collect()
        };
        assert_eq!(scripts(&is), scripts(&was), "{page}");
    }
    // The shipped site saves about 15%: more than a tenth.
    assert!(
        after * 10 < before * 9,
        "{before} bytes minified to {after}"
    );
    // Feeds and other files are not HTML: written as they are.
    assert_eq!(
        fs::read(plain.join("atom.xml")).unwrap(),
        fs::read(minified.join("atom.xml")).unwrap()
    );
}

#[test]
fn text_of_a_page_is_what_a_reader_sees() {
    assert_eq!(
        text("<p>A &amp; B</p>\n<style>p { x: y }</style><pre>  c\n d</pre>"),
        "A & B c d"
    );
    assert_eq!(
        blocks("<pre class=x>a</pre><pre>b</pre>", "<pre", "</pre>"),
        ["a", "b"]
    );
}

/// The live preview of a minified site: the reload script is injected (an edit reaches the
/// open tab) and the search page's inline script finds an area.
#[test]
fn a_minified_preview_reloads_and_searches() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = minified_shipped_site();
    let server = site.spawn(["serve", "--port", "0"]);
    let url = server.url().to_owned();
    eventually("the first build", || {
        !server.stdout_lines("Built ").is_empty()
    });
    assert!(
        crate::search::finds(
            &browser,
            &url,
            "vocational",
            "Vocational education",
            PATIENCE
        ),
        "the search page found nothing"
    );
    let page = "content/priorities/07-teachers.md";
    browser.goto(&format!("{url}priorities/teachers/"));
    assert!(!browser.text().contains("Teachers who keep quokkas."));
    site.write(page, site.file(page) + "\nTeachers who keep quokkas.\n");
    browser.wait_until("the edit in the open tab", PATIENCE, |b| {
        b.text().contains("Teachers who keep quokkas.")
    });
}

/// White space that a reader sees is kept: a code block's spaces and line breaks.
#[test]
fn a_code_block_keeps_its_white_space() {
    let site = SiteTest::new("sass");
    site.replace(
        "site.toml",
        "compile_sass = true",
        "compile_sass = true\nminify_html = true",
    );
    site.run(["build"]).success();
    let page = site.file("public/note/index.html");
    assert!(
        page.contains("<pre><code>keep   these\n    spaces\n</code></pre>"),
        "{page}"
    );
    assert!(page.contains("<p>Some text, with spaces."), "{page}");
}

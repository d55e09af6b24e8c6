//! Full-text search on a built site, in headless Chromium: a query typed into the header's
//! search box leads to the search page, whose results name the right priority area. English
//! queries search the shipped site, Chinese ones the `zh` fixture in the default theme. The
//! site is served by a plain file server, as any static host would.

use crate::browser::{Browser, served, served_shipped_site};
use std::time::{Duration, Instant};

use crate::harness::{PATIENCE, SiteTest, eventually};

fn search(browser: &Browser, url: &str, query: &str, expected: &str) {
    assert!(
        finds(browser, url, query, expected, PATIENCE),
        "searching `{query}` found no `{expected}`"
    );
}

/// Types `query` into the search box of the page at `url`; whether a result titled
/// `expected` shows within `timeout`.
pub fn finds(browser: &Browser, url: &str, query: &str, expected: &str, timeout: Duration) -> bool {
    browser.goto(url);
    browser.execute(
        "const box = document.querySelector('#site-search-q');
         box.value = arguments[0];
         box.form.submit();",
        &[query.into()],
    );
    let deadline = Instant::now() + timeout;
    loop {
        let results = browser.execute(
            "return [...document.querySelectorAll('.pagefind-ui__result-title')].map(r => r.innerText).join('\\n')",
            &[],
        );
        if results
            .as_str()
            .is_some_and(|titles| titles.contains(expected))
        {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_search_box_finds_areas_and_tasks_by_their_words() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (site, url) = served_shipped_site();
    assert!(
        site.exists("public/pagefind/pagefind-entry.json"),
        "no search index"
    );

    // An area by a word of its title, and one by the words of a task only.
    search(&browser, &url, "vocational", "Vocational education");
    search(&browser, &url, "off-campus training", "Basic education");
}

/// A site of more pages than one bundle of the index holds: the search page merges its
/// language's bundles (`pagefind/bundles.json`), so a word on every added page finds them all.
#[test]
fn a_search_across_bundles_finds_every_page() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::shipped();
    const ADDED: usize = 1_100;
    site.write("content/notes/_index.md", "+++\ntitle = \"Notes\"\n+++\n");
    for note in 0..ADDED {
        site.write(
            &format!("content/notes/note-{note}.md"),
            format!("+++\ntitle = \"Note {note}\"\n+++\nA wombat, seen on day {note}.\n"),
        );
    }
    let (site, url) = served(site);
    let bundles = site.file("public/pagefind/bundles.json");
    assert!(bundles.contains(r#""en-2/""#), "one bundle: {bundles}");
    search(&browser, &url, "wombat", "Note");
    // Pagefind's interface writes the count with a thousands separator.
    browser.wait_until("the count of every note", PATIENCE, |b| {
        b.text().contains("1,100 results for wombat")
    });
}

/// Types `query` into the search box of the page at `url`; the title of the first result.
fn first_result(browser: &Browser, url: &str, query: &str) -> String {
    browser.goto(url);
    browser.execute(
        "const box = document.querySelector('#site-search-q');
         box.value = arguments[0];
         box.form.submit();",
        &[query.into()],
    );
    let mut first = String::new();
    browser.wait_until(&format!("results for `{query}`"), PATIENCE, |browser| {
        let found = browser.execute(
            "const r = document.querySelector('.pagefind-ui__result-title'); return r ? r.innerText : ''",
            &[],
        );
        first = found.as_str().unwrap_or_default().to_string();
        // While a result loads, its title is a row of dots.
        !first.chars().all(|c| c == '.' || c.is_whitespace())
    });
    first
}

/// The shipped site's Chinese edition: each query finds its area first, in Chinese; the
/// English edition finds English pages only.
#[test]
fn each_edition_of_the_shipped_site_finds_its_own_language_first() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_site, url) = served_shipped_site();
    let chinese = format!("{url}zh-Hans/");
    for (query, area) in [
        ("职业教育", "职业教育"),
        ("双减", "基础教育"),
        ("教师队伍", "教师队伍"),
        ("时时放心不下", "安全稳定"),
    ] {
        assert_eq!(first_result(&browser, &chinese, query), area, "`{query}`");
    }
    assert_eq!(
        first_result(&browser, &url, "vocational"),
        "Vocational education"
    );
    // The English index holds no Chinese page.
    let english = first_result(&browser, &url, "teachers");
    assert!(english.is_ascii(), "`teachers` found `{english}`");
}

#[test]
fn chinese_queries_find_areas_by_words_inside_sentences() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_site, url) = served(SiteTest::with_shipped_themes("zh"));

    // Words with no space around them, found only if the index and the query are both cut
    // into words: one from an area's text, one from the middle of a title.
    search(&browser, &url, "产教融合", "职业教育");
    search(&browser, &url, "转型", "数字化转型");
}

/// The live preview writes the search index after each change, in the background: a word
/// just saved into a page becomes findable without holding up the reload.
#[test]
fn the_live_preview_keeps_the_search_index_current() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::shipped();
    let server = site.spawn(["serve", "--port", "0"]);
    let url = server.url().to_owned();
    eventually("the first build", || {
        !server.stdout_lines("Built ").is_empty()
    });
    let page = "content/priorities/07-teachers.md";
    assert!(!finds(
        &browser,
        &url,
        "quokkas",
        "Teachers",
        Duration::from_secs(1)
    ));

    site.write(page, site.file(page) + "\nTeachers who keep quokkas.\n");
    let deadline = Instant::now() + PATIENCE * 3;
    while !finds(
        &browser,
        &url,
        "quokkas",
        "Teachers",
        Duration::from_secs(1),
    ) {
        assert!(
            Instant::now() < deadline,
            "the new word never became findable"
        );
    }
}

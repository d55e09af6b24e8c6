//! Full-text search on a built site, in headless Chromium: a query typed into the header's
//! search box leads to the search page, whose results name the right priority area. English
//! queries search the shipped site, Chinese ones the `zh` fixture in the default theme. The
//! site is served by a plain file server, as any static host would.

use crate::browser::{Browser, served, served_shipped_site};
use crate::harness::{PATIENCE, SiteTest};

fn search(browser: &Browser, url: &str, query: &str, expected: &str) {
    browser.goto(url);
    browser.execute(
        "const box = document.querySelector('#site-search-q');
         box.value = arguments[0];
         box.form.submit();",
        &[query.into()],
    );
    browser.wait_until(&format!("results for `{query}`"), PATIENCE, |b| {
        let results = b.execute(
            "return [...document.querySelectorAll('.pagefind-ui__result-title')].map(r => r.innerText).join('\\n')",
            &[],
        );
        results.as_str().is_some_and(|titles| titles.contains(expected))
    });
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

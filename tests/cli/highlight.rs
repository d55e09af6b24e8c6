//! Code blocks highlighted at build time and footnotes at the bottom, as a Zola site asks
//! with `[markdown]`'s `highlight_code`, `highlight_theme`, `highlight_themes_css` and
//! `bottom_footnotes`. The fixture is `tests/sites/highlight`, in the shipped theme.

use crate::harness::SiteTest;

const PAGE: &str = "public/code/index.html";

/// The page's text as the Markdown made it, without the theme's frame.
fn body(site: &SiteTest) -> String {
    let html = site.file(PAGE);
    let start = html.find("<p>Rust,").expect("the page's text");
    let notes = html
        .find("<section class=\"footnotes\">")
        .expect("the footnotes");
    let end = notes + html[notes..].find("</section>").unwrap() + "</section>".len();
    html[start..end].to_string()
}

#[test]
fn code_blocks_are_highlighted_with_classes_and_the_stylesheet_is_linked() {
    let site = SiteTest::with_shipped_themes("highlight");
    site.run(["build"]).success();
    insta::assert_snapshot!(body(&site));
    let html = site.file(PAGE);
    assert!(
        html.contains(r#"<link rel="stylesheet" href="../syntax.css">"#),
        "{html}"
    );
    let css = site.file("public/syntax.css");
    assert!(css.contains(".z-keyword"), "{css}");
    assert!(css.contains("@media (prefers-color-scheme: dark)"), "{css}");
}

#[test]
fn without_highlight_code_code_is_plain_and_no_stylesheet_is_written() {
    let site = SiteTest::with_shipped_themes("highlight");
    site.replace(
        "site.toml",
        "highlight_code = true",
        "highlight_code = false",
    );
    site.run(["build"]).success();
    let html = site.file(PAGE);
    assert!(
        html.contains("<pre><code class=\"language-rust,linenos,hl_lines=2\">"),
        "{html}"
    );
    assert!(
        !html.contains("z-code") && !html.contains("syntax.css"),
        "{html}"
    );
    assert!(!site.exists("public/syntax.css"));
}

#[test]
fn a_built_in_theme_colours_code_inline_and_themes_css_are_written() {
    let site = SiteTest::with_shipped_themes("highlight");
    site.replace(
        "site.toml",
        "highlight_code = true",
        "highlight_code = true\nhighlight_theme = \"base16-ocean-dark\"\n\
         highlight_themes_css = [{ theme = \"solarized-light\", filename = \"css/light.css\" }]",
    );
    site.run(["build"]).success();
    let html = site.file(PAGE);
    assert!(
        html.contains(r#"<pre data-linenos data-lang="rust" style="background-color:#2b303b;color:#c0c5ce;" class="language-rust">"#),
        "{html}"
    );
    assert!(
        html.contains("<span style=\"color:#b48ead;\">fn </span>"),
        "{html}"
    );
    assert!(html.contains("<mark style=\"background-color:"), "{html}");
    // Inline colours need no stylesheet: none is linked; the one asked for is written.
    assert!(!html.contains("syntax.css") && !site.exists("public/syntax.css"));
    assert!(site.file("public/css/light.css").contains(".z-code"));
}

#[test]
fn an_unknown_highlighting_theme_is_a_located_error() {
    let site = SiteTest::with_shipped_themes("highlight");
    site.replace(
        "site.toml",
        "highlight_code = true",
        "highlight_code = true\nhighlight_theme = \"no-such\"",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("unknown highlighting theme `no-such`")
        .stderr_contains("site.toml:10:19")
        .stderr_contains("`base16-ocean-dark`");
    // Even with highlighting off.
    site.replace(
        "site.toml",
        "highlight_code = true",
        "highlight_code = false",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("site.toml:10:19");
    site.replace("site.toml", "no-such", "solarized-drak");
    site.run(["build"])
        .failure()
        .stderr_contains("did you mean `solarized-dark`?");
}

#[test]
fn zola_0_22_highlighting_table_is_refused_with_the_keys_to_write() {
    let site = SiteTest::with_shipped_themes("highlight");
    let text = site.file("site.toml");
    site.write(
        "site.toml",
        format!("{text}\n[markdown.highlighting]\ntheme = \"catppuccin-latte\"\n"),
    );
    site.run(["build"])
        .failure()
        .stderr_contains("`[markdown.highlighting]` is not supported")
        .stderr_contains("site.toml:12:1")
        .stderr_contains("highlight_themes_css");
}

#[test]
fn bottom_footnotes_follow_the_text_in_reference_order_with_links_back() {
    let site = SiteTest::with_shipped_themes("highlight");
    site.run(["build"]).success();
    let html = body(&site);
    let later = html
        .find("<li id=\"fn-later\">")
        .expect("the note referred to first");
    let first = html
        .find("<li id=\"fn-first\">")
        .expect("the note referred to second");
    assert!(later < first, "{html}");
    assert!(!html.contains("Never referred to"), "{html}");
    assert!(
        html.contains("<a href=\"#fr-later-1\">↩</a> <a href=\"#fr-later-2\">↩2</a></p>"),
        "{html}"
    );
    // Without the key, notes stay where pulldown-cmark writes them.
    site.replace("site.toml", "bottom_footnotes = true", "");
    site.run(["build"]).success();
    let html = site.file(PAGE);
    assert!(html.contains("class=\"footnote-definition\""), "{html}");
    assert!(!html.contains("footnotes-list"), "{html}");
}

#[test]
fn check_warns_of_code_in_an_unknown_language_only_when_highlighting() {
    let site = SiteTest::with_shipped_themes("highlight");
    site.run(["check"])
        .success()
        .stderr_contains("code in `no-such-language` is not highlighted")
        .stderr_contains("content/code.md:22:1")
        .stderr_lacks("code in `toml`")
        .stderr_lacks("code in `rust`");
    site.replace(
        "site.toml",
        "highlight_code = true",
        "highlight_code = false",
    );
    site.run(["check"])
        .success()
        .stderr_lacks("is not highlighted");
}

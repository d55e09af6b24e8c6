//! HTML pages in, the same pages minified out (`minify_html = true`), as Zola minifies them:
//! with minify-html, keeping the `<html>` and `<head>` opening tags, CSS minified and
//! JavaScript as written. Text, `<pre>` and scripts mean what they meant.

/// Whether the output at URL path `path` is an HTML page.
pub fn is_html(path: &str) -> bool {
    path.ends_with('/') || path.ends_with(".html")
}

/// `html` minified.
#[cfg(feature = "minify")]
pub fn html(html: &[u8]) -> Vec<u8> {
    let mut settings = minify_html::Cfg::new();
    settings.keep_html_and_head_opening_tags = true;
    settings.minify_css = true;
    minify_html::minify(html, &settings)
}

/// `html` as it is: without the `minify` feature, `site.toml` cannot ask for minification.
#[cfg(not(feature = "minify"))]
pub fn html(html: &[u8]) -> Vec<u8> {
    html.to_vec()
}

#[cfg(all(test, feature = "minify"))]
mod tests {
    use super::*;

    #[test]
    fn keeps_preformatted_text_and_scripts() {
        let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <title>A</title>\n</head>\n\
                    <body>\n  <p>one   two</p>\n<pre>  a\n    b</pre>\n\
                    <script>if (a < b) { go(\"x  y\"); }</script>\n</body>\n</html>\n";
        let minified = String::from_utf8(html(page.as_bytes())).unwrap();
        assert!(minified.len() < page.len(), "{minified}");
        assert!(minified.contains("<pre>  a\n    b</pre>"), "{minified}");
        assert!(
            minified.contains("<script>if (a < b) { go(\"x  y\"); }</script>"),
            "{minified}"
        );
        assert!(minified.contains("<p>one two"), "{minified}");
        assert!(
            minified.starts_with("<!doctype html><html lang=en><head>"),
            "{minified}"
        );
    }

    #[test]
    fn pages_are_html_and_feeds_are_not() {
        assert!(is_html("/a/b/"));
        assert!(is_html("/404.html"));
        assert!(!is_html("/atom.xml"));
        assert!(!is_html("/style.css"));
    }
}

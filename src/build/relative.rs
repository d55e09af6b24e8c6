//! Links between the site's own pages and files, made relative to the page that holds them,
//! so that one `public/` works at the root of a host, under any sub-path, and opened from
//! disk (`file://`), as mdBook's output does.
//!
//! Templates and Markdown write the site's addresses as Zola's do, from `base_url`
//! (`page.permalink`, `get_url`, `@/` links). Each HTML page is then scanned once for
//! attribute values that start with the base URL, and each becomes a path from the page's
//! folder: `https://example.org/plan/areas/` seen from `areas/schools/index.html` is
//! `../../areas/index.html`. A link to a folder names its `index.html`, since a folder opened
//! from disk shows a listing, not the page; any host serves the file as well.
//!
//! What must stay absolute does: the `<link>`s of `rel="canonical"` and `rel="alternate"`
//! (search engines want hosts in both) and `<meta>` values (`og:url`). Without a host in
//! `base_url` they cannot be written at all, so those tags are left out, never written with
//! a relative address. Text between tags, inline scripts among it, is never changed.

use memchr::memmem;

use crate::config::BaseUrl;

/// Rewrites the site's addresses in the HTML pages of one build.
pub struct Relative {
    /// The base URL with its trailing slash, as addresses start: `https://example.org/plan/`.
    base: String,
    has_host: bool,
}

impl Relative {
    pub fn new(base_url: &BaseUrl) -> Self {
        Self {
            base: base_url.permalink("/"),
            has_host: base_url.has_host(),
        }
    }

    /// The page at URL path `page` (`/a/b/` or `/404.html`, below the base URL) with its links
    /// into the site made relative; `html` as it is when it has none.
    pub fn rewrite(&self, html: Vec<u8>, page: &str) -> Vec<u8> {
        let to_root = "../".repeat(folder_depth(page));
        let mut out: Option<Vec<u8>> = None;
        // Up to where `html` is copied into `out`.
        let mut copied = 0;
        for start in memmem::find_iter(&html, self.base.as_bytes()) {
            if start < copied {
                continue; // inside a tag already left out
            }
            let Some(value) = attribute_value(&html, start, self.base.len(), self.has_host) else {
                continue;
            };
            let tag = enclosing_tag(&html, start);
            let out = out.get_or_insert_with(|| Vec::with_capacity(html.len()));
            if keeps_host(&html[tag.clone()]) {
                if !self.has_host {
                    // Left out whole, with the line it stood on when it had one to itself.
                    let line_start = html[..tag.start]
                        .iter()
                        .rposition(|&byte| !matches!(byte, b' ' | b'\t'))
                        .map_or(0, |last| last + 1);
                    let own_line = html[tag.end..].starts_with(b"\n")
                        && (line_start == 0 || html[line_start - 1] == b'\n');
                    let (from, to) = if own_line {
                        (line_start, tag.end + 1)
                    } else {
                        (tag.start, tag.end)
                    };
                    out.extend_from_slice(&html[copied..from]);
                    copied = to;
                }
                continue;
            }
            out.extend_from_slice(&html[copied..start]);
            let path = &html[start + self.base.len()..value.end];
            let names_page = matches!(attribute_name(&html, start), b"href" | b"action");
            push_relative(out, &to_root, path, names_page);
            copied = value.end;
        }
        match out {
            Some(mut out) => {
                out.extend_from_slice(&html[copied..]);
                out
            }
            None => html,
        }
    }

    /// `url` (a redirect's target) as seen from the page at URL path `page`, relative when it
    /// is the site's; others as they are.
    pub fn link(&self, url: &str, page: &str) -> String {
        match url.strip_prefix(self.base.as_str()) {
            Some(path) => {
                let mut out = Vec::new();
                push_relative(
                    &mut out,
                    &"../".repeat(folder_depth(page)),
                    path.as_bytes(),
                    true,
                );
                String::from_utf8_lossy(&out).into_owned()
            }
            None => url.to_string(),
        }
    }
}

/// How many folders deep the file of URL path `page` is: `/` is 0, `/a/b/` is 2, `/a.html` 0.
fn folder_depth(page: &str) -> usize {
    page.trim_start_matches('/').matches('/').count()
}

/// The range of the attribute value that starts at `start` with the base URL (`len` bytes):
/// `None` when the base is not the start of a quoted attribute value, or is a `//host` when
/// the base has no host.
fn attribute_value(
    html: &[u8],
    start: usize,
    len: usize,
    has_host: bool,
) -> Option<std::ops::Range<usize>> {
    let quote = *html.get(start.checked_sub(1)?)?;
    if !matches!(quote, b'"' | b'\'') || html.get(start.checked_sub(2)?) != Some(&b'=') {
        return None;
    }
    if !has_host && html.get(start + len) == Some(&b'/') {
        return None;
    }
    let end = start + memchr::memchr(quote, &html[start..])?;
    Some(start..end)
}

/// The range of the tag holding `position`, from its `<` to after its `>`.
fn enclosing_tag(html: &[u8], position: usize) -> std::ops::Range<usize> {
    let start = memchr::memrchr(b'<', &html[..position]).unwrap_or(0);
    let end = memchr::memchr(b'>', &html[position..]).map_or(html.len(), |at| position + at + 1);
    start..end
}

/// The name of the attribute whose value starts at `start` (just after `="`).
fn attribute_name(html: &[u8], start: usize) -> &[u8] {
    let before = &html[..start - 2];
    let name_start = before
        .iter()
        .rposition(u8::is_ascii_whitespace)
        .map_or(0, |space| space + 1);
    &before[name_start..]
}

/// Whether the tag's addresses must keep the site's host: a `<meta>`'s, and a `<link>`'s
/// that names the page's canonical address or its other versions.
fn keeps_host(tag: &[u8]) -> bool {
    let name_end = tag
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(tag.len());
    let name = &tag[1.min(name_end)..name_end];
    if name.eq_ignore_ascii_case(b"meta") {
        return true;
    }
    name.eq_ignore_ascii_case(b"link")
        && [&b"rel=\"canonical\""[..], b"rel=\"alternate\""]
            .iter()
            .any(|rel| memmem::find(tag, rel).is_some())
}

/// Writes `path` (below the base: `areas/x/?q#top`) as seen from a folder `to_root` below the
/// site's root; a folder a link names (`names_page`) ends in `index.html`.
fn push_relative(out: &mut Vec<u8>, to_root: &str, path: &[u8], names_page: bool) {
    let split = memchr::memchr2(b'?', b'#', path).unwrap_or(path.len());
    let (file, rest) = path.split_at(split);
    out.extend_from_slice(to_root.as_bytes());
    out.extend_from_slice(file);
    if names_page && (file.is_empty() || file.ends_with(b"/")) {
        out.extend_from_slice(b"index.html");
    } else if to_root.is_empty() && file.is_empty() {
        out.extend_from_slice(b"./");
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(base: &str, html: &str, page: &str) -> String {
        let relative = Relative::new(&BaseUrl::parse(base).unwrap());
        String::from_utf8(relative.rewrite(html.as_bytes().to_vec(), page)).unwrap()
    }

    #[test]
    fn links_into_the_site_are_paths_from_the_page() {
        let html = r#"<a href="https://example.org/plan/areas/">Areas</a> <img src="https://example.org/plan/img/a.png" alt="">"#;
        assert_eq!(
            rewrite("https://example.org/plan/", html, "/areas/schools/"),
            r#"<a href="../../areas/index.html">Areas</a> <img src="../../img/a.png" alt="">"#
        );
        assert_eq!(
            rewrite("https://example.org/plan/", html, "/"),
            r#"<a href="areas/index.html">Areas</a> <img src="img/a.png" alt="">"#
        );
    }

    #[test]
    fn queries_fragments_and_the_root_keep_their_parts() {
        let html = r#"<a href='https://example.org/#top'>1</a><a href="https://example.org/a/?q=1#x">2</a><link rel="stylesheet" href="https://example.org/style.css?h=12"><div data-root="https://example.org/"></div>"#;
        assert_eq!(
            rewrite("https://example.org", html, "/a/"),
            r#"<a href='../index.html#top'>1</a><a href="../a/index.html?q=1#x">2</a><link rel="stylesheet" href="../style.css?h=12"><div data-root="../"></div>"#
        );
        assert_eq!(
            rewrite(
                "https://example.org",
                r#"<div data-root="https://example.org/"></div>"#,
                "/"
            ),
            r#"<div data-root="./"></div>"#
        );
    }

    #[test]
    fn text_other_sites_and_lookalikes_stay() {
        let html = r#"<p>See https://example.org/plan/ or <a href="https://example.org/plans/">this</a>, <a href="https://other.org/plan/">that</a>, <a title="https://example.org/plan/x" href=https://example.org/plan/y>u</a></p><script>const u = "https://example.org/plan/";</script>"#;
        // Only quoted values that start with the base change: the title does too.
        assert_eq!(
            rewrite("https://example.org/plan/", html, "/"),
            r#"<p>See https://example.org/plan/ or <a href="https://example.org/plans/">this</a>, <a href="https://other.org/plan/">that</a>, <a title="x" href=https://example.org/plan/y>u</a></p><script>const u = "https://example.org/plan/";</script>"#
        );
    }

    #[test]
    fn canonical_alternates_and_meta_keep_the_host_or_are_left_out_without_one() {
        let html = "<head>\n  <link rel=\"canonical\" href=\"BASEa/\">\n  <link rel=\"alternate\" hreflang=\"zh\" href=\"BASEzh/a/\">\n  <meta property=\"og:url\" content=\"BASEa/\"><link rel=\"stylesheet\" href=\"BASEs.css\">\n</head>";
        assert_eq!(
            rewrite(
                "https://example.org/",
                &html.replace("BASE", "https://example.org/"),
                "/a/"
            ),
            html.replace("BASEs.css", "../s.css")
                .replace("BASE", "https://example.org/")
        );
        assert_eq!(
            rewrite("/", &html.replace("BASE", "/"), "/a/"),
            "<head>\n  <link rel=\"stylesheet\" href=\"../s.css\">\n</head>"
        );
    }

    #[test]
    fn without_a_host_root_paths_change_and_protocol_relative_ones_stay() {
        let html = r#"<a href="/sub/a/">a</a><script src="//cdn.example/x.js"></script><a href="/other/">o</a>"#;
        assert_eq!(
            rewrite("/sub/", html, "/a/"),
            r#"<a href="../a/index.html">a</a><script src="//cdn.example/x.js"></script><a href="/other/">o</a>"#
        );
        assert_eq!(
            rewrite(
                "/",
                r#"<script src="//cdn.example/x.js"></script><a href="/x">"#,
                "/"
            ),
            r#"<script src="//cdn.example/x.js"></script><a href="x">"#
        );
    }

    #[test]
    fn a_redirect_target_is_relative_when_it_is_the_sites() {
        let relative = Relative::new(&BaseUrl::parse("https://example.org/plan/").unwrap());
        assert_eq!(
            relative.link("https://example.org/plan/areas/", "/old/page/"),
            "../../areas/index.html"
        );
        assert_eq!(
            relative.link("https://other.org/", "/old/"),
            "https://other.org/"
        );
    }
}

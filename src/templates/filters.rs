//! Text in, text out: the filters Zola themes use that tera 2 no longer ships (tera 1 had
//! `slugify`, `striptags`, `urlencode` and `urlencode_strict`; Zola adds `markdown`,
//! `base64_encode` and `base64_decode`).

use std::borrow::Cow;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use tera::{Kwargs, State, TeraResult, Value};

use super::{HINT_MARK, Read, accept, render_language, shortcodes, with_resources, with_scope};
use crate::content::Source;
use crate::content::front_matter::AnchorLinks;
use crate::markdown::{self, RenderOptions};

/// Registers the filters of this module.
pub(super) fn register(tera: &mut tera::Tera) {
    tera.register_filter("markdown", markdown);
    tera.register_filter("slugify", slugify);
    tera.register_filter("striptags", striptags);
    tera.register_filter("urlencode", urlencode);
    tera.register_filter("urlencode_strict", urlencode_strict);
    tera.register_filter("base64_encode", base64_encode);
    tera.register_filter("base64_decode", base64_decode);
}

/// `{{ text | markdown }}`: Markdown to HTML as pages are rendered (heading ids by
/// `[slugify] anchors`, `@/` links resolved in the render's language, shortcodes expanded);
/// `inline=true` leaves out the paragraph around a single line. Its `@/` links are read as
/// `get_url` reads them. As in Zola, its shortcodes see `config`, `lang` and their arguments,
/// not the page being rendered.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn markdown(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    accept("markdown", &kwargs, &["inline"])?;
    let inline = kwargs.get::<bool>("inline")?.unwrap_or(false);
    let lang = render_language(None)?;
    // Taken out of the scope: a shortcode's render replaces it while it runs.
    let (templates, lookup) =
        with_scope(|scope| Ok((Arc::clone(&scope.templates), Arc::clone(&scope.lookup))))?;
    let source = Source {
        text: Arc::new(text.to_string()),
        lang: (lang != lookup.default_language).then(|| lang.clone()),
        ..Source::default()
    };
    let options = RenderOptions {
        anchor_links: AnchorLinks::None,
        anchors: templates.resources.slugify.anchors,
        markdown: templates.resources.markdown,
    };
    let mut shortcodes = markdown::shortcodes::may_have_calls(text)
        .then(|| templates.shortcodes(&lookup, lang, tera::Context::new()));
    let rendered = markdown::render(
        &source,
        lookup.link_targets(),
        options,
        shortcodes
            .as_mut()
            .map(|renderer| renderer as &mut dyn markdown::shortcodes::Shortcodes),
    )
    .map_err(|problems| {
        let message = match problems.into_iter().next() {
            Some(problem) if problem.message.starts_with(shortcodes::FAILED) => problem.message,
            Some(problem) => format!(
                "`markdown`: {}{HINT_MARK}{}",
                problem.message,
                problem.hint.unwrap_or_default()
            ),
            None => "`markdown`: the text cannot be rendered".to_string(),
        };
        tera::Error::message(message)
    })?;
    with_scope(|scope| {
        let links = rendered.links.iter().cloned().map(Read::Url);
        scope.reads.extend(links);
        scope
            .reads
            .extend(shortcodes.into_iter().flat_map(|renderer| renderer.reads));
        Ok(())
    })?;
    let html = if inline {
        unwrap_paragraph(&rendered.html)
    } else {
        &rendered.html
    };
    Ok(Value::safe_string(html))
}

/// A single paragraph's content without its `<p>`, as Zola's `inline=true` gives it.
fn unwrap_paragraph(html: &str) -> &str {
    let html = html.strip_prefix("<p>").unwrap_or(html);
    html.strip_suffix("</p>\n").unwrap_or(html)
}

/// `{{ name | slugify }}`: a slug made as the site makes its taxonomy terms' (`[slugify]
/// taxonomies`), so that `/topics/{{ name | slugify }}/` is a term's address.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn slugify(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    accept("slugify", &kwargs, &[])?;
    with_resources(|resources| Ok(crate::slug::path_slug(text, resources.slugify.taxonomies)))
}

/// `{{ html | striptags }}`: the text without its tags and comments (entities stay).
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn striptags(html: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    accept("striptags", &kwargs, &[])?;
    Ok(strip_tags(html))
}

fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let tag = &rest[start..];
        let end = if tag.starts_with("<!--") {
            tag.find("-->").map(|end| end + 3)
        } else {
            tag.find('>').map(|end| end + 1)
        };
        // An unclosed `<` is text, as tera 1's pattern leaves it.
        let Some(end) = end else {
            text.push_str(tag);
            return text;
        };
        rest = &tag[end..];
    }
    text.push_str(rest);
    text
}

/// What `urlencode` leaves as it is besides letters and digits: tera 1's (Python's
/// `quote`) set, which keeps a path's `/`.
const URL_KEEPS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `{{ path | urlencode }}`: percent-encoded, keeping `/`, `-`, `_`, `.` and `~`.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn urlencode(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    accept("urlencode", &kwargs, &[])?;
    Ok(utf8_percent_encode(text, URL_KEEPS).to_string())
}

/// `{{ value | urlencode_strict }}`: percent-encoded, keeping only letters and digits.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn urlencode_strict(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    accept("urlencode_strict", &kwargs, &[])?;
    Ok(utf8_percent_encode(text, NON_ALPHANUMERIC).to_string())
}

/// `{{ text | base64_encode }}`: the text's UTF-8 bytes in standard base64.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn base64_encode(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    accept("base64_encode", &kwargs, &[])?;
    Ok(BASE64.encode(text))
}

/// `{{ encoded | base64_decode }}`: standard base64 back to text, which must be UTF-8.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn base64_decode(encoded: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    accept("base64_decode", &kwargs, &[])?;
    let refused = |why: Cow<str>| {
        tera::Error::message(format!(
            "`base64_decode`: {why}{HINT_MARK}give it text that `base64_encode` made"
        ))
    };
    let bytes = BASE64
        .decode(encoded.trim())
        .map_err(|error| refused(format!("`{encoded}` is not base64 ({error})").into()))?;
    String::from_utf8(bytes).map_err(|_| refused("the decoded bytes are not UTF-8 text".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_comments_go_text_and_entities_stay() {
        assert_eq!(
            strip_tags("<p>One <b>bold</b> &amp; <!-- <i>hidden</i> -->two</p>"),
            "One bold &amp; two"
        );
        assert_eq!(strip_tags("a < b"), "a < b");
        assert_eq!(strip_tags("<br/>x<"), "x<");
    }

    #[test]
    fn inline_markdown_loses_only_its_paragraph() {
        assert_eq!(unwrap_paragraph("<p>A <em>b</em></p>\n"), "A <em>b</em>");
        assert_eq!(unwrap_paragraph("<h1>A</h1>\n"), "<h1>A</h1>\n");
    }

    #[test]
    fn urlencode_keeps_a_paths_slashes_and_strict_keeps_nothing() {
        let text = "a b/c?d=é&e~";
        assert_eq!(
            utf8_percent_encode(text, URL_KEEPS).to_string(),
            "a%20b/c%3Fd%3D%C3%A9%26e~"
        );
        assert_eq!(
            utf8_percent_encode(text, NON_ALPHANUMERIC).to_string(),
            "a%20b%2Fc%3Fd%3D%C3%A9%26e%7E"
        );
    }
}

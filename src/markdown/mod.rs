//! A page's Markdown body in, its HTML with heading ids, table of contents and resolved `@/`
//! links out.
//!
//! One parse with pulldown-cmark; the events are adjusted in place (heading ids, link targets,
//! the `<!-- more -->` marker) and written once. Anchors into other pages cannot be checked
//! until those are rendered too, so they are returned for the build to check at the end.
//! Before that, a body with Zola's shortcodes has them expanded ([`shortcodes`]). Code blocks
//! are highlighted when the site asks ([`highlight`]), and footnotes moved to the end
//! (`footnotes`).

mod footnotes;
pub mod highlight;
pub mod shortcodes;

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt as _};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::config::Highlighting;
use crate::content::Source;
use crate::content::front_matter::AnchorLinks;
use crate::diagnostic::Diagnostic;
use crate::slug::{self, Strategy};
use shortcodes::{Expanded, Shortcodes};

const MORE_MARKER: &str = "<!-- more -->";
pub(crate) const INTERNAL_PREFIX: &str = "@/";
/// Reading speeds: English words, and the characters of Chinese (and of the other scripts
/// written without spaces), which readers take in at 300 to 400 a minute.
const WORDS_PER_MINUTE: usize = 200;
const CJK_CHARS_PER_MINUTE: usize = 300;

/// The HTML of one body and what was learned rendering it.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    /// Length of the HTML before `<!-- more -->`, when the body has the marker.
    pub summary_len: Option<usize>,
    pub toc: Vec<Heading>,
    /// Every heading id the body defines, for checking links into it.
    pub anchors: Vec<String>,
    /// `@/page.md#anchor` links, to check once every page is rendered.
    pub anchor_links: Vec<AnchorLink>,
    /// Every page or section an `@/` link points at, by `content/`-relative path.
    pub links: Vec<Arc<str>>,
    /// Words for reading time, each Han or kana character counted as one.
    pub word_count: usize,
    /// The Han and kana characters among `word_count`, read at their own speed.
    pub cjk_chars: usize,
}

impl Rendered {
    pub fn summary(&self) -> Option<&str> {
        self.summary_len.map(|len| &self.html[..len])
    }

    /// The HTML after the summary (all of it when there is no marker).
    pub fn more(&self) -> &str {
        &self.html[self.summary_len.unwrap_or(0)..]
    }

    /// Minutes to read the body: words at an English reader's speed, Han and kana characters
    /// at a Chinese reader's.
    pub fn reading_time(&self) -> usize {
        let words = self.word_count - self.cjk_chars;
        // In 1/60000 minute: exact, so a body of English words alone reads as before.
        (words * CJK_CHARS_PER_MINUTE + self.cjk_chars * WORDS_PER_MINUTE)
            .div_ceil(WORDS_PER_MINUTE * CJK_CHARS_PER_MINUTE)
    }
}

/// A heading in the table of contents, with the headings below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    /// `#id`; the build prefixes the page's permalink.
    pub permalink: String,
    pub children: Vec<Heading>,
}

/// A link to an anchor in another (or the same) document.
#[derive(Debug, Clone)]
pub struct AnchorLink {
    /// The target as `content/`-relative path, e.g. `priorities/05-basic-education.md`.
    pub target: String,
    pub anchor: String,
    /// Where the link is written, for the error if the anchor does not exist.
    pub diagnostic_span: Range<usize>,
}

/// Where `@/` links point: `content/`-relative path to permalink.
pub type LinkTargets = HashMap<Arc<str>, String>;

/// How to render.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RenderOptions {
    pub anchor_links: AnchorLinks,
    /// How heading ids are made from their text (`[slugify] anchors`).
    pub anchors: Strategy,
    /// The site's `[markdown]` settings.
    pub markdown: crate::config::Markdown,
}

pub(crate) fn parser_options(markdown: crate::config::Markdown) -> Options {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if markdown.smart_punctuation {
        options | Options::ENABLE_SMART_PUNCTUATION
    } else {
        options
    }
}

/// Renders the body of `source`, expanding its shortcodes with `shortcodes` (without, calls
/// stay as written). Broken `@/` links and shortcode calls that fail are errors located in
/// the file.
///
/// The events stream from the parser to the HTML writer; only a heading's events are held,
/// until its end, because its id comes from its text.
pub fn render(
    source: &Source,
    targets: &LinkTargets,
    options: RenderOptions,
    shortcodes: Option<&mut dyn Shortcodes>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let written = source.body();
    let expanded = match shortcodes {
        Some(shortcodes) if shortcodes::may_have_calls(written) => {
            Some(expand_shortcodes(source, shortcodes)?)
        }
        _ => None,
    };
    let body = expanded.as_ref().map_or(written, |expanded| &expanded.text);
    let mut pass = Pass {
        source,
        body,
        expanded: expanded.as_ref(),
        paragraph_dropped: false,
        targets,
        options,
        rendered: Rendered::default(),
        problems: Vec::new(),
        toc: Vec::new(),
        ids_used: HashMap::new(),
        more_seen: false,
    };
    let mut html = String::with_capacity(body.len() * 3 / 2);
    let mut parser = Parser::new_ext(body, parser_options(options.markdown)).into_offset_iter();
    let mut pending: VecDeque<Event<'_>> = VecDeque::new();
    let events = std::iter::from_fn(|| {
        if let Some(event) = pending.pop_front() {
            return Some(event);
        }
        let (mut event, range) = parser.next()?;
        if matches!(event, Event::Start(Tag::Image { .. })) && options.markdown.lazy_async_image {
            // Written whole: pulldown-cmark's writer has no room for more attributes.
            let mut image = vec![event];
            for (event, _) in parser.by_ref() {
                let end = matches!(event, Event::End(TagEnd::Image));
                image.push(event);
                if end {
                    break;
                }
            }
            return Some(lazy_image(&image));
        }
        if let Event::Start(Tag::CodeBlock(kind)) = &event
            && options.markdown.highlighting != Highlighting::Off
        {
            let info = match kind {
                CodeBlockKind::Fenced(info) => info.clone(),
                CodeBlockKind::Indented => CowStr::Borrowed(""),
            };
            let mut code = String::new();
            for (mut event, range) in parser.by_ref() {
                if matches!(event, Event::End(TagEnd::CodeBlock)) {
                    break;
                }
                pass.adjust(&mut event, &range);
                if let Event::Text(text) = event {
                    code.push_str(&text);
                }
            }
            let html = highlight::code_block(&info, &code, options.markdown.highlighting);
            return Some(Event::Html(html.into()));
        }
        if !matches!(event, Event::Start(Tag::Heading { .. })) {
            pass.adjust(&mut event, &range);
            return Some(event);
        }
        // A heading is a start, a few inline events and an end.
        let mut heading = Vec::with_capacity(8);
        heading.push(event);
        for (mut event, range) in parser.by_ref() {
            let end = matches!(event, Event::End(TagEnd::Heading(_)));
            pass.adjust(&mut event, &range);
            heading.push(event);
            if end {
                break;
            }
        }
        pending.extend(pass.name_heading(heading));
        pending.pop_front()
    });
    if options.markdown.bottom_footnotes {
        pulldown_cmark::html::push_html(&mut html, footnotes::at_bottom(events));
    } else {
        pulldown_cmark::html::push_html(&mut html, events);
    }
    let Pass {
        mut rendered,
        problems,
        toc,
        more_seen,
        ..
    } = pass;
    if !problems.is_empty() {
        return Err(problems);
    }
    // Only a page with the marker has the placeholder to look for.
    if more_seen && let Some(at) = html.find(MORE_PLACEHOLDER) {
        html.replace_range(at..at + MORE_PLACEHOLDER.len(), CONTINUE_READING);
        rendered.summary_len = Some(at);
    }
    rendered.html = html;
    rendered.toc = nest(toc);
    Ok(rendered)
}

/// Whether a link leads to another site.
fn is_external(url: &str) -> bool {
    ["http://", "https://", "//"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// The opening tag of a link to another site with the attributes `[markdown]` asks for (as
/// Zola writes them); `None` when it asks for none.
fn external_link(url: &str, title: &str, markdown: crate::config::Markdown) -> Option<String> {
    let mut rel = Vec::new();
    if markdown.external_links_target_blank {
        rel.push("noopener");
    }
    if markdown.external_links_no_follow {
        rel.push("nofollow");
    }
    if markdown.external_links_no_referrer {
        rel.push("noreferrer");
    }
    if rel.is_empty() {
        return None;
    }
    let mut tag = format!("<a href=\"{}\"", escape_attribute_url(url));
    if !title.is_empty() {
        tag.push_str(&format!(
            " title=\"{}\"",
            crate::templates::escape_html(title)
        ));
    }
    if markdown.external_links_target_blank {
        tag.push_str(" target=\"_blank\"");
    }
    tag.push_str(&format!(" rel=\"{}\">", rel.join(" ")));
    Some(tag)
}

/// An image (its events, start to end) as one `<img>` that loads lazily and decodes off the
/// main thread; its alternative text is the text of its events, as the writer would make it.
fn lazy_image(events: &[Event<'_>]) -> Event<'static> {
    let Some(Event::Start(Tag::Image {
        dest_url, title, ..
    })) = events.first()
    else {
        unreachable!("an image's events start with its start");
    };
    let alt = plain_text(events);
    let mut tag = format!(
        "<img src=\"{}\" alt=\"{}\"",
        escape_attribute_url(dest_url),
        crate::templates::escape_html(&alt)
    );
    if !title.is_empty() {
        tag.push_str(&format!(
            " title=\"{}\"",
            crate::templates::escape_html(title)
        ));
    }
    tag.push_str(" loading=\"lazy\" decoding=\"async\" />");
    Event::InlineHtml(tag.into())
}

/// The text of an element's events, without its markup (a heading's title, an image's
/// alternative text).
fn plain_text(events: &[Event<'_>]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect()
}

/// A URL for an attribute, as pulldown-cmark's writer writes `href` and `src`.
fn escape_attribute_url(url: &str) -> String {
    let mut escaped = String::with_capacity(url.len());
    pulldown_cmark_escape::escape_href(&mut escaped, url).expect("writing to a string");
    escaped
}

/// The body of `source` with its shortcodes expanded; calls inside code stay as written.
fn expand_shortcodes(
    source: &Source,
    shortcodes: &mut dyn Shortcodes,
) -> Result<Expanded, Vec<Diagnostic>> {
    let body = source.body();
    let code: Vec<Range<usize>> = Parser::new_ext(body, parser_options(Default::default()))
        .into_offset_iter()
        .filter_map(|(event, range)| {
            matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))).then_some(range)
        })
        .collect();
    shortcodes::expand(body, &code, shortcodes).map_err(|problems| {
        let start = source.body_start;
        problems
            .into_iter()
            .map(|problem| {
                let span = start + problem.span.start..start + problem.span.end;
                Diagnostic::at(&source.path, &source.text, span, problem.message)
                    .with_hint(problem.hint)
            })
            .collect()
    })
}

/// What `<!-- more -->` becomes while rendering, found in the HTML afterwards.
const MORE_PLACEHOLDER: &str = "<!--workplan:more-->";
const CONTINUE_READING: &str = "<span id=\"continue-reading\"></span>\n";

/// The state of one rendering.
struct Pass<'a> {
    source: &'a Source,
    /// The body as parsed: the source's, or with its shortcodes expanded.
    body: &'a str,
    expanded: Option<&'a Expanded>,
    /// Whether the open paragraph holds only an HTML shortcode's output, and is left out.
    paragraph_dropped: bool,
    targets: &'a LinkTargets,
    options: RenderOptions,
    rendered: Rendered,
    problems: Vec<Diagnostic>,
    toc: Vec<Heading>,
    ids_used: HashMap<String, usize>,
    more_seen: bool,
}

impl<'a> Pass<'a> {
    /// Resolves `@/` links, marks the summary's end and counts words. Works on the event in
    /// place: every event of every page passes here, and most pass unchanged.
    fn adjust(&mut self, event: &mut Event<'_>, range: &Range<usize>) {
        if let Some(expanded) = self.expanded {
            self.insert_shortcode_html(expanded, event, range);
        }
        match event {
            Event::Text(text) => {
                let counts = count_words(text);
                self.rendered.word_count += counts.words;
                self.rendered.cjk_chars += counts.cjk_chars;
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(INTERNAL_PREFIX) => {
                if let Some(url) = self.resolve(dest_url, range) {
                    *dest_url = url.into();
                }
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) if is_external(dest_url) => {
                if let Some(tag) = external_link(dest_url, title, self.options.markdown) {
                    *event = Event::InlineHtml(tag.into());
                }
            }
            Event::Html(html) | Event::InlineHtml(html)
                if !self.more_seen && html.trim() == MORE_MARKER =>
            {
                self.more_seen = true;
                *event = Event::Html(CowStr::Borrowed(MORE_PLACEHOLDER));
            }
            _ => {}
        }
    }

    /// Puts HTML shortcodes' output in place of their placeholders. A paragraph that holds
    /// only one is left out, as Zola leaves it out: the output is a block of its own.
    fn insert_shortcode_html(
        &mut self,
        expanded: &Expanded,
        event: &mut Event<'_>,
        range: &Range<usize>,
    ) {
        match event {
            Event::Start(Tag::Paragraph)
                if expanded
                    .placeholder(self.body[range.clone()].trim())
                    .is_some() =>
            {
                self.paragraph_dropped = true;
                *event = Event::Html(CowStr::Borrowed(""));
            }
            Event::End(TagEnd::Paragraph) if self.paragraph_dropped => {
                self.paragraph_dropped = false;
                *event = Event::Html(CowStr::Borrowed(""));
            }
            Event::Text(text) => {
                let escape = crate::templates::escape_html;
                if let Some(html) = expanded.fill(text, escape) {
                    *event = Event::InlineHtml(html.into());
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(filled) = expanded.fill(html, str::to_string) {
                    *html = filled.into();
                }
            }
            _ => {}
        }
    }

    /// The URL of an `@/` link, or `None` after recording why there is none.
    fn resolve(&mut self, dest: &str, range: &Range<usize>) -> Option<String> {
        let range = &self
            .expanded
            .map_or_else(|| range.clone(), |expanded| expanded.written(range));
        let start = self.source.body_start;
        let span = start + range.start..start + range.end;
        // A fallback's anchors name the headings of the default language's pages.
        let anchored = dest.contains('#');
        let lang = self
            .source
            .lang
            .as_deref()
            .filter(|_| !(self.source.fallback && anchored));
        match resolve_link(dest, self.targets, &self.source.relative, lang) {
            Ok((url, target, anchor)) => {
                self.rendered.links.push(target);
                if let Some((target, anchor)) = anchor {
                    self.rendered.anchor_links.push(AnchorLink {
                        target,
                        anchor,
                        diagnostic_span: span,
                    });
                }
                Some(url)
            }
            Err((message, hint)) => {
                let diagnostic =
                    Diagnostic::at(&self.source.path, &self.source.text, span, message);
                self.problems.push(diagnostic.with_hint(hint));
                None
            }
        }
    }

    /// Gives a heading (its events, start to end) its id, written `{#id}` or made from its
    /// text, and the anchor link the section asks for.
    fn name_heading<'e>(&mut self, mut events: Vec<Event<'e>>) -> Vec<Event<'e>> {
        let title = plain_text(&events);
        let Event::Start(Tag::Heading { level, id, .. }) = &mut events[0] else {
            unreachable!("a heading's events start with its start");
        };
        let wanted = match id {
            Some(written) => written.to_string(),
            None => match slug::anchor_slug(&title, self.options.anchors) {
                slug if slug.is_empty() => "section".to_string(),
                slug => slug,
            },
        };
        let id_text = unique_id(&wanted, &mut self.ids_used);
        *id = Some(id_text.clone().into());
        let heading = Heading {
            level: heading_level(*level),
            permalink: ["#", &id_text].concat(),
            id: id_text,
            title,
            children: Vec::new(),
        };
        insert_anchor_link(&mut events, &heading, self.options.anchor_links);
        self.rendered.anchors.push(heading.id.clone());
        self.toc.push(heading);
        events
    }
}

/// `wanted`, or `wanted-1`, `wanted-2`... when already taken in this document.
fn unique_id(wanted: &str, ids_used: &mut HashMap<String, usize>) -> String {
    let mut candidate = wanted.to_string();
    while let Some(count) = ids_used.get_mut(&candidate) {
        *count += 1;
        candidate = format!("{wanted}-{count}");
    }
    ids_used.insert(candidate.clone(), 0);
    candidate
}

/// Inserts the `#` link Zola's `insert_anchor_links` asks for into a heading's events.
fn insert_anchor_link(events: &mut Vec<Event<'_>>, heading: &Heading, where_: AnchorLinks) {
    if where_ == AnchorLinks::None {
        return;
    }
    // An id may be as written (`[slugify] anchors = "off"`): quotes and `<` stay text.
    let id = crate::templates::escape_html(&heading.id);
    let link = |text: &str| {
        let label = crate::templates::escape_html(&heading.title);
        Event::InlineHtml(
            format!(
                "<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section: {label}\">{text}</a>"
            )
            .into(),
        )
    };
    let end = events.len() - 1;
    match where_ {
        AnchorLinks::None => {}
        AnchorLinks::Left => events.insert(1, link("#")),
        AnchorLinks::Right => events.insert(end, link("#")),
        AnchorLinks::Heading => {
            let open = format!("<a class=\"anchor\" href=\"#{id}\">");
            events.insert(end, Event::InlineHtml("</a>".into()));
            events.insert(1, Event::InlineHtml(open.into()));
        }
    }
}

pub(crate) fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The URL, the target's path and the anchor to check, if any.
pub(crate) type ResolvedLink = (String, Arc<str>, Option<(String, String)>);

/// `@/path.md#anchor` to the target's permalink plus the anchor to check later. From a text
/// in language `lang` (not the default), `@/path.md` leads to that language's version of the
/// page (`path.<lang>.md`), so that a reader stays in their language.
pub(crate) fn resolve_link(
    dest: &str,
    targets: &LinkTargets,
    from: &str,
    lang: Option<&str>,
) -> Result<ResolvedLink, (String, String)> {
    let written = &dest[INTERNAL_PREFIX.len()..];
    let (path, anchor) = match written.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (written, None),
    };
    let localized = lang
        .filter(|_| !path.is_empty())
        .map(|lang| crate::content::translated_key(path, lang))
        .filter(|key| targets.contains_key(key.as_str()));
    let path = match &localized {
        Some(key) => key.as_str(),
        None if path.is_empty() => from,
        None => path,
    };
    let Some((target, permalink)) = targets.get_key_value(path) else {
        let hint = match similar_path(path, targets) {
            Some(meant) => format!("did you mean `@/{meant}`?"),
            None => {
                "`@/` links name a file below `content/`, e.g. `@/priorities/_index.md`".to_string()
            }
        };
        return Err((format!("link to a missing page `{dest}`"), hint));
    };
    Ok(match anchor {
        Some(anchor) => (
            format!("{permalink}#{anchor}"),
            Arc::clone(target),
            Some((path.to_string(), anchor.to_string())),
        ),
        None => (permalink.clone(), Arc::clone(target), None),
    })
}

/// A file in the same folder whose name is close to the one written.
fn similar_path<'a>(written: &str, targets: &'a LinkTargets) -> Option<&'a str> {
    let (folder, name) = written.rsplit_once('/').unwrap_or(("", written));
    let siblings: HashMap<&str, &str> = targets
        .keys()
        .filter_map(|candidate| {
            let (candidate_folder, candidate_name) =
                candidate.rsplit_once('/').unwrap_or(("", candidate));
            (candidate_folder == folder).then_some((candidate_name, &**candidate))
        })
        .collect();
    let meant = crate::diagnostic::did_you_mean(name, siblings.keys().copied())?;
    siblings.get(meant).copied()
}

/// The words of a text, and how many of them are Han or kana characters.
#[derive(Debug, PartialEq, Eq)]
struct WordCounts {
    words: usize,
    cjk_chars: usize,
}

/// Words for reading time: runs of letters in spaced scripts, single characters in Han, kana
/// and other unspaced scripts.
fn count_words(text: &str) -> WordCounts {
    if text.is_ascii() {
        return WordCounts {
            words: count_ascii_words(text.as_bytes()),
            cjk_chars: 0,
        };
    }
    let mut counts = WordCounts {
        words: 0,
        cjk_chars: 0,
    };
    for word in text.split_whitespace() {
        let unspaced = word.chars().filter(|c| is_unspaced(*c)).count();
        let spaced = usize::from(word.chars().any(|c| c.is_alphanumeric() && !is_unspaced(c)));
        counts.words += unspaced + spaced;
        counts.cjk_chars += unspaced;
    }
    counts
}

/// Word starts: a non-space byte at the start or after a space. Every text of every page passes
/// here, so it compares pairs of bytes in blocks of 64 with a byte-sized counter, which the
/// compiler turns into vector instructions, instead of carrying a state from byte to byte.
fn count_ascii_words(bytes: &[u8]) -> usize {
    // Spaces, tabs, line ends and the other control characters: one comparison per byte.
    let space = |byte: &u8| *byte <= b' ';
    let Some((head, after)) = bytes.split_first() else {
        return 0;
    };
    let first = usize::from(!space(head));
    let before = &bytes[..after.len()];
    let later: usize = before
        .chunks(64)
        .zip(after.chunks(64))
        .map(|(before, after)| {
            let mut starts = 0u8; // at most 64
            for (before, byte) in before.iter().zip(after) {
                starts += u8::from(space(before) & !space(byte));
            }
            usize::from(starts)
        })
        .sum();
    first + later
}

fn is_unspaced(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Nests a flat list of headings by level.
fn nest(flat: Vec<Heading>) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for heading in flat {
        insert_nested(&mut roots, heading);
    }
    roots
}

fn insert_nested(siblings: &mut Vec<Heading>, heading: Heading) {
    match siblings.last_mut() {
        Some(last) if last.level < heading.level => insert_nested(&mut last.children, heading),
        _ => siblings.push(heading),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn source(body: &str) -> Source {
        let text = format!("+++\ntitle = \"t\"\n+++\n{body}");
        Source {
            path: Path::new("content/a.md").into(),
            relative: "a.md".into(),
            front_matter_start: 4,
            body_start: text.len() - body.len(),
            yaml: None,
            text: text.into(),
            lang: None,
            fallback: false,
        }
    }

    fn targets() -> LinkTargets {
        [
            ("b/page.md", "https://x.org/sub/b/page/"),
            ("a.md", "https://x.org/sub/a/"),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v.to_string()))
        .collect()
    }

    fn render_ok(body: &str) -> Rendered {
        render(&source(body), &targets(), RenderOptions::default(), None).unwrap()
    }

    #[test]
    fn headings_get_unique_ids_and_nest_in_the_toc() {
        let rendered = render_ok("# Goals\n\n## Tasks\n\n## Tasks\n\n# 基础教育 {#basic}\n");
        assert!(
            rendered.html.contains("<h1 id=\"goals\">Goals</h1>"),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains("<h2 id=\"tasks-1\">"));
        assert_eq!(rendered.anchors, ["goals", "tasks", "tasks-1", "basic"]);
        assert_eq!(rendered.toc.len(), 2);
        assert_eq!(rendered.toc[0].children.len(), 2);
        assert_eq!(rendered.toc[1].title, "基础教育");
    }

    #[test]
    fn internal_links_resolve_and_anchors_are_kept_for_checking() {
        let rendered = render_ok("See [B](@/b/page.md#intro) and [me](@/a.md).\n");
        assert!(
            rendered
                .html
                .contains("href=\"https://x.org/sub/b/page/#intro\""),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains("href=\"https://x.org/sub/a/\""));
        assert_eq!(rendered.anchor_links.len(), 1);
        assert_eq!(rendered.anchor_links[0].target, "b/page.md");
    }

    #[test]
    fn broken_internal_link_is_located_with_a_suggestion() {
        let problems = render(
            &source("Intro\n\nSee [B](@/b/pag.md).\n"),
            &targets(),
            RenderOptions::default(),
            None,
        )
        .unwrap_err();
        assert_eq!(problems[0].position(), "content/a.md:6:5");
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("did you mean `@/b/page.md`?")
        );
    }

    #[test]
    fn more_marker_splits_the_summary() {
        let rendered = render_ok("Intro.\n\n<!-- more -->\n\nRest.\n");
        assert_eq!(rendered.summary(), Some("<p>Intro.</p>\n"));
        assert!(rendered.more().contains("Rest."));
        assert!(rendered.html.contains("continue-reading"));
    }

    #[test]
    fn heading_ids_follow_the_anchors_strategy() {
        let id = |anchors, text: &str| {
            let options = RenderOptions {
                anchors,
                ..RenderOptions::default()
            };
            render(&source(text), &targets(), options, None)
                .unwrap()
                .anchors[0]
                .clone()
        };
        assert_eq!(id(Strategy::Readable, "## 教育 数字化\n"), "教育-数字化");
        assert_eq!(id(Strategy::On, "## 教育 数字化\n"), "jiao-yu-shu-zi-hua");
        assert_eq!(id(Strategy::Safe, "## 教育 数字化\n"), "教育_数字化");
        assert_eq!(id(Strategy::Off, "## Test (hey)\n"), "Test_(hey)");
        assert_eq!(id(Strategy::On, "## !!!\n"), "section");
    }

    #[test]
    fn an_id_as_written_is_escaped_in_its_anchor_link() {
        let options = RenderOptions {
            anchor_links: AnchorLinks::Left,
            anchors: Strategy::Off,
            ..RenderOptions::default()
        };
        let rendered = render(&source("## Say \"hi\" 1<2\n"), &targets(), options, None).unwrap();
        assert_eq!(rendered.anchors, ["Say_\"hi\"_1<2"]);
        assert!(
            rendered
                .html
                .contains("href=\"#Say_&quot;hi&quot;_1&lt;2\""),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn anchor_links_follow_the_setting() {
        let options = RenderOptions {
            anchor_links: AnchorLinks::Left,
            ..RenderOptions::default()
        };
        let rendered = render(&source("## Tasks\n"), &targets(), options, None).unwrap();
        assert!(
            rendered
                .html
                .starts_with("<h2 id=\"tasks\"><a class=\"anchor\" href=\"#tasks\""),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn reading_time_reads_chinese_characters_faster_than_english_words() {
        // 600 characters: two minutes at 300 a minute, where 600 words take three.
        let chinese = render_ok(&"教育强国建设规划纲要".repeat(60));
        assert_eq!(chinese.word_count, 600);
        assert_eq!(chinese.reading_time(), 2);
        let english = render_ok(&"word ".repeat(450));
        assert_eq!(english.word_count, 450);
        assert_eq!(english.reading_time(), 3);
        // One minute of each.
        let both = render_ok(&format!(
            "{}\n\n{}",
            "教育强国建设规划纲要".repeat(30),
            "word ".repeat(200)
        ));
        assert_eq!(both.word_count, 500);
        assert_eq!(both.reading_time(), 2);
        assert_eq!(render_ok("").reading_time(), 0);
        assert_eq!(render_ok("教育").reading_time(), 1);
    }

    #[test]
    fn words_are_counted_in_every_script() {
        let counts = |words, cjk_chars| WordCounts { words, cjk_chars };
        assert_eq!(count_words("three plain words"), counts(3, 0));
        assert_eq!(count_words("教育 work"), counts(3, 2));
        assert_eq!(count_words("ひらがな、漢字とEnglish"), counts(8, 7));
    }

    #[test]
    fn ascii_words_are_counted_across_blocks() {
        let texts = [
            String::new(),
            " ".to_string(),
            "one".to_string(),
            "  two\twords \n".to_string(),
            // Word starts on both sides of every 64-byte block boundary.
            "word ".repeat(40),
            format!("{}x y", " ".repeat(63)),
            format!("{}x y", "a".repeat(64)),
        ];
        for text in &texts {
            let expected = text.split_ascii_whitespace().count();
            assert_eq!(count_ascii_words(text.as_bytes()), expected, "{text:?}");
        }
        // Control characters separate words, as they do in other scripts' text.
        assert_eq!(count_ascii_words(b"a\x0bb\x01"), 2);
    }
}

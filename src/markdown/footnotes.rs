//! A body's events in, the same events with its footnotes gathered at the end out (Zola's
//! `bottom_footnotes = true`).
//!
//! As Zola writes them: a reference is `<sup class="footnote-reference" id="fr-NAME-N">`
//! linking to the note, numbered in the order notes are first referred to; the notes follow
//! the text in `<section class="footnotes">`, in that order, each with a link back to every
//! reference (in its last paragraph when it ends with one); a note never referred to is left
//! out.

use std::fmt::Write as _;

use foldhash::{HashMap, HashMapExt as _};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// The events of `events` with footnote definitions moved to the end.
pub fn at_bottom<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    BottomFootnotes {
        events,
        open: Vec::new(),
        notes: Vec::new(),
        references: HashMap::new(),
        finished: false,
    }
}

struct BottomFootnotes<'a, I> {
    events: I,
    /// The notes being read (a note may hold another's definition), with their events.
    open: Vec<(CowStr<'a>, Vec<Event<'a>>)>,
    /// The notes read, in the order they were written.
    notes: Vec<(CowStr<'a>, Vec<Event<'a>>)>,
    /// Each name referred to: its number, and how many references were made.
    references: HashMap<CowStr<'a>, (usize, usize)>,
    finished: bool,
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for BottomFootnotes<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            let Some(event) = self.events.next() else {
                if self.finished {
                    return None;
                }
                self.finished = true;
                return self.section().map(|html| Event::Html(html.into()));
            };
            let event = match event {
                Event::Start(Tag::FootnoteDefinition(name)) => {
                    self.open.push((name, Vec::new()));
                    continue;
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some(note) = self.open.pop() {
                        self.notes.push(note);
                    }
                    continue;
                }
                Event::FootnoteReference(name) => self.reference(&name),
                event => event,
            };
            match self.open.last_mut() {
                Some((_, events)) => events.push(event),
                None => return Some(event),
            }
        }
    }
}

impl<'a, I> BottomFootnotes<'a, I> {
    /// The link to a note, numbered by first reference.
    fn reference(&mut self, name: &CowStr<'a>) -> Event<'a> {
        let next_number = self.references.len() + 1;
        let (number, count) = self
            .references
            .entry(name.clone())
            .or_insert((next_number, 0));
        *count += 1;
        let id = id_part(name);
        Event::InlineHtml(
            format!(
                "<sup class=\"footnote-reference\" id=\"fr-{id}-{count}\"><a href=\"#fn-{id}\">[{number}]</a></sup>"
            )
            .into(),
        )
    }

    /// The notes referred to, by number, each with its links back; `None` without any.
    fn section(&mut self) -> Option<String> {
        let mut notes: Vec<(usize, usize, &CowStr<'a>, Vec<Event<'a>>)> = self
            .notes
            .iter_mut()
            .filter_map(|(name, events)| {
                let (number, count) = *self.references.get(name)?;
                Some((number, count, &*name, std::mem::take(events)))
            })
            .collect();
        if notes.is_empty() {
            return None;
        }
        notes.sort_by_key(|(number, ..)| *number);
        let mut html =
            String::from("<section class=\"footnotes\">\n<ol class=\"footnotes-list\">\n");
        for (_, count, name, mut events) in notes {
            let id = id_part(name);
            let mut back = String::new();
            for usage in 1..=count {
                let label = if usage == 1 {
                    String::new()
                } else {
                    usage.to_string()
                };
                write!(back, " <a href=\"#fr-{id}-{usage}\">↩{label}</a>")
                    .expect("writing to a string");
            }
            // In the last paragraph, when the note ends with one; else after its last block.
            let at = match events.last() {
                Some(Event::End(TagEnd::Paragraph)) => events.len() - 1,
                _ => events.len(),
            };
            events.insert(at, Event::InlineHtml(back.into()));
            writeln!(html, "<li id=\"fn-{id}\">").expect("writing to a string");
            pulldown_cmark::html::push_html(&mut html, events.into_iter());
            html.push_str("</li>\n");
        }
        html.push_str("</ol>\n</section>\n");
        Some(html)
    }
}

/// A note's name as part of an id: escaped, its spaces as `-` (an id holds no whitespace).
fn id_part(name: &str) -> String {
    crate::templates::escape_html(&name.replace(char::is_whitespace, "-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn render(markdown: &str) -> String {
        let mut html = String::new();
        let events = Parser::new_ext(markdown, Options::ENABLE_FOOTNOTES);
        pulldown_cmark::html::push_html(&mut html, at_bottom(events));
        html
    }

    #[test]
    fn notes_follow_the_text_in_the_order_they_are_referred_to() {
        let html = render(
            "A[^b] and B[^a] and A again[^b].\n\n[^a]: First written.\n\n[^b]: Second written.\n\n[^unused]: Never referred to.\n",
        );
        assert_eq!(
            html,
            "<p>A<sup class=\"footnote-reference\" id=\"fr-b-1\"><a href=\"#fn-b\">[1]</a></sup> \
             and B<sup class=\"footnote-reference\" id=\"fr-a-1\"><a href=\"#fn-a\">[2]</a></sup> \
             and A again<sup class=\"footnote-reference\" id=\"fr-b-2\"><a href=\"#fn-b\">[1]</a></sup>.</p>\n\
             <section class=\"footnotes\">\n<ol class=\"footnotes-list\">\n\
             <li id=\"fn-b\">\n<p>Second written. <a href=\"#fr-b-1\">↩</a> <a href=\"#fr-b-2\">↩2</a></p>\n</li>\n\
             <li id=\"fn-a\">\n<p>First written. <a href=\"#fr-a-1\">↩</a></p>\n</li>\n\
             </ol>\n</section>\n"
        );
    }

    #[test]
    fn a_text_without_notes_is_unchanged() {
        assert_eq!(render("Plain [^x] text.\n"), "<p>Plain [^x] text.</p>\n");
    }

    #[test]
    fn links_back_follow_a_note_that_ends_with_a_list() {
        let html = render("Text[^n].\n\n[^n]: Intro\n\n    - one\n    - two\n");
        assert!(
            html.contains("</ul>\n <a href=\"#fr-n-1\">↩</a></li>"),
            "{html}"
        );
    }
}

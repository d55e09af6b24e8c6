//! Atom feeds: one for the site (`generate_feeds` in `site.toml`), one per section that asks
//! (`generate_feeds` in its `_index.md`) and one per term of a taxonomy with `feed = true`.
//!
//! A feed lists the pages that carry a date (`date` or `updated`), the most recently changed
//! first. Unlike Zola, a feed that is asked for is always written, even before any page has a
//! date (it then has no entries and the Unix epoch as its `updated`), so that a theme's link
//! to it never leads nowhere. Entries carry the title, link, dates, authors, terms and
//! description of a page, not its body, so that a feed depends on the same page values as the
//! listings do and a live preview knows when to write it again.

use atom_syndication::{
    Category, Entry, Feed, FixedDateTime, Generator, Link, Person, Text, WriteConfig,
};

use super::state::State;
use crate::content::Page;
use crate::content::front_matter::Date;
use crate::templates::Read;

/// The feed's file name inside the folder of what it follows.
pub use crate::config::FEED_FILE_NAME as FILE_NAME;

/// What a feed follows.
#[derive(Debug, Clone)]
pub enum Scope {
    /// The site in one language, by its edition's index (`Content::editions`).
    Site(usize),
    /// A section, by index.
    Section(usize),
    /// A term, by taxonomy and term index.
    Term(usize, usize),
}

impl Scope {
    /// Every feed `state` asks for. The home page's own feed would be the site's: with a site
    /// feed, it is left out.
    pub fn wanted(state: &State) -> Vec<Self> {
        let content = &state.content;
        let site_feeds: Vec<usize> = content
            .editions
            .iter()
            .enumerate()
            .filter(|(_, edition)| {
                state
                    .config
                    .language(&edition.lang)
                    .is_some_and(|language| language.feeds)
            })
            .map(|(index, _)| index)
            .collect();
        let homes: Vec<usize> = site_feeds
            .iter()
            .filter_map(|&edition| content.editions[edition].home())
            .collect();
        let sections = content
            .sections
            .iter()
            .enumerate()
            .filter(|(index, section)| section.front.generate_feeds && !homes.contains(index))
            .map(|(index, _)| Self::Section(index));
        let terms = content
            .taxonomies
            .iter()
            .enumerate()
            .filter(|(_, taxonomy)| taxonomy.feed)
            .flat_map(|(index, taxonomy)| {
                (0..taxonomy.terms.len()).map(move |term| Self::Term(index, term))
            });
        let sites = site_feeds.into_iter().map(Self::Site);
        sites.chain(sections).chain(terms).collect()
    }

    /// The URL path of the feed.
    pub fn path(&self, state: &State) -> String {
        format!("{}{FILE_NAME}", self.followed_path(state))
    }

    /// The URL path of the page that lists what the feed follows.
    fn followed_path(&self, state: &State) -> String {
        let content = &state.content;
        match *self {
            // The language's folder, which its home page (maybe a draft) has.
            Self::Site(_) => format!("{}/", self.language(state).prefix),
            Self::Section(index) => content.sections[index].path.clone(),
            Self::Term(taxonomy, term) => content.taxonomies[taxonomy].terms[term].path.clone(),
        }
    }

    /// What the feed shows, for live updates; it also names the feed across updates.
    pub fn read(&self, state: &State) -> Read {
        let content = &state.content;
        match *self {
            Self::Site(_) => Read::Site,
            Self::Section(index) => Read::Section(content.sections[index].source.relative.clone()),
            Self::Term(taxonomy, term) => {
                let taxonomy = &content.taxonomies[taxonomy];
                Read::Term(taxonomy.key.clone(), taxonomy.terms[term].slug.clone())
            }
        }
    }

    /// The language of what the feed follows.
    fn language<'a>(&self, state: &'a State) -> &'a crate::config::Language {
        let content = &state.content;
        let lang = match *self {
            Self::Site(edition) => &content.editions[edition].lang,
            Self::Section(index) => &content.sections[index].lang,
            Self::Term(taxonomy, term) => {
                let pages = &content.taxonomies[taxonomy].terms[term].pages;
                pages
                    .first()
                    .map_or(&content.editions[0].lang, |&page| &content.pages[page].lang)
            }
        };
        state
            .config
            .language(lang)
            .unwrap_or_else(|| state.config.default_language())
    }

    fn title(&self, state: &State) -> String {
        let content = &state.content;
        let site = &self.language(state).title;
        match *self {
            Self::Site(_) => xml_text(site),
            Self::Section(index) => {
                xml_text(&format!("{} - {site}", content.sections[index].front.title))
            }
            Self::Term(taxonomy, term) => xml_text(&format!(
                "{} - {site}",
                content.taxonomies[taxonomy].terms[term].name
            )),
        }
    }

    fn pages<'a>(&self, state: &'a State) -> Vec<&'a Page> {
        let content = &state.content;
        let listed =
            |indices: &[usize]| indices.iter().map(|&index| &content.pages[index]).collect();
        match *self {
            Self::Site(edition) => content.pages[content.editions[edition].pages.clone()]
                .iter()
                .collect(),
            Self::Section(index) => listed(&content.sections[index].pages),
            Self::Term(taxonomy, term) => listed(&content.taxonomies[taxonomy].terms[term].pages),
        }
    }

    /// The feed as Atom XML.
    pub fn render(&self, state: &State) -> Vec<u8> {
        let mut dated: Vec<(&Page, FixedDateTime)> = self
            .pages(state)
            .into_iter()
            .filter_map(|page| changed(page).map(|date| (page, date)))
            .collect();
        // Most recently changed first; the path breaks ties so the order never depends on
        // the order of reading.
        dated.sort_by(|(a, a_date), (b, b_date)| (b_date, &a.path).cmp(&(a_date, &b.path)));
        if let Some(limit) = state.config.feed_limit {
            dated.truncate(limit.get());
        }
        let config = &state.config;
        let language = self.language(state);
        let base = &config.base_url;
        let url = base.permalink(&self.path(state));
        let feed = Feed {
            title: Text::plain(self.title(state)),
            id: url.clone(),
            updated: dated
                .first()
                .map_or_else(FixedDateTime::default, |(_, date)| *date),
            authors: vec![person(config.author.as_deref().unwrap_or(&language.title))],
            generator: Some(Generator {
                value: "workplan".to_string(),
                uri: None,
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            links: vec![
                link("self", url, "application/atom+xml"),
                link(
                    "alternate",
                    base.permalink(&self.followed_path(state)),
                    "text/html",
                ),
            ],
            subtitle: (!language.description.is_empty())
                .then(|| Text::plain(xml_text(&language.description))),
            lang: Some(xml_text(&language.code)),
            entries: dated
                .into_iter()
                .map(|(page, date)| entry(state, page, date))
                .collect(),
            ..Feed::default()
        };
        let indented = WriteConfig {
            write_document_declaration: true,
            indent_size: Some(2),
        };
        let mut xml = feed
            .write_with_config(Vec::new(), indented)
            .expect("writing to memory");
        xml.push(b'\n');
        xml
    }
}

/// The name of the feed of the plan's status updates, in each language's folder.
pub const UPDATES_FILE_NAME: &str = "updates.xml";

/// The Atom feed of the plan's status updates in the language of the edition at `edition`:
/// one entry per update of a task, newest first (ties by task id), each linking to the task
/// on its area's page.
pub fn updates(state: &State, edition: usize) -> Vec<u8> {
    let content = &state.content;
    let config = &state.config;
    let lang = &content.editions[edition].lang;
    let language = config
        .language(lang)
        .unwrap_or_else(|| config.default_language());
    let label = |status: crate::content::front_matter::Status| {
        let key = format!("status_{}", status.key());
        state
            .templates
            .translation(&key, lang)
            .unwrap_or(status.label())
            .to_string()
    };
    let base = &config.base_url;
    let mut changes = Vec::new();
    for (page, area) in content.areas(lang) {
        for task in &area.tasks {
            for (index, update) in task.updates.iter().enumerate() {
                if let Some(date) = timestamp(update.date) {
                    changes.push((date, page, task, index, update));
                }
            }
        }
    }
    changes.sort_by(|a, b| (b.0, &a.2.id, b.3).cmp(&(a.0, &b.2.id, a.3)));
    if let Some(limit) = config.feed_limit {
        changes.truncate(limit.get());
    }
    let url = base.permalink(&format!("{}/{UPDATES_FILE_NAME}", language.prefix));
    let title = state
        .templates
        .translation("updates_feed_title", lang)
        .unwrap_or("{title}: status updates")
        .replace("{title}", &language.title);
    let entries = changes
        .into_iter()
        .map(|(date, page, task, index, update)| {
            let task_url = format!("{}#task-{}", base.permalink(&page.path), task.id);
            Entry {
                title: Text::plain(xml_text(&format!(
                    "{} {}: {}",
                    task.id,
                    task.title,
                    label(update.status)
                ))),
                // One id per update: the task's address and the update's place in its history.
                id: format!("{task_url}/{}", index + 1),
                updated: date,
                links: vec![link("alternate", task_url, "text/html")],
                summary: update
                    .note
                    .as_deref()
                    .map(|note| Text::plain(xml_text(note))),
                ..Entry::default()
            }
        })
        .collect::<Vec<_>>();
    let feed = Feed {
        title: Text::plain(xml_text(&title)),
        id: url.clone(),
        updated: entries
            .first()
            .map_or_else(FixedDateTime::default, |entry| entry.updated),
        authors: vec![person(config.author.as_deref().unwrap_or(&language.title))],
        links: vec![
            link("self", url, "application/atom+xml"),
            link(
                "alternate",
                base.permalink(&format!("{}/", language.prefix)),
                "text/html",
            ),
        ],
        lang: Some(xml_text(&language.code)),
        entries,
        ..Feed::default()
    };
    let indented = WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    let mut xml = feed
        .write_with_config(Vec::new(), indented)
        .expect("writing to memory");
    xml.push(b'\n');
    xml
}

/// When a page last changed, by its front matter (`updated`, else `date`), if Atom can say
/// it.
fn changed(page: &Page) -> Option<FixedDateTime> {
    page.front.updated.or(page.front.date).and_then(timestamp)
}

fn entry(state: &State, page: &Page, updated: FixedDateTime) -> Entry {
    let permalink = state.config.base_url.permalink(&page.path);
    let front = &page.front;
    let categories = front.taxonomies.values().flatten().map(|term| Category {
        term: xml_text(term),
        ..Category::default()
    });
    Entry {
        title: Text::plain(xml_text(&front.title)),
        id: permalink.clone(),
        updated,
        published: front.date.and_then(timestamp),
        authors: front.authors.iter().map(|name| person(name)).collect(),
        links: vec![link("alternate", permalink, "text/html")],
        summary: (!front.description.is_empty()).then(|| Text::plain(xml_text(&front.description))),
        categories: categories.collect(),
        ..Entry::default()
    }
}

fn person(name: &str) -> Person {
    Person {
        name: xml_text(name),
        ..Person::default()
    }
}

fn link(rel: &str, href: String, mime_type: &str) -> Link {
    Link {
        href,
        rel: rel.to_string(),
        mime_type: Some(mime_type.to_string()),
        ..Link::default()
    }
}

/// A front-matter date as an Atom timestamp, at the offset it was written with: dates without
/// one are taken as UTC, as Zola does. Years outside 0000-9999 have no RFC 3339 form, nor
/// offsets of a day or more: `None`.
fn timestamp(date: Date) -> Option<FixedDateTime> {
    let text = match date {
        Date::AtOffset(..) => date.to_string(),
        Date::Day(_) | Date::Local(_) => format!("{}Z", date.sort_key()),
    };
    FixedDateTime::parse_from_rfc3339(&text).ok()
}

/// Text for XML: the characters XML 1.0 forbids are left out, the C0 controls other than tab
/// and line ends, and U+FFFE and U+FFFF (a title with `"\u0007"` made the feed unreadable).
fn xml_text(text: &str) -> String {
    let forbidden = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    text.replace(forbidden, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_leaves_out_control_characters_but_tabs_and_line_ends() {
        assert_eq!(
            xml_text("bell\u{7} esc\u{1b}\ttab\nline"),
            "bell esc\ttab\nline"
        );
        assert_eq!(
            xml_text("not\u{FFFE} a\u{FFFF} character"),
            "not a character"
        );
    }

    #[test]
    fn timestamps_keep_the_offset_written() {
        let at = |text| timestamp(Date::parse(text).unwrap()).map(|t| t.to_rfc3339());
        assert_eq!(
            at("2024-03-01T09:30:00-23:59").as_deref(),
            Some("2024-03-01T09:30:00-23:59")
        );
        assert_eq!(
            at("2024-03-01").as_deref(),
            Some("2024-03-01T00:00:00+00:00")
        );
    }
}

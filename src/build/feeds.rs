//! Atom feeds: one for the site (`generate_feeds` in `site.toml`), one per section that asks
//! (`generate_feeds` in its `_index.md`) and one per term of a taxonomy with `feed = true`.
//!
//! As in Zola, a feed lists the pages that carry a date (`date` or `updated`), the most recently
//! changed first, and a feed with no dated page is not written: Atom requires every entry, and
//! the feed, to say when it last changed. Entries carry the title, link, dates, authors, terms and
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
pub const FILE_NAME: &str = "atom.xml";

/// What a feed follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Site,
    /// A section, by index.
    Section(usize),
    /// A term, by taxonomy and term index.
    Term(usize, usize),
}

impl Scope {
    /// Every feed `state` asks for that has a dated page to list.
    pub fn wanted(state: &State) -> Vec<Self> {
        let content = &state.content;
        let site = state.config.generate.feeds.then_some(Self::Site);
        let sections = content
            .sections
            .iter()
            .enumerate()
            .filter(|(_, section)| section.front.generate_feeds)
            .map(|(index, _)| Self::Section(index));
        let terms = content
            .taxonomies
            .iter()
            .enumerate()
            .filter(|(_, taxonomy)| taxonomy.feed)
            .flat_map(|(index, taxonomy)| {
                (0..taxonomy.terms.len()).map(move |term| Self::Term(index, term))
            });
        site.into_iter()
            .chain(sections)
            .chain(terms)
            .filter(|scope| {
                scope
                    .pages(state)
                    .into_iter()
                    .any(|page| changed(page).is_some())
            })
            .collect()
    }

    /// The URL path of the feed.
    pub fn path(&self, state: &State) -> String {
        format!("{}{FILE_NAME}", self.followed_path(state))
    }

    /// The URL path of the page that lists what the feed follows.
    fn followed_path<'a>(&self, state: &'a State) -> &'a str {
        let content = &state.content;
        match *self {
            Self::Site => "/",
            Self::Section(index) => &content.sections[index].path,
            Self::Term(taxonomy, term) => &content.taxonomies[taxonomy].terms[term].path,
        }
    }

    /// What the feed shows, for live updates; it also names the feed across updates.
    pub fn read(&self, state: &State) -> Read {
        let content = &state.content;
        match *self {
            Self::Site => Read::Site,
            Self::Section(index) => Read::Section(content.sections[index].source.relative.clone()),
            Self::Term(taxonomy, term) => {
                let taxonomy = &content.taxonomies[taxonomy];
                Read::Term(taxonomy.name.clone(), taxonomy.terms[term].slug.clone())
            }
        }
    }

    fn title(&self, state: &State) -> String {
        let content = &state.content;
        let site = &state.config.title;
        match *self {
            Self::Site => site.clone(),
            Self::Section(index) => format!("{} - {site}", content.sections[index].front.title),
            Self::Term(taxonomy, term) => {
                format!("{} - {site}", content.taxonomies[taxonomy].terms[term].name)
            }
        }
    }

    fn pages<'a>(&self, state: &'a State) -> Vec<&'a Page> {
        let content = &state.content;
        let indices: Box<dyn Iterator<Item = usize>> = match *self {
            Self::Site => Box::new(0..content.pages.len()),
            Self::Section(index) => Box::new(content.sections[index].pages.iter().copied()),
            Self::Term(taxonomy, term) => Box::new(
                content.taxonomies[taxonomy].terms[term]
                    .pages
                    .iter()
                    .copied(),
            ),
        };
        indices.map(|index| &content.pages[index]).collect()
    }

    /// The feed as Atom XML.
    pub fn render(&self, state: &State) -> Vec<u8> {
        let mut dated: Vec<(&Page, Date)> = self
            .pages(state)
            .into_iter()
            .filter_map(|page| changed(page).map(|date| (page, date)))
            .collect();
        // Most recently changed first; the path breaks ties so the order never depends on
        // the order of reading.
        dated.sort_by(|(a, a_date), (b, b_date)| {
            (b_date.sort_key(), &a.path).cmp(&(a_date.sort_key(), &b.path))
        });
        if let Some(limit) = state.config.feed_limit {
            dated.truncate(limit);
        }
        let newest = dated.first().map(|(_, date)| *date);
        let config = &state.config;
        let base = &config.base_url;
        let feed = Feed {
            title: Text::plain(self.title(state)),
            id: base.permalink(&self.path(state)),
            updated: timestamp(newest.expect("feeds without dated pages are not wanted")),
            authors: vec![person(config.author.as_deref().unwrap_or(&config.title))],
            generator: Some(Generator {
                value: "workplan".to_string(),
                uri: None,
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            links: vec![
                link(
                    "self",
                    base.permalink(&self.path(state)),
                    "application/atom+xml",
                ),
                link(
                    "alternate",
                    base.permalink(self.followed_path(state)),
                    "text/html",
                ),
            ],
            subtitle: (!config.description.is_empty())
                .then(|| Text::plain(config.description.clone())),
            lang: Some(config.default_language.clone()),
            entries: dated
                .into_iter()
                .map(|(page, _)| entry(state, page))
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

/// When a page last changed, by its front matter.
fn changed(page: &Page) -> Option<Date> {
    page.front.updated.or(page.front.date)
}

fn entry(state: &State, page: &Page) -> Entry {
    let permalink = state.config.base_url.permalink(&page.path);
    let front = &page.front;
    let categories = front.taxonomies.values().flatten().map(|term| Category {
        term: term.clone(),
        ..Category::default()
    });
    Entry {
        title: Text::plain(front.title.clone()),
        id: permalink.clone(),
        updated: timestamp(changed(page).expect("only dated pages have entries")),
        published: front.date.map(timestamp),
        authors: front.authors.iter().map(|name| person(name)).collect(),
        links: vec![link("alternate", permalink, "text/html")],
        summary: (!front.description.is_empty()).then(|| Text::plain(front.description.clone())),
        categories: categories.collect(),
        ..Entry::default()
    }
}

fn person(name: &str) -> Person {
    Person {
        name: name.to_string(),
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

/// A front-matter date as an Atom timestamp: dates without a zone are taken as UTC, as
/// Zola does.
fn timestamp(date: Date) -> FixedDateTime {
    let utc = format!("{}Z", date.sort_key());
    FixedDateTime::parse_from_rfc3339(&utc).expect("a civil date-time with `Z` is RFC 3339")
}

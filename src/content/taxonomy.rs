//! Pages' `[taxonomies]` in, each declared taxonomy's terms with their pages out.
//!
//! Zola's model: `taxonomies = [{ name = "topics" }]` in `site.toml` gives a list page at
//! `/topics/` and a page per term at `/topics/<term-slug>/`. Terms whose names slug alike
//! (`Teachers`, `teachers`) are one term, named as first written.

use foldhash::{HashMap, HashMapExt as _};

use crate::config::Taxonomy as Declared;
use crate::slug::{Strategy, path_slug};

use super::Page;

/// A taxonomy with the terms its pages use, terms in name order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    pub name: String,
    /// What names it in lookups and across builds: its name, after `<code>/` outside the
    /// default language (each language has its own `topics`).
    pub key: String,
    pub path: String,
    pub terms: Vec<Term>,
    /// The slug of each term as pages write it (`Higher education` and `higher education`
    /// are one term).
    pub slugs: HashMap<String, String>,
    pub paginate_by: Option<usize>,
    /// Whether each term has an Atom feed.
    pub feed: bool,
}

/// One term and its pages, newest first (then by title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    pub pages: Vec<usize>,
}

/// Groups `pages` by the terms of each declared taxonomy, published below `prefix` (a
/// language's folder); names and terms are slugified by `strategy` (`[slugify] taxonomies`).
pub fn collect(
    declared: &[Declared],
    strategy: Strategy,
    pages: &[Page],
    prefix: &str,
) -> Vec<Taxonomy> {
    // Sorting reads the dates often: side by side, they stay in the processor's cache.
    let dates: Vec<Option<DateKey>> = pages.iter().map(|page| page.date_key).collect();
    declared
        .iter()
        .map(|taxonomy| {
            let path = format!("{prefix}/{}/", path_slug(&taxonomy.name, strategy));
            let mut terms: Vec<Term> = Vec::new();
            // Pages name the same terms over and over: each spelling is slugified and found
            // once, then known by its place in `terms`.
            let mut by_slug: HashMap<String, usize> = HashMap::new();
            let mut by_name: HashMap<&str, usize> = HashMap::new();
            for (index, page) in pages.iter().enumerate() {
                let written = page
                    .front
                    .taxonomies
                    .iter()
                    .find(|(name, _)| name.get_ref() == &taxonomy.name)
                    .map_or(&[][..], |(_, terms)| terms.as_slice());
                for name in written {
                    let term = *by_name.entry(name).or_insert_with(|| {
                        let slug = path_slug(name, strategy);
                        *by_slug.entry(slug.clone()).or_insert_with(|| {
                            terms.push(Term {
                                name: name.clone(),
                                path: format!("{path}{slug}/"),
                                slug,
                                pages: Vec::new(),
                            });
                            terms.len() - 1
                        })
                    });
                    let pages = &mut terms[term].pages;
                    if pages.last() != Some(&index) {
                        pages.push(index);
                    }
                }
            }
            let slugs: HashMap<String, String> = by_name
                .into_iter()
                .map(|(name, term)| (name.to_string(), terms[term].slug.clone()))
                .collect();
            for term in &mut terms {
                term.pages
                    .sort_by(|&a, &b| newest_first(pages, a, b, |page| dates[page]));
            }
            terms.sort_by_key(|term| term.name.to_lowercase());
            Taxonomy {
                key: taxonomy.name.clone(),
                name: taxonomy.name.clone(),
                path,
                terms,
                slugs,
                paginate_by: taxonomy.paginate_by,
                feed: taxonomy.feed,
            }
        })
        .collect()
}

/// Sorts again the pages of the terms that show one of the `edited` pages, whose values changed
/// but not their terms: each term keeps its pages, in what may now be another order.
pub(super) fn reorder(taxonomies: &mut [Taxonomy], pages: &[Page], edited: &[usize]) {
    let mut is_edited = vec![false; pages.len()];
    for &page in edited {
        is_edited[page] = true;
    }
    let terms = taxonomies
        .iter_mut()
        .flat_map(|taxonomy| &mut taxonomy.terms);
    for term in terms.filter(|term| term.pages.iter().any(|&page| is_edited[page])) {
        term.pages
            .sort_by(|&a, &b| newest_first(pages, a, b, |page| pages[page].date_key));
    }
}

/// How a term lists its pages: newest first, then by title, then by file.
fn newest_first(
    pages: &[Page],
    a: usize,
    b: usize,
    date: impl Fn(usize) -> Option<DateKey>,
) -> std::cmp::Ordering {
    date(b)
        .cmp(&date(a))
        .then_with(|| pages[a].front.title.cmp(&pages[b].front.title))
        .then_with(|| pages[a].source.relative.cmp(&pages[b].source.relative))
}

/// A date as a number that orders like it: comparing civil date-times field by field is the
/// cost of sorting thousands of pages.
pub(super) type DateKey = i128;

/// The key of a front-matter date.
pub(super) fn date_key(date: super::front_matter::Date) -> DateKey {
    let date = date.sort_key();
    let fields = [
        (i128::from(date.month()), 13),
        (i128::from(date.day()), 32),
        (i128::from(date.hour()), 24),
        (i128::from(date.minute()), 60),
        (i128::from(date.second()), 60),
        (i128::from(date.subsec_nanosecond()), 1_000_000_000),
    ];
    fields
        .into_iter()
        .fold(i128::from(date.year()), |key, (field, range)| {
            key * range + field
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Source;
    use crate::content::front_matter::{Date, PageFrontMatter};
    use std::sync::Arc;

    /// A page of file `relative` with the front matter `toml`.
    fn page(relative: &str, toml: &str) -> Page {
        let front: PageFrontMatter = toml::from_str(toml).unwrap();
        Page {
            source: Source {
                relative: relative.into(),
                ..Source::default()
            },
            date_key: front.date.map(date_key),
            front: Arc::new(front),
            slug: String::new(),
            path: String::new(),
            section: 0,
            lower: None,
            higher: None,
            area: None,
            aliases: Vec::new(),
            lang: "en".into(),
            falls_back_to: None,
            translations: Vec::new(),
        }
    }

    #[test]
    fn reordering_after_edits_matches_collecting_again() {
        let declared = [Declared {
            name: "tags".to_string(),
            feed: false,
            paginate_by: None,
        }];
        let tagged = |title: &str, date: &str, tags: &str| {
            format!("title = \"{title}\"\ndate = {date}\n[taxonomies]\ntags = {tags}\n")
        };
        let mut pages = vec![
            page("a.md", &tagged("Alpha", "2024-01-01", r#"["x", "y"]"#)),
            page("b.md", &tagged("Beta", "2024-02-01", r#"["x"]"#)),
            page("c.md", &tagged("Gamma", "2024-01-01", r#"["y"]"#)),
        ];
        let before = collect(&declared, Strategy::Readable, &pages, "");
        // Beta becomes the oldest page of `x`; Gamma, as old as Alpha, goes first by title.
        pages[1] = page("b.md", &tagged("Beta", "2023-06-01", r#"["x"]"#));
        pages[2] = page("c.md", &tagged("Aleph", "2024-01-01", r#"["y"]"#));
        let mut reordered = before.clone();
        reorder(&mut reordered, &pages, &[1, 2]);
        let collected = collect(&declared, Strategy::Readable, &pages, "");
        assert_ne!(collected, before, "the edits change the terms' order");
        assert_eq!(reordered, collected);
    }

    #[test]
    fn date_keys_order_like_dates() {
        let dates = [
            "-000001-12-31T23:59:59.999",
            "2023-12-31T23:59:59.999999999",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.000000001",
            "2024-02-29T12:00:00",
            "2024-12-01T00:00:00",
        ];
        let keys: Vec<DateKey> = dates
            .iter()
            .map(|text| date_key(Date::parse(text).unwrap()))
            .collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]), "{keys:?}");
    }
}

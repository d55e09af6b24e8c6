//! Pages' `[taxonomies]` in, each declared taxonomy's terms with their pages out.
//!
//! Zola's model: `taxonomies = [{ name = "topics" }]` in `site.toml` gives a list page at
//! `/topics/` and a page per term at `/topics/<term-slug>/`. Terms whose names slug alike
//! (`Teachers`, `teachers`) are one term, named as first written.

use std::collections::{BTreeMap, HashMap};

use crate::config::Taxonomy as Declared;
use crate::slug::slugify;

use super::Page;

/// A taxonomy with the terms its pages use, terms in name order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    pub name: String,
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

/// Groups `pages` by the terms of each declared taxonomy.
pub fn collect(declared: &[Declared], pages: &[Page]) -> Vec<Taxonomy> {
    let dates = sort_dates(pages);
    declared
        .iter()
        .map(|taxonomy| {
            let path = format!("/{}/", slugify(&taxonomy.name));
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            let mut slugs: HashMap<String, String> = HashMap::new();
            for (index, page) in pages.iter().enumerate() {
                let written = page
                    .front
                    .taxonomies
                    .iter()
                    .find(|(name, _)| name.get_ref() == &taxonomy.name)
                    .map_or(&[][..], |(_, terms)| terms.as_slice());
                for name in written {
                    // Pages name the same terms over and over: slugify each spelling once.
                    let slug = match slugs.get(name) {
                        Some(slug) => slug.clone(),
                        None => {
                            let slug = slugify(name);
                            slugs.insert(name.clone(), slug.clone());
                            slug
                        }
                    };
                    let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                        name: name.clone(),
                        path: format!("{path}{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                    if term.pages.last() != Some(&index) {
                        term.pages.push(index);
                    }
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for term in &mut terms {
                term.pages.sort_by(|&a, &b| {
                    dates[b]
                        .cmp(&dates[a])
                        .then_with(|| pages[a].front.title.cmp(&pages[b].front.title))
                        .then_with(|| pages[a].source.relative.cmp(&pages[b].source.relative))
                });
            }
            terms.sort_by_key(|term| term.name.to_lowercase());
            Taxonomy {
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

/// Each page's date as it orders pages, by page index: made once, as comparing dates
/// converts them.
pub(super) fn sort_dates(pages: &[Page]) -> Vec<Option<jiff::civil::DateTime>> {
    pages
        .iter()
        .map(|page| page.front.date.map(super::front_matter::Date::sort_key))
        .collect()
}

//! What the template functions search (`get_url`, `get_page`, `get_section`,
//! `get_taxonomy`...), and how two builds' lookups differ: the live preview re-renders the
//! outputs that read what changed.

use std::sync::Arc;

use foldhash::{HashMap, HashSet, HashSetExt as _};
use tera::Value;

use super::super::Read;
use crate::config::BaseUrl;
use crate::content::Page;
use crate::markdown::LinkTargets;

/// What `get_url`, `get_page` and `get_section` find, plus the plan.
pub struct Lookup {
    /// Where each page is in `pages`: shared with the previous lookup when the pages are the
    /// same files in the same order.
    pub(super) page_index: Arc<PageIndex>,
    /// The pages' summaries, in the content's order.
    pub(super) pages: Vec<Value>,
    /// Whether each page's summary was taken over unchanged from the previous lookup.
    pub(super) reused: Vec<bool>,
    pub(super) base: BaseUrl,
    pub(super) permalinks: Arc<LinkTargets>,
    /// Sections with and without their pages.
    pub(super) sections: HashMap<Arc<str>, Value>,
    pub(super) sections_meta: HashMap<Arc<str>, Value>,
    /// Taxonomy name to its value (with `items`, the terms).
    pub(super) taxonomies: HashMap<String, Value>,
    /// (taxonomy, term name) to the term's permalink.
    pub(super) term_urls: HashMap<(String, String), String>,
    /// What the listings hold, for telling what changed without comparing whole listings:
    /// each section's pages, each term's pages and name, each taxonomy's terms.
    pub(super) section_pages: HashMap<Arc<str>, Vec<Arc<str>>>,
    pub(super) term_pages: HashMap<(String, String), Vec<Arc<str>>>,
    pub(super) term_names: HashMap<(String, String), String>,
    pub(super) taxonomy_terms: HashMap<String, Vec<String>>,
    /// A fingerprint of what a sitemap lists (`Content::addresses`).
    pub(super) addresses_fingerprint: u64,
    /// `plan` and `menu` of each language, and `config` as each language's templates see it.
    pub(in crate::templates) plans: Vec<(Arc<str>, Value)>,
    pub(in crate::templates) menus: Vec<(Arc<str>, Value)>,
    /// Each priority area's text as HTML, by language and area number.
    pub(super) area_texts: HashMap<(Arc<str>, u32), String>,
    pub(in crate::templates) configs: Vec<(Arc<str>, Value)>,
    pub(in crate::templates) default_language: Arc<str>,
    /// The plan's as-of day, which tells overdue tasks.
    pub(super) as_of: Option<crate::content::front_matter::Date>,
    /// Each language's folder (`Language::prefix`).
    pub(super) prefixes: Vec<(Arc<str>, String)>,
}

/// The value of language `lang` in a per-language list; the default language's (the first)
/// for another.
pub(in crate::templates) fn of_language<'a>(
    values: &'a [(Arc<str>, Value)],
    lang: &str,
) -> &'a Value {
    static NONE: std::sync::LazyLock<Value> = std::sync::LazyLock::new(Value::none);
    values
        .iter()
        .find(|(code, _)| &**code == lang)
        .or(values.first())
        .map_or(&NONE, |(_, value)| value)
}

impl Lookup {
    /// The URL of a file of the output, below language `lang`'s folder when it is not the
    /// default language.
    pub fn file_url(&self, path: &str, lang: Option<&str>) -> Result<String, String> {
        let file = path.trim_start_matches('/');
        let prefix = match lang.filter(|lang| **lang != *self.default_language) {
            Some(lang) => self
                .prefixes
                .iter()
                .find(|(code, _)| &**code == lang)
                .map(|(_, prefix)| prefix.as_str())
                .ok_or_else(|| format!("get_url: the site is not published in `{lang}`"))?,
            None => "",
        };
        Ok(self.base.permalink(&format!("{prefix}/{file}")))
    }

    /// Where `@/` links lead, as the pages' Markdown resolves them.
    pub fn link_targets(&self) -> &LinkTargets {
        &self.permalinks
    }

    /// `@/x.md` to its permalink; any other path to the URL of that file in the output.
    pub fn url(&self, path: &str) -> Result<String, String> {
        if path.starts_with(crate::markdown::INTERNAL_PREFIX) {
            // As a Markdown link resolves it; there is no page to be relative to.
            return crate::markdown::resolve_link(path, &self.permalinks, "", None)
                .map(|(url, ..)| url)
                .map_err(|(message, hint)| format!("get_url: {message} ({hint})"));
        }
        Ok(self
            .base
            .permalink(&format!("/{}", path.trim_start_matches('/'))))
    }

    /// The key of `relative` (a page or section) in language `lang` (the default when
    /// `None`): its translation's (or fallback's) key, `a.zh-Hans.md` for `a.md`, when there is
    /// one; else `relative` as written.
    pub fn localized(&self, relative: &str, lang: Option<&str>) -> Arc<str> {
        let relative = relative.trim_start_matches(crate::markdown::INTERNAL_PREFIX);
        let (path, anchor) = match relative.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (relative, None),
        };
        if let Some(lang) = lang.filter(|lang| **lang != *self.default_language) {
            let key = crate::content::translated_key(path, lang);
            let known = self.page_index.position(&key).is_some()
                || self.sections_meta.contains_key(key.as_str());
            if known {
                return match anchor {
                    Some(anchor) => format!("{key}#{anchor}").into(),
                    None => key.into(),
                };
            }
        }
        relative.into()
    }

    /// The text of area `number` in language `lang`.
    pub fn area_text(&self, lang: &str, number: u32) -> Result<String, String> {
        self.area_texts
            .get(&(Arc::from(lang), number))
            .cloned()
            .ok_or_else(|| format!("get_area_text: the plan has no area {number} in `{lang}`"))
    }

    pub fn page(&self, path: &str) -> Result<Value, String> {
        self.page_value(path.trim_start_matches("@/"))
            .cloned()
            .ok_or_else(|| format!("get_page: no page `{path}` in content/"))
    }

    /// The summary of the page at `relative` in `content/`.
    fn page_value(&self, relative: &str) -> Option<&Value> {
        Some(&self.pages[self.page_index.position(relative)?])
    }

    /// The taxonomy `key` names (`Taxonomy::key`); `kind` is its name, as written.
    pub fn taxonomy(&self, key: &str, kind: &str) -> Result<Value, String> {
        self.taxonomies
            .get(key)
            .cloned()
            .ok_or_else(|| format!("get_taxonomy: no taxonomy `{kind}` in site.toml"))
    }

    pub fn term_url(&self, key: &str, kind: &str, name: &str) -> Result<String, String> {
        if !self.taxonomies.contains_key(key) {
            return Err(format!(
                "get_taxonomy_url: no taxonomy `{kind}` in site.toml"
            ));
        }
        self.term_urls
            .get(&(key.to_string(), name.to_string()))
            .cloned()
            .ok_or_else(|| format!("get_taxonomy_url: no page has the {kind} term `{name}`"))
    }

    pub fn section_meta(&self, path: &str) -> Result<Value, String> {
        self.sections_meta
            .get(path.trim_start_matches("@/"))
            .cloned()
            .ok_or_else(|| format!("get_section: no section `{path}` in content/"))
    }

    /// Everything that differs between `self` (before a change) and `after`, as the reads
    /// that would see the difference.
    pub fn changes(&self, after: &Lookup) -> HashSet<Read> {
        /// Keys whose values differ, or that are new or gone.
        fn differing<'a, K: Eq + std::hash::Hash + Clone, V: PartialEq>(
            before: &'a HashMap<K, V>,
            after: &'a HashMap<K, V>,
        ) -> impl Iterator<Item = K> + 'a {
            let changed = before
                .iter()
                .filter(move |&(key, value)| after.get(key) != Some(value));
            let added = after.keys().filter(move |key| !before.contains_key(*key));
            changed.map(|(key, _)| key).chain(added).cloned()
        }
        /// The keys of the listings that show one of `pages`.
        fn showing<'a, K: Clone>(
            listings: &'a HashMap<K, Vec<Arc<str>>>,
            pages: &'a HashSet<Arc<str>>,
        ) -> impl Iterator<Item = K> + 'a {
            listings
                .iter()
                .filter(|(_, listing)| listing.iter().any(|page| pages.contains(page)))
                .map(|(key, _)| key.clone())
        }
        let mut reads: HashSet<Read> = HashSet::new();
        // Summaries taken over unchanged need no comparing: at 10,000 pages that is most of
        // the time of an update.
        let (before_index, after_index) = (&self.page_index, &after.page_index);
        // A shared index lists the same pages: none can be gone.
        let listed_before: &[Arc<str>] = if Arc::ptr_eq(before_index, after_index) {
            &[]
        } else {
            &before_index.relatives
        };
        let gone = listed_before
            .iter()
            .filter(|relative| after_index.position(relative).is_none());
        let pages: HashSet<Arc<str>> = after_index
            .relatives
            .iter()
            .zip(&after.pages)
            .zip(&after.reused)
            .filter(|((relative, value), reused)| {
                !**reused && self.page_value(relative) != Some(*value)
            })
            .map(|((relative, _), _)| relative)
            .chain(gone)
            .cloned()
            .collect();
        // A listing changed when its pages, their order or one of them changed: comparing
        // whole listings would compare every page again for each listing that shows it.
        let metas: HashSet<Arc<str>> =
            differing(&self.sections_meta, &after.sections_meta).collect();
        let listings = differing(&self.section_pages, &after.section_pages);
        let sections: HashSet<Arc<str>> = metas
            .iter()
            .cloned()
            .chain(listings)
            .chain(showing(&after.section_pages, &pages))
            .collect();
        let terms: HashSet<(String, String)> = differing(&self.term_pages, &after.term_pages)
            .chain(differing(&self.term_names, &after.term_names))
            .chain(showing(&after.term_pages, &pages))
            .collect();
        let taxonomies = differing(&self.taxonomy_terms, &after.taxonomy_terms)
            .chain(terms.iter().map(|(taxonomy, _)| taxonomy.clone()));
        reads.extend(taxonomies.map(Read::Taxonomy));
        reads.extend(
            terms
                .into_iter()
                .map(|(taxonomy, slug)| Read::Term(taxonomy, slug)),
        );
        reads.extend(sections.into_iter().map(Read::Section));
        reads.extend(metas.into_iter().map(Read::SectionMeta));
        reads.extend(pages.into_iter().map(Read::Page));
        reads
            .extend(differing(&self.term_urls, &after.term_urls).map(|(t, n)| Read::TermUrl(t, n)));
        // Link targets are shared while no URL changes.
        if !Arc::ptr_eq(&self.permalinks, &after.permalinks) {
            reads.extend(differing(&*self.permalinks, &*after.permalinks).map(Read::Url));
        }
        if self.addresses_fingerprint != after.addresses_fingerprint {
            reads.insert(Read::Addresses);
        }
        for (lang, plan) in &after.plans {
            if of_language(&self.plans, lang) != plan {
                reads.insert(Read::Plan(lang.clone()));
            }
        }
        reads.extend(
            differing(&self.area_texts, &after.area_texts)
                .map(|(lang, number)| Read::AreaText(lang, number)),
        );
        for (lang, menu) in &after.menus {
            if of_language(&self.menus, lang) != menu {
                reads.insert(Read::Menu(lang.clone()));
            }
        }
        let site_changed = reads.iter().any(|read| {
            matches!(
                read,
                Read::Page(_) | Read::Section(_) | Read::Term(..) | Read::Taxonomy(_)
            )
        });
        if site_changed {
            reads.insert(Read::Site);
        }
        reads
    }

    pub fn section(&self, path: &str) -> Result<Value, String> {
        self.sections
            .get(path.trim_start_matches("@/"))
            .cloned()
            .ok_or_else(|| format!("get_section: no section `{path}` in content/"))
    }
}

/// The pages' `content/`-relative paths, in the content's order, and where each is.
pub(super) struct PageIndex {
    relatives: Vec<Arc<str>>,
    positions: HashMap<Arc<str>, usize>,
}

impl PageIndex {
    pub(super) fn of(pages: &[Page]) -> Self {
        let relatives: Vec<Arc<str>> = pages
            .iter()
            .map(|page| Arc::clone(&page.source.relative))
            .collect();
        let positions = relatives
            .iter()
            .enumerate()
            .map(|(position, relative)| (Arc::clone(relative), position))
            .collect();
        Self {
            relatives,
            positions,
        }
    }

    /// Whether `pages` are the files this index lists, in its order.
    pub(super) fn lists(&self, pages: &[Page]) -> bool {
        self.relatives.len() == pages.len()
            && self
                .relatives
                .iter()
                .zip(pages)
                .all(|(relative, page)| *relative == page.source.relative)
    }

    pub(super) fn position(&self, relative: &str) -> Option<usize> {
        self.positions.get(relative).copied()
    }
}

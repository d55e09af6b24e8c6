//! Resolved content in, the values templates read out.
//!
//! Each page's summary is made into a template value once and shared (tera values are
//! reference-counted), so a listing of 1,000 pages costs 1,000 summaries for the whole build,
//! not per page that shows it.

use std::hash::{BuildHasher as _, Hash, Hasher as _};
use std::sync::Arc;

use foldhash::HashMap;
use rayon::prelude::*;
use tera::{Context, Value};

use crate::config::{BaseUrl, Config};
use crate::content::{Content, Page};
use crate::markdown::{Heading, LinkTargets, Rendered};

mod figures;
mod lookup;
mod values;

pub use lookup::Lookup;
use lookup::PageIndex;
pub(super) use lookup::of_language;
use values::*;
pub use values::{Pager, Pagination, config};

/// The theme's interface string `key` in `lang`; empty when it has none.
fn words_of(templates: &super::Templates, lang: &str, key: &str) -> String {
    templates
        .translation(key, lang)
        .unwrap_or_default()
        .to_string()
}

/// The values of every page and section, made once per build.
pub struct Views {
    base: BaseUrl,
    sections: Vec<Value>,
    /// Per taxonomy: its value without its terms, and its terms' values.
    taxonomies: Vec<(Value, Vec<Value>)>,
    lookup: Arc<Lookup>,
    /// `page.charts` of each priority area's page, by the page's position.
    area_charts: HashMap<usize, Value>,
}

impl Views {
    /// `sections_rendered[i]` is the Markdown of `content.sections[i]`.
    ///
    /// With `previous` (the views of the same site before a change of its content, and that
    /// content), a page whose text, path and section are the very same keeps its summary, and
    /// counts as unchanged without comparing it.
    pub fn new(
        config: &Config,
        content: &Content,
        sections_rendered: &[Rendered],
        targets: &Arc<LinkTargets>,
        previous: Option<(&Views, &Content)>,
        templates: &Arc<super::Templates>,
    ) -> Self {
        let base = &config.base_url;
        let page_index = match previous {
            Some((views, _)) if views.lookup.page_index.lists(&content.pages) => {
                Arc::clone(&views.lookup.page_index)
            }
            _ => Arc::new(PageIndex::of(&content.pages)),
        };
        let same_pages =
            previous.is_some_and(|(views, _)| Arc::ptr_eq(&views.lookup.page_index, &page_index));
        // Tasks are overdue by the plan's as-of day: when it moves, every summary is made anew.
        let as_of = content.as_of(config.as_of);
        let previous = previous.filter(|(views, _)| views.lookup.as_of == as_of);
        let reusable = |position: usize, page: &Page| -> Option<Value> {
            let (views, before) = previous?;
            let position = if same_pages {
                position
            } else {
                views.lookup.page_index.position(&page.source.relative)?
            };
            let old = &before.pages[position];
            // The same text is the same allocation: the old content is alive, so its text
            // cannot have been freed and reused.
            // A translation's values come from its original's file too: it has front matter of
            // its own, made anew whenever the content is resolved.
            let same = Arc::ptr_eq(&old.source.text, &page.source.text)
                && Arc::ptr_eq(&old.front, &page.front)
                && old.path == page.path
                && section_of(before, old) == section_of(content, page)
                && versions(before, old).eq(versions(content, page));
            same.then(|| views.lookup.pages[position].clone())
        };
        let (pages, reused): (Vec<Value>, Vec<bool>) = content
            .pages
            .par_iter()
            .enumerate()
            .map(|(position, page)| match reusable(position, page) {
                Some(value) => (value, true),
                None => (
                    page_summary(page, content, base, as_of, config.as_of.is_some()),
                    false,
                ),
            })
            .unzip();
        let (sections_meta, sections): (Vec<Value>, Vec<Value>) = content
            .sections
            .iter()
            .zip(sections_rendered)
            .map(|(section, rendered)| section_value(section, rendered, content, &pages, base))
            .unzip();
        let by_relative = |values: &[Value], sources: Vec<&Arc<str>>| {
            sources
                .into_iter()
                .zip(values.iter().cloned())
                .map(|(relative, value)| (Arc::clone(relative), value))
                .collect()
        };
        let (taxonomies, full_taxonomies): (Vec<(Value, Vec<Value>)>, Vec<Value>) = content
            .taxonomies
            .iter()
            .map(|taxonomy| {
                let terms: Vec<Value> = taxonomy
                    .terms
                    .iter()
                    .map(|term| term_value(term, &pages, base))
                    .collect();
                let (meta, full) = taxonomy_value(taxonomy, terms.clone(), base);
                ((meta, terms), full)
            })
            .unzip();
        let term_urls = content
            .taxonomies
            .iter()
            .flat_map(|taxonomy| {
                taxonomy.slugs.iter().map(|(name, slug)| {
                    let url = base.permalink(&format!("{}{slug}/", taxonomy.path));
                    ((taxonomy.key.clone(), name.clone()), url)
                })
            })
            .collect();
        let relative = |page: &usize| content.pages[*page].source.relative.clone();
        let section_pages = content
            .sections
            .iter()
            .map(|section| {
                (
                    section.source.relative.clone(),
                    section.pages.iter().map(relative).collect(),
                )
            })
            .collect();
        let taxonomy_terms = content
            .taxonomies
            .iter()
            .map(|taxonomy| {
                (
                    taxonomy.key.clone(),
                    taxonomy
                        .terms
                        .iter()
                        .map(|term| term.slug.clone())
                        .collect(),
                )
            })
            .collect();
        let term_keys = || {
            content.taxonomies.iter().flat_map(|taxonomy| {
                taxonomy
                    .terms
                    .iter()
                    .map(move |term| ((taxonomy.key.clone(), term.slug.clone()), term))
            })
        };
        let term_pages = term_keys()
            .map(|(key, term)| (key, term.pages.iter().map(relative).collect()))
            .collect();
        let term_names = term_keys()
            .map(|(key, term)| (key, term.name.clone()))
            .collect();
        let lookup = Lookup {
            page_index,
            reused,
            section_pages,
            term_pages,
            term_names,
            taxonomy_terms,
            base: base.clone(),
            taxonomies: content
                .taxonomies
                .iter()
                .zip(full_taxonomies)
                .map(|(taxonomy, value)| (taxonomy.key.clone(), value))
                .collect(),
            term_urls,
            permalinks: Arc::clone(targets),
            sections: by_relative(
                &sections,
                content
                    .sections
                    .iter()
                    .map(|s| &s.source.relative)
                    .collect(),
            ),
            sections_meta: by_relative(
                &sections_meta,
                content
                    .sections
                    .iter()
                    .map(|s| &s.source.relative)
                    .collect(),
            ),
            plans: content
                .editions
                .iter()
                .map(|edition| {
                    let words = |key: &str| words_of(templates, &edition.lang, key);
                    let inputs = PlanInputs {
                        words: &words,
                        base,
                        as_of,
                        as_of_written: config.as_of.is_some(),
                    };
                    (edition.lang.clone(), plan(content, &edition.lang, &inputs))
                })
                .collect(),
            area_texts: content
                .editions
                .iter()
                .flat_map(|edition| {
                    area_texts(content, &edition.lang, targets, config)
                        .map(|(number, text)| ((edition.lang.clone(), number), text))
                })
                .collect(),
            menus: content
                .editions
                .iter()
                .map(|edition| (edition.lang.clone(), menu(content, edition, base)))
                .collect(),
            configs: config
                .languages
                .iter()
                .map(|language| {
                    let value = Value::from_serializable(&values::config(config, language));
                    (Arc::from(language.code.as_str()), value)
                })
                .collect(),
            default_language: config.default_language.as_str().into(),
            as_of,
            prefixes: config
                .languages
                .iter()
                .map(|language| (Arc::from(language.code.as_str()), language.prefix.clone()))
                .collect(),
            addresses_fingerprint: fingerprint(content.addresses()),
            pages,
        };
        let area_charts = content
            .pages
            .iter()
            .enumerate()
            .filter_map(|(index, page)| {
                let area = page.area.as_ref()?;
                let words = |key: &str| words_of(templates, &page.lang, key);
                let charts = figures::AreaCharts::new(page, area, as_of, &words);
                Some((index, Value::from_serializable(&charts)))
            })
            .collect();
        let mut views = Self {
            base: base.clone(),
            sections,
            taxonomies,
            lookup: Arc::new(lookup),
            area_charts,
        };
        views.expand_area_shortcodes(config, content, templates);
        views
    }

    /// The priority areas' texts (`get_area_text`) with their shortcodes, as their pages show
    /// them. A call may read any value of the site, so they are rendered once the others are
    /// made. A text whose call fails stays without shortcodes: its own page reports the error.
    fn expand_area_shortcodes(
        &mut self,
        config: &Config,
        content: &Content,
        templates: &Arc<super::Templates>,
    ) {
        let expanded: Vec<_> = content
            .pages
            .iter()
            .enumerate()
            .filter(|(_, page)| crate::markdown::shortcodes::may_have_calls(page.source.body()))
            .filter_map(|(index, page)| {
                let area = page.area.as_ref()?;
                let context = self.shortcode_context(index);
                let mut shortcodes = templates.shortcodes(&self.lookup, page.lang.clone(), context);
                let options = page_render_options(content, page, config);
                let targets = &self.lookup.permalinks;
                let rendered =
                    crate::markdown::render(&page.source, targets, options, Some(&mut shortcodes));
                Some(((page.lang.clone(), area.number), rendered.ok()?.html))
            })
            .collect();
        if expanded.is_empty() {
            return;
        }
        Arc::get_mut(&mut self.lookup)
            .expect("the shortcodes' renders have ended, and no other holds the lookup")
            .area_texts
            .extend(expanded);
    }

    /// What the template functions search, shared by every render of this build.
    pub fn lookup(&self) -> &Arc<Lookup> {
        &self.lookup
    }

    /// What the shortcodes of page `index` see besides their arguments: `page`, its value
    /// without its content (which they make).
    pub fn shortcode_context(&self, index: usize) -> Context {
        let mut context = Context::new();
        context.insert_value("page", self.lookup.pages[index].clone());
        context
    }

    /// What the shortcodes of the section at `relative` see besides their arguments:
    /// `section`, its value without its pages.
    pub fn section_shortcode_context(&self, relative: &str) -> Context {
        let mut context = Context::new();
        if let Ok(value) = self.lookup.section_meta(relative) {
            context.insert_value("section", value);
        }
        context
    }

    /// The context of a page's template.
    pub fn page_context(&self, content: &Content, index: usize, rendered: &Rendered) -> Context {
        let page = &content.pages[index];
        let neighbour = |other: Option<usize>| {
            other.map_or_else(Value::none, |other| self.lookup.pages[other].clone())
        };
        let permalink = self.base.permalink(&page.path);
        let toc_base = permalink.clone();
        let toc: Vec<Heading> = rendered
            .toc
            .iter()
            .map(|h| absolute(h, &toc_base))
            .collect();
        let value = with_fields(
            &self.lookup.pages[index],
            [
                ("content", Value::safe_string(&rendered.html)),
                (
                    "summary",
                    rendered
                        .summary()
                        .map_or_else(Value::none, Value::safe_string),
                ),
                ("toc", Value::from_serializable(&toc)),
                ("word_count", Value::from(rendered.word_count)),
                ("reading_time", Value::from(rendered.reading_time())),
                ("lower", neighbour(page.lower)),
                ("higher", neighbour(page.higher)),
                (
                    "charts",
                    self.area_charts
                        .get(&index)
                        .cloned()
                        .unwrap_or_else(Value::none),
                ),
            ],
        );
        let mut context = Context::new();
        context.insert_value("page", value);
        context.insert("lang", &*page.lang);
        context.insert("current_path", &page.path);
        context.insert("current_url", &permalink);
        context
    }

    /// The pagers of a section: one, or one per `paginate_by` pages.
    pub fn section_pagers(&self, content: &Content, index: usize) -> Vec<Pager> {
        let section = &content.sections[index];
        let front = &section.front;
        let value = &self.sections[index];
        let pagination = Pagination {
            by: front.paginate_by,
            paginate_path: front
                .paginate_path
                .as_ref()
                .map_or("page", |p| p.get_ref())
                .to_string(),
            reversed: front.paginate_reversed,
        };
        let listing = value
            .get_from_path("pages")
            .cloned()
            .unwrap_or_else(Value::none);
        paginate(&listing, &section.path, &pagination, &self.base)
            .into_iter()
            .map(|(path, paginator)| {
                let mut context = Context::new();
                context.insert_value("section", value.clone());
                context.insert("lang", &*section.lang);
                if let Some(paginator) = paginator {
                    context.insert_value("paginator", paginator);
                }
                Pager {
                    path,
                    context,
                    pagination: Some(pagination.clone()),
                }
            })
            .collect()
    }

    /// The list page of taxonomy `index`: `taxonomy` and `terms`.
    pub fn taxonomy_context(&self, content: &Content, index: usize) -> Pager {
        let (taxonomy, terms) = &self.taxonomies[index];
        let mut context = Context::new();
        context.insert_value("taxonomy", taxonomy.clone());
        context.insert("lang", taxonomy_lang(content, index));
        context.insert_value("terms", Value::from(terms.clone()));
        Pager {
            path: content.taxonomies[index].path.clone(),
            context,
            pagination: None,
        }
    }

    /// The pagers of one term of taxonomy `index`: `taxonomy`, `term` and maybe `paginator`.
    pub fn term_pagers(&self, content: &Content, index: usize, term: usize) -> Vec<Pager> {
        let (taxonomy, terms) = &self.taxonomies[index];
        let term_value = &terms[term];
        let pagination = Pagination {
            by: content.taxonomies[index].paginate_by,
            paginate_path: "page".to_string(),
            reversed: false,
        };
        let listing = term_value
            .get_from_path("pages")
            .cloned()
            .unwrap_or_else(Value::none);
        let path = &content.taxonomies[index].terms[term].path;
        paginate(&listing, path, &pagination, &self.base)
            .into_iter()
            .map(|(path, paginator)| {
                let mut context = Context::new();
                context.insert_value("taxonomy", taxonomy.clone());
                context.insert_value("term", term_value.clone());
                context.insert("lang", taxonomy_lang(content, index));
                if let Some(paginator) = paginator {
                    context.insert_value("paginator", paginator);
                }
                Pager {
                    path,
                    context,
                    pagination: Some(pagination.clone()),
                }
            })
            .collect()
    }
}

/// The language of taxonomy `index`.
fn taxonomy_lang(content: &Content, index: usize) -> &str {
    content
        .editions
        .iter()
        .find(|edition| edition.taxonomies.contains(&index))
        .map_or("", |edition| &edition.lang)
}

/// What a page's summary shows of its versions in other languages.
fn versions<'a>(
    content: &'a Content,
    page: &'a Page,
) -> impl Iterator<Item = (&'a str, &'a str, &'a str, bool)> + 'a {
    page.translations.iter().map(|&index| {
        let version = &content.pages[index];
        (
            &*version.lang,
            &*version.path,
            &*version.front.title,
            version.falls_back_to.is_some(),
        )
    })
}

/// The `content/`-relative path of the section listing `page`.
fn section_of<'a>(content: &'a Content, page: &Page) -> &'a str {
    &content.sections[page.section].source.relative
}

/// A fingerprint of `items` that is the same for the same items within one process.
fn fingerprint<T: Hash>(items: impl Iterator<Item = T>) -> u64 {
    let mut hasher = foldhash::fast::FixedState::default().build_hasher();
    for item in items {
        item.hash(&mut hasher);
    }
    hasher.finish()
}

/// A table-of-contents entry whose permalink includes the page's URL.
fn absolute(heading: &Heading, page_url: &str) -> Heading {
    Heading {
        level: heading.level,
        id: heading.id.clone(),
        title: heading.title.clone(),
        permalink: [page_url, &heading.permalink].concat(),
        children: heading
            .children
            .iter()
            .map(|child| absolute(child, page_url))
            .collect(),
    }
}

//! Resolved content in, the values templates read out.
//!
//! Each page's summary is made into a template value once and shared (tera values are
//! reference-counted), so a listing of 1,000 pages costs 1,000 summaries for the whole build,
//! not per page that shows it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::{BaseUrl, Config};
use crate::content::taxonomy::{Taxonomy, Term};
use crate::content::{Area, Content, Page, Progress, Section};
use crate::markdown::{Heading, Rendered};

use super::Read;

/// What `config` holds in templates.
#[derive(Serialize)]
pub struct ConfigView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: String,
    default_language: &'a str,
    theme: Option<&'a str>,
    extra: &'a toml::Table,
}

pub fn config(config: &Config) -> ConfigView<'_> {
    ConfigView {
        title: &config.title,
        description: &config.description,
        base_url: config.base_url.as_str(),
        default_language: &config.default_language,
        theme: config.theme.as_deref(),
        extra: &config.extra,
    }
}

#[derive(Serialize)]
struct PageSummary<'a> {
    title: &'a str,
    description: &'a str,
    date: Option<String>,
    updated: Option<String>,
    slug: &'a str,
    path: &'a str,
    permalink: String,
    relative_path: &'a str,
    section: &'a str,
    weight: Option<i64>,
    draft: bool,
    aliases: Vec<&'a str>,
    authors: &'a [String],
    taxonomies: BTreeMap<&'a str, &'a [String]>,
    extra: &'a toml::Table,
    area: Option<AreaView<'a>>,
}

#[derive(Serialize)]
struct AreaView<'a> {
    number: u32,
    tasks: Vec<TaskView<'a>>,
    progress: Progress,
}

#[derive(Serialize)]
struct TaskView<'a> {
    title: &'a str,
    status: &'static str,
    status_label: &'static str,
    lead: Option<&'a str>,
    due: Option<String>,
    note: Option<&'a str>,
}

/// An entry of `plan.areas`.
#[derive(Serialize)]
struct PlanAreaView<'a> {
    number: u32,
    title: &'a str,
    description: &'a str,
    permalink: String,
    path: &'a str,
    progress: Progress,
    tasks: Vec<TaskView<'a>>,
}

#[derive(Serialize)]
struct PlanView<'a> {
    areas: Vec<PlanAreaView<'a>>,
    progress: Progress,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    description: &'a str,
    path: &'a str,
    permalink: String,
    relative_path: &'a str,
    content: &'a str,
    summary: Option<&'a str>,
    more: &'a str,
    toc: &'a [Heading],
    word_count: usize,
    reading_time: usize,
    subsections: Vec<&'a str>,
    weight: Option<i64>,
    extra: &'a toml::Table,
}

#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    slug: &'a str,
    path: &'a str,
    permalink: String,
    page_count: usize,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    name: &'a str,
    path: &'a str,
    permalink: String,
}

/// `paginator` in a paginated listing (Zola's fields).
#[derive(Serialize)]
struct PaginatorView {
    paginate_by: usize,
    base_url: String,
    number_pagers: usize,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
    current_index: usize,
    total_pages: usize,
}

/// One page of a listing: where it is written and what its template is given.
pub struct Pager {
    pub path: String,
    pub context: Context,
}

/// How a listing is split: `by` items a page, extra pages at `<path><paginate_path>/<n>/`.
struct Pagination<'a> {
    by: Option<usize>,
    paginate_path: &'a str,
    reversed: bool,
}

fn area_view(area: &Area) -> AreaView<'_> {
    AreaView {
        number: area.number,
        tasks: task_views(area),
        progress: area.progress,
    }
}

fn task_views(area: &Area) -> Vec<TaskView<'_>> {
    area.tasks
        .iter()
        .map(|task| TaskView {
            title: &task.title,
            status: task.status.key(),
            status_label: task.status.label(),
            lead: task.lead.as_deref(),
            due: task.due.map(|due| due.to_string()),
            note: task.note.as_deref(),
        })
        .collect()
}

fn page_summary(page: &Page, content: &Content, base: &BaseUrl) -> Value {
    let front = &page.front;
    Value::from_serializable(&PageSummary {
        title: &front.title,
        description: &front.description,
        date: front.date.map(|date| date.to_string()),
        updated: front.updated.map(|date| date.to_string()),
        slug: &page.slug,
        path: &page.path,
        permalink: base.permalink(&page.path),
        relative_path: &page.source.relative,
        section: &content.sections[page.section].source.relative,
        weight: front.weight,
        draft: front.draft,
        aliases: front
            .aliases
            .iter()
            .map(|alias| alias.get_ref().as_str())
            .collect(),
        authors: &front.authors,
        taxonomies: front
            .taxonomies
            .iter()
            .map(|(name, terms)| (name.get_ref().as_str(), terms.as_slice()))
            .collect(),
        extra: &front.extra,
        area: page.area.as_ref().map(area_view),
    })
}

/// An entry of `menu`.
#[derive(Serialize)]
struct MenuItem<'a> {
    title: &'a str,
    permalink: String,
    path: &'a str,
    relative_path: &'a str,
}

/// The home page's subsections, then its own pages, in their order: what a site menu lists.
fn menu(content: &Content, base: &BaseUrl) -> Value {
    let Some(home) = content.sections.first() else {
        return Value::from(Vec::<Value>::new());
    };
    let sections = home.subsections.iter().map(|&index| {
        let section = &content.sections[index];
        (
            &section.front.title,
            &section.path,
            &section.source.relative,
        )
    });
    let pages = home.pages.iter().map(|&index| {
        let page = &content.pages[index];
        (&page.front.title, &page.path, &page.source.relative)
    });
    let items: Vec<MenuItem<'_>> = sections
        .chain(pages)
        .map(|(title, path, relative)| MenuItem {
            title,
            permalink: base.permalink(path),
            path,
            relative_path: relative,
        })
        .collect();
    Value::from_serializable(&items)
}

fn plan(content: &Content, base: &BaseUrl) -> Value {
    let mut areas: Vec<(&Page, &Area)> = content
        .pages
        .iter()
        .filter_map(|page| Some((page, page.area.as_ref()?)))
        .collect();
    areas.sort_by_key(|(_, area)| area.number);
    let statuses = areas
        .iter()
        .flat_map(|(_, area)| area.tasks.iter().map(|task| &task.status));
    Value::from_serializable(&PlanView {
        progress: Progress::of(statuses),
        areas: areas
            .iter()
            .map(|(page, area)| PlanAreaView {
                number: area.number,
                title: &page.front.title,
                description: &page.front.description,
                permalink: base.permalink(&page.path),
                path: &page.path,
                progress: area.progress,
                tasks: task_views(area),
            })
            .collect(),
    })
}

/// A section's value without and with its `pages`.
fn section_value(
    section: &Section,
    rendered: &Rendered,
    content: &Content,
    pages: &[Value],
    base: &BaseUrl,
) -> (Value, Value) {
    let listing: Vec<Value> = section
        .pages
        .iter()
        .map(|&page| pages[page].clone())
        .collect();
    let view = Value::from_serializable(&SectionView {
        title: &section.front.title,
        description: &section.front.description,
        path: &section.path,
        permalink: base.permalink(&section.path),
        relative_path: &section.source.relative,
        content: &rendered.html,
        summary: rendered.summary(),
        more: rendered.more(),
        toc: &rendered.toc,
        word_count: rendered.word_count,
        reading_time: rendered.reading_time(),
        subsections: section
            .subsections
            .iter()
            .map(|&sub| content.sections[sub].source.relative.as_str())
            .collect(),
        weight: section.front.weight,
        extra: &section.front.extra,
    });
    let full = with_fields(&view, [("pages", Value::from(listing))]);
    (view, full)
}

fn term_value(term: &Term, pages: &[Value], base: &BaseUrl) -> Value {
    let view = Value::from_serializable(&TermView {
        name: &term.name,
        slug: &term.slug,
        path: &term.path,
        permalink: base.permalink(&term.path),
        page_count: term.pages.len(),
    });
    let listing: Vec<Value> = term.pages.iter().map(|&page| pages[page].clone()).collect();
    with_fields(&view, [("pages", Value::from(listing))])
}

/// A taxonomy without its terms (what `taxonomy` is in its templates, as in Zola) and with
/// them (`get_taxonomy`).
fn taxonomy_value(taxonomy: &Taxonomy, terms: Vec<Value>, base: &BaseUrl) -> (Value, Value) {
    let view = Value::from_serializable(&TaxonomyView {
        name: &taxonomy.name,
        path: &taxonomy.path,
        permalink: base.permalink(&taxonomy.path),
    });
    let full = with_fields(&view, [("items", Value::from(terms))]);
    (view, full)
}

/// Splits a listing into pagers. Without `by`, one pager holds everything and has no
/// `paginator`.
fn paginate(
    listing: &Value,
    path: &str,
    pagination: &Pagination<'_>,
    base: &BaseUrl,
) -> Vec<(String, Option<Value>)> {
    let mut items: Vec<Value> = listing.as_array().unwrap_or_default().to_vec();
    if pagination.reversed {
        items.reverse();
    }
    let Some(by) = pagination.by.filter(|by| *by > 0 && !items.is_empty()) else {
        return vec![(path.to_string(), None)];
    };
    let pager_path = |index: usize| match index {
        1 => path.to_string(),
        n => format!("{path}{}/{n}/", pagination.paginate_path),
    };
    let count = items.len().div_ceil(by);
    items
        .chunks(by)
        .enumerate()
        .map(|(zero_based, chunk)| {
            let index = zero_based + 1;
            let paginator = Value::from_serializable(&PaginatorView {
                paginate_by: by,
                base_url: base.permalink(&format!("{path}{}/", pagination.paginate_path)),
                number_pagers: count,
                first: base.permalink(path),
                last: base.permalink(&pager_path(count)),
                previous: (index > 1).then(|| base.permalink(&pager_path(index - 1))),
                next: (index < count).then(|| base.permalink(&pager_path(index + 1))),
                current_index: index,
                total_pages: items.len(),
            });
            let paginator = with_fields(&paginator, [("pages", Value::from(chunk))]);
            (pager_path(index), Some(paginator))
        })
        .collect()
}

/// A copy of the map `base` with `fields` added; the values inside stay shared.
fn with_fields<const N: usize>(base: &Value, fields: [(&'static str, Value); N]) -> Value {
    let mut map: tera::Map = base.as_map().cloned().unwrap_or_default();
    for (key, value) in fields {
        map.insert(key.into(), value);
    }
    Value::from(map)
}

/// What `get_url`, `get_page` and `get_section` find, plus the plan.
pub struct Lookup {
    base: BaseUrl,
    permalinks: HashMap<String, String>,
    pages: HashMap<String, Value>,
    /// Sections with and without their pages.
    sections: HashMap<String, Value>,
    sections_meta: HashMap<String, Value>,
    /// Taxonomy name to its value (with `items`, the terms).
    taxonomies: HashMap<String, Value>,
    /// (taxonomy, term name) to the term's permalink.
    term_urls: HashMap<(String, String), String>,
    /// What the listings hold, for telling what changed without comparing whole listings:
    /// each section's pages, each term's pages and name, each taxonomy's terms.
    section_pages: HashMap<String, Vec<String>>,
    term_pages: HashMap<(String, String), Vec<String>>,
    term_names: HashMap<(String, String), String>,
    taxonomy_terms: HashMap<String, Vec<String>>,
    pub(super) plan: Value,
    pub(super) menu: Value,
}

impl Lookup {
    /// `@/x.md` to its permalink; any other path to the URL of that file in the output.
    pub fn url(&self, path: &str) -> Result<String, String> {
        if let Some(relative) = path.strip_prefix("@/") {
            let (file, anchor) = relative
                .split_once('#')
                .map_or((relative, None), |(f, a)| (f, Some(a)));
            let permalink = self
                .permalinks
                .get(file)
                .ok_or_else(|| format!("get_url: no page or section `@/{file}` in content/"))?;
            return Ok(match anchor {
                Some(anchor) => format!("{permalink}#{anchor}"),
                None => permalink.clone(),
            });
        }
        Ok(self
            .base
            .permalink(&format!("/{}", path.trim_start_matches('/'))))
    }

    pub fn page(&self, path: &str) -> Result<Value, String> {
        self.pages
            .get(path.trim_start_matches("@/"))
            .cloned()
            .ok_or_else(|| format!("get_page: no page `{path}` in content/"))
    }

    pub fn taxonomy(&self, kind: &str) -> Result<Value, String> {
        self.taxonomies
            .get(kind)
            .cloned()
            .ok_or_else(|| format!("get_taxonomy: no taxonomy `{kind}` in site.toml"))
    }

    pub fn term_url(&self, kind: &str, name: &str) -> Result<String, String> {
        if !self.taxonomies.contains_key(kind) {
            return Err(format!(
                "get_taxonomy_url: no taxonomy `{kind}` in site.toml"
            ));
        }
        self.term_urls
            .get(&(kind.to_string(), name.to_string()))
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
                .filter(move |(key, value)| after.get(*key) != Some(value));
            let added = after.keys().filter(move |key| !before.contains_key(*key));
            changed.map(|(key, _)| key).chain(added).cloned()
        }
        let mut reads: HashSet<Read> = HashSet::new();
        let pages: HashSet<String> = differing(&self.pages, &after.pages).collect();
        let shows_a_changed_page = |listing: Option<&Vec<String>>| {
            listing.is_some_and(|listing| listing.iter().any(|page| pages.contains(page)))
        };
        // A listing changed when its pages, their order or one of them changed: comparing
        // whole listings would compare every page again for each listing that shows it.
        let metas: HashSet<String> = differing(&self.sections_meta, &after.sections_meta).collect();
        let listings = differing(&self.section_pages, &after.section_pages);
        let sections: HashSet<String> = metas
            .iter()
            .cloned()
            .chain(listings)
            .chain(
                after
                    .section_pages
                    .iter()
                    .filter(|(_, listing)| shows_a_changed_page(Some(listing)))
                    .map(|(section, _)| section.clone()),
            )
            .collect();
        let terms: HashSet<(String, String)> = differing(&self.term_pages, &after.term_pages)
            .chain(differing(&self.term_names, &after.term_names))
            .chain(
                after
                    .term_pages
                    .iter()
                    .filter(|(_, listing)| shows_a_changed_page(Some(listing)))
                    .map(|(term, _)| term.clone()),
            )
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
        reads.extend(differing(&self.permalinks, &after.permalinks).map(Read::Url));
        if self.plan != after.plan {
            reads.insert(Read::Plan);
        }
        if self.menu != after.menu {
            reads.insert(Read::Menu);
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

/// The values of every page and section, made once per build.
pub struct Views {
    base: BaseUrl,
    pages: Vec<Value>,
    sections: Vec<Value>,
    /// Per taxonomy: its value without its terms, and its terms' values.
    taxonomies: Vec<(Value, Vec<Value>)>,
    lookup: Arc<Lookup>,
}

impl Views {
    /// `sections_rendered[i]` is the Markdown of `content.sections[i]`.
    pub fn new(config: &Config, content: &Content, sections_rendered: &[Rendered]) -> Self {
        let base = &config.base_url;
        let pages: Vec<Value> = content
            .pages
            .par_iter()
            .map(|page| page_summary(page, content, base))
            .collect();
        let (sections_meta, sections): (Vec<Value>, Vec<Value>) = content
            .sections
            .iter()
            .zip(sections_rendered)
            .map(|(section, rendered)| section_value(section, rendered, content, &pages, base))
            .unzip();
        let permalinks = content
            .pages
            .iter()
            .map(|page| (&page.source, &page.path))
            .chain(
                content
                    .sections
                    .iter()
                    .map(|section| (&section.source, &section.path)),
            )
            .map(|(source, path)| (source.relative.clone(), base.permalink(path)))
            .collect();
        let by_relative = |values: &[Value], sources: Vec<&str>| {
            sources
                .into_iter()
                .zip(values.iter().cloned())
                .map(|(relative, value)| (relative.to_string(), value))
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
                let page_terms = content.pages.iter().flat_map(|page| {
                    let written = page
                        .front
                        .taxonomies
                        .iter()
                        .find(|(name, _)| name.get_ref() == &taxonomy.name);
                    written.into_iter().flat_map(|(_, terms)| terms.iter())
                });
                page_terms.map(|name| {
                    let path = format!("{}{}/", taxonomy.path, crate::slug::slugify(name));
                    ((taxonomy.name.clone(), name.clone()), base.permalink(&path))
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
                    taxonomy.name.clone(),
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
                    .map(move |term| ((taxonomy.name.clone(), term.slug.clone()), term))
            })
        };
        let term_pages = term_keys()
            .map(|(key, term)| (key, term.pages.iter().map(relative).collect()))
            .collect();
        let term_names = term_keys()
            .map(|(key, term)| (key, term.name.clone()))
            .collect();
        let lookup = Lookup {
            section_pages,
            term_pages,
            term_names,
            taxonomy_terms,
            base: base.clone(),
            taxonomies: content
                .taxonomies
                .iter()
                .zip(full_taxonomies)
                .map(|(taxonomy, value)| (taxonomy.name.clone(), value))
                .collect(),
            term_urls,
            permalinks,
            pages: by_relative(
                &pages,
                content
                    .pages
                    .iter()
                    .map(|p| p.source.relative.as_str())
                    .collect(),
            ),
            sections: by_relative(
                &sections,
                content
                    .sections
                    .iter()
                    .map(|s| s.source.relative.as_str())
                    .collect(),
            ),
            sections_meta: by_relative(
                &sections_meta,
                content
                    .sections
                    .iter()
                    .map(|s| s.source.relative.as_str())
                    .collect(),
            ),
            plan: plan(content, base),
            menu: menu(content, base),
        };
        Self {
            base: base.clone(),
            pages,
            sections,
            taxonomies,
            lookup: Arc::new(lookup),
        }
    }

    /// What the template functions search, shared by every render of this build.
    pub fn lookup(&self) -> &Arc<Lookup> {
        &self.lookup
    }

    /// The context of a page's template.
    pub fn page_context(&self, content: &Content, index: usize, rendered: &Rendered) -> Context {
        let page = &content.pages[index];
        let neighbour = |other: Option<usize>| {
            other.map_or_else(Value::none, |other| self.pages[other].clone())
        };
        let permalink = self.base.permalink(&page.path);
        let toc_base = permalink.clone();
        let toc: Vec<Heading> = rendered
            .toc
            .iter()
            .map(|h| absolute(h, &toc_base))
            .collect();
        let value = with_fields(
            &self.pages[index],
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
            ],
        );
        let mut context = Context::new();
        context.insert_value("page", value);
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
            paginate_path: front.paginate_path.as_deref().unwrap_or("page"),
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
                if let Some(paginator) = paginator {
                    context.insert_value("paginator", paginator);
                }
                self.pager(path, context)
            })
            .collect()
    }

    /// The list page of taxonomy `index`: `taxonomy` and `terms`.
    pub fn taxonomy_context(&self, content: &Content, index: usize) -> Pager {
        let (taxonomy, terms) = &self.taxonomies[index];
        let mut context = Context::new();
        context.insert_value("taxonomy", taxonomy.clone());
        context.insert_value("terms", Value::from(terms.clone()));
        self.pager(content.taxonomies[index].path.clone(), context)
    }

    /// The pagers of one term of taxonomy `index`: `taxonomy`, `term` and maybe `paginator`.
    pub fn term_pagers(&self, content: &Content, index: usize, term: usize) -> Vec<Pager> {
        let (taxonomy, terms) = &self.taxonomies[index];
        let term_value = &terms[term];
        let pagination = Pagination {
            by: content.taxonomies[index].paginate_by,
            paginate_path: "page",
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
                if let Some(paginator) = paginator {
                    context.insert_value("paginator", paginator);
                }
                self.pager(path, context)
            })
            .collect()
    }

    fn pager(&self, path: String, context: Context) -> Pager {
        Pager { path, context }
    }
}

/// A table-of-contents entry whose permalink includes the page's URL.
fn absolute(heading: &Heading, page_url: &str) -> Heading {
    Heading {
        permalink: format!("{page_url}{}", heading.permalink),
        children: heading
            .children
            .iter()
            .map(|child| absolute(child, page_url))
            .collect(),
        ..heading.clone()
    }
}

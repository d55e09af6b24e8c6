//! Resolved content in, the values templates read out.
//!
//! Each page's summary is made into a template value once and shared (tera values are
//! reference-counted), so a listing of 1,000 pages costs 1,000 summaries for the whole build,
//! not per page that shows it.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::{BaseUrl, Config};
use crate::content::{Area, Content, Page, Progress, Section};
use crate::markdown::{Heading, Rendered};

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

fn section_value(
    section: &Section,
    rendered: &Rendered,
    content: &Content,
    pages: &[Value],
    base: &BaseUrl,
) -> Value {
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
    with_fields(&view, [("pages", Value::from(listing))])
}

/// A copy of the map `base` with `fields` added; the values inside stay shared.
fn with_fields<const N: usize>(base: &Value, fields: [(&'static str, Value); N]) -> Value {
    let mut map: BTreeMap<tera::value::Key<'static>, Value> = base
        .as_map()
        .into_iter()
        .flatten()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
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
    sections: HashMap<String, Value>,
    pub(super) plan: Value,
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
}

impl Views {
    /// `sections_rendered[i]` is the Markdown of `content.sections[i]`.
    pub fn new(
        config: &Config,
        content: &Content,
        sections_rendered: &[Rendered],
    ) -> (Self, Lookup) {
        let base = &config.base_url;
        let pages: Vec<Value> = content
            .pages
            .par_iter()
            .map(|page| page_summary(page, content, base))
            .collect();
        let sections: Vec<Value> = content
            .sections
            .iter()
            .zip(sections_rendered)
            .map(|(section, rendered)| section_value(section, rendered, content, &pages, base))
            .collect();
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
        let lookup = Lookup {
            base: base.clone(),
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
            plan: plan(content, base),
        };
        let views = Self {
            base: base.clone(),
            pages,
            sections,
        };
        (views, lookup)
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

    /// The context of a section's template.
    pub fn section_context(&self, content: &Content, index: usize) -> Context {
        let section = &content.sections[index];
        let mut context = Context::new();
        context.insert_value("section", self.sections[index].clone());
        context.insert("current_path", &section.path);
        context.insert("current_url", &self.base.permalink(&section.path));
        context
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

//! The values templates read, made from resolved content: page summaries, sections, the
//! plan, the menu, taxonomies and paginators. Each is serialized once into a shared tera value.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, Value};

use crate::config::{BaseUrl, Config, Highlighting, Language};
use crate::content::front_matter::Date;
use crate::content::taxonomy::{Taxonomy, Term};
use crate::content::{Area, Content, Edition, Page, Progress, Section};
use crate::markdown::{Heading, LinkTargets, Rendered};

use super::figures::{self, PlanCharts, Words};

/// What `config` holds in templates.
#[derive(Serialize)]
pub struct ConfigView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: String,
    default_language: &'a str,
    theme: Option<&'a str>,
    build_search_index: bool,
    generate_feeds: bool,
    author: Option<&'a str>,
    markdown: MarkdownView,
    extra: &'a toml::Table,
}

/// What `config.markdown` holds: Zola's keys a theme tests to link the code stylesheet.
#[derive(Serialize)]
struct MarkdownView {
    highlight_code: bool,
    /// `css` for classes, else the built-in theme's name (syntect's).
    highlight_theme: &'static str,
    bottom_footnotes: bool,
}

/// `config` in templates: the site's settings, with the title and description of the
/// language being rendered (as Zola gives them).
pub fn config<'a>(config: &'a Config, language: &'a Language) -> ConfigView<'a> {
    ConfigView {
        title: &language.title,
        description: &language.description,
        base_url: config.base_url.as_str(),
        default_language: &config.default_language,
        theme: config.theme.as_deref(),
        build_search_index: language.search_index,
        generate_feeds: language.feeds,
        author: config.author.as_deref(),
        markdown: MarkdownView {
            highlight_code: config.markdown.highlighting != Highlighting::Off,
            highlight_theme: match config.markdown.highlighting {
                Highlighting::Inline(theme) => theme,
                Highlighting::Classes | Highlighting::Off => "css",
            },
            bottom_footnotes: config.markdown.bottom_footnotes,
        },
        extra: &language.extra,
    }
}

#[derive(Serialize)]
pub(super) struct PageSummary<'a> {
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
    lang: &'a str,
    /// Whether it shows the default language's text, its translation being missing.
    fallback: bool,
    translations: Vec<TranslationView<'a>>,
}

/// An entry of a page's or section's `translations` (Zola's fields, and whether it is a
/// fallback to the default language's text).
#[derive(Serialize)]
pub(super) struct TranslationView<'a> {
    lang: &'a str,
    title: &'a str,
    permalink: String,
    path: &'a str,
    fallback: bool,
}

/// The `translations` of a page or section.
fn translation_views<'a>(
    versions: &[usize],
    of: impl Fn(usize) -> (&'a str, &'a str, &'a str, bool),
    base: &BaseUrl,
) -> Vec<TranslationView<'a>> {
    versions
        .iter()
        .map(|&index| {
            let (lang, title, path, fallback) = of(index);
            TranslationView {
                lang,
                title,
                permalink: base.permalink(path),
                path,
                fallback,
            }
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct AreaView<'a> {
    number: u32,
    tasks: Vec<TaskView<'a>>,
    progress: Progress,
    /// The plan's as-of day (as `plan.as_of`), by which its tasks are overdue: a page shows
    /// it without reading the whole plan.
    as_of: Option<String>,
    as_of_written: bool,
}

#[derive(Serialize)]
pub(super) struct TaskView<'a> {
    id: &'a str,
    /// The id of its element on the area's page: `task-5.3`.
    anchor: String,
    title: &'a str,
    status: &'static str,
    status_label: &'static str,
    /// The day of the update that set its status, if its history says.
    status_since: Option<String>,
    lead: Option<&'a str>,
    partners: &'a [String],
    due: Option<String>,
    due_text: Option<&'a str>,
    note: Option<&'a str>,
    /// The latest update's note, else its own.
    latest_note: Option<&'a str>,
    /// Due before the plan's as-of date and not done.
    overdue: bool,
    updates: Vec<UpdateView<'a>>,
    extra: &'a toml::Table,
}

#[derive(Serialize)]
pub(super) struct UpdateView<'a> {
    date: String,
    status: &'static str,
    note: Option<&'a str>,
}

/// An entry of `plan.history`: how many tasks stood at each status on a day.
#[derive(Serialize)]
pub(super) struct HistoryPoint {
    date: String,
    done: usize,
    in_progress: usize,
    at_risk: usize,
    planned: usize,
}

/// An entry of `plan.overdue`.
#[derive(Serialize)]
pub(super) struct OverdueView<'a> {
    id: &'a str,
    title: &'a str,
    due: String,
    area: u32,
    area_title: &'a str,
    /// The task on its area's page.
    permalink: String,
}

/// An entry of `plan.areas`.
#[derive(Serialize)]
pub(super) struct PlanAreaView<'a> {
    number: u32,
    title: &'a str,
    description: &'a str,
    permalink: String,
    path: &'a str,
    progress: Progress,
    tasks: Vec<TaskView<'a>>,
}

#[derive(Serialize)]
pub(super) struct PlanView<'a> {
    areas: Vec<PlanAreaView<'a>>,
    progress: Progress,
    /// The day the plan's state is given for: site.toml's `as_of`, else the latest update's.
    as_of: Option<String>,
    /// Whether `as_of` is written in site.toml (else it is the latest update's day).
    as_of_written: bool,
    history: Vec<HistoryPoint>,
    overdue: Vec<OverdueView<'a>>,
    charts: PlanCharts,
}

#[derive(Serialize)]
pub(super) struct SectionView<'a> {
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
    generate_feeds: bool,
    extra: &'a toml::Table,
    lang: &'a str,
    fallback: bool,
    translations: Vec<TranslationView<'a>>,
}

#[derive(Serialize)]
pub(super) struct TermView<'a> {
    name: &'a str,
    slug: &'a str,
    path: &'a str,
    permalink: String,
    page_count: usize,
}

#[derive(Serialize)]
pub(super) struct TaxonomyView<'a> {
    name: &'a str,
    path: &'a str,
    permalink: String,
    feed: bool,
}

/// `paginator` in a paginated listing (Zola's fields).
#[derive(Serialize)]
pub(super) struct PaginatorView {
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
    /// How its listing was split, when it is one pager of a listing.
    pub pagination: Option<Pagination>,
}

/// How a listing is split: `by` items a page, extra pages at `<path><paginate_path>/<n>/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pagination {
    pub by: Option<usize>,
    pub paginate_path: String,
    pub reversed: bool,
}

pub(super) fn area_view(area: &Area, as_of: Option<Date>, as_of_written: bool) -> AreaView<'_> {
    AreaView {
        number: area.number,
        tasks: task_views(area, as_of),
        progress: area.progress,
        as_of: as_of.map(|day| day.to_string()),
        as_of_written,
    }
}

pub(super) fn task_views(area: &Area, as_of: Option<Date>) -> Vec<TaskView<'_>> {
    area.tasks
        .iter()
        .map(|task| TaskView {
            id: &task.id,
            anchor: format!("task-{}", task.id),
            title: &task.title,
            status: task.status.key(),
            status_label: task.status.label(),
            status_since: task.status_since.map(|date| date.to_string()),
            lead: task.lead.as_deref(),
            partners: &task.partners,
            due: task.due.map(|due| due.to_string()),
            due_text: task.due_text.as_deref(),
            note: task.note.as_deref(),
            latest_note: task.latest_note(),
            overdue: as_of.is_some_and(|day| task.is_overdue(day.day())),
            updates: task
                .updates
                .iter()
                .map(|update| UpdateView {
                    date: update.date.to_string(),
                    status: update.status.key(),
                    note: update.note.as_deref(),
                })
                .collect(),
            extra: &task.extra,
        })
        .collect()
}

/// How many of the plan's tasks stood at each status on each day an update was made (and on
/// the as-of day, when it is later).
pub(super) fn page_summary(
    page: &Page,
    content: &Content,
    base: &BaseUrl,
    as_of: Option<Date>,
    as_of_written: bool,
) -> Value {
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
        area: page
            .area
            .as_ref()
            .map(|area| area_view(area, as_of, as_of_written)),
        lang: &page.lang,
        fallback: page.falls_back_to.is_some(),
        translations: translation_views(
            &page.translations,
            |index| {
                let version = &content.pages[index];
                (
                    &*version.lang,
                    &*version.front.title,
                    &*version.path,
                    version.falls_back_to.is_some(),
                )
            },
            base,
        ),
    })
}

/// An entry of `menu`.
#[derive(Serialize)]
pub(super) struct MenuItem<'a> {
    title: &'a str,
    permalink: String,
    path: &'a str,
    relative_path: &'a str,
}

/// The home page's subsections, then its own pages, in their order: what a site menu lists.
pub(super) fn menu(content: &Content, edition: &Edition, base: &BaseUrl) -> Value {
    let Some(home) = edition.home().map(|home| &content.sections[home]) else {
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

/// What `plan` is made from besides the content.
pub(super) struct PlanInputs<'a> {
    pub base: &'a BaseUrl,
    pub as_of: Option<Date>,
    pub as_of_written: bool,
    /// The theme's interface string of a key in the plan's language (empty when it has none).
    pub words: Words<'a>,
}

pub(super) fn plan(content: &Content, lang: &str, inputs: &PlanInputs<'_>) -> Value {
    let PlanInputs {
        base,
        as_of,
        as_of_written,
        ..
    } = *inputs;
    let areas = content.areas(lang);
    let overdue = areas
        .iter()
        .flat_map(|(page, area)| area.tasks.iter().map(move |task| (page, area, task)))
        .filter(|(_, _, task)| as_of.is_some_and(|day| task.is_overdue(day.day())))
        .filter_map(|(page, area, task)| {
            Some(OverdueView {
                id: &task.id,
                title: &task.title,
                due: task.due?.to_string(),
                area: area.number,
                area_title: &page.front.title,
                permalink: format!("{}#task-{}", base.permalink(&page.path), task.id),
            })
        })
        .collect();
    let history = figures::history(&areas, as_of)
        .into_iter()
        .map(|(day, counts)| HistoryPoint {
            date: day.to_string(),
            done: counts.done,
            in_progress: counts.in_progress,
            at_risk: counts.at_risk,
            planned: counts.planned,
        })
        .collect();
    let charts = PlanCharts::new(&areas, as_of, inputs.words);
    Value::from_serializable(&PlanView {
        as_of: as_of.map(|day| day.to_string()),
        as_of_written,
        history,
        charts,
        overdue,
        progress: content.progress(lang),
        areas: areas
            .iter()
            .map(|(page, area)| PlanAreaView {
                number: area.number,
                title: &page.front.title,
                description: &page.front.description,
                permalink: base.permalink(&page.path),
                path: &page.path,
                progress: area.progress,
                tasks: task_views(area, as_of),
            })
            .collect(),
    })
}

/// The text of each priority area of language `lang` as HTML, as its page renders it without
/// shortcodes, by area number (a problem in it is the page's to report).
pub(super) fn area_texts(
    content: &Content,
    lang: &str,
    targets: &LinkTargets,
    config: &Config,
) -> impl Iterator<Item = (u32, String)> {
    content.areas(lang).into_iter().map(move |(page, area)| {
        let options = page_render_options(content, page, config);
        let html = crate::markdown::render(&page.source, targets, options, None)
            .map(|rendered| rendered.html)
            .unwrap_or_default();
        (area.number, html)
    })
}

/// How the Markdown of `page` is rendered: with its section's anchor links and the site's
/// settings.
pub(super) fn page_render_options(
    content: &Content,
    page: &Page,
    config: &Config,
) -> crate::markdown::RenderOptions {
    crate::markdown::RenderOptions {
        anchor_links: content.sections[page.section].front.insert_anchor_links,
        anchors: config.slugify.anchors,
        markdown: config.markdown,
    }
}

/// A section's value without and with its `pages`.
pub(super) fn section_value(
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
            .map(|&sub| &*content.sections[sub].source.relative)
            .collect(),
        weight: section.front.weight,
        generate_feeds: section.front.generate_feeds,
        extra: &section.front.extra,
        lang: &section.lang,
        fallback: section.falls_back_to.is_some(),
        translations: translation_views(
            &section.translations,
            |index| {
                let version = &content.sections[index];
                (
                    &*version.lang,
                    &*version.front.title,
                    &*version.path,
                    version.falls_back_to.is_some(),
                )
            },
            base,
        ),
    });
    let full = with_fields(&view, [("pages", Value::from(listing))]);
    (view, full)
}

pub(super) fn term_value(term: &Term, pages: &[Value], base: &BaseUrl) -> Value {
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
pub(super) fn taxonomy_value(
    taxonomy: &Taxonomy,
    terms: Vec<Value>,
    base: &BaseUrl,
) -> (Value, Value) {
    let view = Value::from_serializable(&TaxonomyView {
        name: &taxonomy.name,
        path: &taxonomy.path,
        permalink: base.permalink(&taxonomy.path),
        feed: taxonomy.feed,
    });
    let full = with_fields(&view, [("items", Value::from(terms))]);
    (view, full)
}

/// Splits a listing into pagers. Without `by`, one pager holds everything and has no
/// `paginator`.
pub(super) fn paginate(
    listing: &Value,
    path: &str,
    pagination: &Pagination,
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
pub(super) fn with_fields<const N: usize>(
    base: &Value,
    fields: [(&'static str, Value); N],
) -> Value {
    let mut map: tera::Map = base.as_map().cloned().unwrap_or_default();
    for (key, value) in fields {
        map.insert(key.into(), value);
    }
    Value::from(map)
}

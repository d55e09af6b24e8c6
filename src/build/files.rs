//! The site files that are not pages, made from the same resolved content: `sitemap.xml`,
//! `robots.txt`, and the plan's data exports `plan.json` and `tasks.csv`.
//!
//! `plan.json` follows a versioned schema (see README): `version` changes only when a field
//! changes meaning or goes away. `tasks.csv` is one row per task, UTF-8 with a byte order
//! mark so that spreadsheet programs read Chinese text correctly.

use std::io::Write as _;

use crate::diagnostic::Diagnostic;
use serde::Serialize;

use super::state::State;
use crate::config::Language;
use crate::content::front_matter::Date;
use crate::content::{Area, Progress};
use crate::templates::{Read, escape_html};

/// The version of `plan.json`'s schema.
pub const PLAN_SCHEMA_VERSION: u32 = 2;
const BYTE_ORDER_MARK: &str = "\u{feff}";

/// A site file besides the pages. The exports are per language, by the index of its edition
/// (`Content::editions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteFile {
    Sitemap,
    Robots,
    PlanJson(usize),
    TasksCsv(usize),
    /// The Atom feed of status updates (`updates.xml`).
    UpdatesFeed(usize),
    /// The task list and its updates as an Excel workbook (`tasks.xlsx`).
    TasksXlsx(usize),
    /// The colours of highlighted code, by its index in `Config::code_stylesheets`.
    CodeStylesheet(usize),
}

impl SiteFile {
    /// The files `state`'s configuration asks for.
    pub fn wanted(state: &State) -> Vec<Self> {
        let generate = state.config.generate;
        let content = &state.content;
        let mut files: Vec<Self> = [
            (Self::Sitemap, generate.sitemap),
            (Self::Robots, generate.robots_txt),
        ]
        .into_iter()
        .filter_map(|(file, wanted)| wanted.then_some(file))
        .collect();
        files.extend((0..state.config.code_stylesheets.len()).map(Self::CodeStylesheet));
        for (index, edition) in content.editions.iter().enumerate() {
            let has_plan = content.pages[edition.pages.clone()]
                .iter()
                .any(|page| page.area.is_some());
            if generate.exports && has_plan {
                files.extend([
                    Self::PlanJson(index),
                    Self::TasksCsv(index),
                    Self::TasksXlsx(index),
                ]);
            }
            if has_plan && language(state, index).feeds {
                files.push(Self::UpdatesFeed(index));
            }
        }
        files
    }

    pub fn path(self, state: &State) -> String {
        let prefix = |edition: usize| &language(state, edition).prefix;
        match self {
            Self::Sitemap => "/sitemap.xml".to_string(),
            Self::Robots => "/robots.txt".to_string(),
            Self::PlanJson(edition) => format!("{}/plan.json", prefix(edition)),
            Self::TasksCsv(edition) => format!("{}/tasks.csv", prefix(edition)),
            Self::TasksXlsx(edition) => format!("{}/tasks.xlsx", prefix(edition)),
            Self::UpdatesFeed(edition) => {
                format!("{}/{}", prefix(edition), super::feeds::UPDATES_FILE_NAME)
            }
            Self::CodeStylesheet(index) => state.config.code_stylesheets[index].path.clone(),
        }
    }

    /// What the file shows, for live updates.
    pub fn reads(self, state: &State) -> Vec<Read> {
        match self {
            Self::Sitemap => vec![Read::Addresses],
            Self::Robots | Self::CodeStylesheet(_) => Vec::new(),
            Self::PlanJson(edition)
            | Self::TasksCsv(edition)
            | Self::TasksXlsx(edition)
            | Self::UpdatesFeed(edition) => {
                vec![Read::Plan(state.content.editions[edition].lang.clone())]
            }
        }
    }

    pub fn render(self, state: &State) -> Result<Vec<u8>, Diagnostic> {
        Ok(match self {
            Self::Sitemap => sitemap(state),
            Self::Robots => robots(state).into_bytes(),
            Self::PlanJson(edition) => plan_json(state, edition),
            Self::TasksCsv(edition) => tasks_csv(state, edition),
            Self::TasksXlsx(edition) => tasks_xlsx(state, edition)?,
            Self::UpdatesFeed(edition) => super::feeds::updates(state, edition),
            Self::CodeStylesheet(index) => match state.config.code_stylesheets[index].theme {
                Some(theme) => crate::markdown::highlight::theme_css(theme),
                None => crate::markdown::highlight::default_stylesheet(),
            }
            .into_bytes(),
        })
    }
}

/// The language of the edition at `index`.
fn language(state: &State, index: usize) -> &Language {
    let lang = &state.content.editions[index].lang;
    state
        .config
        .language(lang)
        .unwrap_or_else(|| state.config.default_language())
}

/// The characters a URL path may hold as they are; the others are percent-encoded (UTF-8).
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The absolute URL of `path`, percent-encoded as a sitemap requires (`/基础教育/` is
/// `/%E5%9F%BA...`), escaped for XML.
fn loc(base: &str, path: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(path, PATH).to_string();
    escape_html(&format!("{base}{encoded}"))
}

/// Every page, section and taxonomy page, with the page's last change where it says, and the
/// versions of a page in the site's other languages (`hreflang` alternates, with
/// `x-default` the default language's).
fn sitemap(state: &State) -> Vec<u8> {
    let content = &state.content;
    let mut entries: Vec<(&str, Option<Date>)> = content.addresses().collect();
    // Sorted by address; a stable sort keeps the order fixed should two share one.
    entries.sort_by_key(|(path, _)| *path);
    let base = state.config.base_url.as_str();
    let mut alternates: foldhash::HashMap<&str, Vec<(&str, &str)>> = foldhash::HashMap::default();
    if state.config.is_multilingual() {
        let pages = content
            .pages
            .iter()
            .map(|page| (&page.path, &page.translations));
        let versions = |translations: &Vec<usize>, of_page: bool| -> Vec<(&str, &str)> {
            translations
                .iter()
                .map(|&index| {
                    if of_page {
                        let page = &content.pages[index];
                        (&*page.lang, page.path.as_str())
                    } else {
                        let section = &content.sections[index];
                        (&*section.lang, section.path.as_str())
                    }
                })
                .collect()
        };
        for (path, translations) in pages {
            alternates.insert(path, versions(translations, true));
        }
        for section in &content.sections {
            alternates.insert(&section.path, versions(&section.translations, false));
        }
    }
    let mut xml = Vec::with_capacity(100 * entries.len());
    xml.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.extend_from_slice(if alternates.is_empty() {
        b"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n".as_slice()
    } else {
        b"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
          xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n"
            .as_slice()
    });
    for (path, changed) in entries {
        xml.extend_from_slice(b"  <url>\n    <loc>");
        xml.extend_from_slice(loc(&base, path).as_bytes());
        xml.extend_from_slice(b"</loc>\n");
        if let Some(changed) = changed {
            // A date's text holds no markup characters: it needs no escaping.
            writeln!(xml, "    <lastmod>{changed}</lastmod>")
                .expect("writing to a Vec cannot fail");
        }
        let versions = alternates.get(path).map_or(&[][..], Vec::as_slice);
        if versions.len() > 1 {
            for (lang, href) in versions {
                let href = loc(&base, href);
                writeln!(
                    xml,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{href}\"/>",
                    escape_html(lang)
                )
                .expect("writing to a Vec cannot fail");
            }
            let href = loc(&base, versions[0].1);
            writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{href}\"/>"
            )
            .expect("writing to a Vec cannot fail");
        }
        xml.extend_from_slice(b"  </url>\n");
    }
    xml.extend_from_slice(b"</urlset>\n");
    xml
}

fn robots(state: &State) -> String {
    format!(
        "User-agent: *\nDisallow:\nAllow: /\nSitemap: {}\n",
        state.config.base_url.permalink("/sitemap.xml")
    )
}

#[derive(Serialize)]
struct PlanExport<'a> {
    version: u32,
    language: &'a str,
    title: &'a str,
    description: &'a str,
    url: String,
    /// The day the state is given for (see `Content::as_of`).
    as_of: Option<String>,
    progress: Progress,
    areas: Vec<AreaExport<'a>>,
}

#[derive(Serialize)]
struct AreaExport<'a> {
    number: u32,
    title: &'a str,
    description: &'a str,
    url: String,
    progress: Progress,
    tasks: Vec<TaskExport<'a>>,
}

#[derive(Serialize)]
struct TaskExport<'a> {
    /// Stable in the plan: `5.3`.
    id: &'a str,
    title: &'a str,
    status: &'static str,
    status_since: Option<String>,
    lead: Option<&'a str>,
    partners: &'a [String],
    due: Option<String>,
    due_text: Option<&'a str>,
    note: Option<&'a str>,
    overdue: bool,
    updates: Vec<UpdateExport<'a>>,
}

#[derive(Serialize)]
struct UpdateExport<'a> {
    date: String,
    status: &'static str,
    note: Option<&'a str>,
}

fn task_exports(area: &Area, as_of: Option<Date>) -> Vec<TaskExport<'_>> {
    area.tasks
        .iter()
        .map(|task| TaskExport {
            id: &task.id,
            title: &task.title,
            status: task.status.key(),
            status_since: task.status_since.map(|date| date.to_string()),
            lead: task.lead.as_deref(),
            partners: &task.partners,
            due: task.due.map(|due| due.to_string()),
            due_text: task.due_text.as_deref(),
            note: task.note.as_deref(),
            overdue: as_of.is_some_and(|day| task.is_overdue(day.day())),
            updates: task
                .updates
                .iter()
                .map(|update| UpdateExport {
                    date: update.date.to_string(),
                    status: update.status.key(),
                    note: update.note.as_deref(),
                })
                .collect(),
        })
        .collect()
}

fn plan_json(state: &State, edition: usize) -> Vec<u8> {
    let base = &state.config.base_url;
    let as_of = state.content.as_of(state.config.as_of);
    let language = language(state, edition);
    let areas = state.content.areas(&language.code);
    let export = PlanExport {
        version: PLAN_SCHEMA_VERSION,
        language: &language.code,
        title: &language.title,
        description: &language.description,
        url: base.permalink(&format!("{}/", language.prefix)),
        as_of: as_of.map(|day| day.to_string()),
        progress: state.content.progress(&language.code),
        areas: areas
            .iter()
            .map(|(page, area)| AreaExport {
                number: area.number,
                title: &page.front.title,
                description: &page.front.description,
                url: base.permalink(&page.path),
                progress: area.progress,
                tasks: task_exports(area, as_of),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&export).expect("plain data serializes");
    json.push(b'\n');
    json
}

/// The columns of `tasks.csv`: the key of each one's header in the theme's translation
/// tables, and its header when the theme has none.
const COLUMNS: [(&str, &str); 13] = [
    ("csv_task", "task"),
    ("csv_title", "title"),
    ("csv_status", "status"),
    ("csv_status_since", "status_since"),
    ("csv_lead", "lead"),
    ("csv_partners", "partners"),
    ("csv_due", "due"),
    ("csv_due_text", "due_text"),
    ("csv_note", "note"),
    ("csv_overdue", "overdue"),
    ("csv_area", "area"),
    ("csv_area_title", "area_title"),
    ("csv_area_url", "area_url"),
];

/// A task id as spreadsheet programs keep it as text: `="1.10"` (read as a number, `1.10`
/// would become `1.1`).
fn as_text_cell(id: &str) -> String {
    format!("=\"{}\"", id.replace('"', "\"\""))
}

fn tasks_csv(state: &State, edition: usize) -> Vec<u8> {
    let base = &state.config.base_url;
    let language = language(state, edition);
    let as_of = state.content.as_of(state.config.as_of);
    let mut writer = csv::Writer::from_writer(BYTE_ORDER_MARK.as_bytes().to_vec());
    let header = COLUMNS.map(|(key, fallback)| {
        state
            .templates
            .translation(key, &language.code)
            .unwrap_or(fallback)
    });
    writer.write_record(header).expect("writing to memory");
    let yes = state
        .templates
        .translation("csv_yes", &language.code)
        .unwrap_or("yes");
    for (page, area) in state.content.areas(&language.code) {
        let url = base.permalink(&page.path);
        let number = area.number.to_string();
        for task in task_exports(area, as_of) {
            let (id, since) = (as_text_cell(task.id), task.status_since.unwrap_or_default());
            let (partners, due) = (task.partners.join("; "), task.due.unwrap_or_default());
            let record = [
                id.as_str(),
                task.title,
                task.status,
                &since,
                task.lead.unwrap_or_default(),
                &partners,
                &due,
                task.due_text.unwrap_or_default(),
                task.note.unwrap_or_default(),
                if task.overdue { yes } else { "" },
                &number,
                &page.front.title,
                &url,
            ];
            writer.write_record(record).expect("writing to memory");
        }
    }
    writer.into_inner().expect("writing to memory")
}

/// `tasks.xlsx`: a sheet of tasks (ids as text, typed dates) and one of their updates, with
/// sheet names and headers in the language. Dated by the plan's as-of day, so that a build
/// of the same plan writes the same bytes.
fn tasks_xlsx(state: &State, edition: usize) -> Result<Vec<u8>, Diagnostic> {
    use crate::xlsx::{Due, Labels, TaskHeaders, TaskRow, UpdateHeaders, UpdateRow};
    let base = &state.config.base_url;
    let language = language(state, edition);
    let lang = language.code.as_str();
    let word = |key: &str, fallback: &str| {
        state
            .templates
            .translation(key, lang)
            .unwrap_or(fallback)
            .to_string()
    };
    let status_label = |status: crate::content::front_matter::Status| {
        word(&format!("status_{}", status.key()), status.label())
    };
    let labels = Labels {
        title: language.title.clone(),
        tasks_sheet: word("xlsx_tasks_sheet", "Tasks"),
        updates_sheet: word("xlsx_updates_sheet", "Updates"),
        tasks: TaskHeaders {
            id: word("csv_task", "task"),
            area: word("csv_area", "area"),
            area_title: word("csv_area_title", "area_title"),
            title: word("csv_title", "title"),
            status: word("csv_status", "status"),
            status_label: word("xlsx_status_label", "status_label"),
            lead: word("csv_lead", "lead"),
            partners: word("csv_partners", "partners"),
            due: word("csv_due", "due"),
            status_since: word("csv_status_since", "status_since"),
            note: word("csv_note", "note"),
            url: word("csv_area_url", "area_url"),
        },
        updates: UpdateHeaders {
            task: word("csv_task", "task"),
            date: word("xlsx_date", "date"),
            status: word("csv_status", "status"),
            status_label: word("xlsx_status_label", "status_label"),
            note: word("csv_note", "note"),
        },
    };
    let (mut tasks, mut updates) = (Vec::new(), Vec::new());
    for (page, area) in state.content.areas(lang) {
        let url = base.permalink(&page.path);
        for task in &area.tasks {
            let due = match (&task.due_text, task.due) {
                (Some(text), _) => Some(Due::Text(text.clone())),
                (None, Some(date)) => Some(Due::Date(date.day())),
                (None, None) => None,
            };
            tasks.push(TaskRow {
                id: task.id.clone(),
                area: area.number,
                area_title: page.front.title.clone(),
                title: task.title.clone(),
                status: task.status.key().to_string(),
                status_label: status_label(task.status),
                lead: task.lead.clone().unwrap_or_default(),
                partners: task.partners.join("; "),
                due,
                status_since: task.status_since.map(Date::day),
                note: task.latest_note().unwrap_or_default().to_string(),
                url: format!("{url}#task-{}", task.id),
            });
            updates.extend(task.updates.iter().map(|update| UpdateRow {
                task: task.id.clone(),
                date: update.date.day(),
                status: update.status.key().to_string(),
                status_label: status_label(update.status),
                note: update.note.clone().unwrap_or_default(),
            }));
        }
    }
    let created = state
        .content
        .as_of(state.config.as_of)
        .map_or(jiff::civil::date(2000, 1, 1), Date::day);
    crate::xlsx::workbook(&labels, created, &tasks, &updates).map_err(|error| {
        Diagnostic::file(
            crate::content::CONTENT_DIR,
            format!("the plan does not fit a spreadsheet: {error:#}"),
        )
        .with_hint("a workbook holds 1,048,575 rows of tasks and of updates; the rest of the site is fine: leave out the exports with `generate_exports = false` in site.toml")
    })
}

//! The site files that are not pages, made from the same resolved content: `sitemap.xml`,
//! `robots.txt`, and the plan's data exports `plan.json` and `tasks.csv`.
//!
//! `plan.json` follows a versioned schema (see README): `version` changes only when a field
//! changes meaning or goes away. `tasks.csv` is one row per task, UTF-8 with a byte order
//! mark so that spreadsheet programs read Chinese text correctly.

use std::io::Write as _;

use serde::Serialize;

use super::state::State;
use crate::content::front_matter::Date;
use crate::content::{Area, Progress};
use crate::templates::{Read, escape_html};

/// The version of `plan.json`'s schema.
pub const PLAN_SCHEMA_VERSION: u32 = 1;
const BYTE_ORDER_MARK: &str = "\u{feff}";

/// A site file besides the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteFile {
    Sitemap,
    Robots,
    PlanJson,
    TasksCsv,
}

impl SiteFile {
    /// The files `state`'s configuration asks for.
    pub fn wanted(state: &State) -> Vec<Self> {
        let generate = state.config.generate;
        let has_plan = state.content.pages.iter().any(|page| page.area.is_some());
        [
            (Self::Sitemap, generate.sitemap),
            (Self::Robots, generate.robots_txt),
            (Self::PlanJson, generate.exports && has_plan),
            (Self::TasksCsv, generate.exports && has_plan),
        ]
        .into_iter()
        .filter_map(|(file, wanted)| wanted.then_some(file))
        .collect()
    }

    pub fn path(self) -> &'static str {
        match self {
            Self::Sitemap => "/sitemap.xml",
            Self::Robots => "/robots.txt",
            Self::PlanJson => "/plan.json",
            Self::TasksCsv => "/tasks.csv",
        }
    }

    /// What the file shows, for live updates.
    pub fn reads(self) -> Vec<Read> {
        match self {
            Self::Sitemap => vec![Read::Addresses],
            Self::Robots => Vec::new(),
            Self::PlanJson | Self::TasksCsv => vec![Read::Plan],
        }
    }

    pub fn render(self, state: &State) -> Vec<u8> {
        match self {
            Self::Sitemap => sitemap(state),
            Self::Robots => robots(state).into_bytes(),
            Self::PlanJson => plan_json(state),
            Self::TasksCsv => tasks_csv(state),
        }
    }
}

/// Every page, section and taxonomy page, with the page's last change where it says.
fn sitemap(state: &State) -> Vec<u8> {
    let mut entries: Vec<(&str, Option<Date>)> = state.content.addresses().collect();
    // Sorted by address; a stable sort keeps the order fixed should two share one.
    entries.sort_by_key(|(path, _)| *path);
    let base = escape_html(&state.config.base_url.as_str());
    let mut xml = Vec::with_capacity(100 * entries.len());
    xml.extend_from_slice(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
          <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, changed) in entries {
        xml.extend_from_slice(b"  <url>\n    <loc>");
        xml.extend_from_slice(base.as_bytes());
        tera::escape_html(path, &mut xml).expect("writing to a Vec cannot fail");
        xml.extend_from_slice(b"</loc>\n");
        if let Some(changed) = changed {
            // A date's text holds no markup characters: it needs no escaping.
            writeln!(xml, "    <lastmod>{changed}</lastmod>")
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
    title: &'a str,
    description: &'a str,
    url: String,
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
    /// `5.1`: the area's number, then the task's place in it.
    number: String,
    title: &'a str,
    status: &'static str,
    lead: Option<&'a str>,
    due: Option<String>,
    note: Option<&'a str>,
}

fn task_exports(area: &Area) -> Vec<TaskExport<'_>> {
    area.tasks
        .iter()
        .enumerate()
        .map(|(index, task)| TaskExport {
            number: format!("{}.{}", area.number, index + 1),
            title: &task.title,
            status: task.status.key(),
            lead: task.lead.as_deref(),
            due: task.due.map(|due| due.to_string()),
            note: task.note.as_deref(),
        })
        .collect()
}

fn plan_json(state: &State) -> Vec<u8> {
    let base = &state.config.base_url;
    let areas = state.content.areas();
    let export = PlanExport {
        version: PLAN_SCHEMA_VERSION,
        title: &state.config.title,
        description: &state.config.description,
        url: base.permalink("/"),
        progress: state.content.progress(),
        areas: areas
            .iter()
            .map(|(page, area)| AreaExport {
                number: area.number,
                title: &page.front.title,
                description: &page.front.description,
                url: base.permalink(&page.path),
                progress: area.progress,
                tasks: task_exports(area),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&export).expect("plain data serializes");
    json.push(b'\n');
    json
}

fn tasks_csv(state: &State) -> Vec<u8> {
    let base = &state.config.base_url;
    let mut writer = csv::Writer::from_writer(BYTE_ORDER_MARK.as_bytes().to_vec());
    let header = [
        "task",
        "title",
        "status",
        "lead",
        "due",
        "note",
        "area",
        "area_title",
        "area_url",
    ];
    writer.write_record(header).expect("writing to memory");
    for (page, area) in state.content.areas() {
        let url = base.permalink(&page.path);
        let number = area.number.to_string();
        for task in task_exports(area) {
            let due = task.due.unwrap_or_default();
            let record = [
                task.number.as_str(),
                task.title,
                task.status,
                task.lead.unwrap_or_default(),
                &due,
                task.note.unwrap_or_default(),
                &number,
                &page.front.title,
                &url,
            ];
            writer.write_record(record).expect("writing to memory");
        }
    }
    writer.into_inner().expect("writing to memory")
}

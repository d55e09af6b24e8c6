//! Theme and site template files in, a ready [`Templates`] set out.
//!
//! Templates load before the content, so that template mistakes and content mistakes are
//! reported together; the functions that look content up (`get_url`, `get_page`,
//! `get_section`) read a [`Lookup`] that the build supplies once the content is resolved.

mod view;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::config::Config;
use crate::content::front_matter::Date;
use crate::diagnostic::{Diagnostic, Diagnostics};
pub use view::{Lookup, Pager, Views};

const TEMPLATES_DIR: &str = "templates";

/// The parsed templates with the functions and filters the theme may use.
pub struct Templates {
    tera: Tera,
    /// Template name to the file it came from, for messages.
    files: HashMap<String, TemplateFile>,
    lookup: Arc<OnceLock<Lookup>>,
}

struct TemplateFile {
    /// Relative to the site root, as shown in messages.
    path: PathBuf,
    text: String,
}

impl Templates {
    /// Loads `themes/<theme>/templates/` and then `templates/`, whose files replace the theme's
    /// of the same name.
    pub fn load(config: &Config) -> anyhow::Result<Self> {
        let mut files = HashMap::new();
        let theme_templates = config.theme_dir.as_ref().map(|dir| dir.join(TEMPLATES_DIR));
        for dir in theme_templates
            .iter()
            .chain([&config.root.join(TEMPLATES_DIR)])
        {
            read_templates(&config.root, dir, &mut files)?;
        }
        let lookup = Arc::new(OnceLock::new());
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
        register_functions(&mut tera, &lookup);
        let sources: Vec<(&str, &str)> = files
            .iter()
            .map(|(name, file)| (name.as_str(), file.text.as_str()))
            .collect();
        let mut templates = Self {
            tera: Tera::new(),
            files: HashMap::new(),
            lookup,
        };
        let added = tera.add_raw_templates(sources);
        templates.files = files;
        added.map_err(|error| templates.diagnostics(&error))?;
        tera.global_context()
            .insert("config", &view::config(config));
        templates.tera = tera;
        Ok(templates)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Gives the template functions the resolved content, and templates the plan.
    pub fn set_lookup(&mut self, lookup: Lookup) {
        self.tera
            .global_context()
            .insert_value("plan", lookup.plan.clone());
        // A fresh `Templates` is loaded for every build, so the lock is always empty here.
        let _ = self.lookup.set(lookup);
    }

    /// Renders `name` into `out`; a failure names the template file and line.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostics> {
        self.tera
            .render_to(name, context, out)
            .map_err(|error| self.diagnostics(&error))
    }

    /// Turns a tera error into diagnostics located in the template files.
    fn diagnostics(&self, error: &tera::Error) -> Diagnostics {
        match error.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                let range = report.span().range.clone();
                let diagnostic = match self.files.get(report.filename()) {
                    Some(file) => Diagnostic::at(&file.path, &file.text, range, report.message()),
                    None => Diagnostic::file(report.filename(), report.message()),
                };
                let cause = std::error::Error::source(error).map(ToString::to_string);
                diagnostic
                    .with_hint(cause.unwrap_or_else(|| hint_for(report.message())))
                    .into()
            }
            tera::ErrorKind::TemplateNotFound(name) => {
                Diagnostic::file(TEMPLATES_DIR, format!("template `{name}` not found"))
                    .with_hint(format!("add `templates/{name}`, or a theme that has it"))
                    .into()
            }
            _ => self.parse_reports(&error.to_string()),
        }
    }

    /// Tera reports some problems (unknown filters, missing blocks...) only as text:
    /// `error: MESSAGE\n --> NAME:LINE:COL`. Each becomes a diagnostic on the template file.
    fn parse_reports(&self, text: &str) -> Diagnostics {
        let mut diagnostics = Diagnostics::default();
        let mut lines = text.lines().peekable();
        while let Some(line) = lines.next() {
            let Some(message) = line.strip_prefix("error: ") else {
                continue;
            };
            let located = lines
                .peek()
                .and_then(|next| next.trim_start().strip_prefix("--> "))
                .and_then(|place| self.locate(place));
            diagnostics.push(match located {
                Some(diagnostic) => Diagnostic {
                    message: message.to_string(),
                    ..diagnostic
                },
                None => Diagnostic::file(TEMPLATES_DIR, message),
            });
        }
        if diagnostics.is_empty() {
            diagnostics.push(Diagnostic::file(TEMPLATES_DIR, text.trim()));
        }
        diagnostics
    }

    /// `NAME:LINE:COL` to a diagnostic at that place of the template file.
    fn locate(&self, place: &str) -> Option<Diagnostic> {
        let mut parts = place.rsplitn(3, ':');
        let column: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        let file = self.files.get(parts.next()?)?;
        let line_start: usize = file
            .text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let offset = file.text[line_start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_start, |(i, _)| line_start + i);
        Some(Diagnostic::at(
            &file.path,
            &file.text,
            offset..offset + 1,
            String::new(),
        ))
    }
}

fn hint_for(message: &str) -> String {
    if message.contains("is not defined") {
        "check the variable's name; `{{ page.x | default(value=\"\") }}` allows a missing one"
            .to_string()
    } else {
        "see the template syntax at https://keats.github.io/tera/".to_string()
    }
}

fn read_templates(
    root: &Path,
    dir: &Path,
    files: &mut HashMap<String, TemplateFile>,
) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::content::is_ignored(&name) {
            continue;
        }
        let path = entry.path();
        let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let text = crate::diagnostic::utf8(&shown, bytes).map_err(Diagnostics::from)?;
        let name = path
            .strip_prefix(dir)?
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.insert(name, TemplateFile { path: shown, text });
    }
    Ok(())
}

fn register_functions(tera: &mut Tera, lookup: &Arc<OnceLock<Lookup>>) {
    let lock = Arc::clone(lookup);
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            loaded(&lock)?
                .url(kwargs.must_get("path")?)
                .map_err(tera::Error::message)
        },
    );
    let lock = Arc::clone(lookup);
    tera.register_function(
        "get_page",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            loaded(&lock)?
                .page(kwargs.must_get("path")?)
                .map_err(tera::Error::message)
        },
    );
    let lock = Arc::clone(lookup);
    tera.register_function(
        "get_section",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            loaded(&lock)?
                .section(kwargs.must_get("path")?)
                .map_err(tera::Error::message)
        },
    );
    let lock = Arc::clone(lookup);
    tera.register_function(
        "get_taxonomy",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            loaded(&lock)?
                .taxonomy(kwargs.must_get("kind")?)
                .map_err(tera::Error::message)
        },
    );
    let lock = Arc::clone(lookup);
    tera.register_function(
        "get_taxonomy_url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let lookup = loaded(&lock)?;
            lookup
                .term_url(kwargs.must_get("kind")?, kwargs.must_get("name")?)
                .map_err(tera::Error::message)
        },
    );
    tera.register_filter("date", format_date);
}

fn loaded(lock: &OnceLock<Lookup>) -> TeraResult<&Lookup> {
    lock.get()
        .ok_or_else(|| tera::Error::message("content is not loaded yet"))
}

/// `{{ page.date | date(format="%e %B %Y") }}`; the format defaults to `%Y-%m-%d`.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn format_date(value: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let format: String = kwargs
        .get("format")?
        .unwrap_or_else(|| "%Y-%m-%d".to_string());
    let date = Date::parse(value).map_err(tera::Error::message)?;
    let formatted = match date {
        Date::Day(day) => jiff::fmt::strtime::format(&format, day),
        Date::Instant(instant) => jiff::fmt::strtime::format(&format, instant),
        Date::Local(local) => jiff::fmt::strtime::format(&format, local),
    };
    formatted.map_err(|error| {
        tera::Error::message(format!("cannot format `{value}` with `{format}`: {error}"))
    })
}

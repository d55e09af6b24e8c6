//! `workplan check`: the site loaded, resolved and rendered in memory as a build does it
//! (its Sass compiled too), with nothing written (no output, no record of the build), and
//! every problem found reported at once. Errors are what stops a build; warnings are what a reader would stumble on without
//! stopping it: images without alternative text, empty headings, heading levels that skip,
//! tasks past their deadline and not done, pages not yet translated, code in a language the
//! highlighter does not know; with `--external`, links
//! to other sites that do not answer.

use std::ops::Range;
use std::sync::Arc;

use foldhash::HashMap;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use super::BuildOptions;
use super::check::{self, Anchors};
use super::external::ExternalOptions;
use super::state::State;
use crate::config::{Config, Highlighting};
use crate::content::front_matter::Date;
use crate::content::{Content, Source};
use crate::diagnostic::{Diagnostic, Severity};

/// Everything `check` found, errors first, each group in file and line order.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<Diagnostic>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|problem| problem.severity == severity)
            .count()
    }

    /// The report as JSON, for CI pipelines: counts, then one object per problem.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Problem<'a> {
            severity: &'static str,
            file: String,
            line: Option<usize>,
            column: Option<usize>,
            message: &'a str,
            hint: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Json<'a> {
            errors: usize,
            warnings: usize,
            problems: Vec<Problem<'a>>,
        }
        let problems = self
            .problems
            .iter()
            .map(|problem| Problem {
                severity: match problem.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                // `/` on every system, so that a pipeline reads the same path everywhere.
                file: problem.path.to_string_lossy().replace('\\', "/"),
                line: problem.location.as_ref().map(|at| at.line),
                column: problem.location.as_ref().map(|at| at.column),
                message: &problem.message,
                hint: problem.hint.as_deref(),
            })
            .collect();
        let json = Json {
            errors: self.errors(),
            warnings: self.warnings(),
            problems,
        };
        serde_json::to_string_pretty(&json).expect("a report is plain data")
    }
}

/// Checks the site at `options.root` without writing anything (but, with `external`, the
/// cache of the links to other sites that answered).
///
/// # Errors
///
/// When the site cannot be read at all (no configuration file, an unreadable folder); the
/// problems of the site's own files are the report's.
pub fn check(options: &BuildOptions, external: Option<&ExternalOptions>) -> anyhow::Result<Report> {
    let (state, mut problems) = State::load_despite_problems(options)?;
    let config = match &state {
        Some(state) => std::sync::Arc::clone(&state.config),
        None => super::state::load_config(options)?,
    };
    let sheets = crate::sass::stylesheets(&config);
    if let Err(found) = crate::sass::compile(&sheets, &config.root) {
        problems.extend(found.0);
    }
    if let Some(state) = state {
        problems.extend(render_in_memory(&state));
        problems.extend(warnings(&state.content, &state.config));
        if let Some(external) = external {
            let settings = &state.config.link_checker;
            problems.extend(super::external::check(&state.content, settings, external));
        }
    }
    crate::diagnostic::sort_and_merge(&mut problems);
    Ok(Report { problems })
}

/// Renders every output as the build would, keeping nothing but the problems: every render
/// that fails, then links to headings that no page has.
fn render_in_memory(state: &State) -> Vec<Diagnostic> {
    let jobs = state.jobs();
    let rendered: Vec<_> = jobs.par_iter().map(|job| state.render(job, None)).collect();
    let mut problems = Vec::new();
    let mut anchors: HashMap<Arc<str>, Anchors> = state.section_anchors().collect();
    for result in rendered {
        match result {
            Ok(output) => anchors.extend(output.anchors),
            Err(found) => problems.extend(found.0),
        }
    }
    if let Err(found) = check::anchors(&state.content, |relative| anchors.get(relative)) {
        problems.extend(found.0);
    }
    problems
}

/// What a build lets through but a reader would stumble on.
fn warnings(content: &Content, config: &Config) -> Vec<Diagnostic> {
    let highlighting = config.markdown.highlighting != Highlighting::Off;
    // Each file once: a page falling back to another language's text is that file again.
    let sources = content
        .pages
        .iter()
        .filter(|page| page.falls_back_to.is_none())
        .map(|page| &page.source)
        .chain(content.sections.iter().map(|section| &section.source))
        .filter(|source| !source.text.is_empty());
    let mut found: Vec<Diagnostic> = sources
        .flat_map(|source| markdown_warnings(source, highlighting))
        .collect();
    found.extend(overdue_tasks(content, config.as_of));
    found.extend(missing_translations(content));
    found
}

/// Images without alternative text, headings without text, heading levels that skip one
/// (a page's title is its `h1`, so its text starts at `##`), and, when code is highlighted,
/// code blocks in a language the highlighter does not know.
fn markdown_warnings(source: &Source, highlighting: bool) -> Vec<Diagnostic> {
    let body = source.body();
    let at = |span: Range<usize>| source.body_start + span.start..source.body_start + span.end;
    let warn = |span: Range<usize>, message: &str, hint: &str| {
        Diagnostic::at(&source.path, &source.text, at(span), message)
            .with_hint(hint)
            .as_warning()
    };
    let mut found = Vec::new();
    let mut level = 1;
    // The image or heading being read: where it starts, and whether it holds any text.
    let mut open: Option<(Range<usize>, bool)> = None;
    for (event, span) in Parser::new_ext(body, crate::markdown::parser_options(Default::default()))
        .into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if highlighting => {
                let fence = crate::markdown::highlight::Fence::parse(&info);
                if let Some(language) = fence.language
                    && !crate::markdown::highlight::knows_language(language)
                {
                    found.push(warn(
                        span,
                        &format!(
                            "code in `{language}` is not highlighted: the language is unknown"
                        ),
                        "it is written as plain text; name a language syntect knows (`rust`, \
                         `python`, `sh`, `yaml`, `json`...) or leave the language out",
                    ));
                }
            }
            Event::Start(Tag::Image { .. }) => open = Some((span, false)),
            Event::Start(Tag::Heading { level: next, .. }) => {
                let next = crate::markdown::heading_level(next);
                if next > level + 1 {
                    found.push(warn(
                        span.clone(),
                        &format!("the heading level skips from h{level} to h{next}"),
                        "screen readers list headings by level: go one level down at a time \
                         (`##` under the page title, `###` under a `##`)",
                    ));
                }
                level = next;
                open = Some((span, false));
            }
            Event::Text(text) | Event::Code(text) if !text.trim().is_empty() => {
                if let Some((_, has_text)) = &mut open {
                    *has_text = true;
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((span, false)) = open.take() {
                    found.push(warn(
                        span,
                        "an image without alternative text",
                        "say what the picture shows between the brackets: `![Enrolment by year](chart.png)`; \
                         readers who cannot see it hear this instead",
                    ));
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((span, false)) = open.take() {
                    found.push(warn(
                        span,
                        "an empty heading",
                        "give the heading words, or remove the line",
                    ));
                }
            }
            _ => {}
        }
    }
    found
}

/// Tasks past their deadline on the plan's as-of day and not done, at their titles.
fn overdue_tasks(content: &Content, written: Option<Date>) -> Vec<Diagnostic> {
    let Some(as_of) = content.as_of(written) else {
        return Vec::new();
    };
    let default = content.editions.first().map(|edition| edition.lang.clone());
    let mut found = Vec::new();
    for (page, area) in content.areas(default.as_deref().unwrap_or_default()) {
        let written = page.front.area.as_ref().map(|area| &area.get_ref().tasks);
        for (index, task) in area.tasks.iter().enumerate() {
            let (Some(due), true) = (task.due, task.is_overdue(as_of.day())) else {
                continue;
            };
            let span = written
                .and_then(|tasks| tasks.get(index))
                .map_or(0..0, |task| page.source.file_span(task.title.span()));
            found.push(
                Diagnostic::at(
                    &page.source.path,
                    &page.source.text,
                    span,
                    format!(
                        "task {} is overdue: due {due}, {} on {as_of}",
                        task.id,
                        task.status.key()
                    ),
                )
                .with_hint(format!(
                    "record where it stands: `workplan status {} done` (or in-progress, at-risk, with --note)",
                    task.id
                ))
                .as_warning(),
            );
        }
    }
    found
}

/// One warning per translation a language lacks, at the file it would translate.
fn missing_translations(content: &Content) -> Vec<Diagnostic> {
    content
        .editions
        .iter()
        .skip(1)
        .flat_map(|edition| {
            edition.missing.iter().map(move |key| {
                let original = key
                    .strip_suffix(&format!(".{}.md", edition.lang))
                    .map_or_else(|| key.to_string(), |stem| format!("{stem}.md"));
                Diagnostic::file(
                    format!("{}/{original}", crate::content::CONTENT_DIR),
                    format!(
                        "no {} translation: its readers see this page in the default language",
                        edition.lang
                    ),
                )
                .with_hint(format!("translate it in content/{key}"))
                .as_warning()
            })
        })
        .collect()
}

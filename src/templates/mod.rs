//! Theme and site template files in, a ready [`Templates`] set out.
//!
//! Templates load before and apart from the content, so that template mistakes and content
//! mistakes are reported together, and so that one parsed set serves every rebuild of a live
//! preview. Each render is given the [`Lookup`] that the functions (`get_url`, `get_page`,
//! `get_section`, ...) search, and returns what those functions read: the live preview uses it
//! to re-render exactly the outputs a change can alter. Besides the content, functions read
//! the site's files (`files`: `load_data`, `get_hash`...), the build's time (`clock`) and the
//! interface strings (`i18n`); `functions` lists them all, `filters` are Zola's text filters
//! that tera 2 left out, and `hints` turns tera's messages into located advice.

mod clock;
mod files;
mod filters;
mod functions;
mod hints;
mod i18n;
mod limits;
mod numbers;
mod shortcodes;
mod view;

pub use clock::SOURCE_DATE_EPOCH;
pub use limits::remove_when_stopped;

use std::cell::RefCell;
use std::hash::BuildHasher as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use foldhash::{HashMap, HashMapExt as _};
use tera::{Kwargs, Tera, TeraResult, Value};

use crate::config::{Config, Slugify};
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
pub use functions::FUNCTIONS;
use functions::register_functions;
use hints::{HINT_MARK, LOOP_HINT, MACRO_HINT, hint_for, split_hint};
pub use i18n::{I18N_DIR, Translations};
pub use shortcodes::ShortcodeRenderer;
pub use view::{Lookup, Pager, Pagination, Views};

/// `text` escaped for HTML text and attribute values, as templates escape it.
pub fn escape_html(text: &str) -> String {
    let mut escaped = Vec::with_capacity(text.len());
    tera::escape_html(text, &mut escaped).expect("writing to a Vec cannot fail");
    String::from_utf8(escaped).expect("escaping keeps UTF-8")
}

/// Something a render read besides its own context, which a change can alter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Read {
    /// A page's summary (`get_page`), by `content/`-relative path.
    Page(Arc<str>),
    /// A section with its page listing (`get_section`).
    Section(Arc<str>),
    /// A section without its pages (`get_section(..., metadata_only=true)`).
    SectionMeta(Arc<str>),
    /// A taxonomy and its terms (`get_taxonomy`).
    Taxonomy(String),
    /// One term of a taxonomy with its pages, by taxonomy and term slug.
    Term(String, String),
    /// The URL of a term (`get_taxonomy_url`), by taxonomy and term name.
    TermUrl(String, String),
    /// The URL of a page or section (`get_url`, `@/` links).
    Url(Arc<str>),
    /// `plan` of a language, every area with its tasks.
    Plan(Arc<str>),
    /// `menu` of a language, its home page's sections and pages.
    Menu(Arc<str>),
    /// The text of a priority area (`get_area_text`), by language and area number.
    AreaText(Arc<str>, u32),
    /// Any page, section or taxonomy (what a site feed shows).
    Site,
    /// The address of every page, section and taxonomy, and the pages' dates (what a sitemap
    /// lists).
    Addresses,
    /// A file of the site folder that a function read or looked for (`load_data`,
    /// `get_hash`...), by absolute path: saved, made or removed, it changes what the function
    /// gives.
    File(Arc<Path>),
    /// A folder holding a file a function looked for: moved or removed, its files are too.
    Folder(Arc<Path>),
}

impl Read {
    /// The reads that a change of the file or folder at `path` (absolute) alters.
    pub fn of_changed_path(path: &Path) -> [Self; 2] {
        [Self::File(path.into()), Self::Folder(path.into())]
    }
}

/// Numbers standing for `reads`, sorted and without repeats: equal reads have equal
/// numbers within one process. An update tells which outputs to render again from these,
/// without keeping (or hashing again) every read of every output. Two reads that share a
/// number by chance only cost a needless render.
pub fn fingerprints<'a>(reads: impl IntoIterator<Item = &'a Read>) -> Box<[u64]> {
    let state = foldhash::fast::FixedState::default();
    let mut prints: Vec<u64> = reads.into_iter().map(|read| state.hash_one(read)).collect();
    prints.sort_unstable();
    prints.dedup();
    prints.into_boxed_slice()
}

/// What the functions and filters draw on besides the content, loaded with the templates: a
/// change to any of these (the theme's `i18n/`, `site.toml`) reloads the templates, which
/// renders every output again, so that reading them records no [`Read`]. The files that
/// `files` finds are content: reading one records its [`Read::File`].
struct Resources {
    translations: Translations,
    clock: clock::Clock,
    slugify: Slugify,
    /// `[markdown]`, for the `markdown` filter.
    markdown: crate::config::Markdown,
    files: Arc<files::SiteFiles>,
}

/// How deep renders may run inside each other: shortcodes in the text of a `markdown`
/// filter whose templates call it again.
const MAX_DEPTH: usize = 16;

/// What the render running on a thread may reach, and what it has read so far.
struct Scope {
    lookup: Arc<Lookup>,
    /// The templates being rendered, for the shortcodes of the `markdown` filter.
    templates: Arc<Templates>,
    /// How many renders this one runs inside (shortcodes of the `markdown` filter).
    depth: usize,
    reads: Vec<Read>,
    /// The language being rendered, when not the default: `get_page`, `get_section` and
    /// `get_url` of `@/` paths find its versions of pages.
    lang: Option<Arc<str>>,
}

thread_local! {
    static SCOPE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// The key that `path` (a page or section, `@/` or not) names in the render's language, or
/// in `lang` when the template asks for one.
fn localized(path: &str, lang: Option<&str>) -> TeraResult<Arc<str>> {
    SCOPE.with_borrow(|scope| {
        let scope = scope
            .as_ref()
            .ok_or_else(|| tera::Error::message("content is not loaded yet"))?;
        let lang = lang.or(scope.lang.as_deref());
        Ok(scope.lookup.localized(path, lang))
    })
}

/// Runs `f` with this thread's render lookup, recording `read`.
fn with_lookup<T>(read: Read, f: impl FnOnce(&Lookup) -> Result<T, String>) -> TeraResult<T> {
    with_scope(|scope| {
        scope.reads.push(read);
        f(&scope.lookup)
    })
}

/// Runs `f` with this thread's render scope, for a function whose reads are known only as it
/// runs (the places `load_data` looks in, the links of `markdown`): `f` records them in
/// `scope.reads`.
fn with_scope<T>(f: impl FnOnce(&mut Scope) -> Result<T, String>) -> TeraResult<T> {
    limits::check_time().map_err(tera::Error::message)?;
    SCOPE.with_borrow_mut(|scope| {
        let scope = scope
            .as_mut()
            .ok_or_else(|| tera::Error::message("content is not loaded yet"))?;
        f(scope).map_err(tera::Error::message)
    })
}

/// The language a function serves: `lang` if given, else the render's.
fn render_language(lang: Option<&str>) -> TeraResult<Arc<str>> {
    SCOPE.with_borrow(|scope| {
        let scope = scope
            .as_ref()
            .ok_or_else(|| tera::Error::message("content is not loaded yet"))?;
        Ok(match lang {
            Some(lang) => lang.into(),
            None => scope
                .lang
                .clone()
                .unwrap_or_else(|| scope.lookup.default_language.clone()),
        })
    })
}

/// Runs `f` with the interface strings of this render, which also hold `default_language`.
/// Like `trans`, the filters that speak a language record no `Read`: a change of language
/// or table reloads the templates.
fn with_translations<T>(f: impl FnOnce(&Translations) -> TeraResult<T>) -> TeraResult<T> {
    with_resources(|resources| f(&resources.translations))
}

/// Runs `f` with what this render's functions draw on besides the content ([`Resources`]),
/// which records no `Read`.
fn with_resources<T>(f: impl FnOnce(&Resources) -> TeraResult<T>) -> TeraResult<T> {
    limits::check_time().map_err(tera::Error::message)?;
    SCOPE.with_borrow(|scope| {
        let scope = scope
            .as_ref()
            .ok_or_else(|| tera::Error::message("templates are not loaded yet"))?;
        f(&scope.templates.resources)
    })
}

/// Refuses an argument that `function` does not take, naming those it does: a misspelt
/// argument would otherwise be ignored without a word.
fn accept(function: &str, kwargs: &Kwargs, takes: &[&str]) -> TeraResult<()> {
    for (key, _) in kwargs.iter() {
        let key = key.as_str().unwrap_or_default();
        if takes.contains(&key) {
            continue;
        }
        let listed: Vec<String> = takes.iter().map(|name| format!("`{name}`")).collect();
        let takes_what = match listed.as_slice() {
            [] => format!("`{function}` takes no arguments"),
            _ => format!("`{function}` takes {}", listed.join(", ")),
        };
        let hint = match did_you_mean(key, takes.iter().copied()) {
            Some(meant) => format!("did you mean `{meant}`? {takes_what}"),
            None => takes_what,
        };
        return Err(tera::Error::message(format!(
            "`{function}` has no argument `{key}`{HINT_MARK}{hint}"
        )));
    }
    Ok(())
}

const TEMPLATES_DIR: &str = "templates";

/// Which of the values every render gets a template reads.
#[derive(Debug, Clone, Copy)]
struct GlobalReads {
    plan: bool,
    menu: bool,
}

/// The parsed templates with the functions and filters the theme may use.
pub struct Templates {
    tera: Tera,
    /// Template name to the file it came from, for messages.
    files: HashMap<String, TemplateFile>,
    /// Which of the values every render gets (`plan`, `menu`) each template reads, itself or
    /// through a parent or include: a render reads those of its language.
    global_reads: HashMap<String, GlobalReads>,
    /// Each shortcode's template, by shortcode name.
    shortcodes: HashMap<String, shortcodes::Shortcode>,
    /// What functions read besides the content, loaded (and reloaded) with the templates.
    resources: Arc<Resources>,
}

struct TemplateFile {
    /// Relative to the site root, as shown in messages.
    path: PathBuf,
    text: String,
}

impl Templates {
    /// Loads `themes/<theme>/templates/` and then `templates/`, whose files replace the theme's
    /// of the same name. `output` is the output folder, which functions never read.
    pub fn load(config: &Config, output: &Path) -> anyhow::Result<Self> {
        let mut files = HashMap::new();
        let theme_templates = config.theme_dir.as_ref().map(|dir| dir.join(TEMPLATES_DIR));
        for dir in theme_templates
            .iter()
            .chain([&config.root.join(TEMPLATES_DIR)])
        {
            read_templates(&config.root, dir, &mut files)?;
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
        register_functions(&mut tera);
        let sources: Vec<(&str, &str)> = files
            .iter()
            .map(|(name, file)| (name.as_str(), file.text.as_str()))
            .collect();
        let added = tera.add_raw_templates(sources);
        let shortcodes = shortcodes::find(
            files
                .iter()
                .map(|(name, file)| (name.as_str(), !file.path.starts_with(TEMPLATES_DIR))),
        );
        let mut templates = Self {
            tera,
            files,
            global_reads: HashMap::new(),
            shortcodes: HashMap::new(),
            resources: Arc::new(Resources {
                translations: Translations::load(config)?,
                clock: clock::Clock::read()?,
                slugify: config.slugify,
                markdown: config.markdown,
                files: Arc::new(files::SiteFiles::new(config, output)?),
            }),
        };
        added.map_err(|error| templates.diagnostics(&error))?;
        templates.shortcodes = shortcodes::with_arguments(shortcodes, &templates.tera);
        templates.global_reads = templates
            .files
            .keys()
            .map(|name| {
                let variables = templates
                    .tera
                    .get_template_variables(name)
                    .unwrap_or_default();
                let reads = GlobalReads {
                    plan: variables.contains("plan"),
                    menu: variables.contains("menu"),
                };
                (name.clone(), reads)
            })
            .collect();
        templates
            .tera
            .global_context()
            .insert("config", &view::config(config, config.default_language()));
        Ok(templates)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The interface string `key` in `lang`, if the theme or the site has one.
    pub fn translation(&self, key: &str, lang: &str) -> Option<&str> {
        self.resources.translations.get(key, lang).ok()
    }

    /// Renders `name` into `out` with `lookup` for the functions; returns what it read.
    /// A failure names the template file and line.
    pub fn render(
        self: &Arc<Self>,
        name: &str,
        mut context: tera::Context,
        lookup: &Arc<Lookup>,
        out: &mut Vec<u8>,
    ) -> Result<Vec<Read>, Diagnostics> {
        // The render's language: the default one's values are the global context's.
        let lang: Option<Arc<str>> = context
            .get("lang")
            .and_then(Value::as_str)
            .filter(|lang| **lang != *lookup.default_language)
            .map(Arc::from);
        let lang_code: Arc<str> = lang
            .clone()
            .unwrap_or_else(|| lookup.default_language.clone());
        if context.get("lang").is_none() {
            // Every template knows its language (Zola's `lang`): the 404 page's is the default.
            context.insert("lang", &*lang_code);
        }
        context.insert_value("plan", view::of_language(&lookup.plans, &lang_code).clone());
        context.insert_value("menu", view::of_language(&lookup.menus, &lang_code).clone());
        if lang.is_some() {
            context.insert_value(
                "config",
                view::of_language(&lookup.configs, &lang_code).clone(),
            );
        }
        // A render may run inside another (a shortcode of the `markdown` filter): the outer
        // one's scope comes back after it, and its time limit goes on counting.
        let depth = SCOPE.with_borrow(|scope| scope.as_ref().map_or(0, |outer| outer.depth + 1));
        if depth > MAX_DEPTH {
            let message = format!("shortcodes call each other more than {MAX_DEPTH} deep");
            return Err(Diagnostic::file(self.shown(name), message)
                .with_hint("a shortcode's text that calls the shortcode itself never ends")
                .into());
        }
        let outer = SCOPE.replace(Some(Scope {
            lookup: Arc::clone(lookup),
            templates: Arc::clone(self),
            depth,
            reads: Vec::new(),
            lang,
        }));
        let guard = outer
            .is_none()
            .then(|| limits::Guard::start(self.shown(name)));
        let mut bounded = limits::Bounded::new(out);
        let rendered = self.tera.render_to(name, &context, &mut bounded);
        drop(guard);
        let mut reads = SCOPE
            .replace(outer)
            .map(|scope| scope.reads)
            .unwrap_or_default();
        rendered.map_err(|error| match bounded.stopped.take() {
            Some(why) => Diagnostic::file(self.shown(name), why)
                .with_hint(LOOP_HINT)
                .into(),
            None => self.render_diagnostics(name, &error),
        })?;
        if let Some(global) = self.global_reads.get(name) {
            if global.plan {
                reads.push(Read::Plan(lang_code.clone()));
            }
            if global.menu {
                reads.push(Read::Menu(lang_code));
            }
        }
        Ok(reads)
    }

    /// The file of template `name`, as messages show it.
    fn shown<'a>(&'a self, name: &'a str) -> &'a str {
        self.files
            .get(name)
            .and_then(|file| file.path.to_str())
            .unwrap_or(name)
    }

    /// The diagnostics of a render of `name` that failed: those that tera does not locate
    /// concern that template.
    fn render_diagnostics(&self, name: &str, error: &tera::Error) -> Diagnostics {
        let mut diagnostics = self.diagnostics(error);
        for diagnostic in &mut diagnostics.0 {
            if diagnostic.location.is_none() && diagnostic.path == Path::new(TEMPLATES_DIR) {
                diagnostic.path = PathBuf::from(self.shown(name));
            }
        }
        diagnostics
    }

    /// Turns a tera error into diagnostics located in the template files.
    fn diagnostics(&self, error: &tera::Error) -> Diagnostics {
        match error.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                let range = report.span().range.clone();
                let (message, hint) = match split_hint(report.message()) {
                    Some((message, hint)) => (message, Some(hint.to_string())),
                    None => (report.message(), None),
                };
                let diagnostic = match self.files.get(report.filename()) {
                    Some(file) => Diagnostic::at(&file.path, &file.text, range.clone(), message),
                    None => Diagnostic::file(report.filename(), message),
                };
                let tag = self
                    .files
                    .get(report.filename())
                    .and_then(|file| file.text.get(range.clone()));
                let macro_hint = (report.message() == "Unknown tag"
                    && matches!(tag, Some("macro" | "import")))
                .then(|| MACRO_HINT.to_string());
                let cause = hint
                    .or(macro_hint)
                    .or_else(|| std::error::Error::source(error).map(ToString::to_string));
                diagnostic
                    .with_hint(cause.unwrap_or_else(|| hint_for(report.message())))
                    .into()
            }
            tera::ErrorKind::TemplateNotFound(name) => {
                Diagnostic::file(TEMPLATES_DIR, format!("template `{name}` not found"))
                    .with_hint(format!("add `templates/{name}`, or a theme that has it"))
                    .into()
            }
            tera::ErrorKind::CircularInclude {
                tpl,
                include_chain: chain,
            }
            | tera::ErrorKind::CircularExtend {
                tpl,
                inheritance_chain: chain,
            } => Diagnostic::file(
                self.shown(tpl),
                format!("`{tpl}` leads back to itself: {}", chain.join(" -> ")),
            )
            .with_hint("a template cannot include or extend itself, directly or through others")
            .into(),
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
            let diagnostic = match located {
                Some(diagnostic) => Diagnostic {
                    message: message.to_string(),
                    ..diagnostic
                },
                None => Diagnostic::file(TEMPLATES_DIR, message),
            };
            diagnostics.push(diagnostic.with_hint(hint_for(message)));
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

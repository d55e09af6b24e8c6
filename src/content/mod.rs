//! `content/` in, the site's pages and sections as plain data out.
//!
//! Files are read and their front matter parsed in parallel; then, in one pass that sees them
//! all, every page gets its URL path, its section and its neighbours, and the work-plan data is
//! checked across areas. Every problem found is collected before the stage fails.

mod editions;
pub mod front_matter;
pub mod plan;
mod resolve;
pub mod taxonomy;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use foldhash::HashMap;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
pub use editions::translated_key;
use front_matter::{Date, PageFrontMatter, SectionFrontMatter};
pub use plan::{Area, Progress, Task};

/// The folder, under the site root, that holds the Markdown.
pub const CONTENT_DIR: &str = "content";
const SECTION_FILE: &str = "_index.md";
const BUNDLE_FILE: &str = "index.md";
const BYTE_ORDER_MARK: char = '\u{feff}';

/// Whether the `content/`-relative path names a section's `_index.md`, or its translation
/// `_index.<code>.md`.
fn is_section_file(relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or_default();
    name == SECTION_FILE
        || name
            .strip_prefix("_index.")
            .and_then(|rest| rest.strip_suffix(".md"))
            .is_some_and(|code| !code.is_empty() && !code.contains('.'))
}

/// Everything `content/` holds, resolved.
#[derive(Debug, Default, Clone)]
pub struct Content {
    /// `sections[0]` is the home page (`content/_index.md`, made up when absent).
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    /// Files other than Markdown, copied next to the page or section they sit beside.
    pub assets: Vec<Asset>,
    /// The taxonomies declared in `site.toml`, with the terms pages use.
    pub taxonomies: Vec<taxonomy::Taxonomy>,
    /// Where each language's pages, sections and taxonomies are in the lists above: the
    /// default language first. Empty only for content not resolved from a snapshot.
    pub editions: Vec<Edition>,
}

/// One language's part of the content.
#[derive(Debug, Default, Clone)]
pub struct Edition {
    /// Its code, as `config.languages` has it.
    pub lang: Arc<str>,
    pub pages: std::ops::Range<usize>,
    /// `sections[sections.start]` is its home page.
    pub sections: std::ops::Range<usize>,
    pub taxonomies: std::ops::Range<usize>,
    /// The keys (`name.<code>.md`) of the translations it lacks, shown in the default language.
    pub missing: Vec<Arc<str>>,
}

impl Edition {
    /// Its home page's index in `Content::sections`; `None` when the home page is a draft
    /// left out (with it, every section).
    pub fn home(&self) -> Option<usize> {
        (!self.sections.is_empty()).then_some(self.sections.start)
    }
}

impl Content {
    /// The edition of language `lang`, if the site is published in it.
    pub fn edition(&self, lang: &str) -> Option<&Edition> {
        self.editions.iter().find(|edition| &*edition.lang == lang)
    }

    /// The pages of the edition of `lang`; every page when it is unknown.
    pub fn pages_of(&self, lang: &str) -> &[Page] {
        match self.edition(lang) {
            Some(edition) => &self.pages[edition.pages.clone()],
            None => &self.pages,
        }
    }

    /// The priority areas of the edition of `lang`, in their numbers' order, with their pages.
    pub fn areas(&self, lang: &str) -> Vec<(&Page, &Area)> {
        let mut areas: Vec<(&Page, &Area)> = self
            .pages_of(lang)
            .iter()
            .filter_map(|page| Some((page, page.area.as_ref()?)))
            .collect();
        areas.sort_by_key(|(_, area)| area.number);
        areas
    }

    /// Every address a sitemap lists, with a page's last change (`updated`, else `date`):
    /// the pages, the sections that are rendered, the taxonomies and their terms.
    pub fn addresses(&self) -> impl Iterator<Item = (&str, Option<Date>)> {
        let pages = self
            .pages
            .iter()
            .map(|page| (page.path.as_str(), page.front.updated.or(page.front.date)));
        let sections = self
            .sections
            .iter()
            .filter(|section| section.front.render && section.front.redirect_to.is_none())
            .map(|section| (section.path.as_str(), None));
        let taxonomies = self.taxonomies.iter().flat_map(|taxonomy| {
            let terms = taxonomy.terms.iter().map(|term| (term.path.as_str(), None));
            std::iter::once((taxonomy.path.as_str(), None)).chain(terms)
        });
        pages.chain(sections).chain(taxonomies)
    }

    /// The day the plan's state is given for: `written` (site.toml's `as_of`), else the day of
    /// its latest update; never the build's clock, so that a build is reproducible.
    pub fn as_of(&self, written: Option<Date>) -> Option<Date> {
        written.or_else(|| self.latest_update())
    }

    /// The day of the plan's latest update, if any task has a history (its translations share it).
    pub fn latest_update(&self) -> Option<Date> {
        let lang = self.editions.first().map_or("", |edition| &*edition.lang);
        self.areas(lang)
            .iter()
            .flat_map(|(_, area)| &area.tasks)
            .flat_map(|task| task.updates.last())
            .map(|update| update.date)
            .max_by_key(|date| date.sort_key())
    }

    /// The progress of the whole plan: every task of every area (of one language: the
    /// editions share the tasks' statuses).
    pub fn progress(&self, lang: &str) -> Progress {
        let areas = self
            .pages_of(lang)
            .iter()
            .filter_map(|page| page.area.as_ref());
        Progress::of(areas.flat_map(|area| area.tasks.iter().map(|task| &task.status)))
    }
}

/// A Markdown file as read.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root, as shown in messages (`content/priorities/05-x.md`).
    pub path: Arc<Path>,
    /// Path relative to `content/` with `/` separators, as `@/` links name it. Shared, like
    /// the path: it names the page in every lookup, listing and record of what a page read.
    pub relative: Arc<str>,
    /// Shared: the content snapshot and the resolved content hold the same text. An
    /// `Arc<String>`, not an `Arc<str>`, so that the text read is not copied once more.
    pub text: Arc<String>,
    /// Where the front matter's text starts, after its opening line.
    pub front_matter_start: usize,
    pub body_start: usize,
    /// YAML front matter's TOML form, which tells where the YAML wrote each key and value.
    pub yaml: Option<Arc<front_matter::yaml::Yaml>>,
    /// The language the text is published in, when not the default: its `@/` links lead to
    /// the pages of that language.
    pub lang: Option<Arc<str>>,
    /// Whether the text is the default language's, standing in for a missing translation:
    /// its links to a heading (`@/a.md#id`) lead to the page whose heading it names, in the
    /// default language.
    pub fallback: bool,
}

impl Default for Source {
    fn default() -> Self {
        Self {
            path: Path::new("").into(),
            relative: "".into(),
            text: Arc::default(),
            front_matter_start: 0,
            body_start: 0,
            yaml: None,
            lang: None,
            fallback: false,
        }
    }
}

impl Source {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// A span within the front matter (as the TOML parser reports it) as a span of the file.
    pub fn file_span(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let span = match &self.yaml {
            Some(yaml) => yaml.locate(&span),
            None => span,
        };
        self.front_matter_start + span.start..self.front_matter_start + span.end
    }

    /// The front matter as TOML text: as written, or made from the YAML written.
    pub fn front_matter_toml(&self) -> &str {
        match &self.yaml {
            Some(yaml) => &yaml.toml,
            None => self
                .text
                .get(self.front_matter_start..self.body_start)
                .map_or("", |text| {
                    text.rsplit_once("+++").map_or(text, |(inner, _)| inner)
                }),
        }
    }
}

/// A page: any Markdown file but `_index.md`.
#[derive(Debug, Clone)]
pub struct Page {
    pub source: Source,
    /// Shared with the snapshot it was read into.
    pub front: Arc<PageFrontMatter>,
    pub slug: String,
    /// URL path below the base URL, with leading and trailing `/`.
    pub path: String,
    /// Index of the section listing it.
    pub section: usize,
    /// The neighbour with the lower weight (earlier date, title) in its section.
    pub lower: Option<usize>,
    pub higher: Option<usize>,
    pub area: Option<Area>,
    /// URL paths of the redirect pages that `aliases` asks for.
    pub aliases: Vec<String>,
    /// `date` as it orders pages, converted once.
    pub date_key: Option<taxonomy::DateKey>,
    /// Its language's code.
    pub lang: Arc<str>,
    /// For a page shown in the default language because its translation is missing: the
    /// `content/`-relative path of the file it shows. Its own key (`source.relative`) is
    /// the missing translation's.
    pub falls_back_to: Option<Arc<str>>,
    /// Every language's version of it, itself included, in the languages' order; empty on
    /// a site in one language.
    pub translations: Vec<usize>,
}

/// A section: a folder with an `_index.md`.
#[derive(Debug, Clone)]
pub struct Section {
    pub source: Source,
    pub front: Arc<SectionFrontMatter>,
    pub path: String,
    pub parent: Option<usize>,
    /// Pages in display order (including those of transparent subsections).
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
    /// URL paths of the redirect pages that `aliases` asks for.
    pub aliases: Vec<String>,
    /// Its language's code.
    pub lang: Arc<str>,
    /// As for a [`Page`]: the file shown when its translation is missing.
    pub falls_back_to: Option<Arc<str>>,
    /// Every language's version of it, itself included; empty on a site in one language.
    pub translations: Vec<usize>,
}

/// A file copied as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    pub source: PathBuf,
    /// URL path of the copy, e.g. `/priorities/chart.png`.
    pub path: String,
}

/// What the build asks of the content stage.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoadOptions {
    pub drafts: bool,
}

/// A Markdown file read and its front matter parsed, before it knows its place in the site.
#[derive(Clone)]
struct Document {
    source: Source,
    front: FrontMatter,
    /// For the default language's document standing in for a missing translation: the
    /// original's `content/`-relative path.
    fallback: Option<Arc<str>>,
}

/// Shared, not copied, by the content resolved from a snapshot: a site's front matter is a
/// good part of its memory.
#[derive(Clone)]
enum FrontMatter {
    Page(Arc<PageFrontMatter>),
    Section(Arc<SectionFrontMatter>),
}

/// Reads and resolves `content/`.
pub fn load(config: &Config, options: LoadOptions) -> anyhow::Result<Content> {
    Snapshot::read(config)?.resolve(config, options)
}

/// What `content/` held when it was read: its files, each Markdown file parsed (or the
/// problem with it). A live preview keeps one and re-reads only the files that changed.
///
/// A live preview copies the snapshot before each edit (the site before it stays whole until
/// the edit is built): the copy shares what was read and holds only what was read since.
#[derive(Clone)]
pub struct Snapshot {
    files: Arc<Files>,
    documents: Documents,
}

/// A Markdown file parsed, or the problem with it.
type Parsed = Arc<Result<Document, Diagnostic>>;

/// The parsed Markdown files of a snapshot: as first read (shared by every copy), and as read
/// again since (`None` for a file gone).
#[derive(Clone)]
struct Documents {
    first: Arc<HashMap<Arc<str>, Parsed>>,
    since: HashMap<Arc<str>, Option<Parsed>>,
}

impl Documents {
    fn get(&self, relative: &str) -> Option<&Parsed> {
        match self.since.get(relative) {
            Some(again) => again.as_ref(),
            None => self.first.get(relative),
        }
    }

    fn insert(&mut self, relative: Arc<str>, parsed: Parsed) {
        self.since.insert(relative, Some(parsed));
    }

    fn remove(&mut self, relative: Arc<str>) {
        self.since.insert(relative, None);
    }
}

impl Snapshot {
    /// Reads every file of `content/`, the Markdown in parallel.
    pub fn read(config: &Config) -> anyhow::Result<Self> {
        let files = discover(&config.root, &config.ignored_content)?;
        let documents = files
            .markdown
            .par_iter()
            .map(|relative| {
                let document = read_document(&config.root, relative);
                (relative.clone(), Arc::new(document))
            })
            .collect();
        Ok(Self {
            files: Arc::new(files),
            documents: Documents {
                first: Arc::new(documents),
                since: HashMap::default(),
            },
        })
    }

    /// Reads again the Markdown files named (`content/`-relative); a file that is gone is
    /// forgotten, a new one is added.
    pub fn refresh(&mut self, config: &Config, changed: &[Arc<str>]) {
        for relative in changed {
            let exists = config.root.join(CONTENT_DIR).join(&**relative).is_file();
            let listed = self
                .files
                .markdown
                .iter()
                .position(|known| known == relative);
            match (exists, listed) {
                (true, None) => {
                    let markdown = &mut Arc::make_mut(&mut self.files).markdown;
                    markdown.push(relative.clone());
                    markdown.sort();
                }
                (false, Some(index)) => {
                    Arc::make_mut(&mut self.files).markdown.remove(index);
                    self.documents.remove(relative.clone());
                    continue;
                }
                (false, None) => continue,
                (true, Some(_)) => {}
            }
            let document = read_document(&config.root, relative);
            self.documents.insert(relative.clone(), Arc::new(document));
        }
    }

    /// Takes the new text of a file whose front matter did not change.
    pub fn update_source(&mut self, source: Source) {
        if let Some(parsed) = self.documents.get(&source.relative)
            && let Ok(document) = &**parsed
        {
            let relative = source.relative.clone();
            let document = Document {
                source,
                ..document.clone()
            };
            self.documents.insert(relative, Arc::new(Ok(document)));
        }
    }

    /// Resolves the documents into the site's content.
    pub fn resolve(&self, config: &Config, options: LoadOptions) -> anyhow::Result<Content> {
        let (content, problems) = self.resolve_with(config, options, |_| None);
        Ok(Diagnostics(problems).into_result(content)?)
    }

    /// Resolves the documents into the site's content whatever their problems, for a check
    /// that goes on to the later stages: a file whose front matter cannot be read stands in
    /// with its text and no front matter, so that links to it and its own links still count.
    pub fn resolve_despite_problems(
        &self,
        config: &Config,
        options: LoadOptions,
    ) -> (Content, Vec<Diagnostic>) {
        self.resolve_with(config, options, |relative| stand_in(&config.root, relative))
    }

    fn resolve_with(
        &self,
        config: &Config,
        options: LoadOptions,
        stand_in: impl Fn(&Arc<str>) -> Option<Document>,
    ) -> (Content, Vec<Diagnostic>) {
        let mut documents = Vec::with_capacity(self.files.markdown.len());
        let mut problems = Vec::new();
        for relative in &self.files.markdown {
            // Every file listed is read: a snapshot lists and reads files together.
            let Some(parsed) = self.documents.get(relative) else {
                continue;
            };
            match &**parsed {
                Ok(document) => documents.push(document.clone()),
                Err(diagnostic) => {
                    problems.push(diagnostic.clone());
                    documents.extend(stand_in(relative));
                }
            }
        }
        let content = resolve::resolve(
            config,
            options,
            editions::split(config, documents, &mut problems),
            &self.files.assets,
            &mut problems,
        );
        if config.is_multilingual() {
            // A fallback shows its original's problems again, in each language.
            let mut seen = foldhash::HashSet::default();
            problems.retain(|problem| seen.insert(format!("{problem:?}")));
        }
        (content, problems)
    }

    /// The content after edits that change only the values of existing pages (see
    /// `resolve::same_place`): `previous` patched, without resolving every page again. `None`
    /// when an edited file is not such a page, or can move or add something: resolve then.
    pub fn patch(
        &self,
        previous: &Content,
        changed: &[Arc<str>],
    ) -> Option<Result<Content, Diagnostics>> {
        // In more than one language, an edit also changes the fallbacks showing the file, and
        // the translations that take values from it: resolve then.
        if previous.editions.len() > 1 {
            return None;
        }
        let mut edits = Vec::with_capacity(changed.len());
        for relative in changed {
            let index = previous
                .pages
                .iter()
                .position(|page| &page.source.relative == relative)?;
            let Ok(Document {
                source,
                front: FrontMatter::Page(front),
                ..
            }) = &**self.documents.get(relative)?
            else {
                return None;
            };
            if !resolve::same_place(&previous.pages[index].front, front) {
                return None;
            }
            edits.push((index, source.clone(), Arc::clone(front)));
        }
        Some(resolve::patch(previous, edits).map_err(Diagnostics))
    }
}

#[derive(Clone)]
struct Files {
    markdown: Vec<Arc<str>>,
    assets: Vec<String>,
}

/// Lists `content/` (relative paths, `/`-separated, in name order), leaving out hidden files
/// and editors' swap and backup files.
fn discover(root: &Path, ignored: &crate::config::Ignored) -> anyhow::Result<Files> {
    let dir = root.join(CONTENT_DIR);
    let mut files = Files {
        markdown: Vec::new(),
        assets: Vec::new(),
    };
    if !dir.is_dir() {
        return Ok(files);
    }
    let walker = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(is_ignored(&entry.file_name().to_string_lossy())
                    || ignored.matches(&below(&dir, entry.path())))
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = below(&dir, entry.path());
        if relative.ends_with(".md") {
            files.markdown.push(relative.into());
        } else {
            files.assets.push(relative);
        }
    }
    Ok(files)
}

/// Hidden files and what editors leave beside the files they save.
pub fn is_ignored(file_name: &str) -> bool {
    file_name.starts_with('.')
        || file_name.ends_with('~')
        || file_name.starts_with('#')
        || [".swp", ".swx", ".tmp", ".bak"]
            .iter()
            .any(|ext| file_name.ends_with(ext))
}

fn read_document(root: &Path, relative: &Arc<str>) -> Result<Document, Diagnostic> {
    let path = Path::new(CONTENT_DIR).join(&**relative);
    let bytes = std::fs::read(root.join(&path))
        .map_err(|error| Diagnostic::file(&path, format!("cannot read file: {error}")))?;
    let mut text = crate::diagnostic::utf8(&path, bytes)?;
    if text.starts_with(BYTE_ORDER_MARK) {
        // Some Windows editors start UTF-8 files with one; it is not part of the text.
        text.drain(..BYTE_ORDER_MARK.len_utf8());
    }
    if let Some(at) = text.find('\0') {
        return Err(nul_character(&path, &text, at..at + 1));
    }
    let split = front_matter::split(&path, &text)?;
    if let Some(span) = front_matter::escaped_nul(&split) {
        return Err(nul_character(&path, &text, span));
    }
    let (front, yaml) = if is_section_file(relative) {
        let (front, yaml) = front_matter::parse(&path, &text, &split)?;
        (FrontMatter::Section(Arc::new(front)), yaml)
    } else {
        let (front, yaml) = front_matter::parse(&path, &text, &split)?;
        (FrontMatter::Page(Arc::new(front)), yaml)
    };
    let source = Source {
        front_matter_start: split.front_matter_start,
        body_start: split.body_start,
        yaml,
        path: path.into(),
        relative: Arc::clone(relative),
        text: Arc::new(text),
        lang: None,
        fallback: false,
    };
    Ok(Document {
        source,
        front,
        fallback: None,
    })
}

/// `path` below `dir`, `/`-separated.
fn below(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A file whose front matter has a problem, with its text and no front matter; `None` when
/// even its text cannot be read or split.
fn stand_in(root: &Path, relative: &Arc<str>) -> Option<Document> {
    let path = Path::new(CONTENT_DIR).join(&**relative);
    let text = std::fs::read_to_string(root.join(&path)).ok()?;
    let text = text
        .strip_prefix(BYTE_ORDER_MARK)
        .unwrap_or(&text)
        .to_string();
    if text.contains('\0') {
        return None;
    }
    let split = front_matter::split(&path, &text).ok()?;
    let front = if is_section_file(relative) {
        FrontMatter::Section(Arc::default())
    } else {
        FrontMatter::Page(Arc::default())
    };
    let source = Source {
        path: path.into(),
        relative: Arc::clone(relative),
        front_matter_start: split.front_matter_start,
        body_start: split.body_start,
        text: Arc::new(text),
        ..Source::default()
    };
    Some(Document {
        source,
        front,
        fallback: None,
    })
}

/// NUL is no text: HTML parsers replace it, XML forbids it. A file that holds one is
/// refused, at the character, rather than published with it changed.
fn nul_character(path: &Path, text: &str, span: std::ops::Range<usize>) -> Diagnostic {
    Diagnostic::at(path, text, span, "a NUL character (U+0000) in the text")
        .with_label("here")
        .with_hint(
            "remove it: NUL is no text (browsers show `\u{fffd}`, feeds cannot hold it); \
             in a file saved as text, it means the file is damaged",
        )
}

#[cfg(test)]
mod tests {
    use super::is_ignored;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [".x.md.swp", "x.md~", "#x.md#", ".hidden"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("x.md"));
    }
}

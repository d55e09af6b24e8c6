//! A built site kept in memory so that a change re-renders only what it can alter.
//!
//! [`Session::open`] builds everything into a folder; [`Session::update`] takes the paths that
//! changed, works out which outputs can differ (from what each output's rendering read), renders
//! those, and writes the files whose bytes changed. An update that fails writes nothing: the
//! folder keeps the last good site. After any sequence of updates the folder holds exactly what
//! a clean build of the same files produces.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use foldhash::{HashMap, HashMapExt as _, HashSet};
use rayon::prelude::*;

use super::check::{self, Anchors};
use super::state::{Job, Output, OutputKind, State};
use super::{BuildOptions, fingerprint};
use crate::config;
use crate::content::{CONTENT_DIR, Source};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::output;
use crate::sass::{Compiled, SASS_DIR};
use crate::search::Indexing;
use crate::templates::{self, Read, fingerprints};

/// The name of the search index's time among a build's [`Session::timings`].
pub const SEARCH_INDEX: &str = "search index";

/// A site built into `dir`, ready for updates.
pub struct Session {
    options: BuildOptions,
    dir: PathBuf,
    state: State,
    /// Every rendered output by URL path: what it is and what its rendering read.
    outputs: HashMap<String, Written>,
    /// Heading ids and anchor links of every page and section, by `content/`-relative path.
    anchors: HashMap<Arc<str>, Anchors>,
    /// Files copied as they are, by URL path.
    copies: BTreeMap<String, PathBuf>,
    /// The URL paths of the stylesheets compiled from Sass.
    stylesheets: BTreeSet<String>,
    /// Every file the Sass compiler read or looked for: a change to one compiles again.
    sass_files: BTreeSet<PathBuf>,
    /// Paths of updates that failed: the next update takes them up again.
    pending: Vec<PathBuf>,
    /// The site before the last update, freed by [`Session::tidy`].
    retired: Option<State>,
    /// The sum of the fingerprint stamps of the files the first build wrote (pages, copies).
    stamps: u64,
    /// When the last build or update started reading the site's files.
    read_since: SystemTime,
    /// How long the first build's stages took, for `--verbose`.
    timings: Vec<(&'static str, Duration)>,
}

struct Written {
    kind: OutputKind,
    /// The [`Recipe::fingerprint`] of how it was made.
    recipe: u64,
    /// The [`fingerprints`] of what its rendering read.
    reads: Box<[u64]>,
    /// The files of the site folder that template functions read or looked for.
    files: Box<[Arc<Path>]>,
    /// The [`fingerprints`] of those reads and of the folders looked in.
    disk: Box<[u64]>,
}

impl Written {
    /// Whether its rendering read one of `changed` ([`fingerprints`], sorted).
    fn read_any(&self, changed: &[u64]) -> bool {
        any_of(&self.reads, changed)
    }

    /// Whether its rendering read or looked for one of the files or folders whose reads'
    /// [`fingerprints`] are `changed`: a check of a few reads, not of all.
    fn read_from_disk_any(&self, changed: &[u64]) -> bool {
        any_of(&self.disk, changed)
    }
}

/// Whether any of `reads` is in `changed` (sorted).
fn any_of(reads: &[u64], changed: &[u64]) -> bool {
    reads.iter().any(|read| changed.binary_search(read).is_ok())
}

/// What an update did.
#[derive(Debug, Default)]
pub struct Update {
    /// URL paths of the files whose bytes changed, were added or were removed.
    pub changed: Vec<String>,
    /// How many outputs were rendered to find them.
    pub rendered: usize,
    pub elapsed: Duration,
}

/// What a changed path is to the site.
#[derive(Debug, Default)]
struct Changes {
    config: bool,
    templates: bool,
    copies: bool,
    /// A file of a `sass/` folder.
    sass: bool,
    /// Changed Markdown files, `content/`-relative.
    markdown: Vec<Arc<str>>,
}

impl Session {
    /// Builds the whole site into `dir`, which must be empty or absent.
    pub fn open(options: &BuildOptions, dir: &Path) -> anyhow::Result<Self> {
        Self::open_beside(options, dir, None)
    }

    /// Builds like [`Session::open`]; files whose bytes equal those at the same place in
    /// `previous` (the output being replaced) are hard-linked from there instead of written.
    pub fn open_beside(
        options: &BuildOptions,
        dir: &Path,
        previous: Option<&Path>,
    ) -> anyhow::Result<Self> {
        // With no output to replace, there is nothing to link: no need to look for each file.
        let previous = previous.filter(|previous| previous.is_dir());
        let read_since = SystemTime::now();
        let started = Instant::now();
        let state = State::load(options)?;
        let compiled = compile_sass(&state.config)?;
        let loaded = started.elapsed();
        let indexing = state
            .config
            .generate
            .search_index
            .then(|| Indexing::start(dir, &state.config.default_language))
            .transpose()?;
        let jobs = state.jobs();
        let stamps = AtomicU64::new(0);
        let progress = crate::console::Progress::start("rendering", Some(jobs.len() as u64));
        let mut rendered: Vec<(usize, &Job, Result<Output, Diagnostics>)> = jobs
            .iter()
            .enumerate()
            // Taken in the site's order, so that the search index gets the pages nearly in
            // that order and holds back few.
            .par_bridge()
            .map(|(place, job)| {
                let result = state.render(job, None).and_then(|mut output| {
                    let bytes = std::mem::take(&mut output.bytes);
                    let written = write_new(dir, previous, &job.path, &bytes)?;
                    stamps.fetch_add(stamp(&job.path, &written), Ordering::Relaxed);
                    Ok((output, bytes))
                });
                let (result, bytes) = match result {
                    Ok((output, bytes)) => (Ok(output), Some(bytes)),
                    Err(problems) => (Err(problems), None),
                };
                if let Some(indexing) = &indexing {
                    let page = bytes.filter(|_| super::minify::is_html(&job.path));
                    let file = || output::file_for(Path::new(""), &job.path);
                    indexing.add(place, page.map(|html| (file(), html)));
                }
                progress.advance();
                (place, job, result)
            })
            .collect();
        drop(progress);
        rendered.sort_unstable_by_key(|(place, ..)| *place);
        let rendered = rendered.into_iter().map(|(_, job, result)| (job, result));
        let (outputs, page_anchors) = Self::collect(rendered.collect())?;
        let rendered = started.elapsed();
        let mut session = Self {
            options: options.clone(),
            dir: dir.to_path_buf(),
            anchors: state.section_anchors().chain(page_anchors).collect(),
            outputs: HashMap::with_capacity(outputs.len()),
            copies: BTreeMap::new(),
            stylesheets: BTreeSet::new(),
            sass_files: BTreeSet::new(),
            pending: Vec::new(),
            retired: None,
            stamps: stamps.into_inner(),
            read_since,
            state,
            timings: Vec::new(),
        };
        session.remember(outputs);
        check::anchors(&session.state.content, |relative| {
            session.anchors.get(relative)
        })?;
        session.copy_all(previous)?;
        session.write_stylesheets(compiled, previous)?;
        let copied = started.elapsed();
        session.timings = vec![
            ("load", loaded),
            ("render", rendered - loaded),
            ("copy and Sass", copied - rendered),
        ];
        if let Some(indexing) = indexing {
            session.index_copies(&indexing, jobs.len())?;
            let indexed = crate::console::waiting("search index", || indexing.finish())?;
            session.timings.extend([
                ("search index wait", started.elapsed() - copied),
                (SEARCH_INDEX, indexed),
            ]);
        }
        Ok(session)
    }

    /// Gives the HTML files copied from `static/` to the search index, as Pagefind finds
    /// every page of a site, after the `rendered` ones.
    fn index_copies(&self, indexing: &Indexing, rendered: usize) -> anyhow::Result<()> {
        let pages = self.copies.keys().filter(|path| path.ends_with(".html"));
        for (place, path) in (rendered..).zip(pages) {
            let file = output::file_for(Path::new(""), path);
            let html = std::fs::read(self.dir.join(&file))
                .with_context(|| format!("reading {} for search", file.display()))?;
            indexing.add(place, Some((file, html)));
        }
        Ok(())
    }

    /// How long the first build's stages took: loading the site, rendering and writing its
    /// pages, copying its files; with search, how long the build waited for the index after
    /// that, and the index's whole time (`SEARCH_INDEX`), most of it beside the rendering.
    pub fn timings(&self) -> &[(&'static str, Duration)] {
        &self.timings
    }

    /// Frees the site as it was before the last update. Freeing a large site's values takes a
    /// while: a live preview calls this once the browser has been told to reload.
    pub fn tidy(&mut self) {
        self.retired = None;
    }

    /// The fingerprint of the folder as the first build left it, made as a walk of the folder
    /// would make it: the stamps of the files the build wrote, and those of the search index.
    pub fn output_fingerprint(&self) -> std::io::Result<u64> {
        let index = fingerprint::output(&self.dir, crate::search::DIR)?;
        Ok(self.stamps.wrapping_add(index))
    }

    /// Writes the search index of the site's folder again, when `site.toml` asks for one: what
    /// the live preview does in the background after an update.
    pub fn index_search(&self) -> anyhow::Result<()> {
        match self.pages_to_index() {
            Some(pages) => crate::search::index(&self.dir, &pages),
            None => Ok(()),
        }
    }

    /// The pages of the site to index for search, in the order a build gives them to the
    /// index, when `site.toml` asks for one.
    pub fn pages_to_index(&self) -> Option<crate::search::Pages> {
        let config = &self.state.config;
        if !config.generate.search_index {
            return None;
        }
        let rendered = self.state.jobs().into_iter().map(|job| job.path);
        let copied = self.copies.keys().cloned();
        let files = rendered
            .chain(copied)
            .filter(|path| super::minify::is_html(path))
            .map(|path| output::file_for(Path::new(""), &path))
            .collect();
        Some(crate::search::Pages {
            default_language: config.default_language.clone(),
            files,
        })
    }

    /// Moves the site's folder, e.g. once a staging folder has been published.
    pub fn set_dir(&mut self, dir: PathBuf) {
        self.dir = dir;
    }

    pub fn page_count(&self) -> usize {
        self.state.content.pages.len()
    }

    /// A warning naming what the site asked for and cannot have without a host in
    /// `base_url`, if anything.
    pub fn left_out(&self) -> Option<String> {
        let left_out = &self.state.config.left_out;
        (!left_out.is_empty()).then(|| {
            format!(
                "`base_url` names no host: {} and canonical links are left out; set it to the \
                 address the site is published at, e.g. \"https://example.org/plan/\"",
                left_out.join(", ")
            )
        })
    }

    pub fn section_count(&self) -> usize {
        self.state.content.sections.len()
    }

    /// For each language but the default: how many pages and sections lack a translation, of
    /// how many.
    pub fn missing_translations(&self) -> Vec<(String, usize, usize)> {
        let content = &self.state.content;
        content
            .editions
            .iter()
            .skip(1)
            .map(|edition| {
                let all = edition.pages.len() + edition.sections.len();
                (edition.lang.to_string(), edition.missing.len(), all)
            })
            .collect()
    }

    /// The files of the site folder that template functions read or looked for (`load_data`,
    /// `get_hash`...), wherever they are: a watcher follows them, and a build's record
    /// fingerprints them, besides the folders the build reads.
    /// When the last build or update started reading the site's files: a file that
    /// [`Session::files_read`] names, changed since, may have changed after it was read.
    pub fn read_since(&self) -> SystemTime {
        self.read_since
    }

    pub fn files_read(&self) -> Vec<PathBuf> {
        let files: BTreeSet<&Path> = self
            .outputs
            .values()
            .flat_map(|written| written.files.iter().map(|file| &**file))
            .chain(self.sass_files.iter().map(PathBuf::as_path))
            .collect();
        files.into_iter().map(Path::to_path_buf).collect()
    }

    pub fn copy_count(&self) -> usize {
        self.copies.len()
    }

    /// Applies the changes of `paths` (files added, changed or removed anywhere in the site).
    /// When it fails, the folder is left as it was and the paths are kept for the next update.
    pub fn update(&mut self, paths: &[PathBuf]) -> anyhow::Result<Update> {
        self.tidy();
        self.read_since = SystemTime::now();
        let mut all = std::mem::take(&mut self.pending);
        all.extend_from_slice(paths);
        all.sort();
        all.dedup();
        let result = self.apply(&all);
        if result.is_err() {
            self.pending = all;
        }
        result
    }

    fn apply(&mut self, paths: &[PathBuf]) -> anyhow::Result<Update> {
        let started = Instant::now();
        let changes = self.classify(paths);
        // The files template functions read (`load_data`, `get_hash`...) may be anywhere in the
        // site folder, and may be Markdown or static files too.
        let file_reads: Vec<Read> = paths
            .iter()
            .flat_map(|path| Read::of_changed_path(&absolute(path)))
            .collect();
        let files_changed = fingerprints(&file_reads);
        let files_read = self
            .outputs
            .values()
            .any(|written| written.read_from_disk_any(&files_changed));
        let mut copies_may_change =
            changes.copies || changes.config || !changes.markdown.is_empty();
        // Sass compiles first, so that a stylesheet that fails leaves everything as it was
        // (with new settings, once they are read).
        let sass_changed = changes.sass
            || paths
                .iter()
                .any(|path| self.sass_files.contains(&absolute(path)));
        let mut compiled = if sass_changed && !changes.config {
            Some(compile_sass(&self.state.config)?)
        } else {
            None
        };
        // A static file or stylesheet added, removed or renamed may claim the address of
        // another output: the content is then resolved again, which checks every claim as a
        // clean build does.
        let unchanged_settings = !(changes.config || changes.templates);
        let copies_moved = unchanged_settings
            && ((changes.copies && self.copied_files_moved()?)
                || compiled
                    .as_ref()
                    .is_some_and(|compiled| self.stylesheets_moved(compiled)));
        let mut update = if changes.config || changes.templates {
            let state = if changes.config {
                let state = State::load(&self.options)?;
                compiled = Some(compile_sass(&state.config)?);
                state
            } else {
                self.state
                    .reload_templates(&self.options, &changes.markdown)?
            };
            self.replace_state(state, None)?
        } else if copies_moved || !changes.markdown.is_empty() {
            match self.body_only_edits(&changes.markdown)? {
                // A file read by a function (`load_data` of a Markdown file) may change other
                // outputs than its pages.
                Some(sources) if !copies_moved && !files_read => {
                    // Edits of pages' text alone cannot add, move or remove a copied file
                    // (a static file saved in the same batch is still copied).
                    copies_may_change = changes.copies;
                    self.update_bodies(sources)?
                }
                _ => {
                    let state = self.state.reload_content(
                        &self.options,
                        &changes.markdown,
                        copies_moved,
                    )?;
                    let mut changed_sources: HashSet<Arc<str>> =
                        changes.markdown.iter().cloned().collect();
                    // The pages of other languages that show a changed file changed too.
                    let showing: Vec<Arc<str>> = state
                        .content
                        .pages
                        .iter()
                        .filter(|page| {
                            page.falls_back_to
                                .as_ref()
                                .is_some_and(|file| changed_sources.contains(file))
                        })
                        .map(|page| page.source.relative.clone())
                        .collect();
                    changed_sources.extend(showing);
                    self.replace_state(state, Some((&changed_sources, &file_reads)))?
                }
            }
        } else if files_read {
            self.update_readers(&files_changed)?
        } else {
            Update::default()
        };
        if copies_may_change {
            update.changed.extend(self.sync_copies()?);
        }
        if let Some(compiled) = compiled {
            update.changed.extend(self.sync_stylesheets(compiled)?);
        }
        update.changed.sort();
        update.changed.dedup();
        update.elapsed = started.elapsed();
        Ok(update)
    }

    /// Whether the files to copy are others than the last update copied (not only other bytes).
    fn copied_files_moved(&self) -> anyhow::Result<bool> {
        Ok(!self.state.copies()?.keys().eq(self.copies.keys()))
    }

    fn classify(&self, paths: &[PathBuf]) -> Changes {
        let root = absolute(&self.state.config.root);
        let theme = self.state.config.theme_dir.as_deref().map(absolute);
        let theme = theme.as_deref();
        let mut changes = Changes::default();
        for path in paths {
            let path = &absolute(path);
            let relative = path.strip_prefix(&root).unwrap_or(path);
            let in_theme =
                |folder: &str| theme.is_some_and(|theme| path.starts_with(theme.join(folder)));
            if relative == Path::new(&self.options.config_file)
                || relative == Path::new(config::FILE_NAME)
            {
                changes.config = true;
            } else if relative.starts_with("templates")
                || in_theme("templates")
                || in_theme(templates::I18N_DIR)
            {
                // The translation tables load with the templates.
                changes.templates = true;
            } else if relative.starts_with("static") || in_theme("static") {
                // The site's static files and stylesheets replace the theme's.
                changes.copies = true;
                changes.sass = true;
            } else if relative.starts_with(SASS_DIR) || in_theme(SASS_DIR) {
                changes.copies = true;
                changes.sass = true;
            } else if theme.is_some_and(|theme| theme.starts_with(path)) {
                // The theme's folder (or `themes/`) itself: made, deleted or replaced.
                changes.templates = true;
                changes.copies = true;
                changes.sass = true;
            } else if let Ok(inside) = relative.strip_prefix(CONTENT_DIR) {
                // Any other file (an asset, a folder) changes the content's list of files:
                // it goes through the Markdown's path too, which reloads the content.
                let name = inside.to_string_lossy().replace('\\', "/");
                changes.copies |= !name.ends_with(".md");
                changes.markdown.push(name.into());
            }
        }
        changes
    }

    /// When every changed file is an existing page whose front matter is unchanged, their new
    /// sources; nothing but those pages can then differ.
    fn body_only_edits(
        &self,
        changed: &[Arc<str>],
    ) -> anyhow::Result<Option<Vec<(usize, Source)>>> {
        let content = &self.state.content;
        let mut sources = Vec::with_capacity(changed.len());
        for relative in changed {
            // The page of the file, and the pages of other languages that show it.
            let showing: Vec<usize> = content
                .pages
                .iter()
                .enumerate()
                .filter(|(_, page)| {
                    page.source.relative == *relative
                        || page.falls_back_to.as_ref() == Some(relative)
                })
                .map(|(index, _)| index)
                .collect();
            // A priority area's text may be shown elsewhere (`get_area_text`, as the print
            // edition does): those outputs change too.
            if showing.is_empty() || showing.iter().any(|&index| self.text_is_shown(index)) {
                return Ok(None);
            }
            let old = &content.pages[showing[0]].source;
            let Ok(bytes) = std::fs::read(self.state.config.root.join(&old.path)) else {
                return Ok(None);
            };
            let Ok(text) = String::from_utf8(bytes) else {
                return Ok(None);
            };
            let front_matter = &old.text[..old.body_start];
            if !text.starts_with(front_matter) {
                return Ok(None);
            }
            let text = Arc::new(text);
            for index in showing {
                let old = &content.pages[index].source;
                let source = Source {
                    text: Arc::clone(&text),
                    ..old.clone()
                };
                sources.push((index, source));
            }
        }
        Ok(Some(sources))
    }

    /// Whether an output of the last update read the text of page `index` as an area's
    /// (`Read::AreaText`).
    fn text_is_shown(&self, index: usize) -> bool {
        let page = &self.state.content.pages[index];
        let Some(area) = &page.area else {
            return false;
        };
        let read = Read::AreaText(page.lang.clone(), area.number);
        let print = fingerprints([&read]);
        self.outputs
            .values()
            .any(|written| written.read_any(&print))
    }

    /// Re-renders pages whose body alone changed.
    fn update_bodies(&mut self, sources: Vec<(usize, Source)>) -> anyhow::Result<Update> {
        // Only the pages' own outputs: the rest of the site's jobs are not needed.
        let jobs: Vec<Job> = sources
            .iter()
            .map(|(index, _)| self.state.page_job(*index))
            .collect();
        let rendered: Vec<_> = jobs
            .par_iter()
            .zip(&sources)
            .map(|(job, (_, source))| (job, self.state.render(job, Some(source))))
            .collect();
        let (outputs, anchors) = Self::collect(rendered)?;
        let renewed: HashMap<Arc<str>, Anchors> = anchors.into_iter().collect();
        let content = &self.state.content;
        check::anchors(content, |relative| {
            renewed.get(relative).or_else(|| self.anchors.get(relative))
        })?;
        let changed = self.write_changed(&outputs)?;
        for (index, source) in sources {
            self.state.snapshot.update_source(source.clone());
            self.state.content.pages[index].source = source;
        }
        self.anchors.extend(renewed);
        Ok(self.remember_update(outputs, changed))
    }

    /// Re-renders the outputs that read a file whose reads' [`fingerprints`] are `changed`,
    /// when nothing else changed: the site's values, and so its Markdown and anchors, are the
    /// same.
    fn update_readers(&mut self, changed: &[u64]) -> anyhow::Result<Update> {
        let jobs = self.state.jobs();
        let rendered: Vec<_> = jobs
            .par_iter()
            .filter(|job| {
                self.outputs
                    .get(&job.path)
                    .is_some_and(|written| written.read_from_disk_any(changed))
            })
            .map(|job| (job, self.state.render(job, None)))
            .collect();
        let (outputs, _) = Self::collect(rendered)?;
        let changed = self.write_changed(&outputs)?;
        Ok(self.remember_update(outputs, changed))
    }

    /// Remembers what `outputs` read, of which those at `changed` were written anew.
    fn remember_update(&mut self, outputs: Vec<(&Job, Output)>, changed: Vec<String>) -> Update {
        let rendered = outputs.len();
        self.remember(outputs);
        Update {
            changed,
            rendered,
            elapsed: Duration::ZERO,
        }
    }

    /// Moves to `state`, re-rendering the outputs that read something that changed. With
    /// `changed`, only those pages' own text and those files (their reads) changed besides
    /// what the values show; without, everything is re-rendered (new templates or
    /// configuration).
    fn replace_state(
        &mut self,
        state: State,
        changed: Option<(&HashSet<Arc<str>>, &[Read])>,
    ) -> anyhow::Result<Update> {
        let jobs = state.jobs();
        let dirty: Vec<&Job> = match changed {
            None => jobs.iter().collect(),
            Some((sources, files)) => {
                let changes = self.state.views.lookup().changes(state.views.lookup());
                let changed = fingerprints(changes.iter().chain(files));
                jobs.par_iter()
                    .filter(|job| self.is_dirty(job, &changed, sources))
                    .collect()
            }
        };
        let rendered: Vec<_> = dirty
            .par_iter()
            .map(|job| (*job, state.render(job, None)))
            .collect();
        let (outputs, page_anchors) = Self::collect(rendered)?;

        // Check anchors against the new site before writing anything: the new state's
        // sections and re-rendered pages, else what the pages still there had before.
        let renewed: HashMap<Arc<str>, Anchors> =
            state.section_anchors().chain(page_anchors).collect();
        let live: HashSet<&str> = state
            .content
            .pages
            .iter()
            .map(|page| &*page.source.relative)
            .collect();
        check::anchors(&state.content, |relative| {
            renewed.get(relative).or_else(|| {
                self.anchors
                    .get(relative)
                    .filter(|_| live.contains(relative))
            })
        })?;

        let mut changed = self.write_changed(&outputs)?;
        let expected: HashSet<&str> = jobs.iter().map(|job| job.path.as_str()).collect();
        let gone: Vec<String> = self
            .outputs
            .keys()
            .filter(|path| !expected.contains(path.as_str()))
            .cloned()
            .collect();
        for path in gone {
            self.outputs.remove(&path);
            output::remove(&self.dir, &path)?;
            changed.push(path);
        }
        self.anchors
            .retain(|relative, _| live.contains(&**relative));
        self.anchors.extend(renewed);
        self.retired = Some(std::mem::replace(&mut self.state, state));
        Ok(self.remember_update(outputs, changed))
    }

    /// Whether `job` can render differently now: it is new, it is another kind of output
    /// than before at that path, its page's text changed, or it read something that changed.
    /// `changed` holds the [`fingerprints`] of what changed.
    fn is_dirty(&self, job: &Job, changed: &[u64], sources: &HashSet<Arc<str>>) -> bool {
        let Some(before) = self.outputs.get(&job.path) else {
            return true;
        };
        if before.kind != job.kind || before.recipe != job.recipe.fingerprint() {
            return true;
        }
        if let OutputKind::Page { relative, .. } = &job.kind
            && sources.contains(relative)
        {
            return true;
        }
        before.read_any(changed)
    }

    /// Splits rendered outputs into successes and problems; any problem fails the update.
    #[allow(clippy::type_complexity)]
    fn collect(
        rendered: Vec<(&Job, Result<Output, Diagnostics>)>,
    ) -> Result<(Vec<(&Job, Output)>, Vec<(Arc<str>, Anchors)>), Diagnostics> {
        let mut problems = Diagnostics::default();
        let mut outputs = Vec::with_capacity(rendered.len());
        let mut anchors = Vec::new();
        for (job, result) in rendered {
            match result {
                Ok(mut output) => {
                    anchors.extend(output.anchors.take());
                    outputs.push((job, output));
                }
                Err(found) => problems.extend(found.0),
            }
        }
        problems.into_result((outputs, anchors))
    }

    /// Writes the outputs whose bytes differ from the files in the folder.
    fn write_changed(&self, outputs: &[(&Job, Output)]) -> anyhow::Result<Vec<String>> {
        let changed: Vec<anyhow::Result<Option<String>>> = outputs
            .par_iter()
            .map(|(job, output)| {
                let wrote = output::write_if_changed(&self.dir, &job.path, &output.bytes)?;
                Ok(wrote.then(|| job.path.clone()))
            })
            .collect();
        changed.into_iter().filter_map(Result::transpose).collect()
    }

    /// Copies every static file and asset into a folder being filled for the first time,
    /// linking those whose bytes equal the file at the same place in `previous`.
    fn copy_all(&mut self, previous: Option<&Path>) -> anyhow::Result<()> {
        let copies = self.state.copies()?;
        for (path, source) in &copies {
            let bytes = read_copy(source)?;
            let written = output::write_beside(&self.dir, previous, path, &bytes)?;
            self.stamps = self.stamps.wrapping_add(stamp(path, &written));
        }
        self.copies = copies;
        Ok(())
    }

    /// Copies the static files and assets whose bytes changed, removes those gone.
    fn sync_copies(&mut self) -> anyhow::Result<Vec<String>> {
        let copies = self.state.copies()?;
        let mut changed = Vec::new();
        for (path, source) in &copies {
            if output::write_if_changed(&self.dir, path, &read_copy(source)?)? {
                changed.push(path.clone());
            }
        }
        for path in self.copies.keys() {
            if !copies.contains_key(path)
                && !self.outputs.contains_key(path)
                && !self.stylesheets.contains(path)
            {
                output::remove(&self.dir, path)?;
                changed.push(path.clone());
            }
        }
        self.copies = copies;
        Ok(changed)
    }

    /// Whether `compiled` writes other stylesheets than the last build or update.
    fn stylesheets_moved(&self, compiled: &Compiled) -> bool {
        !compiled
            .css
            .iter()
            .map(|(path, _)| path)
            .eq(self.stylesheets.iter())
    }

    /// Writes the stylesheets into a folder being filled for the first time, linking those
    /// whose bytes equal the file at the same place in `previous`.
    fn write_stylesheets(
        &mut self,
        compiled: Compiled,
        previous: Option<&Path>,
    ) -> anyhow::Result<()> {
        for (path, css) in &compiled.css {
            let written = output::write_beside(&self.dir, previous, path, css)?;
            self.stamps = self.stamps.wrapping_add(stamp(path, &written));
        }
        self.remember_stylesheets(compiled);
        Ok(())
    }

    /// Writes the stylesheets whose bytes changed, removes those gone.
    fn sync_stylesheets(&mut self, compiled: Compiled) -> anyhow::Result<Vec<String>> {
        let mut changed = Vec::new();
        for (path, css) in &compiled.css {
            if output::write_if_changed(&self.dir, path, css)? {
                changed.push(path.clone());
            }
        }
        let kept: BTreeSet<&String> = compiled.css.iter().map(|(path, _)| path).collect();
        for path in &self.stylesheets {
            if !kept.contains(path)
                && !self.copies.contains_key(path)
                && !self.outputs.contains_key(path)
            {
                output::remove(&self.dir, path)?;
                changed.push(path.clone());
            }
        }
        self.remember_stylesheets(compiled);
        Ok(changed)
    }

    fn remember_stylesheets(&mut self, compiled: Compiled) {
        let Compiled { css, files } = compiled;
        self.stylesheets = css.into_iter().map(|(path, _)| path).collect();
        self.sass_files = files;
    }

    /// Keeps what the rendering of `outputs` read, for the next update.
    fn remember(&mut self, outputs: Vec<(&Job, Output)>) {
        for (job, output) in outputs {
            let written = Written {
                kind: job.kind.clone(),
                recipe: job.recipe.fingerprint(),
                reads: output.reads,
                files: output.files,
                disk: output.disk,
            };
            self.outputs.insert(job.path.clone(), written);
        }
    }
}

/// The site's stylesheets, compiled from its and its theme's Sass.
fn compile_sass(config: &config::Config) -> Result<Compiled, Diagnostics> {
    crate::sass::compile(&crate::sass::stylesheets(config), &config.root)
}

/// `path` made absolute as watchers report paths: the site may have been named relatively.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn read_copy(source: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(source).with_context(|| format!("reading {}", source.display()))
}

/// Writes a file into a folder being filled for the first time.
fn write_new(
    dir: &Path,
    previous: Option<&Path>,
    path: &str,
    bytes: &[u8],
) -> Result<std::fs::Metadata, Diagnostic> {
    output::write_beside(dir, previous, path, bytes).map_err(|error| {
        Diagnostic::file(
            output::file_for(dir, path),
            format!("cannot write: {}", error.kind()),
        )
        .with_hint("check that the output folder can be written to and its disk has room")
    })
}

/// The fingerprint stamp of the file written for URL path `path`.
fn stamp(path: &str, written: &std::fs::Metadata) -> u64 {
    fingerprint::stamp(&output::file_for(Path::new(""), path), written)
}

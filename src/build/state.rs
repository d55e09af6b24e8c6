//! A site loaded and resolved, ready to render: the input of every output.
//!
//! [`State::load`] runs the stages up to the template values; [`State::jobs`] lists every file
//! the site consists of, and [`State::render`] makes one of them. A clean build renders all
//! jobs; a live preview renders only those a change can alter, which is exact because each
//! [`Job`] states all it is made from: its [`Recipe`] (template, Markdown options, pagination;
//! compared whole between builds) and the [`Read`]s its render records (the values and
//! template functions it looked at; `Lookup::changes` tells which changed).
//!
//! To add safely:
//! - a template value: put it in a view that a [`Read`] already covers (a page's summary is
//!   `Read::Page`, a section's value `Read::Section`), or add a [`Read`] and make
//!   `Lookup::changes` report it;
//! - a template function: add it to `templates::FUNCTIONS`; it reaches the content only
//!   through `with_lookup`, which takes the [`Read`] to record, or `with_scope`, where it
//!   records its reads as it finds them (`trans`, `now` and the filters read only what loads
//!   with the templates, `Resources`: a change to that reloads the templates, which renders
//!   every output again, so they record none);
//! - a function that reads a file of the site folder: find it with `templates::files`, which
//!   records a [`Read::File`] for each place it looks in (and [`Read::Folder`] for the folders
//!   on the way); an update turns every changed path, wherever it lies, into those reads;
//! - a setting that changes how an output renders but is no value: a field of [`Recipe`];
//! - an output: a [`Job`] with its [`OutputKind`] and [`Recipe`].
//!
//! `tests/sites/everything` prints every value and calls every function, and
//! `tests/cli/incremental.rs` edits every key of it at random against clean builds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use rayon::prelude::*;

use super::BuildOptions;
use super::check::{self, Anchors};
use super::feeds::Scope;
use super::files::SiteFile;
use super::relative::Relative;
use crate::config::{self, Config};
use crate::content::{self, Content, LoadOptions, Snapshot, Source};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::markdown::shortcodes::Shortcodes;
use crate::markdown::{self, LinkTargets, RenderOptions, Rendered};
use crate::templates::{Pager, Pagination, Read, Templates, Views, fingerprints};

/// The site, loaded: configuration, templates, content and the values templates read.
pub struct State {
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    /// `content/` as read, for reading only what changes next time.
    pub snapshot: Snapshot,
    pub content: Content,
    pub targets: Arc<LinkTargets>,
    pub sections_rendered: Arc<[Rendered]>,
    pub views: Views,
}

/// One file of the site to render, and all it is made from. The render takes its template
/// and options from the recipe only.
pub struct Job {
    /// URL path below the base URL: `/a/b/` (written as `a/b/index.html`) or `/404.html`.
    pub path: String,
    pub kind: OutputKind,
    pub recipe: Recipe,
    work: Work,
}

/// How an output is made besides the values it reads: when any part differs from the last
/// render, the output is rendered again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Recipe {
    /// The template it renders with (none for redirects, feeds and site files).
    pub template: Option<String>,
    /// How its Markdown is rendered (a page's section decides anchor links).
    pub markdown: RenderOptions,
    /// How its listing is split, for one pager of a section or term.
    pub pagination: Option<Pagination>,
}

impl Recipe {
    fn template(name: &str) -> Self {
        Self {
            template: Some(name.to_string()),
            ..Self::default()
        }
    }

    /// The template's name; empty (no such template) for outputs made without one.
    fn template_name(&self) -> &str {
        self.template.as_deref().unwrap_or_default()
    }

    /// A number standing for the recipe, equal for equal recipes within one process.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::BuildHasher as _;
        foldhash::fast::FixedState::default().hash_one(self)
    }
}

/// What an output is, for telling whether a change concerns it. Two jobs of equal kind make
/// the same output from the same inputs, but for what their reads name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputKind {
    /// A page, with its neighbours (whose summaries it shows).
    Page {
        relative: Arc<str>,
        lower: Option<Arc<str>>,
        higher: Option<Arc<str>>,
    },
    /// One pager of a section.
    Section {
        relative: Arc<str>,
        pager: usize,
    },
    TaxonomyList {
        taxonomy: String,
    },
    Term {
        taxonomy: String,
        slug: String,
        pager: usize,
    },
    NotFound,
    /// A page that sends the browser on to `target`.
    Redirect {
        target: String,
    },
    /// A site file besides the pages (sitemap, robots.txt, data exports).
    File(SiteFile),
    /// The Atom feed of what the read names: the site, a section or a term.
    Feed(Read),
}

enum Work {
    Page(usize),
    Template {
        context: tera::Context,
        reads: Vec<Read>,
    },
    Redirect(String),
    File(SiteFile),
    Feed(Scope),
}

/// A rendered output and what its rendering read.
pub struct Output {
    pub bytes: Vec<u8>,
    /// The [`fingerprints`] of what the rendering read.
    pub reads: Box<[u64]>,
    /// The files of the site folder that template functions read or looked for.
    pub files: Box<[Arc<Path>]>,
    /// The [`fingerprints`] of those reads and of the folders looked in: few, so that an
    /// edit is matched with the outputs that read it without going through every read.
    pub disk: Box<[u64]>,
    /// For a page: its `content/`-relative path and anchors.
    pub anchors: Option<(Arc<str>, Anchors)>,
}

impl State {
    /// Loads and resolves the whole site. Template and content problems are reported together.
    pub fn load(options: &BuildOptions) -> anyhow::Result<Self> {
        let config = load_config(options)?;
        let templates = Templates::load(&config, &options.output());
        let snapshot = Snapshot::read(&config)?;
        let content = snapshot.resolve(&config, load_options(options));
        match (templates, content) {
            (Ok(templates), Ok(content)) => {
                Self::resolve(config, Arc::new(templates), snapshot, content, None)
            }
            (templates, content) => Err(merge_problems([templates.err(), content.err()])),
        }
    }

    /// Loads the site as far as its problems allow, for a check that reports them all: the
    /// content with every problem it has (files whose front matter cannot be read stand in
    /// without it), then the templates and links. `None` when no site can be made to render.
    ///
    /// # Errors
    ///
    /// When the configuration cannot be read or `content/` cannot be listed.
    pub fn load_despite_problems(
        options: &BuildOptions,
    ) -> anyhow::Result<(Option<Self>, Vec<Diagnostic>)> {
        let config = load_config(options)?;
        let snapshot = Snapshot::read(&config)?;
        let (content, mut problems) =
            snapshot.resolve_despite_problems(&config, load_options(options));
        let templates = match Templates::load(&config, &options.output()) {
            Ok(templates) => templates,
            Err(error) => {
                problems.extend(error.downcast::<Diagnostics>()?.0);
                return Ok((None, problems));
            }
        };
        match Self::resolve(config, Arc::new(templates), snapshot, content, None) {
            Ok(state) => Ok((Some(state), problems)),
            Err(error) => {
                problems.extend(error.downcast::<Diagnostics>()?.0);
                Ok((None, problems))
            }
        }
    }

    /// Reloads the content, reading again only the `changed` files (`content/`-relative),
    /// and keeping configuration and templates. With `copies_moved` (static files added,
    /// removed or renamed) every page is resolved again, which checks that no two outputs
    /// claim one address, instead of patching the edited pages' values.
    pub fn reload_content(
        &self,
        options: &BuildOptions,
        changed: &[Arc<str>],
        copies_moved: bool,
    ) -> anyhow::Result<Self> {
        let snapshot = self.snapshot_with(changed)?;
        if !copies_moved && let Some(content) = snapshot.patch(&self.content, changed) {
            return self.patched(snapshot, content?);
        }
        let content = snapshot.resolve(&self.config, load_options(options))?;
        Self::resolve(
            Arc::clone(&self.config),
            Arc::clone(&self.templates),
            snapshot,
            content,
            Some((&self.views, &self.content)),
        )
    }

    /// The site with `content`, which differs from this site's only in pages' values: URLs,
    /// sections and so link targets are the same.
    fn patched(&self, snapshot: Snapshot, content: Content) -> anyhow::Result<Self> {
        let views = Views::new(
            &self.config,
            &content,
            &self.sections_rendered,
            &self.targets,
            Some((&self.views, &self.content)),
            &self.templates,
        );
        // A section's shortcodes may show the pages' values, which the edits changed.
        let (sections_rendered, views) = with_section_shortcodes(
            &self.config,
            &content,
            &self.templates,
            &self.targets,
            (Arc::clone(&self.sections_rendered), views),
            Some((&self.views, &self.content)),
        )?;
        Ok(Self {
            config: Arc::clone(&self.config),
            templates: Arc::clone(&self.templates),
            snapshot,
            content,
            targets: Arc::clone(&self.targets),
            sections_rendered,
            views,
        })
    }

    /// Reloads the templates and the `changed` content files, keeping the configuration.
    pub fn reload_templates(
        &self,
        options: &BuildOptions,
        changed: &[Arc<str>],
    ) -> anyhow::Result<Self> {
        let templates = Arc::new(Templates::load(&self.config, &options.output())?);
        let snapshot = self.snapshot_with(changed)?;
        let content = snapshot.resolve(&self.config, load_options(options))?;
        Self::resolve(
            Arc::clone(&self.config),
            templates,
            snapshot,
            content,
            Some((&self.views, &self.content)),
        )
    }

    /// The snapshot with the `changed` files read again: only those when they are all
    /// Markdown, else (assets, folders) the whole of `content/`.
    fn snapshot_with(&self, changed: &[Arc<str>]) -> anyhow::Result<Snapshot> {
        if changed.iter().all(|name| name.ends_with(".md")) {
            let mut snapshot = self.snapshot.clone();
            snapshot.refresh(&self.config, changed);
            Ok(snapshot)
        } else {
            Snapshot::read(&self.config)
        }
    }

    /// The site from its loaded parts; `previous` is the state before a content change,
    /// whose template values can be taken over where nothing they show changed.
    fn resolve(
        config: Arc<Config>,
        templates: Arc<Templates>,
        snapshot: Snapshot,
        content: Content,
        previous: Option<(&Views, &Content)>,
    ) -> anyhow::Result<Self> {
        check::templates_exist(&templates, &content)?;
        let targets = Arc::new(link_targets(&config, &content));
        let sections_rendered =
            render_section_markdown(&config, &content, &targets).map_err(|mut problems| {
                // Report the pages' broken links too, not only the sections'.
                problems.extend(check::page_links(&content, &targets));
                problems
            })?;
        let views = Views::new(
            &config,
            &content,
            &sections_rendered,
            &targets,
            previous,
            &templates,
        );
        let (sections_rendered, views) = with_section_shortcodes(
            &config,
            &content,
            &templates,
            &targets,
            (sections_rendered.into(), views),
            previous,
        )?;
        Ok(Self {
            config,
            templates,
            snapshot,
            content,
            targets,
            sections_rendered,
            views,
        })
    }

    /// Every output of the site: pages, section pagers, taxonomy pages, 404, site files,
    /// feeds, redirects.
    pub fn jobs(&self) -> Vec<Job> {
        let content = &self.content;
        let mut jobs: Vec<Job> = (0..content.pages.len())
            .map(|index| self.page_job(index))
            .collect();
        for (index, section) in content.sections.iter().enumerate() {
            self.section_jobs(index, section, &mut jobs);
        }
        self.taxonomy_jobs(&mut jobs);
        if self.templates.contains("404.html") {
            let view = Pager {
                path: "/404.html".to_string(),
                context: tera::Context::new(),
                pagination: None,
            };
            jobs.push(self.template_job(OutputKind::NotFound, "404.html", view, Vec::new()));
        }
        jobs.extend(SiteFile::wanted(self).into_iter().map(|file| Job {
            path: file.path(self),
            kind: OutputKind::File(file),
            recipe: Recipe::default(),
            work: Work::File(file),
        }));
        jobs.extend(Scope::wanted(self).into_iter().map(|scope| Job {
            path: scope.path(self),
            kind: OutputKind::Feed(scope.read(self)),
            recipe: Recipe::default(),
            work: Work::Feed(scope),
        }));
        let pages = content.pages.iter().map(|page| (&page.aliases, &page.path));
        let sections = content
            .sections
            .iter()
            .map(|section| (&section.aliases, &section.path));
        for (aliases, path) in pages.chain(sections) {
            for alias in aliases {
                jobs.push(self.redirect_job(alias.clone(), self.config.base_url.permalink(path)));
            }
        }
        jobs
    }

    /// The job of the page at `index`.
    pub fn page_job(&self, index: usize) -> Job {
        let pages = &self.content.pages;
        let page = &pages[index];
        let relative_of =
            |other: Option<usize>| other.map(|other| pages[other].source.relative.clone());
        let recipe = Recipe {
            markdown: RenderOptions {
                anchor_links: self.content.sections[page.section]
                    .front
                    .insert_anchor_links,
                anchors: self.config.slugify.anchors,
                markdown: self.config.markdown,
            },
            ..Recipe::template(check::page_template(&self.content, page))
        };
        Job {
            path: page.path.clone(),
            kind: OutputKind::Page {
                relative: page.source.relative.clone(),
                lower: relative_of(page.lower),
                higher: relative_of(page.higher),
            },
            recipe,
            work: Work::Page(index),
        }
    }

    fn section_jobs(&self, index: usize, section: &content::Section, jobs: &mut Vec<Job>) {
        let relative = &section.source.relative;
        if let Some(target) = &section.front.redirect_to {
            jobs.push(self.redirect_job(section.path.clone(), self.resolve_redirect(target)));
            return;
        }
        if !section.front.render {
            return;
        }
        let template = check::section_template(&self.content, index);
        let pagers = self.views.section_pagers(&self.content, index);
        // `<section>/page/1/` leads to the first pager, under the path the pagers were split by.
        if let [first, _, ..] = pagers.as_slice()
            && let Some(pagination) = &first.pagination
        {
            let to = self.config.base_url.permalink(&section.path);
            let from = format!("{}{}/1/", section.path, pagination.paginate_path);
            jobs.push(self.redirect_job(from, to));
        }
        for (pager, view) in pagers.into_iter().enumerate() {
            let kind = OutputKind::Section {
                relative: relative.clone(),
                pager,
            };
            let reads = vec![Read::Section(relative.clone())];
            jobs.push(self.template_job(kind, template, view, reads));
        }
    }

    fn taxonomy_jobs(&self, jobs: &mut Vec<Job>) {
        for (index, taxonomy) in self.content.taxonomies.iter().enumerate() {
            let [list, single] = check::taxonomy_templates(&self.templates, &taxonomy.name);
            let view = self.views.taxonomy_context(&self.content, index);
            let reads = vec![Read::Taxonomy(taxonomy.key.clone())];
            let kind = OutputKind::TaxonomyList {
                taxonomy: taxonomy.key.clone(),
            };
            jobs.push(self.template_job(kind, &list, view, reads));
            for (term_index, term) in taxonomy.terms.iter().enumerate() {
                let pagers = self.views.term_pagers(&self.content, index, term_index);
                for (pager, view) in pagers.into_iter().enumerate() {
                    let reads = vec![Read::Term(taxonomy.key.clone(), term.slug.clone())];
                    let kind = OutputKind::Term {
                        taxonomy: taxonomy.key.clone(),
                        slug: term.slug.clone(),
                        pager,
                    };
                    jobs.push(self.template_job(kind, &single, view, reads));
                }
            }
        }
    }

    /// The job of rendering `view` with template `name`; `reads` name the values its context
    /// holds.
    fn template_job(&self, kind: OutputKind, name: &str, view: Pager, reads: Vec<Read>) -> Job {
        let Pager {
            path,
            mut context,
            pagination,
        } = view;
        context.insert("current_path", &path);
        context.insert("current_url", &self.config.base_url.permalink(&path));
        Job {
            path,
            kind,
            recipe: Recipe {
                pagination,
                ..Recipe::template(name)
            },
            work: Work::Template { context, reads },
        }
    }

    fn redirect_job(&self, path: String, target: String) -> Job {
        Job {
            path,
            kind: OutputKind::Redirect {
                target: target.clone(),
            },
            recipe: Recipe::default(),
            work: Work::Redirect(target),
        }
    }

    fn resolve_redirect(&self, target: &str) -> String {
        match target.strip_prefix("@/") {
            Some(relative) => self
                .targets
                .get(relative)
                .cloned()
                .unwrap_or_else(|| target.to_string()),
            None if target.contains("://") => target.to_string(),
            None => self
                .config
                .base_url
                .permalink(&format!("/{}", target.trim_start_matches('/'))),
        }
    }

    /// Renders one job. `source` replaces the page's own source when given (a body-only edit).
    /// An HTML page's links into the site are made relative to it with `relative_links`
    /// (before minifying, which may leave out the quotes that find them), and it is minified
    /// when `minify_html` says so.
    pub fn render(&self, job: &Job, source: Option<&Source>) -> Result<Output, Diagnostics> {
        let mut output = self.render_as_made(job, source)?;
        let page = matches!(job.work, Work::Page(_) | Work::Template { .. })
            && super::minify::is_html(&job.path);
        // Hosts serve the 404 page at any depth: its links are absolute when they can be.
        let not_found = job.kind == OutputKind::NotFound && self.config.base_url.has_host();
        if self.config.relative_links && page && !not_found {
            let relative = Relative::new(&self.config.base_url);
            output.bytes = relative.rewrite(output.bytes, &job.path);
        }
        if self.config.minify_html && super::minify::is_html(&job.path) {
            output.bytes = super::minify::html(&output.bytes);
        }
        Ok(output)
    }

    fn render_as_made(&self, job: &Job, source: Option<&Source>) -> Result<Output, Diagnostics> {
        let lookup = self.views.lookup();
        let mut bytes = Vec::with_capacity(16 * 1024);
        match &job.work {
            Work::Page(index) => {
                let page = &self.content.pages[*index];
                let source = source.unwrap_or(&page.source);
                // Most pages call no shortcode: they make no renderer.
                let mut shortcodes =
                    markdown::shortcodes::may_have_calls(source.body()).then(|| {
                        self.templates.shortcodes(
                            lookup,
                            page.lang.clone(),
                            self.views.shortcode_context(*index),
                        )
                    });
                let rendered = markdown::render(
                    source,
                    &self.targets,
                    job.recipe.markdown,
                    shortcodes
                        .as_mut()
                        .map(|renderer| renderer as &mut dyn Shortcodes),
                )
                .map_err(Diagnostics)?;
                let shortcode_reads = shortcodes.map(|renderer| renderer.reads);
                let context = self.views.page_context(&self.content, *index, &rendered);
                let mut reads = self
                    .templates
                    .render(job.recipe.template_name(), context, lookup, &mut bytes)
                    .map_err(|problems| {
                        while_rendering(problems, &page.source.path.display().to_string())
                    })?;
                reads.extend(shortcode_reads.into_iter().flatten());
                let shown = [Some(*index), page.lower, page.higher];
                let pages = shown
                    .into_iter()
                    .flatten()
                    .map(|index| &self.content.pages[index]);
                reads.extend(pages.map(|page| Read::Page(page.source.relative.clone())));
                reads.extend(rendered.links.iter().cloned().map(Read::Url));
                let anchors = Anchors {
                    ids: rendered.anchors.into_iter().collect(),
                    links: rendered.anchor_links,
                };
                Ok(Output {
                    bytes,
                    reads: fingerprints(&reads),
                    files: files_of(&reads),
                    disk: disk_reads(&reads),
                    anchors: Some((page.source.relative.clone(), anchors)),
                })
            }
            Work::Template { context, reads } => {
                let read = self
                    .templates
                    .render(
                        job.recipe.template_name(),
                        context.clone(),
                        lookup,
                        &mut bytes,
                    )
                    .map_err(|problems| {
                        while_rendering(problems, &format!("the page at {}", job.path))
                    })?;
                Ok(Output {
                    bytes,
                    reads: fingerprints(read.iter().chain(reads)),
                    files: files_of(&read),
                    disk: disk_reads(&read),
                    anchors: None,
                })
            }
            Work::Redirect(url) => Ok(Output {
                bytes: self.redirect_page(url, &job.path).into_bytes(),
                reads: Box::default(),
                files: Box::default(),
                disk: Box::default(),
                anchors: None,
            }),
            Work::File(file) => Ok(Output {
                bytes: file.render(self)?,
                reads: fingerprints(&file.reads(self)),
                files: Box::default(),
                disk: Box::default(),
                anchors: None,
            }),
            Work::Feed(scope) => Ok(Output {
                bytes: scope.render(self),
                reads: fingerprints(&[scope.read(self)]),
                files: Box::default(),
                disk: Box::default(),
                anchors: None,
            }),
        }
    }

    /// The page at URL path `page` that sends the browser on to `url`: relative with
    /// `relative_links`, so that it works on any host and from disk; its canonical address is
    /// `url` when that can be absolute.
    fn redirect_page(&self, url: &str, page: &str) -> String {
        let go_to = if self.config.relative_links {
            Relative::new(&self.config.base_url).link(url, page)
        } else {
            url.to_string()
        };
        let go_to = crate::templates::escape_html(&go_to);
        let canonical = if url.contains("://") {
            let url = crate::templates::escape_html(url);
            format!("<link rel=\"canonical\" href=\"{url}\">\n")
        } else {
            String::new()
        };
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirect</title>\n\
             {canonical}<meta http-equiv=\"refresh\" content=\"0; url={go_to}\">\n\
             </head>\n<body>\n<p><a href=\"{go_to}\">Go to {go_to}</a></p>\n</body>\n</html>\n"
        )
    }

    /// Heading ids and anchor links of the sections (pages report theirs when rendered).
    pub fn section_anchors(&self) -> impl Iterator<Item = (Arc<str>, Anchors)> + '_ {
        self.content
            .sections
            .iter()
            .zip(self.sections_rendered.iter())
            .map(|(section, rendered)| {
                let anchors = Anchors {
                    ids: rendered.anchors.iter().cloned().collect(),
                    links: rendered.anchor_links.clone(),
                };
                (section.source.relative.clone(), anchors)
            })
    }

    /// Files copied as they are, by URL path: the theme's `static/` (but where the site
    /// compiles a stylesheet), then the site's (which wins), then the files beside content.
    pub fn copies(&self) -> anyhow::Result<BTreeMap<String, PathBuf>> {
        let mut copies = BTreeMap::new();
        let ignored = &self.config.ignored_static;
        if let Some(theme) = &self.config.theme_dir {
            list_static(&theme.join("static"), ignored, &mut copies)?;
            let sheets = crate::sass::own_addresses(&self.config);
            copies.retain(|path, _| !sheets.contains(path));
        }
        list_static(&self.config.root.join("static"), ignored, &mut copies)?;
        for asset in &self.content.assets {
            copies.insert(asset.path.clone(), asset.source.clone());
        }
        Ok(copies)
    }
}

/// The [`fingerprints`] of the files and folders among `reads`.
fn disk_reads(reads: &[Read]) -> Box<[u64]> {
    fingerprints(
        reads
            .iter()
            .filter(|read| matches!(read, Read::File(_) | Read::Folder(_))),
    )
}

/// The files among `reads`.
fn files_of(reads: &[Read]) -> Box<[Arc<Path>]> {
    let files = reads.iter().filter_map(|read| match read {
        Read::File(path) => Some(Arc::clone(path)),
        _ => None,
    });
    files.collect()
}

fn load_options(options: &BuildOptions) -> LoadOptions {
    LoadOptions {
        drafts: options.drafts,
    }
}

fn list_static(
    dir: &Path,
    ignored: &config::Ignored,
    copies: &mut BTreeMap<String, PathBuf>,
) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    let relative = |path: &Path| {
        path.strip_prefix(dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let walker = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !ignored.matches(&relative(entry.path())));
    for entry in walker {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && !content::is_ignored(&name) {
            let relative = relative(entry.path());
            copies.insert(format!("/{relative}"), entry.path().to_path_buf());
        }
    }
    Ok(())
}

/// Names the page whose rendering met `problems`.
fn while_rendering(problems: Diagnostics, page: &str) -> Diagnostics {
    Diagnostics(
        problems
            .0
            .into_iter()
            .map(|problem| problem.while_rendering(page))
            .collect(),
    )
}

/// `site.toml` with the options' overrides.
pub(super) fn load_config(options: &BuildOptions) -> anyhow::Result<Arc<Config>> {
    let overrides = config::Overrides {
        base_url: options.base_url.clone(),
    };
    Ok(Arc::new(config::load(
        &options.root,
        &options.config_file,
        &overrides,
    )?))
}

/// Joins the diagnostics of failed stages; other errors pass through as they are.
fn merge_problems<const N: usize>(errors: [Option<anyhow::Error>; N]) -> anyhow::Error {
    let mut merged = Diagnostics::default();
    for error in errors.into_iter().flatten() {
        match error.downcast::<Diagnostics>() {
            Ok(diagnostics) => merged.extend(diagnostics.0),
            Err(other) => return other,
        }
    }
    anyhow::Error::new(merged)
}

fn link_targets(config: &Config, content: &Content) -> LinkTargets {
    let pages = content.pages.iter().map(|page| (&page.source, &page.path));
    let sections = content
        .sections
        .iter()
        .map(|section| (&section.source, &section.path));
    pages
        .chain(sections)
        .map(|(source, path)| (source.relative.clone(), config.base_url.permalink(path)))
        .collect()
}

fn render_section_markdown(
    config: &Config,
    content: &Content,
    targets: &LinkTargets,
) -> Result<Vec<Rendered>, Diagnostics> {
    let results: Vec<_> = content
        .sections
        .par_iter()
        .map(|section| {
            let options = RenderOptions {
                anchor_links: section.front.insert_anchor_links,
                anchors: config.slugify.anchors,
                markdown: config.markdown,
            };
            markdown::render(&section.source, targets, options, None)
        })
        .collect();
    let mut problems = Diagnostics::default();
    let mut rendered = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(section) => rendered.push(section),
            Err(found) => problems.extend(found),
        }
    }
    problems.into_result(rendered)
}

/// The sections' Markdown with the shortcodes of those whose text calls any: a shortcode's
/// template may read any value of the site (`plan`, `get_page`...), so these render once the
/// values are made (with the sections' text as rendered without shortcodes), and the values
/// are made again with their HTML (`previous` as for the first). Sites whose sections call
/// none pay one scan of their text.
/// What the calls read needs no recording: the sections are rendered again whenever the
/// content changes, and an output showing one reads it (`Read::Section`).
fn with_section_shortcodes(
    config: &Config,
    content: &Content,
    templates: &Arc<Templates>,
    targets: &Arc<LinkTargets>,
    (rendered, views): (Arc<[Rendered]>, Views),
    previous: Option<(&Views, &Content)>,
) -> Result<(Arc<[Rendered]>, Views), Diagnostics> {
    let calling: Vec<usize> = (0..content.sections.len())
        .filter(|&index| {
            markdown::shortcodes::may_have_calls(content.sections[index].source.body())
        })
        .collect();
    if calling.is_empty() {
        return Ok((rendered, views));
    }
    let mut sections = rendered.to_vec();
    let mut problems = Diagnostics::default();
    for index in calling {
        let section = &content.sections[index];
        let options = RenderOptions {
            anchor_links: section.front.insert_anchor_links,
            anchors: config.slugify.anchors,
            markdown: config.markdown,
        };
        let mut shortcodes = templates.shortcodes(
            views.lookup(),
            section.lang.clone(),
            views.section_shortcode_context(&section.source.relative),
        );
        match markdown::render(&section.source, targets, options, Some(&mut shortcodes)) {
            Ok(html) => sections[index] = html,
            Err(found) => problems.extend(found),
        }
    }
    problems.into_result(())?;
    // Made from the site before the change, as the first were: a page's summary counts as
    // unchanged only when it is the same as before the change.
    let views = Views::new(config, content, &sections, targets, previous, templates);
    Ok((sections.into(), views))
}

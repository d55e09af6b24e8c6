//! The `build` command: site folder in, published output folder out.
//!
//! config -> templates and content (problems from both reported together) -> section Markdown
//! -> template values -> pages rendered and written in parallel, one at a time per thread, so
//! the rendered site is never held in memory -> anchors checked -> static files -> publish.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rayon::prelude::*;

use crate::config::{self, Config};
use crate::content::{self, Content, LoadOptions};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::markdown::{self, AnchorLink, LinkTargets, RenderOptions, Rendered};
use crate::output::Staging;
use crate::templates::{Templates, Views};

/// What `workplan build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub config_file: String,
    /// Defaults to `<root>/public`.
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            root: PathBuf::from("."),
            config_file: config::FILE_NAME.to_string(),
            output_dir: None,
            base_url: None,
            drafts: false,
        }
    }
}

/// What a build produced.
#[derive(Debug)]
pub struct BuildSummary {
    pub pages: usize,
    pub sections: usize,
    pub files_copied: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
}

/// What rendering one document found out that the build checks once all are rendered.
#[derive(Default)]
struct Outcome {
    anchors: Vec<String>,
    anchor_links: Vec<AnchorLink>,
}

/// Builds the site described by `options` and publishes it.
pub fn build(options: &BuildOptions) -> anyhow::Result<BuildSummary> {
    let started = Instant::now();
    let overrides = config::Overrides {
        base_url: options.base_url.clone(),
    };
    let config = config::load(&options.root, &options.config_file, &overrides)?;
    let output = options
        .output_dir
        .clone()
        .unwrap_or_else(|| config.root.join("public"));
    let staging = Staging::create(&config.root, &output)?;

    // Template and content problems are independent: report both at once.
    let templates = Templates::load(&config);
    let content = content::load(
        &config,
        LoadOptions {
            drafts: options.drafts,
        },
    );
    let (mut templates, content) = match (templates, content) {
        (Ok(templates), Ok(content)) => (templates, content),
        (templates, content) => return Err(merge_problems([templates.err(), content.err()])),
    };
    check_templates_exist(&templates, &content)?;

    let targets = link_targets(&config, &content);
    let sections_rendered =
        render_section_markdown(&content, &targets).map_err(|mut problems| {
            // Report the pages' broken links too, not only the sections'.
            problems.extend(check_page_links(&content, &targets));
            problems
        })?;
    let (views, lookup) = Views::new(&config, &content, &sections_rendered);
    templates.set_lookup(lookup);
    let site = Site {
        config: &config,
        content: &content,
        templates: &templates,
        views: &views,
        staging: &staging,
        targets: &targets,
    };
    let outcomes = site.render_all(&sections_rendered)?;
    check_anchors(&content, &outcomes)?;
    let files_copied = site.copy_static()?;
    let summary = BuildSummary {
        pages: content.pages.len(),
        sections: content.sections.len(),
        files_copied,
        output,
        elapsed: started.elapsed(),
    };
    staging.publish()?;
    Ok(summary)
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

/// The template a page is rendered with: its own, its section's `page_template`, `page.html`.
fn page_template<'a>(content: &'a Content, page: &'a content::Page) -> &'a str {
    let mut section = Some(page.section);
    let inherited = std::iter::from_fn(|| {
        let current = &content.sections[section?];
        section = current.parent;
        Some(current)
    })
    .find_map(|section| section.front.page_template.as_ref());
    page.front
        .template
        .as_ref()
        .or(inherited)
        .map_or("page.html", |name| name.get_ref().as_str())
}

fn section_template(content: &Content, index: usize) -> &str {
    let section = &content.sections[index];
    match &section.front.template {
        Some(name) => name.get_ref(),
        None if index == 0 => "index.html",
        None => "section.html",
    }
}

/// A taxonomy's list and term templates: `<name>/list.html` and `<name>/single.html` where the
/// theme has them (Zola's layout), else `taxonomy_list.html` and `taxonomy_single.html`.
fn taxonomy_templates(templates: &Templates, name: &str) -> [String; 2] {
    ["list", "single"].map(|kind| {
        let own = format!("{name}/{kind}.html");
        if templates.contains(&own) {
            own
        } else {
            format!("taxonomy_{kind}.html")
        }
    })
}

/// Every template a document asks for must exist, checked before anything is rendered.
fn check_templates_exist(templates: &Templates, content: &Content) -> Result<(), Diagnostics> {
    let mut problems = Diagnostics::default();
    for taxonomy in &content.taxonomies {
        for name in taxonomy_templates(templates, &taxonomy.name) {
            if !templates.contains(&name) {
                problems.push(
                    Diagnostic::file(config::FILE_NAME, format!("template `{name}` not found"))
                        .with_hint(format!(
                            "taxonomy `{}` needs `templates/{name}` or `templates/{}/{}`",
                            taxonomy.name,
                            taxonomy.name,
                            name.trim_start_matches("taxonomy_")
                        )),
                );
            }
        }
    }
    let mut missing =
        |source: &content::Source, name: &str, written: Option<&toml::Spanned<String>>| {
            if templates.contains(name) {
                return;
            }
            let message = format!("template `{name}` not found");
            let hint = format!(
                "add `templates/{name}` to the site or the theme, or name an existing template"
            );
            problems.push(
                match written {
                    Some(written) => {
                        let offset = source.text.find('\n').map_or(0, |i| i + 1);
                        let span = written.span();
                        Diagnostic::at(
                            &source.path,
                            &source.text,
                            offset + span.start..offset + span.end,
                            message,
                        )
                    }
                    None => Diagnostic::file(&source.path, message),
                }
                .with_hint(hint),
            );
        };
    for page in &content.pages {
        missing(
            &page.source,
            page_template(content, page),
            page.front.template.as_ref(),
        );
    }
    for (index, section) in content.sections.iter().enumerate() {
        if section.front.render && section.front.redirect_to.is_none() {
            missing(
                &section.source,
                section_template(content, index),
                section.front.template.as_ref(),
            );
        }
    }
    problems.into_result(())
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
    content: &Content,
    targets: &LinkTargets,
) -> Result<Vec<Rendered>, Diagnostics> {
    let results: Vec<_> = content
        .sections
        .par_iter()
        .map(|section| {
            let options = RenderOptions {
                anchor_links: section.front.insert_anchor_links,
            };
            markdown::render(&section.source, targets, options)
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

/// The link problems of every page, found by rendering their Markdown only.
fn check_page_links(content: &Content, targets: &LinkTargets) -> Vec<Diagnostic> {
    content
        .pages
        .par_iter()
        .filter_map(|page| markdown::render(&page.source, targets, RenderOptions::default()).err())
        .flatten()
        .collect()
}

/// Everything the rendering of one document needs.
struct Site<'a> {
    config: &'a Config,
    content: &'a Content,
    templates: &'a Templates,
    views: &'a Views,
    staging: &'a Staging,
    targets: &'a LinkTargets,
}

impl Site<'_> {
    /// Renders and writes every page, section, alias and the 404 page.
    fn render_all(
        &self,
        sections_rendered: &[Rendered],
    ) -> anyhow::Result<HashMap<String, Outcome>> {
        let pages = (0..self.content.pages.len()).into_par_iter().map(|index| {
            let page = &self.content.pages[index];
            (page.source.relative.clone(), self.render_page(index))
        });
        let sections = (0..self.content.sections.len())
            .into_par_iter()
            .map(|index| {
                let section = &self.content.sections[index];
                let outcome = self.render_section(index, &sections_rendered[index]);
                (section.source.relative.clone(), outcome)
            });
        let results: Vec<(String, anyhow::Result<Outcome>)> = pages.chain(sections).collect();
        let mut outcomes = HashMap::with_capacity(results.len());
        let mut problems = Diagnostics::default();
        let taxonomy_results = self.render_taxonomies();
        let results = results
            .into_iter()
            .map(|(relative, result)| (Some(relative), result))
            .chain(
                taxonomy_results
                    .into_iter()
                    .map(|result| (None, result.map(|()| Outcome::default()))),
            );
        for (relative, result) in results {
            match result {
                Ok(outcome) => {
                    if let Some(relative) = relative {
                        outcomes.insert(relative, outcome);
                    }
                }
                Err(error) => match error.downcast::<Diagnostics>() {
                    Ok(found) => problems.extend(found.0),
                    Err(other) => return Err(other),
                },
            }
        }
        problems.into_result(())?;
        self.write_aliases()?;
        if self.templates.contains("404.html") {
            let mut context = tera::Context::new();
            context.insert("current_path", "/404.html");
            context.insert("current_url", &self.config.base_url.permalink("/404.html"));
            self.write_template("404.html", &context, "/404.html")?;
        }
        Ok(outcomes)
    }

    fn render_page(&self, index: usize) -> anyhow::Result<Outcome> {
        let page = &self.content.pages[index];
        let section = &self.content.sections[page.section];
        let options = RenderOptions {
            anchor_links: section.front.insert_anchor_links,
        };
        let rendered =
            markdown::render(&page.source, self.targets, options).map_err(Diagnostics)?;
        let context = self.views.page_context(self.content, index, &rendered);
        self.write_template(page_template(self.content, page), &context, &page.path)?;
        Ok(Outcome {
            anchors: rendered.anchors,
            anchor_links: rendered.anchor_links,
        })
    }

    fn render_section(&self, index: usize, rendered: &Rendered) -> anyhow::Result<Outcome> {
        let section = &self.content.sections[index];
        if let Some(target) = &section.front.redirect_to {
            let url = self.resolve_redirect(target);
            self.write(&section.path, redirect_page(&url).as_bytes())?;
        } else if section.front.render {
            let template = section_template(self.content, index);
            let pagers = self.views.section_pagers(self.content, index);
            if pagers.len() > 1 {
                let paginate_path = section.front.paginate_path.as_deref().unwrap_or("page");
                let first = self.config.base_url.permalink(&section.path);
                let path = format!("{}{paginate_path}/1/", section.path);
                self.write(&path, redirect_page(&first).as_bytes())?;
            }
            for pager in pagers {
                self.write_template(template, &pager.context, &pager.path)?;
            }
        }
        Ok(Outcome {
            anchors: rendered.anchors.clone(),
            anchor_links: rendered.anchor_links.clone(),
        })
    }

    /// Each taxonomy's list page and its terms' pages, in parallel.
    fn render_taxonomies(&self) -> Vec<anyhow::Result<()>> {
        let jobs: Vec<(usize, Option<usize>)> = self
            .content
            .taxonomies
            .iter()
            .enumerate()
            .flat_map(|(index, taxonomy)| {
                std::iter::once((index, None))
                    .chain((0..taxonomy.terms.len()).map(move |term| (index, Some(term))))
            })
            .collect();
        jobs.into_par_iter()
            .map(|(index, term)| {
                let name = &self.content.taxonomies[index].name;
                let [list, single] = taxonomy_templates(self.templates, name);
                match term {
                    None => {
                        let pager = self.views.taxonomy_context(self.content, index);
                        self.write_template(&list, &pager.context, &pager.path)
                    }
                    Some(term) => self
                        .views
                        .term_pagers(self.content, index, term)
                        .into_iter()
                        .try_for_each(|pager| {
                            self.write_template(&single, &pager.context, &pager.path)
                        }),
                }
            })
            .collect()
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

    fn write_template(
        &self,
        template: &str,
        context: &tera::Context,
        url_path: &str,
    ) -> anyhow::Result<()> {
        let mut html = Vec::with_capacity(16 * 1024);
        self.templates.render(template, context, &mut html)?;
        self.write(url_path, &html)
    }

    fn write(&self, url_path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.staging
            .write(url_path, bytes)
            .with_context(|| format!("writing {url_path}"))
    }

    /// Old addresses (`aliases`) get a page that redirects to the new one.
    fn write_aliases(&self) -> anyhow::Result<()> {
        let pages = self
            .content
            .pages
            .iter()
            .map(|page| (&page.aliases, &page.path));
        let sections = self
            .content
            .sections
            .iter()
            .map(|section| (&section.aliases, &section.path));
        for (aliases, path) in pages.chain(sections) {
            let html = redirect_page(&self.config.base_url.permalink(path));
            for alias in aliases {
                self.write(alias, html.as_bytes())?;
            }
        }
        Ok(())
    }

    /// Copies the theme's `static/`, then the site's (which wins), then content assets.
    fn copy_static(&self) -> anyhow::Result<usize> {
        let mut copied = 0;
        let theme_static = self.config.theme_dir.as_ref().map(|dir| dir.join("static"));
        for dir in theme_static
            .iter()
            .chain([&self.config.root.join("static")])
        {
            if !dir.is_dir() {
                continue;
            }
            for entry in walkdir::WalkDir::new(dir) {
                let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
                if entry.file_type().is_file()
                    && !content::is_ignored(&entry.file_name().to_string_lossy())
                {
                    let relative = entry
                        .path()
                        .strip_prefix(dir)?
                        .to_string_lossy()
                        .replace('\\', "/");
                    self.copy(entry.path(), &format!("/{relative}"))?;
                    copied += 1;
                }
            }
        }
        for asset in &self.content.assets {
            self.copy(&asset.source, &asset.path)?;
            copied += 1;
        }
        Ok(copied)
    }

    fn copy(&self, source: &Path, url_path: &str) -> anyhow::Result<()> {
        self.staging
            .copy(source, url_path)
            .with_context(|| format!("copying {}", source.display()))
    }
}

/// A page that sends the browser on to `url`.
fn redirect_page(url: &str) -> String {
    let mut escaped = Vec::new();
    tera::escape_html(url, &mut escaped).expect("writing to a Vec cannot fail");
    let url = String::from_utf8_lossy(&escaped);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirect</title>\n\
         <link rel=\"canonical\" href=\"{url}\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n\
         </head>\n<body>\n<p><a href=\"{url}\">Go to {url}</a></p>\n</body>\n</html>\n"
    )
}

/// Every `@/page.md#anchor` link must name a heading id of that page.
fn check_anchors(
    content: &Content,
    outcomes: &HashMap<String, Outcome>,
) -> Result<(), Diagnostics> {
    let anchors: HashMap<&str, HashSet<&str>> = outcomes
        .iter()
        .map(|(relative, outcome)| {
            let ids = outcome
                .anchors
                .iter()
                .map(String::as_str)
                .chain(["continue-reading"]);
            (relative.as_str(), ids.collect())
        })
        .collect();
    let sources = content
        .pages
        .iter()
        .map(|page| &page.source)
        .chain(content.sections.iter().map(|section| &section.source));
    let mut problems = Diagnostics::default();
    for source in sources {
        let Some(outcome) = outcomes.get(&source.relative) else {
            continue;
        };
        for link in &outcome.anchor_links {
            let Some(ids) = anchors.get(link.target.as_str()) else {
                continue;
            };
            if ids.contains(link.anchor.as_str()) {
                continue;
            }
            let known = ids.iter().copied().filter(|id| *id != "continue-reading");
            let hint = match crate::diagnostic::did_you_mean(&link.anchor, known) {
                Some(meant) => format!("did you mean `#{meant}`?"),
                None => format!(
                    "`{}` has no heading with the id `{}`",
                    link.target, link.anchor
                ),
            };
            problems.push(
                Diagnostic::at(
                    &source.path,
                    &source.text,
                    link.diagnostic_span.clone(),
                    format!("link to a missing anchor `#{}`", link.anchor),
                )
                .with_hint(hint),
            );
        }
    }
    problems.into_result(())
}

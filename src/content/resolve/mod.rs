//! Documents as read in, pages and sections with their place in the site out.
//!
//! One pass that sees every document: sections nest, pages get their slug, URL path, section
//! and neighbours, assets their URL, and what no single file can check is checked across them
//! (unique output paths, area numbers, declared taxonomies, aliases inside the site).

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt as _};
use toml::Spanned;

use super::editions::{self, translated_key};
use super::front_matter::{self, PageFrontMatter, SectionFrontMatter, SortBy};
use super::taxonomy::date_key;
use super::{
    Area, Asset, BUNDLE_FILE, CONTENT_DIR, Content, Document, Edition, FrontMatter, LoadOptions,
    Page, SECTION_FILE, Section, Source, taxonomy,
};
use crate::config::{Config, Language};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::slug::{self, Strategy, path_slug, unsafe_part};

mod claims;

/// The folder part of a `/`-separated relative path (`""` at the top).
fn folder_of(relative: &str) -> &str {
    relative.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// The URL path of a content folder: each part slugified by the `paths` strategy, below a
/// language's `prefix`. The error names a part whose slug cannot be a folder of the output.
fn folder_path(prefix: &str, folder: &str, strategy: Strategy) -> Result<String, String> {
    let mut path = format!("{prefix}/");
    for part in folder.split('/').filter(|part| !part.is_empty()) {
        let slug = path_slug(part, strategy);
        // The readable default keeps only letters, digits, `-` and `_`: nothing unsafe.
        if strategy != Strategy::Readable && !slug::names_a_folder(&slug) {
            return Err(format!(
                "the folder `{}` cannot be a folder of the site (its slug is `{}`)",
                part.escape_debug(),
                slug.escape_debug()
            ));
        }
        path.push_str(&slug);
        path.push('/');
    }
    Ok(path)
}

/// Whether `relative` is a page bundle's `index.md` (in a folder of its own).
fn is_bundle_file(relative: &str) -> bool {
    relative
        .strip_suffix(BUNDLE_FILE)
        .is_some_and(|folder| folder.ends_with('/'))
}

/// The slug of a file name without `.md`, by the `paths` strategy; without a leading
/// `YYYY-MM-DD-` or `YYYY-MM-DD_` unless `paths_keep_dates` (Zola's).
fn file_slug(stem: &str, slugify: crate::config::Slugify) -> String {
    if slugify.paths_keep_dates {
        return path_slug(stem, slugify.paths);
    }
    // `get`, not indexing: in `教育数字化` byte 10 falls inside a character.
    let undated = stem
        .get(..10)
        .filter(|date| date.parse::<jiff::civil::Date>().is_ok())
        .and_then(|_| stem.get(10..))
        .and_then(|rest| rest.strip_prefix(['-', '_']))
        .filter(|rest| !rest.is_empty());
    path_slug(undated.unwrap_or(stem), slugify.paths)
}

/// Resolves each language's documents and joins them into the site's content: the default
/// language first, each language's pages, sections and taxonomies side by side.
pub(super) fn resolve(
    config: &Config,
    options: LoadOptions,
    editions: Vec<editions::Edition<'_>>,
    assets: &[String],
    problems: &mut Vec<Diagnostic>,
) -> Content {
    let mut content = Content::default();
    for (index, edition) in editions.into_iter().enumerate() {
        let language = edition.language;
        let mut resolver = Resolver::new(config, options, language);
        resolver.is_default = index == 0;
        let part = resolver.resolve(edition.documents, assets, problems);
        append(&mut content, part, &language.code, edition.missing);
    }
    if content.editions.len() > 1 {
        link_translations(&mut content);
    }
    content.assets.sort_by(|a, b| a.path.cmp(&b.path));
    let checker = Resolver {
        content,
        ..Resolver::new(config, options, config.default_language())
    };
    problems.extend(checker.check_unique_paths());
    checker.content
}

/// Adds one language's content to the site's, moving its indices past what is there.
fn append(content: &mut Content, part: Content, lang: &str, missing: Vec<Arc<str>>) {
    let (pages, sections, taxonomies) = (
        content.pages.len(),
        content.sections.len(),
        content.taxonomies.len(),
    );
    let moved = |list: &mut Vec<usize>, by: usize| list.iter_mut().for_each(|i| *i += by);
    content.pages.extend(part.pages.into_iter().map(|mut page| {
        page.section += sections;
        page.lower = page.lower.map(|i| i + pages);
        page.higher = page.higher.map(|i| i + pages);
        page
    }));
    content
        .sections
        .extend(part.sections.into_iter().map(|mut section| {
            section.parent = section.parent.map(|i| i + sections);
            moved(&mut section.pages, pages);
            moved(&mut section.subsections, sections);
            section
        }));
    content
        .taxonomies
        .extend(part.taxonomies.into_iter().map(|mut taxonomy| {
            for term in &mut taxonomy.terms {
                moved(&mut term.pages, pages);
            }
            taxonomy
        }));
    content.assets.extend(part.assets);
    content.editions.push(Edition {
        lang: lang.into(),
        pages: pages..content.pages.len(),
        sections: sections..content.sections.len(),
        taxonomies: taxonomies..content.taxonomies.len(),
        missing,
    });
}

/// Gives each page and section the list of its versions in every language: those whose
/// keys are the translations' keys of the same original.
fn link_translations(content: &mut Content) {
    let codes: Vec<Arc<str>> = content.editions.iter().map(|e| e.lang.clone()).collect();
    // The default language's key of each version: `a.zh-Hans.md` is `a.md`'s.
    let original = |relative: &str, lang: &str| -> String {
        let suffix = format!(".{lang}.md");
        match relative.strip_suffix(&suffix) {
            Some(stem) if lang != &*codes[0] => format!("{stem}.md"),
            _ => relative.to_string(),
        }
    };
    let mut page_groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, page) in content.pages.iter().enumerate() {
        let key = original(&page.source.relative, &page.lang);
        page_groups.entry(key).or_default().push(index);
    }
    for group in page_groups.into_values().filter(|group| group.len() > 1) {
        for &index in &group {
            content.pages[index].translations.clone_from(&group);
        }
    }
    let mut section_groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, section) in content.sections.iter().enumerate() {
        let key = original(&section.source.relative, &section.lang);
        section_groups.entry(key).or_default().push(index);
    }
    for group in section_groups.into_values().filter(|group| group.len() > 1) {
        for &index in &group {
            content.sections[index].translations.clone_from(&group);
        }
    }
}

pub(super) struct Resolver<'a> {
    config: &'a Config,
    options: LoadOptions,
    language: &'a Language,
    /// Whether `language` is the default: only its areas are checked across pages (the
    /// others' are the same areas, checked against their originals).
    is_default: bool,
    content: Content,
    /// Content folder (`""`, `"priorities"`) to its section; `None` for a draft left out.
    section_at: HashMap<String, Option<usize>>,
    /// Folders of page bundles left out as drafts: their files stay unpublished too.
    draft_bundles: Vec<String>,
    problems: Vec<Diagnostic>,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(config: &'a Config, options: LoadOptions, language: &'a Language) -> Self {
        Self {
            config,
            options,
            language,
            is_default: true,
            content: Content::default(),
            section_at: HashMap::new(),
            draft_bundles: Vec::new(),
            problems: Vec::new(),
        }
    }

    pub(super) fn resolve(
        mut self,
        documents: Vec<Document>,
        assets: &[String],
        problems: &mut Vec<Diagnostic>,
    ) -> Content {
        let (mut pages, mut sections) = (Vec::new(), Vec::new());
        for Document {
            source,
            front,
            fallback,
        } in documents
        {
            match front {
                FrontMatter::Page(front) => pages.push((source, front, fallback)),
                FrontMatter::Section(front) => sections.push((source, front, fallback)),
            }
        }
        self.add_sections(sections);
        for (source, front, fallback) in pages {
            if let Err(diagnostic) = self.add_page(source, front, fallback) {
                problems.push(diagnostic);
            }
        }
        self.add_assets(assets);
        problems.append(&mut self.problems);
        if self.is_default {
            problems.extend(self.check_areas());
        }
        problems.extend(self.check_taxonomies());
        order_pages(&mut self.content);
        self.content.taxonomies = taxonomy::collect(
            &self.language.taxonomies,
            self.config.slugify.taxonomies,
            &self.content.pages,
            &self.language.prefix,
        );
        problems.extend(self.check_terms());
        if !self.is_default {
            for taxonomy in &mut self.content.taxonomies {
                taxonomy.key = format!("{}/{}", self.language.code, taxonomy.name);
            }
        }
        self.content
    }

    /// The key of the home page of this language: `_index.md`, or its translation's.
    fn root_key(&self) -> Arc<str> {
        if self.is_default {
            SECTION_FILE.into()
        } else {
            translated_key(SECTION_FILE, &self.language.code).into()
        }
    }

    #[allow(clippy::type_complexity)]
    fn add_sections(
        &mut self,
        mut sections: Vec<(Source, Arc<SectionFrontMatter>, Option<Arc<str>>)>,
    ) {
        // Parents before children: sort by depth, the root first.
        sections.sort_by_key(|(source, ..)| {
            (
                source.relative.matches('/').count(),
                source.relative.clone(),
            )
        });
        let root_key = self.root_key();
        if sections
            .first()
            .is_none_or(|(source, ..)| source.relative != root_key)
        {
            let root = Source {
                path: Path::new(CONTENT_DIR).join(SECTION_FILE).into(),
                relative: root_key,
                lang: (!self.is_default).then(|| self.language.code.as_str().into()),
                ..Source::default()
            };
            sections.insert(0, (root, Arc::default(), None));
        }
        for (source, front, fallback) in sections {
            let folder = folder_of(&source.relative).to_string();
            let parent = self.nearest_section(&folder);
            if front.draft && !self.options.drafts || parent.is_none() && !folder.is_empty() {
                self.section_at.insert(folder, None);
                continue;
            }
            let path = match folder_path(&self.language.prefix, &folder, self.config.slugify.paths)
            {
                Ok(path) => path,
                Err(message) => {
                    self.problems
                        .push(Diagnostic::file(&source.path, message).with_hint(slug::FOLDER_HINT));
                    // Its pages are left out with it: this error says why.
                    self.section_at.insert(folder, None);
                    continue;
                }
            };
            let index = self.content.sections.len();
            if let Some(parent) = parent {
                self.content.sections[parent].subsections.push(index);
            }
            let aliases = self.resolve_aliases(&source, &front.aliases);
            if let Some(written) = &front.paginate_path {
                let parts = written.get_ref().split('/');
                if parts
                    .clone()
                    .any(|part| part.is_empty() || unsafe_part(part))
                {
                    let span = source.file_span(written.span());
                    let message = "`paginate_path` must name folders below the section";
                    self.problems.push(
                        Diagnostic::at(&source.path, &source.text, span, message).with_hint(
                            "pagers are written at `<section>/<paginate_path>/2/`: use a name \
                             like `page`, without `..`, `\\`, `:` or empty parts",
                        ),
                    );
                }
            }
            self.content.sections.push(Section {
                aliases,
                path,
                source,
                front,
                parent,
                pages: Vec::new(),
                subsections: Vec::new(),
                lang: self.language.code.as_str().into(),
                falls_back_to: fallback,
                translations: Vec::new(),
            });
            self.section_at.insert(folder, Some(index));
        }
    }

    /// The section of `folder` or of its nearest ancestor that has one; `None` inside a draft.
    fn nearest_section(&self, folder: &str) -> Option<usize> {
        let mut folder = folder;
        loop {
            if let Some(&section) = self.section_at.get(folder) {
                return section;
            }
            if folder.is_empty() {
                return None;
            }
            folder = folder_of(folder);
        }
    }

    /// The URL path of a content folder: its section's, when it has one (made once for the
    /// many pages a folder holds), else made from the folder's name (see [`folder_path`]).
    fn folder_url(&self, folder: &str) -> Result<Cow<'_, str>, String> {
        match self.section_at.get(folder) {
            Some(&Some(section)) => Ok(Cow::Borrowed(&self.content.sections[section].path)),
            _ => folder_path(&self.language.prefix, folder, self.config.slugify.paths)
                .map(Cow::Owned),
        }
    }

    fn add_page(
        &mut self,
        source: Source,
        front: Arc<PageFrontMatter>,
        fallback: Option<Arc<str>>,
    ) -> Result<(), Diagnostic> {
        if front.draft && !self.options.drafts {
            if is_bundle_file(&source.relative) {
                self.draft_bundles
                    .push(folder_of(&source.relative).to_string());
            }
            return Ok(());
        }
        // A translation's slug comes from its original's name: `a.zh-Hans.md` is `a`.
        let relative = match &source.lang {
            Some(lang) => Cow::Owned(original_name(&source.relative, lang)),
            None => Cow::Borrowed(&*source.relative),
        };
        let file_name = relative.rsplit('/').next().unwrap_or_default();
        let mut folder = folder_of(&relative);
        let default_slug = if file_name == BUNDLE_FILE {
            let bundle = folder.rsplit('/').next().unwrap_or_default();
            folder = folder_of(folder);
            file_slug(bundle, self.config.slugify)
        } else {
            file_slug(file_name.trim_end_matches(".md"), self.config.slugify)
        };
        let Some(section) = self.nearest_section(folder) else {
            return Ok(()); // inside a draft section
        };
        let strategy = self.config.slugify.paths;
        let slug = match &front.slug {
            Some(slug) => {
                let slugged = path_slug(slug.get_ref(), strategy);
                let at = |message| {
                    let span = source.file_span(slug.span());
                    Diagnostic::at(&source.path, &source.text, span, message)
                };
                if slugged.is_empty() {
                    return Err(at("empty slug".to_string())
                        .with_hint("a slug needs at least one letter or digit"));
                }
                if !slug::names_a_folder(&slugged) {
                    let message = format!(
                        "the slug `{}` cannot be a folder of the site",
                        slugged.escape_debug()
                    );
                    return Err(at(message).with_hint(slug::FOLDER_HINT));
                }
                slugged
            }
            None if default_slug.is_empty() => {
                return Err(Diagnostic::file(
                    &source.path,
                    "cannot make a URL from this file name",
                )
                .with_hint("rename the file, or set `slug = \"...\"` in its front matter"));
            }
            None if !slug::names_a_folder(&default_slug) => {
                let message = format!(
                    "this file name makes the slug `{}`, which cannot be a folder of the site",
                    default_slug.escape_debug()
                );
                return Err(Diagnostic::file(&source.path, message).with_hint(slug::FOLDER_HINT));
            }
            None => default_slug,
        };
        let path = match &front.path {
            Some(path) => {
                explicit_path(&self.language.prefix, path.get_ref()).map_err(|message| {
                    Diagnostic::at(
                        &source.path,
                        &source.text,
                        source.file_span(path.span()),
                        message,
                    )
                    .with_hint("write a path below the site root, like `path = \"about/team\"`")
                })?
            }
            None => {
                let folder_url = self.folder_url(folder).map_err(|message| {
                    Diagnostic::file(&source.path, message).with_hint(slug::FOLDER_HINT)
                })?;
                [&*folder_url, &slug, "/"].concat()
            }
        };
        let area = match &front.area {
            Some(written) => Some(area_of(&source, written.get_ref())?),
            None => None,
        };
        let aliases = self.resolve_aliases(&source, &front.aliases);
        self.content.pages.push(Page {
            aliases,
            source,
            slug,
            path,
            section,
            lower: None,
            higher: None,
            area,
            date_key: front.date.map(taxonomy::date_key),
            front,
            lang: self.language.code.as_str().into(),
            falls_back_to: fallback,
            translations: Vec::new(),
        });
        Ok(())
    }

    /// Each alias as the URL path of its redirect page; ones that would leave the site are
    /// reported and dropped.
    fn resolve_aliases(&mut self, source: &Source, written: &[Spanned<String>]) -> Vec<String> {
        let mut aliases = Vec::with_capacity(written.len());
        for alias in written {
            let text = alias.get_ref();
            let bad_part = text.split('/').enumerate().any(|(index, part)| {
                let inner = index > 0 && index + 1 < text.split('/').count();
                unsafe_part(part) || (inner && part.is_empty())
            });
            if bad_part || text.trim_matches('/').is_empty() {
                self.problems.push(
                    Diagnostic::at(&source.path, &source.text, source.file_span(alias.span()), "alias outside the site")
                        .with_hint("an alias is a path below the site root, like `old/name` or `old/name.html`"),
                );
            } else {
                aliases.push(normalize(text));
            }
        }
        aliases
    }

    fn add_assets(&mut self, assets: &[String]) {
        let pages_by_bundle: HashMap<&str, &str> = self
            .content
            .pages
            .iter()
            .filter(|page| is_bundle_file(&page.source.relative))
            .map(|page| (folder_of(&page.source.relative), page.path.as_str()))
            .collect();
        for relative in assets {
            let folder = folder_of(relative);
            let file_name = relative.rsplit('/').next().unwrap_or_default();
            let in_draft = self.nearest_section(folder).is_none()
                || self
                    .draft_bundles
                    .iter()
                    .any(|bundle| folder == bundle || folder.starts_with(&format!("{bundle}/")));
            if in_draft {
                continue;
            }
            let folder_url = match pages_by_bundle.get(folder) {
                Some(page_path) => Cow::Borrowed(*page_path),
                None => match self.folder_url(folder) {
                    Ok(url) => url,
                    Err(message) => {
                        let path = Path::new(CONTENT_DIR).join(relative);
                        let diagnostic = Diagnostic::file(&path, message);
                        self.problems.push(diagnostic.with_hint(slug::FOLDER_HINT));
                        continue;
                    }
                },
            };
            let path = [&*folder_url, file_name].concat();
            self.content.assets.push(Asset {
                source: self.config.root.join(CONTENT_DIR).join(relative),
                path,
            });
        }
    }

    /// Area numbers are unique and positive.
    fn check_areas(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut seen: HashMap<u32, &Page> = HashMap::new();
        for page in &self.content.pages {
            let (Some(written), Some(area)) = (&page.front.area, &page.area) else {
                continue;
            };
            let (source, number) = (&page.source, area.number);
            let span = source.file_span(written.get_ref().number.span());
            if number == 0 {
                problems.push(
                    Diagnostic::at(&source.path, &source.text, span, "area numbers start at 1")
                        .with_hint(
                            "number the areas 1, 2, 3, ... in the order the plan gives them",
                        ),
                );
            } else if let Some(first) = seen.get(&number) {
                let message = format!("area number {number} is used twice");
                problems.push(
                    Diagnostic::at(&source.path, &source.text, span, message).with_hint(format!(
                        "`{}` is area {number} too",
                        first.source.path.display()
                    )),
                );
            } else {
                seen.insert(number, page);
            }
        }
        problems.extend(self.check_task_ids());
        problems
    }

    /// Task ids are unique in the plan.
    fn check_task_ids(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut seen: HashMap<&str, &Page> = HashMap::new();
        for page in &self.content.pages {
            let (Some(written), Some(area)) = (&page.front.area, &page.area) else {
                continue;
            };
            for (task, front) in area.tasks.iter().zip(&written.get_ref().tasks) {
                let Some(first) = seen.get(task.id.as_str()) else {
                    seen.insert(&task.id, page);
                    continue;
                };
                let source = &page.source;
                let span = front
                    .id
                    .as_ref()
                    .map_or_else(|| front.title.span(), Spanned::span);
                let message = format!("task id `{}` is used twice", task.id);
                let hint = if front.id.is_none() {
                    format!(
                        "this task's id comes from its place; `{}` has a task with that id: give one of them `id = \"...\"`",
                        first.source.path.display()
                    )
                } else {
                    format!(
                        "`{}` has a task `{}` too: ids name one task each",
                        first.source.path.display(),
                        task.id
                    )
                };
                problems.push(
                    Diagnostic::at(&source.path, &source.text, source.file_span(span), message)
                        .with_hint(hint),
                );
            }
        }
        problems
    }

    /// Each term's slug can be a folder of the output (`[slugify] taxonomies` may keep a `/`).
    fn check_terms(&self) -> Vec<Diagnostic> {
        if self.config.slugify.taxonomies == Strategy::Readable {
            return Vec::new(); // letters, digits, `-` and `_` only
        }
        let mut problems = Vec::new();
        for taxonomy in &self.content.taxonomies {
            for term in &taxonomy.terms {
                if slug::names_a_folder(&term.slug) {
                    continue;
                }
                let Some(page) = term.pages.first().map(|&page| &self.content.pages[page]) else {
                    continue;
                };
                let written = page
                    .front
                    .taxonomies
                    .keys()
                    .find(|name| name.get_ref() == &taxonomy.name);
                let message = format!(
                    "the {} term `{}` cannot be a folder of the site (its slug is `{}`)",
                    taxonomy.name,
                    term.name.escape_debug(),
                    term.slug.escape_debug()
                );
                let source = &page.source;
                let diagnostic = match written {
                    Some(name) => {
                        let span = source.file_span(name.span());
                        Diagnostic::at(&source.path, &source.text, span, message)
                    }
                    None => Diagnostic::file(&source.path, message),
                };
                problems.push(diagnostic.with_hint(slug::FOLDER_HINT));
            }
        }
        problems
    }

    fn check_taxonomies(&self) -> Vec<Diagnostic> {
        let declared: Vec<&str> = self
            .language
            .taxonomies
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        let mut problems = Vec::new();
        for page in &self.content.pages {
            for name in page.front.taxonomies.keys() {
                if declared.contains(&name.get_ref().as_str()) {
                    continue;
                }
                let hint = match did_you_mean(name.get_ref(), declared.iter().copied()) {
                    Some(meant) => format!("did you mean `{meant}`?"),
                    None => format!(
                        "declare it in site.toml: `taxonomies = [{{ name = \"{}\" }}]`",
                        name.get_ref()
                    ),
                };
                let span = page.source.file_span(name.span());
                problems.push(
                    Diagnostic::at(
                        &page.source.path,
                        &page.source.text,
                        span,
                        format!("unknown taxonomy `{}`", name.get_ref()),
                    )
                    .with_hint(hint),
                );
            }
        }
        problems
    }
}

/// Fills each section's page list in display order and links neighbours; the lists are empty
/// and the pages without neighbours before.
pub(super) fn order_pages(content: &mut Content) {
    // From scratch, so that a patched content can be ordered again.
    for section in &mut content.sections {
        section.pages.clear();
    }
    for page in &mut content.pages {
        (page.lower, page.higher) = (None, None);
    }
    for (index, page) in content.pages.iter().enumerate() {
        content.sections[page.section].pages.push(index);
    }
    for section in 0..content.sections.len() {
        let sort_by = content.sections[section].front.sort_by;
        let mut pages = std::mem::take(&mut content.sections[section].pages);
        pages.sort_by(|&a, &b| compare(sort_by, &content.pages[a], &content.pages[b]));
        // `lower` is the page before in weight or title order, but after in newest-first order.
        for pair in pages.windows(2) {
            let (before, after) = (pair[0], pair[1]);
            let (lower, higher) = if sort_by.newest_first() {
                (after, before)
            } else {
                (before, after)
            };
            content.pages[higher].lower = Some(lower);
            content.pages[lower].higher = Some(higher);
        }
        content.sections[section].pages = pages;
    }
    // Subsections by weight, then by folder.
    for section in 0..content.sections.len() {
        let mut subsections = std::mem::take(&mut content.sections[section].subsections);
        subsections.sort_by(|&a, &b| {
            let key = |s: &Section| {
                (
                    s.front.weight.is_none(),
                    s.front.weight,
                    s.source.relative.clone(),
                )
            };
            key(&content.sections[a]).cmp(&key(&content.sections[b]))
        });
        content.sections[section].subsections = subsections;
    }
    // Transparent sections also list their pages in their parent, after its own.
    for section in 0..content.sections.len() {
        if let (true, Some(parent)) = (
            content.sections[section].front.transparent,
            content.sections[section].parent,
        ) {
            let pages = content.sections[section].pages.clone();
            content.sections[parent].pages.extend(pages);
        }
    }
}

/// `text` lower-cased, as it is read: comparing these makes no lower-case copies.
fn lowered(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().flat_map(char::to_lowercase)
}

fn compare(sort_by: SortBy, a: &Page, b: &Page) -> std::cmp::Ordering {
    let (date_a, date_b) = (a.date_key, b.date_key);
    let by_title = || lowered(&a.front.title).cmp(lowered(&b.front.title));
    let by_file = || a.source.relative.cmp(&b.source.relative);
    match sort_by {
        SortBy::Weight => (a.front.weight.is_none(), a.front.weight, date_a)
            .cmp(&(b.front.weight.is_none(), b.front.weight, date_b))
            .then_with(by_title)
            .then_with(by_file),
        SortBy::Date => (date_a.is_none(), std::cmp::Reverse(date_a))
            .cmp(&(date_b.is_none(), std::cmp::Reverse(date_b)))
            .then_with(by_title)
            .then_with(by_file),
        SortBy::UpdateDate => {
            let updated = |page: &Page| page.front.updated.map(date_key).or(page.date_key);
            let (a_key, b_key) = (updated(a), updated(b));
            (a_key.is_none(), std::cmp::Reverse(a_key))
                .cmp(&(b_key.is_none(), std::cmp::Reverse(b_key)))
                .then_with(by_title)
                .then_with(by_file)
        }
        SortBy::Title => by_title().then_with(by_file),
        SortBy::TitleBytes => a.front.title.cmp(&b.front.title).then_with(by_file),
        SortBy::Slug => a.slug.cmp(&b.slug).then_with(by_file),
        SortBy::Permalink => a.path.cmp(&b.path).then_with(by_file),
        SortBy::None => by_file(),
    }
}

/// The original's name of a translation's key: `a.zh-Hans.md` is `a.md`.
fn original_name(relative: &str, lang: &str) -> String {
    match relative.strip_suffix(&format!(".{lang}.md")) {
        Some(stem) => format!("{stem}.md"),
        None => relative.to_string(),
    }
}

/// `path = "about/team"` as a URL path `/about/team/` below a language's `prefix`; no `..`,
/// no empty parts.
fn explicit_path(prefix: &str, written: &str) -> Result<String, String> {
    let trimmed = written.trim_matches('/');
    if trimmed.is_empty() {
        return Err("`path` is empty; the home page is `content/_index.md`".to_string());
    }
    if trimmed
        .split('/')
        .any(|part| part.is_empty() || unsafe_part(part))
    {
        return Err(format!(
            "`{}` has an empty, `.` or `..` part, a `\\`, a `:` or a control character",
            written.escape_debug()
        ));
    }
    Ok(format!("{prefix}/{trimmed}/"))
}

/// Aliases and paths compared as the files they produce: `a/b`, `/a/b/` and `a/b/index.html`
/// are one.
fn normalize(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    let trimmed = trimmed
        .strip_suffix("index.html")
        .unwrap_or(trimmed)
        .trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else if Path::new(trimmed).extension().is_some() {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    }
}

/// `[area]` as written, with what one area can check alone.
fn area_of(source: &Source, written: &front_matter::AreaFrontMatter) -> Result<Area, Diagnostic> {
    let at = |span: std::ops::Range<usize>, message: String| {
        Diagnostic::at(&source.path, &source.text, source.file_span(span), message)
    };
    for task in &written.tasks {
        if task.title.get_ref().trim().is_empty() {
            return Err(at(task.title.span(), "empty task title".to_string())
                .with_hint("say in `title` what is to be done"));
        }
        if let Some(id) = &task.id
            && !is_task_id(id.get_ref())
        {
            return Err(at(id.span(), format!("`{}` cannot be a task id", id.get_ref().escape_debug()))
                .with_hint("an id is letters, digits, `.`, `-` or `_`, like `5.3`: it is part of the task's address (`#task-5.3`)"));
        }
        for pair in task.updates.windows(2) {
            let (earlier, later) = (&pair[0].date, &pair[1].date);
            if later.get_ref().sort_key() < earlier.get_ref().sort_key() {
                return Err(at(
                    later.span(),
                    format!(
                        "this update ({}) is dated before the one above it ({})",
                        later.get_ref(),
                        earlier.get_ref()
                    ),
                )
                .with_hint("list a task's updates oldest first, as they happened"));
            }
        }
        if let (Some(status), Some(last)) = (&task.status, task.updates.last())
            && *status.get_ref() != last.status
        {
            return Err(at(
                status.span(),
                format!(
                    "the task is `{}` here, but its latest update says `{}`",
                    status.get_ref().key(),
                    last.status.key()
                ),
            )
            .with_hint(
                "a task's status is its latest update's: remove `status`, or add an update",
            ));
        }
    }
    Ok(Area::new(written))
}

/// Whether `id` can name a task in addresses (`#task-5.3`) and files: letters, digits, `.`,
/// `-` and `_`, not empty.
fn is_task_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Whether front matter `after` leaves its page where `before` put it: at the same URL, with
/// the same aliases, terms, template and area number, published alike. Then an edit changes
/// the page's values and its place in orderings, and nothing else.
pub(super) fn same_place(before: &PageFrontMatter, after: &PageFrontMatter) -> bool {
    let area_number = |front: &PageFrontMatter| {
        front
            .area
            .as_ref()
            .map(|area| *area.get_ref().number.get_ref())
    };
    before.slug == after.slug
        && before.path == after.path
        && before.aliases == after.aliases
        && before.draft == after.draft
        && before.taxonomies == after.taxonomies
        && before.template == after.template
        && area_number(before) == area_number(after)
        && task_ids(before) == task_ids(after)
}

/// The ids a page's tasks write, in their order (`None` where a task's place is its id): ids
/// are checked across the plan, so changing them resolves the content again.
fn task_ids(front: &PageFrontMatter) -> Vec<Option<&str>> {
    front.area.as_ref().map_or_else(Vec::new, |area| {
        area.get_ref()
            .tasks
            .iter()
            .map(|task| task.id.as_ref().map(|id| id.get_ref().as_str()))
            .collect()
    })
}

/// `previous` with the pages at the given indices given new text and front matter that leaves
/// them in their place ([`same_place`]): their values and their order in sections and terms
/// change, nothing else does, so nothing else needs resolving again.
pub(super) fn patch(
    previous: &Content,
    edits: Vec<(usize, Source, Arc<PageFrontMatter>)>,
) -> Result<Content, Vec<Diagnostic>> {
    let mut content = previous.clone();
    let mut problems = Vec::new();
    let edited: Vec<usize> = edits.iter().map(|(index, ..)| *index).collect();
    for (index, source, front) in edits {
        let area = match &front.area {
            Some(written) => match area_of(&source, written.get_ref()) {
                Ok(area) => Some(area),
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            },
            None => None,
        };
        let page = &mut content.pages[index];
        page.date_key = front.date.map(taxonomy::date_key);
        (page.source, page.front, page.area) = (source, front, area);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    order_pages(&mut content);
    // The pages keep their terms: only the order within the terms that show them can change.
    taxonomy::reorder(&mut content.taxonomies, &content.pages, &edited);
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Slugify;

    fn file_slug(stem: &str) -> String {
        super::file_slug(stem, Slugify::default())
    }

    #[test]
    fn file_slugs_drop_zola_date_prefixes() {
        assert_eq!(file_slug("2024-03-01-kickoff"), "kickoff");
        assert_eq!(file_slug("2024-03-01_kickoff"), "kickoff");
        assert_eq!(file_slug("05-basic-education"), "05-basic-education");
    }

    #[test]
    fn file_slugs_follow_the_paths_strategy_and_may_keep_dates() {
        let with = |paths, paths_keep_dates| Slugify {
            paths,
            paths_keep_dates,
            ..Slugify::default()
        };
        // Zola's documented example, and its tests of `off` (the separator goes, a space stays).
        let stem = "2016-10-08_a-post-with-dates";
        assert_eq!(
            super::file_slug(stem, with(Strategy::On, false)),
            "a-post-with-dates"
        );
        assert_eq!(
            super::file_slug(stem, with(Strategy::On, true)),
            "2016-10-08-a-post-with-dates"
        );
        assert_eq!(
            super::file_slug(stem, with(Strategy::Readable, true)),
            "2016-10-08-a-post-with-dates"
        );
        assert_eq!(
            super::file_slug("2018-10-08_ こんにちは", with(Strategy::Off, false)),
            " こんにちは"
        );
        assert_eq!(
            super::file_slug("教育", with(Strategy::On, false)),
            "jiao-yu"
        );
    }

    #[test]
    fn file_slugs_cut_names_only_between_characters() {
        assert_eq!(file_slug("教育数字化"), "教育数字化");
        assert_eq!(file_slug("2024-03-0教育"), "2024-03-0教育");
        assert_eq!(file_slug("2024-03-01-教育"), "教育");
        assert_eq!(file_slug("2024-03-01-"), "2024-03-01");
    }

    #[test]
    fn folder_paths_are_slugged_per_part() {
        let readable = Strategy::Readable;
        assert_eq!(folder_path("", "", readable).unwrap(), "/");
        assert_eq!(
            folder_path("", "Priorities/Sub Folder", readable).unwrap(),
            "/priorities/sub-folder/"
        );
        assert_eq!(
            folder_path("", "Priorities/教育", Strategy::On).unwrap(),
            "/priorities/jiao-yu/"
        );
        assert_eq!(
            folder_path("", "Sub Folder/a:b", Strategy::Safe).unwrap(),
            "/Sub Folder/ab/"
        );
        assert!(folder_path("", "a:b", Strategy::Off).is_err());
        assert!(folder_path("", "...", Strategy::Safe).is_err());
        assert_eq!(
            folder_path("/zh-Hans", "a", readable).unwrap(),
            "/zh-Hans/a/"
        );
    }

    #[test]
    fn explicit_paths_are_checked() {
        assert_eq!(explicit_path("", "about/team").unwrap(), "/about/team/");
        assert_eq!(explicit_path("", "/about/").unwrap(), "/about/");
        assert_eq!(explicit_path("/zh", "/about/").unwrap(), "/zh/about/");
        assert!(explicit_path("", "../etc").is_err());
        for escaping in ["a\\..\\..\\x", "C:/x", "c:", "a/\u{7}", "/./x"] {
            assert!(explicit_path("", escaping).is_err(), "{escaping}");
        }
        assert!(explicit_path("", "/").is_err());
    }

    #[test]
    fn alias_forms_that_write_one_file_compare_equal() {
        assert_eq!(normalize("a/b"), normalize("/a/b/index.html"));
        assert_eq!(normalize("/old.html"), "/old.html");
    }
}

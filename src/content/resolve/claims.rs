//! Every file the site writes, claimed once: pages, sections and their pagers, aliases,
//! taxonomies and their terms, feeds, the site files (sitemap, exports, 404 page), files
//! beside the content, static files and the stylesheets compiled from Sass. A second claim on an address (letter case ignored)
//! is a located diagnostic at whatever the user can most easily move.

use std::ops::Range;
use std::path::Path;

use foldhash::{HashMap, HashMapExt as _};

use super::{Resolver, normalize};
use crate::content::{Edition, Source, is_ignored, is_section_file};
use crate::diagnostic::Diagnostic;

/// The folder of files copied as they are, in the site and in a theme.
const STATIC_DIR: &str = "static";

impl Resolver<'_> {
    /// Two things may not write the same file: pages, rendered sections and their pagers,
    /// aliases, taxonomies and their terms, feeds, the site files (sitemap, exports, 404 page),
    /// files beside the content, static files and stylesheets. Addresses that differ only in case clash too:
    /// they are one file on Windows and macOS.
    pub(super) fn check_unique_paths(&self) -> Vec<Diagnostic> {
        let mut owners: HashMap<String, (String, Claimant<'_>)> = HashMap::new();
        let mut problems = Vec::new();
        for (claimed, claimant) in self.claims() {
            let key = claimed.to_lowercase();
            match owners.get(&key) {
                Some((first_claimed, first)) => {
                    problems.push(clash(first_claimed, first, &claimed, &claimant));
                }
                None => {
                    owners.insert(key, (claimed, claimant));
                }
            }
        }
        problems
    }

    /// Every file the site writes, as normalized URL paths, with what writes it: the content
    /// first, so that a clash is reported at what can move.
    fn claims(&self) -> Vec<(String, Claimant<'_>)> {
        let content = &self.content;
        let mut claims = Vec::new();
        let sections = content
            .sections
            .iter()
            .filter(|s| s.front.render || s.front.redirect_to.is_some())
            .map(|s| (&s.source, &s.path, None, &s.aliases, &s.front.aliases));
        let pages = content.pages.iter().map(|p| {
            let written = p.front.path.as_ref().or(p.front.slug.as_ref());
            (&p.source, &p.path, written, &p.aliases, &p.front.aliases)
        });
        for (source, path, written, aliases, written_aliases) in sections.chain(pages) {
            let span = written.map_or(0..0, |w| source.file_span(w.span()));
            claims.push((normalize(path), Claimant::Content(source, span)));
            for (alias, written) in aliases.iter().zip(written_aliases) {
                let span = source.file_span(written.span());
                claims.push((alias.clone(), Claimant::Alias(source, span)));
            }
        }
        let feed = |path: &str| format!("{path}atom.xml");
        let language_of = |lang: &str| {
            self.config
                .language(lang)
                .unwrap_or_else(|| self.config.default_language())
        };
        let homes: Vec<usize> = content.editions.iter().filter_map(Edition::home).collect();
        for (index, section) in content.sections.iter().enumerate() {
            if !section.front.render || section.front.redirect_to.is_some() {
                continue;
            }
            let front = &section.front;
            let pagers = front
                .paginate_by
                .filter(|by| *by > 0)
                .map_or(1, |by| section.pages.len().div_ceil(by));
            let paginate_path = front.paginate_path.as_ref().map_or("page", |p| p.get_ref());
            let pager_of = |n| format!("{}{paginate_path}/{n}/", section.path);
            let what = || format!("a pager of `{}`", section.source.path.display());
            if pagers > 1 {
                // The first pager's own address is a redirect to the section.
                claims.extend(
                    (1..=pagers).map(|n| (normalize(&pager_of(n)), Claimant::Generated(what()))),
                );
            }
            let site_feed = language_of(&section.lang).feeds && homes.contains(&index);
            if front.generate_feeds && !site_feed {
                let what = format!("the feed of `{}`", section.source.path.display());
                claims.push((feed(&section.path), Claimant::Generated(what)));
            }
        }
        for taxonomy in &content.taxonomies {
            let what = format!("the taxonomy `{}`", taxonomy.name);
            claims.push((normalize(&taxonomy.path), Claimant::Generated(what)));
            for term in &taxonomy.terms {
                let what = || format!("the `{}` term `{}`", taxonomy.name, term.name);
                claims.push((normalize(&term.path), Claimant::Generated(what())));
                let pagers = taxonomy
                    .paginate_by
                    .filter(|by| *by > 0)
                    .map_or(1, |by| term.pages.len().div_ceil(by));
                if pagers > 1 {
                    claims.extend((1..=pagers).map(|n| {
                        let pager = normalize(&format!("{}page/{n}/", term.path));
                        (pager, Claimant::Generated(what()))
                    }));
                }
                if taxonomy.feed {
                    claims.push((feed(&term.path), Claimant::Generated(what())));
                }
            }
        }
        // The site files of `build::files` and the feeds of `build::feeds`, by address.
        let generate = &self.config.generate;
        let site_files = [
            ("/sitemap.xml", "the sitemap", generate.sitemap),
            ("/robots.txt", "`robots.txt`", generate.robots_txt),
            // Whether the theme has a 404 page is known later: its address is kept free.
            ("/404.html", "the not-found page", true),
        ];
        for (path, what, wanted) in site_files {
            if wanted {
                claims.push((path.to_string(), Claimant::Generated(what.to_string())));
            }
        }
        for stylesheet in &self.config.code_stylesheets {
            let what = "a stylesheet of highlighted code".to_string();
            claims.push((stylesheet.path.clone(), Claimant::Generated(what)));
        }
        for edition in &content.editions {
            let language = language_of(&edition.lang);
            let prefix = &language.prefix;
            let has_plan = content.pages[edition.pages.clone()]
                .iter()
                .any(|page| page.area.is_some());
            let files = [
                ("atom.xml", "the site's feed", language.feeds),
                (
                    "plan.json",
                    "the plan's data export",
                    generate.exports && has_plan,
                ),
                (
                    "tasks.csv",
                    "the plan's task list",
                    generate.exports && has_plan,
                ),
                (
                    "tasks.xlsx",
                    "the plan's workbook",
                    generate.exports && has_plan,
                ),
                (
                    "updates.xml",
                    "the feed of status updates",
                    language.feeds && has_plan,
                ),
            ];
            for (name, what, wanted) in files {
                if wanted {
                    let what = format!("{what} ({})", language.code);
                    claims.push((format!("{prefix}/{name}"), Claimant::Generated(what)));
                }
            }
        }
        for asset in &content.assets {
            let shown = self.shown_path(&asset.source);
            claims.push((normalize(&asset.path), Claimant::Copied(shown)));
        }
        claims.extend(self.static_claims());
        claims.extend(
            crate::sass::stylesheets(self.config)
                .into_iter()
                .map(|sheet| {
                    let shown = self.shown_path(&sheet.source);
                    (normalize(&sheet.path), Claimant::Copied(shown))
                }),
        );
        claims
    }

    /// The static files, by address: the site's own win over the theme's, as they are meant to,
    /// and so do the site's own stylesheets.
    fn static_claims(&self) -> Vec<(String, Claimant<'_>)> {
        let site = self.config.root.join(STATIC_DIR);
        let theme = self
            .config
            .theme_dir
            .as_ref()
            .map(|dir| dir.join(STATIC_DIR));
        let mut found: HashMap<String, std::path::PathBuf> = HashMap::new();
        for dir in theme.iter().chain([&site]) {
            for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
                let name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file() || is_ignored(&name) {
                    continue;
                }
                let Ok(relative) = entry.path().strip_prefix(dir) else {
                    continue;
                };
                let url = normalize(&relative.to_string_lossy().replace('\\', "/"));
                found.insert(url, entry.path().to_path_buf());
            }
            if Some(dir) == theme.as_ref() {
                let sheets = crate::sass::own_addresses(self.config);
                found.retain(|url, _| !sheets.contains(url));
            }
        }
        let mut claims: Vec<_> = found
            .into_iter()
            .map(|(url, file)| (url, Claimant::Copied(self.shown_path(&file))))
            .collect();
        claims.sort_by(|a, b| a.0.cmp(&b.0));
        claims
    }

    /// A file's path as messages show it: relative to the site root when inside it.
    fn shown_path(&self, file: &Path) -> std::path::PathBuf {
        file.strip_prefix(&self.config.root)
            .unwrap_or(file)
            .to_path_buf()
    }
}

/// What writes a file of the site.
enum Claimant<'a> {
    /// A page's or section's own address, at the `slug` or `path` that sets it.
    Content(&'a Source, Range<usize>),
    /// An alias, where it is written.
    Alias(&'a Source, Range<usize>),
    /// What the site makes itself (a pager, a feed, a taxonomy page, the sitemap...), named.
    Generated(String),
    /// A file copied as it is (a static file, or one beside the content), or a Sass file.
    Copied(std::path::PathBuf),
}

impl Claimant<'_> {
    fn describe(&self) -> String {
        match self {
            Self::Content(source, _) => format!("`{}`", source.path.display()),
            Self::Alias(source, _) => format!("an alias in `{}`", source.path.display()),
            Self::Generated(what) => what.clone(),
            Self::Copied(file) => format!("the file `{}`", file.display()),
        }
    }

    /// How to move it out of the way.
    fn remedy(&self) -> &'static str {
        match self {
            Self::Content(source, _) if is_section_file(&source.relative) => {
                "move this section's folder"
            }
            Self::Content(..) => "give one of them another `slug` or `path`",
            Self::Alias(..) => "give the alias another address, or remove it",
            Self::Generated(_) => "rename what makes it in `site.toml`",
            Self::Copied(_) => "rename or remove the file",
        }
    }
}

/// The diagnostic for `second` claiming the file `first` claimed, located at whichever the
/// user can most easily move: an alias or a written `slug` or `path`, then a copied file,
/// then a page or section where its file puts it, and what the site makes last.
fn clash(
    first_claimed: &str,
    first: &Claimant<'_>,
    claimed: &str,
    second: &Claimant<'_>,
) -> Diagnostic {
    let movable = |claimant: &Claimant<'_>| match claimant {
        Claimant::Alias(..) => 3,
        Claimant::Content(_, span) if !span.is_empty() => 3,
        Claimant::Copied(_) => 2,
        Claimant::Content(..) => 1,
        Claimant::Generated(_) => 0,
    };
    let (here, other) = if movable(second) >= movable(first) {
        (second, first)
    } else {
        (first, second)
    };
    let kind = if claimed.ends_with('/') && first_claimed.ends_with('/') {
        "pages"
    } else {
        "files"
    };
    let message = if claimed == first_claimed {
        format!("two {kind} would be written to `{claimed}`")
    } else {
        format!(
            "two {kind} would be written to `{first_claimed}` and `{claimed}`, one file where \
             letter case is ignored (Windows, macOS)"
        )
    };
    let hint = match (here, other) {
        (Claimant::Content(..), Claimant::Content(..)) => {
            format!(
                "{} is written there too; {}",
                other.describe(),
                here.remedy()
            )
        }
        // Only `here` can move.
        (Claimant::Content(source, _), Claimant::Generated(what))
            if !is_section_file(&source.relative) =>
        {
            format!("{what} is published there; give this page another `slug` or `path`")
        }
        (_, Claimant::Generated(what)) => {
            format!("{what} is published there; {}", here.remedy())
        }
        _ => format!(
            "{} is written there too; {}",
            other.describe(),
            here.remedy()
        ),
    };
    let diagnostic = match here {
        Claimant::Content(source, span) | Claimant::Alias(source, span) => {
            Diagnostic::at(&source.path, &source.text, span.clone(), message)
        }
        Claimant::Copied(file) => Diagnostic::file(file, message),
        Claimant::Generated(_) => Diagnostic::file(crate::config::FILE_NAME, message),
    };
    diagnostic.with_hint(hint)
}

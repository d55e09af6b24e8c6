//! `site.toml` in, a validated [`Config`] out.
//!
//! The file is parsed as written (`SiteToml`, unknown keys rejected) and then resolved once:
//! the base URL is split into origin and sub-path, command-line overrides are applied, and the
//! theme folder is located.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

mod markdown;

use markdown::MarkdownToml;
pub use markdown::{CodeStylesheet, HIGHLIGHT_THEMES, Highlighting, Markdown};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::slug::{self, Strategy, path_slug};
use crate::toml_error;

/// The name of the configuration file at the site root.
pub const FILE_NAME: &str = "site.toml";
/// The name of every Atom feed file (Zola's default `feed_filenames`).
pub const FEED_FILE_NAME: &str = "atom.xml";

/// The folders of a site that a build reads, beside its configuration.
pub const SOURCE_DIRS: [&str; 5] = ["content", "templates", "static", "sass", "themes"];

/// `site.toml` as the user wrote it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    base_url: Spanned<String>,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    default_language: String,
    theme: Option<Spanned<String>>,
    #[serde(default)]
    taxonomies: Vec<Spanned<Taxonomy>>,
    #[serde(default)]
    slugify: Slugify,
    #[serde(default)]
    markdown: MarkdownToml,
    #[serde(default)]
    link_checker: LinkCheckerToml,
    #[serde(default = "yes")]
    generate_sitemap: bool,
    #[serde(default = "yes")]
    generate_robots_txt: bool,
    #[serde(default = "yes")]
    generate_exports: bool,
    #[serde(default)]
    build_search_index: bool,
    #[serde(default)]
    generate_feeds: bool,
    /// Links between the site's pages relative to each page, so the output works anywhere.
    #[serde(default = "yes")]
    relative_links: bool,
    feed_limit: Option<NonZeroUsize>,
    author: Option<String>,
    /// Interface strings for the default language (Zola's `[translations]`), over the theme's.
    #[serde(default)]
    translations: BTreeMap<String, String>,
    /// The day the plan's state is given for; the latest update's when absent.
    as_of: Option<crate::content::front_matter::Date>,
    /// The other languages the site is published in (Zola's `[languages.<code>]`).
    #[serde(default)]
    languages: BTreeMap<Spanned<String>, LanguageToml>,
    /// Zola's globs of files in `content/` and `static/` to leave out.
    #[serde(default)]
    ignored_content: Vec<Spanned<String>>,
    #[serde(default)]
    ignored_static: Vec<Spanned<String>>,
    /// Zola's names of feed files: workplan writes Atom, as `atom.xml`.
    feed_filenames: Option<Spanned<Vec<String>>>,
    /// Zola's: compile the site's `sass/` folder (the theme's always is).
    #[serde(default)]
    compile_sass: bool,
    /// Zola's: write every HTML page minified.
    minify_html: Option<Spanned<bool>>,
    #[serde(default)]
    extra: toml::Table,
}

/// `[languages.<code>]` as the user wrote it: what differs from the default language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageToml {
    title: Option<String>,
    description: Option<String>,
    /// The taxonomies of this language; the default language's when absent.
    taxonomies: Option<Vec<Taxonomy>>,
    generate_feeds: Option<bool>,
    build_search_index: Option<bool>,
    #[serde(default)]
    translations: BTreeMap<String, String>,
    /// The folder its pages are published under; the language code when absent.
    prefix: Option<Spanned<String>>,
    /// Values of `extra` in this language, over the top-level ones.
    #[serde(default)]
    extra: toml::Table,
}

fn yes() -> bool {
    true
}

fn default_language() -> String {
    "en".to_string()
}

/// The site's settings, resolved and checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root: the folder holding `site.toml`.
    pub root: PathBuf,
    pub base_url: BaseUrl,
    pub title: String,
    pub description: String,
    pub default_language: String,
    /// Folder of the theme in use, if any (`themes/<name>`).
    pub theme_dir: Option<PathBuf>,
    pub theme: Option<String>,
    pub taxonomies: Vec<Taxonomy>,
    /// How slugs are made for paths, taxonomy terms and heading ids.
    pub slugify: Slugify,
    /// How Markdown is rendered (Zola's `[markdown]`).
    pub markdown: Markdown,
    /// The stylesheets of highlighted code the build writes (`highlight_themes_css`, and
    /// `syntax.css` when code is highlighted with classes).
    pub code_stylesheets: Vec<CodeStylesheet>,
    /// How `check --external` treats links to other sites (Zola's `[link_checker]`).
    pub link_checker: LinkChecker,
    /// Which site files besides the pages to write.
    pub generate: Generate,
    /// The most entries a feed lists (all when `None`).
    pub feed_limit: Option<NonZeroUsize>,
    /// Who feeds name as their author; the site's title when `None`.
    pub author: Option<String>,
    /// The site's interface strings for the default language, which win over the theme's.
    pub translations: BTreeMap<String, String>,
    /// Every language the site is published in; the default language first.
    pub languages: Vec<Language>,
    /// The day the plan's state is given for (`as_of`); else its latest update's.
    pub as_of: Option<crate::content::front_matter::Date>,
    /// Files of `content/` and of `static/` left out (Zola's `ignored_content`, `ignored_static`).
    pub ignored_content: Ignored,
    pub ignored_static: Ignored,
    /// Compile the site's `sass/` folder into stylesheets (Zola's `compile_sass`).
    pub compile_sass: bool,
    /// Minify every HTML page written (Zola's `minify_html`).
    pub minify_html: bool,
    pub extra: toml::Table,
    /// Links between the site's pages are relative to each page (`relative_links`).
    pub relative_links: bool,
    /// What the site asks for but cannot have without a host in `base_url` (feeds, the
    /// sitemap, `robots.txt`), left out: a build says so.
    pub left_out: Vec<&'static str>,
}

impl Config {
    /// The site without what needs absolute addresses when `base_url` has no host: feeds,
    /// the sitemap and `robots.txt` would otherwise name pages by relative addresses, which
    /// their readers cannot follow.
    fn without_host_only_addresses(mut self) -> Self {
        if self.base_url.has_host() {
            return self;
        }
        let feeds = self.languages.iter().any(|language| {
            language.feeds || language.taxonomies.iter().any(|taxonomy| taxonomy.feed)
        });
        let asked = [
            ("feeds", feeds),
            ("the sitemap", self.generate.sitemap),
            ("robots.txt", self.generate.robots_txt),
        ];
        self.left_out = asked
            .into_iter()
            .filter_map(|(what, asked)| asked.then_some(what))
            .collect();
        self.generate.feeds = false;
        self.generate.sitemap = false;
        self.generate.robots_txt = false;
        for language in &mut self.languages {
            language.feeds = false;
            for taxonomy in &mut language.taxonomies {
                taxonomy.feed = false;
            }
        }
        for taxonomy in &mut self.taxonomies {
            taxonomy.feed = false;
        }
        self
    }
}

/// Files a site leaves out: globs matched, as Zola matches them, against a file's path below
/// its folder (`/`-separated; `*` crosses folders) or its name alone.
#[derive(Debug, Clone, Default)]
pub struct Ignored(Option<globset::GlobSet>);

impl Ignored {
    /// Whether the file or folder at `relative` (below `content/` or `static/`) is left out.
    pub fn matches(&self, relative: &str) -> bool {
        self.0.as_ref().is_some_and(|globs| {
            let name = relative.rsplit('/').next().unwrap_or(relative);
            globs.is_match(relative) || globs.is_match(name)
        })
    }

    fn parse(shown_path: &Path, text: &str, globs: &[Spanned<String>]) -> Result<Self, Diagnostic> {
        if globs.is_empty() {
            return Ok(Self(None));
        }
        let mut set = globset::GlobSetBuilder::new();
        for glob in globs {
            let parsed = globset::Glob::new(glob.get_ref()).map_err(|error| {
                Diagnostic::at(
                    shown_path,
                    text,
                    glob.span(),
                    format!("not a glob: {}", error.kind()),
                )
                .with_hint("write a pattern such as `*.xlsx`, `drafts/**` or `temp.*`")
            })?;
            set.add(parsed);
        }
        let set = set
            .build()
            .map_err(|error| Diagnostic::file(shown_path, format!("the ignored globs: {error}")))?;
        Ok(Self(Some(set)))
    }
}

/// A language the site is published in, with what it sets for itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// Its BCP 47 code as the site writes it (`en`, `zh-Hans`, `zh-CN`): the suffix of its
    /// translations' file names (`name.zh-Hans.md`) and what `lang` is in templates.
    pub code: String,
    pub title: String,
    pub description: String,
    pub taxonomies: Vec<Taxonomy>,
    /// Its Atom feed (`atom.xml` in its folder).
    pub feeds: bool,
    pub search_index: bool,
    /// Its interface strings, which win over the theme's (`[languages.<code>.translations]`).
    pub translations: BTreeMap<String, String>,
    /// The URL path its pages are published under: empty for the default language,
    /// `/zh-Hans` (or what `prefix` says) for the others.
    pub prefix: String,
    /// `extra` as this language's templates see it: the site's, with the language's own
    /// `[languages.<code>.extra]` values over them.
    pub extra: toml::Table,
}

impl Config {
    /// The default language.
    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    /// Whether the site is published in more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// The language of `code`, if the site is published in it.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|language| language.code == code)
    }
}

/// Whether `code` has the form of a BCP 47 language tag: a primary subtag of 2 to 3 letters
/// (or 4 to 8), then subtags of 1 to 8 letters or digits (`zh`, `zh-Hans`, `en-GB`,
/// `zh-Hant-TW`, `es-419`).
pub fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|part| {
            (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Site files besides the pages (Zola's `generate_sitemap`, `generate_robots_txt` and
/// `generate_feeds`, and the plan's data exports `plan.json`, `tasks.csv` and `tasks.xlsx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct Generate {
    pub sitemap: bool,
    pub robots_txt: bool,
    pub exports: bool,
    /// A full-text search index (Pagefind) in `pagefind/`.
    pub search_index: bool,
    /// The site's Atom feed, `atom.xml`.
    pub feeds: bool,
}

/// A taxonomy declared in `site.toml` (`taxonomies = [{ name = "topics" }]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    pub name: String,
    #[serde(default)]
    pub feed: bool,
    pub paginate_by: Option<usize>,
}

/// Zola's `[link_checker]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LinkCheckerToml {
    skip_prefixes: Vec<String>,
    external_level: Option<Level>,
}

/// How a problem counts: Zola's `error` or `warn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Error,
    Warn,
}

/// What `check --external` skips, and how a broken link to another site counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkChecker {
    /// Addresses starting with one of these are not asked for.
    pub skip_prefixes: Vec<String>,
    /// Whether a broken link to another site is a warning (`external_level = "warn"`), not an
    /// error.
    pub external_warns: bool,
}

/// Zola's `[slugify]` table: how each kind of slug is made. A kind not named keeps letters
/// and digits of every script ([`Strategy::Readable`]), where Zola's default is `on`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Slugify {
    /// Page slugs (from file names or `slug = ...`) and folder paths.
    pub paths: Strategy,
    /// Taxonomy names and terms.
    pub taxonomies: Strategy,
    /// Heading ids.
    pub anchors: Strategy,
    /// Whether a page's slug keeps the `YYYY-MM-DD-` its file name starts with.
    pub paths_keep_dates: bool,
}

/// Where the site is hosted: `https://example.org/plan/` is origin `https://example.org` and
/// prefix `/plan`. A bare path (`/plan/`) is allowed for local previews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// Everything before the path, e.g. `https://example.org`; empty for a bare path.
    pub origin: String,
    /// The sub-path the site lives under, without a trailing slash; empty at the root.
    pub prefix: String,
}

impl BaseUrl {
    /// Parses `https://host[:port][/sub/path][/]` or `/sub/path/`.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        let (origin, path) = if url.starts_with('/') {
            ("", url)
        } else {
            let scheme_end = url
                .find("://")
                .ok_or_else(|| format!("`{url}` is not an absolute URL"))?;
            let host_start = scheme_end + 3;
            let path_start = url[host_start..]
                .find('/')
                .map_or(url.len(), |i| host_start + i);
            if path_start == host_start {
                return Err(format!("`{url}` has no host"));
            }
            url.split_at(path_start)
        };
        if path.contains(['?', '#', ' ']) {
            return Err(format!(
                "`{url}` must not contain a query, fragment or space"
            ));
        }
        Ok(Self {
            origin: origin.to_string(),
            prefix: path.trim_end_matches('/').to_string(),
        })
    }

    /// The absolute URL of a site path such as `/priorities/` (always starting with `/`).
    pub fn permalink(&self, path: &str) -> String {
        // Made for every page, listing row and link: one allocation of the right size.
        [self.origin.as_str(), &self.prefix, path].concat()
    }

    /// Whether addresses made from it name a host: only then can the site have the absolute
    /// addresses of canonical links, feeds, the sitemap and `robots.txt`.
    pub fn has_host(&self) -> bool {
        !self.origin.is_empty()
    }

    /// The base URL without a trailing slash, as templates see it in `config.base_url`.
    pub fn as_str(&self) -> String {
        format!("{}{}", self.origin, self.prefix)
    }
}

/// Command-line values that take precedence over `site.toml`.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub base_url: Option<String>,
}

/// Reads and resolves `<root>/<file_name>`.
pub fn load(root: &Path, file_name: &str, overrides: &Overrides) -> anyhow::Result<Config> {
    let path = root.join(file_name);
    let bytes = std::fs::read(&path).map_err(|error| {
        let hint = "run `workplan init` to start a new site, or pass `--root` to point at one";
        Diagnostics::from(
            Diagnostic::file(file_name, format!("cannot read {file_name}: {error}"))
                .with_hint(hint),
        )
    })?;
    let text = crate::diagnostic::utf8(Path::new(file_name), bytes).map_err(Diagnostics::from)?;
    Ok(resolve(root, Path::new(file_name), &text, overrides)?)
}

fn resolve(
    root: &Path,
    shown_path: &Path,
    text: &str,
    overrides: &Overrides,
) -> Result<Config, Diagnostics> {
    let raw: SiteToml = toml::from_str(text)
        .map_err(|error| Diagnostics::from(toml_error::diagnostic(shown_path, text, 0, &error)))?;
    let base_url = match &overrides.base_url {
        Some(flag) => BaseUrl::parse(flag).map_err(|message| {
            Diagnostic::file("--base-url", message)
                .with_hint("pass the address the site is served from, e.g. `--base-url https://example.org/plan/`")
        })?,
        None => BaseUrl::parse(raw.base_url.get_ref()).map_err(|message| {
            Diagnostic::at(shown_path, text, raw.base_url.span(), message)
                .with_hint("use the address the site is served from, e.g. `https://example.org/plan/`")
        })?,
    };
    let theme_dir = raw
        .theme
        .as_ref()
        .map(|name| root.join("themes").join(name.get_ref()));
    if let (Some(name), Some(dir)) = (&raw.theme, &theme_dir)
        && !dir.is_dir()
    {
        let message = format!("theme `{}` not found", name.get_ref());
        let hint = format!(
            "expected a folder `themes/{}/` with `templates/` inside",
            name.get_ref()
        );
        return Err(Diagnostic::at(shown_path, text, name.span(), message)
            .with_hint(hint)
            .into());
    }
    let languages = languages(shown_path, text, &raw)?;
    let (markdown, code_stylesheets) = raw.markdown.resolve(shown_path, text)?;
    let ignored_content = Ignored::parse(shown_path, text, &raw.ignored_content)?;
    let ignored_static = Ignored::parse(shown_path, text, &raw.ignored_static)?;
    if let Some(names) = &raw.feed_filenames
        && names.get_ref().iter().any(|name| name != FEED_FILE_NAME)
    {
        return Err(Diagnostic::at(
            shown_path,
            text,
            names.span(),
            "workplan writes Atom feeds, named `atom.xml`",
        )
        .with_hint("write `feed_filenames = [\"atom.xml\"]`, or leave the key out (RSS feeds are not written)")
        .into());
    }
    let minify_html = minify_html(shown_path, text, raw.minify_html.as_ref())?;
    for taxonomy in &raw.taxonomies {
        let slug = path_slug(&taxonomy.get_ref().name, raw.slugify.taxonomies);
        if !slug::names_a_folder(&slug) {
            let message = format!(
                "taxonomy `{}` cannot name a folder of the site (its slug is `{}`)",
                taxonomy.get_ref().name.escape_debug(),
                slug.escape_debug()
            );
            return Err(Diagnostic::at(shown_path, text, taxonomy.span(), message)
                .with_hint(slug::FOLDER_HINT)
                .into());
        }
    }
    Ok(Config {
        root: root.to_path_buf(),
        base_url,
        title: raw.title,
        description: raw.description,
        default_language: raw.default_language,
        theme_dir,
        theme: raw.theme.map(Spanned::into_inner),
        taxonomies: raw
            .taxonomies
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        slugify: raw.slugify,
        markdown,
        code_stylesheets,
        link_checker: LinkChecker {
            skip_prefixes: raw.link_checker.skip_prefixes,
            external_warns: raw.link_checker.external_level == Some(Level::Warn),
        },
        generate: Generate {
            sitemap: raw.generate_sitemap,
            robots_txt: raw.generate_robots_txt,
            exports: raw.generate_exports,
            search_index: raw.build_search_index,
            feeds: raw.generate_feeds,
        },
        feed_limit: raw.feed_limit,
        author: raw.author,
        translations: raw.translations,
        languages,
        as_of: raw.as_of,
        ignored_content,
        ignored_static,
        compile_sass: raw.compile_sass,
        minify_html,
        extra: raw.extra,
        relative_links: raw.relative_links,
        left_out: Vec::new(),
    }
    .without_host_only_addresses())
}

/// Whether `minify_html` is on; an error where it is, when this workplan was built without
/// its `minify` feature.
fn minify_html(
    shown_path: &Path,
    text: &str,
    written: Option<&Spanned<bool>>,
) -> Result<bool, Diagnostic> {
    let Some(written) = written.filter(|written| *written.get_ref()) else {
        return Ok(false);
    };
    if cfg!(feature = "minify") {
        return Ok(true);
    }
    Err(Diagnostic::at(
        shown_path,
        text,
        written.span(),
        "this workplan was built without HTML minification",
    )
    .with_hint(
        "build workplan with its default features (its `minify` feature), or remove the key",
    ))
}

/// The taxonomies declared at the top of site.toml, the default language's.
fn top_taxonomies(raw: &SiteToml) -> Vec<Taxonomy> {
    raw.taxonomies
        .iter()
        .map(|taxonomy| taxonomy.get_ref().clone())
        .collect()
}

/// The default language, from the top-level settings, then each `[languages.<code>]`.
fn languages(shown_path: &Path, text: &str, raw: &SiteToml) -> Result<Vec<Language>, Diagnostics> {
    let default = Language {
        code: raw.default_language.clone(),
        title: raw.title.clone(),
        description: raw.description.clone(),
        taxonomies: top_taxonomies(raw),
        feeds: raw.generate_feeds,
        search_index: raw.build_search_index,
        translations: raw.translations.clone(),
        prefix: String::new(),
        extra: raw.extra.clone(),
    };
    let mut languages = vec![default];
    let mut problems = Diagnostics::default();
    for (code, written) in &raw.languages {
        let at = |span: std::ops::Range<usize>, message: String| {
            Diagnostic::at(shown_path, text, span, message)
        };
        let name = code.get_ref();
        if *name == raw.default_language {
            problems.push(
                at(code.span(), format!("`{name}` is the default language"))
                    .with_hint("set the default language's title, taxonomies and translations at the top of site.toml; `[languages.<code>]` is for the others"),
            );
            continue;
        }
        if !is_language_tag(name) {
            problems.push(
                at(code.span(), format!("`{name}` is not a language code")).with_hint(
                    "use a BCP 47 code, such as `zh`, `zh-Hans`, `zh-CN`, `en` or `en-GB`",
                ),
            );
            continue;
        }
        let prefix = match &written.prefix {
            Some(prefix) => {
                let trimmed = prefix.get_ref().trim_matches('/');
                let safe = !trimmed.is_empty()
                    && trimmed.split('/').all(|part| {
                        !part.is_empty()
                            && part != "."
                            && part != ".."
                            && !part.contains(['\\', ':', '?', '#'])
                            && !part.contains(char::is_control)
                    });
                if !safe {
                    problems.push(
                        at(
                            prefix.span(),
                            format!(
                                "`{}` cannot be a language's folder",
                                prefix.get_ref().escape_debug()
                            ),
                        )
                        .with_hint("name a folder below the site root, like `prefix = \"zh\"`"),
                    );
                    continue;
                }
                format!("/{trimmed}")
            }
            None => format!("/{name}"),
        };
        languages.push(Language {
            code: name.clone(),
            title: written.title.clone().unwrap_or_else(|| raw.title.clone()),
            description: written
                .description
                .clone()
                .unwrap_or_else(|| raw.description.clone()),
            taxonomies: written
                .taxonomies
                .clone()
                .unwrap_or_else(|| top_taxonomies(raw)),
            feeds: written.generate_feeds.unwrap_or(raw.generate_feeds),
            search_index: written.build_search_index.unwrap_or(raw.build_search_index),
            translations: written.translations.clone(),
            prefix,
            extra: {
                let mut extra = raw.extra.clone();
                extra.extend(written.extra.clone());
                extra
            },
        });
    }
    problems.into_result(languages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_splits_origin_and_sub_path() {
        let url = BaseUrl::parse("https://example.org/plan/").unwrap();
        assert_eq!(url.origin, "https://example.org");
        assert_eq!(url.prefix, "/plan");
        assert_eq!(
            url.permalink("/priorities/"),
            "https://example.org/plan/priorities/"
        );
        assert_eq!(url.as_str(), "https://example.org/plan");
    }

    #[test]
    fn base_url_at_root_and_bare_path() {
        let root = BaseUrl::parse("http://127.0.0.1:1111").unwrap();
        assert_eq!(root.permalink("/"), "http://127.0.0.1:1111/");
        let bare = BaseUrl::parse("/plan/").unwrap();
        assert_eq!(bare.permalink("/a/"), "/plan/a/");
    }

    #[test]
    fn base_url_rejects_nonsense() {
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("https:///x").is_err());
        assert!(BaseUrl::parse("https://x.org/?a").is_err());
    }

    #[test]
    fn unknown_key_is_located_with_a_suggestion() {
        let text = "base_url = \"https://x.org\"\ntitle = \"T\"\ntheem = \"default\"\n";
        let error = resolve(
            Path::new("/nowhere"),
            Path::new("site.toml"),
            text,
            &Overrides::default(),
        )
        .unwrap_err();
        let diagnostic = &error.0[0];
        assert_eq!(diagnostic.position(), "site.toml:3:1");
        assert_eq!(diagnostic.hint.as_deref(), Some("did you mean `theme`?"));
    }

    #[test]
    fn override_replaces_base_url() {
        let text = "base_url = \"https://x.org\"\ntitle = \"T\"\n";
        let overrides = Overrides {
            base_url: Some("/sub/".into()),
        };
        let config = resolve(Path::new("/r"), Path::new("site.toml"), text, &overrides).unwrap();
        assert_eq!(config.base_url.as_str(), "/sub");
    }

    fn resolved(text: &str) -> Result<Config, Diagnostics> {
        let text = format!("base_url = \"https://x.org\"\ntitle = \"T\"\n{text}");
        resolve(
            Path::new("/r"),
            Path::new("site.toml"),
            &text,
            &Overrides::default(),
        )
    }

    #[test]
    fn slugify_names_a_strategy_per_kind_and_defaults_to_readable() {
        let config = resolved("").unwrap();
        assert_eq!(config.slugify, Slugify::default());
        assert_eq!(config.slugify.paths, Strategy::Readable);
        let written = "[slugify]\npaths = \"on\"\ntaxonomies = \"safe\"\nanchors = \"off\"\n\
                       paths_keep_dates = true\n";
        let config = resolved(written).unwrap();
        let expected = Slugify {
            paths: Strategy::On,
            taxonomies: Strategy::Safe,
            anchors: Strategy::Off,
            paths_keep_dates: true,
        };
        assert_eq!(config.slugify, expected);
    }

    #[test]
    fn an_unknown_strategy_is_located_with_the_valid_ones() {
        let error = resolved("[slugify]\npaths = \"yes\"\n").unwrap_err();
        let diagnostic = &error.0[0];
        assert_eq!(diagnostic.position(), "site.toml:4:9");
        assert_eq!(diagnostic.message, "unknown value `yes`");
        assert_eq!(
            diagnostic.hint.as_deref(),
            Some("use one of `on`, `safe`, `off`")
        );
        // The readable default has no name to write: it is what an absent key means.
        assert!(resolved("[slugify]\nanchors = \"readable\"\n").is_err());
    }

    #[test]
    fn a_taxonomy_whose_slug_leaves_the_site_is_located() {
        let error =
            resolved("taxonomies = [{ name = \"a/../b\" }]\n[slugify]\ntaxonomies = \"off\"\n")
                .unwrap_err();
        assert_eq!(error.0[0].position(), "site.toml:3:15");
        assert!(resolved("taxonomies = [{ name = \"a/../b\" }]\n").is_ok());
    }
}

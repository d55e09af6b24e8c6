//! Sass in, CSS out, as Zola does it: every `.scss` and `.sass` file under the theme's `sass/`
//! folder, and under the site's own with `compile_sass = true` (the site's win over the
//! theme's at one path, and over the theme's static files), becomes `<same relative
//! path>.css` in the output. Files and folders
//! whose names start with `_` are partials: never written, only `@use`d or `@import`ed.
//!
//! The compiler is grass (pure Rust), made to read through a `Recorder` so that a live
//! preview knows every file a stylesheet read or looked for, partials outside `sass/`
//! included. A problem is a located [`Diagnostic`] at the Sass that caused it.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The folder of Sass files, in the site and in a theme.
pub const SASS_DIR: &str = "sass";

/// A Sass file to compile and the address of its stylesheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stylesheet {
    /// URL path of the CSS: `/assets/fancy.css`.
    pub path: String,
    /// The Sass file.
    pub source: PathBuf,
}

/// Stylesheets compiled: CSS by URL path, and every file the compiler read or looked for.
#[derive(Debug, Default)]
pub struct Compiled {
    pub css: Vec<(String, Vec<u8>)>,
    pub files: BTreeSet<PathBuf>,
}

/// The Sass files to compile, sorted by address: the theme's always (as Zola), the site's
/// with `compile_sass`. What the site has replaces what the theme has: a site's stylesheet
/// or static file at the address of a theme's stylesheet leaves that one out. Two of one
/// folder (`a.scss`, `a.sass`) are both listed, for the build to refuse the clash.
pub fn stylesheets(config: &Config) -> Vec<Stylesheet> {
    let site = own(config);
    let taken: BTreeSet<&str> = site.iter().map(|sheet| sheet.path.as_str()).collect();
    let site_static = config.root.join("static");
    let is_site_static = |path: &str| {
        let relative = path.trim_start_matches('/');
        site_static.join(relative).is_file() && !config.ignored_static.matches(relative)
    };
    let theme = config
        .theme_dir
        .as_ref()
        .map(|dir| list(&dir.join(SASS_DIR)))
        .unwrap_or_default()
        .into_iter()
        .filter(|sheet| !taken.contains(sheet.path.as_str()) && !is_site_static(&sheet.path));
    let mut sheets: Vec<Stylesheet> = theme.chain(site.iter().cloned()).collect();
    sheets.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.source.cmp(&b.source)));
    sheets
}

/// The addresses of the site's own stylesheets, which replace a theme's static file there.
pub fn own_addresses(config: &Config) -> BTreeSet<String> {
    own(config).into_iter().map(|sheet| sheet.path).collect()
}

/// The site's own stylesheets: none without `compile_sass`.
fn own(config: &Config) -> Vec<Stylesheet> {
    if config.compile_sass {
        list(&config.root.join(SASS_DIR))
    } else {
        Vec::new()
    }
}

/// The stylesheets of one `sass/` folder; none when it is absent.
fn list(dir: &Path) -> Vec<Stylesheet> {
    let is_partial = |name: &std::ffi::OsStr| name.to_string_lossy().starts_with('_');
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_partial(entry.file_name()))
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| {
            let extension = entry.path().extension().and_then(|e| e.to_str());
            matches!(extension, Some("scss" | "sass"))
        })
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(dir).ok()?.with_extension("css");
            let path = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            Some(Stylesheet {
                path,
                source: entry.into_path(),
            })
        })
        .collect()
}

/// Compiles `sheets` in parallel (compressed, as Zola writes them). Every sheet's problems
/// are reported, located in the file where the Sass is wrong; paths are shown relative to
/// `root`.
pub fn compile(sheets: &[Stylesheet], root: &Path) -> Result<Compiled, Diagnostics> {
    let results: Vec<_> = sheets
        .par_iter()
        .map(|sheet| compile_one(sheet, root))
        .collect();
    let mut compiled = Compiled::default();
    // A mistake in a partial is met by every stylesheet that uses it: reported once.
    let mut problems: Vec<(Diagnostic, Vec<&Path>)> = Vec::new();
    for (sheet, (result, files)) in sheets.iter().zip(results) {
        compiled.files.extend(files);
        match result {
            Ok(css) => compiled.css.push((sheet.path.clone(), css.into_bytes())),
            Err(problem) => match problems.iter_mut().find(|(seen, _)| *seen == problem) {
                Some((_, users)) => users.push(&sheet.source),
                None => problems.push((problem, vec![&sheet.source])),
            },
        }
    }
    let problems = problems.into_iter().map(|(problem, users)| {
        if problem.hint.is_some() {
            return problem;
        }
        let shown = |path: &Path| {
            path.strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string()
        };
        let hint = if users.len() == 1 && problem.path == Path::new(&shown(users[0])) {
            "fix the Sass here; the site is published again once every stylesheet compiles"
                .to_string()
        } else {
            let users: Vec<String> = users
                .iter()
                .map(|user| format!("`{}`", shown(user)))
                .collect();
            format!(
                "{} {} this file; the site is published again once it compiles",
                users.join(", "),
                if users.len() == 1 { "uses" } else { "use" }
            )
        };
        problem.with_hint(hint)
    });
    Diagnostics(problems.collect()).into_result(compiled)
}

/// One stylesheet's CSS or problem, and the files its compiling read or looked for.
fn compile_one(sheet: &Stylesheet, root: &Path) -> (Result<String, Diagnostic>, Vec<PathBuf>) {
    let recorder = Recorder::default();
    let options = grass::Options::default()
        .style(grass::OutputStyle::Compressed)
        .fs(&recorder);
    let result =
        grass::from_path(&sheet.source, &options).map_err(|error| located(*error, sheet, root));
    (result, recorder.seen.into_inner().into_iter().collect())
}

/// The diagnostic of a grass error: at the Sass it points to (in a partial, maybe), without
/// a hint (the stylesheets that met it make it), or at the stylesheet when it points nowhere
/// (an unreadable file), with one.
fn located(error: grass::Error, sheet: &Stylesheet, root: &Path) -> Diagnostic {
    let stylesheet = sheet.source.strip_prefix(root).unwrap_or(&sheet.source);
    match error.kind() {
        grass::ErrorKind::ParseError { message, loc, .. } => {
            let file = lexically_normal(Path::new(loc.file.name()));
            let text = loc.file.source();
            let (begin, end) = (loc.begin, loc.end);
            let span = offset(text, begin.line, begin.column)..offset(text, end.line, end.column);
            let path = file.strip_prefix(root).unwrap_or(&file);
            Diagnostic::at(path, text, span, format!("Sass: {message}"))
        }
        grass::ErrorKind::FromUtf8Error(_) => Diagnostic::file(
            stylesheet,
            "a file this stylesheet reads is not valid UTF-8",
        ),
        grass::ErrorKind::IoError(error) => {
            Diagnostic::file(stylesheet, format!("cannot read: {}", error.kind()))
        }
        _ => Diagnostic::file(stylesheet, "the Sass cannot be compiled"),
    }
}

/// `path` without its `.` and `folder/..` steps, as an import names it
/// (`sass/nested/../_colors.scss` is `sass/_colors.scss`).
fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if normal.file_name().is_some() => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// The byte offset of a 0-based line and character column in `text`.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line)
        .map(str::len)
        .sum::<usize>();
    let line = &text[line_start.min(text.len())..];
    line_start
        + line
            .char_indices()
            .nth(column)
            .map_or(line.len(), |(index, _)| index)
}

/// The real file system, noting every path the compiler looks at.
#[derive(Debug, Default)]
struct Recorder {
    seen: RefCell<BTreeSet<PathBuf>>,
}

impl Recorder {
    fn note(&self, path: &Path) {
        // As a watcher names it: `sass/../vendor/_grid.scss` is `vendor/_grid.scss`.
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.seen.borrow_mut().insert(lexically_normal(&path));
    }
}

impl grass::Fs for Recorder {
    fn is_dir(&self, path: &Path) -> bool {
        self.note(path);
        path.is_dir()
    }

    fn is_file(&self, path: &Path) -> bool {
        self.note(path);
        path.is_file()
    }

    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.note(path);
        std::fs::read(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_of_their_line() {
        let text = "a {}\n中文 b;\n";
        let at = |line, column| offset(text, line, column);
        assert_eq!(at(0, 0), 0);
        assert_eq!(at(1, 0), 5);
        assert_eq!(&text[at(1, 3)..], "b;\n");
        assert_eq!(at(5, 0), text.len());
    }

    #[test]
    fn import_paths_lose_their_steps_back() {
        let normal = lexically_normal(Path::new("/site/sass/nested/./../_colors.scss"));
        assert_eq!(normal, Path::new("/site/sass/_colors.scss"));
        assert_eq!(
            lexically_normal(Path::new("../a.scss")),
            Path::new("../a.scss")
        );
    }
}

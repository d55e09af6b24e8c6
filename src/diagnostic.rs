//! Problems in the user's files, reported the way rustc reports them.
//!
//! A [`Diagnostic`] is made from a file's text and a byte range in it; it keeps only the
//! lines it points at, so a build can collect thousands without holding their files.
//! [`Diagnostics`] is the error a stage returns when the user has something to fix.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// One problem in one file, with the place it points at and an optional hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub path: PathBuf,
    /// Boxed: diagnostics travel in `Result`s, and most are never made.
    pub location: Option<Box<Location>>,
    pub hint: Option<String>,
    /// For a problem in a template: the page it was rendering (a content file or an
    /// address), and how many other pages met the same problem.
    pub rendering: Option<Box<(String, usize)>>,
}

/// Whether a problem stops the build, or is worth fixing without stopping it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

/// Where a diagnostic points: 1-based line and column plus the text of that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    /// The source line(s) the span touches, without the final newline.
    pub excerpt: String,
    /// The annotated bytes, relative to `excerpt`.
    pub span: Range<usize>,
    pub label: String,
}

impl Diagnostic {
    /// A problem with a whole file (it cannot be read, or has no single place to point at).
    pub fn file(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            path: path.as_ref().to_path_buf(),
            location: None,
            hint: None,
            rendering: None,
        }
    }

    /// A problem at `span` (byte offsets) of `source`, the full text of the file at `path`.
    pub fn at(
        path: impl AsRef<Path>,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            location: Some(Box::new(Location::new(source, span))),
            ..Self::file(path, message)
        }
    }

    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same problem, met while rendering `page` (`content/x.md`, or an address).
    #[must_use]
    pub fn while_rendering(mut self, page: impl Into<String>) -> Self {
        self.rendering = Some(Box::new((page.into(), 0)));
        self
    }

    /// The same problem as a warning: reported, but the site still builds.
    #[must_use]
    pub fn as_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        if let Some(location) = &mut self.location {
            location.label = label.into();
        }
        self
    }

    /// `path:line:column`, the form editors and terminals turn into a link.
    pub fn position(&self) -> String {
        match &self.location {
            Some(at) => format!("{}:{}:{}", self.path.display(), at.line, at.column),
            None => self.path.display().to_string(),
        }
    }

    /// The rustc-style report, without colour.
    pub fn render(&self) -> String {
        self.render_in(false)
    }

    /// The rustc-style report, in colour (ANSI escapes, for a terminal) or not.
    pub fn render_in(&self, colour: bool) -> String {
        let path = self.path.display().to_string();
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(&self.message);
        let main = match &self.location {
            Some(at) => title.element(
                Snippet::source(&at.excerpt)
                    .line_start(at.line)
                    .path(&path)
                    .annotation(
                        AnnotationKind::Primary
                            .span(at.span.clone())
                            .label(&at.label),
                    ),
            ),
            None => title.element(annotate_snippets::Origin::path(&path)),
        };
        let mut report = vec![main];
        let rendering = self
            .rendering
            .as_deref()
            .map(|(page, others)| match others {
                0 => format!("while rendering {page}"),
                1 => format!("while rendering {page} and 1 other page"),
                n => format!("while rendering {page} and {n} other pages"),
            });
        if let Some(rendering) = &rendering {
            report.push(Group::with_title(Level::NOTE.secondary_title(rendering)));
        }
        if let Some(hint) = &self.hint {
            report.push(Group::with_title(Level::HELP.secondary_title(hint)));
        }
        let renderer = if colour {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report)
    }
}

impl Location {
    fn new(source: &str, span: Range<usize>) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[end..]
            .find('\n')
            .map_or(source.len(), |i| end + i)
            .max(start);
        let excerpt = source[line_start..line_end].trim_end_matches('\r');
        let line = source[..start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        // The excerpt drops the line's trailing `\r`s: a span in them points at its end.
        let span_start = (start - line_start).min(excerpt.len());
        let span_end = (end - line_start).min(excerpt.len());
        Self {
            line,
            column,
            excerpt: excerpt.to_string(),
            span: span_start..span_end.max(span_start),
            label: String::new(),
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The text of a file read as `bytes`, or a diagnostic at its first byte that is not UTF-8.
pub fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(error.as_bytes());
        Diagnostic::at(path, &lossy, at..at + 1, "file is not valid UTF-8")
            .with_label("invalid byte here")
            .with_hint("save the file as UTF-8")
    })
}

/// Every problem a stage found; the error type of stages that read the user's files.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// `Ok(value)` when nothing was found, else the problems in a stable order.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Self> {
        if self.0.is_empty() {
            return Ok(value);
        }
        sort_and_merge(&mut self.0);
        Err(self)
    }
}

/// Sorts problems by severity, file and place, and makes one of those that differ only in the
/// page being rendered: a template's mistake met by 10,000 pages is one problem, naming the
/// first page and counting the others.
pub fn sort_and_merge(problems: &mut Vec<Diagnostic>) {
    let place = |d: &Diagnostic| {
        d.location
            .as_ref()
            .map_or((0, 0), |at| (at.line, at.column))
    };
    problems.sort_by(|a, b| {
        (a.severity, &a.path, place(a), &a.message, &a.rendering).cmp(&(
            b.severity,
            &b.path,
            place(b),
            &b.message,
            &b.rendering,
        ))
    });
    problems.dedup_by(|later, kept| {
        let same = Diagnostic {
            rendering: kept.rendering.clone(),
            ..later.clone()
        } == *kept;
        if same && let Some(rendering) = &mut kept.rendering {
            rendering.1 += 1;
        }
        same
    });
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl Diagnostics {
    /// Every problem, then how many there are; in colour or not.
    pub fn render_in(&self, colour: bool) -> String {
        let mut text = String::new();
        for diagnostic in &self.0 {
            text.push_str(&diagnostic.render_in(colour));
            text.push_str("\n\n");
        }
        let count = self.0.len();
        let plural = if count == 1 { "" } else { "s" };
        let summary = format!("the site has {count} problem{plural} to fix");
        text.push_str(&headline(Severity::Error, &summary, colour));
        text
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_in(false))
    }
}

impl std::error::Error for Diagnostics {}

/// An error as the user reads it: diagnostics as they are, anything else as `error:` with one
/// `caused by:` line per source.
pub fn describe(error: &anyhow::Error) -> String {
    describe_in(error, false)
}

/// [`describe`], with the diagnostics in colour or not.
pub fn describe_in(error: &anyhow::Error, colour: bool) -> String {
    if let Some(diagnostics) = error.downcast_ref::<Diagnostics>() {
        return diagnostics.render_in(colour);
    }
    let mut text = headline(Severity::Error, &error.to_string(), colour);
    for cause in error.chain().skip(1) {
        text.push_str(&format!("\ncaused by: {cause}"));
    }
    text
}

/// `error: message` or `warning: message`, its level in colour as a diagnostic's is.
pub fn headline(severity: Severity, message: &str, colour: bool) -> String {
    let level = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    if !colour {
        return format!("{level}: {message}");
    }
    let level = match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    Renderer::styled().render(&[Group::with_title(level.primary_title(message))])
}

/// The closest of `candidates` to `typo`, if one is close enough to be a likely meant word.
pub fn did_you_mean<'a>(
    typo: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(typo, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters() {
        let source = "+++\ntitle = \"é\"\nwieght = 3\n+++\n";
        let start = source.find("wieght").unwrap();
        let diagnostic = Diagnostic::at("a.md", source, start..start + 6, "unknown field");
        let at = diagnostic.location.as_ref().unwrap();
        assert_eq!((at.line, at.column), (3, 1));
        assert_eq!(at.excerpt, "wieght = 3");
        assert_eq!(diagnostic.position(), "a.md:3:1");
    }

    #[test]
    fn column_counts_characters_not_bytes() {
        let source = "标题 = x";
        let start = source.find('x').unwrap();
        let at = Location::new(source, start..start + 1);
        assert_eq!(at.column, 6);
    }

    #[test]
    fn rendered_report_points_at_file_line_and_column() {
        let source = "line one\nbad = 1\n";
        let report = Diagnostic::at("content/x.md", source, 9..12, "unknown field `bad`")
            .with_label("not a front matter key")
            .with_hint("did you mean `bar`?")
            .render();
        assert!(report.contains("error: unknown field `bad`"), "{report}");
        assert!(report.contains("--> content/x.md:2:1"), "{report}");
        assert!(report.contains("2 | bad = 1"), "{report}");
        assert!(report.contains("^^^ not a front matter key"), "{report}");
        assert!(report.contains("help: did you mean `bar`?"), "{report}");
    }

    /// Found by fuzzing: the excerpt drops a line's trailing `\r`s, and a span that started
    /// in them lay past its end, which made the renderer panic.
    #[test]
    fn a_span_in_trailing_carriage_returns_stays_in_the_excerpt() {
        let source = "t = \"S\"\nx =\"2\r\r\ny = 1\n";
        let start = source.find("\r\r").unwrap() + 1;
        let diagnostic = Diagnostic::at("a.md", source, start..start, "unclosed");
        let at = diagnostic.location.as_ref().unwrap();
        assert!(at.span.end <= at.excerpt.len(), "{at:?}");
        assert!(diagnostic.render().contains("--> a.md:2:"));
    }

    #[test]
    fn a_coloured_headline_has_the_words_of_the_plain_one() {
        let plain = headline(Severity::Warning, "cannot watch x", false);
        assert_eq!(plain, "warning: cannot watch x");
        let coloured = headline(Severity::Warning, "cannot watch x", true);
        assert!(coloured.contains("\x1b["), "{coloured:?}");
        let mut stripped = String::new();
        let mut rest = coloured.as_str();
        while let Some(at) = rest.find('\x1b') {
            stripped.push_str(&rest[..at]);
            rest = &rest[at..];
            rest = &rest[rest.find('m').unwrap() + 1..];
        }
        stripped.push_str(rest);
        assert_eq!(stripped, plain);
    }

    #[test]
    fn suggestions_only_when_close() {
        let keys = ["title", "weight", "description"];
        assert_eq!(did_you_mean("wieght", keys), Some("weight"));
        assert_eq!(did_you_mean("colour", keys), None);
    }
}

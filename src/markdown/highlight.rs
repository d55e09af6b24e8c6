//! A fenced code block (its info string and text) in, highlighted HTML out, as Zola writes it
//! with `highlight_code = true`; and the stylesheets of the built-in themes.
//!
//! syntect's syntaxes and themes are loaded once, on the first code block or stylesheet that
//! needs them: a site that does not highlight never pays for them. Lines are written one by
//! one and each closes the spans it opened (the next reopens them), so that a marked line
//! (`hl_lines`) is one `<mark>` and a hidden one (`hide_lines`) leaves no span open.

use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use pulldown_cmark_escape::{escape_html, escape_html_body_text};
use syntect::easy::HighlightLines;
use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{ClassStyle, IncludeBackground};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxDefinition, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::config::Highlighting;

/// The prefix of the classes code is marked with (`z-keyword`), Zola's: a theme's own
/// classes (`.comment`, `.string`) are left alone, and CSS made by Zola for its themes fits.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "z-" };
/// The class of a code block's `<pre>` when highlighted with classes; its theme's colours.
const CODE_CLASS: &str = "z-code";
/// The themes of the stylesheet written by default: light, and dark for readers who ask.
pub const LIGHT_THEME: &str = "InspiredGitHub";
pub const DARK_THEME: &str = "base16-ocean.dark";

/// TOML, which syntect's built-in syntaxes lack and plan sites show most.
const TOML_SYNTAX: &str = include_str!("toml.sublime-syntax");

/// syntect's built-in syntaxes, and TOML.
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(|| {
        let mut builder = SyntaxSet::load_defaults_newlines().into_builder();
        // A test reads it: it cannot fail at run time.
        let toml = SyntaxDefinition::load_from_str(TOML_SYNTAX, true, None)
            .expect("the TOML syntax is valid");
        builder.add(toml);
        builder.build()
    })
}

fn theme(name: &str) -> &'static Theme {
    static THEMES: OnceLock<ThemeSet> = OnceLock::new();
    let themes = THEMES.get_or_init(ThemeSet::load_defaults);
    // Names come from `config::HIGHLIGHT_THEMES` and the constants above, which a test checks
    // against the set.
    &themes.themes[name]
}

/// Whether a fence's language is one syntect knows (by name or file extension); code in an
/// unknown one is written as plain text, as Zola writes it.
pub fn knows_language(language: &str) -> bool {
    syntaxes().find_syntax_by_token(language).is_some()
}

/// What a fence's info string asks for, read as Zola reads it: words separated by commas,
/// the language the one without `=`; unknown annotations are left out.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fence<'a> {
    pub language: Option<&'a str>,
    line_numbers: bool,
    first_number: usize,
    marked: Vec<RangeInclusive<usize>>,
    hidden: Vec<RangeInclusive<usize>>,
    /// A file name shown with the code (`name=`), as `data-name`.
    name: Option<&'a str>,
    /// Whether the theme may offer to copy the code (`copy`), as `data-copy`.
    copy: bool,
}

impl<'a> Fence<'a> {
    pub fn parse(info: &'a str) -> Self {
        let mut fence = Self {
            first_number: 1,
            ..Self::default()
        };
        for word in info
            .split(',')
            .map(str::trim)
            .filter(|word| !word.is_empty())
        {
            let (key, value) = match word.split_once('=') {
                Some((key, value)) => (key.trim(), Some(value.trim())),
                None => (word, None),
            };
            match (key, value) {
                ("linenos", None) => fence.line_numbers = true,
                ("linenostart", Some(value)) => {
                    fence.first_number = value.parse().unwrap_or(1);
                }
                ("hl_lines", Some(value)) => fence.marked.extend(ranges(value)),
                ("hide_lines", Some(value)) => fence.hidden.extend(ranges(value)),
                ("name", Some(value)) => fence.name = Some(value),
                ("copy", None) => fence.copy = true,
                (language, None) => fence.language = Some(language),
                _ => {}
            }
        }
        fence
    }
}

/// `1 3-5` as line ranges; a part that is not a number or a range is left out.
fn ranges(written: &str) -> impl Iterator<Item = RangeInclusive<usize>> + '_ {
    written.split_whitespace().filter_map(|part| {
        let (from, to) = part.split_once('-').unwrap_or((part, part));
        let (from, to): (usize, usize) = (from.parse().ok()?, to.parse().ok()?);
        Some(from.min(to)..=from.max(to))
    })
}

/// The HTML of a code block: `<pre>` with the language (as Zola writes it), the lines
/// highlighted with classes or with the colours of a theme.
pub fn code_block(info: &str, code: &str, highlighting: Highlighting) -> String {
    let fence = Fence::parse(info);
    let syntaxes = syntaxes();
    let syntax = fence
        .language
        .and_then(|language| syntaxes.find_syntax_by_token(language))
        .unwrap_or_else(|| syntaxes.find_syntax_plain_text());
    let mut lines = match highlighting {
        Highlighting::Inline(name) => Lines::Inline(HighlightLines::new(syntax, theme(name))),
        Highlighting::Classes | Highlighting::Off => Lines::Classes {
            state: ParseState::new(syntax),
            stack: ScopeStack::new(),
        },
    };
    let mut html = opening(&fence, highlighting);
    for (index, line) in LinesWithEndings::from(code).enumerate() {
        let number = index + 1;
        let highlighted = lines.highlight(line, syntaxes);
        if fence.hidden.iter().any(|range| range.contains(&number)) {
            continue;
        }
        let marked = fence.marked.iter().any(|range| range.contains(&number));
        if marked {
            html.push_str(&mark_tag(highlighting));
        }
        if fence.line_numbers {
            let shown = fence.first_number.saturating_add(index);
            write!(html, "<span class=\"lineno\">{shown}</span>").expect("writing to a string");
        }
        html.push_str(&highlighted);
        if marked {
            html.push_str("</mark>");
        }
    }
    html.push_str("</code></pre>\n");
    html
}

/// How the lines of one block are highlighted, keeping the parser's state from line to line.
enum Lines<'t> {
    Classes {
        state: ParseState,
        stack: ScopeStack,
    },
    Inline(HighlightLines<'t>),
}

impl Lines<'_> {
    /// One line's HTML, with every span it opens closed; the line as text when syntect fails
    /// (a grammar that cannot match), so that a build never stops on code.
    fn highlight(&mut self, line: &str, syntaxes: &SyntaxSet) -> String {
        let highlighted = match self {
            Self::Classes { state, stack } => classed_line(line, state, stack, syntaxes),
            Self::Inline(lines) => lines
                .highlight_line(line, syntaxes)
                .map_err(|error| error.to_string())
                .and_then(|regions| {
                    syntect::html::styled_line_to_highlighted_html(&regions, IncludeBackground::No)
                        .map_err(|error| error.to_string())
                }),
        };
        highlighted.unwrap_or_else(|_| {
            let mut text = String::new();
            escape_html_body_text(&mut text, line).expect("writing to a string");
            text
        })
    }
}

/// A line marked with classes: the spans still open from earlier lines reopened, then
/// syntect's, then all closed.
fn classed_line(
    line: &str,
    state: &mut ParseState,
    stack: &mut ScopeStack,
    syntaxes: &SyntaxSet,
) -> Result<String, String> {
    let operations = state
        .parse_line(line, syntaxes)
        .map_err(|error| error.to_string())?;
    let mut html: String = stack
        .as_slice()
        .iter()
        .map(|scope| open_span(*scope))
        .collect();
    let (spans, _) =
        syntect::html::line_tokens_to_classed_spans(line, &operations, CLASS_STYLE, stack)
            .map_err(|error| error.to_string())?;
    html.push_str(&spans);
    html.push_str(&"</span>".repeat(stack.len()));
    Ok(html)
}

/// `<span class="z-source z-rust">` for the scope `source.rust`, as syntect writes it.
fn open_span(scope: Scope) -> String {
    let classes: Vec<String> = scope
        .build_string()
        .split('.')
        .map(|atom| ["z-", atom].concat())
        .collect();
    format!("<span class=\"{}\">", classes.join(" "))
}

/// `<pre ...><code ...>` with Zola's attributes: the language as a class and `data-lang`,
/// `data-linenos` when lines are numbered, the theme's colours or its class.
fn opening(fence: &Fence<'_>, highlighting: Highlighting) -> String {
    let mut html = String::from("<pre");
    if fence.line_numbers {
        html.push_str(" data-linenos");
    }
    if fence.copy {
        html.push_str(" data-copy");
    }
    let escape = |text: &str| {
        let mut escaped = String::new();
        escape_html(&mut escaped, text).expect("writing to a string");
        escaped
    };
    let language = fence.language.map(escape);
    let name = fence.name.map(escape);
    if let Some(language) = &language {
        write!(html, " data-lang=\"{language}\"").expect("writing to a string");
    }
    if let Some(name) = &name {
        write!(html, " data-name=\"{name}\"").expect("writing to a string");
    }
    let mut classes: Vec<String> = language
        .iter()
        .map(|language| format!("language-{language}"))
        .collect();
    match highlighting {
        Highlighting::Inline(name) => {
            let settings = &theme(name).settings;
            let background = settings.background.map(css_color).unwrap_or_default();
            let foreground = settings.foreground.map(css_color).unwrap_or_default();
            write!(
                html,
                " style=\"background-color:{background};color:{foreground};\""
            )
            .expect("writing to a string");
        }
        Highlighting::Classes | Highlighting::Off => classes.push(CODE_CLASS.to_string()),
    }
    if !classes.is_empty() {
        write!(html, " class=\"{}\"", classes.join(" ")).expect("writing to a string");
    }
    html.push_str("><code");
    if let Some(language) = &language {
        write!(
            html,
            " class=\"language-{language}\" data-lang=\"{language}\""
        )
        .expect("writing to a string");
    }
    if let Some(name) = &name {
        write!(html, " data-name=\"{name}\"").expect("writing to a string");
    }
    html.push('>');
    html
}

/// A marked line's `<mark>`, in the theme's colour for it when the colours are inline.
fn mark_tag(highlighting: Highlighting) -> String {
    let colour = match highlighting {
        Highlighting::Inline(name) => theme(name).settings.line_highlight,
        Highlighting::Classes | Highlighting::Off => None,
    };
    match colour {
        Some(colour) => format!("<mark style=\"background-color:{};\">", css_color(colour)),
        None => "<mark>".to_string(),
    }
}

fn css_color(color: Color) -> String {
    let Color { r, g, b, a } = color;
    if a == 0xff {
        format!("#{r:02x}{g:02x}{b:02x}")
    } else {
        format!("#{r:02x}{g:02x}{b:02x}{a:02x}")
    }
}

/// The CSS of a theme for code highlighted with classes (Zola's `highlight_themes_css`).
pub fn theme_css(name: &str) -> String {
    // syntect fails only on a write to a string.
    syntect::html::css_for_theme_with_class_style(theme(name), CLASS_STYLE).unwrap_or_default()
}

/// The stylesheet written when code is highlighted with classes: a light theme, a dark one
/// for readers whose system asks for dark, and line numbers and marked lines.
pub fn default_stylesheet() -> String {
    format!(
        "/* Code highlighted by workplan: {LIGHT_THEME}, and {DARK_THEME} in dark mode. */\n\
         pre.{CODE_CLASS} mark {{ color: inherit; }}\n\
         pre.{CODE_CLASS} .lineno {{ display: inline-block; min-width: 2.5ch; margin-right: 1.5ch; \
         text-align: right; opacity: 0.6; user-select: none; }}\n\
         {}\
         @media (prefers-color-scheme: dark) {{\n{}}}\n",
        theme_rules(LIGHT_THEME),
        theme_rules(DARK_THEME),
    )
}

/// A theme's classes, and its colours on `pre.z-code` (as specific as a site's own rules for
/// `pre`, which this stylesheet follows) and on marked lines.
fn theme_rules(name: &str) -> String {
    let settings = &theme(name).settings;
    let mut rules = theme_css(name);
    if let (Some(background), Some(foreground)) = (settings.background, settings.foreground) {
        let (background, foreground) = (css_color(background), css_color(foreground));
        writeln!(
            rules,
            "pre.{CODE_CLASS} {{ background-color: {background}; color: {foreground}; }}"
        )
        .expect("writing to a string");
    }
    if let Some(colour) = settings.line_highlight {
        let colour = css_color(colour);
        writeln!(
            rules,
            "pre.{CODE_CLASS} mark {{ background-color: {colour}; }}"
        )
        .expect("writing to a string");
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_names_config_accepts_are_the_built_in_ones() {
        let themes = ThemeSet::load_defaults();
        for (_, name) in crate::config::HIGHLIGHT_THEMES {
            assert!(themes.themes.contains_key(name), "{name}");
        }
        assert!(themes.themes.contains_key(LIGHT_THEME));
        assert!(themes.themes.contains_key(DARK_THEME));
    }

    #[test]
    fn a_fence_is_read_as_zola_reads_it() {
        let fence = Fence::parse("rust,linenos, hl_lines=1 3-2 x,linenostart=5,name=a.rs,copy");
        assert_eq!(fence.language, Some("rust"));
        assert!(fence.line_numbers);
        assert_eq!(fence.first_number, 5);
        assert_eq!(fence.marked, [1..=1, 2..=3]);
        assert_eq!(fence.name, Some("a.rs"));
        assert!(fence.copy);
        assert_eq!(Fence::parse("").language, None);
    }

    #[test]
    fn lines_close_what_they_open() {
        // A string across lines: each line's spans are balanced, so that a mark can wrap one.
        let html = code_block(
            "rust,hl_lines=2",
            "let s = \"a\nb\";\n",
            Highlighting::Classes,
        );
        let marked = html.split("<mark>").nth(1).unwrap();
        let marked = &marked[..marked.find("</mark>").unwrap()];
        assert_eq!(
            marked.matches("<span").count(),
            marked.matches("</span>").count(),
            "{html}"
        );
        assert!(marked.contains("z-string"), "{html}");
    }

    #[test]
    fn unknown_languages_are_plain_text_and_escaped() {
        let html = code_block("no-such-language", "<a> & b\n", Highlighting::Classes);
        assert!(
            html.starts_with("<pre data-lang=\"no-such-language\""),
            "{html}"
        );
        assert!(html.contains("&lt;a&gt; &amp; b"), "{html}");
        assert!(!knows_language("no-such-language"));
        assert!(knows_language("rust") && knows_language("rs") && knows_language("yaml"));
    }

    #[test]
    fn toml_is_highlighted() {
        let html = code_block(
            "toml",
            "# A site\n[markdown]\nhighlight_code = true # on\ntitle = \"Plan\"\nweights = [1, 2.5]\n\
             as_of = 2024-06-30\nnote = \"\"\"\nTwo \\\" lines\n\"\"\"\n",
            Highlighting::Classes,
        );
        for expected in [
            "<span class=\"z-comment z-line z-number-sign z-toml\"># A site\n</span>",
            "<span class=\"z-entity z-name z-section z-table z-toml\">markdown</span>",
            "<span class=\"z-entity z-name z-tag z-toml\">highlight_code</span>",
            "<span class=\"z-constant z-language z-boolean z-toml\">true</span>",
            "<span class=\"z-constant z-numeric z-toml\">2.5</span>",
            "<span class=\"z-constant z-other z-datetime z-toml\">2024-06-30</span>",
            "<span class=\"z-constant z-character z-escape z-toml\">\\&quot;</span>",
        ] {
            assert!(html.contains(expected), "{expected} in {html}");
        }
        // The multi-line string is one string across its lines.
        assert!(
            html.contains("<span class=\"z-string z-quoted z-triple z-double z-toml\">Two "),
            "{html}"
        );
    }

    #[test]
    fn hidden_lines_are_left_out_and_numbers_count_them() {
        let html = code_block(
            "txt,linenos,hide_lines=2",
            "a\nb\nc\n",
            Highlighting::Classes,
        );
        assert!(html.contains("<span class=\"lineno\">3</span>"), "{html}");
        assert!(!html.contains(">b"), "{html}");
        // A first number near the largest stays there, rather than overflowing.
        let huge = format!("txt,linenos,linenostart={}", usize::MAX);
        let html = code_block(&huge, "a\nb\n", Highlighting::Classes);
        assert_eq!(html.matches(&usize::MAX.to_string()).count(), 2, "{html}");
    }
}

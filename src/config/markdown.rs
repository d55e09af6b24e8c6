//! Zola's `[markdown]` table of `site.toml` in, the settings Markdown is rendered with and
//! the stylesheets of highlighted code to write out: theme names checked against the
//! built-in ones, file names kept inside the output, Zola 0.22's table refused.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::slug;

/// Zola's `[markdown]` table as written, the parts workplan takes (see `toml_error` for the
/// others).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(clippy::struct_excessive_bools)]
pub(super) struct MarkdownToml {
    smart_punctuation: bool,
    external_links_target_blank: bool,
    external_links_no_follow: bool,
    external_links_no_referrer: bool,
    lazy_async_image: bool,
    bottom_footnotes: bool,
    highlight_code: bool,
    highlight_theme: Option<Spanned<String>>,
    highlight_themes_css: Vec<Spanned<ThemeCssToml>>,
    /// Zola 0.22's table, refused with the keys to write instead.
    highlighting: Option<Spanned<toml::Value>>,
}

/// An entry of `highlight_themes_css`: a theme's CSS, written to a file of the output.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeCssToml {
    theme: Spanned<String>,
    filename: Spanned<String>,
}

/// How Markdown is rendered: Zola's `[markdown]`, resolved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[allow(clippy::struct_excessive_bools)]
pub struct Markdown {
    /// Straight quotes, `--`, `---` and `...` become typographic ones.
    pub smart_punctuation: bool,
    /// Links to other sites open in a new tab (with `rel="noopener"`).
    pub external_links_target_blank: bool,
    pub external_links_no_follow: bool,
    pub external_links_no_referrer: bool,
    /// Images load lazily and decode off the main thread.
    pub lazy_async_image: bool,
    /// Footnotes are gathered at the end of the text, with links back (Zola's
    /// `bottom_footnotes`); else each is written where it is defined.
    pub bottom_footnotes: bool,
    /// Whether and how code blocks are highlighted.
    pub highlighting: Highlighting,
}

/// How code blocks are highlighted (`highlight_code`, `highlight_theme`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Highlighting {
    /// Code is written as it is.
    #[default]
    Off,
    /// Marked with classes (`highlight_theme = "css"`, workplan's default), coloured by a
    /// stylesheet.
    Classes,
    /// Coloured in `style` attributes with the built-in theme of this name (syntect's).
    Inline(&'static str),
}

/// The built-in themes a site may name, as Zola names them or as syntect does, each with
/// syntect's name. Zola's other themes are not shipped with workplan.
pub const HIGHLIGHT_THEMES: [(&str, &str); 12] = [
    ("base16-ocean-dark", "base16-ocean.dark"),
    ("base16-ocean-light", "base16-ocean.light"),
    ("inspired-github", "InspiredGitHub"),
    ("solarized-dark", "Solarized (dark)"),
    ("solarized-light", "Solarized (light)"),
    ("base16-ocean.dark", "base16-ocean.dark"),
    ("base16-ocean.light", "base16-ocean.light"),
    ("base16-eighties.dark", "base16-eighties.dark"),
    ("base16-mocha.dark", "base16-mocha.dark"),
    ("InspiredGitHub", "InspiredGitHub"),
    ("Solarized (dark)", "Solarized (dark)"),
    ("Solarized (light)", "Solarized (light)"),
];

/// A stylesheet for highlighted code that the build writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeStylesheet {
    /// Its address in the site, e.g. `/syntax.css`.
    pub path: String,
    /// The built-in theme it holds (syntect's name); `None` for workplan's light and dark.
    pub theme: Option<&'static str>,
}

/// Where the default code stylesheet is written, and the default theme links it.
const CODE_STYLESHEET: &str = "/syntax.css";

impl MarkdownToml {
    /// The settings checked: theme names known, file names inside the output.
    pub(super) fn resolve(
        &self,
        shown_path: &Path,
        text: &str,
    ) -> Result<(Markdown, Vec<CodeStylesheet>), Diagnostics> {
        if let Some(table) = &self.highlighting {
            let hint = "Zola 0.22's `[markdown.highlighting]` and its giallo themes are not supported: \
                        write `highlight_code = true` in `[markdown]`, with `highlight_theme` \
                        (`\"css\"` or a built-in theme) and `highlight_themes_css` as Zola 0.21 did";
            return Err(Diagnostic::at(
                shown_path,
                text,
                table.span(),
                "`[markdown.highlighting]` is not supported",
            )
            .with_hint(hint)
            .into());
        }
        let theme_of = |written: &Spanned<String>| {
            theme_named(written.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = HIGHLIGHT_THEMES.iter().map(|(name, _)| *name).collect();
                let hint =
                    match crate::diagnostic::did_you_mean(written.get_ref(), names.iter().copied())
                    {
                        Some(meant) => format!("did you mean `{meant}`?"),
                        None => format!(
                            "write `\"css\"` for classes, or one of the built-in themes: {}",
                            names
                                .iter()
                                .map(|name| format!("`{name}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                let message = format!("unknown highlighting theme `{}`", written.get_ref());
                Diagnostics::from(
                    Diagnostic::at(shown_path, text, written.span(), message).with_hint(hint),
                )
            })
        };
        // Checked even with highlighting off: no key is ignored.
        let inline = match &self.highlight_theme {
            Some(written) if written.get_ref() != "css" => Some(theme_of(written)?),
            _ => None,
        };
        let highlighting = match (self.highlight_code, inline) {
            (false, _) => Highlighting::Off,
            (true, Some(theme)) => Highlighting::Inline(theme),
            (true, None) => Highlighting::Classes,
        };
        let mut stylesheets = Vec::new();
        for entry in &self.highlight_themes_css {
            let ThemeCssToml { theme, filename } = entry.get_ref();
            let path = output_file(filename.get_ref()).ok_or_else(|| {
                let message = format!("`{}` cannot name a file of the site", filename.get_ref());
                Diagnostics::from(
                    Diagnostic::at(shown_path, text, filename.span(), message)
                        .with_hint("name a file below the output folder, like `syntax-dark.css`"),
                )
            })?;
            stylesheets.push(CodeStylesheet {
                path,
                theme: Some(theme_of(theme)?),
            });
        }
        if highlighting == Highlighting::Classes
            && !stylesheets
                .iter()
                .any(|sheet| sheet.path == CODE_STYLESHEET)
        {
            stylesheets.push(CodeStylesheet {
                path: CODE_STYLESHEET.to_string(),
                theme: None,
            });
        }
        let markdown = Markdown {
            smart_punctuation: self.smart_punctuation,
            external_links_target_blank: self.external_links_target_blank,
            external_links_no_follow: self.external_links_no_follow,
            external_links_no_referrer: self.external_links_no_referrer,
            lazy_async_image: self.lazy_async_image,
            bottom_footnotes: self.bottom_footnotes,
            highlighting,
        };
        Ok((markdown, stylesheets))
    }
}

/// The site path of a file of the output named in `site.toml` (`syntax.css`, `css/code.css`),
/// or `None` when it would leave the output folder.
fn output_file(written: &str) -> Option<String> {
    let parts: Vec<&str> = written.trim_start_matches('/').split('/').collect();
    parts
        .iter()
        .all(|part| !part.is_empty() && !slug::unsafe_part(part))
        .then(|| format!("/{}", parts.join("/")))
}

/// syntect's name of the built-in theme `written` names.
fn theme_named(written: &str) -> Option<&'static str> {
    HIGHLIGHT_THEMES
        .iter()
        .find(|(name, _)| *name == written)
        .map(|(_, theme)| *theme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stylesheet_stays_inside_the_output() {
        assert_eq!(output_file("syntax.css").as_deref(), Some("/syntax.css"));
        assert_eq!(
            output_file("/css/dark.css").as_deref(),
            Some("/css/dark.css")
        );
        for outside in ["../x.css", "css/../../x.css", "C:/x.css", "a//b.css", ""] {
            assert_eq!(output_file(outside), None, "{outside}");
        }
    }

    #[test]
    fn zolas_theme_names_and_syntects_name_the_same_themes() {
        assert_eq!(theme_named("base16-ocean-dark"), Some("base16-ocean.dark"));
        assert_eq!(theme_named("base16-ocean.dark"), Some("base16-ocean.dark"));
        assert_eq!(theme_named("solarized-light"), Some("Solarized (light)"));
        assert_eq!(theme_named("dracula"), None);
    }
}

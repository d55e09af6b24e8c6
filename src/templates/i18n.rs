//! The theme's `i18n/<code>.toml` files and the site's `[translations]` in, the interface
//! strings that `trans(key=..., lang=...)` prints out.
//!
//! A language's table is found by its code: the file of that exact code first (letter case
//! aside), then the file of its primary subtag alone (`zh-CN` finds `zh.toml`), then the first
//! file, by name, with the same primary subtag (`zh-CN` finds `zh-Hans.toml`). The site's
//! `[translations]` (Zola's table for the default language) win over the theme's for the
//! default language. A language with no singular (Chinese) may leave out the `_one` key of a
//! plural: its `_other` serves.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;

use super::HINT_MARK;
use crate::config::{self, Config};
use crate::diagnostic::Diagnostics;

/// The folder of a theme that holds its translation tables.
pub const I18N_DIR: &str = "i18n";

/// How the message of a missing key begins.
/// Every language's interface strings, loaded with the templates.
#[derive(Debug, Default)]
pub struct Translations {
    default_language: String,
    /// The site's own strings by language: `[translations]` for the default language,
    /// `[languages.<code>.translations]` for the others.
    site: BTreeMap<String, BTreeMap<String, String>>,
    /// The theme's tables by language code, sorted by code.
    theme: BTreeMap<String, Table>,
    /// `themes/<theme>/i18n`, as messages show it.
    theme_dir: Option<PathBuf>,
}

#[derive(Debug)]
struct Table {
    /// The file, as messages show it.
    path: PathBuf,
    strings: BTreeMap<String, String>,
}

impl Translations {
    /// Reads `themes/<theme>/i18n/*.toml` (flat `key = "text"` tables) and takes the site's
    /// `[translations]`.
    pub fn load(config: &Config) -> anyhow::Result<Self> {
        let mut translations = Self {
            default_language: config.default_language.clone(),
            site: config
                .languages
                .iter()
                .map(|language| (language.code.clone(), language.translations.clone()))
                .collect(),
            ..Self::default()
        };
        let Some(theme_dir) = &config.theme_dir else {
            return Ok(translations);
        };
        let dir = theme_dir.join(I18N_DIR);
        let shown_dir = dir.strip_prefix(&config.root).unwrap_or(&dir);
        translations.theme_dir = Some(shown_dir.to_path_buf());
        if !dir.is_dir() {
            return Ok(translations);
        }
        for entry in walkdir::WalkDir::new(&dir).max_depth(1).sort_by_file_name() {
            let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
            let path = entry.path();
            let (Some(code), Some("toml")) = (
                path.file_stem().and_then(|stem| stem.to_str()),
                path.extension().and_then(|ext| ext.to_str()),
            ) else {
                continue;
            };
            if !entry.file_type().is_file() || crate::content::is_ignored(code) {
                continue;
            }
            let shown = path
                .strip_prefix(&config.root)
                .unwrap_or(path)
                .to_path_buf();
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let text = crate::diagnostic::utf8(&shown, bytes).map_err(Diagnostics::from)?;
            let strings = toml::from_str(&text).map_err(|error| {
                Diagnostics::from(crate::toml_error::diagnostic(&shown, &text, 0, &error))
            })?;
            translations.theme.insert(
                code.to_string(),
                Table {
                    path: shown,
                    strings,
                },
            );
        }
        Ok(translations)
    }

    /// The language `trans` uses when not told.
    pub fn default_language(&self) -> &str {
        &self.default_language
    }

    /// The text of `key` in `lang`, or a message saying where to add it. In a language
    /// without a singular (Chinese, Japanese...), a missing `x_one` is `x_other`.
    pub fn get(&self, key: &str, lang: &str) -> Result<&str, String> {
        if let Some(text) = self.find(key, lang) {
            return Ok(text);
        }
        if let Some(stem) = key.strip_suffix("_one")
            && has_no_singular(lang)
            && let Some(text) = self.find(&format!("{stem}_other"), lang)
        {
            return Ok(text);
        }
        let table = self.table(lang);
        let place = match (table, &self.theme_dir) {
            (Some(table), _) => format!("add `{key} = \"...\"` to {}", table.path.display()),
            (None, Some(dir)) => format!(
                "add {} with `{key} = \"...\"`",
                dir.join(format!("{lang}.toml")).display()
            ),
            (None, None) => format!("add `{key} = \"...\"` under `[translations]`"),
        };
        let site = if lang == self.default_language {
            format!(", or under `[translations]` in {}", config::FILE_NAME)
        } else if self.site.contains_key(lang) {
            format!(
                ", or under `[languages.{lang}.translations]` in {}",
                config::FILE_NAME
            )
        } else {
            String::new()
        };
        Err(format!(
            "no translation of `{key}` for language `{lang}`{HINT_MARK}{place}{site}"
        ))
    }

    /// The text of `key` in `lang`: the site's for the default language, else the theme's.
    fn find(&self, key: &str, lang: &str) -> Option<&str> {
        if let Some(text) = self.site.get(lang).and_then(|strings| strings.get(key)) {
            return Some(text);
        }
        self.table(lang)
            .and_then(|table| table.strings.get(key))
            .map(String::as_str)
    }

    /// The theme's table for `lang`: the exact code, the primary subtag alone, or the first
    /// code with the same primary subtag.
    fn table(&self, lang: &str) -> Option<&Table> {
        // Called for every `trans` of every page: no allocation.
        let wanted = primary_subtag(lang);
        let find = |matches: &dyn Fn(&str) -> bool| {
            self.theme
                .iter()
                .find(|(code, _)| matches(code))
                .map(|(_, table)| table)
        };
        find(&|code| code.eq_ignore_ascii_case(lang))
            .or_else(|| find(&|code| code.eq_ignore_ascii_case(wanted)))
            .or_else(|| find(&|code| primary_subtag(code).eq_ignore_ascii_case(wanted)))
    }
}

/// Whether `lang` says "1 book" as it says "2 books" (CLDR's plural rules give it the
/// category `other` alone), so that a `_one` key may be left out of its table.
fn has_no_singular(lang: &str) -> bool {
    const OTHER_ONLY: [&str; 12] = [
        "id", "ja", "jv", "km", "ko", "lo", "ms", "my", "th", "vi", "yue", "zh",
    ];
    let language = primary_subtag(lang);
    OTHER_ONLY
        .iter()
        .any(|code| code.eq_ignore_ascii_case(language))
}

/// `zh` of `zh-CN`, `zh_Hans` or `zh`.
pub(super) fn primary_subtag(code: &str) -> &str {
    code.split(['-', '_']).next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn translations(codes: &[&str], site: &[(&str, &str)]) -> Translations {
        let theme = codes
            .iter()
            .map(|code| {
                let strings = [("home".to_string(), format!("home in {code}"))].into();
                let path = Path::new("themes/t/i18n").join(format!("{code}.toml"));
                (code.to_string(), Table { path, strings })
            })
            .collect();
        Translations {
            default_language: "en".to_string(),
            site: [(
                "en".to_string(),
                site.iter()
                    .map(|(key, text)| (key.to_string(), text.to_string()))
                    .collect(),
            )]
            .into(),
            theme,
            theme_dir: Some(PathBuf::from("themes/t/i18n")),
        }
    }

    #[test]
    fn a_code_finds_its_own_table_then_its_primary_subtag() {
        let all = translations(&["en", "zh-Hans", "zh-Hant", "zh"], &[]);
        assert_eq!(all.get("home", "zh-Hant"), Ok("home in zh-Hant"));
        assert_eq!(all.get("home", "ZH-hans"), Ok("home in zh-Hans"));
        assert_eq!(all.get("home", "zh-CN"), Ok("home in zh"));
        assert_eq!(all.get("home", "en-GB"), Ok("home in en"));
        let no_bare = translations(&["en", "zh-Hans", "zh-Hant"], &[]);
        assert_eq!(no_bare.get("home", "zh-CN"), Ok("home in zh-Hans"));
        assert_eq!(no_bare.get("home", "zh"), Ok("home in zh-Hans"));
    }

    #[test]
    fn the_sites_translations_win_for_the_default_language_only() {
        let all = translations(&["en", "zh"], &[("home", "Start")]);
        assert_eq!(all.get("home", "en"), Ok("Start"));
        assert_eq!(all.get("home", "zh"), Ok("home in zh"));
    }

    #[test]
    fn a_language_without_a_singular_takes_the_plural_for_one() {
        let mut all = translations(&["en", "zh-Hans"], &[]);
        for table in all.theme.values_mut() {
            table
                .strings
                .insert("tasks_other".to_string(), "{n} tasks".to_string());
        }
        assert_eq!(all.get("tasks_one", "zh-Hans"), Ok("{n} tasks"));
        assert_eq!(all.get("tasks_one", "zh-TW"), Ok("{n} tasks"));
        // English has a singular: its absence is a mistake to report.
        let missing = all.get("tasks_one", "en").unwrap_err();
        assert!(missing.contains("`tasks_one`"), "{missing}");
        assert!(all.get("home_one", "zh-Hans").is_err());
    }

    #[test]
    fn a_missing_key_names_the_language_and_the_file_to_add_it_to() {
        let all = translations(&["en", "zh-Hans"], &[]);
        let missing = all.get("footer", "zh-CN").unwrap_err();
        assert!(
            missing.contains("`footer`") && missing.contains("`zh-CN`"),
            "{missing}"
        );
        assert!(missing.contains("zh-Hans.toml"), "{missing}");
        let no_table = all.get("home", "fr").unwrap_err();
        assert!(no_table.contains("`fr`"), "{no_table}");
        assert!(no_table.contains("fr.toml"), "{no_table}");
    }
}

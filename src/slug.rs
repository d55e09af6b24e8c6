//! Text in, a URL- and id-safe slug out, by the strategy `site.toml`'s `[slugify]` chose.
//!
//! The default keeps letters and digits of every script (so `教育数字化` stays readable),
//! lowercased; every other run of characters becomes a single `-`. Zola's strategies are there
//! too: `on` (ASCII, transliterated), `safe` (as written, less what file systems refuse) and
//! `off` (as written). Used for page paths, taxonomy terms and heading ids.

use serde::Deserialize;

/// How one kind of slug is made: Zola's `[slugify]` values, and workplan's readable default
/// where `site.toml` names none (Zola's default is `on`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// Letters and digits of every script, lowercased; other runs become `-`.
    #[default]
    #[serde(skip)]
    Readable,
    /// ASCII only: transliterated (`日本` is `ri-ben`), lowercased, other runs become `-`.
    On,
    /// As written, less the characters Windows or Unix refuse in a file name (`<>:"/\|?*`);
    /// for a path, also less trailing spaces and dots. Heading ids get `_` for whitespace.
    Safe,
    /// As written; heading ids get `_` for whitespace.
    Off,
}

/// The slug of a file name, folder name, written `slug` or taxonomy term.
pub fn path_slug(text: &str, strategy: Strategy) -> String {
    match strategy {
        Strategy::Readable => slugify(text),
        Strategy::On => ascii_slug(text),
        Strategy::Safe => text
            .trim_end_matches([' ', '.'])
            .chars()
            .filter(|c| !matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*'))
            .collect(),
        Strategy::Off => text.to_string(),
    }
}

/// The id of a heading titled `text` (before it is made unique in its document).
pub fn anchor_slug(text: &str, strategy: Strategy) -> String {
    match strategy {
        Strategy::Readable => slugify(text),
        Strategy::On => ascii_slug(text),
        // An id holds no whitespace; nothing else in it can name a file.
        Strategy::Safe | Strategy::Off => text.replace(|c: char| c.is_ascii_whitespace(), "_"),
    }
}

/// Whether `slug` can be one folder of the output: not empty, no `/`, no [`unsafe_part`].
pub fn names_a_folder(slug: &str) -> bool {
    !slug.is_empty() && !slug.contains('/') && !unsafe_part(slug)
}

/// The hint for a slug that [`names_a_folder`] refuses.
pub const FOLDER_HINT: &str = "a slug names one folder of the site: it must not be empty, `.` \
     or `..`, nor hold `/`, `\\`, `:` or control characters; `[slugify]` strategy `off` keeps \
     names as written, `safe` removes what file systems refuse";

/// Whether a part of an output path could name a file outside the output folder, or one that
/// Windows cannot make: `.`, `..`, a `\` (Windows' separator), a `:` (`C:`, alternate data
/// streams), control characters.
pub fn unsafe_part(part: &str) -> bool {
    part == "." || part == ".." || part.contains(['\\', ':']) || part.contains(char::is_control)
}

/// Whether `text` is made of ASCII lower-case letters, digits and single inner dashes: the
/// slug of itself by both the readable and the ASCII strategy.
fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The slug of `text`; empty when `text` has no letter or digit. Latin text gets Zola's
/// default slug (its `on` strategy: `get_page` is `get-page`, `Café` is `cafe`); letters and
/// digits of other scripts stay as written, lowercased.
pub fn slugify(text: &str) -> String {
    if is_slug(text) {
        return text.to_string();
    }
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    let mut push = |c: char, slug: &mut String| {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() || !is_latin(c) {
            push(c, &mut slug);
        } else {
            deunicode::deunicode_char(c)
                .unwrap_or("-")
                .chars()
                .for_each(|c| push(c, &mut slug));
        }
    }
    slug
}

/// Whether `c` is a letter of the Latin script beyond ASCII (`é`, `ß`, `ł`), which Zola's slugs
/// write in ASCII.
fn is_latin(c: char) -> bool {
    matches!(c, '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}') && c.is_alphabetic()
}

/// Zola's `on` slug (its `slug` crate): each character transliterated to ASCII by
/// `deunicode`, letters lower-cased, every other run of characters one `-`.
fn ascii_slug(text: &str) -> String {
    if is_slug(text) {
        return text.to_string();
    }
    let mut slug = String::with_capacity(text.len());
    // True at the start, so that the slug does not start with `-`.
    let mut after_dash = true;
    let mut push = |byte: u8| {
        if byte.is_ascii_alphanumeric() {
            slug.push(char::from(byte.to_ascii_lowercase()));
            after_dash = false;
        } else if !after_dash {
            slug.push('-');
            after_dash = true;
        }
    };
    for c in text.chars() {
        match u8::try_from(c) {
            Ok(byte) if byte.is_ascii() => push(byte),
            _ => deunicode::deunicode_char(c)
                .unwrap_or("-")
                .bytes()
                .for_each(&mut push),
        }
    }
    if slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::{Strategy, anchor_slug, path_slug, slugify, unsafe_part};

    #[test]
    fn ascii_words_join_with_dashes() {
        assert_eq!(slugify("Basic Education: 2024!"), "basic-education-2024");
        assert_eq!(slugify("  --Already-slugged--  "), "already-slugged");
        assert_eq!(slugify("snake_case name"), "snake-case-name");
    }

    #[test]
    fn other_scripts_stay_readable() {
        assert_eq!(slugify("教育数字化 转型"), "教育数字化-转型");
        assert_eq!(slugify("Образование 2024"), "образование-2024");
        assert_eq!(slugify("Éducation Numérique"), "education-numerique");
    }

    #[test]
    fn the_shortcut_for_slugs_agrees_with_the_long_way() {
        for text in [
            "basic-education",
            "a-_b",
            "_x",
            "x-",
            "a--b",
            "page-12",
            "-lead",
        ] {
            let long_way: String = slugify(&format!("{text}!"))
                .trim_end_matches('-')
                .to_string();
            assert_eq!(slugify(text), long_way, "{text}");
        }
    }

    #[test]
    fn nothing_alphanumeric_gives_empty() {
        assert_eq!(slugify("!!! ---"), "");
    }

    /// Zola's own cases (`components/utils/src/slugs.rs`): input, then `on`, `safe`, `off`.
    #[test]
    fn paths_as_zola_slugifies_them() {
        let cases = [
            ("input", ["input", "input", "input"]),
            ("test ", ["test", "test", "test "]),
            ("tes t", ["tes-t", "tes t", "tes t"]),
            ("dot. ", ["dot", "dot", "dot. "]),
            ("日本", ["ri-ben", "日本", "日本"]),
            ("héhé", ["hehe", "héhé", "héhé"]),
            ("test (hey)", ["test-hey", "test (hey)", "test (hey)"]),
        ];
        for (input, [on, safe, off]) in cases {
            assert_eq!(path_slug(input, Strategy::On), on, "{input}");
            assert_eq!(path_slug(input, Strategy::Safe), safe, "{input}");
            assert_eq!(path_slug(input, Strategy::Off), off, "{input}");
        }
    }

    #[test]
    fn anchors_as_zola_slugifies_them() {
        let cases = [
            ("input", ["input", "input", "input"]),
            ("test ", ["test", "test_", "test_"]),
            ("tes t", ["tes-t", "tes_t", "tes_t"]),
            ("dot. ", ["dot", "dot._", "dot._"]),
            ("日本", ["ri-ben", "日本", "日本"]),
            ("héhé", ["hehe", "héhé", "héhé"]),
            ("test (hey)", ["test-hey", "test_(hey)", "test_(hey)"]),
        ];
        for (input, [on, safe, off]) in cases {
            assert_eq!(anchor_slug(input, Strategy::On), on, "{input}");
            assert_eq!(anchor_slug(input, Strategy::Safe), safe, "{input}");
            assert_eq!(anchor_slug(input, Strategy::Off), off, "{input}");
        }
    }

    #[test]
    fn on_is_ascii_and_joins_every_other_run_with_one_dash() {
        assert_eq!(path_slug("教育数字化", Strategy::On), "jiao-yu-shu-zi-hua");
        assert_eq!(
            path_slug("snake_case Name", Strategy::On),
            "snake-case-name"
        );
        assert_eq!(path_slug("--Hello & World--", Strategy::On), "hello-world");
        assert_eq!(
            path_slug("2016-10-08_a-post", Strategy::On),
            "2016-10-08-a-post"
        );
        assert_eq!(path_slug("!!!", Strategy::On), "");
    }

    #[test]
    fn safe_removes_what_file_systems_refuse_and_keeps_case() {
        assert_eq!(
            path_slug(r#"A<b>:c"d/e\f|g?h*"#, Strategy::Safe),
            "Abcdefgh"
        );
        assert_eq!(path_slug("..", Strategy::Safe), "");
        assert_eq!(path_slug("教育 数字化", Strategy::Safe), "教育 数字化");
    }

    #[test]
    fn the_readable_default_is_the_slugify_of_old() {
        for text in [
            "教育数字化 转型",
            "Basic Education: 2024!",
            "snake_case name",
        ] {
            assert_eq!(path_slug(text, Strategy::Readable), slugify(text));
            assert_eq!(anchor_slug(text, Strategy::Readable), slugify(text));
        }
    }

    /// A link written for Zola (`#get-page`, `/blog/cafe-creme/`) finds the same heading and
    /// page here: Latin text gets Zola's default slug; Chinese stays readable.
    #[test]
    fn latin_text_gets_zolas_default_slug() {
        for text in [
            "get_page",
            "Café crème",
            "Straße & Łódź",
            "2016-10-08_a-post",
            "Überblick: the `get_url()` function",
        ] {
            assert_eq!(slugify(text), path_slug(text, Strategy::On), "{text}");
        }
        assert_eq!(slugify("教育数字化 get_page"), "教育数字化-get-page");
    }

    #[test]
    fn parts_that_leave_the_output_folder_are_unsafe() {
        for part in [".", "..", r"a\b", "c:", "a\u{1}b"] {
            assert!(unsafe_part(part), "{part:?}");
        }
        for part in ["a..b", ".well-known", "教育", "test (hey)"] {
            assert!(!unsafe_part(part), "{part:?}");
        }
    }
}

//! Text in, a URL- and id-safe slug out, readable in any script.
//!
//! Letters and digits of every script are kept (so `教育数字化` stays readable), lowercased;
//! every other run of characters becomes a single `-`. Used for page paths and heading ids.

/// The slug of `text`; empty when `text` has no letter or digit.
pub fn slugify(text: &str) -> String {
    let already_a_slug = !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if already_a_slug {
        return text.to_string();
    }
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            if c.is_ascii() {
                slug.push(c.to_ascii_lowercase());
            } else {
                slug.extend(c.to_lowercase());
            }
        } else if c == '_' && !slug.is_empty() {
            // Keep underscores: Zola keeps them in file-derived slugs.
            slug.push('_');
            pending_dash = false;
        } else {
            pending_dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn ascii_words_join_with_dashes() {
        assert_eq!(slugify("Basic Education: 2024!"), "basic-education-2024");
        assert_eq!(slugify("  --Already-slugged--  "), "already-slugged");
        assert_eq!(slugify("snake_case name"), "snake_case-name");
    }

    #[test]
    fn other_scripts_stay_readable() {
        assert_eq!(slugify("教育数字化 转型"), "教育数字化-转型");
        assert_eq!(slugify("Éducation Numérique"), "éducation-numérique");
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
}

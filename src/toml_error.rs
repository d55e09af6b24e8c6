//! A `toml` parse error in, a located [`Diagnostic`] with a hint out.
//!
//! Used for `site.toml` and for front matter, whose TOML starts `offset` bytes into its file.

use std::path::Path;

use crate::content::front_matter::Status;
use crate::diagnostic::{Diagnostic, did_you_mean};

/// Turns `error`, raised while parsing the TOML that starts at byte `offset` of `source`, into
/// a diagnostic pointing at the offending key or value.
pub fn diagnostic(path: &Path, source: &str, offset: usize, error: &toml::de::Error) -> Diagnostic {
    let span = error.span().map_or(offset..offset, |span| {
        offset + span.start..offset + span.end
    });
    let message = error.message().trim_end_matches('\n');
    if let Some((at, found, meant)) = look_alike(source, span.start) {
        let hint = format!(
            "write `{meant}` instead of `{found}`: TOML reads straight quotes and plain \
             punctuation, not the curly and full-width forms an input method types"
        );
        return Diagnostic::at(path, source, at..at + found.len_utf8(), message).with_hint(hint);
    }
    located(path, source, span, error)
}

/// Turns `error` into a diagnostic at `span` of `source`: for TOML that was made from another
/// format (YAML front matter), whose writer knows where the error's key or value came from.
pub fn located(
    path: &Path,
    source: &str,
    span: std::ops::Range<usize>,
    error: &toml::de::Error,
) -> Diagnostic {
    let message = error.message().trim_end_matches('\n');
    let spanned = source.get(span.clone()).unwrap_or_default();
    let (message, hint) = explain(message, spanned);
    Diagnostic::at(path, source, span, message).with_hint_opt(hint)
}

/// Punctuation that a Chinese input method types in place of TOML's, with what TOML needs.
const LOOK_ALIKES: [(char, char); 9] = [
    ('“', '"'),
    ('”', '"'),
    ('‘', '\''),
    ('’', '\''),
    ('＝', '='),
    ('，', ','),
    ('［', '['),
    ('］', ']'),
    ('＃', '#'),
];

/// The first look-alike of TOML punctuation on the line of byte `at` (where the parser
/// stopped) outside straight-quoted strings, by its byte offset, with the character TOML needs
/// in its place. Curly quotes inside a string are text: a hint to straighten them would break
/// the string.
fn look_alike(source: &str, at: usize) -> Option<(usize, char, char)> {
    let at = (0..=at.min(source.len()))
        .rev()
        .find(|&i| source.is_char_boundary(i))?;
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in source[line_start..line_end].char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'') => quote = Some(c),
            None => {
                if let Some((_, meant)) = LOOK_ALIKES.iter().find(|(look, _)| *look == c) {
                    return Some((line_start + i, c, *meant));
                }
            }
        }
    }
    None
}

impl Diagnostic {
    fn with_hint_opt(self, hint: Option<String>) -> Self {
        match hint {
            Some(hint) => self.with_hint(hint),
            None => self,
        }
    }
}

/// Keys of Zola's `config.toml` and front matter that workplan does not take, each with what
/// to do instead: a Zola site that uses one hears why, rather than "unknown key".
const ZOLA_KEYS_REFUSED: [(&str, &str); 12] = [
    (
        "internal_level",
        "links inside the site are always checked, and a broken one is an error",
    ),
    (
        "skip_anchor_prefixes",
        "the headings that links to other sites name are not checked: remove the key",
    ),
    (
        "output_dir",
        "name the output folder on the command line: `workplan build --output-dir DIR`",
    ),
    (
        "hard_link_static",
        "static files are copied, and files unchanged since the last build are linked on their own",
    ),
    (
        "preserve_dotfiles_in_output",
        "the output folder is replaced whole; only its `.git` is kept",
    ),
    (
        "generate_feed",
        "Zola 0.19 renamed it: write `generate_feeds`",
    ),
    (
        "feed_filename",
        "Zola 0.19 renamed it: write `feed_filenames = [\"atom.xml\"]`",
    ),
    (
        "exclude_paginated_pages_in_sitemap",
        "the sitemap lists every page of a listing",
    ),
    (
        "search",
        "search is Pagefind's (`build_search_index = true`); `[search]`'s fields do not apply to it",
    ),
    ("mode", "remove it: Zola sets it itself"),
    (
        "extra_syntaxes_and_themes",
        "only the built-in syntaxes and themes highlight code: remove the key",
    ),
    (
        "render_emoji",
        "emoji shortcodes are not turned into emoji: write the emoji itself",
    ),
];

/// Rewords serde's messages and finds a hint: the key meant, or the shape of value expected.
fn explain(message: &str, spanned: &str) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        if let Some((_, instead)) = ZOLA_KEYS_REFUSED.iter().find(|(key, _)| *key == field) {
            let message = format!("Zola's `{field}` is not supported by workplan");
            return (message, Some((*instead).to_string()));
        }
        let known = backticked(expected);
        let hint = match did_you_mean(field, known.iter().copied()) {
            Some(meant) => format!("did you mean `{meant}`?"),
            None if known.is_empty() => "remove this key".to_string(),
            None => format!("the keys allowed here are {}", list(&known)),
        };
        return (format!("unknown key `{field}`"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (variant, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = backticked(expected);
        let hint = if known == Status::KEYS {
            // An edit-distance guess could turn `doing` into `done`: unfinished work marked
            // complete. Only words known to mean a status are mapped.
            let all = format!("a status is one of {}", list(&known));
            match Status::meant_by(variant) {
                Some(meant) => format!("`{variant}` is `{}` here; {all}", meant.key()),
                None => format!("use one of {}", list(&known)),
            }
        } else {
            match did_you_mean(variant, known.iter().copied()) {
                Some(meant) => format!("did you mean `{meant}`?"),
                None => format!("use one of {}", list(&known)),
            }
        };
        return (format!("unknown value `{variant}`"), Some(hint));
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let hint = format!("add `{field} = ...`");
        return (format!("missing key `{field}`"), Some(hint));
    }
    if let Some(range) = integer_range(message) {
        let hint = format!("`{spanned}` is out of range: use a whole number {range}");
        return (message.to_string(), Some(hint));
    }
    if message.starts_with("duplicate key") {
        let hint = "a key may be given once in a table: remove one of them";
        return (message.to_string(), Some(hint.to_string()));
    }
    if message.starts_with("invalid type") {
        let expected = message.rsplit("expected ").next().unwrap_or_default();
        let hint = format!("expected {}, found `{spanned}`", plain_type(expected));
        return (message.to_string(), Some(hint));
    }
    if message.starts_with("invalid value") && message.ends_with("expected a nonzero usize") {
        let hint = format!("use a whole number of 1 or more, not `{spanned}`");
        return (message.to_string(), Some(hint));
    }
    if message.contains("is not a date") {
        let hint = "write a date as `2024-03-01`, or a time as `2024-03-01T09:30:00Z`";
        return (message.to_string(), Some(hint.to_string()));
    }
    if message.contains("max recursion depth") {
        let hint = "lists and tables may nest only so deep here: flatten this value";
        return (message.to_string(), Some(hint.to_string()));
    }
    // Anything else is TOML syntax.
    let hint = "this is TOML: `key = value`, text in double quotes, lists in `[...]`, tables \
                under `[name]` headers";
    (message.to_string(), Some(hint.to_string()))
}

/// The range of the integer type a message about a whole number expected, when the number
/// given is out of it (`invalid value: integer `-1`, expected u32`).
fn integer_range(message: &str) -> Option<&'static str> {
    let is_integer = message.starts_with("invalid value: integer")
        || message.starts_with("invalid type: integer");
    if !is_integer {
        return None;
    }
    Some(match message.rsplit("expected ").next()? {
        "u8" => "from 0 to 255",
        "u16" => "from 0 to 65535",
        "u32" => "from 0 to 4294967295",
        "u64" | "usize" => "from 0 to 18446744073709551615",
        "i32" => "from -2147483648 to 2147483647",
        "i64" => "from -9223372036854775808 to 9223372036854775807",
        _ => return None,
    })
}

fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Serde's type names in words a site author knows.
fn plain_type(expected: &str) -> &str {
    match expected {
        "usize" | "u32" | "u64" | "i64" | "i32" | "u8" | "u16" => "a whole number, like `3`",
        "a boolean" => "`true` or `false`",
        "a string" => "text in quotes, like `\"...\"`",
        "a sequence" => "a list, like `[\"a\", \"b\"]`",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_suggests_the_closest_key() {
        let (message, hint) = explain(
            "unknown field `wieght`, expected one of `title`, `weight`, `date`",
            "wieght",
        );
        assert_eq!(message, "unknown key `wieght`");
        assert_eq!(hint.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn unknown_field_far_from_all_lists_them() {
        let (_, hint) = explain(
            "unknown field `colour`, expected `title` or `date`",
            "colour",
        );
        assert_eq!(
            hint.as_deref(),
            Some("the keys allowed here are `title`, `date`")
        );
    }

    #[test]
    fn wrong_type_names_the_expected_shape() {
        let (_, hint) = explain("invalid type: string \"high\", expected usize", "\"high\"");
        assert_eq!(
            hint.as_deref(),
            Some("expected a whole number, like `3`, found `\"high\"`")
        );
    }

    #[test]
    fn a_word_for_a_status_maps_to_it_and_no_guess_is_made() {
        let expected = "expected one of `planned`, `in-progress`, `done`, `at-risk`";
        let hint = |word: &str| explain(&format!("unknown variant `{word}`, {expected}"), word).1;
        assert_eq!(
            hint("doing").as_deref(),
            Some(
                "`doing` is `in-progress` here; a status is one of `planned`, `in-progress`, \
                 `done`, `at-risk`"
            )
        );
        assert_eq!(
            hint("dome").as_deref(),
            Some("use one of `planned`, `in-progress`, `done`, `at-risk`")
        );
    }

    #[test]
    fn look_alike_punctuation_is_found_on_the_line_outside_strings() {
        let source = "a = 1\ntitle = “教育”\n";
        let at = source.find('“').unwrap();
        assert_eq!(look_alike(source, at + 1), Some((at, '“', '"')));
        assert_eq!(look_alike(source, source.len()), None);
        assert_eq!(look_alike(source, 0), None);
        // Inside a string (here one that lacks its closing quote) curly quotes are text.
        let unclosed = "title = \"落实“双减”政策\n";
        assert_eq!(look_alike(unclosed, unclosed.len() - 1), None);
    }

    #[test]
    fn a_number_out_of_range_is_not_called_no_number() {
        let (_, hint) = explain("invalid value: integer `-1`, expected u32", "-1");
        assert_eq!(
            hint.as_deref(),
            Some("`-1` is out of range: use a whole number from 0 to 4294967295")
        );
        let (_, hint) = explain(
            "invalid type: integer `99999999999999999999` as i128, expected i64",
            "99999999999999999999",
        );
        assert!(hint.unwrap().contains("out of range"));
    }

    #[test]
    fn nesting_too_deep_says_so() {
        let (_, hint) = explain("cannot recurse further; max recursion depth met", "[");
        assert!(hint.unwrap().contains("nest only so deep"));
    }

    #[test]
    fn zero_where_a_count_must_be_positive() {
        let (_, hint) = explain("invalid value: integer `0`, expected a nonzero usize", "0");
        assert_eq!(
            hint.as_deref(),
            Some("use a whole number of 1 or more, not `0`")
        );
    }
}

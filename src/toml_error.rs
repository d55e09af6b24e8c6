//! A `toml` parse error in, a located [`Diagnostic`] with a hint out.
//!
//! Used for `site.toml` and for front matter, whose TOML starts `offset` bytes into its file.

use std::path::Path;

use crate::diagnostic::{Diagnostic, did_you_mean};

/// Turns `error`, raised while parsing the TOML that starts at byte `offset` of `source`, into
/// a diagnostic pointing at the offending key or value.
pub fn diagnostic(path: &Path, source: &str, offset: usize, error: &toml::de::Error) -> Diagnostic {
    let span = error.span().map_or(offset..offset, |span| {
        offset + span.start..offset + span.end
    });
    let message = error.message().trim_end_matches('\n');
    let (message, hint) = explain(message, &source[span.clone()]);
    Diagnostic::at(path, source, span, message).with_hint_opt(hint)
}

impl Diagnostic {
    fn with_hint_opt(self, hint: Option<String>) -> Self {
        match hint {
            Some(hint) => self.with_hint(hint),
            None => self,
        }
    }
}

/// Rewords serde's messages and finds a hint: the key meant, or the shape of value expected.
fn explain(message: &str, spanned: &str) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
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
        let hint = match did_you_mean(variant, known.iter().copied()) {
            Some(meant) => format!("did you mean `{meant}`?"),
            None => format!("use one of {}", list(&known)),
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
    // Anything else is TOML syntax.
    let hint = "this is TOML: `key = value`, text in double quotes, lists in `[...]`, tables \
                under `[name]` headers";
    (message.to_string(), Some(hint.to_string()))
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
    fn zero_where_a_count_must_be_positive() {
        let (_, hint) = explain("invalid value: integer `0`, expected a nonzero usize", "0");
        assert_eq!(
            hint.as_deref(),
            Some("use a whole number of 1 or more, not `0`")
        );
    }
}

//! Hints for template mistakes: tera's messages in, the words that help out (the nearest
//! name to a misspelt field, variable, filter or function; what to write instead of a Zola
//! macro). Template functions carry a hint of their own through tera after [`HINT_MARK`].

use crate::diagnostic::did_you_mean;

use super::functions::{FUNCTIONS, REFUSED_FUNCTIONS};
use super::limits;

/// How a template function's error carries a hint through tera, which keeps only a message:
/// `message; to fix it, hint`. [`Templates`] shows the two apart.
pub(super) const HINT_MARK: &str = "; to fix it, ";

/// A function's error message and its hint, when it has one (see [`HINT_MARK`]).
pub(super) fn split_hint(message: &str) -> Option<(&str, &str)> {
    message.split_once(HINT_MARK)
}

/// For a Zola theme's macros, which tera 2 replaced.
pub(super) const MACRO_HINT: &str = "tera 2 has components instead of macros: define \
     `{% component name(arg: string) %}...{% endcomponent name %}` in any template, call it with \
     `{{ <name arg={value} /> }}`, no import needed (README: Porting a Zola theme)";

pub(super) const LOOP_HINT: &str =
    "look for a loop in the template that runs too long or never ends";

/// The filters a template may use: tera's own and workplan's (a test checks that each is
/// known), for the hint to a misspelt one.
pub(super) const FILTER_NAMES: [&str; 47] = [
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
    "date",
    "ordinal",
    "num_format",
    "markdown",
    "slugify",
    "striptags",
    "urlencode",
    "urlencode_strict",
    "base64_encode",
    "base64_decode",
];

/// The nearest of `names` to the backticked name in `message` after `prefix`, as a hint.
fn nearest(
    message: &str,
    prefix: &str,
    names: impl IntoIterator<Item = &'static str>,
) -> Option<String> {
    let written = message.split(prefix).nth(1)?.split('`').next()?;
    did_you_mean(written, names).map(|meant| format!("did you mean `{meant}`?"))
}

/// The nearest of the names a "not defined" message lists (`Available fields: a, b`).
fn nearest_listed(message: &str) -> Option<String> {
    let written = message.split('`').nth(1)?;
    let (_, listed) = message.split_once("Available ")?;
    let (_, names) = listed.split_once(": ")?;
    let names: Vec<&str> = names.split(", ").map(str::trim).collect();
    did_you_mean(written, names.iter().copied()).map(|meant| format!("did you mean `{meant}`?"))
}

pub(super) fn hint_for(message: &str) -> String {
    let functions = || {
        FUNCTIONS
            .iter()
            .map(|(name, _)| *name)
            .chain(["range", "throw"])
            .chain(REFUSED_FUNCTIONS.iter().map(|(name, _)| *name))
    };
    if let Some(hint) = nearest(message, "Unknown filter `", FILTER_NAMES) {
        hint
    } else if let Some(hint) = nearest(message, "Unknown function `", functions()) {
        hint
    } else if message.contains("is not defined") {
        nearest_listed(message).unwrap_or_else(|| {
            "check the variable's name; `{{ page.x | default(value=\"\") }}` allows a missing one"
                .to_string()
        })
    } else if message.contains(limits::TOO_LONG) {
        LOOP_HINT.to_string()
    } else {
        "see the template syntax at https://keats.github.io/tera/".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::functions::register_functions;
    use tera::Tera;

    /// The hint's list of filters holds only filters a template can use.
    #[test]
    fn every_filter_named_in_hints_is_registered() {
        let mut tera = Tera::new();
        register_functions(&mut tera);
        for name in FILTER_NAMES {
            let added = tera.add_raw_template(name, &format!("{{{{ 1 | {name} }}}}"));
            assert!(
                added
                    .as_ref()
                    .map_err(ToString::to_string)
                    .err()
                    .is_none_or(|e| !e.contains("Unknown filter")),
                "`{name}`: {added:?}"
            );
        }
        let unknown = tera.add_raw_template("x", "{{ 1 | uppr }}").unwrap_err();
        assert!(unknown.to_string().contains("Unknown filter"), "{unknown}");
    }

    #[test]
    fn misspelt_names_get_the_nearest_one() {
        assert_eq!(hint_for("Unknown filter `uppr`"), "did you mean `upper`?");
        assert_eq!(
            hint_for("Unknown function `get_pag`"),
            "did you mean `get_page`?"
        );
        assert_eq!(
            hint_for("Field `titel` is not defined. Available fields: content, title, toc"),
            "did you mean `title`?"
        );
        assert_eq!(
            hint_for("Variable `pag` is not defined. Available variables: config, page"),
            "did you mean `page`?"
        );
        assert!(
            hint_for("Field `zzz` is not defined. Available fields: title").contains("default(")
        );
    }
}

//! Shortcode calls of a Markdown body in, their templates' output out.
//!
//! `{{ name(...) }}` renders `templates/shortcodes/name.html` or `name.md`, the site's before
//! the theme's, with its arguments, `body`, `nth`, `lang`, `config`, and `page` or `section`
//! (their values without content, as Zola gives them). Each render records what it read, as
//! any render does: the output showing the body depends on it.

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt as _};
use tera::Value;

use super::{Lookup, Read, Templates};
use crate::diagnostic::did_you_mean;
use crate::markdown::shortcodes::{Arg, Call, Expansion, Shortcodes};

const FOLDER: &str = "shortcodes/";

/// How the message of a shortcode that fails begins.
pub(super) const FAILED: &str = "shortcode `";

/// What every shortcode's template sees besides its arguments (`plan` and `menu` as every
/// template does).
const GIVEN: [&str; 8] = [
    "nth", "lang", "body", "page", "section", "config", "plan", "menu",
];

/// A shortcode's template, and the arguments it reads.
pub(super) struct Shortcode {
    template: String,
    takes: Vec<String>,
}

/// The shortcodes of the templates `found` (name to template name).
pub(super) fn with_arguments(
    found: HashMap<String, String>,
    tera: &tera::Tera,
) -> HashMap<String, Shortcode> {
    found
        .into_iter()
        .map(|(name, template)| {
            let mut takes: Vec<String> = tera
                .get_template_variables(&template)
                .unwrap_or_default()
                .into_iter()
                .filter(|variable| !GIVEN.contains(variable))
                .map(str::to_string)
                .collect();
            takes.sort();
            (name, Shortcode { template, takes })
        })
        .collect()
}

/// Each shortcode's template, by name: of the files `shortcodes/<name>.html` and
/// `shortcodes/<name>.md`, the site's HTML, the site's Markdown, the theme's HTML, the
/// theme's Markdown. `files` gives each template name and whether the theme has it.
pub(super) fn find<'a>(files: impl Iterator<Item = (&'a str, bool)>) -> HashMap<String, String> {
    let mut found: HashMap<String, (u8, String)> = HashMap::new();
    for (template, from_theme) in files {
        let Some(file) = template.strip_prefix(FOLDER) else {
            continue;
        };
        let (name, markdown) = match (file.strip_suffix(".html"), file.strip_suffix(".md")) {
            (Some(name), _) => (name, false),
            (_, Some(name)) => (name, true),
            _ => continue,
        };
        if name.contains('/') {
            continue;
        }
        let rank = u8::from(from_theme) * 2 + u8::from(markdown);
        let better = found.get(name).is_none_or(|(best, _)| rank < *best);
        if better {
            found.insert(name.to_string(), (rank, template.to_string()));
        }
    }
    found
        .into_iter()
        .map(|(name, (_, template))| (name, template))
        .collect()
}

/// Renders the shortcodes of one body, remembering what they read.
pub struct ShortcodeRenderer<'a> {
    templates: &'a Arc<Templates>,
    lookup: &'a Arc<Lookup>,
    lang: Arc<str>,
    /// What every call sees besides its arguments and `lang`: `page` or `section`.
    context: tera::Context,
    /// What the calls' templates read.
    pub reads: Vec<Read>,
}

impl Templates {
    /// A renderer of the shortcodes of a body in `lang`, whose calls see `context` (`page`
    /// or `section`).
    pub fn shortcodes<'a>(
        self: &'a Arc<Self>,
        lookup: &'a Arc<Lookup>,
        lang: Arc<str>,
        context: tera::Context,
    ) -> ShortcodeRenderer<'a> {
        ShortcodeRenderer {
            templates: self,
            lookup,
            lang,
            context,
            reads: Vec::new(),
        }
    }
}

impl Shortcodes for ShortcodeRenderer<'_> {
    fn render(&mut self, call: &Call) -> Result<Expansion, (String, String)> {
        let shortcodes = &self.templates.shortcodes;
        let Some(Shortcode { template, takes }) = shortcodes.get(&call.name) else {
            let message = format!("unknown shortcode `{}`", call.name);
            let place = format!(
                "a shortcode is a template `templates/shortcodes/{}.html` (or `.md`) of the site \
                 or its theme",
                call.name
            );
            let names = shortcodes.keys().map(String::as_str);
            let hint = match did_you_mean(&call.name, names) {
                Some(meant) => format!("did you mean `{meant}`? {place}"),
                None => place,
            };
            return Err((message, hint));
        };
        let takes_what = || {
            let listed: Vec<String> = takes.iter().map(|name| format!("`{name}`")).collect();
            match listed.as_slice() {
                [] => format!("`{}` takes no arguments", call.name),
                _ => format!("`{}` takes {}", call.name, listed.join(", ")),
            }
        };
        for (arg, _) in &call.args {
            if !takes.contains(arg) {
                let hint = match did_you_mean(arg, takes.iter().map(String::as_str)) {
                    Some(meant) => format!("did you mean `{meant}`? {}", takes_what()),
                    None => takes_what(),
                };
                return Err((
                    format!("shortcode `{}` has no argument `{arg}`", call.name),
                    hint,
                ));
            }
        }
        // Zola's order: the arguments win over `nth` and `lang`, and lose to `page`,
        // `section` and `config`.
        let mut context = tera::Context::new();
        context.insert("nth", &call.nth);
        context.insert("lang", &*self.lang);
        for (name, value) in &call.args {
            context.insert_value(name.clone(), value_of(value));
        }
        if let Some(body) = &call.body {
            context.insert("body", body);
        }
        context.extend(self.context.clone());
        let mut out = Vec::new();
        match self
            .templates
            .render(template, context, self.lookup, &mut out)
        {
            Ok(reads) => self.reads.extend(reads),
            Err(problems) => {
                let problem = problems.0.into_iter().next();
                let (message, place) = problem.map_or_else(
                    || (String::new(), String::new()),
                    |problem| (problem.message.clone(), problem.position()),
                );
                // A shortcode failing inside another's (through `markdown`) says so itself.
                let message = if message.starts_with(FAILED) {
                    message
                } else {
                    format!("{FAILED}{}` cannot be rendered: {message}", call.name)
                };
                return Err((
                    message,
                    format!("{}; its template fails at {place}", takes_what()),
                ));
            }
        }
        Ok(Expansion {
            text: String::from_utf8_lossy(&out).into_owned(),
            markdown: template.ends_with(".md"),
        })
    }
}

fn value_of(arg: &Arg) -> Value {
    match arg {
        Arg::Text(text) => Value::from(text.as_str()),
        Arg::Integer(n) => Value::from(*n),
        Arg::Float(x) => Value::from(*x),
        Arg::Bool(b) => Value::from(*b),
        Arg::Array(items) => Value::from(items.iter().map(value_of).collect::<Vec<_>>()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sites_html_wins_then_its_markdown_then_the_themes() {
        let found = find(
            [
                ("shortcodes/a.md", true),
                ("shortcodes/a.html", true),
                ("shortcodes/b.md", false),
                ("shortcodes/b.html", true),
                ("shortcodes/c.md", false),
                ("shortcodes/c.html", false),
                ("shortcodes/d/e.html", false),
                ("page.html", false),
            ]
            .into_iter(),
        );
        assert_eq!(found["a"], "shortcodes/a.html");
        assert_eq!(found["b"], "shortcodes/b.md");
        assert_eq!(found["c"], "shortcodes/c.html");
        assert_eq!(found.len(), 3);
    }
}

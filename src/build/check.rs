//! Checks across the whole site that no single file can make: templates that exist, links
//! that resolve, anchors that exist.

use foldhash::HashSet;

use rayon::prelude::*;

use crate::config;
use crate::content::{self, Content};
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::markdown::{self, AnchorLink, LinkTargets, RenderOptions};
use crate::templates::Templates;

/// The template a page is rendered with: its own, its section's `page_template`, `page.html`.
pub fn page_template<'a>(content: &'a Content, page: &'a content::Page) -> &'a str {
    let mut section = Some(page.section);
    let inherited = std::iter::from_fn(|| {
        let current = &content.sections[section?];
        section = current.parent;
        Some(current)
    })
    .find_map(|section| section.front.page_template.as_ref());
    page.front
        .template
        .as_ref()
        .or(inherited)
        .map_or("page.html", |name| name.get_ref().as_str())
}

/// A section's template: its own, else `index.html` for a language's home page, else
/// `section.html`.
pub fn section_template(content: &Content, index: usize) -> &str {
    let section = &content.sections[index];
    let is_home = content
        .editions
        .iter()
        .any(|edition| edition.home() == Some(index));
    match &section.front.template {
        Some(name) => name.get_ref(),
        None if index == 0 || is_home => "index.html",
        None => "section.html",
    }
}

/// A taxonomy's list and term templates: `<name>/list.html` and `<name>/single.html` where the
/// theme has them (Zola's layout), else `taxonomy_list.html` and `taxonomy_single.html`.
pub fn taxonomy_templates(templates: &Templates, name: &str) -> [String; 2] {
    ["list", "single"].map(|kind| {
        let own = format!("{name}/{kind}.html");
        if templates.contains(&own) {
            own
        } else {
            format!("taxonomy_{kind}.html")
        }
    })
}

/// Every template a document asks for must exist, checked before anything is rendered.
pub fn templates_exist(templates: &Templates, content: &Content) -> Result<(), Diagnostics> {
    let mut problems = Diagnostics::default();
    for taxonomy in &content.taxonomies {
        for name in taxonomy_templates(templates, &taxonomy.name) {
            if !templates.contains(&name) {
                let hint = format!(
                    "taxonomy `{}` needs `templates/{name}` or `templates/{}/{}`",
                    taxonomy.name,
                    taxonomy.name,
                    name.trim_start_matches("taxonomy_")
                );
                problems.push(
                    Diagnostic::file(config::FILE_NAME, format!("template `{name}` not found"))
                        .with_hint(hint),
                );
            }
        }
    }
    let mut missing =
        |source: &content::Source, name: &str, written: Option<&toml::Spanned<String>>| {
            if templates.contains(name) {
                return;
            }
            let message = format!("template `{name}` not found");
            let diagnostic = match written {
                Some(written) => {
                    let span = source.file_span(written.span());
                    Diagnostic::at(&source.path, &source.text, span, message)
                }
                None => Diagnostic::file(&source.path, message),
            };
            problems.push(diagnostic.with_hint(format!(
                "add `templates/{name}` to the site or the theme, or name an existing template"
            )));
        };
    for page in &content.pages {
        let template = page_template(content, page);
        missing(&page.source, template, page.front.template.as_ref());
    }
    for (index, section) in content.sections.iter().enumerate() {
        if section.front.render && section.front.redirect_to.is_none() {
            let template = section_template(content, index);
            missing(&section.source, template, section.front.template.as_ref());
        }
    }
    problems.into_result(())
}

/// The link problems of every page, found by rendering their Markdown only.
pub fn page_links(content: &Content, targets: &LinkTargets) -> Vec<Diagnostic> {
    content
        .pages
        .par_iter()
        .filter_map(|page| {
            markdown::render(&page.source, targets, RenderOptions::default(), None).err()
        })
        .flatten()
        .collect()
}

/// What a rendered document offers to and asks of links: its heading ids and its
/// `@/page.md#anchor` links.
#[derive(Debug, Default, Clone)]
pub struct Anchors {
    pub ids: HashSet<String>,
    pub links: Vec<AnchorLink>,
}

/// Every `@/page.md#anchor` link must name a heading id of that page. `anchors_of` gives the
/// anchors of a document by `content/`-relative path.
pub fn anchors<'a>(
    content: &Content,
    anchors_of: impl Fn(&str) -> Option<&'a Anchors>,
) -> Result<(), Diagnostics> {
    let sources = content
        .pages
        .iter()
        .map(|page| &page.source)
        .chain(content.sections.iter().map(|section| &section.source));
    let mut problems = Diagnostics::default();
    for source in sources {
        let Some(document) = anchors_of(&source.relative) else {
            continue;
        };
        for link in &document.links {
            let Some(target) = anchors_of(&link.target) else {
                continue;
            };
            if link.anchor == "continue-reading" || target.ids.contains(&link.anchor) {
                continue;
            }
            let known = target.ids.iter().map(String::as_str);
            let hint = match did_you_mean(&link.anchor, known) {
                Some(meant) => format!("did you mean `#{meant}`?"),
                None => format!(
                    "`{}` has no heading with the id `{}`",
                    link.target, link.anchor
                ),
            };
            let message = format!("link to a missing anchor `#{}`", link.anchor);
            let span = link.diagnostic_span.clone();
            problems
                .push(Diagnostic::at(&source.path, &source.text, span, message).with_hint(hint));
        }
    }
    problems.into_result(())
}

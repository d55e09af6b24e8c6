//! The documents of `content/` in, one set per language the site is published in out.
//!
//! Zola's model: `name.md` is in the default language and `name.<code>.md` beside it is its
//! translation into language `<code>` (`_index.<code>.md` for a section). Every language gets
//! every page and section: its translation where there is one, else the default language's
//! document as a fallback, shown in that language's frame (a notice says so). A translation
//! writes its text; what places and orders it (slug, path, weight, dates, template, a
//! section's sorting and paging) and the plan's facts (a task's status, lead, due date) are
//! taken from the original where the translation leaves them out, so they are kept in one file.

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt as _, HashSet};
use toml::Spanned;

use super::front_matter::{AreaFrontMatter, PageFrontMatter, SectionFrontMatter, TaskFrontMatter};
use super::{Document, FrontMatter, Source};
use crate::config::{Config, Language, is_language_tag};
use crate::diagnostic::Diagnostic;

/// The documents of one language.
pub(super) struct Edition<'a> {
    pub language: &'a Language,
    pub documents: Vec<Document>,
    /// The `content/`-relative paths of the translations it lacks (not for the default language).
    pub missing: Vec<Arc<str>>,
}

/// The key a translation into `code` of the document at `relative` has: `a/b.md` becomes
/// `a/b.<code>.md`. Fallbacks are known by it too, so that every language's pages have keys
/// of their own.
pub fn translated_key(relative: &str, code: &str) -> String {
    let stem = relative.strip_suffix(".md").unwrap_or(relative);
    format!("{stem}.{code}.md")
}

/// `a/b.<code>.md` as the original's path and the language code, when the name has a suffix.
fn split_translation(relative: &str) -> Option<(String, &str)> {
    let stem = relative.strip_suffix(".md")?;
    let (base, code) = stem.rsplit_once('.')?;
    if base.is_empty() || base.ends_with('/') || code.contains('/') {
        return None;
    }
    Some((format!("{base}.md"), code))
}

/// Splits `documents` into the site's languages, the default language first.
pub(super) fn split<'a>(
    config: &'a Config,
    documents: Vec<Document>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Edition<'a>> {
    let default = config.default_language();
    let originals: HashSet<Arc<str>> = documents
        .iter()
        .filter(|document| split_translation(&document.source.relative).is_none())
        .map(|document| Arc::clone(&document.source.relative))
        .collect();
    let mut defaults = Vec::new();
    // Per language (by its place in `config.languages`): the original's path to its translation.
    let mut translations: Vec<HashMap<String, Document>> = (0..config.languages.len())
        .map(|_| HashMap::new())
        .collect();
    for document in documents {
        let relative = &document.source.relative;
        let Some((original, code)) = split_translation(relative) else {
            defaults.push(document);
            continue;
        };
        let language = config
            .languages
            .iter()
            .position(|language| language.code == code)
            .filter(|&index| index > 0);
        match language {
            Some(index) => {
                translations[index].insert(original, document);
            }
            // `report.v2.md`, or a page of the default language named like a translation.
            None if !is_language_tag(code)
                || code == default.code
                || !originals.contains(original.as_str())
                    && !matches!(document.front, FrontMatter::Section(_)) =>
            {
                defaults.push(document);
            }
            None => problems.push(
                Diagnostic::file(
                    &document.source.path,
                    format!("`{code}` is not a language the site is published in"),
                )
                .with_hint(format!(
                    "add `[languages.{code}]` to site.toml to publish it, or rename the file \
                     (the site's languages: {})",
                    config
                        .languages
                        .iter()
                        .map(|language| format!("`{}`", language.code))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
        }
    }
    let mut editions = Vec::with_capacity(config.languages.len());
    editions.push(Edition {
        language: default,
        documents: Vec::new(),
        missing: Vec::new(),
    });
    for (index, language) in config.languages.iter().enumerate().skip(1) {
        let mut own = std::mem::take(&mut translations[index]);
        let mut documents = Vec::with_capacity(defaults.len() + own.len());
        let mut missing = Vec::new();
        for original in &defaults {
            let relative = &*original.source.relative;
            match own.remove(relative) {
                Some(mut translation) => {
                    translation.source.lang = Some(language.code.as_str().into());
                    match translate(original, translation) {
                        Ok(document) => documents.push(document),
                        Err(problem) => problems.push(problem),
                    }
                }
                None => {
                    let key = translated_key(relative, &language.code);
                    missing.push(Arc::from(key.as_str()));
                    documents.push(fallback(original, key.into(), &language.code));
                }
            }
        }
        // Translations with no original are pages of their language alone.
        let mut alone: Vec<Document> = own.into_values().collect();
        alone.sort_by(|a, b| a.source.relative.cmp(&b.source.relative));
        for mut document in alone {
            document.source.lang = Some(language.code.as_str().into());
            documents.push(document);
        }
        editions.push(Edition {
            language,
            documents,
            missing,
        });
    }
    editions[0].documents = defaults;
    editions
}

/// The default language's document, under the key of its missing translation into `code`.
fn fallback(original: &Document, key: Arc<str>, code: &str) -> Document {
    let source = Source {
        relative: key,
        lang: Some(code.into()),
        fallback: true,
        ..original.source.clone()
    };
    // Its aliases are the original's: they lead there, not to every language's copy.
    let front = match &original.front {
        FrontMatter::Page(front) if !front.aliases.is_empty() => {
            FrontMatter::Page(Arc::new(PageFrontMatter {
                aliases: Vec::new(),
                ..(**front).clone()
            }))
        }
        FrontMatter::Section(front) if !front.aliases.is_empty() => {
            FrontMatter::Section(Arc::new(SectionFrontMatter {
                aliases: Vec::new(),
                ..(**front).clone()
            }))
        }
        shared => shared.clone(),
    };
    Document {
        source,
        front,
        fallback: Some(Arc::clone(&original.source.relative)),
    }
}

/// A translation with what it leaves out taken from its original.
fn translate(original: &Document, mut translation: Document) -> Result<Document, Diagnostic> {
    let source = &translation.source;
    let written = written_keys(source);
    let absent = |key: &str| !written.contains_key(key);
    translation.front = match (&original.front, &translation.front) {
        (FrontMatter::Page(original), FrontMatter::Page(own)) => {
            let mut front = (**own).clone();
            if absent("slug") {
                front.slug = original.slug.as_ref().map(unplaced);
            }
            if absent("path") {
                front.path = original.path.as_ref().map(unplaced);
            }
            if absent("template") {
                front.template = original.template.as_ref().map(unplaced);
            }
            if absent("weight") {
                front.weight = original.weight;
            }
            if absent("date") {
                front.date = original.date;
            }
            if absent("updated") {
                front.updated = original.updated;
            }
            if absent("in_search_index") {
                front.in_search_index = original.in_search_index;
            }
            if absent("authors") {
                front.authors.clone_from(&original.authors);
            }
            front.area = translate_area(
                source,
                original.area.as_ref(),
                front.area.take(),
                written.get("area"),
            )?;
            FrontMatter::Page(Arc::new(front))
        }
        (FrontMatter::Section(original), FrontMatter::Section(own)) => {
            let mut front = (**own).clone();
            if absent("weight") {
                front.weight = original.weight;
            }
            if absent("sort_by") {
                front.sort_by = original.sort_by;
            }
            if absent("paginate_by") {
                front.paginate_by = original.paginate_by;
            }
            if absent("paginate_path") {
                front.paginate_path = original.paginate_path.as_ref().map(unplaced);
            }
            if absent("paginate_reversed") {
                front.paginate_reversed = original.paginate_reversed;
            }
            if absent("template") {
                front.template = original.template.as_ref().map(unplaced);
            }
            if absent("page_template") {
                front.page_template = original.page_template.as_ref().map(unplaced);
            }
            if absent("insert_anchor_links") {
                front.insert_anchor_links = original.insert_anchor_links;
            }
            if absent("in_search_index") {
                front.in_search_index = original.in_search_index;
            }
            if absent("render") {
                front.render = original.render;
            }
            if absent("redirect_to") {
                front.redirect_to.clone_from(&original.redirect_to);
            }
            if absent("transparent") {
                front.transparent = original.transparent;
            }
            if absent("generate_feeds") {
                front.generate_feeds = original.generate_feeds;
            }
            FrontMatter::Section(Arc::new(front))
        }
        _ => unreachable!("a translation of a section is a section, by its file name"),
    };
    Ok(translation)
}

/// A translation's `[area]`: its own texts over the original's facts. The number and the
/// tasks are the original's: a translation that numbers them otherwise is an error.
fn translate_area(
    source: &Source,
    original: Option<&Spanned<AreaFrontMatter>>,
    own: Option<Spanned<AreaFrontMatter>>,
    written: Option<&toml::Value>,
) -> Result<Option<Spanned<AreaFrontMatter>>, Diagnostic> {
    let (original, own) = match (original, own) {
        (Some(original), None) => return Ok(Some(unplaced(original))),
        (_, None) => return Ok(None),
        (None, Some(own)) => return Ok(Some(own)),
        (Some(original), Some(own)) => (original.get_ref(), own),
    };
    let span = source.file_span(own.span());
    let area = own.get_ref();
    let wrong = |message: String, hint: &str| {
        Diagnostic::at(&source.path, &source.text, span.clone(), message).with_hint(hint)
    };
    if area.number.get_ref() != original.number.get_ref() {
        return Err(wrong(
            format!(
                "the original is area {}, its translation area {}",
                original.number.get_ref(),
                area.number.get_ref()
            ),
            "a translation keeps its original's number: leave `number` out, or write the same",
        ));
    }
    if area.tasks.len() != original.tasks.len() {
        return Err(wrong(
            format!(
                "the original has {} tasks, its translation {}",
                original.tasks.len(),
                area.tasks.len()
            ),
            "translate each task of the original, in its order, and add or remove tasks in \
             the original first",
        ));
    }
    let written_tasks = written
        .and_then(|area| area.get("tasks"))
        .and_then(toml::Value::as_array);
    let mut merged = area.clone();
    for (index, (task, from)) in merged.tasks.iter_mut().zip(&original.tasks).enumerate() {
        let task_written = written_tasks.and_then(|tasks| tasks.get(index));
        let absent = |key: &str| task_written.is_none_or(|task| task.get(key).is_none());
        let current = |task: &TaskFrontMatter| {
            task.updates
                .last()
                .map(|update| update.status)
                .or(task.status.as_ref().map(|status| *status.get_ref()))
                .unwrap_or_default()
        };
        let kept_in_original = |key: &str, what: &str| {
            Diagnostic::at(
                &source.path,
                &source.text,
                source.file_span(task.title.span()),
                format!("this task's translation writes its {what}"),
            )
            .with_hint(format!(
                "a task's {what} is kept in the original alone: leave `{key}` out of the \
                 translation"
            ))
        };
        if !absent("updates") {
            return Err(kept_in_original("updates", "history"));
        }
        if !absent("status") && current(task) != current(from) {
            let span = source.file_span(task.title.span());
            return Err(Diagnostic::at(
                &source.path,
                &source.text,
                span,
                format!(
                    "this task is `{}` here but `{}` in the original",
                    current(task).key(),
                    current(from).key()
                ),
            )
            .with_hint(
                "a task's status is kept in the original alone: leave `status` out of the \
                 translation",
            ));
        }
        if !absent("id")
            && task.id.as_ref().map(Spanned::get_ref) != from.id.as_ref().map(Spanned::get_ref)
        {
            return Err(kept_in_original("id", "id"));
        }
        task.status = from.status.as_ref().map(unplaced);
        task.updates.clone_from(&from.updates);
        task.id = from.id.as_ref().map(unplaced);
        if absent("lead") {
            task.lead.clone_from(&from.lead);
        }
        if absent("partners") {
            task.partners.clone_from(&from.partners);
        }
        if absent("due") {
            task.due.clone_from(&from.due);
        }
        if absent("due_text") {
            task.due_text.clone_from(&from.due_text);
        }
        if absent("note") {
            task.note.clone_from(&from.note);
        }
        if absent("extra") {
            task.extra.clone_from(&from.extra);
        }
    }
    Ok(Some(Spanned::new(own.span(), merged)))
}

/// A value taken from another file: its place there means nothing in this one.
fn unplaced<T: Clone>(value: &Spanned<T>) -> Spanned<T> {
    Spanned::new(0..0, value.get_ref().clone())
}

/// The keys a document's front matter writes.
fn written_keys(source: &Source) -> toml::Table {
    toml::from_str(source.front_matter_toml()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_are_known_by_their_suffix() {
        assert_eq!(
            split_translation("a/b.zh-Hans.md"),
            Some(("a/b.md".to_string(), "zh-Hans"))
        );
        assert_eq!(
            split_translation("_index.zh.md"),
            Some(("_index.md".to_string(), "zh"))
        );
        assert_eq!(split_translation("a/b.md"), None);
        assert_eq!(split_translation("a/.zh.md"), None);
        assert_eq!(translated_key("a/_index.md", "en-GB"), "a/_index.en-GB.md");
    }
}

//! The functions and filters templates call: Zola's, by name and argument, each reaching the
//! content only through `with_lookup` or `with_scope`, which record what it read.

use std::borrow::Cow;

use jiff::fmt::strtime::BrokenDownTime;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::hints::HINT_MARK;
use super::{
    Read, SCOPE, accept, clock, files, filters, limits, localized, numbers, render_language,
    with_lookup, with_translations,
};
use crate::content::front_matter::Date;

/// A template function: its arguments in, a value out.
type Function = fn(Kwargs, &State) -> TeraResult<Value>;

/// Every template function the site's templates may call. Each one reaches the content only
/// through `with_lookup` or `with_scope`, which record what it read; each refuses an argument
/// it does not take (`accept`); `tests/sites/everything` calls each.
pub const FUNCTIONS: [(&str, Function); 11] = [
    ("get_url", get_url),
    ("get_page", get_page),
    ("get_area_text", get_area_text),
    ("get_section", get_section),
    ("get_taxonomy", get_taxonomy),
    ("get_taxonomy_url", get_taxonomy_url),
    ("trans", trans),
    ("now", clock::now),
    ("load_data", files::load_data),
    ("get_hash", files::get_hash),
    ("get_image_metadata", files::get_image_metadata),
];

pub(super) fn register_functions(tera: &mut Tera) {
    for (name, function) in FUNCTIONS {
        tera.register_function(name, function);
    }
    // Tera's own, counted against the render's budget.
    tera.register_function("range", limits::range);
    tera.register_filter("date", format_date);
    tera.register_filter("ordinal", ordinal);
    tera.register_filter("num_format", num_format);
    filters::register(tera);
    for (name, hint) in REFUSED_FUNCTIONS {
        tera.register_function(name, move |_: Kwargs, _: &State| refuse(name, hint));
    }
    for (name, hint) in REFUSED_FILTERS {
        tera.register_filter(name, move |_: Value, _: Kwargs, _: &State| {
            refuse(name, hint)
        });
    }
}

/// Zola's functions that workplan does not have, with what to use instead: a theme that calls
/// one learns it where it does, not from tera's "unknown function".
pub(super) const REFUSED_FUNCTIONS: [(&str, &str); 3] = [
    (
        "resize_image",
        "workplan does not process images: resize them before adding them to `static/` or \
         `content/`, and read their size with `get_image_metadata`",
    ),
    (
        "get_taxonomy_term",
        "use `get_taxonomy(kind=...)` and pick the term from its `items`, or \
         `get_taxonomy_url(kind=..., name=...)` for its address",
    ),
    (
        "get_env",
        "a build does not depend on the environment: put the value in `site.toml`'s `extra` \
         and read `config.extra`",
    ),
];

/// Zola's filters that workplan does not have, with what to use instead.
const REFUSED_FILTERS: [(&str, &str); 1] = [(
    "regex_replace",
    "use `replace(from=..., to=...)`, or prepare the text in a data file (`load_data`)",
)];

/// The error of a call to a refused function or filter.
fn refuse(name: &str, hint: &str) -> TeraResult<Value> {
    Err(tera::Error::message(format!(
        "`{name}` is Zola's, and workplan does not have it{HINT_MARK}{hint}"
    )))
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
fn get_url(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    accept(
        "get_url",
        &kwargs,
        &["path", "lang", "cachebust", "trailing_slash"],
    )?;
    let path: Cow<str> = kwargs.must_get("path")?;
    let lang: Option<Cow<str>> = kwargs.get("lang")?;
    if !path.starts_with(crate::markdown::INTERNAL_PREFIX) {
        // A file's URL; with `lang`, in that language's folder (as Zola does).
        let mut url = with_lookup(Read::Url(path.as_ref().into()), |lookup| {
            lookup.file_url(&path, lang.as_deref())
        })?;
        if kwargs.get::<bool>("trailing_slash")?.unwrap_or(false) && !url.ends_with('/') {
            url.push('/');
        }
        if kwargs.get::<bool>("cachebust")?.unwrap_or(false) {
            url = format!("{url}?h={}", files::cachebust(&path)?);
        }
        return Ok(Value::from(url));
    }
    let key = localized(&path, lang.as_deref())?;
    let read = Read::Url(key.split('#').next().unwrap_or_default().into());
    with_lookup(read, |lookup| {
        lookup
            .url(&format!("{}{key}", crate::markdown::INTERNAL_PREFIX))
            .map(Value::from)
    })
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
fn get_page(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    accept("get_page", &kwargs, &["path", "lang"])?;
    let path: Cow<str> = kwargs.must_get("path")?;
    let lang: Option<Cow<str>> = kwargs.get("lang")?;
    let key = localized(&path, lang.as_deref())?;
    with_lookup(Read::Page(key.clone()), |lookup| lookup.page(&key))
}

/// `get_area_text(number=3)`: the text of priority area 3 as HTML, as its page shows it, in
/// `lang` (the render's language by default). It is a function, not a field of `plan`, so that
/// an edit of an area's text re-renders only the outputs that show it.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
fn get_area_text(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    accept("get_area_text", &kwargs, &["number", "lang"])?;
    let number: u32 = kwargs.must_get("number")?;
    let lang: Option<Cow<str>> = kwargs.get("lang")?;
    let lang = render_language(lang.as_deref())?;
    with_lookup(Read::AreaText(lang.clone(), number), |lookup| {
        lookup.area_text(&lang, number).map(Value::from)
    })
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
fn get_section(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    accept("get_section", &kwargs, &["path", "lang", "metadata_only"])?;
    let path: Cow<str> = kwargs.must_get("path")?;
    let lang: Option<Cow<str>> = kwargs.get("lang")?;
    let relative = localized(&path, lang.as_deref())?;
    if kwargs.get::<bool>("metadata_only")?.unwrap_or(false) {
        with_lookup(Read::SectionMeta(relative.clone()), |lookup| {
            lookup.section_meta(&relative)
        })
    } else {
        with_lookup(Read::Section(relative.clone()), |lookup| {
            lookup.section(&relative)
        })
    }
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
fn get_taxonomy(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    accept("get_taxonomy", &kwargs, &["kind", "lang", "required"])?;
    let kind: Cow<str> = kwargs.must_get("kind")?;
    let lang: Option<Cow<str>> = kwargs.get("lang")?;
    let required = kwargs.get::<bool>("required")?.unwrap_or(true);
    let key = taxonomy_key(&kind, lang.as_deref())?;
    with_lookup(Read::Taxonomy(key.clone()), |lookup| {
        optional(lookup.taxonomy(&key, &kind), required)
    })
}

/// What a function that takes Zola's `required` gives: with `required=false`, nothing where it
/// would fail.
fn optional(found: Result<Value, String>, required: bool) -> Result<Value, String> {
    match found {
        Err(_) if !required => Ok(Value::none()),
        found => found,
    }
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
fn get_taxonomy_url(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    accept(
        "get_taxonomy_url",
        &kwargs,
        &["kind", "name", "lang", "required"],
    )?;
    // Names may be written as numbers (`name=2024`): read as text either way.
    let kind: Cow<str> = kwargs.must_get("kind")?;
    let name: Cow<str> = kwargs.must_get("name")?;
    let lang: Option<Cow<str>> = kwargs.get("lang")?;
    let required = kwargs.get::<bool>("required")?.unwrap_or(true);
    let key = taxonomy_key(&kind, lang.as_deref())?;
    with_lookup(Read::TermUrl(key.clone(), name.to_string()), |lookup| {
        optional(
            lookup.term_url(&key, &kind, &name).map(Value::from),
            required,
        )
    })
}

/// What names taxonomy `kind` of the render's language, or of `lang` (`Taxonomy::key`).
fn taxonomy_key(kind: &str, lang: Option<&str>) -> TeraResult<String> {
    SCOPE.with_borrow(|scope| {
        let scope = scope
            .as_ref()
            .ok_or_else(|| tera::Error::message("content is not loaded yet"))?;
        Ok(match lang.or(scope.lang.as_deref()) {
            Some(lang) if *lang != *scope.lookup.default_language => format!("{lang}/{kind}"),
            _ => kind.to_string(),
        })
    })
}

/// `trans(key="home", lang="zh-CN")`: an interface string of the theme or the site; `lang`
/// defaults to the render's `lang` if it has one, else `default_language`. With `default`,
/// a missing key prints that text instead of failing (for names a site may or may not
/// translate, such as its taxonomies': `trans(key="taxonomy_" ~ kind, default=kind)`).
///
/// It records no `Read`: the tables load with the templates, and a change to them (the theme's
/// `i18n/` or `site.toml`) reloads the templates, which renders every output again.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
fn trans(kwargs: Kwargs, state: &State) -> TeraResult<Value> {
    accept("trans", &kwargs, &["key", "lang", "default"])?;
    let key: Cow<str> = kwargs.must_get("key")?;
    let default: Option<Cow<str>> = kwargs.get("default")?;
    let lang = language(&kwargs, "lang", state)?;
    with_translations(|translations| {
        let lang = lang.as_deref().unwrap_or(translations.default_language());
        match (translations.get(&key, lang), default) {
            (Ok(text), _) => Ok(Value::from(text)),
            (Err(_), Some(default)) => Ok(Value::from(default.as_ref())),
            (Err(message), None) => Err(tera::Error::message(message)),
        }
    })
}

/// The language a call names by `argument` (`lang`, `locale`), else the render's `lang`;
/// `None` leaves it to `default_language`.
fn language(kwargs: &Kwargs, argument: &str, state: &State) -> TeraResult<Option<String>> {
    if let Some(lang) = kwargs.get(argument)? {
        return Ok(Some(lang));
    }
    // A component sees only its arguments: the page's language is the render's.
    let rendered = SCOPE.with_borrow(|scope| {
        scope
            .as_ref()
            .and_then(|scope| scope.lang.as_deref().map(str::to_string))
    });
    Ok(rendered.or_else(|| state.get("lang").ok().flatten()))
}

/// `{{ area.number | ordinal }}`: "fifth" in English, `第五` in Chinese, `5` in a language
/// without rules; `lang` defaults as `trans`'s does.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn ordinal(n: u64, kwargs: Kwargs, state: &State) -> TeraResult<String> {
    accept("ordinal", &kwargs, &["lang"])?;
    let lang = language(&kwargs, "lang", state)?;
    with_translations(|translations| {
        let lang = lang.as_deref().unwrap_or(translations.default_language());
        Ok(numbers::ordinal(n, lang))
    })
}

/// `{{ 1000000 | num_format }}` (Zola's): `1,000,000`, grouped as `locale` groups digits;
/// `locale` defaults to the render's `lang`, then `default_language`. A locale named in the
/// call must be known; a language that is not leaves the digits ungrouped.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn num_format(n: i64, kwargs: Kwargs, state: &State) -> TeraResult<String> {
    accept("num_format", &kwargs, &["locale"])?;
    if let Some(locale) = kwargs.get::<Cow<str>>("locale")? {
        return numbers::num_format(n, &locale).ok_or_else(|| {
            tera::Error::message(format!(
                "`num_format` does not know the locale `{locale}`{HINT_MARK}\
                 name a locale such as `en`, `zh`, `de`, `fr` or `en-IN`"
            ))
        });
    }
    let lang = language(&kwargs, "locale", state)?;
    with_translations(|translations| {
        let lang = lang.as_deref().unwrap_or(translations.default_language());
        Ok(numbers::num_format(n, lang).unwrap_or_else(|| n.to_string()))
    })
}

/// `{{ page.date | date(format="%e %B %Y") }}`; the format defaults to `%Y-%m-%d`.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes filter arguments by value"
)]
fn format_date(value: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    accept("date", &kwargs, &["format"])?;
    let format: &str = kwargs.get("format")?.unwrap_or("%Y-%m-%d");
    let date = Date::parse(value).map_err(tera::Error::message)?;
    if format == "%Y-%m-%d" {
        // The common case, without interpreting the format: listings format a date per page.
        return Ok(date.day().to_string());
    }
    let formatted = match date {
        Date::Day(day) => jiff::fmt::strtime::format(format, day),
        Date::AtOffset(local, offset) => {
            let mut time = BrokenDownTime::from(local);
            time.set_offset(Some(offset));
            time.to_string(format)
        }
        Date::Local(local) => jiff::fmt::strtime::format(format, local),
    };
    formatted.map_err(|error| {
        tera::Error::message(format!("cannot format `{value}` with `{format}`: {error}"))
    })
}

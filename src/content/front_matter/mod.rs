//! A Markdown file's text in, its front matter as written plus where its body starts out.
//!
//! Front matter is TOML between two `+++` lines, or YAML between two `---` lines, at the top of
//! the file after any blank lines (Zola's conventions). The keys are Zola's, plus the work-plan
//! data of a priority area (`[area]` with `[[area.tasks]]`). YAML is turned into TOML first
//! (see [`yaml`]), so both are read by the same types and checked by the same rules.

pub mod yaml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use jiff::fmt::temporal::{Pieces, PiecesNumericOffset, PiecesOffset};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::toml_error;

/// How a front matter is written, told by its delimiter line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `+++` lines.
    Toml,
    /// Between `---` lines.
    Yaml,
}

impl Format {
    fn delimiter(self) -> &'static str {
        match self {
            Self::Toml => "+++",
            Self::Yaml => "---",
        }
    }
}

/// Front matter of a page, as written.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub template: Option<Spanned<String>>,
    #[serde(default = "yes")]
    pub in_search_index: bool,
    #[serde(default)]
    pub taxonomies: BTreeMap<Spanned<String>, Vec<String>>,
    pub area: Option<Spanned<AreaFrontMatter>>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// Front matter of a section (`_index.md`), as written.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub sort_by: SortBy,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<Spanned<String>>,
    #[serde(default)]
    pub paginate_reversed: bool,
    pub template: Option<Spanned<String>>,
    pub page_template: Option<Spanned<String>>,
    #[serde(default)]
    pub insert_anchor_links: AnchorLinks,
    #[serde(default = "yes")]
    pub in_search_index: bool,
    #[serde(default = "yes")]
    pub render: bool,
    pub redirect_to: Option<String>,
    #[serde(default)]
    pub transparent: bool,
    #[serde(default)]
    pub generate_feeds: bool,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub extra: toml::Table,
}

fn yes() -> bool {
    true
}

/// How a section orders its pages: Zola's `sort_by` values.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// Lightest first; ties by date, then title. The default.
    #[default]
    Weight,
    /// Newest first.
    Date,
    /// Newest `updated` (else `date`) first.
    UpdateDate,
    /// By title, ignoring case.
    Title,
    /// By title, byte by byte (capitals before small letters, as Zola's `title_bytes`).
    TitleBytes,
    Slug,
    Permalink,
    /// The order of the files' names.
    None,
}

impl SortBy {
    /// Whether pages go newest first, so that the page before in the listing is `higher`.
    pub fn newest_first(self) -> bool {
        matches!(self, Self::Date | Self::UpdateDate)
    }
}

/// Where headings get a `#` link to themselves.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnchorLinks {
    #[default]
    None,
    Left,
    Right,
    Heading,
}

/// `[area]`: the page is a priority area of the plan.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct AreaFrontMatter {
    pub number: Spanned<u32>,
    #[serde(default)]
    pub tasks: Vec<TaskFrontMatter>,
}

/// One `[[area.tasks]]` entry.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct TaskFrontMatter {
    /// Its id in the plan (`5.3`); its area's number and its place when absent.
    pub id: Option<Spanned<String>>,
    pub title: Spanned<String>,
    /// Where it stands; with `updates`, the latest update's (and, if written, equal to it).
    pub status: Option<Spanned<Status>>,
    /// The unit that leads it.
    pub lead: Option<String>,
    /// The units that support it (配合单位).
    #[serde(default)]
    pub partners: Vec<String>,
    pub due: Option<Due>,
    /// The deadline in words (`6月底前`), shown instead of `due`, which then only sorts.
    pub due_text: Option<String>,
    pub note: Option<String>,
    /// Its history, oldest first.
    #[serde(default)]
    pub updates: Vec<UpdateFrontMatter>,
    /// A theme's own fields.
    #[serde(default)]
    pub extra: toml::Table,
}

/// One `[[area.tasks.updates]]` entry: the task's status from a day on.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct UpdateFrontMatter {
    pub date: Spanned<Date>,
    pub status: Status,
    pub note: Option<String>,
}

/// A task's deadline as written: a date, or words (`长期坚持`, "by the end of June").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    Date(Date),
    Text(String),
}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(deserializer)? {
            toml::Value::Datetime(datetime) => Date::from_toml(&datetime)
                .map(Self::Date)
                .ok_or_else(|| serde::de::Error::custom(format!("`{datetime}` is not a date"))),
            toml::Value::String(text) => {
                Ok(Date::parse(&text)
                    .map_or_else(|_| Self::Text(text.trim().to_string()), Self::Date))
            }
            other => Err(serde::de::Error::custom(format!(
                "a deadline is a date (`2024-06-30`) or words (`\"长期坚持\"`), not a {}",
                other.type_str()
            ))),
        }
    }
}

/// Where a task stands.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Planned,
    InProgress,
    Done,
    AtRisk,
}

impl Status {
    /// The values front matter may write, in the order of a task's life.
    pub const KEYS: [&'static str; 4] = ["planned", "in-progress", "done", "at-risk"];

    /// The status a word people use for it means (`doing`, `进行中`, `completed`, ...), in
    /// any case and with spaces or `_` for `-`; `None` for a word not known to mean one.
    pub fn meant_by(word: &str) -> Option<Self> {
        let word = word.trim().to_lowercase().replace([' ', '_'], "-");
        let status = match word.as_str() {
            "planned" | "plan" | "todo" | "to-do" | "not-started" | "pending" | "planning"
            | "scheduled" | "open" | "new" | "计划中" | "未开始" | "计划" | "待办" | "待开始" => {
                Self::Planned
            }
            "in-progress" | "inprogress" | "doing" | "ongoing" | "on-going" | "started"
            | "underway" | "under-way" | "active" | "wip" | "working" | "in-work" | "进行中"
            | "进行" | "实施中" | "推进中" | "正在进行" => Self::InProgress,
            "done" | "finished" | "complete" | "completed" | "closed" | "achieved" | "已完成"
            | "完成" | "完毕" | "已结束" => Self::Done,
            "at-risk" | "atrisk" | "blocked" | "risk" | "risky" | "delayed" | "late"
            | "overdue" | "stalled" | "stuck" | "有风险" | "风险" | "滞后" | "延期" | "受阻" => {
                Self::AtRisk
            }
            _ => return None,
        };
        Some(status)
    }

    /// The value written in front matter and given to templates.
    pub fn key(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::InProgress => "in-progress",
            Self::Done => "done",
            Self::AtRisk => "at-risk",
        }
    }

    /// How the theme names it to readers.
    pub fn label(self) -> &'static str {
        match self {
            Self::Planned => "Planned",
            Self::InProgress => "In progress",
            Self::Done => "Done",
            Self::AtRisk => "At risk",
        }
    }
}

/// A date as front matter gives it: a TOML date or datetime, or a string holding one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Date {
    Day(jiff::civil::Date),
    /// A date-time at an offset from UTC, kept as written: `2024-03-01T08:00:00+08:00` is the
    /// first of March to its readers, though it is still February in UTC.
    AtOffset(jiff::civil::DateTime, jiff::tz::Offset),
    Local(jiff::civil::DateTime),
}

impl Date {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let not_a_date = || format!("`{text}` is not a date");
        let pieces = Pieces::parse(text).map_err(|_| not_a_date())?;
        let offset = pieces.offset().map(|offset| offset.to_numeric_offset());
        Self::from_parts(pieces.date(), pieces.time(), offset).ok_or_else(not_a_date)
    }

    /// A date from its parts as written: a day, maybe a time, and an offset only with a time.
    fn from_parts(
        day: jiff::civil::Date,
        time: Option<jiff::civil::Time>,
        offset: Option<jiff::tz::Offset>,
    ) -> Option<Self> {
        Some(match (time, offset) {
            (None, None) => Self::Day(day),
            (Some(time), None) => Self::Local(day.to_datetime(time)),
            (Some(time), Some(offset)) => Self::AtOffset(day.to_datetime(time), offset),
            (None, Some(_)) => return None,
        })
    }

    /// A civil date-time for ordering pages; date-times at an offset are taken in UTC.
    pub fn sort_key(self) -> jiff::civil::DateTime {
        match self {
            Self::Day(day) => day.to_datetime(jiff::civil::Time::midnight()),
            Self::AtOffset(local, offset) => match offset.to_timestamp(local) {
                Ok(instant) => jiff::tz::Offset::UTC.to_datetime(instant),
                Err(_) => local, // beyond the range of instants: as written
            },
            Self::Local(local) => local,
        }
    }

    /// A TOML date or date-time, taken field by field (a time alone is no date).
    fn from_toml(written: &toml::value::Datetime) -> Option<Self> {
        let date = written.date?;
        let day = jiff::civil::Date::new(
            i16::try_from(date.year).ok()?,
            i8::try_from(date.month).ok()?,
            i8::try_from(date.day).ok()?,
        )
        .ok()?;
        let time = match written.time {
            Some(time) => Some(
                jiff::civil::Time::new(
                    i8::try_from(time.hour).ok()?,
                    i8::try_from(time.minute).ok()?,
                    i8::try_from(time.second.unwrap_or(0)).ok()?,
                    i32::try_from(time.nanosecond.unwrap_or(0)).ok()?,
                )
                .ok()?,
            ),
            None => None,
        };
        let offset = match written.offset {
            Some(toml::value::Offset::Z) => Some(jiff::tz::Offset::UTC),
            Some(toml::value::Offset::Custom { minutes }) => {
                Some(jiff::tz::Offset::from_seconds(i32::from(minutes) * 60).ok()?)
            }
            None => None,
        };
        Self::from_parts(day, time, offset)
    }

    /// The day it falls on where it was written.
    pub fn day(self) -> jiff::civil::Date {
        match self {
            Self::Day(day) => day,
            Self::AtOffset(local, _) | Self::Local(local) => local.date(),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Day(day) => write!(f, "{day}"),
            Self::AtOffset(local, offset) if *offset == jiff::tz::Offset::UTC => {
                write!(f, "{local}Z")
            }
            // RFC 3339's `+08:00` (an offset alone prints as `+08`).
            Self::AtOffset(local, offset) => {
                let offset = PiecesOffset::from(PiecesNumericOffset::from(*offset));
                write!(f, "{}", Pieces::from(*local).with_offset(offset))
            }
            Self::Local(local) => write!(f, "{local}"),
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = match toml::Value::deserialize(deserializer)? {
            toml::Value::Datetime(datetime) => {
                return Self::from_toml(&datetime).ok_or_else(|| {
                    serde::de::Error::custom(format!("`{datetime}` is not a date"))
                });
            }
            toml::Value::String(text) => text,
            other => {
                // An "invalid type" error, so that the hint names the shape expected.
                return Err(serde::de::Error::invalid_type(
                    serde::de::Unexpected::Other(other.type_str()),
                    &"a date like `2024-03-01`",
                ));
            }
        };
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A file split at its front matter.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    pub format: Format,
    /// Byte offset of the front matter's first byte in the file.
    pub front_matter_start: usize,
    /// Byte offset of the body's first byte in the file.
    pub body_start: usize,
}

/// Finds the `+++` (or `---`) lines. `path` is only used for messages.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    // Zola allows blank lines (any white space) before the opening line.
    let start = text.len() - text.trim_start().len();
    let opening = text[start..].lines().next().unwrap_or_default();
    let format = match opening.trim_end() {
        "+++" => Format::Toml,
        "---" => Format::Yaml,
        _ => {
            return Err(Diagnostic::at(
                path,
                text,
                start..start + opening.len(),
                "missing front matter",
            )
            .with_label("expected `+++` here")
            .with_hint(
                "start the file with a `+++` line, then TOML such as `title = \"...\"`, then \
                 `+++` (or YAML between `---` lines)",
            ));
        }
    };
    let delimiter = format.delimiter();
    let front_matter_start =
        start + opening.len() + line_ending_len(&text[start + opening.len()..]);
    let mut offset = front_matter_start;
    for line in text[front_matter_start..].split_inclusive('\n') {
        if line.trim_end() == delimiter {
            return Ok(Split {
                front_matter: &text[front_matter_start..offset],
                format,
                front_matter_start,
                body_start: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::at(path, text, start..start + 3, "front matter is never closed")
            .with_label("opened here")
            .with_hint(format!(
                "add a line with only `{delimiter}` after the last front matter key"
            )),
    )
}

/// Where a string of the front matter holds a NUL written as an escape (`"\\u0000"`), as a
/// span of the file. The front matter is parsed again only when it holds an escape that can
/// write one.
pub fn escaped_nul(split: &Split<'_>) -> Option<std::ops::Range<usize>> {
    let text = split.front_matter;
    // YAML's converter refuses a NUL itself, at its string.
    if split.format == Format::Yaml
        || !["\\u", "\\U", "\\x"]
            .iter()
            .any(|escape| text.contains(escape))
    {
        return None;
    }
    let table = toml::de::DeTable::parse(text).ok()?;
    let mut values: Vec<&Spanned<toml::de::DeValue<'_>>> = table.get_ref().values().collect();
    let mut keys = table.get_ref().keys();
    if let Some(key) = keys.find(|key| key.get_ref().contains('\0')) {
        return Some(shifted(split, key.span()));
    }
    while let Some(value) = values.pop() {
        match value.get_ref() {
            toml::de::DeValue::String(string) if string.contains('\0') => {
                return Some(shifted(split, value.span()));
            }
            toml::de::DeValue::Array(array) => values.extend(array.iter()),
            toml::de::DeValue::Table(table) => {
                if let Some(key) = table.keys().find(|key| key.get_ref().contains('\0')) {
                    return Some(shifted(split, key.span()));
                }
                values.extend(table.values());
            }
            _ => {}
        }
    }
    None
}

fn shifted(split: &Split<'_>, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    split.front_matter_start + span.start..split.front_matter_start + span.end
}

fn line_ending_len(rest: &str) -> usize {
    if rest.starts_with("\r\n") {
        2
    } else {
        usize::from(rest.starts_with('\n'))
    }
}

/// Parses the front matter of a split file as `T`, locating any error in the file. YAML front
/// matter comes back with its TOML form, which maps the spans of `T`'s fields to the file.
pub fn parse<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &str,
    split: &Split<'_>,
) -> Result<(T, Option<Arc<yaml::Yaml>>), Diagnostic> {
    match split.format {
        Format::Toml => toml::from_str(split.front_matter)
            .map(|value| (value, None))
            .map_err(|error| toml_error::diagnostic(path, text, split.front_matter_start, &error)),
        Format::Yaml => {
            let converted = yaml::to_toml(split.front_matter).map_err(|problem| {
                Diagnostic::at(path, text, shifted(split, problem.span), problem.message)
                    .with_hint(problem.hint)
            })?;
            let value = toml::from_str(&converted.toml).map_err(|error| {
                let span = converted.locate(&error.span().unwrap_or_default());
                toml_error::located(path, text, shifted(split, span), &error)
            })?;
            Ok((value, Some(Arc::new(converted))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_ok(text: &str) -> Split<'_> {
        split(Path::new("x.md"), text).unwrap()
    }

    #[test]
    fn splits_front_matter_from_body() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let parts = split_ok(text);
        assert_eq!(parts.front_matter, "title = \"A\"\n");
        assert_eq!(&text[parts.body_start..], "Body\n");
    }

    #[test]
    fn handles_crlf_and_empty_front_matter() {
        let text = "+++\r\n+++\r\nBody";
        let parts = split_ok(text);
        assert_eq!(parts.front_matter, "");
        assert_eq!(&text[parts.body_start..], "Body");
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_located() {
        let missing = split(Path::new("x.md"), "title = 1\n").unwrap_err();
        assert_eq!(missing.message, "missing front matter");
        assert_eq!(missing.position(), "x.md:1:1");
        let unclosed_yaml = split(Path::new("x.md"), "\n---\ntitle: a\n").unwrap_err();
        assert_eq!(unclosed_yaml.position(), "x.md:2:1");
        assert!(unclosed_yaml.hint.unwrap().contains("`---`"));
        let unclosed = split(Path::new("x.md"), "+++\ntitle = \"a\"\nbody\n").unwrap_err();
        assert_eq!(unclosed.message, "front matter is never closed");
    }

    /// Zola reads front matter after blank lines, and YAML between `---` lines.
    #[test]
    fn blank_lines_may_come_first_and_yaml_reads_as_toml_does() {
        let text = "\n  \n+++\ntitle = \"A\"\n+++\nBody";
        let parts = split_ok(text);
        assert_eq!(
            (parts.format, parts.front_matter),
            (Format::Toml, "title = \"A\"\n")
        );
        assert_eq!(&text[parts.body_start..], "Body");

        let text =
            "\r\n---\r\ntitle: A\r\nweight: 2\r\ntaxonomies:\r\n  topics: [x]\r\n---\r\nBody";
        let parts = split_ok(text);
        assert_eq!(parts.format, Format::Yaml);
        let (front, yaml) = parse::<PageFrontMatter>(Path::new("x.md"), text, &parts).unwrap();
        assert_eq!((front.title.as_str(), front.weight), ("A", Some(2)));
        assert!(yaml.is_some());
        assert_eq!(&text[parts.body_start..], "Body");
    }

    #[test]
    fn yaml_errors_point_into_the_yaml() {
        let text = "---\ntitle: A\nweight: heavy\n---\n";
        let error = parse::<PageFrontMatter>(Path::new("x.md"), text, &split_ok(text)).unwrap_err();
        assert_eq!(error.position(), "x.md:3:9", "{}", error.message);
        let text = "---\ntitle: A\ncolour: blue\n---\n";
        let error = parse::<PageFrontMatter>(Path::new("x.md"), text, &split_ok(text)).unwrap_err();
        assert_eq!(error.position(), "x.md:3:1", "{}", error.message);
        assert!(error.message.contains("colour"), "{}", error.message);
        let text = "---\ntitle: [A\n---\n";
        let error = parse::<PageFrontMatter>(Path::new("x.md"), text, &split_ok(text)).unwrap_err();
        assert!(error.message.starts_with("YAML: "), "{}", error.message);
    }

    #[test]
    fn parse_errors_point_into_the_file() {
        let text = "+++\ntitle = \"A\"\nweight = \"heavy\"\n+++\n";
        let parts = split_ok(text);
        let error = parse::<PageFrontMatter>(Path::new("x.md"), text, &parts).unwrap_err();
        assert_eq!(error.position(), "x.md:3:10");
    }

    #[test]
    fn dates_in_every_form_zola_accepts() {
        let parse = |s| Date::parse(s).unwrap().to_string();
        assert_eq!(parse("2024-03-01"), "2024-03-01");
        assert_eq!(parse("2024-03-01T09:30:00Z"), "2024-03-01T09:30:00Z");
        assert_eq!(parse("2024-03-01 09:30:00"), "2024-03-01T09:30:00");
        assert_eq!(
            parse("2024-03-01T09:30:00+08:00"),
            "2024-03-01T09:30:00+08:00"
        );
        assert!(Date::parse("2024-13-01").is_err());
        assert!(Date::parse("next Tuesday").is_err());
    }

    #[test]
    fn toml_dates_read_as_the_same_text_would() {
        for text in [
            "2024-03-01",
            "2024-03-01T09:30:00",
            "2024-03-01T09:30:00.25",
            "2024-03-01T09:30:00Z",
            "2024-03-01T00:30:00+08:00",
            "2024-03-01T09:30:00-05:30",
        ] {
            let front: PageFrontMatter = toml::from_str(&format!("date = {text}")).unwrap();
            assert_eq!(front.date, Some(Date::parse(text).unwrap()), "{text}");
        }
        let invalid = toml::from_str::<PageFrontMatter>("date = 2024-02-30");
        assert!(invalid.is_err());
        let time_alone = toml::from_str::<PageFrontMatter>("date = 09:30:00");
        assert!(time_alone.is_err());
    }

    #[test]
    fn a_date_at_an_offset_keeps_its_day_and_sorts_in_utc() {
        // Half past midnight in Nanning is still the day before in UTC.
        let date = Date::parse("2024-03-01T00:30:00+08:00").unwrap();
        assert_eq!(date.day().to_string(), "2024-03-01");
        assert_eq!(date.sort_key().to_string(), "2024-02-29T16:30:00");
        let utc = Date::parse("2024-02-29T16:30:00Z").unwrap();
        assert_eq!(utc.sort_key(), date.sort_key());
        assert_eq!(utc.day().to_string(), "2024-02-29");
    }

    #[test]
    fn bad_date_in_front_matter_is_an_error_at_the_value() {
        let text = "+++\ndate = \"2024-02-30\"\n+++\n";
        let parts = split_ok(text);
        let error = parse::<PageFrontMatter>(Path::new("x.md"), text, &parts).unwrap_err();
        assert_eq!(error.position(), "x.md:2:8");
        assert!(error.message.contains("is not a date"), "{}", error.message);
    }

    #[test]
    fn unknown_status_lists_every_status_and_guesses_none() {
        let text = "+++\n[area]\nnumber = 1\n[[area.tasks]]\ntitle = \"t\"\nstatus = \"in-progres\"\n+++\n";
        let parts = split_ok(text);
        let error = parse::<PageFrontMatter>(Path::new("x.md"), text, &parts).unwrap_err();
        assert_eq!(
            error.hint.as_deref(),
            Some("use one of `planned`, `in-progress`, `done`, `at-risk`")
        );
        assert_eq!(error.position(), "x.md:6:10");
    }

    #[test]
    fn an_escaped_nul_is_found_in_any_string() {
        for (text, at) in [
            ("+++\ntitle = \"a\\u0000\"\n+++\n", "\"a"),
            (
                "+++\n[extra]\nx = [{ y = \"\\U00000000\" }]\n+++\n",
                "\"\\U",
            ),
            ("+++\n\"k\\u0000\" = 1\n+++\n", "\"k"),
        ] {
            let parts = split_ok(text);
            let span = escaped_nul(&parts).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(span.start, text.find(at).unwrap(), "{text}");
        }
        let fine = "+++\ntitle = \"\\u00e9\"\nx = '\\u0000'\n+++\n";
        assert_eq!(escaped_nul(&split_ok(fine)), None);
    }

    #[test]
    fn words_for_a_status_map_to_it() {
        for (words, status) in [
            (
                &[
                    "doing",
                    "ongoing",
                    "in progress",
                    "In_Progress",
                    "started",
                    "underway",
                    "active",
                    "wip",
                    "进行中",
                ][..],
                Status::InProgress,
            ),
            (
                &[
                    "finished",
                    "complete",
                    "completed",
                    "已完成",
                    "完成",
                    "Done",
                ][..],
                Status::Done,
            ),
            (
                &["todo", "not started", "pending", "计划中", "未开始"][..],
                Status::Planned,
            ),
            (
                &["blocked", "risk", "delayed", "late", "有风险", "滞后"][..],
                Status::AtRisk,
            ),
        ] {
            for word in words {
                assert_eq!(Status::meant_by(word), Some(status), "{word}");
            }
        }
        assert_eq!(Status::meant_by("dome"), None);
        for key in Status::KEYS {
            assert_eq!(Status::meant_by(key).map(Status::key), Some(key));
        }
    }
}

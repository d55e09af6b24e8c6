//! The maintainers' edits of the plan in, priority area files rewritten out: `new area`,
//! `new task` and `status`.
//!
//! The areas are the pages of the default language with `[area]` in their front matter
//! (translations, `name.<code>.md`, are never edited: they take a task's status from the
//! original). Front matter is read with `toml_edit`, whose spans say where a task's text ends;
//! the new text is spliced in there, so every other byte of the file stays as it was
//! (comments, blank lines, key order, quoting, line endings). A file is written beside itself
//! and renamed over the old one, so a live preview never reads half of it.

use std::fmt;
use std::fs;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use jiff::civil::Date;
use toml_edit::{Item, Table, Value};

use crate::config::{self, Config};
use crate::content::front_matter::{self, Status};
use crate::content::{CONTENT_DIR, is_ignored};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Where a plan without areas gets its first one.
const DEFAULT_AREA_FOLDER: &str = "priorities";
const BYTE_ORDER_MARK: &str = "\u{feff}";

/// The plan's areas as their files hold them, ready to be edited.
pub struct Plan {
    root: PathBuf,
    /// The other languages' codes: `name.<code>.md` is a translation, not an area.
    translations: Vec<String>,
    /// In their numbers' order.
    areas: Vec<AreaFile>,
}

/// A page of the default language with `[area]`.
struct AreaFile {
    /// Relative to the site root, as messages show it.
    path: PathBuf,
    /// The file's text without a byte order mark.
    text: String,
    byte_order_mark: bool,
    /// Where the front matter is in `text`.
    front_matter: Range<usize>,
    number: u32,
    /// `slug` as written, else the file name without its number.
    slug: String,
    tasks: Vec<TaskEntry>,
    /// Where a first `[[area.tasks]]` goes: after the `[area]` table.
    area_end: usize,
    /// Whether the tasks are an inline array, which no table can be appended to.
    inline_tasks: bool,
}

/// One task as written.
struct TaskEntry {
    id: String,
    /// The last update's status, else `status`, else planned.
    status: Status,
    last_update: Option<Date>,
    /// In the file: just after the last line of the task's tables and values.
    end: usize,
    /// In the file: the value of its `status` key.
    status_value: Option<Range<usize>>,
    /// Whether its `updates` are an inline array, which no table can be appended to.
    inline_updates: bool,
}

/// A refusal of what the command asked, with what to do instead.
#[derive(Debug)]
pub struct Refusal {
    pub message: String,
    pub help: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\nhelp: {}", self.message, self.help)
    }
}

impl std::error::Error for Refusal {}

fn refuse(message: impl Into<String>, help: impl Into<String>) -> anyhow::Error {
    Refusal {
        message: message.into(),
        help: help.into(),
    }
    .into()
}

/// What `new task` did.
#[derive(Debug)]
pub struct NewTask {
    pub id: String,
    /// The area's file, relative to the root.
    pub path: PathBuf,
    /// Its translations, which need the task too (relative to the root).
    pub translations: Vec<PathBuf>,
}

/// What `status` asks.
#[derive(Debug, Default)]
pub struct StatusChange {
    pub id: String,
    /// As typed: one of [`Status::KEYS`].
    pub status: String,
    pub note: Option<String>,
    /// As typed (`YYYY-MM-DD`); today when `None`.
    pub date: Option<String>,
}

/// What `status` did.
#[derive(Debug)]
pub struct StatusChanged {
    pub id: String,
    pub from: Status,
    pub to: Status,
    pub date: Date,
    /// The area's file, relative to the root.
    pub path: PathBuf,
    /// The translations that write the task's `status` otherwise, with what they write: a
    /// translation may leave it out, or must write the original's.
    pub disagreeing: Vec<(PathBuf, String)>,
}

impl fmt::Display for StatusChanged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} -> {} ({}), {}",
            self.id,
            self.from.key(),
            self.to.key(),
            self.date,
            shown(&self.path)
        )
    }
}

/// Today where this machine is (its clock and time zone), for what is written today.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

impl Plan {
    /// Reads the areas of the site at `root` (configured by `config_file`).
    pub fn read(root: &Path, config_file: &str) -> anyhow::Result<Self> {
        let config = config::load(root, config_file, &config::Overrides::default())?;
        Self::read_with(&config)
    }

    fn read_with(config: &Config) -> anyhow::Result<Self> {
        let translations = config.languages[1..]
            .iter()
            .map(|language| language.code.clone())
            .collect::<Vec<_>>();
        let content = config.root.join(CONTENT_DIR);
        let mut areas = Vec::new();
        let mut problems = Diagnostics::default();
        if content.is_dir() {
            let walker = walkdir::WalkDir::new(&content)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|entry| {
                    entry.depth() == 0 || !is_ignored(&entry.file_name().to_string_lossy())
                });
            for entry in walker {
                let entry = entry.with_context(|| format!("listing {}", content.display()))?;
                let name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file()
                    || !name.ends_with(".md")
                    || name.starts_with("_index.")
                    || translation_code(&name).is_some_and(|code| translations.contains(&code))
                {
                    continue;
                }
                let path = entry.path().strip_prefix(&config.root)?.to_path_buf();
                match AreaFile::read(&config.root, path) {
                    Ok(Some(area)) => areas.push(area),
                    Ok(None) => {}
                    Err(problem) => problems.push(problem),
                }
            }
        }
        let areas = problems.into_result(areas)?;
        let mut plan = Self {
            root: config.root.clone(),
            translations,
            areas,
        };
        plan.areas.sort_by_key(|area| area.number);
        Ok(plan)
    }

    /// Writes a new priority area numbered after the last one, in the folder of the last
    /// one; returns its path (relative to the root).
    pub fn new_area(
        &self,
        title: &str,
        slug: Option<&str>,
        today: Date,
    ) -> anyhow::Result<PathBuf> {
        if title.trim().is_empty() {
            bail!("an area needs a title");
        }
        let number = self.areas.last().map_or(1, |area| area.number + 1);
        let slug = match slug {
            Some(written) => {
                let slug = ascii_words(written);
                if slug.is_empty() {
                    return Err(refuse(
                        format!("`{written}` cannot name a file: it has no ASCII letter or digit"),
                        "write the slug in ASCII lower-case words joined by `-`, e.g. \
                         `--slug rural-schools`",
                    ));
                }
                slug
            }
            None => {
                let slug = ascii_words(title);
                if slug.is_empty() {
                    return Err(refuse(
                        format!("the title `{title}` has no ASCII word to name the file after"),
                        format!(
                            "give the area's file name and address with `--slug`, e.g. \
                             `workplan new area \"{title}\" --slug rural-schools`"
                        ),
                    ));
                }
                slug
            }
        };
        let folder = match self.areas.last() {
            Some(area) => area
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            None => Path::new(CONTENT_DIR).join(DEFAULT_AREA_FOLDER),
        };
        let path = folder.join(format!("{number:02}-{slug}.md"));
        let text = format!(
            "+++\ntitle = {title}\ndescription = \"\"\nweight = {number}\ndate = {today}\nslug = {slug}\n\n\
             [area]\nnumber = {number}\n+++\n\nWhat this priority area sets out to do, and how.\n",
            title = Value::from(title.trim()),
            slug = Value::from(slug.as_str()),
        );
        let absolute = self.root.join(&path);
        fs::create_dir_all(self.root.join(&folder))
            .with_context(|| format!("creating {}", folder.display()))?;
        let like = self.areas.last().map(|area| self.root.join(&area.path));
        write_new(&absolute, text.as_bytes(), like.as_deref()).map_err(|error| {
            if error.kind() == std::io::ErrorKind::AlreadyExists {
                refuse(
                    format!("{} exists already", shown(&path)),
                    "workplan never overwrites a file: pass another `--slug`, or rename the file",
                )
            } else {
                anyhow::Error::new(error).context(format!("writing {}", path.display()))
            }
        })?;
        Ok(path)
    }

    /// Appends a task titled `title` to the area named by `area` (its number or slug).
    pub fn new_task(&self, area: &str, title: &str) -> anyhow::Result<NewTask> {
        if title.trim().is_empty() {
            bail!("a task needs a title");
        }
        let file = self.area(area)?;
        if file.inline_tasks {
            return Err(refuse(
                format!("the tasks of {} are an inline array", shown(&file.path)),
                "write each task as a `[[area.tasks]]` table to add tasks with workplan",
            ));
        }
        let id = next_id(file.number, file.tasks.iter().map(|task| task.id.as_str()));
        let at = file.tasks.last().map_or(file.area_end, |task| task.end);
        let nl = file.line_ending();
        let table = format!(
            "{nl}[[area.tasks]]{nl}id = {}{nl}title = {}{nl}status = \"planned\"{nl}",
            Value::from(id.as_str()),
            Value::from(title.trim()),
        );
        let text = splice(&file.text, at..at, &table);
        // The new text must read back with the task in its place.
        let written = AreaFile::parse(file.path.clone(), text, file.byte_order_mark)
            .map_err(Diagnostics::from)?;
        let placed = written
            .as_ref()
            .and_then(|area| area.tasks.last())
            .is_some_and(|task| task.id == id);
        if !placed {
            bail!("the task could not be added to {}", shown(&file.path));
        }
        file.write(&self.root, &written.expect("checked above").text)?;
        Ok(NewTask {
            id,
            translations: self.translations_of(file),
            path: file.path.clone(),
        })
    }

    /// Appends an update to a task's history (and sets its `status`, if it has one, to the
    /// same value, so that both agree).
    pub fn set_status(&self, change: &StatusChange, today: Date) -> anyhow::Result<StatusChanged> {
        let id = change.id.trim();
        let (file, index) = self.task(id)?;
        let task = &file.tasks[index];
        let to = parse_status(&change.status)?;
        let date = match &change.date {
            Some(text) => parse_date(text)?,
            None => today,
        };
        if let Some(last) = task.last_update
            && date < last
        {
            return Err(refuse(
                format!("task {id} was last updated on {last}, after {date}"),
                format!(
                    "a task's history is kept in order: date the update {last} or later \
                     (`--date {last}`)"
                ),
            ));
        }
        if task.inline_updates {
            return Err(refuse(
                format!("the updates of task {id} are an inline array"),
                "write each update as an `[[area.tasks.updates]]` table to add updates with workplan",
            ));
        }
        let nl = file.line_ending();
        let mut table = format!(
            "{nl}[[area.tasks.updates]]{nl}date = {date}{nl}status = \"{}\"{nl}",
            to.key()
        );
        if let Some(note) = change
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            table.push_str(&format!("note = {}{nl}", Value::from(note)));
        }
        let mut text = splice(&file.text, task.end..task.end, &table);
        // The `status` key comes before the end: replaced after the insertion, its span holds.
        if let Some(span) = &task.status_value {
            let quote = if file.text[span.clone()].starts_with('\'') {
                '\''
            } else {
                '"'
            };
            text = splice(&text, span.clone(), &format!("{quote}{}{quote}", to.key()));
        }
        let written = AreaFile::parse(file.path.clone(), text, file.byte_order_mark)
            .map_err(Diagnostics::from)?
            .with_context(|| format!("{} lost its [area]", shown(&file.path)))?;
        let recorded = written
            .tasks
            .iter()
            .find(|written| written.id == id)
            .is_some_and(|written| written.status == to && written.last_update == Some(date));
        if !recorded {
            bail!("the update could not be added to {}", shown(&file.path));
        }
        file.write(&self.root, &written.text)?;
        let disagreeing = self
            .translations_of(file)
            .into_iter()
            .filter_map(|path| {
                let status = translated_status(&self.root.join(&path), index)?;
                (status != to.key()).then_some((path, status))
            })
            .collect();
        Ok(StatusChanged {
            id: id.to_string(),
            from: task.status,
            to,
            date,
            path: file.path.clone(),
            disagreeing,
        })
    }

    /// The area whose number or slug is `name`.
    fn area(&self, name: &str) -> anyhow::Result<&AreaFile> {
        let name = name.trim();
        let by_number = name.parse::<u32>().ok();
        let found = self.areas.iter().find(|area| {
            Some(area.number) == by_number
                || area.slug == name
                || area.path.file_stem().is_some_and(|stem| stem == name)
        });
        found.ok_or_else(|| {
            let known = self
                .areas
                .iter()
                .map(|area| format!("{} ({})", area.number, area.slug))
                .collect::<Vec<_>>();
            if known.is_empty() {
                refuse(
                    format!("no area `{name}`: the plan has no areas yet"),
                    "add one with `workplan new area \"Title\"`",
                )
            } else {
                refuse(
                    format!("no area `{name}`"),
                    format!("name an area by its number or slug: {}", known.join(", ")),
                )
            }
        })
    }

    /// The area and the index of the task whose id is `id`.
    fn task(&self, id: &str) -> anyhow::Result<(&AreaFile, usize)> {
        let mut found = self.areas.iter().flat_map(|area| {
            let tasks = area.tasks.iter().enumerate();
            tasks
                .filter(|(_, task)| task.id == id)
                .map(move |(index, _)| (area, index))
        });
        let Some(first) = found.next() else {
            let ids: Vec<&str> = self
                .areas
                .iter()
                .flat_map(|area| area.tasks.iter().map(|task| task.id.as_str()))
                .collect();
            if ids.is_empty() {
                return Err(refuse(
                    format!("no task has the id `{id}`: the plan has no tasks yet"),
                    "add one with `workplan new task AREA \"Title\"`",
                ));
            }
            let nearest = ids
                .iter()
                .min_by_key(|known| strsim::levenshtein(id, known))
                .expect("not empty");
            return Err(refuse(
                format!("no task has the id `{id}`"),
                format!(
                    "did you mean `{nearest}`? The tasks' ids: {}",
                    ids.join(", ")
                ),
            ));
        };
        if let Some((other, _)) = found.next() {
            return Err(refuse(
                format!("two tasks have the id `{id}`"),
                format!(
                    "give one of them another `id` in {} or {}",
                    shown(&first.0.path),
                    shown(&other.path)
                ),
            ));
        }
        Ok(first)
    }

    /// The translations of an area's file that are there.
    fn translations_of(&self, file: &AreaFile) -> Vec<PathBuf> {
        let name = file.path.to_string_lossy();
        let stem = name.strip_suffix(".md").unwrap_or(&name);
        self.translations
            .iter()
            .map(|code| PathBuf::from(format!("{stem}.{code}.md")))
            .filter(|path| self.root.join(path).is_file())
            .collect()
    }
}

impl AreaFile {
    /// The file at `path` (relative to `root`) if it is an area.
    fn read(root: &Path, path: PathBuf) -> Result<Option<Self>, Diagnostic> {
        let bytes = fs::read(root.join(&path))
            .map_err(|error| Diagnostic::file(&path, format!("cannot read file: {error}")))?;
        let text = crate::diagnostic::utf8(&path, bytes)?;
        let (text, byte_order_mark) = match text.strip_prefix(BYTE_ORDER_MARK) {
            Some(rest) => (rest.to_string(), true),
            None => (text, false),
        };
        Self::parse(path, text, byte_order_mark)
    }

    /// `text` as an area; `None` when its front matter has no `[area]` with a number.
    fn parse(
        path: PathBuf,
        text: String,
        byte_order_mark: bool,
    ) -> Result<Option<Self>, Diagnostic> {
        let split = front_matter::split(&path, &text)?;
        if split.format == front_matter::Format::Yaml {
            // toml_edit keeps every byte of TOML it does not change; nothing does so for YAML.
            return Err(Diagnostic::at(
                &path,
                &text,
                0..split.front_matter_start,
                "this area's front matter is YAML: workplan edits only TOML front matter",
            )
            .with_hint("write the front matter as TOML between `+++` lines, or edit it by hand"));
        }
        let start = split.front_matter_start;
        let front_matter = start..start + split.front_matter.len();
        let document = toml_edit::Document::parse(split.front_matter).map_err(|error| {
            let span = error.span().unwrap_or_default();
            Diagnostic::at(
                &path,
                &text,
                start + span.start..start + span.end,
                error.message(),
            )
        })?;
        let Some(area) = document.get("area").and_then(Item::as_table_like) else {
            return Ok(None);
        };
        let Some(number) = area
            .get("number")
            .and_then(Item::as_integer)
            .and_then(|number| u32::try_from(number).ok())
        else {
            return Ok(None);
        };
        let in_file = |end: usize| start + after_line(split.front_matter, end);
        let area_end = match document.get("area") {
            Some(Item::Table(table)) if table.span().is_some() => in_file(content_end(table)),
            // Dotted keys or an inline table: a table header is safe only at the end.
            _ => front_matter.end,
        };
        let mut tasks = Vec::new();
        let mut inline_tasks = false;
        match area.get("tasks") {
            Some(Item::ArrayOfTables(array)) => {
                for (index, table) in array.iter().enumerate() {
                    tasks.push(TaskEntry::read(number, index, table, &in_file, start));
                }
            }
            Some(Item::Value(Value::Array(array))) => {
                inline_tasks = true;
                for (index, value) in array.iter().enumerate() {
                    if let Some(table) = value.as_inline_table() {
                        let id = table.get("id").and_then(Value::as_str);
                        tasks.push(TaskEntry::inline(number, index, id));
                    }
                }
            }
            _ => {}
        }
        let slug = match document.get("slug").and_then(Item::as_str) {
            Some(slug) => slug.to_string(),
            None => {
                let stem = path.file_stem().unwrap_or_default().to_string_lossy();
                stem.trim_start_matches(|c: char| c.is_ascii_digit())
                    .trim_start_matches(['-', '_'])
                    .to_string()
            }
        };
        Ok(Some(Self {
            path,
            byte_order_mark,
            front_matter,
            number,
            slug,
            tasks,
            area_end,
            inline_tasks,
            text,
        }))
    }

    /// The file's line ending, for the lines added to it.
    fn line_ending(&self) -> &'static str {
        if self.text[self.front_matter.clone()].contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// Writes `text` over the file, atomically.
    fn write(&self, root: &Path, text: &str) -> anyhow::Result<()> {
        let mut bytes = Vec::with_capacity(text.len() + BYTE_ORDER_MARK.len());
        if self.byte_order_mark {
            bytes.extend_from_slice(BYTE_ORDER_MARK.as_bytes());
        }
        bytes.extend_from_slice(text.as_bytes());
        replace(&root.join(&self.path), &bytes)
            .with_context(|| format!("writing {}", self.path.display()))
    }
}

impl TaskEntry {
    fn read(
        area: u32,
        index: usize,
        table: &Table,
        in_file: &impl Fn(usize) -> usize,
        start: usize,
    ) -> Self {
        let written = table.get("id").and_then(Item::as_str);
        let mut task = Self::inline(area, index, written);
        task.end = in_file(content_end(table));
        let status = table.get("status").and_then(Item::as_value);
        task.status_value = status
            .and_then(Value::span)
            .map(|span| start + span.start..start + span.end);
        if let Some(status) = status.and_then(Value::as_str).and_then(status_of) {
            task.status = status;
        }
        let last = match table.get("updates") {
            Some(Item::ArrayOfTables(updates)) => updates.iter().last().map(|update| {
                (
                    update.get("status").and_then(Item::as_str),
                    update.get("date").and_then(Item::as_value),
                )
            }),
            Some(Item::Value(Value::Array(updates))) => {
                task.inline_updates = true;
                updates
                    .iter()
                    .last()
                    .and_then(Value::as_inline_table)
                    .map(|update| {
                        (
                            update.get("status").and_then(Value::as_str),
                            update.get("date"),
                        )
                    })
            }
            _ => None,
        };
        if let Some((status, date)) = last {
            if let Some(status) = status.and_then(status_of) {
                task.status = status;
            }
            task.last_update = date.and_then(day_of);
        }
        task
    }

    /// A task whose place in the file is not known.
    fn inline(area: u32, index: usize, id: Option<&str>) -> Self {
        Self {
            id: id.map_or_else(|| format!("{area}.{}", index + 1), str::to_string),
            status: Status::Planned,
            last_update: None,
            end: 0,
            status_value: None,
            inline_updates: false,
        }
    }
}

/// The `status` that the translation at `path` writes for the task at `index`, if it writes
/// one (and can be read: the build reports a translation it cannot read).
fn translated_status(path: &Path, index: usize) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let text = text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(&text);
    let split = front_matter::split(path, text).ok()?;
    let document = toml_edit::Document::parse(split.front_matter).ok()?;
    let tasks = document.get("area")?.as_table_like()?.get("tasks")?;
    let task = match tasks {
        Item::ArrayOfTables(tables) => tables.get(index)?.get("status")?.as_value()?,
        Item::Value(Value::Array(values)) => values.get(index)?.as_inline_table()?.get("status")?,
        _ => return None,
    };
    Some(
        task.as_str()
            .map_or_else(|| task.to_string().trim().to_string(), str::to_string),
    )
}

/// The largest offset (in the front matter) of a table's header, values and sub-tables.
fn content_end(table: &Table) -> usize {
    let mut end = table.span().map_or(0, |span| span.end);
    for (key, item) in table {
        let item_end = match item {
            Item::Value(value) => value.span().map_or(0, |span| span.end),
            Item::Table(table) => content_end(table),
            Item::ArrayOfTables(array) => array.iter().map(content_end).max().unwrap_or(0),
            Item::None => 0,
        };
        let key_end = table
            .key(key)
            .and_then(toml_edit::Key::span)
            .map_or(0, |span| span.end);
        end = end.max(item_end).max(key_end);
    }
    end
}

/// The offset just after the line holding `offset` (its end, when it has no line ending).
fn after_line(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |at| offset + at + 1)
}

fn splice(text: &str, range: Range<usize>, with: &str) -> String {
    let mut spliced = String::with_capacity(text.len() + with.len());
    spliced.push_str(&text[..range.start]);
    spliced.push_str(with);
    spliced.push_str(&text[range.end..]);
    spliced
}

/// The status `key` is the key of.
fn status_of(key: &str) -> Option<Status> {
    Status::meant_by(key).filter(|status| status.key() == key)
}

/// The day a TOML date or date-time (or a string holding one) falls on.
fn day_of(value: &Value) -> Option<Date> {
    let text = match value {
        Value::Datetime(datetime) => datetime.value().to_string(),
        Value::String(text) => text.value().clone(),
        _ => return None,
    };
    front_matter::Date::parse(&text)
        .ok()
        .map(front_matter::Date::day)
}

/// A status as typed: one of the four keys.
fn parse_status(typed: &str) -> anyhow::Result<Status> {
    if let Some(status) = status_of(typed.trim()) {
        return Ok(status);
    }
    let keys = Status::KEYS.map(|key| format!("`{key}`")).join(", ");
    let message = format!("`{typed}` is not a status");
    Err(match Status::meant_by(typed) {
        Some(meant) => refuse(
            message,
            format!("did you mean `{}`? A status is one of {keys}", meant.key()),
        ),
        None => refuse(message, format!("a status is one of {keys}")),
    })
}

/// A date as typed: `YYYY-MM-DD`.
fn parse_date(typed: &str) -> anyhow::Result<Date> {
    let text = typed.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    let date = shaped.then(|| text.parse::<Date>().ok()).flatten();
    date.ok_or_else(|| {
        refuse(
            format!("`{typed}` is not a date"),
            "write the date as YYYY-MM-DD, e.g. `--date 2024-03-01`",
        )
    })
}

/// The next id of area `area` whose tasks have `ids`: `<area>.<k>`, `k` one more than the
/// largest of the ids of the form `<area>.<k>`.
fn next_id<'a>(area: u32, ids: impl IntoIterator<Item = &'a str>) -> String {
    let prefix = format!("{area}.");
    let largest = ids
        .into_iter()
        .filter_map(|id| id.trim().strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{area}.{}", largest + 1)
}

/// `name.<code>.md`'s `<code>`.
fn translation_code(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".md")?;
    let (base, code) = stem.rsplit_once('.')?;
    (!base.is_empty()).then(|| code.to_string())
}

/// The ASCII words of `text`, lower-cased and joined by `-`.
fn ascii_words(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// A path relative to the root as messages show it, with `/` on every system.
fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Writes `bytes` to a temporary file beside `path`, hidden from the watcher and the build.
fn temporary_beside(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".workplan-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    Ok(temporary)
}

/// Replaces the file at `path` with `bytes` in one step, keeping its permissions.
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let permissions = fs::metadata(path)?.permissions();
    let temporary = temporary_beside(path, bytes)?;
    temporary.as_file().set_permissions(permissions)?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Writes a new file at `path` in one step, with the permissions of the file `like`; fails
/// with `AlreadyExists` if there is a file at `path`.
fn write_new(path: &Path, bytes: &[u8], like: Option<&Path>) -> std::io::Result<()> {
    if path.exists() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    let temporary = temporary_beside(path, bytes)?;
    if let Some(permissions) = like.and_then(|like| fs::metadata(like).ok()) {
        temporary
            .as_file()
            .set_permissions(permissions.permissions())?;
    }
    temporary
        .persist_noclobber(path)
        .map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_id_follows_the_largest_of_the_area() {
        assert_eq!(next_id(5, []), "5.1");
        assert_eq!(next_id(5, ["5.1", "5.2", "5.3"]), "5.4");
        // Explicit ids count by their number, not their place: 5.10 is after 5.9.
        assert_eq!(next_id(5, ["5.1", "5.10", "5.3"]), "5.11");
        assert_eq!(next_id(5, ["5.9", "5.10"]), "5.11");
        // Ids of other areas, or not of the `<area>.<k>` form, do not count.
        assert_eq!(next_id(5, ["15.7", "6.9", "5.3a", "x", "5.2"]), "5.3");
        assert_eq!(next_id(12, ["12.4", "1.24"]), "12.5");
    }

    fn area(text: &str) -> AreaFile {
        AreaFile::parse(PathBuf::from("content/a.md"), text.to_string(), false)
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_task_without_an_id_is_known_by_its_place() {
        let file = area(
            "+++\n[area]\nnumber = 5\n\n[[area.tasks]]\ntitle = \"a\"\n\n[[area.tasks]]\nid = \"5.10\"\ntitle = \"b\"\n\n[[area.tasks]]\ntitle = \"c\"\n+++\n",
        );
        let ids: Vec<&str> = file.tasks.iter().map(|task| task.id.as_str()).collect();
        assert_eq!(ids, ["5.1", "5.10", "5.3"]);
        assert_eq!(next_id(5, ids), "5.11");
    }

    #[test]
    fn a_tasks_end_is_after_its_last_update() {
        let text = "+++\n[area]\nnumber = 1\n[[area.tasks]]\ntitle = \"a\" # why\n[[area.tasks.updates]]\ndate = 2024-03-01\nstatus = \"done\"\n\n# next\n[[area.tasks]]\ntitle = \"b\"\n+++\nBody\n";
        let file = area(text);
        let first = &file.tasks[0];
        assert_eq!(
            &text[..first.end],
            &text[..text.find("\n\n# next").unwrap() + 1]
        );
        assert_eq!(first.status, Status::Done);
        assert_eq!(first.last_update, Some(jiff::civil::date(2024, 3, 1)));
        assert_eq!(&text[file.tasks[1].end..], "+++\nBody\n");
        assert_eq!(file.tasks[1].status, Status::Planned);
    }

    #[test]
    fn statuses_and_dates_are_typed_exactly() {
        assert_eq!(parse_status("in-progress").unwrap(), Status::InProgress);
        let doing = parse_status("doing").unwrap_err().to_string();
        assert!(doing.contains("did you mean `in-progress`?"), "{doing}");
        let unknown = parse_status("paused").unwrap_err().to_string();
        assert!(
            unknown.contains("`planned`, `in-progress`, `done`, `at-risk`"),
            "{unknown}"
        );
        assert_eq!(
            parse_date("2024-03-01").unwrap(),
            jiff::civil::date(2024, 3, 1)
        );
        for bad in ["2024-02-30", "2024-3-1", "tomorrow", "2024-03-01T10:00", ""] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_are_the_titles_ascii_words() {
        assert_eq!(
            ascii_words("Rural schools & teachers (2025)"),
            "rural-schools-teachers-2025"
        );
        assert_eq!(ascii_words("乡村学校"), "");
        assert_eq!(ascii_words("AI 教育"), "ai");
    }

    #[test]
    fn translations_are_known_by_their_suffix() {
        assert_eq!(
            translation_code("05-a.zh-Hans.md").as_deref(),
            Some("zh-Hans")
        );
        assert_eq!(translation_code("05-a.md"), None);
    }
}

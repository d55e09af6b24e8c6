//! The task list as an Excel workbook: plain rows and the caller's localised words in, the
//! bytes of an `.xlsx` file out, written by `rust_xlsxwriter`.
//!
//! Two sheets, tasks and status updates, each with a bold header row that stays in view
//! (frozen), an autofilter over its data and columns as wide as their text (up to a limit).
//! Task numbers are text cells, so that Excel keeps `1.10` as written instead of reading the
//! number 1.1; dates are date cells (`yyyy-mm-dd`), so that they sort and filter as dates.
//! The same input gives the same bytes: the document's creation date is the caller's, never
//! the clock's, and the zip entries carry a fixed time.

use anyhow::{Context as _, Result};
use jiff::civil::Date;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Url, Workbook, Worksheet};

/// The widest a column grows to fit its text, in pixels (about 55 Latin characters).
const MAX_WIDTH: u32 = 400;
/// The longest sheet name Excel accepts, in UTF-16 units.
const MAX_SHEET_NAME: usize = 31;

/// The caller's words for the workbook: its title, the sheets' names and their header rows,
/// in the reader's language.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// The document's title, shown in the file's properties.
    pub title: String,
    /// The name of the tasks' sheet, such as `Tasks` or `任务`. Characters Excel refuses in a
    /// sheet name (`[]:*?/\`) are left out and the name is cut to 31 characters.
    pub tasks_sheet: String,
    /// The name of the updates' sheet, such as `Updates` or `进展`.
    pub updates_sheet: String,
    /// The header row of the tasks' sheet.
    pub tasks: TaskHeaders,
    /// The header row of the updates' sheet.
    pub updates: UpdateHeaders,
}

/// The header of each column of the tasks' sheet, in the order of [`TaskRow`]'s fields.
#[derive(Debug, Clone, Default)]
pub struct TaskHeaders {
    pub id: String,
    pub area: String,
    pub area_title: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub lead: String,
    pub partners: String,
    pub due: String,
    pub status_since: String,
    pub note: String,
    pub url: String,
}

/// The header of each column of the updates' sheet, in the order of [`UpdateRow`]'s fields.
#[derive(Debug, Clone, Default)]
pub struct UpdateHeaders {
    pub task: String,
    pub date: String,
    pub status: String,
    pub status_label: String,
    pub note: String,
}

/// One task, one row of the tasks' sheet.
#[derive(Debug, Clone)]
pub struct TaskRow {
    /// The task's number as written, such as `1.10`; a text cell.
    pub id: String,
    /// The number of its priority area; a number cell.
    pub area: u32,
    pub area_title: String,
    pub title: String,
    /// The status's code, such as `in_progress`.
    pub status: String,
    /// The status in the reader's language.
    pub status_label: String,
    pub lead: String,
    /// The partners, already joined (`"Ministry A; Ministry B"`).
    pub partners: String,
    pub due: Option<Due>,
    /// The date the task took its present status.
    pub status_since: Option<Date>,
    pub note: String,
    /// The task's page. An `http://` or `https://` address becomes a link; anything else is
    /// written as text.
    pub url: String,
}

/// When a task is due: a day (a date cell) or words (`Q3 2026`, `ongoing`; a text cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    Date(Date),
    Text(String),
}

/// One status update of a task, one row of the updates' sheet.
#[derive(Debug, Clone)]
pub struct UpdateRow {
    /// The task's number as written, such as `1.10`; a text cell.
    pub task: String,
    pub date: Date,
    pub status: String,
    pub status_label: String,
    pub note: String,
}

/// The bytes of an `.xlsx` workbook with the tasks' sheet, then the updates' sheet. `created`
/// is the document's creation date (the plan's as-of date, say): the same arguments always
/// give the same bytes.
///
/// # Errors
///
/// When Excel's limits are passed, such as more than 1,048,575 rows (longer texts are cut
/// to what a cell holds).
pub fn workbook(
    labels: &Labels,
    created: Date,
    tasks: &[TaskRow],
    updates: &[UpdateRow],
) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(&labels.title)
            .set_creation_datetime(&excel_date(created).context("the creation date")?),
    );
    let formats = Formats {
        header: Format::new().set_bold(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
    };
    let (tasks_name, updates_name) = sheet_names(&labels.tasks_sheet, &labels.updates_sheet);

    let sheet = book.add_worksheet();
    sheet.set_name(&tasks_name)?;
    let headers = &labels.tasks;
    let header = [
        &headers.id,
        &headers.area,
        &headers.area_title,
        &headers.title,
        &headers.status,
        &headers.status_label,
        &headers.lead,
        &headers.partners,
        &headers.due,
        &headers.status_since,
        &headers.note,
        &headers.url,
    ];
    let rows = tasks.iter().map(|task| {
        let due = match &task.due {
            Some(Due::Date(date)) => Cell::Date(*date),
            Some(Due::Text(text)) => Cell::Text(text),
            None => Cell::Empty,
        };
        [
            Cell::Text(&task.id),
            Cell::Number(task.area),
            Cell::Text(&task.area_title),
            Cell::Text(&task.title),
            Cell::Text(&task.status),
            Cell::Text(&task.status_label),
            Cell::Text(&task.lead),
            Cell::Text(&task.partners),
            due,
            task.status_since.map_or(Cell::Empty, Cell::Date),
            Cell::Text(&task.note),
            Cell::Link(&task.url),
        ]
    });
    write_sheet(sheet, &formats, &header, rows)
        .with_context(|| format!("writing the sheet {tasks_name}"))?;

    let sheet = book.add_worksheet();
    sheet.set_name(&updates_name)?;
    let headers = &labels.updates;
    let header = [
        &headers.task,
        &headers.date,
        &headers.status,
        &headers.status_label,
        &headers.note,
    ];
    let rows = updates.iter().map(|update| {
        [
            Cell::Text(&update.task),
            Cell::Date(update.date),
            Cell::Text(&update.status),
            Cell::Text(&update.status_label),
            Cell::Text(&update.note),
        ]
    });
    write_sheet(sheet, &formats, &header, rows)
        .with_context(|| format!("writing the sheet {updates_name}"))?;

    Ok(book.save_to_buffer()?)
}

/// The most characters an Excel cell holds.
const CELL_CHARS: usize = 32_767;

/// `text`, cut to what a cell holds and ending in `…` when cut: the web page keeps the whole.
fn fit_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(CELL_CHARS) {
        None => text.into(),
        Some(_) => {
            let (end, _) = text
                .char_indices()
                .nth(CELL_CHARS - 1)
                .expect("the text is longer");
            format!("{}…", &text[..end]).into()
        }
    }
}

struct Formats {
    header: Format,
    date: Format,
}

/// What one cell holds, and so how it is written.
enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(u32),
    Date(Date),
    Link(&'a str),
}

/// Writes the header row and `rows` under it, freezes the header, filters the data and fits
/// the columns to their text.
fn write_sheet<'a, const N: usize>(
    sheet: &mut Worksheet,
    formats: &Formats,
    header: &[&String; N],
    rows: impl Iterator<Item = [Cell<'a>; N]>,
) -> Result<()> {
    for (col, text) in (0..).zip(header) {
        sheet.write_string_with_format(0, col, *text, &formats.header)?;
    }
    let mut last = 0;
    for (row, cells) in (1..).zip(rows) {
        last = row;
        for (col, cell) in (0..).zip(cells) {
            match cell {
                Cell::Empty => {}
                Cell::Text(text) => {
                    sheet
                        .write_string(row, col, fit_cell(text))
                        .with_context(|| format!("row {}, column {}", row + 1, col + 1))?;
                }
                Cell::Number(number) => {
                    sheet.write_number(row, col, number)?;
                }
                Cell::Date(date) => match excel_date(date) {
                    Some(date) => {
                        sheet.write_datetime_with_format(row, col, date, &formats.date)?;
                    }
                    // Excel's calendar starts in 1900: an earlier (or later than 9999) date
                    // stays readable as text.
                    None => {
                        sheet.write_string(row, col, date.to_string())?;
                    }
                },
                Cell::Link(url) => {
                    let web = url.starts_with("https://") || url.starts_with("http://");
                    // A link too long for Excel is written as text rather than lost.
                    if !web || sheet.write_url(row, col, Url::new(url)).is_err() {
                        sheet.write_string(row, col, url)?;
                    }
                }
            }
        }
    }
    let last_col = u16::try_from(N.saturating_sub(1)).expect("a sheet has few columns");
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, last_col)?;
    sheet.set_autofit_max_width(MAX_WIDTH).autofit();
    Ok(())
}

/// `date` as Excel counts days, if Excel's calendar (1900 to 9999) holds it.
fn excel_date(date: Date) -> Option<ExcelDateTime> {
    let year = u16::try_from(date.year()).ok()?;
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// Names Excel accepts for the two sheets: without the characters it refuses, at most 31
/// characters, not blank, and not the same as each other (Excel ignores case).
fn sheet_names(tasks: &str, updates: &str) -> (String, String) {
    let tasks = sheet_name(tasks, "Tasks");
    let mut updates = sheet_name(updates, "Updates");
    if updates.to_lowercase() == tasks.to_lowercase() {
        updates = sheet_name(
            &format!("{} 2", cut(&updates, MAX_SHEET_NAME - 2)),
            "Updates",
        );
    }
    (tasks, updates)
}

fn sheet_name(name: &str, fallback: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') && !c.is_control())
        .collect();
    let kept = cut(kept.trim().trim_matches('\''), MAX_SHEET_NAME);
    let kept = kept.trim_end_matches('\'').trim_end();
    if kept.is_empty() {
        fallback.to_owned()
    } else {
        kept.to_owned()
    }
}

/// The longest start of `text` of at most `units` UTF-16 units, as Excel counts.
fn cut(text: &str, units: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += c.len_utf16();
        if used > units {
            return &text[..at];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
    use jiff::civil::date;

    use super::*;

    fn labels(tasks: &str, updates: &str) -> Labels {
        let words = |list: &[&str]| -> Vec<String> { list.iter().map(|&s| s.to_owned()).collect() };
        let t = words(&[
            "编号",
            "领域",
            "领域名称",
            "任务",
            "状态",
            "状态名称",
            "牵头",
            "参与",
            "截止",
            "状态起始",
            "备注",
            "网址",
        ]);
        let u = words(&["任务", "日期", "状态", "状态名称", "备注"]);
        Labels {
            title: "工作计划".to_owned(),
            tasks_sheet: tasks.to_owned(),
            updates_sheet: updates.to_owned(),
            tasks: TaskHeaders {
                id: t[0].clone(),
                area: t[1].clone(),
                area_title: t[2].clone(),
                title: t[3].clone(),
                status: t[4].clone(),
                status_label: t[5].clone(),
                lead: t[6].clone(),
                partners: t[7].clone(),
                due: t[8].clone(),
                status_since: t[9].clone(),
                note: t[10].clone(),
                url: t[11].clone(),
            },
            updates: UpdateHeaders {
                task: u[0].clone(),
                date: u[1].clone(),
                status: u[2].clone(),
                status_label: u[3].clone(),
                note: u[4].clone(),
            },
        }
    }

    fn tasks() -> Vec<TaskRow> {
        vec![
            TaskRow {
                id: "1.10".to_owned(),
                area: 1,
                area_title: "学前教育".to_owned(),
                title: "扩大普惠性资源".to_owned(),
                status: "in_progress".to_owned(),
                status_label: "进行中".to_owned(),
                lead: "教育部".to_owned(),
                partners: "财政部; 发展改革委".to_owned(),
                due: Some(Due::Date(date(2026, 12, 31))),
                status_since: Some(date(2026, 3, 1)),
                note: "=1+1 stays text".to_owned(),
                url: "https://example.org/zh-Hans/tasks/1-10/".to_owned(),
            },
            TaskRow {
                id: "5.2".to_owned(),
                area: 5,
                area_title: "Basic education".to_owned(),
                title: "Teachers' pay".to_owned(),
                status: "planned".to_owned(),
                status_label: "Planned".to_owned(),
                lead: String::new(),
                partners: String::new(),
                due: Some(Due::Text("Q3 2026".to_owned())),
                status_since: None,
                note: String::new(),
                url: "/tasks/5-2/".to_owned(),
            },
        ]
    }

    fn updates() -> Vec<UpdateRow> {
        vec![UpdateRow {
            task: "1.10".to_owned(),
            date: date(2026, 3, 1),
            status: "in_progress".to_owned(),
            status_label: "进行中".to_owned(),
            note: "开工".to_owned(),
        }]
    }

    fn text(cell: &Data) -> String {
        match cell {
            Data::String(text) => text.clone(),
            Data::Empty => String::new(),
            other => panic!("a text cell, not {other:?}"),
        }
    }

    /// Excel's serial number of `date`: days since 30 December 1899.
    fn serial(date: Date) -> f64 {
        let days = date.since(jiff::civil::date(1899, 12, 30)).unwrap();
        f64::from(days.get_days())
    }

    fn date_cell(cell: &Data) -> f64 {
        match cell {
            Data::DateTime(date) => date.as_f64(),
            other => panic!("a date cell, not {other:?}"),
        }
    }

    #[test]
    fn reads_back_with_both_sheets_headers_text_ids_and_dates() {
        let labels = labels("任务", "进展");
        let bytes = workbook(&labels, date(2026, 11, 29), &tasks(), &updates()).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["任务", "进展"]);

        let sheet = book.worksheet_range("任务").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows.len(), 3);
        let header: Vec<String> = rows[0].iter().map(text).collect();
        assert_eq!(header[0], "编号");
        assert_eq!(header[11], "网址");
        assert_eq!(header.len(), 12);

        let first = rows[1];
        assert_eq!(first[0], Data::String("1.10".to_owned()));
        assert_eq!(first[1], Data::Float(1.0));
        assert_eq!(text(&first[2]), "学前教育");
        assert_eq!(text(&first[3]), "扩大普惠性资源");
        assert_eq!(text(&first[4]), "in_progress");
        assert_eq!(text(&first[5]), "进行中");
        assert_eq!(text(&first[7]), "财政部; 发展改革委");
        assert_eq!(date_cell(&first[8]), serial(date(2026, 12, 31)));
        assert_eq!(date_cell(&first[9]), serial(date(2026, 3, 1)));
        assert_eq!(text(&first[10]), "=1+1 stays text");
        assert_eq!(text(&first[11]), "https://example.org/zh-Hans/tasks/1-10/");

        let second = rows[2];
        assert_eq!(second[0], Data::String("5.2".to_owned()));
        assert_eq!(text(&second[3]), "Teachers' pay");
        assert_eq!(text(&second[8]), "Q3 2026");
        assert_eq!(second[9], Data::Empty);
        assert_eq!(text(&second[11]), "/tasks/5-2/");

        let sheet = book.worksheet_range("进展").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].iter().map(text).collect::<Vec<_>>(),
            ["任务", "日期", "状态", "状态名称", "备注"]
        );
        assert_eq!(rows[1][0], Data::String("1.10".to_owned()));
        assert_eq!(date_cell(&rows[1][1]), serial(date(2026, 3, 1)));
        assert_eq!(text(&rows[1][4]), "开工");
    }

    /// A note longer than a cell holds is cut to the cell's 32,767 characters, ending in `…`,
    /// where Excel's limit would fail the whole workbook.
    #[test]
    fn a_note_longer_than_a_cell_is_cut_not_refused() {
        let mut rows = tasks();
        rows[0].note = "字".repeat(40_000);
        let bytes = workbook(&labels("Tasks", "Updates"), date(2026, 1, 1), &rows, &[]).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("Tasks").unwrap();
        let note = text(&sheet.rows().nth(1).unwrap()[10]);
        assert_eq!(note.chars().count(), 32_767);
        assert!(note.ends_with("字…"), "{}", &note[note.len() - 12..]);
    }

    /// The link is a hyperlink, the header is frozen and filtered, and the file's creation
    /// date is the caller's (read from the zip's parts as Excel would).
    #[test]
    fn links_frozen_header_filter_and_creation_date_are_in_the_file() {
        let bytes = workbook(
            &labels("Tasks", "Updates"),
            date(2026, 11, 29),
            &tasks(),
            &updates(),
        )
        .unwrap();
        let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        let part = |name: &str| zip_part(&bytes, name);
        let sheet = part("xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "{sheet}"
        );
        assert!(sheet.contains(r#"<autoFilter ref="A1:L3"/>"#), "{sheet}");
        assert!(sheet.contains("<hyperlink ref=\"L2\""), "{sheet}");
        assert!(!sheet.contains("<hyperlink ref=\"L3\""), "{sheet}");
        assert!(part("xl/worksheets/sheet2.xml").contains(r#"<autoFilter ref="A1:E2"/>"#));
        let core = part("docProps/core.xml");
        assert!(
            core.contains(">2026-11-29T00:00:00Z</dcterms:created>"),
            "{core}"
        );
        assert!(core.contains("<dc:title>工作计划</dc:title>"), "{core}");
        assert_eq!(book.sheet_names(), ["Tasks", "Updates"]);
    }

    /// One part of the zip, as text.
    fn zip_part(bytes: &[u8], name: &str) -> String {
        use std::io::Read as _;
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn the_same_rows_give_the_same_bytes() {
        let labels = labels("任务", "进展");
        let first = workbook(&labels, date(2026, 11, 29), &tasks(), &updates()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = workbook(&labels, date(2026, 11, 29), &tasks(), &updates()).unwrap();
        assert!(first == second, "two writes of the same rows differ");
        let other = workbook(&labels, date(2026, 11, 30), &tasks(), &updates()).unwrap();
        assert!(first != other, "the creation date is not in the file");
    }

    #[test]
    fn no_rows_give_two_sheets_with_headers_only() {
        let bytes = workbook(&labels("Tasks", "Updates"), date(2026, 1, 1), &[], &[]).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(book.worksheet_range("Tasks").unwrap().rows().count(), 1);
        assert_eq!(book.worksheet_range("Updates").unwrap().rows().count(), 1);
    }

    #[test]
    fn sheet_names_are_made_acceptable_to_excel() {
        assert_eq!(
            sheet_names("Tasks: 2026/27", "[Updates]?"),
            ("Tasks 202627".to_owned(), "Updates".to_owned())
        );
        assert_eq!(
            sheet_names("", "'"),
            ("Tasks".to_owned(), "Updates".to_owned())
        );
        assert_eq!(
            sheet_names("Plan", "plan"),
            ("Plan".to_owned(), "plan 2".to_owned())
        );
        let long = "任".repeat(40);
        let (tasks, updates) = sheet_names(&long, &long);
        assert_eq!(tasks.chars().count(), 31);
        assert_eq!(updates, format!("{} 2", "任".repeat(29)));
        // Every one of them is taken.
        let bytes = workbook(
            &labels("Tasks: 2026/27", "tasks: 2026/27"),
            date(2026, 1, 1),
            &[],
            &[],
        )
        .unwrap();
        let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Tasks 202627", "tasks 202627 2"]);
    }

    #[test]
    fn dates_outside_excels_calendar_are_written_as_text() {
        let mut rows = tasks();
        rows[0].due = Some(Due::Date(date(1850, 7, 1)));
        let bytes = workbook(&labels("Tasks", "Updates"), date(2026, 1, 1), &rows, &[]).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("Tasks").unwrap();
        assert_eq!(
            sheet.rows().nth(1).unwrap()[8],
            Data::String("1850-07-01".to_owned())
        );
    }
}

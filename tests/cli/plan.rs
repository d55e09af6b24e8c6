//! The plan over a year (issue 12): stable task ids, a history of status updates whose latest
//! is the task's status, an as-of day from the data (never the clock), overdue tasks,
//! partners and deadlines in words, in the pages and the exports. The fixture is
//! `tests/sites/year` in the default theme.

use serde_json::Value;

use crate::harness::SiteTest;

fn site() -> SiteTest {
    SiteTest::with_shipped_themes("year")
}

fn plan(site: &SiteTest) -> Value {
    serde_json::from_str(&site.file("public/plan.json")).unwrap()
}

/// Every task of `plan.json` as `(id, title)`, in the plan's order.
fn ids(plan: &Value) -> Vec<(String, String)> {
    plan["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|area| area["tasks"].as_array().unwrap())
        .map(|task| {
            let text = |key: &str| task[key].as_str().unwrap().to_string();
            (text("id"), text("title"))
        })
        .collect()
}

/// The task of `plan.json` with id `id`.
fn task<'a>(plan: &'a Value, id: &str) -> &'a Value {
    plan["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|area| area["tasks"].as_array().unwrap())
        .find(|task| task["id"] == id)
        .unwrap_or_else(|| panic!("no task {id}"))
}

#[test]
fn ids_stay_with_their_tasks_when_tasks_are_inserted_or_moved() {
    let site = site();
    site.run(["build"]).success();
    let before = ids(&plan(&site));
    assert_eq!(
        before.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        ["1.1", "1.10", "1.2", "2.1", "2.2"],
        "written ids, then ids from the place of tasks without one"
    );
    // A task inserted first, and the last two tasks of area 1 swapped.
    let text = site.file("content/areas/schools.md");
    let (head, tasks) = text.split_once("# Ids are written").unwrap();
    let tasks = tasks.replacen(
        "[[area.tasks]]\nid = \"1.1\"",
        "[[area.tasks]]\nid = \"1.3\"\ntitle = \"A new first task\"\n\n[[area.tasks]]\nid = \"1.1\"",
        1,
    );
    let (first_two, last) = tasks.split_once("[[area.tasks]]\nid = \"1.2\"").unwrap();
    let (upto_second, second) = first_two
        .split_once("[[area.tasks]]\nid = \"1.10\"")
        .unwrap();
    let (last, body) = last.split_once("+++").unwrap();
    let moved = format!(
        "{head}# Ids are written{upto_second}[[area.tasks]]\nid = \"1.2\"{last}[[area.tasks]]\nid = \"1.10\"{second}+++{body}"
    );
    site.write("content/areas/schools.md", &moved);
    site.run(["build"]).success();
    let after = ids(&plan(&site));
    for (id, title) in &before {
        assert!(
            after.contains(&(id.clone(), title.clone())),
            "{id} no longer names `{title}`: {after:?}"
        );
    }
    assert_eq!(
        after[0],
        ("1.3".to_string(), "A new first task".to_string())
    );
    // The page's anchors are the ids.
    let page = site.file("public/areas/schools/index.html");
    for id in ["1.1", "1.10", "1.2", "1.3"] {
        assert!(page.contains(&format!("id=\"task-{id}\"")), "no #task-{id}");
    }
}

#[test]
fn the_latest_update_is_the_status_and_the_as_of_day_comes_from_the_data() {
    let site = site();
    site.run(["build"]).success();
    let plan = plan(&site);
    assert_eq!(plan["version"], 2);
    // No `as_of` in site.toml: the day of the latest update.
    assert_eq!(plan["as_of"], "2024-11-20");
    let first = task(&plan, "1.1");
    assert_eq!(first["status"], "in-progress");
    assert_eq!(first["status_since"], "2024-09-01");
    assert_eq!(first["updates"].as_array().unwrap().len(), 3);
    assert_eq!(first["updates"][1]["status"], "at-risk");
    assert_eq!(
        first["partners"],
        serde_json::json!(["Finance Department", "City governments"])
    );
    assert_eq!(task(&plan, "1.10")["status"], "done");
    assert_eq!(task(&plan, "1.10")["status_since"], "2024-11-20");
    // Without updates, the status written.
    assert_eq!(task(&plan, "1.2")["status"], "in-progress");
    assert_eq!(task(&plan, "1.2")["due_text"], "长期坚持");
    assert_eq!(task(&plan, "1.2")["due"], Value::Null);
    assert_eq!(task(&plan, "2.1")["due"], "2024-08-31");
    assert_eq!(task(&plan, "2.1")["due_text"], "by the end of August");

    // Overdue: due before the as-of day and not done.
    let overdue: Vec<&str> = ["1.1", "1.10", "1.2", "2.1", "2.2"]
        .into_iter()
        .filter(|id| task(&plan, id)["overdue"] == true)
        .collect();
    assert_eq!(overdue, ["1.1", "2.1"]);

    // The page says it all: status since, lead and partners, deadline, latest note, history.
    let page = site.file("public/areas/schools/index.html");
    let first = page
        .split("id=\"task-1.1\"")
        .nth(1)
        .unwrap()
        .split("</li>\n      <li")
        .next()
        .unwrap();
    for shown in [
        "badge--in-progress",
        "badge--overdue",
        "1 September 2024",
        "Education Department",
        "Finance Department, City governments",
        "30 June 2024",
        "Two sites delayed",
        "<details class=\"task__history\">",
    ] {
        assert!(
            first.contains(shown),
            "task 1.1 does not show `{shown}`:\n{first}"
        );
    }
    assert!(page.contains("Status as of 20 November 2024"), "{page}");

    // A site's `as_of` wins, and moves the overdue line.
    site.replace(
        "site.toml",
        "generate_feeds = true",
        "generate_feeds = true\nas_of = 2024-05-01",
    );
    site.run(["build"]).success();
    let plan = crate::plan::plan(&site);
    assert_eq!(plan["as_of"], "2024-05-01");
    assert_eq!(task(&plan, "1.1")["overdue"], false);
}

#[test]
fn the_task_list_keeps_ids_as_text_for_spreadsheets() {
    let site = site();
    site.run(["build"]).success();
    let bytes = std::fs::read(site.path("public/tasks.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ids: Vec<&str> = rows.iter().map(|row| &row[0]).collect();
    // `="1.10"`: spreadsheet programs keep it as the text 1.10, not the number 1.1.
    assert_eq!(
        ids,
        ["=\"1.1\"", "=\"1.10\"", "=\"1.2\"", "=\"2.1\"", "=\"2.2\""]
    );
    let first = &rows[0];
    assert_eq!(&first[2], "in-progress");
    assert_eq!(&first[3], "2024-09-01");
    assert_eq!(&first[5], "Finance Department; City governments");
    assert_eq!(&first[9], "yes");
}

#[test]
fn histories_and_ids_that_cannot_be_are_located_errors() {
    let cases = [
        (
            "date = 2024-05-15",
            "date = 2024-01-15",
            "this update (2024-01-15) is dated before the one above it (2024-02-01)",
            "list a task's updates oldest first",
        ),
        (
            "status = \"at-risk\"",
            "status = \"blocked\"",
            "blocked",
            "at-risk",
        ),
        (
            "id = \"1.2\"",
            "id = \"1.10\"",
            "task id `1.10` is used twice",
            "ids name one task each",
        ),
        (
            "id = \"1.2\"",
            "id = \"1 2\"",
            "`1 2` cannot be a task id",
            "letters, digits",
        ),
        (
            "title = \"Build ten schools\"",
            "title = \"Build ten schools\"\nstatus = \"done\"",
            "the task is `done` here, but its latest update says `in-progress`",
            "a task's status is its latest update's",
        ),
    ];
    for (from, to, message, hint) in cases {
        let site = site();
        site.replace("content/areas/schools.md", from, to);
        site.run(["build"])
            .failure()
            .stderr_contains(message)
            .at_some_line_of("content/areas/schools.md")
            .help(hint);
    }
    // A task without an id takes its place: `2.1` written in area 1 clashes with area 2's.
    let site = site();
    site.replace("content/areas/schools.md", "id = \"1.2\"", "id = \"2.1\"");
    site.run(["build"])
        .failure()
        .stderr_contains("task id `2.1` is used twice")
        .help("give one of them `id = \"...\"`");
}

#[test]
fn the_updates_feed_has_one_entry_per_status_change_newest_first() {
    let site = site();
    site.run(["build"]).success();
    let xml = site.file("public/updates.xml");
    let feed = atom_syndication::Feed::read_from(xml.as_bytes()).expect("a valid Atom feed");
    let entries: Vec<(String, String)> = feed
        .entries()
        .iter()
        .map(|entry| {
            (
                entry.updated().date_naive().to_string(),
                entry.title().value.clone(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("2024-11-20", "1.10 Train every head teacher: Done"),
            ("2024-09-01", "1.1 Build ten schools: In progress"),
            ("2024-05-15", "1.1 Build ten schools: At risk"),
            ("2024-04-01", "2.1 Recruit 500 teachers: In progress"),
            ("2024-03-01", "1.10 Train every head teacher: In progress"),
            ("2024-02-01", "1.1 Build ten schools: In progress"),
        ]
        .map(|(date, title)| (date.to_string(), title.to_string()))
    );
    let first = &feed.entries()[0];
    assert_eq!(
        first.links()[0].href(),
        "https://example.org/areas/schools/#task-1.10"
    );
    assert_eq!(first.summary().unwrap().value, "All 1,200 trained");
    // Ids are unique, so readers list each change once.
    let mut ids: Vec<&str> = feed
        .entries()
        .iter()
        .map(atom_syndication::Entry::id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6);
    assert!(
        site.file("public/index.html")
            .contains(r#"<a href="updates.xml""#)
    );
}

/// The numbers of a chart's table: each body row's cells after its header, as numbers.
fn chart_rows(figure: &str) -> Vec<(String, Vec<usize>)> {
    let table = figure
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    table
        .split("<tr>")
        .skip(1)
        .map(|row| {
            let date = row
                .split("datetime=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let numbers = row
                .split("<td")
                .skip(1)
                .map(|cell| {
                    let text = cell.split('>').nth(1).unwrap().split('<').next().unwrap();
                    text.trim().parse().unwrap()
                })
                .collect();
            (date.to_string(), numbers)
        })
        .collect()
}

#[test]
fn the_chart_of_the_year_shows_the_numbers_of_the_history() {
    let site = site();
    site.run(["build"]).success();
    let page = site.file("public/progress/index.html");
    let figure = page
        .split("chart--progress")
        .nth(1)
        .expect("the progress page draws the plan over time")
        .split("</figure>")
        .next()
        .unwrap();
    assert!(figure.contains("role=\"img\"") && figure.contains("<title"));
    // Done, in progress, at risk, planned, total on each day a status changed (by hand from
    // the fixture: a task without updates keeps its written status all year).
    let expected = [
        ("2024-02-01", [0, 2, 0, 3, 5]),
        ("2024-03-01", [0, 3, 0, 2, 5]),
        ("2024-04-01", [0, 4, 0, 1, 5]),
        ("2024-05-15", [0, 3, 1, 1, 5]),
        ("2024-09-01", [0, 4, 0, 1, 5]),
        ("2024-11-20", [1, 3, 0, 1, 5]),
    ]
    .map(|(date, numbers)| (date.to_string(), numbers.to_vec()));
    assert_eq!(chart_rows(figure), expected);
}

#[test]
fn the_workbook_reads_back_with_text_ids_and_date_cells() {
    use calamine::{Data, Reader as _, Xlsx};
    let site = site();
    site.run(["build"]).success();
    let bytes = std::fs::read(site.path("public/tasks.xlsx")).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Tasks", "Updates"]);
    let tasks = book.worksheet_range("Tasks").unwrap();
    let ids: Vec<String> = tasks.rows().skip(1).map(|row| row[0].to_string()).collect();
    assert_eq!(ids, ["1.1", "1.10", "1.2", "2.1", "2.2"]);
    assert!(
        matches!(tasks.rows().nth(2).unwrap()[0], Data::String(_)),
        "1.10 is text"
    );
    let due = &tasks.rows().nth(1).unwrap()[8];
    assert!(
        matches!(due, Data::DateTime(_)),
        "a due date is a date cell: {due:?}"
    );
    let updates = book.worksheet_range("Updates").unwrap();
    assert_eq!(
        updates.rows().count(),
        1 + 6,
        "a header and one row per update"
    );
}

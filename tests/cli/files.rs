//! The site files besides the pages: the sitemap, robots.txt, and the plan's data exports,
//! each read back with a parser and checked against the content it came from.

use crate::harness::SiteTest;

/// The shipped plan's ten areas and every task of theirs, counted from the content itself.
fn shipped_tasks(site: &SiteTest) -> (usize, usize) {
    let areas: Vec<String> = (1..=10)
        .map(|n| {
            let folder = site.path("content/priorities");
            let file = std::fs::read_dir(folder)
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .find(|path| {
                    path.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(&format!("{n:02}-"))
                })
                .unwrap();
            std::fs::read_to_string(file).unwrap()
        })
        .collect();
    let tasks = areas
        .iter()
        .map(|text| text.matches("[[area.tasks]]").count())
        .sum();
    (areas.len(), tasks)
}

#[test]
fn plan_json_holds_every_area_and_task() {
    let site = SiteTest::shipped();
    site.run(["build"]).success();
    let (area_count, task_count) = shipped_tasks(&site);
    let plan: serde_json::Value = serde_json::from_str(&site.file("public/plan.json")).unwrap();
    assert_eq!(plan["version"], 1);
    let areas = plan["areas"].as_array().unwrap();
    assert_eq!(areas.len(), area_count);
    let numbers: Vec<u64> = areas
        .iter()
        .map(|a| a["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=10).collect::<Vec<u64>>());
    let tasks: usize = areas
        .iter()
        .map(|a| a["tasks"].as_array().unwrap().len())
        .sum();
    assert_eq!(tasks, task_count);
    assert_eq!(plan["progress"]["total"], task_count);
    assert_eq!(
        areas[4]["url"],
        "https://example.org/priorities/basic-education/"
    );
    assert_eq!(areas[4]["tasks"][0]["number"], "5.1");
}

#[test]
fn tasks_csv_round_trips_with_a_row_per_task() {
    let site = SiteTest::shipped();
    site.run(["build"]).success();
    let (_, task_count) = shipped_tasks(&site);
    let bytes = std::fs::read(site.path("public/tasks.csv")).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "no byte order mark"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[..3], ["task", "title", "status"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), task_count);
    // A title with quotes survives the round trip.
    assert!(
        rows.iter()
            .any(|row| row[1].contains("\"double reduction\"")),
        "quotes lost"
    );
    assert!(rows.iter().all(|row| row[2] == *"planned"));
}

#[test]
fn sitemap_lists_every_page_once_under_a_sub_path() {
    let site = SiteTest::shipped();
    site.run(["build", "--base-url", "https://example.org/plan/"])
        .success();
    let xml = site.file("public/sitemap.xml");
    let locations: Vec<&str> = xml
        .split("<loc>")
        .skip(1)
        .map(|rest| rest.split("</loc>").next().unwrap())
        .collect();
    let mut unique = locations.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), locations.len(), "listed twice: {locations:?}");
    for location in &locations {
        assert!(
            location.starts_with("https://example.org/plan/"),
            "{location}"
        );
    }
    // Every HTML page but the 404 and redirects is listed.
    let tree = site.tree("public");
    let pages: Vec<String> = tree
        .paths()
        .filter(|path| path.ends_with("index.html"))
        .map(|path| {
            format!(
                "https://example.org/plan/{}",
                path.trim_end_matches("index.html")
            )
        })
        .collect();
    for page in &pages {
        assert!(
            locations.contains(&page.as_str()),
            "{page} is not in the sitemap"
        );
    }
    assert_eq!(
        site.file("public/robots.txt").lines().last(),
        Some("Sitemap: https://example.org/plan/sitemap.xml")
    );
}

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
    assert_eq!(plan["version"], 2);
    // The day the shipped state was recorded, from site.toml, never the build's clock.
    assert_eq!(plan["as_of"], "2026-11-29");
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
    assert_eq!(areas[4]["tasks"][0]["id"], "5.1");
    assert_eq!(areas[4]["tasks"][0]["updates"], serde_json::json!([]));
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
            // Addresses in a sitemap are percent-encoded (`/zh-Hans/topics/%E4%BA%A7...`).
            let folder = path.trim_end_matches("index.html");
            const KEPT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
                .remove(b'/')
                .remove(b'-')
                .remove(b'_')
                .remove(b'.');
            let encoded = percent_encoding::utf8_percent_encode(folder, KEPT);
            format!("https://example.org/plan/{encoded}")
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

/// A feed read back with an Atom parser: its title, its entries' titles, and its links.
fn feed(site: &SiteTest, relative: &str) -> atom_syndication::Feed {
    let xml = site.file(relative);
    atom_syndication::Feed::read_from(xml.as_bytes())
        .unwrap_or_else(|error| panic!("{relative} is not Atom: {error}\n{xml}"))
}

fn entry_titles(feed: &atom_syndication::Feed) -> Vec<&str> {
    feed.entries().iter().map(|e| e.title().as_str()).collect()
}

#[test]
fn feeds_list_dated_pages_newest_first_with_absolute_urls() {
    let site = SiteTest::new("minimal");
    site.replace(
        "site.toml",
        "generate_feeds = true",
        "generate_feeds = true\nfeed_limit = 3\ntaxonomies = [{ name = \"topics\", feed = true }]",
    );
    site.write(
        "templates/taxonomy_list.html",
        "{% for term in terms %}{{ term.name }} {% endfor %}",
    );
    site.write("templates/taxonomy_single.html", "{{ term.name }}");
    site.write(
        "content/news.md",
        "+++\ntitle = \"R&D <news>\"\ndescription = \"Schools & \\\"teachers\\\"\"\n\
         date = 2024-05-01T10:30:00\nauthors = [\"Qin Ou\"]\n\
         [taxonomies]\ntopics = [\"Reform & opening\"]\n+++\nNews.\n",
    );
    site.write(
        "content/undated.md",
        "+++\ntitle = \"Undated\"\n[taxonomies]\ntopics = [\"Undated only\"]\n+++\nNo date.\n",
    );
    // Updated in March after a date of 2023; a date with an offset keeps it.
    site.write(
        "content/older.md",
        "+++\ntitle = \"Older\"\ndate = 2023-01-01\nupdated = 2024-03-01T12:00:00+08:00\n+++\nOld.\n",
    );
    site.run(["build", "--base-url", "https://example.org/plan/"])
        .success();

    // The site's feed: dated pages only, the most recently changed first, `feed_limit` of them.
    let all = feed(&site, "public/atom.xml");
    assert_eq!(all.title().as_str(), "Minimal plan");
    assert_eq!(
        entry_titles(&all),
        ["R&D <news>", "Older", "Higher education"]
    );
    let older = &all.entries()[1];
    assert_eq!(older.updated().to_rfc3339(), "2024-03-01T12:00:00+08:00");
    assert_eq!(
        older
            .published()
            .map(atom_syndication::FixedDateTime::to_rfc3339)
            .as_deref(),
        Some("2023-01-01T00:00:00+00:00")
    );
    assert_eq!(all.id(), "https://example.org/plan/atom.xml");
    assert_eq!(all.updated().to_rfc3339(), "2024-05-01T10:30:00+00:00");
    let news = &all.entries()[0];
    assert_eq!(news.id(), "https://example.org/plan/news/");
    assert_eq!(news.links()[0].href(), "https://example.org/plan/news/");
    assert_eq!(
        news.summary().map(atom_syndication::Text::as_str),
        Some("Schools & \"teachers\"")
    );
    assert_eq!(news.authors()[0].name(), "Qin Ou");
    assert_eq!(news.categories()[0].term(), "Reform & opening");
    let links: Vec<(&str, &str)> = all.links().iter().map(|l| (l.rel(), l.href())).collect();
    assert_eq!(
        links,
        [
            ("self", "https://example.org/plan/atom.xml"),
            ("alternate", "https://example.org/plan/")
        ]
    );

    // A section's feed holds its own pages; a term's feed the term's.
    let section = feed(&site, "public/priorities/atom.xml");
    assert_eq!(entry_titles(&section), ["Higher education", "Teachers"]);
    assert_eq!(
        section.entries()[0].links()[0].href(),
        "https://example.org/plan/priorities/higher-education/"
    );
    let term = feed(&site, "public/topics/reform-opening/atom.xml");
    assert_eq!(entry_titles(&term), ["R&D <news>"]);

    // A feed with no dated page yet is still written, empty, so that links to it work.
    let undated = feed(&site, "public/topics/undated-only/atom.xml");
    assert!(undated.entries().is_empty());
    assert_eq!(undated.updated().to_rfc3339(), "1970-01-01T00:00:00+00:00");
}

#[test]
fn the_shipped_plan_has_a_feed_of_its_areas() {
    let site = SiteTest::shipped();
    site.run(["build"]).success();
    let (area_count, _) = shipped_tasks(&site);
    let all = feed(&site, "public/atom.xml");
    assert_eq!(all.entries().len(), area_count);
    let term = feed(&site, "public/topics/vocational-education/atom.xml");
    assert_eq!(entry_titles(&term), ["Vocational education"]);
    // The theme links the feeds in the head of the pages that have one.
    let links_feed = |page: &str, url: &str| {
        let head = site.file(page);
        let head = head.split("</head>").next().unwrap().to_string();
        assert!(
            head.contains(&format!("type=\"application/atom+xml\" href=\"{url}\"")),
            "{page} does not link {url}"
        );
    };
    links_feed("public/index.html", "https://example.org/atom.xml");
    links_feed(
        "public/topics/vocational-education/index.html",
        "https://example.org/topics/vocational-education/atom.xml",
    );
}

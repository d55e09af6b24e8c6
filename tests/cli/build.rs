//! `workplan build`: what a good site turns into.

use crate::harness::SiteTest;

const BASIC: &str = "public/priorities/basic-education/index.html";

/// The `href`, `src` and meta-refresh targets in `html`.
fn links(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\"", "url="] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest
                .find('"')
                .expect("an attribute value ends with a quote");
            found.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    found
}

/// Every link in every HTML file of `public/` that points into the site stays below `base`:
/// root-relative ones start with its sub-path, absolute ones on its host start with it.
#[track_caller]
fn assert_links_under(site: &SiteTest, base: &str) {
    let host_start = base.find("://").unwrap() + 3;
    let (origin, sub_path) = base.split_at(host_start + base[host_start..].find('/').unwrap());
    let mut checked = 0;
    let mut outside = Vec::new();
    for file in walk(&site.path("public")) {
        if file.extension().is_none_or(|ext| ext != "html") {
            continue;
        }
        let html = std::fs::read_to_string(&file).unwrap();
        for link in links(&html) {
            let inside = if link.starts_with("//") {
                format!("https:{link}").starts_with(base)
            } else if link == origin || link.starts_with(&format!("{origin}/")) {
                link.starts_with(base)
            } else if link.starts_with('/') {
                link.starts_with(sub_path)
            } else {
                true // relative, a fragment, another host or `data:`
            };
            checked += 1;
            if !inside {
                outside.push(format!("{}: {link}", file.display()));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} links found: is the scan broken?"
    );
    assert!(
        outside.is_empty(),
        "links outside {base}:\n{}",
        outside.join("\n")
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// `needles` appear in `haystack` in this order.
#[track_caller]
fn assert_in_order(haystack: &str, needles: &[&str]) {
    let positions: Vec<_> = needles
        .iter()
        .map(|needle| {
            haystack
                .find(needle)
                .unwrap_or_else(|| panic!("`{needle}` missing from:\n{haystack}"))
        })
        .collect();
    assert!(
        positions.is_sorted(),
        "not in the order {needles:?}:\n{haystack}"
    );
}

#[test]
fn pages_get_clean_urls() {
    let site = SiteTest::new("minimal");
    site.run(["build"])
        .success()
        .stdout_contains("Built 7 pages and 2 sections");
    for file in [
        "public/index.html",
        "public/priorities/index.html",
        BASIC,
        "public/priorities/teachers/index.html",
        // `slug = "higher-education"` in higher.md
        "public/priorities/higher-education/index.html",
        // a page bundle: about/index.md
        "public/about/index.html",
    ] {
        assert!(site.exists(file), "{file} missing");
    }
    assert!(!site.exists("public/priorities/higher/index.html"));
    assert!(!site.exists("public/priorities/basic-education.html"));
    assert!(
        site.file(BASIC)
            .contains("permalink: https://example.org/priorities/basic-education/")
    );
}

#[test]
fn sections_list_pages_by_weight_then_date_then_title() {
    let html = SiteTest::new("minimal")
        .run(["build"])
        .success()
        .file("public/priorities/index.html");
    // Teachers and Higher education share weight 2, Teachers is older; Alpha and Beta share
    // weight 3 and no date; Unweighted has no weight. File names sort the other way.
    assert_in_order(
        &html,
        &[
            ">Basic education<",
            ">Teachers<",
            ">Higher education<",
            ">Alpha<",
            ">Beta<",
            ">Unweighted<",
        ],
    );
}

#[test]
fn pages_link_to_their_neighbours_in_section_order() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    let first = site.file(BASIC);
    assert!(first.contains("<p>lower: none</p>"), "{first}");
    assert!(
        first.contains(r#"higher: <a href="../../priorities/teachers/index.html">Teachers</a>"#),
        "{first}"
    );
    let second = site.file("public/priorities/teachers/index.html");
    assert!(second.contains(
        r#"lower: <a href="../../priorities/basic-education/index.html">Basic education</a>"#
    ));
    assert!(second.contains(
        r#"higher: <a href="../../priorities/higher-education/index.html">Higher education</a>"#
    ));
    let last = site.file("public/priorities/00-unweighted/index.html");
    assert!(
        last.contains(">Beta</a></p>") && last.contains("<p>higher: none</p>"),
        "{last}"
    );
}

#[test]
fn headings_get_ids_and_a_nested_table_of_contents() {
    let html = SiteTest::new("minimal")
        .run(["build"])
        .success()
        .file(BASIC);
    for heading in [
        r#"<h1 id="goals">Goals</h1>"#,
        r#"<h2 id="tasks">Tasks</h2>"#,
        r#"<h2 id="tasks-1">Tasks</h2>"#,
        r#"<h3 id="details">Details</h3>"#,
        r#"<h2 id="custom-id">Custom heading</h2>"#,
        r#"<h2 id="education-numerique">Éducation numérique</h2>"#,
    ] {
        assert!(html.contains(heading), "no {heading} in:\n{html}");
    }
    assert!(
        html.contains("toc: goals ( tasks tasks-1 ( details ) custom-id education-numerique )"),
        "{html}"
    );
    assert!(html.contains(
        r#"h2 <a href="../../priorities/basic-education/index.html#custom-id">Custom heading</a>"#
    ));
}

#[test]
fn internal_links_resolve_with_their_anchors() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    let page = site.file(BASIC);
    assert!(
        page.contains(r#"<a href="../../priorities/higher-education/index.html#goals">"#),
        "{page}"
    );
    assert!(page.contains(r#"<a href="../../priorities/basic-education/index.html#tasks-1">"#));
    assert!(page.contains(r#"<a href="../../index.html">the home page</a>"#));
    let home = site.file("public/index.html");
    assert!(
        home.contains(r#"<a href="priorities/index.html">the priorities</a>"#),
        "{home}"
    );
    assert!(!page.contains("@/") && !home.contains("@/"));
}

#[test]
fn templates_see_the_plan_its_areas_and_their_progress() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    let home = site.file("public/index.html");
    assert!(home.contains("plan: 2 areas, 2/5 done, 40%"), "{home}");
    // Sorted by number, not by weight or file name.
    assert_in_order(
        &home,
        &[
            r#"area 1: <a href="priorities/higher-education/index.html">Higher education</a> 1/1 100%"#,
            r#"area 2: <a href="priorities/basic-education/index.html">Basic education</a> 1/4 25%"#,
        ],
    );
    let page = site.file(BASIC);
    assert!(page.contains("area 2: 1/4 done, 25%"), "{page}");
    assert_in_order(
        &page,
        &[
            "done (Done): Build more schools",
            "in-progress (In progress): Train more teachers",
            "planned (Planned): Narrow the gaps",
            "at-risk (At risk): Cut the paperwork",
        ],
    );
}

#[test]
fn templates_get_urls_pages_sections_and_dates() {
    let site = SiteTest::new("minimal");
    site.write(
        "templates/page.html",
        concat!(
            "current_url: {{ current_url }}\n",
            "current_path: {{ current_path }}\n",
            "get_url: {{ get_url(path=\"@/priorities/higher.md#goals\") }} {{ get_url(path=\"img/logo.txt\") }}\n",
            "{% set other = get_page(path=\"priorities/higher.md\") %}",
            "get_page: {{ other.title }} {{ other.area.number }}\n",
            "{% set listing = get_section(path=\"priorities/_index.md\") %}",
            "get_section: {{ listing.title }} {{ listing.pages | length }}\n",
            "date: {% if page.date %}{{ page.date | date(format=\"%d %B %Y\") }}{% endif %}\n",
        ),
    );
    site.run(["build"]).success();
    assert_higher_education_shows(
        &site,
        &[
            "current_url: https://example.org/priorities/higher-education/",
            "current_path: /priorities/higher-education/",
            "get_url: https://example.org/priorities/higher-education/#goals https://example.org/img/logo.txt",
            "get_page: Higher education 1",
            "get_section: Priorities 6",
            "date: 01 March 2024",
        ],
    );
}

/// Asserts that the built page of `higher.md` holds each of `lines`.
fn assert_higher_education_shows(site: &SiteTest, lines: &[&str]) {
    let page = site.file("public/priorities/higher-education/index.html");
    for line in lines {
        assert!(page.contains(line), "no `{line}` in:\n{page}");
    }
}

/// A date written at an offset from UTC is shown on the day and at the time it was written,
/// as a reader there sees it, however the build machine's clock or UTC has it.
#[test]
fn dates_at_an_offset_show_as_written() {
    let site = SiteTest::new("minimal");
    site.replace(
        "content/priorities/higher.md",
        "date = 2024-03-01",
        "date = 2024-03-01T00:30:00+08:00",
    );
    site.write(
        "templates/page.html",
        concat!(
            "{% if page.slug == \"higher-education\" %}",
            "raw: {{ page.date }}\n",
            "day: {{ page.date | date }}\n",
            "time: {{ page.date | date(format=\"%d %B %Y %H:%M %:z\") }}\n",
            "{% endif %}",
        ),
    );
    site.run(["build"]).success();
    assert_higher_education_shows(
        &site,
        &[
            "raw: 2024-03-01T00:30:00+08:00",
            "day: 2024-03-01",
            "time: 01 March 2024 00:30 +08:00",
        ],
    );
}

/// The contract gives templates `config.language`.
#[test]
fn templates_see_the_site_language() {
    let site = SiteTest::new("minimal");
    site.write(
        "templates/page.html",
        "<html lang=\"{{ config.default_language }}\">",
    );
    site.run(["build"]).success();
    assert_eq!(site.file(BASIC), "<html lang=\"en\">");
}

#[test]
fn base_url_with_a_sub_path_keeps_every_link_below_it() {
    let site = SiteTest::new("minimal");
    site.replace(
        "site.toml",
        "https://example.org/",
        "https://example.org/plan/",
    );
    site.run(["build"]).success();
    assert!(
        site.file(BASIC)
            .contains("permalink: https://example.org/plan/priorities/basic-education/")
    );
    // Files are written at the root of the output: the server maps /plan/ to it.
    assert!(site.exists(BASIC));
    assert_links_under(&site, "https://example.org/plan/");
}

#[test]
fn base_url_flag_overrides_site_toml() {
    let site = SiteTest::new("minimal");
    site.run(["build", "--base-url", "https://example.com/sub/dir/"])
        .success();
    assert!(
        site.file(BASIC)
            .contains("permalink: https://example.com/sub/dir/priorities/basic-education/")
    );
    assert!(!site.file(BASIC).contains("example.org"));
    assert_links_under(&site, "https://example.com/sub/dir/");
}

#[test]
fn shipped_site_under_a_sub_path_keeps_every_link_below_it() {
    let site = SiteTest::shipped();
    site.run(["build", "--base-url", "https://example.org/plan/"])
        .success();
    assert_links_under(&site, "https://example.org/plan/");
}

#[test]
fn drafts_are_left_out() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    assert!(!site.exists("public/priorities/draft-idea"));
    assert!(
        !site
            .file("public/priorities/index.html")
            .contains("Draft idea")
    );
}

#[test]
fn drafts_flag_publishes_drafts() {
    let site = SiteTest::new("minimal");
    site.run(["build", "--drafts"])
        .success()
        .stdout_contains("Built 8 pages");
    assert!(
        site.file("public/priorities/draft-idea/index.html")
            .contains("<h1>Draft idea</h1>")
    );
    assert_in_order(
        &site.file("public/priorities/index.html"),
        &[">Basic education<", ">Draft idea<", ">Teachers<"],
    );
}

#[test]
fn draft_bundles_keep_their_files_unpublished() {
    let site = SiteTest::new("minimal");
    site.write(
        "content/secret/index.md",
        "+++\ntitle = \"Secret\"\ndraft = true\n+++\n",
    );
    site.write("content/secret/budget.csv", "confidential\n");
    site.run(["build"]).success();
    assert!(!site.exists("public/secret/index.html"));
    assert!(
        !site.exists("public/secret/budget.csv"),
        "a draft's file was published"
    );
}

#[test]
fn files_beside_pages_are_copied() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    // Beside a page: into its section's folder. In a page bundle: into the page's folder.
    assert_eq!(
        site.file("public/priorities/chart.csv"),
        site.file("content/priorities/chart.csv")
    );
    assert_eq!(site.file("public/about/team.txt"), "The team.\n");
    assert!(
        site.file("public/about/index.html")
            .contains(r#"src="team.txt""#)
    );
}

#[test]
fn static_folder_is_copied() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    assert_eq!(site.file("public/style.css"), site.file("static/style.css"));
    assert_eq!(site.file("public/img/logo.txt"), "logo\n");
}

#[test]
fn site_templates_and_static_files_override_the_themes() {
    let site = SiteTest::new("themed");
    site.run(["build"]).success();
    assert_eq!(
        site.file("public/note/index.html").trim(),
        "<p>page from the site: A note</p>"
    );
    assert!(
        site.file("public/index.html")
            .starts_with("<p>index from the theme: Themed plan</p>")
    );
    assert!(site.file("public/style.css").contains("the site's"));
    assert_eq!(site.file("public/theme-only.txt"), "theme only\n");
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = SiteTest::new("minimal");
    site.replace(
        "site.toml",
        "https://example.org/",
        "https://example.org/plan/",
    );
    let canonical = "https://example.org/plan/priorities/basic-education/";
    let redirects = |targets: [&str; 2]| {
        site.run(["build"]).success();
        for (alias, target) in ["public/old/basic/index.html", "public/basic.html"]
            .into_iter()
            .zip(targets)
        {
            let html = site.file(alias);
            assert!(
                html.contains(&format!(
                    r#"<meta http-equiv="refresh" content="0; url={target}">"#
                )),
                "{html}"
            );
            assert!(
                html.contains(&format!(r#"<link rel="canonical" href="{canonical}">"#)),
                "{html}"
            );
        }
    };
    redirects([
        "../../priorities/basic-education/index.html",
        "priorities/basic-education/index.html",
    ]);
    site.replace("site.toml", "title =", "relative_links = false\ntitle =");
    redirects([canonical, canonical]);
}

#[test]
fn output_dir_flag_chooses_where_the_site_goes() {
    let site = SiteTest::new("minimal");
    site.run(["build", "--output-dir", "out"]).success();
    assert!(
        site.file("out/priorities/basic-education/index.html")
            .contains("<h1>Basic education</h1>")
    );
    assert!(!site.exists("public"));
    // Outside the site root too.
    site.run(["build", "-o", "../elsewhere"]).success();
    assert!(site.outside().join("elsewhere/index.html").is_file());
}

#[test]
fn rebuild_replaces_the_output_but_keeps_its_git_folder() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.write("public/stale.html", "from an older build");
    site.run(["build"]).success();
    assert_eq!(site.file("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert!(!site.exists("public/stale.html"));
    assert!(site.exists(BASIC));
    let beside: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    // No staging folder or previous output left; only the record of the build.
    assert!(
        !beside.iter().any(|name| {
            let name = name.to_string_lossy();
            name.starts_with(".public") && name != ".public.workplan"
        }),
        "{beside:?}"
    );
}

/// The plan this repository publishes, with its own theme.
#[test]
fn shipped_site_builds() {
    let site = SiteTest::shipped();
    site.run(["build"]).success();
    let areas = [
        "party-building",
        "cultivating-virtue",
        "ministry-region-cooperation",
        "higher-education",
        "basic-education",
        "vocational-education",
        "teachers",
        "digital-transformation",
        "reform-and-opening-up",
        "security-and-stability",
    ];
    let home = site.file("public/index.html");
    let listed: std::collections::BTreeSet<_> = links(&home)
        .into_iter()
        .filter_map(|link| {
            link.strip_prefix("priorities/")?
                .strip_suffix("/index.html")
        })
        .collect();
    assert_eq!(
        listed.len(),
        10,
        "the home page should list ten areas: {listed:?}"
    );
    for area in areas {
        assert!(listed.contains(area), "{area} not on the home page");
        let page = site.file(&format!("public/priorities/{area}/index.html"));
        assert!(page.contains("<h1>"), "{area} has no title");
    }
    assert!(
        site.file("public/source/index.html")
            .contains("<h1>Source</h1>")
    );
}

/// The footer of every page says what the shipped site is, the ten priority areas as China
/// Education News reported them, with its reporters; it claims no official document.
#[test]
fn footer_credits_the_report_the_site_follows() {
    let site = SiteTest::shipped();
    site.run(["build"]).success();
    for page in [
        "index.html",
        "priorities/teachers/index.html",
        "source/index.html",
    ] {
        let html = site.file(&format!("public/{page}"));
        let footer = &html[html.find("<footer").unwrap()..];
        for credit in [
            "This site presents the ten priority areas of Guangxi",
            "2024 education work, as reported by China Education News (中国教育报,",
            "China Education Daily",
            "reporter Ou Jinchang and special correspondent Qin Ou",
            "The original report is the authoritative text.",
        ] {
            assert!(
                footer.contains(credit),
                "{page}: {credit:?} not in {footer}"
            );
        }
        assert!(!footer.contains("official"), "{page}: {footer}");
    }

    // With the report's address, "report" links to it.
    let url = "https://example.net/report";
    site.replace(
        "site.toml",
        "# source_url = \"https://…\"",
        &format!("source_url = \"{url}\""),
    );
    site.run(["build"]).success();
    let home = site.file("public/index.html");
    let footer = &home[home.find("<footer").unwrap()..];
    let link = format!("The original <a href=\"{url}\">report</a> is the authoritative text.");
    assert!(footer.contains(&link), "{footer}");
}

/// Files whose bytes did not change are not rewritten: a rebuild keeps their inodes (and so
/// their timestamps), which keeps rsync and CDN uploads small.
#[test]
fn a_rebuild_rewrites_only_the_files_that_changed() {
    use std::os::unix::fs::MetadataExt;
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    let inodes = |site: &SiteTest| -> std::collections::BTreeMap<String, u64> {
        site.tree("public")
            .paths()
            .filter(|path| !path.ends_with('/'))
            .map(|path| {
                let inode = std::fs::metadata(site.path(&format!("public/{path}")))
                    .unwrap()
                    .ino();
                (path.to_owned(), inode)
            })
            .collect()
    };
    let before = inodes(&site);
    // Saved again unchanged: the build runs, and finds every output the same.
    let teachers = "content/priorities/teachers.md";
    site.write(teachers, site.file(teachers));
    site.run(["build"]).success().stdout_contains("Built ");
    assert_eq!(
        inodes(&site),
        before,
        "a build that changed nothing wrote files"
    );

    site.replace(
        "content/priorities/teachers.md",
        "+++\n\n",
        "+++\n\nA new first line.\n\n",
    );
    site.run(["build"]).success();
    let after = inodes(&site);
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|&(path, inode)| before.get(path) != Some(inode))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        rewritten,
        ["priorities/teachers/index.html"],
        "only the edited page is new"
    );
}

/// `build` skips a build when nothing it reads changed: a data file a template loads counts.
#[test]
fn a_build_is_not_skipped_when_a_loaded_data_file_changed() {
    let site = SiteTest::new("minimal");
    site.replace(
        "templates/index.html",
        "<h1>",
        "{% set lead = load_data(path=\"data/lead.toml\") %}<p class=\"lead\">{{ lead.name }}</p><h1>",
    );
    site.write("data/lead.toml", "name = \"Li Wei\"\n").settle();
    site.run(["build"]).success().stdout_contains("Built ");
    site.run(["build"]).success().stdout_contains("Up to date");
    site.write("data/lead.toml", "name = \"Wang Fang\"\n")
        .settle();
    site.run(["build"]).success().stdout_contains("Built ");
    assert!(site.file("public/index.html").contains("Wang Fang"));
}

/// A build with nothing changed since the last one leaves the output alone without building;
/// any edit (content, templates, static files), an option, or a change to the output itself
/// makes it build again.
#[test]
fn a_build_with_nothing_changed_does_nothing() {
    use std::os::unix::fs::MetadataExt;
    let site = SiteTest::new("minimal");
    let stamps = |site: &SiteTest| -> Vec<(String, u64, i64)> {
        let tree = site.tree("public");
        tree.paths()
            .filter(|path| !path.ends_with('/'))
            .map(|path| {
                let metadata = std::fs::metadata(site.path(&format!("public/{path}"))).unwrap();
                (path.to_owned(), metadata.ino(), metadata.mtime_nsec())
            })
            .collect()
    };
    let up_to_date = |site: &SiteTest, args: &[&str]| {
        let before = stamps(site);
        site.run(args).success().stdout_contains("Up to date");
        assert_eq!(
            stamps(site),
            before,
            "an up-to-date build touched the output"
        );
    };
    site.settle()
        .run(["build"])
        .success()
        .stdout_contains("Built ");
    up_to_date(&site, &["build"]);

    // Inputs changed just now may change again unseen within a clock tick: no skipping yet.
    site.replace("content/priorities/teachers.md", "earlier", "sooner");
    site.run(["build"]).success().stdout_contains("Built ");
    assert!(
        site.file("public/priorities/teachers/index.html")
            .contains("sooner")
    );
    site.run(["build"]).success().stdout_contains("Built ");
    site.settle()
        .run(["build"])
        .success()
        .stdout_contains("Built ");
    up_to_date(&site, &["build"]);

    for (file, from, to) in [
        ("templates/page.html", "</h1>", "</h1><!-- edited -->"),
        ("static/style.css", "", "/* edited */"),
    ] {
        site.replace(file, from, to).settle();
        site.run(["build"]).success().stdout_contains("Built ");
        up_to_date(&site, &["build"]);
    }

    std::fs::remove_file(site.path("public/priorities/teachers/index.html")).unwrap();
    site.run(["build"]).success().stdout_contains("Built ");
    assert!(site.exists("public/priorities/teachers/index.html"));

    for options in [
        &["build", "--drafts"][..],
        &["build", "--base-url", "https://example.org/plan/"],
    ] {
        site.run(options).success().stdout_contains("Built ");
        up_to_date(&site, options);
    }
    assert!(
        site.file("public/atom.xml")
            .contains("https://example.org/plan/")
    );
}

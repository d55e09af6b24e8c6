//! Sites in more than one language (issue 11): `name.<code>.md` beside `name.md`, published
//! under `/<code>/`; a missing translation falls back to the default language's text with a
//! notice; `hreflang` alternates, a language switcher that stays on the page, sitemap
//! alternates, feeds and exports per language; Unicode and ASCII addresses; translations that
//! disagree with their originals are located errors. The fixture is `tests/sites/languages`
//! (English, and Simplified Chinese as `zh-Hans`) in the default theme.

use crate::harness::SiteTest;

fn site() -> SiteTest {
    SiteTest::with_shipped_themes("languages")
}

/// The `href`s of the `<link rel="alternate" hreflang=...>` of a page, as `lang href`.
fn alternates(html: &str) -> Vec<String> {
    html.split("<link rel=\"alternate\" hreflang=\"")
        .skip(1)
        .map(|rest| {
            let lang = rest.split('"').next().unwrap();
            let href = rest.split("href=\"").nth(1).unwrap().split('"').next();
            format!("{lang} {}", href.unwrap())
        })
        .collect()
}

#[test]
fn a_translation_is_published_under_its_language_with_its_own_text() {
    let site = site();
    site.run(["build"]).success();
    let english = site.file("public/areas/schools/index.html");
    let chinese = site.file("public/zh-Hans/areas/schools/index.html");
    assert!(english.contains("<html lang=\"en\">"), "{english}");
    assert!(chinese.contains("<html lang=\"zh-Hans\">"), "{chinese}");
    for text in ["学校", "建设学校", "自治区教育厅", "办好学校。"] {
        assert!(chinese.contains(text), "no `{text}` in the translation");
    }
    // The facts come from the original: the first task is done, the second in progress.
    assert!(
        chinese.contains("已完成") && chinese.contains("进行中"),
        "{chinese}"
    );
    assert!(
        !chinese.contains("fallback-notice"),
        "a translation is no fallback"
    );
    // The interface speaks Chinese around Chinese text.
    assert!(chinese.contains("重点任务") && !chinese.contains(">Tasks<"));
    // A link of the translation to a page leads to that page in Chinese.
    assert!(
        chinese.contains("href=\"../../../zh-Hans/areas/teachers/index.html\""),
        "{chinese}"
    );
    assert!(english.contains("href=\"../../areas/teachers/index.html\""));
    // Each language's home page is a home page (`index.html`, with the plan's areas).
    let home = site.file("public/zh-Hans/index.html");
    assert!(home.contains("class=\"area-card\""), "{home}");
}

#[test]
fn a_missing_translation_shows_the_original_with_a_notice_in_the_readers_language() {
    let site = site();
    site.run(["build"])
        .success()
        .stdout_contains("zh-Hans: 3 of 5 pages and sections are not translated");
    let fallback = site.file("public/zh-Hans/areas/teachers/index.html");
    assert!(fallback.contains("<html lang=\"zh-Hans\">"), "{fallback}");
    assert!(
        fallback.contains("本页尚无中文译文，以下为英文原文。"),
        "no notice in Chinese:\n{fallback}"
    );
    // The English text is marked as English, and stays out of the Chinese search.
    assert!(
        fallback.contains("<main id=\"main\" class=\"site-main\" tabindex=\"-1\" lang=\"en\">")
    );
    assert!(!fallback.contains("data-pagefind-body"));
    assert!(fallback.contains("Teachers are recruited and trained."));
    // Its link to a heading leads to the page whose heading it names: the original.
    assert!(
        fallback.contains("href=\"../../../areas/schools/index.html#teacher-training\""),
        "{fallback}"
    );
    // The original's aliases lead to the original only.
    assert!(site.exists("public/old-teachers/index.html"));
    assert!(!site.exists("public/zh-Hans/old-teachers/index.html"));
    // A fallback section, too.
    let section = site.file("public/zh-Hans/areas/index.html");
    assert!(section.contains("本页尚无中文译文"), "{section}");

    let listed = site.run(["translations"]).success().stdout();
    assert!(
        listed.contains("zh-Hans: 3 translations missing:"),
        "{listed}"
    );
    for file in [
        "content/areas/_index.zh-Hans.md",
        "content/areas/teachers.zh-Hans.md",
        "content/教育.zh-Hans.md",
    ] {
        assert!(listed.contains(file), "{file} not listed:\n{listed}");
    }
    assert!(!listed.contains("schools.zh-Hans.md"), "{listed}");
}

#[test]
fn every_version_declares_the_others_and_the_switcher_stays_on_the_page() {
    let site = site();
    site.run(["build"]).success();
    for page in [
        "public/areas/schools/index.html",
        "public/zh-Hans/areas/schools/index.html",
    ] {
        assert_eq!(
            alternates(&site.file(page)),
            [
                "en https://example.org/areas/schools/",
                "zh-Hans https://example.org/zh-Hans/areas/schools/",
                "x-default https://example.org/areas/schools/",
            ],
            "{page}"
        );
    }
    // The switcher links each version to the same page in the other language.
    let english = site.file("public/areas/teachers/index.html");
    let switcher = english.split("language-switcher").nth(1).unwrap();
    let switcher = switcher.split("</nav>").next().unwrap();
    assert!(
        switcher.contains(
            "<a href=\"../../zh-Hans/areas/teachers/index.html\" hreflang=\"zh-Hans\" lang=\"zh-Hans\">简体中文</a>"
        ),
        "{switcher}"
    );
    assert!(switcher.contains("aria-current=\"true\" lang=\"en\">English</span>"));
    let home = site.file("public/zh-Hans/index.html");
    assert!(home.contains("<a href=\"../index.html\" hreflang=\"en\" lang=\"en\">English</a>"));
}

#[test]
fn the_sitemap_lists_every_version_with_its_alternates_percent_encoded() {
    let site = site();
    site.run(["build"]).success();
    let sitemap = site.file("public/sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let entry = sitemap
        .split("<url>")
        .find(|entry| entry.contains("<loc>https://example.org/zh-Hans/areas/schools/</loc>"))
        .expect("the translation is listed");
    for line in [
        "<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/areas/schools/\"/>",
        "<xhtml:link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"https://example.org/zh-Hans/areas/schools/\"/>",
        "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/areas/schools/\"/>",
    ] {
        assert!(entry.contains(line), "no `{line}` in\n{entry}");
    }
    // A Chinese address is readable in the site and percent-encoded in the sitemap.
    assert!(site.exists("public/教育/index.html"));
    assert!(site.exists("public/zh-Hans/教育/index.html"));
    assert!(
        sitemap.contains("<loc>https://example.org/%E6%95%99%E8%82%B2/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.contains("<loc>https://example.org/zh-Hans/%E6%95%99%E8%82%B2/</loc>"));
    assert!(!sitemap.contains("教育"), "{sitemap}");
}

#[test]
fn headings_keep_readable_ids_in_every_script() {
    let site = site();
    site.run(["build"]).success();
    let chinese = site.file("public/zh-Hans/areas/schools/index.html");
    assert!(chinese.contains("id=\"教师培训\""), "{chinese}");
    let page = site.file("public/教育/index.html");
    assert!(page.contains("id=\"教育数字化-转型\""), "{page}");
}

#[test]
fn each_language_has_its_feeds_taxonomies_and_exports() {
    let site = site();
    site.run(["build"]).success();
    let feed = site.file("public/zh-Hans/atom.xml");
    assert!(feed.contains("xml:lang=\"zh-Hans\""), "{feed}");
    assert!(feed.contains("<title>规划</title>"), "{feed}");
    assert!(feed.contains("https://example.org/zh-Hans/areas/schools/"));
    assert!(!site.file("public/atom.xml").contains("zh-Hans/"));
    // Terms in Chinese, under the Chinese taxonomy, named in Chinese.
    let term = site.file("public/zh-Hans/topics/学校/index.html");
    assert!(term.contains("主题"), "{term}");
    assert!(site.exists("public/zh-Hans/topics/学校/atom.xml"));

    // Exports: the same keys and status codes, titles and headers in the language.
    let english: serde_json::Value = serde_json::from_str(&site.file("public/plan.json")).unwrap();
    let chinese: serde_json::Value =
        serde_json::from_str(&site.file("public/zh-Hans/plan.json")).unwrap();
    assert_eq!(chinese["language"], "zh-Hans");
    assert_eq!(chinese["areas"][0]["title"], "学校");
    assert_eq!(chinese["areas"][0]["tasks"][0]["title"], "建设学校");
    for (area, task) in [(0, 0), (0, 1), (1, 0)] {
        assert_eq!(
            english["areas"][area]["tasks"][task]["status"],
            chinese["areas"][area]["tasks"][task]["status"]
        );
    }
    assert_eq!(chinese["areas"][0]["tasks"][0]["status"], "done");
    let csv = site.file("public/zh-Hans/tasks.csv");
    let header = csv.lines().next().unwrap().trim_start_matches('\u{feff}');
    assert_eq!(
        header,
        "编号,任务,状态,状态起始日期,牵头单位,配合单位,完成时限,时限说明,备注,逾期,领域,领域名称,领域网址"
    );
    assert!(
        csv.contains("\"=\"\"1.1\"\"\",建设学校,done,,自治区教育厅"),
        "{csv}"
    );
    let english_csv = site.file("public/tasks.csv");
    assert!(english_csv.contains(
        "task,title,status,status_since,lead,partners,due,due_text,note,overdue,area,area_title,area_url"
    ));
}

#[test]
fn codes_with_a_region_or_a_script_and_a_prefix_of_their_own() {
    let site = site();
    // Chinese (China) by default, British English under /en/.
    site.replace(
        "site.toml",
        "default_language = \"en\"",
        "default_language = \"zh-CN\"",
    );
    site.replace(
        "site.toml",
        "[languages.zh-Hans]",
        "[languages.en-GB]\nprefix = \"en\"",
    );
    site.replace(
        "site.toml",
        "[languages.zh-Hans.translations]",
        "[languages.en-GB.translations]",
    );
    for (from, to) in [
        (
            "content/areas/schools.zh-Hans.md",
            "content/areas/schools.en-GB.md",
        ),
        ("content/_index.zh-Hans.md", "content/_index.en-GB.md"),
    ] {
        std::fs::rename(site.path(from), site.path(to)).unwrap();
    }
    site.run(["build"]).success();
    let page = site.file("public/en/areas/schools/index.html");
    assert!(page.contains("<html lang=\"en-GB\">"), "{page}");
    assert!(page.contains("建设学校"), "the translation's text");
    let default = site.file("public/areas/schools/index.html");
    assert!(default.contains("<html lang=\"zh-CN\">"), "{default}");
    // zh-CN finds the theme's zh-Hans table; en-GB finds en.
    assert!(default.contains("重点任务"), "{default}");
    assert!(page.contains(">Tasks<") || page.contains("Tasks"), "{page}");
    assert!(alternates(&page).contains(&"en-GB https://example.org/en/areas/schools/".to_string()));
}

#[test]
fn a_translation_that_disagrees_with_its_original_is_a_located_error() {
    let site = site();
    site.replace(
        "content/areas/schools.zh-Hans.md",
        "[[area.tasks]]\ntitle = \"培训教师\"\n",
        "",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("the original has 2 tasks, its translation 1")
        .at_some_line_of("content/areas/schools.zh-Hans.md");

    let site = crate::languages::site();
    site.replace(
        "content/areas/schools.zh-Hans.md",
        "title = \"培训教师\"",
        "title = \"培训教师\"\nstatus = \"done\"",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("this task is `done` here but `in-progress` in the original")
        .help("leave `status` out of the translation");
    assert!(!site.exists("public"), "a failed build publishes nothing");
}

#[test]
fn a_file_in_a_language_the_site_does_not_have_is_refused() {
    let site = site();
    site.write(
        "content/areas/schools.fr.md",
        "+++\ntitle = \"Écoles\"\n+++\nDes écoles.\n",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("`fr` is not a language the site is published in")
        .help("add `[languages.fr]` to site.toml");
    // A name with a dot that is no language is an ordinary page.
    let site = crate::languages::site();
    site.write(
        "content/report.v2.md",
        "+++\ntitle = \"Report\"\n+++\nText.\n",
    );
    site.run(["build"]).success();
    assert!(site.exists("public/report-v2/index.html"));
}

#[test]
fn a_missing_translation_key_names_the_language_and_where_to_add_it() {
    let site = site();
    site.write(
        "templates/page.html",
        "<!DOCTYPE html><title>{{ page.title }}</title>{% if lang != \"en\" %}{{ trans(key=\"no_such_key\") }}{% endif %}",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("no translation of `no_such_key` for language `zh-Hans`")
        .help("[languages.zh-Hans.translations]");
}

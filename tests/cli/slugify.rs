//! `site.toml`'s `[slugify]` table: Zola's `on`, `safe` and `off` strategies for page paths,
//! taxonomy terms and heading ids, workplan's readable default where a key is absent, and the
//! located errors for a strategy that does not exist or a slug that would leave the site.

use crate::harness::SiteTest;

/// The `slugify` fixture (a Chinese section with a dated Chinese page, a Latin section with a
/// file name and a written `slug`) with `table` appended to its `site.toml`.
fn site_with(table: &str) -> SiteTest {
    let site = SiteTest::with_shipped_themes("slugify");
    let config = site.file("site.toml");
    site.write("site.toml", format!("{config}\n{table}"));
    site
}

/// The same strategy for paths, taxonomies and anchors.
fn all(strategy: &str) -> String {
    format!(
        "[slugify]\npaths = \"{strategy}\"\ntaxonomies = \"{strategy}\"\nanchors = \"{strategy}\"\n"
    )
}

/// Builds and checks that each of `pages` (output folders) was written, and that the dated
/// Chinese page, at `dated`, has the heading ids `ids`.
#[track_caller]
fn builds(site: &SiteTest, pages: &[&str], dated: &str, ids: [&str; 2]) {
    site.run(["build"]).success();
    for page in pages.iter().chain([&dated]) {
        let file = format!("public/{page}/index.html");
        assert!(
            site.exists(&file),
            "no {file} in {:?}",
            site.tree("public").paths().collect::<Vec<_>>()
        );
    }
    let html = site.file(&format!("public/{dated}/index.html"));
    for id in ids {
        let written = format!(" id=\"{id}\"");
        assert!(html.contains(&written), "no {written} in {dated}:\n{html}");
    }
}

#[test]
fn the_default_keeps_every_script_readable() {
    let site = site_with("");
    builds(
        &site,
        &[
            "news-room/hello-world",
            "news-room/hello-bye",
            "topics/数字-教育",
            "topics/teachers",
        ],
        "教育动态/数字化转型",
        ["教育-数字化", "test-hey"],
    );
}

#[test]
fn on_transliterates_to_ascii() {
    let site = site_with(&all("on"));
    builds(
        &site,
        &[
            "news-room/hello-world",
            "news-room/hello-bye",
            "topics/shu-zi-jiao-yu",
            "topics/teachers",
        ],
        "jiao-yu-dong-tai/shu-zi-hua-zhuan-xing",
        ["jiao-yu-shu-zi-hua", "test-hey"],
    );
    assert!(!site.exists("public/教育动态"));
}

#[test]
fn safe_and_off_keep_names_as_written() {
    for strategy in ["safe", "off"] {
        let site = site_with(&all(strategy));
        builds(
            &site,
            &[
                "News Room/Hello World",
                "News Room/Hello & Bye",
                "topics/数字 教育",
                "topics/Teachers",
            ],
            "教育动态/数字化转型",
            ["教育_数字化", "Test_(hey)"],
        );
    }
}

#[test]
fn safe_removes_what_file_systems_refuse_and_off_is_refused_for_it() {
    let slug = "slug = \"Hello & Bye\"";
    let site = site_with(&all("safe"));
    site.replace(
        "content/News Room/explicit.md",
        slug,
        "slug = \"../Q: why?\"",
    );
    builds(
        &site,
        &["News Room/..Q why"],
        "教育动态/数字化转型",
        ["教育_数字化", "Test_(hey)"],
    );

    let site = site_with(&all("off"));
    site.replace(
        "content/News Room/explicit.md",
        slug,
        "slug = \"../escape\"",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("error: the slug `../escape` cannot be a folder of the site")
        .at("content/News Room/explicit.md:3:8")
        .help("`[slugify]` strategy `off` keeps names as written")
        .problems(1);
    assert!(!site.exists("public"));
    assert!(!site.exists("escape"));
}

#[test]
fn a_term_that_would_leave_the_site_is_located() {
    let site = site_with(&all("off"));
    site.replace(
        "content/教育动态/2024-03-01-数字化转型.md",
        "\"Teachers\"",
        "\"../..\"",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("error: the topics term `../..` cannot be a folder of the site")
        .at("content/教育动态/2024-03-01-数字化转型.md:5:1")
        .problems(1);
}

#[test]
fn only_the_kind_named_changes() {
    let site = site_with("[slugify]\nanchors = \"on\"\n");
    builds(
        &site,
        &["news-room/hello-world", "topics/数字-教育"],
        "教育动态/数字化转型",
        ["jiao-yu-shu-zi-hua", "test-hey"],
    );
}

#[test]
fn paths_keep_dates_keeps_the_date_of_a_file_name() {
    let site = site_with("[slugify]\npaths_keep_dates = true\n");
    builds(
        &site,
        &[],
        "教育动态/2024-03-01-数字化转型",
        ["教育-数字化", "test-hey"],
    );
    let site = site_with("[slugify]\npaths = \"on\"\npaths_keep_dates = true\n");
    builds(
        &site,
        &[],
        "jiao-yu-dong-tai/2024-03-01-shu-zi-hua-zhuan-xing",
        ["教育-数字化", "test-hey"],
    );
}

#[test]
fn an_unknown_strategy_is_located_with_the_valid_ones() {
    let site = site_with("[slugify]\npaths = \"yes\"\n");
    site.run(["build"])
        .failure()
        .stderr_contains("error: unknown value `yes`")
        .at("site.toml:9:9")
        .help("use one of `on`, `safe`, `off`");
}

/// A `:` may be in a file name on Unix only: `off` keeps it, and the build refuses it.
#[cfg(unix)]
#[test]
fn a_file_name_that_off_cannot_write_is_refused() {
    let site = site_with(&all("off"));
    site.write("content/News Room/Q: why.md", "+++\ntitle = \"Q\"\n+++\n");
    site.run(["build"])
        .failure()
        .stderr_contains("error: this file name makes the slug `Q: why`, which cannot be a folder")
        .stderr_contains("--> content/News Room/Q: why.md")
        .problems(1);
    let site = site_with(&all("safe"));
    site.write("content/News Room/Q: why.md", "+++\ntitle = \"Q\"\n+++\n");
    site.run(["build"]).success();
    assert!(site.exists("public/News Room/Q why/index.html"));
}

/// A section whose folder `off` cannot write is refused, with its pages, by one error.
#[cfg(unix)]
#[test]
fn a_folder_name_that_off_cannot_write_is_refused() {
    let site = site_with(&all("off"));
    site.write("content/a:b/_index.md", "+++\ntitle = \"A\"\n+++\n");
    site.write("content/a:b/page.md", "+++\ntitle = \"P\"\n+++\n");
    site.write("content/a:b/c/_index.md", "+++\ntitle = \"C\"\n+++\n");
    site.run(["build"])
        .failure()
        .stderr_contains("error: the folder `a:b` cannot be a folder of the site")
        .stderr_contains("--> content/a:b/_index.md")
        .problems(1);
}

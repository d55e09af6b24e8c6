//! Content written for Zola builds here (issue 13): YAML front matter between `---` lines,
//! blank lines before the front matter, every `sort_by` value Zola documents, and Zola's
//! heading ids for Latin text, so that links written for Zola (`#get-page`) resolve. The
//! fixture is `tests/sites/zola`.

use crate::harness::SiteTest;

/// The titles a section's listing shows, in order.
fn listed(site: &SiteTest, page: &str) -> Vec<String> {
    site.file(page)
        .lines()
        .filter_map(|line| line.strip_prefix("<li>")?.strip_suffix("</li>"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn yaml_and_toml_front_matter_after_blank_lines_build_as_zola_reads_them() {
    let site = SiteTest::new("zola");
    site.run(["build"]).success();
    let alpha = site.file("public/blog/alpha/index.html");
    // Every kind of YAML value reaches the page: text with a colon, dates, a number, a table
    // and a list with a quoted item.
    assert!(alpha.contains("<h1>alpha: a post</h1>"), "{alpha}");
    assert!(
        alpha.contains(r#"<p class="meta">2024-03-01 2024-09-01 3 calm yaml zola </p>"#),
        "{alpha}"
    );
    assert!(site.exists("public/tags/yaml/index.html"));
    // Blank lines before `+++`, in a section and in a page; `slug` and `path` from YAML.
    assert!(
        site.file("public/index.html")
            .contains("after two blank lines")
    );
    assert!(
        site.file("public/blog/zz-beta/index.html")
            .contains("<h1>Beta</h1>")
    );
    let gamma = site.file("public/a-gamma/index.html");
    assert!(gamma.contains("<p>Gamma's text.</p>"), "{gamma}");
}

#[test]
fn every_sort_by_of_zola_orders_as_zola_does() {
    let site = SiteTest::new("zola");
    // Dates: Beta 05-01, alpha 03-01 (updated 09-01), Gamma 01-15 (updated 12-01); weights
    // Gamma 1, Beta 2, alpha 3; slugs alpha, zz-beta, gamma; Gamma's path is /a-gamma/.
    let orders = [
        ("weight", ["Gamma", "Beta", "alpha: a post"]),
        ("date", ["Beta", "alpha: a post", "Gamma"]),
        ("update_date", ["Gamma", "alpha: a post", "Beta"]),
        ("title", ["alpha: a post", "Beta", "Gamma"]),
        ("title_bytes", ["Beta", "Gamma", "alpha: a post"]),
        ("slug", ["alpha: a post", "Gamma", "Beta"]),
        ("permalink", ["Gamma", "alpha: a post", "Beta"]),
        ("none", ["alpha: a post", "Beta", "Gamma"]),
    ];
    for (sort_by, expected) in orders {
        site.write(
            "content/blog/_index.md",
            format!("+++\ntitle = \"Blog\"\nsort_by = \"{sort_by}\"\n+++\n"),
        );
        site.run(["build"]).success();
        assert_eq!(
            listed(&site, "public/blog/index.html"),
            expected,
            "sort_by = \"{sort_by}\""
        );
    }
    site.write("content/blog/_index.md", "+++\nsort_by = \"random\"\n+++\n");
    site.run(["build"])
        .failure()
        .stderr_contains("content/blog/_index.md:2:11")
        .stderr_contains("title_bytes");
}

/// `## get_page` has Zola's id `get-page`, `## Café crème` has `cafe-creme`: the links the
/// fixture writes for Zola resolve (a link to a missing anchor fails the build).
#[test]
fn headings_get_zolas_ids_so_links_written_for_zola_resolve() {
    let site = SiteTest::new("zola");
    site.run(["build"]).success();
    let alpha = site.file("public/blog/alpha/index.html");
    assert!(
        alpha.contains(r#"<h2 id="get-page">get_page</h2>"#),
        "{alpha}"
    );
    let beta = site.file("public/blog/zz-beta/index.html");
    assert!(
        beta.contains(r#"<h2 id="cafe-creme">Café crème</h2>"#),
        "{beta}"
    );
}

/// A mistake in YAML front matter is located in the YAML the author wrote: a value of the
/// wrong type at the value, an unknown key at the key, broken YAML where the parser stopped.
#[test]
fn yaml_mistakes_are_located_in_the_yaml() {
    let site = SiteTest::new("zola");
    site.write(
        "content/blog/gamma.md",
        "---\ntitle: Gamma\nweight: heavy\n---\n",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("content/blog/gamma.md:3:9")
        .stderr_contains("weight: heavy");
    site.write(
        "content/blog/gamma.md",
        "\n---\ntitle: Gamma\ncolour: blue\n---\n",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("content/blog/gamma.md:4:1")
        .stderr_contains("unknown key `colour`");
    site.write("content/blog/gamma.md", "---\ntitle: [Gamma\n---\n");
    site.run(["build"]).failure().stderr_contains("YAML: ");
}

/// Zola's `ignored_content` and `ignored_static` leave files out, by name or by path below
/// their folder; a pattern that is no glob is a located error.
#[test]
fn ignored_content_and_static_leave_files_out() {
    let site = SiteTest::new("zola");
    site.write("content/blog/figures.xlsx", "spreadsheet")
        .write("content/blog/chart.png", "picture")
        .write("content/drafts/_index.md", "+++\ntitle = \"Drafts\"\n+++\n")
        .write("content/drafts/idea.md", "+++\ntitle = \"Idea\"\n+++\n")
        .write("static/site.css", "body {}")
        .write("static/work/logo.psd", "layers");
    let config = site.file("site.toml");
    site.write(
        "site.toml",
        format!("{config}ignored_content = [\"*.xlsx\", \"drafts/**\", \"drafts\"]\nignored_static = [\"*.psd\"]\n"),
    );
    site.run(["build"]).success();
    assert!(site.exists("public/blog/chart.png") && site.exists("public/site.css"));
    for left_out in [
        "public/blog/figures.xlsx",
        "public/drafts/index.html",
        "public/drafts/idea/index.html",
        "public/work/logo.psd",
    ] {
        assert!(!site.exists(left_out), "{left_out} was published");
    }
    site.write(
        "site.toml",
        format!("{config}ignored_content = [\"*.{{xlsx\"]\n"),
    );
    site.run(["build"])
        .failure()
        .stderr_contains("site.toml:6:20")
        .stderr_contains("not a glob");
}

/// A key of Zola's that workplan does not take says so and what to do, where a key no tool
/// knows gets "unknown key"; `feed_filenames` takes Atom's name only.
#[test]
fn zolas_keys_that_workplan_refuses_say_what_to_do() {
    let site = SiteTest::new("zola");
    let config = site.file("site.toml");
    site.write("site.toml", format!("{config}hard_link_static = true\n"));
    site.run(["build"])
        .failure()
        .stderr_contains("error: Zola's `hard_link_static` is not supported by workplan")
        .stderr_contains("site.toml:6:1")
        .stderr_contains("linked on their own");
    site.write(
        "site.toml",
        format!("{config}[markdown]\nrender_emoji = true\n"),
    );
    site.run(["build"])
        .failure()
        .stderr_contains("Zola's `render_emoji` is not supported");
    site.write(
        "site.toml",
        format!("{config}feed_filenames = [\"rss.xml\"]\n"),
    );
    site.run(["build"])
        .failure()
        .stderr_contains("site.toml:6:18")
        .stderr_contains("workplan writes Atom feeds");
    site.write(
        "site.toml",
        format!("{config}feed_filenames = [\"atom.xml\"]\n"),
    );
    site.run(["build"]).success();
}

/// Zola's `[markdown]` settings workplan takes: typographic punctuation, attributes of links to
/// other sites, and images that load lazily; internal links stay as they are.
#[test]
fn markdown_settings_change_the_html_as_zolas_do() {
    let site = SiteTest::new("zola");
    site.write(
        "content/blog/gamma.md",
        "+++\ntitle = \"Gamma\"\ndate = 2024-01-15\n+++\n\"Quoted\" -- and... [out](https://example.com/a?b=1&c=2 \"Out\") \
         [in](@/blog/alpha.md)\n\n![The *chart* of 2024](chart.png \"Chart\")\n",
    );
    site.run(["build"]).success();
    let plain = site.file("public/blog/gamma/index.html");
    assert!(
        plain.contains(r#"<a href="https://example.com/a?b=1&amp;c=2" title="Out">out</a>"#),
        "{plain}"
    );
    assert!(plain.contains("\"Quoted\" -- and..."), "{plain}");

    let config = site.file("site.toml");
    site.write(
        "site.toml",
        format!(
            "{config}[markdown]\nsmart_punctuation = true\nexternal_links_target_blank = true\n\
             external_links_no_follow = true\nexternal_links_no_referrer = true\nlazy_async_image = true\n"
        ),
    );
    site.run(["build"]).success();
    let html = site.file("public/blog/gamma/index.html");
    assert!(html.contains("“Quoted” – and…"), "{html}");
    assert!(
        html.contains(
            r#"<a href="https://example.com/a?b=1&amp;c=2" title="Out" target="_blank" rel="noopener nofollow noreferrer">out</a>"#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="../../blog/alpha/index.html">in</a>"#),
        "{html}"
    );
    assert!(
        html.contains(
            r#"<img src="chart.png" alt="The chart of 2024" title="Chart" loading="lazy" decoding="async" />"#
        ),
        "{html}"
    );
}

//! Bad input: each mistake is reported with what is wrong, where (`--> path:line:column`) and a
//! `help:` hint, the build exits with 1, and the site built before stays exactly as it was.

use crate::harness::{Run, SiteTest};

/// Builds the minimal site, breaks it with `breaking` and builds again: the second build must
/// fail and leave the first one's `public/` byte for byte as it was, with no staging folder
/// left behind.
fn rejected(breaking: impl FnOnce(&SiteTest)) -> Run {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    let before = site.tree("public");
    assert!(before.contains("index.html"));
    breaking(&site);
    let run = site.run(["build"]);
    run.failure();
    before.assert_unchanged(&site.tree("public"));
    let beside = site.tree(".");
    assert!(!beside.contains(".public.staging/") && !beside.contains(".public.old/"));
    run
}

/// A Markdown file with this front matter and a short body.
fn md(front_matter: &str) -> String {
    format!("+++\n{front_matter}\n+++\n\nBody.\n")
}

#[test]
fn missing_front_matter() {
    rejected(|site| {
        site.write("content/x.md", "title = \"X\"\n\nBody.\n");
    })
    .stderr_contains("error: missing front matter")
    .at("content/x.md:1:1")
    .help("start the file with a `+++` line")
    .problems(1);
}

#[test]
fn unclosed_front_matter() {
    rejected(|site| {
        site.write("content/x.md", "+++\ntitle = \"X\"\n\nBody.\n");
    })
    .stderr_contains("error: front matter is never closed")
    .at("content/x.md:1:1")
    .help("add a line with only `+++`")
    .problems(1);
}

#[test]
fn toml_syntax_error() {
    rejected(|site| {
        site.write("content/x.md", md("title = \"X\nweight = 1"));
    })
    .stderr_contains("error: invalid basic string")
    .at("content/x.md:2:11")
    .problems(1);
}

#[test]
fn toml_syntax_error_has_a_hint() {
    rejected(|site| {
        site.write("content/x.md", md("title = \"X\nweight = 1"));
    })
    .help("");
}

#[test]
fn unknown_key_suggests_the_key_meant() {
    let run = rejected(|site| {
        site.write("content/x.md", md("title = \"X\"\nwieght = 2"));
    });
    run.stderr_contains("error: unknown key `wieght`")
        .at("content/x.md:3:1")
        .help("did you mean `weight`?")
        .problems(1);
    insta::assert_snapshot!(run.stderr());
}

#[test]
fn unknown_key_in_site_toml() {
    rejected(|site| {
        site.replace("site.toml", "title =", "titel =");
    })
    .stderr_contains("error: unknown key `titel`")
    .at("site.toml:2:1")
    .help("did you mean `title`?");
}

#[test]
fn wrong_type() {
    rejected(|site| {
        site.write("content/x.md", md("title = \"X\"\nweight = \"heavy\""));
    })
    .stderr_contains("error: invalid type: string \"heavy\"")
    .at("content/x.md:3:10")
    .help("expected a whole number, like `3`, found `\"heavy\"`")
    .problems(1);
}

#[test]
fn bad_date() {
    for (date, message) in [
        ("2024-02-30", "error: invalid date"),
        ("\"2024-02-30\"", "error: `2024-02-30` is not a date"),
    ] {
        rejected(|site| {
            site.write("content/x.md", md(&format!("title = \"X\"\ndate = {date}")));
        })
        .stderr_contains(message)
        .at("content/x.md:3:8")
        .problems(1);
    }
}

#[test]
fn bad_date_has_a_hint() {
    for date in ["2024-02-30", "\"2024-02-30\""] {
        rejected(|site| {
            site.write("content/x.md", md(&format!("title = \"X\"\ndate = {date}")));
        })
        .help("");
    }
}

#[test]
fn invalid_utf8() {
    rejected(|site| {
        site.write("content/x.md", b"+++\ntitle = \"caf\xe9\"\n+++\n");
    })
    .stderr_contains("error: file is not valid UTF-8")
    .at("content/x.md:2:13")
    .help("save the file as UTF-8")
    .problems(1);
}

#[test]
fn two_pages_with_the_same_slug() {
    rejected(|site| {
        site.write(
            "content/priorities/x.md",
            md("title = \"X\"\nslug = \"teachers\""),
        );
    })
    .stderr_contains("error: two pages would be written to `/priorities/teachers/`")
    .at_some_line_of("content/priorities/x.md")
    .help("`content/priorities/teachers.md` is written there too")
    .problems(1);
}

#[test]
fn missing_template() {
    rejected(|site| {
        site.write(
            "content/x.md",
            md("title = \"X\"\ntemplate = \"nope.html\""),
        );
    })
    .stderr_contains("error: template `nope.html` not found")
    .at("content/x.md:3:12")
    .help("add `templates/nope.html`")
    .problems(1);
}

#[test]
fn template_syntax_error() {
    rejected(|site| {
        site.replace(
            "templates/page.html",
            "{{ page.title }}</h1>",
            "{{ page.title </h1>",
        );
    })
    .stderr_contains("error: ")
    .at_some_line_of("templates/page.html")
    .stderr_contains("4 | <h1>{{ page.title </h1>")
    .help("")
    .problems(1);
}

#[test]
fn template_render_error() {
    rejected(|site| {
        site.replace(
            "templates/page.html",
            "{{ page.title }}</h1>",
            "{{ page.titel }}</h1>",
        );
    })
    .stderr_contains("error: Field `titel` is not defined")
    .at("templates/page.html:4:13")
    .help("")
    .problems(1);
}

#[test]
fn template_undefined_value_gets_a_hint_about_default() {
    rejected(|site| {
        site.replace(
            "templates/page.html",
            "{{ page.title }}</h1>",
            "{{ nope }}</h1>",
        );
    })
    .stderr_contains("error: Variable `nope` is not defined")
    .help("default(");
}

#[test]
fn broken_internal_link() {
    let run = rejected(|site| {
        site.write(
            "content/x.md",
            "+++\ntitle = \"X\"\n+++\n\nSee [higher](@/priorities/hihger.md).\n",
        );
    });
    run.stderr_contains("error: link to a missing page `@/priorities/hihger.md`")
        .at("content/x.md:5:5")
        .help("did you mean `@/priorities/higher.md`?")
        .problems(1);
    insta::assert_snapshot!(run.stderr());
}

#[test]
fn broken_internal_link_suggests_nothing_far_fetched() {
    rejected(|site| {
        site.write(
            "content/x.md",
            "+++\ntitle = \"X\"\n+++\n\nSee [it](@/priorities/nope.md).\n",
        );
    })
    .stderr_contains("error: link to a missing page `@/priorities/nope.md`")
    .stderr_lacks("did you mean");
}

#[test]
fn broken_anchor() {
    rejected(|site| {
        site.write(
            "content/x.md",
            "+++\ntitle = \"X\"\n+++\n\nSee [goals](@/priorities/higher.md#goal).\n",
        );
    })
    .stderr_contains("error: link to a missing anchor `#goal`")
    .at("content/x.md:5:5")
    .help("did you mean `#goals`?")
    .problems(1);
}

/// The minimal site with a `tags` taxonomy declared.
fn with_tags(site: &SiteTest) {
    let config = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("taxonomies = [{{ name = \"tags\" }}]\n{config}"),
    );
}

#[test]
fn a_page_where_a_taxonomy_is_published() {
    rejected(|site| {
        with_tags(site);
        site.write("content/x.md", md("title = \"X\"\npath = \"tags\""));
    })
    .stderr_contains("error: two pages would be written to `/tags/`")
    .at("content/x.md:3:8")
    .help("the taxonomy `tags` is published there")
    .problems(1);
}

#[test]
fn a_page_where_a_term_is_published() {
    rejected(|site| {
        with_tags(site);
        site.write(
            "content/x.md",
            md("title = \"X\"\npath = \"tags/schools\"\n[taxonomies]\ntags = [\"Schools\"]"),
        );
    })
    .stderr_contains("error: two pages would be written to `/tags/schools/`")
    .at("content/x.md:3:8")
    .help("the `tags` term `Schools` is published there")
    .problems(1);
}

#[test]
fn a_section_where_a_taxonomy_is_published() {
    rejected(|site| {
        with_tags(site);
        site.write("content/tags/_index.md", md("title = \"Tags\""));
    })
    .stderr_contains("error: two pages would be written to `/tags/`")
    .at("content/tags/_index.md:1:1")
    .help("the taxonomy `tags` is published there; move this section's folder")
    .problems(1);
}

#[test]
fn duplicate_area_number() {
    rejected(|site| {
        site.write(
            "content/priorities/x.md",
            md("title = \"X\"\n[area]\nnumber = 1"),
        );
    })
    .stderr_contains("error: area number 1 is used twice")
    .at("content/priorities/x.md:4:10")
    .help("`content/priorities/higher.md` is area 1 too")
    .problems(1);
}

#[test]
fn unknown_task_status_lists_the_statuses() {
    rejected(|site| {
        let front = "title = \"X\"\n[area]\nnumber = 3\n[[area.tasks]]\ntitle = \"T\"\nstatus = \"in-progres\"";
        site.write("content/priorities/x.md", md(front));
    })
    .stderr_contains("error: unknown value `in-progres`")
    .at("content/priorities/x.md:7:10")
    .help("use one of `planned`, `in-progress`, `done`, `at-risk`")
    .problems(1);
}

#[test]
fn problems_in_several_files_are_reported_together() {
    let run = rejected(|site| {
        site.write("content/x.md", md("title = \"X\"\nwieght = 2"));
        site.write(
            "content/priorities/y.md",
            md("title = \"Y\"\ndate = \"soon\""),
        );
        site.write("content/z.md", "title = \"Z\"\n");
        site.replace(
            "templates/section.html",
            "for p in section.pages %}",
            "for p in %}",
        );
    });
    run.at("content/x.md:3:1")
        .at("content/priorities/y.md:3:8")
        .at("content/z.md:1:1")
        .at_some_line_of("templates/section.html")
        .problems(4);
    insta::assert_snapshot!(run.stderr());
}

#[test]
fn broken_links_in_several_pages_are_reported_together() {
    rejected(|site| {
        site.write("content/x.md", "+++\ntitle = \"X\"\n+++\n[a](@/nope.md)\n");
        site.write(
            "content/priorities/y.md",
            "+++\ntitle = \"Y\"\n+++\n\n[b](@/nope.md)\n",
        );
    })
    .at("content/x.md:4:1")
    .at("content/priorities/y.md:5:1")
    .problems(2);
}

#[test]
fn broken_links_in_sections_and_pages_are_reported_together() {
    rejected(|site| {
        site.write(
            "content/priorities/_index.md",
            "+++\ntitle = \"P\"\n+++\n[a](@/nope.md)\n",
        );
        site.write(
            "content/priorities/y.md",
            "+++\ntitle = \"Y\"\n+++\n\n[b](@/nope.md)\n",
        );
    })
    .at("content/priorities/_index.md:4:1")
    .at("content/priorities/y.md:5:1")
    .problems(2);
}

#[test]
fn alias_outside_the_output_is_refused() {
    let site = SiteTest::new("minimal");
    site.replace(
        "content/priorities/basic-education.md",
        "\"old/basic\"",
        "\"../../escaped\"",
    );
    let outside = site.outside().join("escaped");
    let run = site.run(["build"]);
    assert!(!outside.exists(), "wrote {}", outside.display());
    run.failure()
        .at("content/priorities/basic-education.md:4:12")
        .help("");
}

#[test]
fn bad_base_url_flag_is_blamed_on_the_flag() {
    SiteTest::new("minimal")
        .run(["build", "--base-url", "example.org/plan"])
        .failure()
        .stderr_contains("example.org/plan")
        .stderr_contains("--base-url")
        .stderr_lacks("--> site.toml");
}

#[test]
fn site_toml_not_utf8() {
    rejected(|site| {
        let mut bytes = site.file("site.toml").into_bytes();
        bytes.extend(b"description = \"caf\xe9\"\n");
        site.write("site.toml", bytes);
    })
    .stderr_contains("not valid UTF-8")
    .stderr_lacks("workplan init");
}

#[test]
fn byte_order_mark_before_front_matter() {
    let site = SiteTest::new("minimal");
    site.write("content/x.md", format!("\u{feff}{}", md("title = \"X\"")));
    site.run(["build"]).success();
    assert!(site.exists("public/x/index.html"));
}

/// The output folder replaces what is there, so it may never be the site or hold it.
#[test]
fn output_dir_that_would_replace_the_site_is_refused() {
    for (output, message) in [
        (".", "it holds the site's own files"),
        ("..", "it holds the site's own files"),
        ("content", "the build reads `content/` from there"),
        ("content/out", "the build reads `content/` from there"),
        ("templates", "the build reads `templates/` from there"),
    ] {
        let site = SiteTest::new("minimal");
        site.run(["build"]).success();
        let before = site.tree("..");
        site.run(["build", "--output-dir", output])
            .failure()
            .stderr_contains("error: refusing to write the site to")
            .stderr_contains(message)
            .stderr_contains("help: choose a folder");
        before.assert_unchanged(&site.tree(".."));
    }
}

#[test]
fn windows_line_endings_are_located_like_unix_ones() {
    rejected(|site| {
        site.write(
            "content/x.md",
            "+++\r\ntitle = \"X\"\r\nwieght = 2\r\n+++\r\n\r\nBody.\r\n",
        );
    })
    .stderr_contains("error: unknown key `wieght`")
    .stderr_contains("3 | wieght = 2\n")
    .at("content/x.md:3:1")
    .help("did you mean `weight`?");
}

/// Issue 10, finding 1: the file-slug code cut the name at byte 10, inside `数`.
#[test]
fn chinese_file_name_longer_than_ten_bytes_builds() {
    let site = SiteTest::new("minimal");
    site.write(
        "content/priorities/教育数字化.md",
        md("title = \"教育数字化\""),
    );
    site.write("content/priorities/2024-03-0教育.md", md("title = \"X\""));
    site.run(["build"]).success();
    assert!(site.exists("public/priorities/教育数字化/index.html"));
    assert!(site.exists("public/priorities/2024-03-0教育/index.html"));
}

fn task_with_status(status: &str) -> String {
    md(&format!(
        "title = \"X\"\n[area]\nnumber = 3\n[[area.tasks]]\ntitle = \"T\"\nstatus = \"{status}\""
    ))
}

/// Issue 10, finding 7: "doing" was offered `done`, which marks unfinished work complete.
#[test]
fn a_word_for_a_status_gets_the_status_it_means_and_all_four() {
    for (written, meant) in [
        ("doing", "in-progress"),
        ("进行中", "in-progress"),
        ("in progress", "in-progress"),
        ("completed", "done"),
        ("已完成", "done"),
        ("todo", "planned"),
        ("blocked", "at-risk"),
    ] {
        rejected(|site| {
            site.write("content/priorities/x.md", task_with_status(written));
        })
        .stderr_contains(&format!("error: unknown value `{written}`"))
        .at("content/priorities/x.md:7:10")
        .help(&format!("`{written}` is `{meant}` here"))
        .help("`planned`, `in-progress`, `done`, `at-risk`")
        .stderr_lacks("did you mean")
        .problems(1);
    }
}

#[test]
fn an_unknown_status_lists_all_four_and_guesses_none() {
    rejected(|site| {
        site.write("content/priorities/x.md", task_with_status("dome"));
    })
    .at("content/priorities/x.md:7:10")
    .help("use one of `planned`, `in-progress`, `done`, `at-risk`")
    .stderr_lacks("did you mean")
    .problems(1);
}

/// A Chinese input method types `“ ”`, `‘ ’` and `＝`, which TOML does not read.
#[test]
fn curly_quotes_and_full_width_equals_get_a_hint_at_the_quote() {
    for (line, column) in [
        ("title = “教育”", 9),
        ("title = ‘教育’", 9),
        ("title ＝ \"教育\"", 7),
    ] {
        rejected(|site| {
            site.write("content/x.md", md(line));
        })
        .at(&format!("content/x.md:2:{column}"))
        .help("straight")
        .problems(1);
    }
}
/// Issue 10, finding 14: an alias at a generated file replaced it with a redirect, or was
/// dropped for a static file.
#[test]
fn an_alias_at_a_generated_or_static_file_is_refused() {
    for alias in [
        "plan.json",
        "tasks.csv",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
        "style.css",
        "priorities/atom.xml",
    ] {
        rejected(|site| {
            site.write(
                "content/x.md",
                md(&format!("title = \"X\"\naliases = [\"{alias}\"]")),
            );
        })
        .stderr_contains(&format!("`/{alias}`"))
        .at("content/x.md:3:12")
        .help("alias")
        .problems(1);
    }
}

#[test]
fn an_alias_at_the_404_page_is_refused() {
    rejected(|site| {
        site.write("templates/404.html", "Not here.");
        site.write(
            "content/x.md",
            md("title = \"X\"\naliases = [\"404.html\"]"),
        );
    })
    .stderr_contains("`/404.html`")
    .at("content/x.md:3:12")
    .problems(1);
}

#[test]
fn a_static_file_at_a_generated_file_is_refused() {
    for (file, message) in [
        ("static/plan.json", "`/plan.json`"),
        (
            "static/priorities/teachers/index.html",
            "`/priorities/teachers/`",
        ),
        ("static/index.html", "`/`"),
        ("content/index.html", "`/`"),
        ("static/priorities/atom.xml", "`/priorities/atom.xml`"),
    ] {
        rejected(|site| {
            site.write(file, "<p>mine</p>");
        })
        .stderr_contains(message)
        .stderr_contains(&format!("--> {file}\n"))
        .help("")
        .problems(1);
    }
}

#[test]
fn a_page_at_the_address_of_a_pager_is_refused() {
    rejected(|site| {
        site.replace(
            "content/priorities/_index.md",
            "+++\n",
            "+++\npaginate_by = 1\n",
        );
        site.write(
            "content/y.md",
            md("title = \"Y\"\npath = \"priorities/page/2\""),
        );
    })
    .stderr_contains("`/priorities/page/2/`")
    .at("content/y.md:3:8")
    .problems(1);
}

/// Issue 10, finding 15: a control character made `atom.xml` invalid XML.
#[test]
fn control_characters_never_reach_the_feed() {
    let site = SiteTest::new("minimal");
    site.write(
        "content/x.md",
        md("title = \"bell\\u0007\"\ndate = 2024-03-01T09:30:00-23:59\ndescription = \"a\\u001bb\""),
    );
    site.run(["build"]).success();
    let feed = site.file("public/atom.xml");
    assert!(feed.contains("<title>bell</title>"), "{feed}");
    assert!(feed.contains("ab"), "{feed}");
    assert!(
        !feed.chars().any(|c| c < ' ' && c != '\n' && c != '\t'),
        "{feed}"
    );
    assert!(feed.contains("2024-03-01T09:30:00-23:59"), "{feed}");
}

#[test]
fn a_nul_character_is_a_located_error() {
    rejected(|site| {
        site.write("content/x.md", md("title = \"a\""));
        site.write("content/y.md", "+++\ntitle = \"Y\"\n+++\n\nab\0c\n");
    })
    .stderr_contains("NUL")
    .at("content/y.md:5:3")
    .problems(1);
    rejected(|site| {
        site.write("content/x.md", md("title = \"a\\u0000b\""));
    })
    .stderr_contains("NUL")
    .at("content/x.md:2:9")
    .problems(1);
}

/// A template's mistake names the page it was rendering, counts the other pages that met it
/// (one problem, not one per page), and suggests the name meant: a field, a variable, a
/// filter or a function.
#[test]
fn template_mistakes_name_the_page_and_the_name_meant() {
    let site = SiteTest::new("zola");
    for (template, meant) in [
        ("{{ page.titel }}", "did you mean `title`?"),
        ("{{ pag.title }}", "did you mean `page`?"),
        ("{{ page.title | uppr }}", "did you mean `upper`?"),
        (
            "{{ get_pag(path=\"blog/alpha.md\") }}",
            "did you mean `get_page`?",
        ),
    ] {
        site.write("templates/page.html", template);
        let run = site.run(["build"]);
        run.failure().stderr_contains(&format!("help: {meant}"));
        if template.contains("page.titel") {
            run.stderr_contains("note: while rendering content/blog/alpha.md and 2 other pages")
                .stderr_contains("error: the site has 1 problem to fix");
        }
    }
}

/// A Zola theme's macro says what tera 2 has instead, where tera alone says "Unknown tag".
#[test]
fn a_zola_macro_says_to_use_a_component() {
    let site = SiteTest::new("zola");
    site.write(
        "templates/macros.html",
        "{% macro hello(name) %}Hello {{ name }}{% endmacro hello %}\n",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("templates/macros.html:1:4")
        .stderr_contains("help: tera 2 has components instead of macros");
}

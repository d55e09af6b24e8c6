//! Zola's shortcodes in pages' Markdown (issue 13): the site's own, with and without a body,
//! in HTML and in Markdown; escapes; calls in code left as written; the default theme's
//! (callout, figure, an area's progress and tasks); and located errors for an unknown
//! shortcode, a malformed call and a wrong argument. The fixture is `tests/sites/shortcodes`.

use crate::harness::SiteTest;

/// The rendered Markdown of a page of the default theme.
fn prose(site: &SiteTest, page: &str) -> String {
    let html = site.file(page);
    let start = html.find("<div class=\"prose\">\n").expect("a prose block") + 20;
    let end = start
        + html[start..]
            .find("\n  </div>\n</article>")
            .expect("its end");
    html[start..end].trim_start().to_string()
}

#[test]
fn the_sites_shortcodes_render_as_zola_renders_them() {
    let site = SiteTest::with_shipped_themes("shortcodes");
    site.run(["build"]).success();
    let notes = prose(&site, "public/notes/index.html");
    // Up to the theme's shortcodes: inline HTML in its paragraph, an HTML call alone in a
    // paragraph standing without one, a body rendered by its template, a Markdown shortcode
    // whose heading gets an id, escapes (in code too, where Zola's documentation shows calls
    // so), and calls in code and in prose that are not calls.
    let expected = r#"<p>A video: <span class="video" data-id="abc" data-nth="1" data-start="30" data-page="Notes" data-lang="en"></span>
 inline.</p>
<span class="video" data-id="second" data-nth="2" data-muted data-page="Notes" data-lang="en"></span>
<blockquote data-tags="a+b+c" data-ratio="1.5"><p>Plans <em>work</em>.</p>
<cite>Ada</cite></blockquote>
<h2 id="facts-of-notes">Facts of Notes</h2>
<ul>
<li>Fact one</li>
<li>Fact two</li>
</ul>
<p>Shown as written: {{ video(id="x") }} and {% quote() %}Body{% end %}.</p>
<p>In code: <code>{{ video(id="code") }}</code>.</p>
<pre><code>{{ video(id="fenced") }}
{{ video(id="escaped") }}
{% quote() %}not a body{% end %}
</code></pre>
<p>Not a call: {{ page.title }}.</p>
<p class="third">Third call of video? no: third is called 1 time.</p>
"#;
    assert!(notes.starts_with(expected), "{notes}");
    // The table of contents lists the Markdown shortcode's heading.
    assert!(
        site.file("public/notes/index.html")
            .contains("href=\"#facts-of-notes\"")
    );
}

#[test]
fn the_themes_shortcodes_show_notes_figures_and_the_plan() {
    let site = SiteTest::with_shipped_themes("shortcodes");
    site.run(["build"]).success();
    let notes = prose(&site, "public/notes/index.html");
    let theirs = &notes[notes.find("<aside").expect("a callout")..];
    let expected_start = r#"<aside class="callout callout--note" aria-labelledby="callout-1">
<p class="callout__title" id="callout-1"><strong>Note</strong></p>
<p>Read <strong>this</strong> first.</p>

</aside>
<aside class="callout callout--warning" aria-labelledby="callout-2">
<p class="callout__title" id="callout-2"><strong>Mind the dates</strong></p>
<p>Deadlines move.</p>

</aside>
<figure class="figure">
<img src="../img/map.png" alt="A map of the schools" loading="lazy">
<figcaption>Where the schools are</figcaption>
</figure>
<div class="area-progress">
<p class="area-progress__title"><a href="../areas/schools/index.html">Priority area 1: Schools</a></p>
<div class="meter meter--sm">
  <p class="meter__text"><strong>50%</strong> done
    <span class="meter__count">(1 of 2 tasks)</span>"#;
    assert!(theirs.starts_with(expected_start), "{theirs}");
    let tasks = r#"<ol class="area-tasks__list" aria-labelledby="area-tasks-1">
  <li class="task--done"><a href="../areas/schools/index.html#task-1.1"><span class="task__num">1.1</span> Build ten schools</a> <span class="badge badge--done">Done</span></li>
  <li class="task--in-progress"><a href="../areas/schools/index.html#task-1.2"><span class="task__num">1.2</span> Open the libraries</a> <span class="badge badge--in-progress">In progress</span></li>
</ol>"#;
    assert!(theirs.contains(tasks), "{theirs}");

    // A section's text has shortcodes too, which see `section`.
    let areas = site.file("public/areas/index.html");
    assert!(
        areas.contains("<p>The areas, in <em>Areas</em>\n.</p>\n<div class=\"area-progress\">"),
        "{areas}"
    );

    // In Chinese, the theme's words are Chinese.
    site.replace(
        "site.toml",
        "default_language = \"en\"",
        "default_language = \"zh-Hans\"",
    );
    site.run(["build"]).success();
    let notes = prose(&site, "public/notes/index.html");
    assert!(notes.contains("<strong>说明</strong>"), "{notes}");
    assert!(notes.contains("“Schools”的重点任务"), "{notes}");
}

/// Zola expands shortcodes in text its `markdown` filter renders (they see `config` and
/// `lang`, not the page), so a shortcode's body may call others; and an area's text shown
/// elsewhere (`get_area_text`, the print edition) has the shortcodes its own page shows.
#[test]
fn shortcodes_expand_in_the_markdown_filter_and_in_an_areas_text() {
    let site = SiteTest::with_shipped_themes("shortcodes");
    site.write(
        "templates/note.html",
        "<div>{{ page.extra.note | markdown | safe }}</div>\n",
    );
    site.write(
        "content/filtered.md",
        "+++\ntitle = \"Filtered\"\ntemplate = \"note.html\"\n[extra]\n\
         note = '''{% quote(author=\"Ada\", tags=[\"a\"], ratio=2) %}Plans:\n\n{{ third() }}{% end %}'''\n+++\n",
    );
    site.write(
        "content/print.md",
        "+++\ntitle = \"Print\"\ntemplate = \"print.html\"\n+++\n",
    );
    site.replace(
        "content/areas/schools.md",
        "Schools for every county.",
        "Schools for every county.\n\n{% callout(title=\"Costs\") %}Paid by the *region*.{% end %}",
    );
    site.run(["build"]).success();

    let filtered = site.file("public/filtered/index.html");
    let expected = "<div><blockquote data-tags=\"a\" data-ratio=\"2\"><p>Plans:</p>\n\
                    <p class=\"third\">Third call of video? no: third is called 1 time.</p>\
                    <cite>Ada</cite></blockquote>\n</div>";
    assert!(filtered.contains(expected), "{filtered}");

    let callout = "<p class=\"callout__title\" id=\"callout-1\"><strong>Costs</strong></p>\n\
                   <p>Paid by the <em>region</em>.</p>";
    let area = site.file("public/areas/schools/index.html");
    assert!(area.contains(callout), "{area}");
    let print = site.file("public/print/index.html");
    assert!(print.contains(callout), "{print}");
    assert!(!print.contains("{% callout"), "{print}");
}

/// A shortcode whose template renders a call of itself through the `markdown` filter would
/// never end: it stops with an error naming the shortcode, not a crash.
#[test]
fn a_shortcode_calling_itself_through_markdown_is_an_error() {
    let site = SiteTest::with_shipped_themes("shortcodes");
    site.write(
        "templates/shortcodes/echo.html",
        "{{ \"again: {{ echo() }}\" | markdown | safe }}\n",
    );
    site.write(
        "content/echo.md",
        "+++\ntitle = \"Echo\"\n+++\n\n{{ echo() }}\n",
    );
    let stderr = site.run(["build"]).failure().stderr();
    assert!(stderr.contains("content/echo.md:5:1"), "{stderr}");
    assert!(
        stderr.contains("shortcode `echo` cannot be rendered"),
        "{stderr}"
    );
    assert!(stderr.contains("more than 16 deep"), "{stderr}");
}

#[test]
fn an_unknown_shortcode_is_located_with_the_nearest_name() {
    let site = SiteTest::with_shipped_themes("shortcodes");
    site.write(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\nIntro.\n\nSee {{ vidoe(id=\"x\") }}.\n",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("unknown shortcode `vidoe`")
        .at("content/bad.md:7:5")
        .help("did you mean `video`?")
        .problems(1);
}

#[test]
fn wrong_arguments_and_malformed_calls_are_located() {
    let site = SiteTest::with_shipped_themes("shortcodes");
    site.write(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n\n{{ area_progress(numbr=1) }}\n\n{{ figure(src=\"/a.png\") }}\n\n\
         {{ video(id=abc) }}\n\n{{ area_tasks(number=9) }}\n\n{% callout() %}\nNo end.\n",
    );
    site.run(["build"])
        .failure()
        .stderr_contains("shortcode `area_progress` has no argument `numbr`")
        .at("content/bad.md:5:1")
        .help("did you mean `number`? `area_progress` takes `number`")
        // A required argument left out fails the template, reported at the call.
        .stderr_contains("shortcode `figure` cannot be rendered: Variable `alt` is not defined")
        .at("content/bad.md:7:1")
        .help("`figure` takes `alt`, `caption`, `height`, `src`, `width`")
        .stderr_contains("expected a value")
        .at("content/bad.md:9:13")
        .stderr_contains("the plan has no priority area 9")
        .at("content/bad.md:11:1")
        .stderr_contains("no `{% end %}` closes the body of `callout`")
        .at("content/bad.md:13:1")
        .problems(5);
}

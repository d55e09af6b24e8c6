//! Zola's template functions and filters, by their names and arguments: what each gives, and
//! the located error of a call that cannot be served (an argument misspelt, a URL to fetch, a
//! file missing or broken).

use crate::harness::{Run, SiteTest};

/// The minimal site whose home page template is `template`.
fn site_with(template: &str) -> SiteTest {
    let site = SiteTest::new("minimal");
    site.write("templates/index.html", template);
    site
}

/// What the home page shows when its template is `template`.
fn home(site: &SiteTest) -> String {
    site.run(["build"]).success();
    site.file("public/index.html")
}

/// The failed build of a home page whose template is `template`.
fn refused(template: &str) -> Run {
    let site = site_with(template);
    let run = site.run(["build"]);
    run.failure();
    run
}

const STYLE: &str = "body { color: red; }\n";

/// Zola appends `?h=` and the first 20 hex digits of the file's SHA-256; the argument was once
/// taken and ignored.
#[test]
fn get_url_cachebust_appends_the_hash_of_the_file() {
    let site = site_with(
        "{{ get_url(path=\"css/app.css\", cachebust=true) }}\n\
         {{ get_url(path=\"css/app.css\") }}\n\
         {{ get_url(path=\"feeds\", trailing_slash=true) }}",
    );
    site.write("static/css/app.css", STYLE);
    assert_eq!(
        home(&site),
        "https://example.org/css/app.css?h=9767e91e9d4b0334e59a\n\
         https://example.org/css/app.css\n\
         https://example.org/feeds/"
    );

    // The hash is of the file the build copies: a theme's, when the site has none.
    let site = site_with("{{ get_url(path=\"missing.css\", cachebust=true) }}");
    site.run(["build"])
        .failure()
        .stderr_contains("`cachebust=true` needs the file, and there is no `missing.css`")
        .at("templates/index.html:1:4");
}

#[test]
fn get_hash_digests_files_and_literals() {
    let site = site_with(
        "{{ get_hash(path=\"static/app.css\") }}\n\
         {{ get_hash(literal=\"workplan\", sha_type=256, base64=false) }}",
    );
    site.write("static/app.css", STYLE);
    assert_eq!(
        home(&site),
        "AfvuHvJDW/YFp/cnN1kkrn86hCkG+0GL/j5XHj5y7KAoLOcK+iPu2eVrHptLLv9m\n\
         7e7008435f4a8ed9a632e8b17db2c6f4cc467471c40a120936f1c7d441461351"
    );
    refused("{{ get_hash(literal=\"x\", sha_type=1) }}")
        .stderr_contains("`get_hash` has no `sha_type=1`")
        .help("use 256, 384 or 512");
}

#[test]
fn unknown_arguments_are_refused_naming_those_taken() {
    refused("<p>\n{{ get_url(path=\"style.css\", cachbust=true) }}</p>")
        .stderr_contains("error: `get_url` has no argument `cachbust`")
        .at("templates/index.html:2:4")
        .help("did you mean `cachebust`? `get_url` takes `path`, `lang`, `cachebust`, `trailing_slash`");
    refused("{{ get_section(path=\"_index.md\", metadata=true) }}")
        .help("`get_section` takes `path`, `lang`, `metadata_only`");
    refused("{{ \"Some title\" | slugify(strategy=\"on\") }}")
        .stderr_contains("`slugify` has no argument `strategy`")
        .help("`slugify` takes no arguments");
}

#[test]
fn load_data_reads_csv_json_toml_and_text_from_the_site() {
    let site = site_with(
        "{% set csv = load_data(path=\"data/rows.csv\") %}{{ csv.headers | join(sep=\"|\") }}: \
         {% for row in csv.records %}[{{ row | join(sep=\"|\") }}]{% endfor %}\n\
         {% set json = load_data(path=\"@/facts.json\") %}{{ json.schools }} {{ json.names[1] }}\n\
         {% set toml = load_data(path=\"data/people.toml\") %}{{ toml.people[0].name }} {{ toml.day }}\n\
         {{ load_data(path=\"notes.txt\") }}\n\
         {% set text = load_data(path=\"data/rows.csv\", format=\"plain\") %}{{ text | length }}\n\
         {% set nothing = load_data(path=\"data/nothing.csv\", required=false) %}{{ nothing is none }}",
    );
    site.write("data/rows.csv", "Number,Title\n1,Gutenberg\n2,Printing\n")
        .write(
            "content/facts.json",
            r#"{"schools": 1200, "names": ["a", "b"]}"#,
        )
        .write(
            "data/people.toml",
            "day = 2024-06-01\n[[people]]\nname = \"Li Wei\"\n",
        )
        .write("static/notes.txt", "Plain words.");
    assert_eq!(
        home(&site),
        "Number|Title: [1|Gutenberg][2|Printing]\n1200 b\nLi Wei 2024-06-01\nPlain words.\n36\ntrue"
    );
}

#[test]
fn load_data_refuses_urls_and_names_missing_and_broken_files() {
    refused("{{ load_data(url=\"https://example.com/data.json\", format=\"json\") }}")
        .stderr_contains("`load_data` does not fetch `https://example.com/data.json`")
        .stderr_contains("without the network")
        .at("templates/index.html:1:4")
        .help("save the file in the site folder");
    refused("{{ load_data(path=\"data/gone.csv\") }}")
        .stderr_contains("no file `data/gone.csv` in the site folder")
        .help("pass `required=false`");

    let site = site_with("{{ load_data(path=\"data/broken.toml\") }}");
    site.write("data/broken.toml", "a = 1\nb = \n");
    site.run(["build"])
        .failure()
        .stderr_contains("`data/broken.toml:2:5` is not valid TOML")
        .at("templates/index.html:1:4");
    refused("{{ load_data(path=\"../outside.csv\") }}")
        .stderr_contains("leads out of the site folder");
    refused("{{ load_data(literal=\"a: 1\", format=\"yaml\") }}")
        .help("workplan reads `csv`, `json`, `toml` and `plain`");
}

#[test]
fn get_image_metadata_measures_bitmaps_and_svg() {
    let site = site_with(
        "{% set svg = get_image_metadata(path=\"img/mark.svg\") %}\
         {{ svg.width }}x{{ svg.height }} {{ svg.format }} {{ svg.mime }}\n\
         {{ get_image_metadata(path=\"img/none.png\", allow_missing=true) is none }}",
    );
    site.write(
        "static/img/mark.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"32px\"></svg>",
    );
    assert_eq!(home(&site), "64x32 svg image/svg+xml\ntrue");
    refused("{{ get_image_metadata(path=\"img/logo.txt\") }}")
        .stderr_contains("`static/img/logo.txt` is not a JPEG, PNG, GIF, WebP, BMP or SVG image");
}

/// Two builds with the same `SOURCE_DATE_EPOCH` show the same time; a value that is not one
/// stops the build.
#[test]
fn now_is_the_source_date_epoch_when_set() {
    let site = site_with(
        "{{ now(utc=true) }} {{ now(timestamp=true) }} {{ now() | date(format=\"%Y\") }}",
    )
    .with_env("SOURCE_DATE_EPOCH", "1717205400")
    .with_env("TZ", "UTC");
    assert_eq!(home(&site), "2024-06-01T01:30:00+00:00 1717205400 2024");
    let site = site_with("{{ now() }}").with_env("SOURCE_DATE_EPOCH", "yesterday");
    site.run(["build"])
        .failure()
        .stderr_contains("SOURCE_DATE_EPOCH is `yesterday`, not a time");
}

#[test]
fn text_filters_of_zola_themes() {
    let template = "{{ \"Héllo, 教育 World\" | slugify }}\n\
         {{ \"<p>One <b>two</b><!-- x --></p>\" | striptags }}\n\
         {{ \"a b/c?d\" | urlencode }} {{ \"a b/c?d\" | urlencode_strict }}\n\
         {{ \"教育 plan\" | base64_encode }} {{ \"5pWZ6IKyIHBsYW4=\" | base64_decode }}\n\
         {{ \"A *b* [c](@/priorities/_index.md)\" | markdown(inline=true) }}\n\
         {{ \"## Aims\" | markdown }}";
    let site = site_with(template);
    assert_eq!(
        home(&site),
        "hello-教育-world\nOne two\na%20b/c%3Fd a%20b%2Fc%3Fd\n5pWZ6IKyIHBsYW4= 教育 plan\n\
         A <em>b</em> <a href=\"priorities/index.html\">c</a>\n<h2 id=\"aims\">Aims</h2>\n"
    );
    // `slugify` follows `[slugify] taxonomies`, as the site's terms do.
    let site = site_with("{{ \"Héllo, 教育 World\" | slugify }}");
    site.replace(
        "site.toml",
        "generate_feeds = true",
        "generate_feeds = true\n[slugify]\ntaxonomies = \"on\"",
    );
    assert_eq!(home(&site), "hello-jiao-yu-world");
    refused("{{ \"[x](@/nowhere.md)\" | markdown }}")
        .stderr_contains("`markdown`: link to a missing page `@/nowhere.md`")
        .at("templates/index.html:1:26");
    refused("{{ \"not base64!\" | base64_decode }}").help("give it text that `base64_encode` made");
}

/// Zola's functions and filters that workplan leaves out are refused where they are called,
/// saying what to use instead.
#[test]
fn zolas_functions_left_out_say_what_to_use() {
    refused("<p>\n  {{ resize_image(path=\"a.png\", width=10, op=\"fit\") }}</p>")
        .stderr_contains("error: `resize_image` is Zola's, and workplan does not have it")
        .at("templates/index.html:2:6")
        .help("read their size with `get_image_metadata`");
    refused("{{ get_taxonomy_term(kind=\"topics\", term=\"x\") }}")
        .help("use `get_taxonomy(kind=...)`");
    refused("{{ \"a1\" | regex_replace(pattern=\"[0-9]\", rep=\"\") }}")
        .stderr_contains("`regex_replace` is Zola's")
        .help("use `replace(from=..., to=...)`");
}

//! Zola's Sass (`compile_sass = true`): the site's and the theme's `sass/` folders compiled
//! with grass to stylesheets at the same paths, partials (`_name`, `_folder/`) used and never
//! written, the site's files over the theme's; a mistake located in the file that has it; an
//! address claimed twice refused.

use crate::harness::SiteTest;

/// Every stylesheet of the `sass` fixture, compressed as Zola writes them.
const EXPECTED: [(&str, &str); 4] = [
    (
        "public/style.css",
        "body{color:#123456;background:#fafafa}body main{margin:0 auto}",
    ),
    ("public/nested/deep.css", "a{color:#123456}"),
    (
        "public/indented.css",
        "nav{border:1px solid #123456}nav a{padding:2px}",
    ),
    ("public/theme.css", "h1{color:#abcdef}"),
];

#[test]
fn sass_folders_compile_to_stylesheets_at_the_same_paths() {
    let site = SiteTest::new("sass");
    site.run(["build"]).success();
    for (path, css) in EXPECTED {
        assert_eq!(site.file(path).trim_end(), css, "{path}");
    }
    let public = site.tree("public");
    let sheets: Vec<&str> = public
        .paths()
        .filter(|path| path.ends_with(".css"))
        .collect();
    // No partial, nothing of a partial folder, one `style.css` (the site's, not the theme's).
    assert_eq!(
        sheets,
        ["indented.css", "nested/deep.css", "style.css", "theme.css"]
    );
}

/// As in Zola, a theme's Sass is compiled whatever `compile_sass` says; the site's only with it.
#[test]
fn without_compile_sass_only_the_themes_sass_is_compiled() {
    let site = SiteTest::new("sass");
    site.replace("site.toml", "compile_sass = true", "compile_sass = false");
    site.run(["build"]).success();
    assert_eq!(site.file("public/style.css").trim_end(), "body{color:red}");
    assert_eq!(
        site.file("public/theme.css").trim_end(),
        "h1{color:#abcdef}"
    );
    assert!(!site.exists("public/indented.css"));
}

/// A mistake in a partial is reported once, where it is, naming the stylesheets that use it;
/// the build fails and the last good site stays; `check` reports it too.
#[test]
fn a_sass_mistake_is_located_and_the_last_good_site_stays() {
    let site = SiteTest::new("sass");
    site.run(["build"]).success();
    site.write(
        "sass/_colors.scss",
        "$ink: #123456;\n$paper: #fafafa\n  oops: ;\n",
    );
    site.run(["build"])
        .failure()
        .at("sass/_colors.scss:3:7")
        .stderr_contains("error: Sass: expected \";\".")
        .stderr_contains("3 |   oops: ;")
        .help("`sass/indented.sass`, `sass/nested/deep.scss`, `sass/style.scss` use this file")
        .problems(1);
    assert_eq!(site.file("public/style.css").trim_end(), EXPECTED[0].1);
    site.run(["check"])
        .failure()
        .at("sass/_colors.scss:3:7")
        .stdout_contains("1 error, 0 warnings");

    // In the stylesheet itself: at the place grass stops.
    site.write("sass/_colors.scss", "$ink: #123456;\n$paper: #fafafa;\n");
    site.replace("sass/style.scss", "margin: 0 auto;", "margin: 0 auto;;}");
    site.run(["build"])
        .failure()
        .at("sass/style.scss:9:1")
        .help("fix the Sass here");
}

/// A stylesheet at the address of a static file, or two Sass files of one name in one folder,
/// would write one file twice: refused, at the file to rename.
#[test]
fn a_stylesheet_at_the_address_of_another_file_is_refused() {
    let site = SiteTest::new("sass");
    site.write("static/style.css", "body { color: blue; }");
    site.run(["build"])
        .failure()
        .stderr_contains("two files would be written to `/style.css`")
        .help("the file `static/style.css` is written there too; rename or remove the file");

    let site = SiteTest::new("sass");
    site.write("sass/nested/deep.sass", "a\n  color: red\n");
    site.run(["build"])
        .failure()
        .stderr_contains("two files would be written to `/nested/deep.css`");
}

/// What the site has replaces what its theme has: the site's stylesheet a theme's static
/// file, the site's static file a theme's stylesheet.
#[test]
fn the_sites_files_replace_the_themes_at_one_address() {
    let site = SiteTest::new("sass");
    site.write("themes/styled/static/style.css", "body { color: green; }");
    site.write("static/theme.css", "h1 { color: black; }");
    site.run(["build"]).success();
    assert_eq!(site.file("public/style.css").trim_end(), EXPECTED[0].1);
    assert_eq!(site.file("public/theme.css"), "h1 { color: black; }");
}

/// The Sass files a stylesheet reads, in `sass/` or outside it, are inputs of the build: an
/// edit of one makes the next build compile again instead of finding the output up to date.
#[test]
fn a_build_is_not_skipped_when_a_sass_file_changed() {
    let site = SiteTest::new("sass");
    site.write("vendor/_grid.scss", ".grid { display: grid; }\n");
    site.replace(
        "sass/style.scss",
        "@use \"colors\";",
        "@use \"../vendor/grid\";\n@use \"colors\";",
    );
    site.settle();
    site.run(["build"]).success().stdout_contains("Built ");
    site.run(["build"]).success().stdout_contains("Up to date");
    site.write("vendor/_grid.scss", ".grid { display: inline-grid; }\n")
        .settle();
    site.run(["build"]).success().stdout_contains("Built ");
    assert!(
        site.file("public/style.css")
            .starts_with(".grid{display:inline-grid}")
    );
    site.write("sass/_colors.scss", "$ink: #000001;\n$paper: #fafafa;\n")
        .settle();
    site.run(["build"]).success().stdout_contains("Built ");
    assert!(site.file("public/style.css").contains("color:#000001"));
}

//! `workplan init`, and the command line's own `--help` and `--version`.

use crate::harness::SiteTest;

#[test]
fn init_creates_a_site_that_builds_at_once() {
    let site = SiteTest::empty();
    site.run(["init", "new"])
        .success()
        .stdout_contains("Created a new site in new");
    let site = site.within("new");
    for file in [
        "site.toml",
        "content/_index.md",
        "themes/default/templates/page.html",
    ] {
        assert!(site.exists(file), "{file} missing");
    }
    site.run(["build"]).success();
    assert!(site.exists("public/index.html"));
    assert!(
        site.file("public/priorities/first-area/index.html")
            .contains("A first priority area")
    );
    assert!(site.exists("public/style.css"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let site = SiteTest::new("minimal");
    let before = site.tree(".");
    site.run(["init", "."])
        .failure()
        .stderr_contains("is not empty")
        .stderr_contains("--force");
    before.assert_unchanged(&site.tree("."));
}

#[test]
fn init_force_adds_the_site_to_a_folder_that_is_not_empty() {
    let site = SiteTest::empty();
    site.write("notes.txt", "mine");
    site.run(["init", ".", "--force"]).success();
    assert_eq!(site.file("notes.txt"), "mine");
    assert!(site.file("site.toml").contains("theme = \"default\""));
}

#[test]
fn help_lists_the_commands_and_their_options() {
    let site = SiteTest::empty();
    site.run(["--help"])
        .success()
        .stdout_contains("Usage: workplan")
        .stdout_contains("build")
        .stdout_contains("init")
        .stdout_contains("--root");
    site.run(["build", "--help"])
        .success()
        .stdout_contains("--output-dir")
        .stdout_contains("--base-url")
        .stdout_contains("--drafts");
    site.run(["init", "--help"])
        .success()
        .stdout_contains("--force");
}

#[test]
fn version_prints_the_package_version() {
    let run = SiteTest::empty().run(["--version"]);
    run.success();
    assert_eq!(
        run.stdout(),
        format!("workplan {}\n", env!("CARGO_PKG_VERSION"))
    );
}

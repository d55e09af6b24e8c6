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

/// A new site has none of the theme's `extra` source keys: its footer credits no source, and
/// claims no official document that it would present.
#[test]
fn a_new_site_footer_claims_no_source() {
    let site = SiteTest::empty();
    site.run(["init", "."]).success();
    site.run(["build"]).success();
    let home = site.file("public/index.html");
    let footer = &home[home.find("<footer").unwrap()..];
    for claim in ["official", "authoritative", "reported by"] {
        assert!(!footer.contains(claim), "{claim:?} in {footer}");
    }
    assert!(footer.contains("Published with workplan"), "{footer}");
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

/// Reproducer: `init --force` wrote its own `site.toml` and `content/_index.md` over the ones
/// in the folder.
#[test]
fn init_force_never_overwrites_a_file() {
    let site = SiteTest::empty();
    site.write("site.toml", "title = \"Mine\"\n");
    site.write("content/_index.md", "+++\ntitle = \"My home\"\n+++\n");
    let before = site.tree(".");
    site.run(["init", ".", "--force"])
        .success()
        .stdout_contains("site.toml");
    let after = site.tree(".");
    for kept in before.paths() {
        assert!(after.contains(kept), "{kept} is gone");
    }
    assert_eq!(site.file("site.toml"), "title = \"Mine\"\n");
    assert_eq!(
        site.file("content/_index.md"),
        "+++\ntitle = \"My home\"\n+++\n"
    );
    // What was missing was added.
    assert!(site.exists("content/priorities/01-first-area.md"));
    assert!(site.exists("themes/default/templates/page.html"));
}

/// Reproducer: `workplan -r newsite init` set up the current folder, not `newsite`.
#[test]
fn init_without_a_folder_sets_up_the_root() {
    let site = SiteTest::empty();
    let run = site.run_plain(["--root", "newsite", "init"]);
    run.success();
    assert!(site.exists("newsite/site.toml"));
    assert!(
        !site.exists("site.toml"),
        "init wrote into the current folder"
    );
    site.within("newsite").run(["build"]).success();
}

/// Reproducer: `init --help` listed `--config`, which init ignored. It writes the
/// configuration under the name `--config` gives, so that the same options build the site.
#[test]
fn init_writes_the_configuration_that_config_names() {
    let site = SiteTest::empty();
    site.run_plain(["--root", "new", "--config", "plan.toml", "init"])
        .success();
    assert!(site.exists("new/plan.toml") && !site.exists("new/site.toml"));
    site.within("new")
        .run(["--config", "plan.toml", "build"])
        .success();
}

/// A new site's `public/` works opened from disk (issue 14): every link and file of every
/// page is a relative path to a file that is there (a folder's `index.html`, not the folder),
/// nothing points at the `example.org` of old, and what needs a host it lacks is left out
/// with one warning.
#[test]
fn a_new_sites_pages_link_to_files_that_are_there() {
    let site = SiteTest::empty();
    site.run(["init", "."]).success();
    site.run(["build"]).success().stderr_contains(
        "`base_url` names no host: the sitemap, robots.txt and canonical links are left out",
    );
    assert!(!site.exists("public/sitemap.xml") && !site.exists("public/robots.txt"));
    let public = site.path("public");
    let mut checked = 0;
    for page in walkdir::WalkDir::new(&public) {
        let page = page.unwrap().into_path();
        if page.extension().is_none_or(|extension| extension != "html") {
            continue;
        }
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(!html.contains("example.org"), "{}", page.display());
        assert!(!html.contains("rel=\"canonical\""), "{}", page.display());
        for attribute in ["href=\"", "src=\"", "action=\""] {
            for value in html.split(attribute).skip(1) {
                let link = &value[..value.find('"').unwrap()];
                if link.starts_with('#') || link.starts_with("data:") {
                    continue;
                }
                let file = link.split(['?', '#']).next().unwrap();
                let target = page.parent().unwrap().join(file);
                assert!(
                    target.is_file(),
                    "{} links to {link}, which is not a file",
                    page.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} links");
}

//! The command line at a person's terminal (issue 13): completion scripts and the manual page
//! made from the CLI's definition, `--quiet` and `--verbose`, diagnostics in colour only on a
//! terminal (or when asked), the site found from a folder inside it, and `serve --open`.

use std::fs;
use std::process::Command;

use crate::harness::{SiteTest, eventually};

/// A front matter error, for a build to report.
const BROKEN: &str = "+++\ntitle = 3\n+++\n";
const ESCAPE: &str = "\x1b[";

#[test]
fn completion_scripts_offer_every_command_for_each_shell() {
    let site = SiteTest::empty();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = site.run(["completions", shell]);
        run.success();
        for command in [
            "build",
            "serve",
            "check",
            "translations",
            "completions",
            "man",
        ] {
            run.stdout_contains(command);
        }
        run.stdout_contains("quiet").stdout_contains("verbose");
    }
}

/// bash reads the script it would source without complaint.
#[test]
fn the_bash_completion_script_is_valid_bash() {
    let site = SiteTest::empty();
    let script = site.run(["completions", "bash"]).success().stdout();
    let file = site.outside().join("workplan.bash");
    fs::write(&file, script).unwrap();
    let parsed = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(parsed.status.success(), "{parsed:?}");
}

#[test]
fn the_manual_page_is_roff_naming_the_commands_and_options() {
    let site = SiteTest::empty();
    let run = site.run(["man"]);
    run.success();
    let page = run.stdout();
    assert!(page.contains(".TH workplan 1"), "{page}");
    for text in [
        ".SH NAME",
        ".SH SUBCOMMANDS",
        "workplan\\-serve",
        "\\-\\-root",
    ] {
        assert!(page.contains(text), "no `{text}` in:\n{page}");
    }
}

#[test]
fn quiet_prints_nothing_on_success_and_only_errors_on_failure() {
    let site = SiteTest::new("minimal");
    let run = site.run(["--quiet", "build"]);
    run.success();
    assert_eq!((run.stdout().as_str(), run.stderr().as_str()), ("", ""));
    assert!(site.exists("public/index.html"));
    site.write("content/broken.md", BROKEN);
    let run = site.run(["build", "-q"]);
    run.failure().stderr_contains("content/broken.md:2:9");
    assert_eq!(run.stdout(), "");
}

/// `check --quiet` reports the errors and leaves out the warnings and the count.
#[test]
fn quiet_check_prints_errors_but_not_warnings() {
    let site = SiteTest::new("mistakes");
    let run = site.run(["check", "--quiet"]);
    run.failure()
        .stderr_contains("error: unknown key `colour`")
        .stderr_lacks("warning:");
    assert_eq!(run.stdout(), "");
}

#[test]
fn verbose_tells_how_long_each_stage_took() {
    let site = SiteTest::new("minimal");
    let run = site.run(["build", "--verbose"]);
    run.success();
    let stdout = run.stdout();
    let timings = stdout
        .lines()
        .find(|line| line.trim_start().starts_with("load "))
        .unwrap_or_else(|| panic!("no timings in:\n{stdout}"));
    for stage in ["render", "copy", "publish"] {
        assert!(timings.contains(&format!("{stage} ")), "{timings}");
    }
    let quiet = SiteTest::new("minimal").run(["build"]).success().stdout();
    assert!(!quiet.contains("load "), "{quiet}");
}

#[test]
fn diagnostics_are_plain_when_piped_and_coloured_when_asked() {
    let site = SiteTest::new("minimal");
    site.write("content/broken.md", BROKEN);
    let piped = site.run(["build"]).failure().stderr();
    assert!(!piped.contains(ESCAPE), "{piped:?}");
    assert!(piped.contains("error: invalid type"), "{piped}");
    let never = site.run(["--color", "never", "build"]).failure().stderr();
    assert_eq!(never, piped);
    let always = site.run(["build", "--color", "always"]).failure().stderr();
    assert!(always.contains(ESCAPE), "{always:?}");
    assert!(always.contains("content/broken.md:2:9"), "{always}");
}

/// On a terminal (a pseudo-terminal made by util-linux's `script`), diagnostics are in colour
/// unless `NO_COLOR` is set.
#[cfg(target_os = "linux")]
#[test]
fn diagnostics_on_a_terminal_are_coloured_unless_no_color_is_set() {
    let on_terminal = |no_color: Option<&str>| {
        let site = SiteTest::new("minimal");
        site.write("content/broken.md", BROKEN);
        let site = match no_color {
            Some(value) => site.with_env("NO_COLOR", value),
            None => site,
        };
        let line = format!(
            "{} --root {} build",
            env!("CARGO_BIN_EXE_workplan"),
            site.root().display()
        );
        let mut command = Command::new("script");
        command
            .args(["-qec", &line, "/dev/null"])
            .env_remove("NO_COLOR");
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        let output = command.output().expect("running script");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let coloured = on_terminal(None);
    assert!(coloured.contains("broken.md"), "{coloured}");
    assert!(coloured.contains(ESCAPE), "{coloured:?}");
    let plain = on_terminal(Some("1"));
    assert!(plain.contains("broken.md"), "{plain}");
    assert!(!plain.contains(ESCAPE), "{plain:?}");
}

/// Without `--root`, the site is the nearest folder up from the current one with `site.toml`.
#[test]
fn a_build_from_a_folder_inside_the_site_builds_the_site() {
    let site = SiteTest::new("minimal");
    let inside = SiteTest::new("minimal").within("content/priorities");
    let run = inside.run_plain(["build"]);
    run.success();
    let root = inside.root().parent().unwrap().parent().unwrap();
    assert!(root.join("public/index.html").is_file());
    assert!(!inside.root().join("public").exists());
    run.stdout_contains(&root.join("public").display().to_string());
    // From the root itself, paths stay relative as before.
    site.run_plain(["build"])
        .success()
        .stdout_contains("into ./public in");
}

#[test]
fn a_folder_outside_any_site_is_refused_naming_site_toml() {
    let site = SiteTest::empty();
    site.run_plain(["build"])
        .failure()
        .stderr_contains("site.toml");
    assert!(!site.root().join("public").exists());
}

/// `init` makes a site where it is asked, even inside another site.
#[test]
fn init_inside_a_site_makes_a_new_site_there() {
    let site = SiteTest::new("minimal").within("content");
    site.run_plain(["init", "--force"]).success();
    assert!(site.root().join("site.toml").is_file());
}

/// `serve --open` hands the address to the desktop's launcher: here a stand-in `gio` (GNOME's),
/// on a PATH without `xdg-open`, that writes down what it was asked to open.
#[cfg(unix)]
#[test]
fn serve_open_hands_the_address_to_the_desktop_launcher() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = SiteTest::new("minimal");
    let bin = site.outside().join("bin");
    fs::create_dir(&bin).unwrap();
    let opened = site.outside().join("opened");
    let launcher = bin.join("gio");
    fs::write(
        &launcher,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", opened.display()),
    )
    .unwrap();
    fs::set_permissions(&launcher, fs::Permissions::from_mode(0o755)).unwrap();
    let site = site.with_env("PATH", bin.to_str().unwrap());
    let server = site.spawn(["serve", "--port", "0", "--open"]);
    eventually("the launcher to be run", || opened.exists());
    let asked = fs::read_to_string(&opened).unwrap();
    assert_eq!(asked.trim(), format!("open {}", server.url()), "{asked}");
}

/// `build --watch --verbose` names the files a rebuild changed; `--quiet` tells of a broken
/// site and says nothing of the good build after it.
#[test]
fn a_watched_rebuild_names_its_files_when_verbose_and_is_silent_when_quiet() {
    const PAGE: &str = "content/priorities/higher.md";
    let site = SiteTest::new("minimal");
    let verbose = site.spawn_until(["build", "--watch", "-v"], "the first build", |line| {
        line.ends_with("(Ctrl-C to stop)")
    });
    site.replace(PAGE, "Better universities.", "Better colleges.");
    eventually("the changed page to be named", || {
        verbose
            .stdout_lines("  changed ")
            .contains(&"  changed /priorities/higher-education/".to_string())
    });
    drop(verbose);
    // Quiet, it prints nothing but errors: a broken file gives it one to print at once.
    site.write("content/broken.md", BROKEN);
    let quiet = site.spawn_until(["build", "--watch", "-q"], "the error", |line| {
        line.contains("content/broken.md:2:9")
    });
    fs::remove_file(site.path("content/broken.md")).unwrap();
    site.replace(PAGE, "Better colleges.", "Better schools.");
    eventually("the edit in public/", || {
        fs::read_to_string(site.path("public/priorities/higher-education/index.html"))
            .is_ok_and(|html| html.contains("Better schools."))
    });
    assert_eq!(quiet.stdout(), "");
}

//! Publishing: which output folders `build` may replace, where it keeps its record of the
//! last build, and how the new site takes the old one's place (atomically, keeping `.git`,
//! into mount points) through faults: folders that cannot be written, a full disk, a kill.

use std::fs;
use std::path::Path;

use crate::harness::{SiteTest, Tree, running_as_root};

/// A folder of someone's own files beside the site.
fn user_folder(site: &SiteTest, name: &str) -> Tree {
    let dir = site.outside().join(name);
    fs::create_dir_all(dir.join("docs")).unwrap();
    fs::write(dir.join("thesis.txt"), "four years of work").unwrap();
    fs::write(dir.join("docs/notes.md"), "notes").unwrap();
    Tree::of(&dir)
}

/// Reproducer: `build -o ../userdata` deleted `thesis.txt` and `docs/`.
#[test]
fn output_dir_with_files_workplan_did_not_write_is_refused() {
    let site = SiteTest::new("minimal");
    let before = user_folder(&site, "userdata");
    site.run(["build", "-o", "../userdata"])
        .failure()
        .stderr_contains("refusing to replace")
        .stderr_contains("userdata")
        .stderr_contains("thesis.txt")
        .stderr_contains("--force");
    before.assert_unchanged(&site.tree("../userdata"));
    // And the same through `serve`, which builds the same way.
    site.run(["build", "--watch", "-o", "../userdata"])
        .failure()
        .stderr_contains("refusing to replace");
    before.assert_unchanged(&site.tree("../userdata"));
}

/// Reproducer: `-o` pointed at another site deleted its `content/`, `site.toml` and `themes/`.
#[test]
fn output_dir_holding_another_site_is_refused() {
    let site = SiteTest::new("minimal");
    let other = SiteTest::new("minimal");
    let before = other.tree(".");
    site.run(["build".as_ref(), "-o".as_ref(), other.root().as_os_str()])
        .failure()
        .stderr_contains("refusing to replace")
        .stderr_contains("--force");
    before.assert_unchanged(&other.tree("."));
}

/// The output of one site is not another site's to replace, though workplan wrote it.
#[test]
fn another_sites_output_is_refused() {
    let site = SiteTest::new("minimal");
    let other = SiteTest::new("minimal");
    other.run(["build"]).success();
    let before = other.tree("public");
    site.run([
        "build".as_ref(),
        "-o".as_ref(),
        other.path("public").as_os_str(),
    ])
    .failure()
    .stderr_contains("another site")
    .stderr_contains("--force");
    before.assert_unchanged(&other.tree("public"));
}

#[test]
fn force_replaces_a_folder_workplan_did_not_write() {
    let site = SiteTest::new("minimal");
    user_folder(&site, "userdata");
    site.run(["build", "--force", "-o", "../userdata"])
        .success();
    let out = site.outside().join("userdata");
    assert!(out.join("index.html").is_file());
    assert!(!out.join("thesis.txt").exists() && !out.join("docs").exists());
    // Now it is the site's output: no --force needed.
    site.run(["build", "-o", "../userdata"]).success();
}

#[test]
fn a_build_replaces_its_own_output_without_force() {
    let site = SiteTest::new("minimal");
    site.run(["build", "-o", "../out"]).success();
    site.replace("content/priorities/higher.md", "Better", "Stronger");
    site.run(["build", "-o", "../out"]).success();
    let page = site
        .outside()
        .join("out/priorities/higher-education/index.html");
    assert!(fs::read_to_string(page).unwrap().contains("Stronger"));
    // An empty folder is no one's.
    fs::create_dir(site.outside().join("empty")).unwrap();
    site.run(["build", "-o", "../empty"]).success();
}

/// A `public/` from before workplan marked its output (or whose mark was lost) is replaced
/// when the new build writes every file it holds, as Zola and Hugo would; one with a file
/// the build does not write needs `--force`, once.
#[test]
fn an_unmarked_public_folder_is_replaced_only_when_the_build_rewrites_all_of_it() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    let unmark = |site: &SiteTest| {
        for entry in fs::read_dir(site.root()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with(".public") || name == ".workplan" {
                if path.is_dir() {
                    fs::remove_dir_all(path).unwrap();
                } else {
                    fs::remove_file(path).unwrap();
                }
            }
        }
    };
    unmark(&site);
    site.run(["build"]).success();

    unmark(&site);
    site.write("public/notes.txt", "mine");
    let before = site.tree("public");
    site.run(["build"])
        .failure()
        .stderr_contains("refusing to replace")
        .stderr_contains("notes.txt")
        .stderr_contains("--force");
    before.assert_unchanged(&site.tree("public"));
    site.run(["build", "--force"]).success();
    assert!(!site.exists("public/notes.txt"));
    site.run(["build"]).success();
}

/// Reproducer: the record of the last build went into the site's `.workplan/` even with the
/// output elsewhere.
#[test]
fn a_build_writes_nothing_into_the_site_folder() {
    let site = SiteTest::new("minimal");
    let before = site.settle().tree(".");
    site.run(["build", "-o", "../elsewhere"]).success();
    before.assert_unchanged(&site.tree("."));
    site.run(["build", "-o", "../elsewhere"])
        .success()
        .stdout_contains("Up to date");
}

/// Reproducer: a read-only checkout could not keep its record of the last build.
#[test]
fn a_read_only_site_builds_into_a_writable_folder() {
    let site = SiteTest::new("minimal");
    site.settle();
    fs::create_dir(site.outside().join("out")).unwrap();
    let before = site.tree(".");
    set_writable(site.root(), false);
    let first = site.run_unprivileged(["build", "-o", "../out"]);
    let second = site.run_unprivileged(["build", "-o", "../out"]);
    set_writable(site.root(), true);
    first.success();
    second.success().stdout_contains("Up to date");
    before.assert_unchanged(&site.tree("."));
}

/// Makes every folder under `dir` (and `dir`) read-only, or writable again.
fn set_writable(dir: &Path, writable: bool) {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = if writable { 0o755 } else { 0o555 };
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() {
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode)).unwrap();
        }
    }
}

/// Makes `dir`, and every folder under it, read-only, or writable again.
fn set_mode(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(dir, fs::Permissions::from_mode(mode)).unwrap();
}

/// Reproducer: with a previous output that could not be removed, the build exited 1 though
/// the new site was live, and the next build lost `public/.git`.
#[test]
fn git_survives_a_previous_output_that_cannot_be_removed() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.write("public/locked/file.txt", "cannot be removed");
    set_mode(&site.path("public/locked"), 0o555);
    let first = site.run_unprivileged(["build"]);
    site.replace("content/priorities/higher.md", "Better", "Stronger");
    let second = site.run_unprivileged(["build"]);
    // Whatever holds the locked folder now, let the temp folder go.
    for entry in walkdir::WalkDir::new(site.outside()) {
        let entry = entry.unwrap();
        if entry.file_name() == "locked" {
            set_mode(entry.path(), 0o755);
        }
    }
    first.success().stderr_contains(
        "warning: the new site is live, but the previous one could not be removed",
    );
    second.success();
    assert_eq!(site.file("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert!(
        site.file("public/priorities/higher-education/index.html")
            .contains("Stronger")
    );
}

/// A tmpfs mounted for a test, unmounted when dropped.
struct Mount(std::path::PathBuf);

impl Mount {
    /// Mounts a tmpfs of `size` (e.g. `256k`) at `dir`; `None`, saying why, where the tests
    /// may not mount (not root, or in a container that forbids it).
    fn tmpfs(dir: &Path, size: &str) -> Option<Self> {
        fs::create_dir_all(dir).unwrap();
        let mounted = running_as_root()
            && std::process::Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
                .arg(dir)
                .status()
                .is_ok_and(|status| status.success());
        if !mounted {
            eprintln!("skipped: cannot mount a tmpfs here (needs root and mount permission)");
            return None;
        }
        Some(Self(dir.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

fn device(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    fs::metadata(path).unwrap().dev()
}

/// Reproducer: publishing into a mount point failed with "Device or resource busy".
#[test]
fn publishing_into_a_mount_point_replaces_its_contents() {
    let site = SiteTest::new("minimal");
    let Some(_mount) = Mount::tmpfs(&site.path("public"), "16m") else {
        return;
    };
    site.run(["build"]).success();
    assert!(site.exists("public/priorities/teachers/index.html"));
    site.write("public/.git/HEAD", "ref");
    fs::remove_file(site.path("content/priorities/teachers.md")).unwrap();
    site.replace("content/priorities/higher.md", "Better", "Stronger");
    site.run(["build"]).success();
    assert_ne!(device(&site.path("public")), device(site.root()));
    assert!(
        site.file("public/priorities/higher-education/index.html")
            .contains("Stronger")
    );
    assert!(!site.exists("public/priorities/teachers"));
    assert_eq!(site.file("public/.git/HEAD"), "ref");
    let names: Vec<_> = fs::read_dir(site.path("public"))
        .unwrap()
        .chain(fs::read_dir(site.root()).unwrap())
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|name| name.contains("staging")),
        "{names:?}"
    );
}

/// Faults: a full disk while writing fails the build with the system's word for it, and the
/// previous output stays byte for byte.
#[test]
fn a_full_disk_leaves_the_previous_output_as_it_was() {
    let site = SiteTest::new("minimal");
    let disk = site.outside().join("disk");
    let Some(_mount) = Mount::tmpfs(&disk, "512k") else {
        return;
    };
    site.run(["build", "-o", "../disk/public"]).success();
    let before = Tree::of(&disk.join("public"));
    let body = "A long plan. ".repeat(80_000);
    site.write(
        "content/big.md",
        format!("+++\ntitle = \"Big\"\n+++\n\n{body}\n"),
    );
    site.run(["build", "-o", "../disk/public"])
        .failure()
        .stderr_contains("no storage space");
    before.assert_unchanged(&Tree::of(&disk.join("public")));
    let beside: Vec<_> = fs::read_dir(&disk)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !beside.iter().any(|name| name == ".public.staging"),
        "{beside:?}"
    );
    fs::remove_file(site.path("content/big.md")).unwrap();
    site.run(["build", "-o", "../disk/public"]).success();
}

/// Faults: an output folder that cannot be written (nor its parent) fails the build saying
/// so, and the previous output stays byte for byte; one that does not exist yet in a parent
/// that cannot be written, too.
#[test]
fn an_output_that_cannot_be_written_is_left_as_it_was() {
    let site = SiteTest::new("minimal");
    let parent = site.outside().join("ro");
    site.run(["build", "-o", "../ro/public"]).success();
    let before = Tree::of(&parent.join("public"));
    site.replace("content/priorities/higher.md", "Better", "Stronger");
    set_writable(&parent, false);
    let replacing = site.run_unprivileged(["build", "-o", "../ro/public"]);
    let creating = site.run_unprivileged(["build", "-o", "../ro/new"]);
    set_writable(&parent, true);
    replacing.failure().stderr_contains("Permission denied");
    creating.failure().stderr_contains("Permission denied");
    before.assert_unchanged(&Tree::of(&parent.join("public")));
    assert!(!parent.join("new").exists());
}

/// A writable output in a folder that is not (a container's volume) has its contents
/// replaced, as a mount point has.
#[test]
fn a_writable_output_in_a_read_only_folder_is_replaced_in_place() {
    let site = SiteTest::new("minimal");
    let parent = site.outside().join("ro");
    site.run(["build", "-o", "../ro/public"]).success();
    site.replace("content/priorities/higher.md", "Better", "Stronger");
    set_mode(&parent, 0o555);
    let run = site.run_unprivileged(["build", "-o", "../ro/public"]);
    set_mode(&parent, 0o755);
    run.success();
    let page = parent.join("public/priorities/higher-education/index.html");
    assert!(fs::read_to_string(page).unwrap().contains("Stronger"));
}

/// Every file below `dir` with its bytes, but those of its `.git`.
fn site_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|entry| entry.path() != dir.join(".git"))
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap();
            (
                relative.to_string_lossy().into_owned(),
                fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

/// Faults: a build killed (SIGKILL, for real) at moments spread over its run leaves the
/// previous site or the new one, whole, never a mix or none; the next build cleans up what
/// the killed one left and keeps `.git`. `scripts/fault_kill` does the same on 20,000 pages.
#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_site() {
    use std::time::{Duration, Instant};
    const PAGES: usize = 600;
    const ROUNDS: u32 = 8;
    let site = SiteTest::new("minimal");
    site.write("content/many/_index.md", "+++\ntitle = \"Many\"\n+++\n");
    for page in 0..PAGES {
        site.write(
            &format!("content/many/p{page}.md"),
            format!("+++\ntitle = \"Page {page}\"\n+++\n\nRound 0.\n"),
        );
    }
    let build = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_workplan"))
            .arg("--root")
            .arg(site.root())
            .arg("build")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let started = Instant::now();
    assert!(build().wait().unwrap().success());
    let full = started.elapsed();
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    let public = site.path("public");
    let (mut old_sites, mut new_sites) = (0, 0);
    for round in 1..=ROUNDS {
        let before = site_files(&public);
        site.write(
            "content/many/p0.md",
            format!("+++\ntitle = \"Page 0\"\n+++\n\nRound {round}.\n"),
        );
        let mut child = build();
        std::thread::sleep(full * (2 * round - 1) / (2 * ROUNDS));
        child.kill().unwrap();
        child.wait().unwrap();
        let killed = site_files(&public);
        site.run(["build"]).success();
        let after = site_files(&public);
        if killed == before {
            old_sites += 1;
        } else {
            assert!(
                killed == after,
                "round {round}: the killed build left a mixed site"
            );
            new_sites += 1;
        }
        assert_eq!(site.file("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
        let beside: Vec<_> = fs::read_dir(site.root())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            !beside
                .iter()
                .any(|name| name == ".public.staging" || name == ".public.old"),
            "round {round}: {beside:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    eprintln!(
        "{ROUNDS} kills over a {full:?} build: {old_sites} left the previous site, {new_sites} the new one"
    );
}

/// The record an earlier workplan kept in the site (`.workplan/last-build`) goes when seen.
#[test]
fn the_former_record_in_the_site_is_removed() {
    let site = SiteTest::new("minimal");
    site.write(".workplan/last-build", "workplan last-build 1\ninputs 0\n");
    site.run(["build"]).success();
    assert!(!site.exists(".workplan"));
}

/// The record beside an output names that folder, not its name: a folder made anew at the
/// same place after the output was deleted holds the user's files, not the site's.
#[test]
fn a_folder_made_where_the_output_was_is_not_the_outputs() {
    let site = SiteTest::new("minimal");
    site.run(["build", "-o", "../out"]).success();
    fs::remove_dir_all(site.path("../out")).unwrap();
    let before = user_folder(&site, "out");
    site.run(["build", "-o", "../out"])
        .failure()
        .stderr_contains("refusing to replace")
        .stderr_contains("thesis.txt");
    before.assert_unchanged(&site.tree("../out"));
    // Its own output it still replaces without a question.
    site.run(["build", "-o", "../own"]).success();
    site.replace(
        "content/priorities/higher.md",
        "Better universities.",
        "Changed.",
    );
    site.run(["build", "-o", "../own"]).success();
}

/// An output that is a link to a folder (`public -> /var/www/site`) stays a link, and the
/// folder it names is the output, with its `.git`.
#[cfg(unix)]
#[test]
fn a_linked_output_stays_a_link_and_keeps_its_git() {
    let site = SiteTest::new("minimal");
    let real = site.path("../real");
    fs::create_dir_all(real.join(".git")).unwrap();
    fs::write(real.join(".git/HEAD"), "ref").unwrap();
    std::os::unix::fs::symlink(&real, site.path("../linked")).unwrap();
    for _ in 0..2 {
        site.run(["build", "-o", "../linked"]).success();
        assert!(site.path("../linked").is_symlink(), "the link was replaced");
        assert_eq!(fs::read_to_string(real.join(".git/HEAD")).unwrap(), "ref");
        assert!(real.join("index.html").exists());
    }
}

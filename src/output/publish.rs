//! A new site in a staging folder in, the output folder replaced by it out: all or nothing,
//! and never a folder that workplan did not write.
//!
//! **Which folders may be replaced.** One that is absent, empty (but for a `.git`), or marked
//! by its [`Record`] as this site's output. The site's default `public/` without a record (as
//! an older workplan left it) is replaced when the new build writes every file it holds: it
//! loses nothing that the build does not write again, which is what a Zola or Hugo user
//! expects of `public/`; one with a file the build does not write needs `--force`, once. Any
//! other folder is refused before the build starts, with a message naming it and `--force`.
//!
//! **How.** The site is built into `.public.staging` beside `public/`, then the two folders
//! are exchanged in one step (`renameat2(RENAME_EXCHANGE)` on Linux, `renameatx_np(RENAME_SWAP)`
//! on macOS; elsewhere, or on a file system without it, two renames), so a reader finds the old
//! site or the new one, never none. Only then are `.git` and anything else [`KEPT`] moved over
//! from the old site, which is then removed: a failure up to the exchange leaves the output as
//! it was, and a failure after it is a warning, since the new site is live. A kill at any
//! point leaves the kept folders in the output or in a leftover, which the next build moves
//! back before it cleans leftovers up.
//!
//! **Mount points.** A folder that cannot be renamed (a mount point: a tmpfs, a bind mount, a
//! container volume) or whose parent cannot be written has its contents replaced instead: the
//! site is staged inside it, then each new file is renamed over the old one (assets first,
//! HTML pages after them, the home page last), and files the new site no longer has are
//! removed. A reader finds every file whole and every link resolving, though pages of both
//! builds side by side while it runs.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::record::{Owner, Record};
use super::{check_target, sibling};

/// What publishing moves from the old output into the new one.
pub const KEPT: &[&str] = &[".git"];
/// The staging folder's name inside an output folder whose contents are replaced in place.
const INSIDE: &str = ".workplan-staging";

/// How far a build may go in replacing what is in its output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Only a folder that is absent, empty, or this site's output.
    Own,
    /// Also an unmarked folder whose every file the new build writes (the default `public/`).
    OwnOrRebuilt,
    /// Whatever the folder holds (`--force`); its `.git` is still kept.
    Anything,
}

/// A staging folder that becomes the output folder on [`Staging::publish`].
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    record: Record,
    /// Staged inside the output, whose contents are replaced rather than the folder.
    inside: bool,
    /// The output holds files of unknown origin, each of which the build must write again.
    verify: bool,
    published: bool,
    warnings: Vec<String>,
}

impl Staging {
    /// Checks that `target` is safe to replace, cleans up what an interrupted build left,
    /// then creates an empty staging folder.
    pub fn create(root: &Path, target: &Path, replace: Replace) -> anyhow::Result<Self> {
        let target = &followed(target)?;
        check_target(root, target)?;
        let record = Record::new(root, target)?;
        let mut warnings = Vec::new();
        recover(target, &mut warnings)?;
        let verify = claim(target, &record, replace)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        let beside = sibling(target, "staging");
        let inside = target.join(INSIDE);
        let (dir, staged_inside) = if is_mount_point(target) {
            (inside, true)
        } else {
            match fs::create_dir(&beside) {
                Ok(()) => (beside, false),
                // A writable output in a folder that is not (a container's volume, say).
                Err(error) if target.is_dir() && cannot_write(&error) => (inside, true),
                Err(error) => {
                    return Err(error)
                        .with_context(|| format!("creating {}", beside.display()))
                        .context(UNWRITABLE);
                }
            }
        };
        if staged_inside {
            fs::create_dir(&dir)
                .with_context(|| format!("creating {}", dir.display()))
                .context(UNWRITABLE)?;
        }
        Ok(Self {
            dir,
            target: target.to_path_buf(),
            record,
            inside: staged_inside,
            verify,
            published: false,
            warnings,
        })
    }

    /// The folder being filled.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Replaces the output folder with the staging folder, and marks it as this site's
    /// output. Returns warnings about what went wrong once the new site was live.
    pub fn publish(mut self) -> anyhow::Result<Vec<String>> {
        if self.verify {
            self.check_rebuilt()?;
        }
        let target = self.target.clone();
        if self.inside {
            self.replace_contents()?;
        } else if !target.exists() {
            fs::rename(&self.dir, &target)
                .with_context(|| format!("moving the new site to {}", target.display()))?;
            self.published = true;
        } else {
            match exchange(&self.dir, &target) {
                Ok(()) => {
                    self.published = true;
                    // The old site is in the staging folder's place now.
                    let old = self.dir.clone();
                    self.retire(&old);
                }
                Err(error) if cannot_rename(&error) => self.replace_contents()?,
                Err(error) if exchange_unsupported(&error) => self.swap_by_renames()?,
                Err(error) => {
                    return Err(error)
                        .with_context(|| format!("moving the new site to {}", target.display()));
                }
            }
        }
        if let Err(error) = self.record.write("") {
            self.warnings.push(format!(
                "could not mark {} as this site's output ({error}): the next build will ask for --force",
                target.display()
            ));
        }
        Ok(std::mem::take(&mut self.warnings))
    }

    /// Where there is no exchange: the output moved aside, the new site moved in.
    fn swap_by_renames(&mut self) -> anyhow::Result<()> {
        let target = self.target.clone();
        let old = sibling(&target, "old");
        fs::rename(&target, &old).with_context(|| format!("moving {} aside", target.display()))?;
        if let Err(error) = fs::rename(&self.dir, &target) {
            // Put the previous output back before reporting.
            let _ = fs::rename(&old, &target);
            return Err(error)
                .with_context(|| format!("moving the new site to {}", target.display()));
        }
        self.published = true;
        self.retire(&old);
        Ok(())
    }

    /// Moves what is kept from `old`, the previous output, into the new one, then removes
    /// `old`. The new site is live: failures are warnings, and nothing kept is ever removed.
    fn retire(&mut self, old: &Path) {
        for name in KEPT {
            let (from, to) = (old.join(name), self.target.join(name));
            if from.symlink_metadata().is_ok()
                && let Err(error) = fs::rename(&from, &to)
            {
                self.warnings.push(format!(
                    "the new site is live, but {} could not be moved into it ({error}); it is in {}, which the next build moves back",
                    to.display(),
                    from.display()
                ));
                return;
            }
        }
        if let Err(error) = fs::remove_dir_all(old) {
            // Free the staging folder's name for the next build; `.public.old` does not stand
            // in the way of one.
            let aside = sibling(&self.target, "old");
            let left = if old != aside && fs::rename(old, &aside).is_ok() {
                aside
            } else {
                old.to_path_buf()
            };
            self.warnings.push(format!(
                "the new site is live, but the previous one could not be removed from {} ({error}); the next build tries again",
                left.display()
            ));
        }
    }

    /// Refuses to replace an unmarked folder that holds a file the new build does not write.
    fn check_rebuilt(&self) -> anyhow::Result<()> {
        let strays = files_below(&self.target)?
            .into_iter()
            .filter(|relative| !self.dir.join(relative).is_file())
            .collect::<Vec<_>>();
        if strays.is_empty() {
            return Ok(());
        }
        bail!(
            "refusing to replace {}: workplan did not mark it as this site's output, and it holds {} this build does not write ({})\n\
             help: move them away (files to publish belong in `static/`), or pass `--force` to replace the folder with the new build",
            self.target.display(),
            plural(strays.len(), "file"),
            examples(&strays)
        )
    }

    /// Puts each new file in place of the old one, then removes the files the new site no
    /// longer has (see the module's doc).
    fn replace_contents(&mut self) -> anyhow::Result<()> {
        let (target, staged) = (self.target.clone(), self.dir.clone());
        let mut files = Vec::new();
        let mut dirs = HashSet::new();
        for entry in walkdir::WalkDir::new(&staged)
            .min_depth(1)
            .sort_by_file_name()
        {
            let entry = entry?;
            let relative = entry.path().strip_prefix(&staged)?.to_path_buf();
            if entry.file_type().is_dir() {
                let place = target.join(&relative);
                if place.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                    fs::remove_file(&place)
                        .with_context(|| format!("removing {}", place.display()))?;
                }
                if !place.is_dir() {
                    fs::create_dir(&place)
                        .with_context(|| format!("creating {}", place.display()))?;
                }
                dirs.insert(relative);
            } else {
                files.push(relative);
            }
        }
        // Assets before the pages that use them, the home page last.
        files.sort_by_key(|relative| {
            let html = relative.extension().is_some_and(|e| e == "html");
            (html, relative == Path::new("index.html"))
        });
        for (done, relative) in files.iter().enumerate() {
            place(&staged.join(relative), &target.join(relative)).with_context(|| {
                format!(
                    "{} now holds {done} of the new site's {} files beside the previous \
                     site's; the next build that succeeds replaces the rest",
                    target.display(),
                    files.len()
                )
            })?;
        }
        self.published = true;
        let files: HashSet<PathBuf> = files.into_iter().collect();
        // Walked first and removed in reverse, folders after their contents (walkdir's
        // `contents_first` would filter out `.git` only after yielding what it holds).
        let walk: Vec<_> = walkdir::WalkDir::new(&target)
            .min_depth(1)
            .into_iter()
            .filter_entry(|entry| !is_kept(&target, entry.path()))
            .collect::<Result<_, _>>()?;
        for entry in walk.into_iter().rev() {
            let relative = entry.path().strip_prefix(&target)?;
            let removed = if entry.file_type().is_dir() {
                if dirs.contains(relative) {
                    continue;
                }
                fs::remove_dir(entry.path())
            } else if files.contains(relative) {
                continue;
            } else {
                fs::remove_file(entry.path())
            };
            if let Err(error) = removed {
                self.warnings.push(format!(
                    "the new site is live, but {} of the previous one could not be removed ({error})",
                    entry.path().display()
                ));
            }
        }
        // Only emptied folders are left in it.
        let _ = fs::remove_dir_all(&staged);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

const UNWRITABLE: &str =
    "cannot write beside the output folder: the new site is built there, then swapped in";

/// Checks, before a build, that it may write to `target` and replace what is there: the
/// [`check_target`] of every output, and the rule above.
pub fn check(root: &Path, target: &Path, replace: Replace) -> anyhow::Result<()> {
    let target = &followed(target)?;
    check_target(root, target)?;
    claim(target, &Record::new(root, target)?, replace).map(drop)
}

/// `target`, or the folder it links to: a link (`public -> /var/www/site`) stays a link, and
/// the folder it names is the output that is replaced.
fn followed(target: &Path) -> anyhow::Result<PathBuf> {
    if target.is_symlink() {
        fs::canonicalize(target).with_context(|| format!("following the link {}", target.display()))
    } else {
        Ok(target.to_path_buf())
    }
}

/// Decides whether a build may replace `target` (see the module's doc); `true` when its files
/// must be checked against the new build's first.
fn claim(target: &Path, record: &Record, replace: Replace) -> anyhow::Result<bool> {
    if replace == Replace::Anything || !target.is_dir() {
        return Ok(false);
    }
    let empty = fs::read_dir(target)
        .with_context(|| format!("reading {}", target.display()))?
        .filter_map(Result::ok)
        .all(|entry| is_kept(target, &entry.path()));
    if empty {
        return Ok(false);
    }
    let help = "help: choose a new or empty folder, or pass `--force` to `workplan build` to replace everything in it (but its `.git`)";
    match record.owner() {
        Owner::This => Ok(false),
        Owner::Other(site) => bail!(
            "refusing to replace {}: it holds the output of another site, {}\n{help}",
            target.display(),
            site.display()
        ),
        Owner::Unknown if replace == Replace::OwnOrRebuilt => Ok(true),
        Owner::Unknown => {
            let files = files_below(target)?;
            bail!(
                "refusing to replace {}: workplan did not write it, and it holds {} ({})\n{help}",
                target.display(),
                plural(files.len(), "file"),
                examples(&files)
            )
        }
    }
}

/// Cleans up what an interrupted build left beside (or in) `target`, moving back first what
/// a publish killed half-way left there: the previous output itself, or its `.git`.
fn recover(target: &Path, warnings: &mut Vec<String>) -> anyhow::Result<()> {
    let old = sibling(target, "old");
    if !target.exists() && old.is_dir() {
        // Killed between two renames: the previous output is still the one to replace.
        fs::rename(&old, target)
            .with_context(|| format!("moving {} back to {}", old.display(), target.display()))?;
        warnings.push(format!(
            "an earlier build was interrupted while publishing: moved {} back to {}",
            old.display(),
            target.display()
        ));
    }
    for leftover in [sibling(target, "staging"), old, target.join(INSIDE)] {
        if leftover.symlink_metadata().is_err() {
            continue;
        }
        for name in KEPT {
            let (from, to) = (leftover.join(name), target.join(name));
            if from.symlink_metadata().is_err() {
                continue;
            }
            if !target.is_dir() || to.symlink_metadata().is_ok() {
                bail!(
                    "{} is left from an interrupted build, and {} cannot take it back\n\
                     help: keep the one you want, remove the other, and build again",
                    from.display(),
                    to.display()
                );
            }
            fs::rename(&from, &to)
                .with_context(|| format!("moving {} back to {}", from.display(), to.display()))?;
            warnings.push(format!(
                "an earlier build was interrupted while publishing: moved {} back to {}",
                from.display(),
                to.display()
            ));
        }
        if let Err(error) = fs::remove_dir_all(&leftover) {
            let message = format!(
                "cannot remove {}, left by an earlier build ({error}); it holds no part of the live site",
                leftover.display()
            );
            if leftover == sibling(target, "old") {
                warnings.push(message);
            } else {
                bail!("{message}\nhelp: remove it, then build again");
            }
        }
    }
    Ok(())
}

/// Whether `path`, in the output folder `target`, is kept (or is the staging folder).
fn is_kept(target: &Path, path: &Path) -> bool {
    path.parent() == Some(target)
        && path
            .file_name()
            .is_some_and(|name| KEPT.contains(&&*name.to_string_lossy()) || name == INSIDE)
}

/// The files below `dir` but those kept, as paths relative to it, in name order.
fn files_below(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !is_kept(dir, entry.path()));
    for entry in walk {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if !entry.file_type().is_dir() {
            files.push(entry.path().strip_prefix(dir)?.to_path_buf());
        }
    }
    Ok(files)
}

/// Up to three of `files`, quoted, and how many more.
fn examples(files: &[PathBuf]) -> String {
    let mut named: Vec<String> = files
        .iter()
        .take(3)
        .map(|file| format!("`{}`", file.display()))
        .collect();
    if files.len() > 3 {
        named.push(format!("{} more", files.len() - 3));
    }
    named.join(", ")
}

fn plural(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

/// Puts the file `from` at `to`, replacing what is there in one step.
fn place(from: &Path, to: &Path) -> anyhow::Result<()> {
    if to.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        fs::remove_dir_all(to).with_context(|| format!("removing {}", to.display()))?;
    }
    let moved = fs::rename(from, to).or_else(|error| {
        if error.kind() != io::ErrorKind::CrossesDevices {
            return Err(error);
        }
        // Another file system (a bind mount): copied beside, then renamed over.
        let mut fresh = to.as_os_str().to_owned();
        fresh.push(".workplan-new");
        fs::copy(from, &fresh).and_then(|_| fs::rename(&fresh, to))
    });
    moved.with_context(|| format!("moving the new {} in place", to.display()))
}

/// Whether the folder `path` is a mount point, which cannot be renamed.
fn is_mount_point(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let device = |path: &Path| fs::metadata(path).map(|m| m.dev());
        match (device(path), path.parent().map(device)) {
            (Ok(own), Some(Ok(parent))) => own != parent,
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

fn cannot_write(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Renaming the output failed because it is a mount point (or on another file system).
fn cannot_rename(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ResourceBusy | io::ErrorKind::CrossesDevices
    )
}

/// Exchanges two folders in one step.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// The system or file system cannot exchange folders: two renames must do.
fn exchange_unsupported(error: &io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::io::Errno;
        let unsupported = [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP];
        if error
            .raw_os_error()
            .is_some_and(|code| unsupported.iter().any(|e| e.raw_os_error() == code))
        {
            return true;
        }
    }
    error.kind() == io::ErrorKind::Unsupported
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    fn site_with_output(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
        let site = tempfile::tempdir().unwrap();
        let target = site.path().join("public");
        for (path, text) in files {
            let file = target.join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, text).unwrap();
        }
        (site, target)
    }

    fn stage(root: &Path, target: &Path, files: &[(&str, &str)]) -> Staging {
        let staging = Staging::create(root, target, Replace::Anything).unwrap();
        for (path, text) in files {
            super::super::write_beside(staging.path(), None, path, text.as_bytes()).unwrap();
        }
        staging
    }

    /// Reproducer: publishing was two renames, between which a reader found no output.
    #[test]
    fn a_reader_always_finds_the_output_while_it_is_replaced() {
        let (site, target) = site_with_output(&[("index.html", "0")]);
        let stop = AtomicBool::new(false);
        let (misses, reads) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    if fs::metadata(target.join("index.html")).is_err() {
                        misses.fetch_add(1, Ordering::Relaxed);
                    }
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            });
            for round in 1..=300 {
                let text = round.to_string();
                let staging = stage(site.path(), &target, &[("/", &text), ("/a/", &text)]);
                staging.publish().unwrap();
            }
            stop.store(true, Ordering::Relaxed);
        });
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "300"
        );
        assert_eq!(
            misses.into_inner(),
            0,
            "{} reads found no index.html",
            reads.into_inner()
        );
    }

    /// The way into a mount point (seen as EBUSY from the exchange): the contents are
    /// replaced, `.git` and the folder itself stay, files the new site lacks go.
    #[test]
    fn contents_are_replaced_where_the_folder_cannot_be() {
        let (site, target) = site_with_output(&[
            (".git/HEAD", "ref"),
            ("index.html", "old home"),
            ("stale/index.html", "gone"),
            ("a", "a file that becomes a folder"),
        ]);
        let mut staging = stage(
            site.path(),
            &target,
            &[("/", "new home"), ("/a/", "a page"), ("/style.css", "css")],
        );
        staging.inside = true;
        staging.publish().unwrap();
        let read = |path: &str| fs::read_to_string(target.join(path)).unwrap();
        assert_eq!(read("index.html"), "new home");
        assert_eq!(read("a/index.html"), "a page");
        assert_eq!(read("style.css"), "css");
        assert_eq!(read(".git/HEAD"), "ref");
        assert!(!target.join("stale").exists());
        let left: Vec<_> = fs::read_dir(site.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert!(
            !left.iter().any(|name| name == ".public.staging"),
            "{left:?}"
        );
    }

    /// A publish killed after the exchange left the old site, `.git` and all, in the staging
    /// folder: the next build moves `.git` back before it cleans up.
    #[test]
    fn a_git_folder_left_by_an_interrupted_publish_is_moved_back() {
        let (site, target) = site_with_output(&[("index.html", "new")]);
        let leftover = site.path().join(".public.staging");
        fs::create_dir_all(leftover.join(".git")).unwrap();
        fs::write(leftover.join(".git/HEAD"), "ref").unwrap();
        fs::write(leftover.join("index.html"), "old").unwrap();
        let staging = stage(site.path(), &target, &[("/", "newer")]);
        let warnings = staging.publish().unwrap();
        assert!(warnings[0].contains("moved"), "{warnings:?}");
        assert_eq!(fs::read_to_string(target.join(".git/HEAD")).unwrap(), "ref");
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "newer"
        );
        assert!(!leftover.exists());
    }

    /// Killed between the two renames of the fallback: no output, the previous one aside.
    #[test]
    fn an_output_left_aside_by_an_interrupted_publish_is_put_back() {
        let (site, target) = site_with_output(&[("index.html", "previous")]);
        let old = site.path().join(".public.old");
        fs::rename(&target, &old).unwrap();
        let staging = Staging::create(site.path(), &target, Replace::Own);
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "previous"
        );
        assert!(!old.exists());
        drop(staging);
    }
}

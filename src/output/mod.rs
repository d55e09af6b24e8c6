//! Rendered files in, a published output folder out, all or nothing.
//!
//! A build writes into a fresh staging folder; only when every file is written does
//! [`Staging::publish`] put it in the output folder's place, in one step (see [`publish`] for
//! which folders may be replaced, and how, mount points included); a failed build drops the
//! staging folder and the previous output stays exactly as it was. A `.git` inside the output
//! folder is carried over, so the output can be a checkout of a hosting branch. The
//! [`Record`] beside the output marks it as the site's own.

pub mod publish;
mod record;

use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};

pub use publish::{KEPT, Replace, Staging};
pub use record::Record;

/// The file of URL path `url_path` in `dir`: `/a/b/` is `a/b/index.html`, `/a/b.xml` stays.
pub fn file_for(dir: &Path, url_path: &str) -> PathBuf {
    let relative = url_path.trim_start_matches('/');
    let mut file = dir.join(relative);
    if relative.is_empty() || relative.ends_with('/') {
        file.push("index.html");
    }
    file
}

/// Writes the file of `url_path` into `dir`, a folder being filled for the first time. Where
/// `previous` (the output this one replaces) holds the same bytes, its file is hard-linked
/// instead of written: unchanged files keep their inode and timestamps, so a rebuild that
/// changes nothing writes nothing, and rsync or CDN uploads stay small. Returns the file's
/// metadata as written (taken from the open file: no second look-up of the path).
pub fn write_beside(
    dir: &Path,
    previous: Option<&Path>,
    url_path: &str,
    bytes: &[u8],
) -> io::Result<fs::Metadata> {
    let file = file_for(dir, url_path);
    let write = || {
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        if let Some(previous) = previous
            && let Some(metadata) = link_if_same(&file_for(previous, url_path), &file, bytes)
        {
            return Ok(metadata);
        }
        let mut written = fs::File::create(&file)?;
        written.write_all(bytes)?;
        written.metadata()
    };
    write().map_err(naming(&file))
}

/// Makes an error say which file it concerns.
fn naming(file: &Path) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |error| io::Error::new(error.kind(), format!("{}: {error}", file.display()))
}

/// Hard-links `old` as `new` when it holds `bytes`, and returns its metadata then.
fn link_if_same(old: &Path, new: &Path, bytes: &[u8]) -> Option<fs::Metadata> {
    let mut file = fs::File::open(old).ok()?;
    let metadata = file.metadata().ok()?;
    // A file of another size differs: no need to read it.
    if metadata.len() != bytes.len() as u64 {
        return None;
    }
    let mut old_bytes = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut old_bytes).ok()?;
    (old_bytes == bytes && fs::hard_link(old, new).is_ok()).then_some(metadata)
}

/// Replaces the file of `url_path` in `dir` with `bytes` unless it holds them already; the new
/// file is written beside and renamed over, so a reader sees the old or the new file, never
/// half. Returns whether it wrote.
pub fn write_if_changed(dir: &Path, url_path: &str, bytes: &[u8]) -> io::Result<bool> {
    let file = file_for(dir, url_path);
    if fs::read(&file).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let write = || {
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut temporary = file.clone().into_os_string();
        temporary.push(".workplan-new");
        fs::write(&temporary, bytes)?;
        fs::rename(&temporary, &file)
    };
    write().map_err(naming(&file))?;
    Ok(true)
}

/// Removes the file of `url_path` from `dir`, and the folders it leaves empty.
pub fn remove(dir: &Path, url_path: &str) -> io::Result<()> {
    let file = file_for(dir, url_path);
    match fs::remove_file(&file) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(naming(&file)(error)),
        _ => {}
    }
    let mut folder = file.parent();
    while let Some(current) = folder.filter(|f| f.starts_with(dir) && *f != dir) {
        if fs::remove_dir(current).is_err() {
            break; // not empty
        }
        folder = current.parent();
    }
    Ok(())
}

/// `public` -> `.public.staging` beside it.
pub(crate) fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy());
    target.with_file_name(format!(".{name}.{suffix}"))
}

/// The output folder must not be the site, hold it, or lie in a folder the build reads.
pub fn check_target(root: &Path, target: &Path) -> anyhow::Result<()> {
    let root = absolute(root)?;
    let target = absolute(target)?;
    if root.starts_with(&target) {
        bail!(
            "refusing to write the site to {}: it holds the site's own files\n\
             help: choose a folder of its own, e.g. `--output-dir public`",
            target.display()
        );
    }
    // Folders of the site that the output may never be, contain, or sit in.
    for dir in crate::config::SOURCE_DIRS {
        let source = root.join(dir);
        if target.starts_with(&source) || source.starts_with(&target) {
            bail!(
                "refusing to write the site to {}: the build reads `{dir}/` from there\n\
                 help: choose a folder outside `{dir}/`, e.g. `--output-dir public`",
                target.display()
            );
        }
    }
    if target.exists() && !target.is_dir() {
        bail!("the output {} exists and is not a folder", target.display());
    }
    Ok(())
}

/// `path` made absolute, `.` and `..` removed, and symlinks resolved as far as it exists.
pub(crate) fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let joined =
        std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))?;
    let mut lexical = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
            break;
        };
        rest.push(name);
        existing = parent;
    }
    let mut resolved = existing
        .canonicalize()
        .with_context(|| format!("resolving {}", existing.display()))?;
    resolved.extend(rest.iter().rev());
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_root_its_parents_and_source_folders() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        fs::create_dir(root.join("content")).unwrap();
        for bad in [
            root.to_path_buf(),
            root.join(".."),
            root.join("content"),
            root.join("content/x"),
        ] {
            assert!(check_target(root, &bad).is_err(), "{}", bad.display());
        }
        assert!(check_target(root, &root.join("public")).is_ok());
        assert!(check_target(root, &root.join("out/../public")).is_ok());
    }

    #[test]
    fn publish_swaps_and_keeps_git() {
        let site = tempfile::tempdir().unwrap();
        let target = site.path().join("public");
        fs::create_dir_all(target.join(".git")).unwrap();
        fs::write(target.join(".git/HEAD"), "ref").unwrap();
        fs::write(target.join("stale.html"), "old").unwrap();
        let staging = Staging::create(site.path(), &target, Replace::Anything).unwrap();
        write_beside(staging.path(), None, "/a/", b"new").unwrap();
        staging.publish().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        assert_eq!(fs::read_to_string(target.join(".git/HEAD")).unwrap(), "ref");
        assert!(!target.join("stale.html").exists());
        assert!(!site.path().join(".public.old").exists());
    }

    #[test]
    fn write_if_changed_skips_equal_bytes_and_remove_prunes_folders() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_if_changed(dir.path(), "/a/b/", b"x").unwrap());
        assert!(!write_if_changed(dir.path(), "/a/b/", b"x").unwrap());
        assert!(write_if_changed(dir.path(), "/a/b/", b"y").unwrap());
        assert_eq!(fs::read(dir.path().join("a/b/index.html")).unwrap(), b"y");
        remove(dir.path(), "/a/b/").unwrap();
        assert!(!dir.path().join("a").exists());
        assert!(dir.path().exists());
    }

    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        use std::os::unix::fs::MetadataExt;
        let site = tempfile::tempdir().unwrap();
        let (old, new) = (site.path().join("old"), site.path().join("new"));
        write_beside(&old, None, "/same/", b"same").unwrap();
        write_beside(&old, None, "/changed/", b"before").unwrap();
        write_beside(&new, Some(&old), "/same/", b"same").unwrap();
        write_beside(&new, Some(&old), "/changed/", b"after").unwrap();
        let inode = |dir: &Path, path| fs::metadata(file_for(dir, path)).unwrap().ino();
        assert_eq!(inode(&old, "/same/"), inode(&new, "/same/"));
        assert_ne!(inode(&old, "/changed/"), inode(&new, "/changed/"));
        assert_eq!(fs::read(file_for(&new, "/changed/")).unwrap(), b"after");
    }

    #[test]
    fn dropping_unpublished_staging_leaves_output_alone() {
        let site = tempfile::tempdir().unwrap();
        let target = site.path().join("public");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("index.html"), "old").unwrap();
        let staging = Staging::create(site.path(), &target, Replace::Anything).unwrap();
        write_beside(staging.path(), None, "/", b"new").unwrap();
        drop(staging);
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        assert!(!site.path().join(".public.staging").exists());
    }
}

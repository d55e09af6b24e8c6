//! The record beside an output folder (`.public.workplan` beside `public/`): which site the
//! folder is the output of, and what the build knows of its last run there.
//!
//! Its first lines mark the folder as workplan's output of one site, named by its path
//! relative to the record, so that a site moved together with its output keeps it, and name
//! the folder itself (its creation time, and its device and inode): a folder made anew
//! where the output was, after it was deleted, is not the output. A build replaces only a
//! folder so marked for its own site (or absent, or empty); see [`super::Staging`]. The lines
//! after them are the build's own (`build::fingerprint`).
//!
//! The record sits beside the output, not in it: the output holds the site alone, ready to
//! deploy, and the site folder is never written to, so a read-only checkout builds into a
//! writable `-o`. Removing the output leaves a stale record that names no folder's files and
//! does no harm.

use std::io;
use std::path::{Component, Path, PathBuf};

use super::{absolute, sibling};

const HEADER: &str = "workplan output 2";

/// Whose output a folder is, as its record says.
#[derive(Debug, PartialEq, Eq)]
pub enum Owner {
    /// No record, or one that does not read.
    Unknown,
    /// The site being built.
    This,
    /// The site at this path.
    Other(PathBuf),
}

/// The record of one output folder, for one site.
#[derive(Debug, Clone)]
pub struct Record {
    file: PathBuf,
    /// The output folder, absolute.
    target: PathBuf,
    /// The folder that holds the record and the output.
    parent: PathBuf,
    /// The site's folder, absolute.
    root: PathBuf,
}

impl Record {
    /// The record of the output folder `target` of the site in `root`.
    pub fn new(root: &Path, target: &Path) -> anyhow::Result<Self> {
        let target = absolute(target)?;
        let parent = target.parent().unwrap_or(&target).to_path_buf();
        Ok(Self {
            file: sibling(&target, "workplan"),
            parent,
            target,
            root: absolute(root)?,
        })
    }

    /// Whose output the folder is.
    pub fn owner(&self) -> Owner {
        match self.read() {
            None => Owner::Unknown,
            Some((site, _)) if site == self.root => Owner::This,
            Some((site, _)) => Owner::Other(site),
        }
    }

    /// The lines after the mark, if the record marks the folder as this site's output.
    pub fn body(&self) -> Option<String> {
        self.read()
            .filter(|(site, _)| *site == self.root)
            .map(|(_, body)| body)
    }

    /// Marks the folder as this site's output, followed by `body`; written beside and renamed
    /// over, so that a reader finds the old record or the new one.
    pub fn write(&self, body: &str) -> io::Result<()> {
        let site = relative(&self.parent, &self.root);
        let folder = identity(&self.target).unwrap_or_default();
        let text = format!("{HEADER}\nsite {}\nfolder {folder}\n{body}", site.display());
        let fresh = self.file.with_extension("workplan-new");
        let written =
            std::fs::write(&fresh, text).and_then(|()| std::fs::rename(&fresh, &self.file));
        if written.is_err() {
            let _ = std::fs::remove_file(&fresh);
        }
        written
    }

    /// The site the record names (absolute) and the lines after the mark; nothing when the
    /// folder there now is not the one the record was written for.
    fn read(&self) -> Option<(PathBuf, String)> {
        let text = std::fs::read_to_string(&self.file).ok()?;
        let rest = text.strip_prefix(HEADER)?.strip_prefix('\n')?;
        let (site, rest) = rest.split_once('\n')?;
        let (folder, body) = rest.split_once('\n')?;
        let folder = folder.strip_prefix("folder ")?;
        if identity(&self.target).is_some_and(|now| now != folder) {
            return None;
        }
        let site = absolute(&self.parent.join(site.strip_prefix("site ")?)).ok()?;
        Some((site, body.to_owned()))
    }
}

/// What tells one folder from another made later at the same path: its creation time where
/// the system keeps one, and on Unix its device and inode (a number freed by a deleted folder
/// may be given to the next, which the creation time then tells apart).
fn identity(folder: &Path) -> Option<String> {
    let metadata = std::fs::metadata(folder).ok()?;
    let created = metadata
        .created()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    #[cfg(unix)]
    let place = {
        use std::os::unix::fs::MetadataExt as _;
        format!("{}:{}", metadata.dev(), metadata.ino())
    };
    #[cfg(not(unix))]
    let place = String::new();
    Some(format!("{place}:{created}"))
}

/// `to` as a path relative to `from`, both absolute; `to` itself when they share no root
/// (two drives on Windows).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0
        || !matches!(
            from.first(),
            Some(Component::RootDir | Component::Prefix(_))
        )
    {
        return to.iter().collect();
    }
    let mut path: PathBuf = from[common..]
        .iter()
        .map(|_| Component::ParentDir)
        .collect();
    path.extend(&to[common..]);
    if path.as_os_str().is_empty() {
        path.push(".");
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_then_descend() {
        let rel = |a: &str, b: &str| relative(Path::new(a), Path::new(b));
        assert_eq!(rel("/a/b", "/a/b"), Path::new("."));
        assert_eq!(rel("/a/b", "/a/c/d"), Path::new("../c/d"));
        assert_eq!(rel("/a", "/a/site"), Path::new("site"));
        assert_eq!(rel("/a/out", "/a"), Path::new(".."));
    }

    #[test]
    fn a_record_names_its_site_and_keeps_its_body() {
        let dir = tempfile::tempdir().unwrap();
        let (site, other) = (dir.path().join("site"), dir.path().join("other"));
        std::fs::create_dir(&site).unwrap();
        std::fs::create_dir(&other).unwrap();
        let target = dir.path().join("out");
        let record = Record::new(&site, &target).unwrap();
        assert_eq!(record.owner(), Owner::Unknown);
        record.write("last build\n").unwrap();
        assert_eq!(record.owner(), Owner::This);
        assert_eq!(record.body().as_deref(), Some("last build\n"));
        let theirs = Record::new(&other, &target).unwrap();
        assert_eq!(theirs.owner(), Owner::Other(absolute(&site).unwrap()));
        assert_eq!(theirs.body(), None);
    }
}

//! Whether the output folder already holds what a build would write, so that a build with
//! nothing changed does nothing (in tens of milliseconds instead of a whole build).
//!
//! After each build, the output's record (`.public.workplan` beside `public/`, see
//! [`crate::output::Record`]) keeps two fingerprints: one of the inputs (the build's options, the `workplan` executable, and the path, size and modification
//! time of every file of the configuration, `content/`, `templates/`, `static/` and `themes/`,
//! links followed, and of the files template functions read, which may be anywhere in the
//! site folder: the record lists them), taken before the build read them, and one of the
//! output folder as published. The next build is skipped when both still match: nothing was edited, and nobody
//! touched the output. Like make and Cargo, it trusts modification times; deleting the
//! record forces a full build. Nothing is written into the site folder, which may be
//! read-only; a record that cannot be written only makes the next build a full one.
//!
//! A file changed twice within one tick of its file system's clock (up to two seconds on
//! some) could look unchanged. As git does, a build whose inputs changed that recently
//! records nothing, so the next build is a full one.

use std::fs::Metadata;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{BuildOptions, BuildSummary};
use crate::config::SOURCE_DIRS;
use crate::output::{KEPT, Record};

const FORMAT: &str = "workplan last-build 1";
/// Where workplan 0.1 kept the record: in the site, removed when seen.
const FORMER_FILE: &str = ".workplan/last-build";
/// How recent an input's change must be for a record to be unsafe (see the module's doc).
const RACY: Duration = Duration::from_secs(2);

/// The fingerprint of a build's inputs.
#[derive(Debug, Clone, Copy)]
pub struct Inputs {
    fingerprint: u64,
    /// No input changed within [`RACY`] before the fingerprint was taken.
    settled: bool,
}

/// What the last build recorded.
#[derive(Debug, PartialEq, Eq)]
pub struct LastBuild {
    pub inputs: u64,
    pub output: u64,
    pub pages: usize,
    pub sections: usize,
    pub files_copied: usize,
    /// The files template functions read or looked for (`load_data`...), absolute.
    pub files: Vec<PathBuf>,
}

impl Inputs {
    /// These inputs and the `files` template functions read (present or not), for a build
    /// that started reading at `since`.
    pub fn with_files(self, files: &[PathBuf], since: SystemTime) -> Self {
        let mut hasher = DefaultHasher::new();
        self.fingerprint.hash(&mut hasher);
        let mut newest = UNIX_EPOCH;
        let mut settled = self.settled;
        for file in files {
            match std::fs::metadata(file) {
                Ok(metadata) => {
                    newest = newest.max(metadata.modified().unwrap_or(UNIX_EPOCH));
                    hash_file(&mut hasher, file, &metadata);
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {
                    (file, "absent").hash(&mut hasher);
                }
                // What cannot be looked at cannot be trusted unchanged next time.
                Err(_) => settled = false,
            }
        }
        Self {
            fingerprint: hasher.finish(),
            settled: settled && newest + RACY < since,
        }
    }
}

impl LastBuild {
    /// The record of the last build, if there is one and its output folder is still there.
    pub fn load(options: &BuildOptions) -> Option<Self> {
        if !options.output().is_dir() {
            return None;
        }
        Self::parse(&Record::new(&options.root, &options.output()).ok()?.body()?)
    }

    /// Whether the output folder is still what this build wrote, for inputs that have not
    /// changed since.
    pub fn is_current(&self, options: &BuildOptions, inputs: Inputs) -> bool {
        self.inputs == inputs.fingerprint
            && output(&options.output(), "").is_ok_and(|output| output == self.output)
    }

    /// Records a build just published from inputs of fingerprint `inputs` (with the `files`
    /// template functions read), its output of fingerprint `output` (as [`output`] makes it).
    /// Failing to is no error: the next build is then a full one.
    pub fn record(
        options: &BuildOptions,
        inputs: Inputs,
        files: Vec<PathBuf>,
        output: u64,
        summary: &BuildSummary,
    ) {
        let former = options.root.join(FORMER_FILE);
        if std::fs::read_to_string(&former).is_ok_and(|text| text.starts_with(FORMAT)) {
            let _ = std::fs::remove_file(&former);
            let _ = former.parent().map(std::fs::remove_dir);
        }
        if !inputs.settled {
            return;
        }
        let last = Self {
            inputs: inputs.fingerprint,
            output,
            pages: summary.pages,
            sections: summary.sections,
            files_copied: summary.files_copied,
            files,
        };
        // Without a record, the next build is a full one: slower, never wrong.
        if let Ok(record) = Record::new(&options.root, &options.output()) {
            let _ = record.write(&last.to_text());
        }
    }

    fn to_text(&self) -> String {
        let mut text = format!(
            "{FORMAT}\ninputs {:016x}\noutput {:016x}\npages {}\nsections {}\nfiles_copied {}\n",
            self.inputs, self.output, self.pages, self.sections, self.files_copied
        );
        for file in &self.files {
            // A path that is not text reads back as another, absent file: the next build is
            // then a full one.
            text.push_str(&format!("read {}\n", file.to_string_lossy()));
        }
        text
    }

    fn parse(text: &str) -> Option<Self> {
        let mut lines = text.lines();
        if lines.next()? != FORMAT {
            return None;
        }
        let mut value = |key: &str| lines.next()?.strip_prefix(key)?.strip_prefix(' ');
        let hex = |text: &str| u64::from_str_radix(text, 16).ok();
        let mut last = Self {
            inputs: hex(value("inputs")?)?,
            output: hex(value("output")?)?,
            pages: value("pages")?.parse().ok()?,
            sections: value("sections")?.parse().ok()?,
            files_copied: value("files_copied")?.parse().ok()?,
            files: Vec::new(),
        };
        for line in lines {
            last.files.push(PathBuf::from(line.strip_prefix("read ")?));
        }
        Some(last)
    }
}

/// The fingerprint of everything a build of `options` reads, for a build that started reading
/// at `since` (at the earliest: the walk may run beside the build).
pub fn inputs(options: &BuildOptions, since: SystemTime) -> io::Result<Inputs> {
    let mut hasher = DefaultHasher::new();
    let BuildOptions {
        root,
        config_file,
        output_dir: _,
        base_url,
        drafts,
        force: _,
    } = options;
    (config_file, base_url, drafts).hash(&mut hasher);
    std::path::absolute(options.output())?.hash(&mut hasher);
    let executable = std::env::current_exe()?;
    hash_file(&mut hasher, &executable, &std::fs::metadata(&executable)?);
    let paths = std::iter::once(config_file.as_str()).chain(SOURCE_DIRS);
    let mut newest = UNIX_EPOCH;
    for path in paths.map(|path| root.join(path)) {
        newest = newest.max(hash_tree(&mut hasher, &path)?);
    }
    Ok(Inputs {
        fingerprint: hasher.finish(),
        settled: newest + RACY < since,
    })
}

/// The stamp of one file of an output folder: its path in the folder, size and modification
/// time.
pub fn stamp(relative: &Path, metadata: &Metadata) -> u64 {
    let mut hasher = DefaultHasher::new();
    hash_file(&mut hasher, relative, metadata);
    hasher.finish()
}

/// The fingerprint of the files below `below` in the output folder `dir` (all of them for
/// `""`, but its `.git` and what else publishing keeps): the sum of their [`stamp`]s. A sum does not
/// depend on order, so a build can add up the stamps of the files it writes, as it writes
/// them, and match a walk of the folder.
pub fn output(dir: &Path, below: &str) -> io::Result<u64> {
    let kept: Vec<_> = KEPT.iter().map(|name| dir.join(name)).collect();
    let walk = walkdir::WalkDir::new(dir.join(below))
        .into_iter()
        .filter_entry(|entry| !kept.iter().any(|path| entry.path() == path));
    let mut sum = 0u64;
    for entry in walk {
        let Some(entry) = present(entry)? else {
            continue;
        };
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            sum = sum.wrapping_add(stamp(relative, &entry.metadata()?));
        }
    }
    Ok(sum)
}

/// Hashes the path, size and modification time of every file below `path` (or of `path`
/// itself), in name order, following links; a missing path hashes as nothing. Returns the
/// newest modification time.
fn hash_tree(hasher: &mut DefaultHasher, path: &Path) -> io::Result<SystemTime> {
    let walk = walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name();
    let mut newest = UNIX_EPOCH;
    for entry in walk {
        let Some(entry) = present(entry)? else {
            continue;
        };
        if !entry.file_type().is_dir() {
            let metadata = entry.metadata()?;
            newest = newest.max(metadata.modified().unwrap_or(UNIX_EPOCH));
            hash_file(hasher, entry.path(), &metadata);
        }
    }
    Ok(newest)
}

/// A walked entry; `None` for one that is not there (a missing folder, a file just removed).
fn present(entry: walkdir::Result<walkdir::DirEntry>) -> io::Result<Option<walkdir::DirEntry>> {
    match entry {
        Ok(entry) => Ok(Some(entry)),
        Err(error) if error.io_error().map(io::Error::kind) == Some(io::ErrorKind::NotFound) => {
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

fn hash_file(hasher: &mut DefaultHasher, path: &Path, metadata: &Metadata) {
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok());
    (path, metadata.len(), modified).hash(hasher);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back() {
        let last = LastBuild {
            inputs: 0xdead_beef,
            output: 42,
            pages: 10,
            sections: 2,
            files_copied: 3,
            files: vec![
                PathBuf::from("/site/data/a b.csv"),
                PathBuf::from("/site/x"),
            ],
        };
        assert_eq!(LastBuild::parse(&last.to_text()), Some(last));
        assert_eq!(LastBuild::parse("workplan last-build 0\n"), None);
    }
}

//! File-system events in, batches of changed site files out.
//!
//! The events of one save (an editor's write-to-temp-and-rename is several) come within
//! microseconds of each other: a batch ends once no event came for 5 ms, so a save is
//! normally one batch. Events that keep coming for longer than that are a burst (a checkout
//! touching hundreds of files, a script writing many): its batch ends only after 50 ms of
//! quiet, so that a writer paused by a busy machine does not split it into many rebuilds, or
//! once it is a second old, so that a steady writer still sees its changes. Only the files
//! the build reads count: the configuration, `content/`, `templates/`, `themes/` and
//! `static/`, minus hidden files and editors' swap and backup files, and the files that
//! template functions read elsewhere in the site folder (`load_data(path="data/x.toml")`),
//! which the command loop hands to [`Watcher::follow`] after each build. When the system lost
//! events (its queue overflowed), the batch names the configuration file, which reloads the
//! whole site. A watch follows a folder, not its name: when one of those folders is made,
//! deleted or replaced (a restore from a backup, a checkout), it is watched anew before its
//! batch is handed over, and the batch names the folder, which reloads all of it. Ctrl-C
//! (SIGINT), SIGTERM and SIGHUP arrive on the same channel, so the command loop can stop
//! between rebuilds and remove what it must (serve's private folder).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::SOURCE_DIRS;

/// How long a batch waits for more after the last event: every save waits this long once,
/// so it is kept short.
const SETTLE: Duration = Duration::from_millis(5);
/// How long a burst's batch (events for longer than [`SETTLE`]) waits after the last event.
const BURST: Duration = Duration::from_millis(50);
/// The age at which a batch is handed over even if events are still coming.
const LONGEST: Duration = Duration::from_secs(1);

/// How long a batch whose first event came `age` ago waits for another; zero once it is
/// to be built.
fn quiet_wait(age: Duration) -> Duration {
    if age < SETTLE {
        SETTLE
    } else {
        BURST.min(LONGEST.saturating_sub(age))
    }
}

/// What the command loop is told.
#[derive(Debug)]
pub enum Signal {
    /// Files that were added, changed or removed.
    Changed(Vec<PathBuf>),
    /// Ctrl-C, SIGTERM or SIGHUP: finish up and leave.
    Stop,
}

/// Watches a site until dropped.
pub struct Watcher {
    watcher: Mutex<RecommendedWatcher>,
    /// The site's folder, absolute.
    root: PathBuf,
    /// Files that template functions read outside the folders watched whole, shared with the
    /// filter of events.
    followed: Arc<Mutex<BTreeSet<PathBuf>>>,
    /// The folders watched (not recursively) for them.
    followed_folders: Mutex<BTreeSet<PathBuf>>,
    signals: Receiver<Signal>,
    sender: Sender<Signal>,
}

impl Watcher {
    /// Watches the site at `root` whose configuration file is `config_file`.
    pub fn new(root: &Path, config_file: &str) -> anyhow::Result<Self> {
        let (sender, signals) = mpsc::channel();
        let root = std::path::absolute(root).context("resolving the site folder")?;
        let followed = Arc::default();
        let filter = Filter {
            root: root.clone(),
            config_file: root.join(config_file),
            followed: Arc::clone(&followed),
        };
        let events = sender.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                // A watch error: the next save tries again.
                if let Ok(event) = event
                    && let Some(paths) = filter.changed_paths(event)
                {
                    let _ = events.send(Signal::Changed(paths));
                }
            })
            .context("starting the file watcher")?;
        // The root itself, not recursively, sees site.toml and folders created later.
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .with_context(|| format!("watching {}", root.display()))?;
        for folder in SOURCE_DIRS
            .map(|name| root.join(name))
            .iter()
            .filter(|f| f.is_dir())
        {
            watcher
                .watch(folder, RecursiveMode::Recursive)
                .with_context(|| format!("watching {}", folder.display()))?;
        }
        Ok(Self {
            watcher: Mutex::new(watcher),
            root,
            followed,
            followed_folders: Mutex::default(),
            signals,
            sender,
        })
    }

    /// Follows `files` (absolute) besides the folders the build reads: a change to one of
    /// them, or to a folder on the way to one (made, moved, removed), is a change of the site.
    /// Each call replaces the files of the last. The build read them from `read_since` on,
    /// before they were all watched: one changed since is reported as changed.
    pub fn follow(&self, files: &[PathBuf], read_since: SystemTime) {
        let outside: BTreeSet<PathBuf> = files
            .iter()
            .filter(|file| file.starts_with(&self.root) && !is_in_source_dirs(&self.root, file))
            .cloned()
            .collect();
        // The nearest folder of each that exists: the root itself is watched already.
        let folders: BTreeSet<PathBuf> = outside
            .iter()
            .filter_map(|file| file.ancestors().skip(1).find(|folder| folder.is_dir()))
            .filter(|folder| *folder != self.root)
            .map(Path::to_path_buf)
            .collect();
        let mut watcher = lock(&self.watcher);
        let mut watched = lock(&self.followed_folders);
        for gone in watched.difference(&folders) {
            let _ = watcher.unwatch(gone);
        }
        for folder in folders.difference(&watched) {
            if let Err(error) = watcher.watch(folder, RecursiveMode::NonRecursive) {
                crate::console::warning(format_args!("cannot watch {}: {error}", folder.display()));
            }
        }
        *watched = folders;
        drop((watcher, watched));
        let changed: Vec<PathBuf> = outside
            .iter()
            .filter(|file| {
                std::fs::metadata(file)
                    .and_then(|metadata| metadata.modified())
                    .is_ok_and(|modified| modified >= read_since)
            })
            .cloned()
            .collect();
        *lock(&self.followed) = outside;
        if !changed.is_empty() {
            let _ = self.sender.send(Signal::Changed(changed));
        }
    }

    /// Watches anew those of the site's folders (and of the followed files' folders) that
    /// `batch` names themselves: made, deleted or replaced since they were watched.
    fn watch_again(&self, batch: &BTreeSet<PathBuf>) {
        let mut watcher = lock(&self.watcher);
        let followed = lock(&self.followed_folders);
        let folders = SOURCE_DIRS
            .map(|name| (self.root.join(name), RecursiveMode::Recursive))
            .into_iter()
            .chain(
                followed
                    .iter()
                    .map(|f| (f.clone(), RecursiveMode::NonRecursive)),
            );
        for (folder, mode) in folders {
            if !batch.contains(&folder) {
                continue;
            }
            // The old watch may follow the folder to where it was moved, or be gone with it.
            let _ = watcher.unwatch(&folder);
            if folder.is_dir()
                && let Err(error) = watcher.watch(&folder, mode)
            {
                crate::console::warning(format_args!("cannot watch {}: {error}", folder.display()));
            }
        }
    }

    /// Makes Ctrl-C, and on Unix SIGTERM and SIGHUP (`ctrlc`'s `termination` feature), a
    /// [`Signal::Stop`] instead of ending the process on the spot. Once per process.
    pub fn stop_on_ctrl_c(&self) -> anyhow::Result<()> {
        let sender = self.sender.clone();
        ctrlc::set_handler(move || {
            let _ = sender.send(Signal::Stop);
        })
        .context("listening for Ctrl-C, SIGTERM and SIGHUP")
    }

    /// Waits for the next change or Ctrl-C. A save, or a burst of changes, comes as one
    /// batch.
    pub fn next(&self) -> Signal {
        let Ok(first) = self.signals.recv() else {
            return Signal::Stop;
        };
        let Signal::Changed(paths) = first else {
            return Signal::Stop;
        };
        let started = Instant::now();
        let mut batch: BTreeSet<PathBuf> = paths.into_iter().collect();
        loop {
            match self.signals.recv_timeout(quiet_wait(started.elapsed())) {
                Ok(Signal::Changed(more)) => batch.extend(more),
                Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return Signal::Stop,
                Err(RecvTimeoutError::Timeout) => {
                    self.watch_again(&batch);
                    return Signal::Changed(batch.into_iter().collect());
                }
            }
        }
    }
}

/// Chooses the paths that matter to the build.
struct Filter {
    root: PathBuf,
    config_file: PathBuf,
    /// [`Watcher::follow`]'s files.
    followed: Arc<Mutex<BTreeSet<PathBuf>>>,
}

impl Filter {
    /// The paths of `event` that the build reads, if any.
    fn changed_paths(&self, event: notify::Event) -> Option<Vec<PathBuf>> {
        if event.need_rescan() {
            return Some(vec![self.config_file.clone()]);
        }
        // Reading a file is an event too: the build's own reads must not count.
        if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
            return None;
        }
        let paths: Vec<PathBuf> = event
            .paths
            .into_iter()
            .filter(|path| self.wants(path))
            .collect();
        (!paths.is_empty()).then_some(paths)
    }

    fn wants(&self, path: &Path) -> bool {
        if path == self.config_file {
            return true;
        }
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return false;
        };
        let is_editor_file = relative
            .components()
            .any(|part| is_editor_file(&part.as_os_str().to_string_lossy()));
        if is_editor_file || relative.as_os_str().is_empty() {
            return false;
        }
        is_in_source_dirs(&self.root, path)
            || lock(&self.followed)
                .iter()
                .any(|file| file.starts_with(path))
    }
}

/// The value behind `mutex`, even if a thread panicked holding it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether `path` is in one of the folders of the site at `root` that the build reads whole.
fn is_in_source_dirs(root: &Path, path: &Path) -> bool {
    let first = path
        .strip_prefix(root)
        .ok()
        .and_then(|relative| relative.components().next());
    first.is_some_and(|first| SOURCE_DIRS.contains(&&*first.as_os_str().to_string_lossy()))
}

/// Hidden files and the temporary files editors write beside the ones they save.
fn is_editor_file(name: &str) -> bool {
    crate::content::is_ignored(name)
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> Filter {
        Filter {
            root: PathBuf::from("/site"),
            config_file: PathBuf::from("/site/site.toml"),
            followed: Arc::default(),
        }
    }

    #[test]
    fn only_the_files_the_build_reads_count() {
        let filter = filter();
        for wanted in [
            "/site/site.toml",
            "/site/content/a.md",
            "/site/themes/t/templates/x.html",
        ] {
            assert!(filter.wants(Path::new(wanted)), "{wanted}");
        }
        for unwanted in [
            "/site/public/index.html",
            "/site/README.md",
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/a.md___jb_tmp___",
            "/site/content/.git/x",
            "/elsewhere/content/a.md",
        ] {
            assert!(!filter.wants(Path::new(unwanted)), "{unwanted}");
        }
    }

    #[test]
    fn followed_files_and_the_folders_on_their_way_count() {
        let filter = filter();
        let data = "/site/data/people.toml";
        assert!(!filter.wants(Path::new(data)));
        filter.followed.lock().unwrap().insert(PathBuf::from(data));
        for wanted in [data, "/site/data"] {
            assert!(filter.wants(Path::new(wanted)), "{wanted}");
        }
        for unwanted in [
            "/site",
            "/site/data/other.toml",
            "/site/data/.people.toml.swp",
        ] {
            assert!(!filter.wants(Path::new(unwanted)), "{unwanted}");
        }
    }

    #[test]
    fn lost_events_reload_the_whole_site_and_reads_are_ignored() {
        let filter = filter();
        let lost = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert_eq!(
            filter.changed_paths(lost),
            Some(vec![PathBuf::from("/site/site.toml")])
        );
        let read = notify::Event::new(EventKind::Access(notify::event::AccessKind::Any))
            .add_path(PathBuf::from("/site/content/a.md"));
        assert_eq!(filter.changed_paths(read), None);
        let write = notify::Event::new(EventKind::Modify(notify::event::ModifyKind::Any))
            .add_path(PathBuf::from("/site/content/a.md"))
            .add_path(PathBuf::from("/site/public/a/index.html"));
        assert_eq!(
            filter.changed_paths(write),
            Some(vec![PathBuf::from("/site/content/a.md")])
        );
    }

    #[test]
    fn a_save_waits_briefly_a_burst_for_quiet_and_no_batch_for_ever() {
        let ms = Duration::from_millis;
        assert_eq!(quiet_wait(ms(0)), SETTLE);
        assert_eq!(quiet_wait(ms(20)), BURST);
        assert_eq!(quiet_wait(ms(980)), ms(20));
        assert_eq!(quiet_wait(ms(1500)), Duration::ZERO);
    }
}

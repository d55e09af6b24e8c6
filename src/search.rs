//! A built site in, its full-text search index out: Pagefind, as a library, writes
//! `pagefind/` into the site, which its browser script searches on any static host, offline.
//!
//! Pages mark what to index with `data-pagefind-body` (the default theme does on the pages
//! worth finding). Chinese text is segmented into words (Pagefind's `extended` feature) on
//! pages whose `<html lang>` starts with `zh` (the default theme writes `default_language`,
//! e.g. `zh-Hans`); the browser cuts a query into words the same way.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use anyhow::Context as _;
use pagefind::api::PagefindIndex;

/// The folder of the index inside the site.
pub const DIR: &str = "pagefind";

/// Indexes every HTML page of `site` and writes the index into `site/pagefind/`, replacing
/// the previous index whole (its file names hash their contents: old ones must go).
pub fn index(site: &Path) -> anyhow::Result<()> {
    let fresh = site.join(".pagefind.new");
    if fresh.exists() {
        std::fs::remove_dir_all(&fresh).with_context(|| format!("removing {}", fresh.display()))?;
    }
    write_index(site, &fresh)?;
    let target = site.join(DIR);
    if target.exists() {
        std::fs::remove_dir_all(&target)
            .with_context(|| format!("removing {}", target.display()))?;
    }
    std::fs::rename(&fresh, &target)
        .with_context(|| format!("moving the index to {}", target.display()))
}

fn write_index(site: &Path, out: &Path) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("starting the search indexer")?;
    runtime.block_on(async {
        let mut index = PagefindIndex::new(None).context("configuring the search index")?;
        let root = site.to_string_lossy().into_owned();
        index
            .add_directory(root, None)
            .await
            .context("indexing the site for search")?;
        let out = out.to_string_lossy().into_owned();
        index
            .write_files(Some(out))
            .await
            .context("writing the search index")?;
        Ok(())
    })
}

/// Indexes a site in the background whenever asked, so that a live preview never waits for
/// the index (Pagefind takes seconds on a large site). Requests that arrive while an index is
/// being written are merged into one more run after it: the index catches up with the last
/// change without queueing a run per save. Pages are replaced atomically, so the indexer never
/// reads half a page; an index written during an update is replaced by the next run.
pub struct Indexer {
    /// `None` once dropping: closing the channel ends the thread.
    requests: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Indexer {
    /// Starts the indexer of the site in `site`. Dropping it waits for an index being written
    /// to be complete, so that the folder is never left with half an index.
    pub fn start(site: PathBuf) -> Self {
        let (requests, received) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            while received.recv().is_ok() {
                // Merge the requests made meanwhile; stop once the preview has stopped.
                loop {
                    match received.try_recv() {
                        Ok(()) => {}
                        Err(mpsc::TryRecvError::Empty) => break,
                        Err(mpsc::TryRecvError::Disconnected) => return,
                    }
                }
                if let Err(error) = index(&site) {
                    crate::console::error(&error);
                }
            }
        });
        Self {
            requests: Some(requests),
            thread: Some(thread),
        }
    }

    /// Asks for the index to be written again.
    pub fn request(&self) {
        if let Some(requests) = &self.requests {
            // The thread ends only once `self` is dropped, so it is there to receive.
            let _ = requests.send(());
        }
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            // A panic in the thread has been reported already.
            let _ = thread.join();
        }
    }
}

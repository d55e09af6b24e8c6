//! A built site in, its full-text search index out: Pagefind, as a library, writes
//! `pagefind/` into the site, which its browser script searches on any static host, offline.
//!
//! Pages mark what to index with `data-pagefind-body` (the default theme does on the pages
//! worth finding). Chinese text is segmented into words (Pagefind's `extended` feature) on
//! pages whose `<html lang>` starts with `zh` (the default theme writes `default_language`,
//! e.g. `zh-Hans`); the browser cuts a query into words the same way.
//!
//! A build gives each page to the index as it is rendered ([`Indexing`]): the pages are
//! never held, and indexing runs beside rendering. Pagefind holds about 175 kB per page
//! while it builds an index, so a large site is indexed in bundles of at most
//! `bundles::PAGES` pages of one language, which the search page merges in the browser
//! (Pagefind's `mergeIndex`); `pagefind/bundles.json` lists them.

mod bundles;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc;

use anyhow::Context as _;
use memchr::memmem;

use bundles::{Bundles, Page};

/// The folder of the index inside the site.
pub const DIR: &str = "pagefind";

/// Pagefind's mark of the part of a page to index.
const BODY_MARK: &[u8] = b"data-pagefind-body";

/// The search index of one site being written, page by page, into a fresh folder that
/// [`Indexing::finish`] puts in place of the site's `pagefind/`.
pub struct Indexing {
    started: std::time::Instant,
    site: PathBuf,
    fresh: PathBuf,
    queue: Mutex<Queue>,
}

/// The pages given to the index, put back in the site's order: the same site must always get
/// the same index, whichever thread rendered which page first.
struct Queue {
    /// The place of the next page to send.
    next: usize,
    /// Pages that came before their turn, by place; `None` for an output that is no page.
    early: BTreeMap<usize, Option<(PathBuf, Vec<u8>)>>,
    bundles: Bundles,
    /// Pages without [`BODY_MARK`], by site-relative path: Pagefind indexes them only when no
    /// page of the site has it, which is known once every page is in.
    unmarked: Vec<PathBuf>,
    marked: bool,
}

impl Indexing {
    /// Starts the index of the site being written into `site`, whose pages in
    /// `default_language` are searched by Pagefind's script with no settings.
    pub fn start(site: &Path, default_language: &str) -> anyhow::Result<Self> {
        let fresh = site.join(".pagefind.new");
        if fresh.exists() {
            std::fs::remove_dir_all(&fresh)
                .with_context(|| format!("removing {}", fresh.display()))?;
        }
        let bundles = Bundles::start(fresh.clone(), default_language);
        Ok(Self {
            started: std::time::Instant::now(),
            site: site.to_path_buf(),
            fresh,
            queue: Mutex::new(Queue {
                next: 0,
                early: BTreeMap::new(),
                bundles,
                unmarked: Vec::new(),
                marked: false,
            }),
        })
    }

    /// Gives the index the output at `place` among the site's outputs, numbered from 0: the
    /// HTML page written at `file` (relative to the site), or `None` for any other output,
    /// or one that failed. Every place must be given once, in any order. Waits while the
    /// indexer is behind, so that pages never pile up in memory.
    pub fn add(&self, place: usize, page: Option<(PathBuf, Vec<u8>)>) {
        let queue = &mut *lock(&self.queue);
        queue.early.insert(place, page);
        while let Some(page) = queue.early.remove(&queue.next) {
            queue.next += 1;
            if let Some((file, html)) = page {
                queue.page(file, html);
            }
        }
    }

    /// Writes the last bundles and puts the index in place of the site's `pagefind/`
    /// (whole: its file names hash their contents, so old ones must go). Returns how long the
    /// index took from its start, beside the rendering of the pages.
    pub fn finish(self) -> anyhow::Result<std::time::Duration> {
        let mut queue = self
            .queue
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !queue.marked {
            for file in std::mem::take(&mut queue.unmarked) {
                let path = self.site.join(&file);
                let html = std::fs::read(&path)
                    .with_context(|| format!("reading {} for search", path.display()))?;
                queue.send(&file, html);
            }
        }
        queue.bundles.finish()?;
        let target = self.site.join(DIR);
        if target.exists() {
            std::fs::remove_dir_all(&target)
                .with_context(|| format!("removing {}", target.display()))?;
        }
        std::fs::rename(&self.fresh, &target)
            .with_context(|| format!("moving the index to {}", target.display()))?;
        Ok(self.started.elapsed())
    }
}

impl Queue {
    fn page(&mut self, file: PathBuf, html: Vec<u8>) {
        if memmem::find(&html, BODY_MARK).is_none() {
            self.unmarked.push(file);
            return;
        }
        self.marked = true;
        self.send(&file, html);
    }

    fn send(&mut self, file: &Path, html: Vec<u8>) {
        let html = String::from_utf8(html)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        self.bundles.send(Page {
            language: language_of(&html),
            path: file.to_string_lossy().replace('\\', "/"),
            html,
        });
    }
}

/// The pages of a built site to index.
pub struct Pages {
    pub default_language: String,
    /// The HTML pages, relative to the site, in the site's order.
    pub files: Vec<PathBuf>,
}

/// Indexes `pages` of the built site in `site` and writes the index into `site/pagefind/`,
/// replacing the previous index.
pub fn index(site: &Path, pages: &Pages) -> anyhow::Result<()> {
    let indexing = Indexing::start(site, &pages.default_language)?;
    for (place, file) in pages.files.iter().enumerate() {
        let path = site.join(file);
        let html = std::fs::read(&path)
            .with_context(|| format!("reading {} for search", path.display()))?;
        indexing.add(place, Some((file.clone(), html)));
    }
    indexing.finish().map(drop)
}

/// The language Pagefind files a page under: its `<html lang>`, lowercased, else `unknown`.
/// Read with lol_html, Pagefind's own HTML parser, so that every way of writing the tag
/// (unquoted, as a minified page has it, or over several lines) reads as Pagefind reads it.
fn language_of(html: &str) -> String {
    let mut lang = None;
    let mut rewriter = lol_html::HtmlRewriter::new(
        lol_html::Settings::new().append_element_content_handler(lol_html::element!(
            "html",
            |element| {
                lang = element.get_attribute("lang");
                // The first `<html>` decides: stop reading there.
                Err("found".into())
            }
        )),
        |_: &[u8]| {},
    );
    // An error is the stop above, or a page lol_html cannot read: either way, done.
    let _ = rewriter.write(html.as_bytes());
    drop(rewriter);
    lang.filter(|lang| !lang.is_empty())
        .map_or_else(|| "unknown".to_owned(), |lang| lang.to_lowercase())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Indexes a site in the background whenever asked, so that a live preview never waits for
/// the index (Pagefind takes seconds on a large site). Requests that arrive while an index is
/// being written are merged into one more run after it: the index catches up with the last
/// change without queueing a run per save. Pages are replaced atomically, so the indexer never
/// reads half a page; an index written during an update is replaced by the next run.
pub struct Indexer {
    /// `None` once dropping: closing the channel ends the thread.
    requests: Option<mpsc::Sender<Pages>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Indexer {
    /// Starts the indexer of the site in `site`. Dropping it waits for an index being written
    /// to be complete, so that the folder is never left with half an index.
    pub fn start(site: PathBuf) -> Self {
        let (requests, received) = mpsc::channel::<Pages>();
        let thread = std::thread::spawn(move || {
            while let Ok(mut pages) = received.recv() {
                // Merge the requests made meanwhile; stop once the preview has stopped.
                loop {
                    match received.try_recv() {
                        Ok(later) => pages = later,
                        Err(mpsc::TryRecvError::Empty) => break,
                        Err(mpsc::TryRecvError::Disconnected) => return,
                    }
                }
                if let Err(error) = index(&site, &pages) {
                    crate::console::error(&error);
                }
            }
        });
        Self {
            requests: Some(requests),
            thread: Some(thread),
        }
    }

    /// Asks for the index of `pages` to be written again.
    pub fn request(&self, pages: Pages) {
        if let Some(requests) = &self.requests {
            // The thread ends only once `self` is dropped, so it is there to receive.
            let _ = requests.send(pages);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_pages_language_is_its_html_lang_lowercased() {
        assert_eq!(
            language_of(r#"<!DOCTYPE html><html lang="zh-Hans"><p>"#),
            "zh-hans"
        );
        assert_eq!(language_of("<html class=\"x\" lang='en'>"), "en");
        assert_eq!(language_of("<html><p lang=\"fr\">"), "unknown");
        assert_eq!(language_of("<html lang=\"\">"), "unknown");
        // A minified page's tag, and one written over lines.
        assert_eq!(
            language_of("<!doctype html><html lang=zh-hans><head>"),
            "zh-hans"
        );
        assert_eq!(language_of("<html\n  LANG = \"EN\"\n>"), "en");
        assert_eq!(language_of("no tag at all"), "unknown");
    }

    /// Pagefind builds a bundle with rayon. A build's renderers, on every thread of rayon's
    /// pool, may all be waiting to give the index a page while a bundle is built: the index
    /// must not need those threads (it did, and a 2,000-page build stopped for good).
    #[test]
    fn a_bundle_is_built_while_every_thread_of_rayons_pool_waits() {
        let site = tempfile::tempdir().unwrap();
        let threads = rayon::current_num_threads();
        let (release, held) = mpsc::channel::<()>();
        let held = Arc::new(Mutex::new(held));
        let busy = Arc::new(std::sync::Barrier::new(threads + 1));
        for _ in 0..threads {
            let (held, busy) = (Arc::clone(&held), Arc::clone(&busy));
            rayon::spawn(move || {
                busy.wait();
                // Held until the index is done, or long enough to fail the test below.
                let _ = lock(&held).recv_timeout(std::time::Duration::from_secs(120));
            });
        }
        busy.wait();
        let (done, finished) = mpsc::channel();
        let dir = site.path().to_path_buf();
        std::thread::spawn(move || {
            let indexing = Indexing::start(&dir, "en").unwrap();
            for place in 0..=bundles::PAGES {
                let html = format!(
                    "<html lang=en><body data-pagefind-body><h1>Page {place}</h1></body></html>"
                );
                let file = PathBuf::from(format!("p{place}/index.html"));
                indexing.add(place, Some((file, html.into_bytes())));
            }
            done.send(indexing.finish().map(drop)).unwrap();
        });
        let result = finished.recv_timeout(std::time::Duration::from_secs(60));
        drop(release);
        result.expect("the index was never finished").unwrap();
        let list = std::fs::read_to_string(site.path().join(DIR).join(bundles::LIST)).unwrap();
        assert_eq!(list, r#"{"en":["","en-2/"]}"#);
    }

    /// Indexes `pages` small pages into a new folder; the index's files by path, hashed.
    fn index_of(pages: usize) -> BTreeMap<PathBuf, Vec<u8>> {
        use sha2::Digest as _;
        let site = tempfile::tempdir().unwrap();
        let indexing = Indexing::start(site.path(), "en").unwrap();
        for place in 0..pages {
            let html = format!(
                "<html lang=en><body data-pagefind-body><h1>Page {place}</h1>word{place}</body></html>"
            );
            let file = PathBuf::from(format!("p{place}/index.html"));
            indexing.add(place, Some((file, html.into_bytes())));
        }
        indexing.finish().unwrap();
        walkdir::WalkDir::new(site.path().join(DIR))
            .into_iter()
            .map(Result::unwrap)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                let hash = sha2::Sha256::digest(std::fs::read(entry.path()).unwrap());
                let path = entry.path().strip_prefix(site.path()).unwrap();
                (path.to_path_buf(), hash.to_vec())
            })
            .collect()
    }

    /// The same pages make the same index, file for file, though two workers write its
    /// bundles at times that vary from run to run.
    #[test]
    fn the_same_pages_make_the_same_index() {
        let pages = bundles::PAGES * 4;
        let first = index_of(pages);
        assert!(first.keys().any(|path| path.starts_with("pagefind/en-4")));
        assert!(
            first == index_of(pages),
            "two indexes of the same pages differ"
        );
    }
}

//! Pages into Pagefind bundles: each holds at most [`PAGES`] pages of one language, so that
//! the memory an index takes stays bounded however large the site (Pagefind keeps every page
//! of a bundle until it writes it, and needs about 175 kB a page to build it).
//!
//! Two workers index pages (Pagefind reads one page at a time in a bundle). A language's first
//! [`PAGES`] pages go to one worker, its home, so that a site of fewer pages than a bundle
//! holds is indexed and ranked exactly as Pagefind's own indexer would; its later pages go to
//! the workers in turn, a few at a time, each filling bundles of its own. A worker's first
//! bundle of a language it is not home to is half as large, so that the two rarely build at
//! the same moment, when a bundle takes the most memory. Pages come in the site's order and
//! go to workers by their place in it alone, so the same site always gets the same index.
//!
//! The first bundle of the site's default language is the index folder itself, as a site of
//! one bundle has always had it; the others are folders in it, `zh-hans/`, `en-2/`, listed
//! per language in [`LIST`] for the search page to merge.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use anyhow::Context as _;
use pagefind::api::PagefindIndex;

use super::lock;

/// The most pages in one bundle.
pub const PAGES: usize = 1_500;

/// The file, in the index folder, that lists each language's bundles.
pub const LIST: &str = "bundles.json";

/// Workers, and so bundles being filled at once (memory grows with them).
const WORKERS: usize = 2;

/// Pages waiting for each worker: enough to keep it busy, few enough to take no memory.
const WAITING: usize = 16;

/// Pages given to one worker before the next, once a language's first bundle is full: fewer
/// than [`WAITING`], so that both always have pages.
const TURN: usize = 8;

/// A rendered page for the index.
pub struct Page {
    /// Relative to the site, `/`-separated: Pagefind makes the page's address from it.
    pub path: String,
    /// Pagefind's name of its language (`zh-hans`).
    pub language: String,
    pub html: String,
}

/// A page for a worker, and whether it fills the worker's bundle of its language.
struct Message {
    page: Page,
    last: bool,
}

/// Where a language's pages have gone so far.
struct Route {
    /// The worker that fills its first bundle.
    home: usize,
    /// Its pages sent.
    sent: usize,
    /// Per worker: the pages in the bundle being filled, and whether it wrote one before.
    filling: [(usize, bool); WORKERS],
}

impl Route {
    /// The worker of the language's next page, and whether that page fills its bundle.
    fn next(&mut self) -> (usize, bool) {
        let worker = match self.sent.checked_sub(PAGES) {
            None => self.home,
            Some(later) => (self.home + 1 + later / TURN) % WORKERS,
        };
        self.sent += 1;
        let (pages, wrote) = &mut self.filling[worker];
        let size = if worker == self.home || *wrote {
            PAGES
        } else {
            PAGES / 2
        };
        *pages += 1;
        let last = *pages == size;
        if last {
            *pages = 0;
            *wrote = true;
        }
        (worker, last)
    }
}

/// The workers writing the bundles of one index into its folder.
pub struct Bundles {
    queues: Vec<SyncSender<Message>>,
    workers: Vec<JoinHandle<anyhow::Result<()>>>,
    routes: HashMap<String, Route>,
    shared: Arc<Shared>,
}

impl Bundles {
    /// Starts the workers writing bundles into `out`.
    pub fn start(out: PathBuf, default_language: &str) -> Self {
        let shared = Arc::new(Shared {
            out,
            default_language: default_language.to_lowercase(),
            written: Mutex::new(BTreeMap::new()),
        });
        let (queues, workers) = (0..WORKERS)
            .map(|_| {
                let (queue, messages) = std::sync::mpsc::sync_channel(WAITING);
                let worker = Worker {
                    shared: Arc::clone(&shared),
                    filling: HashMap::new(),
                };
                let work = move || worker.run(&messages);
                (
                    queue,
                    std::thread::spawn(move || own_threads()?.install(work)),
                )
            })
            .unzip();
        Self {
            queues,
            workers,
            routes: HashMap::new(),
            shared,
        }
    }

    /// Gives the site's next page to its worker, waiting while that one is busy.
    pub fn send(&mut self, page: Page) {
        let languages = self.routes.len();
        let route = self
            .routes
            .entry(page.language.clone())
            .or_insert_with(|| Route {
                home: languages % WORKERS,
                sent: 0,
                filling: [(0, false); WORKERS],
            });
        let (worker, last) = route.next();
        // Fails only when the worker has stopped, which `finish` reports.
        let _ = self.queues[worker].send(Message { page, last });
    }

    /// Writes the bundles still being filled, and the list of them all.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.queues.clear();
        let mut failures = Vec::new();
        for worker in std::mem::take(&mut self.workers) {
            match worker.join() {
                Ok(Ok(())) => {}
                Ok(Err(error)) => failures.push(error),
                Err(_) => failures.push(anyhow::anyhow!("the search indexer stopped (a panic)")),
            }
        }
        if let Some(error) = failures.into_iter().next() {
            return Err(error);
        }
        let written = std::mem::take(&mut *lock(&self.shared.written));
        if !written.values().flatten().any(String::is_empty) {
            // Pagefind's script and interface are in every bundle: the index folder needs
            // them even when no page is in the default language.
            write(&runtime()?, new_index()?, &self.shared.out)?;
        }
        let list = serde_json::to_string(&written).context("listing the search bundles")?;
        let file = self.shared.out.join(LIST);
        std::fs::write(&file, list).with_context(|| format!("writing {}", file.display()))
    }
}

/// What the workers share.
struct Shared {
    out: PathBuf,
    default_language: String,
    /// Each language's bundles, relative to the index folder, in the order they were written.
    written: Mutex<BTreeMap<String, Vec<String>>>,
}

impl Shared {
    /// Where the next bundle of `language` goes, relative to the index folder.
    fn next_folder(&self, language: &str) -> String {
        let mut written = lock(&self.written);
        let bundles = written.entry(language.to_owned()).or_default();
        let name: String = language
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let folder = match bundles.len() {
            0 if language == self.default_language => String::new(),
            0 => format!("{name}/"),
            count => format!("{name}-{}/", count + 1),
        };
        bundles.push(folder.clone());
        folder
    }
}

/// One worker: fills a bundle per language and writes each when told it is full.
struct Worker {
    shared: Arc<Shared>,
    filling: HashMap<String, PagefindIndex>,
}

impl Worker {
    fn run(mut self, messages: &Receiver<Message>) -> anyhow::Result<()> {
        let runtime = runtime()?;
        let mut result = Ok(());
        while let Ok(message) = messages.recv() {
            // After a failure, pages are still taken, so that no renderer waits forever.
            if result.is_ok() {
                result = self.add(&runtime, message);
            }
        }
        result?;
        for (language, index) in std::mem::take(&mut self.filling) {
            self.write(&runtime, &language, index)?;
        }
        Ok(())
    }

    fn add(&mut self, runtime: &tokio::runtime::Runtime, message: Message) -> anyhow::Result<()> {
        let Page {
            path,
            language,
            html,
        } = message.page;
        let index = match self.filling.entry(language.clone()) {
            Entry::Occupied(index) => index.into_mut(),
            Entry::Vacant(vacant) => vacant.insert(new_index()?),
        };
        runtime
            .block_on(index.add_html_file(Some(path.clone()), None, html))
            .with_context(|| format!("indexing {path} for search"))?;
        if message.last
            && let Some(full) = self.filling.remove(&language)
        {
            self.write(runtime, &language, full)?;
        }
        Ok(())
    }

    fn write(
        &self,
        runtime: &tokio::runtime::Runtime,
        language: &str,
        index: PagefindIndex,
    ) -> anyhow::Result<()> {
        let folder = self.shared.out.join(self.shared.next_folder(language));
        write(runtime, index, &folder)
    }
}

/// A rayon pool of one thread for a worker's Pagefind, which builds a bundle with rayon: on
/// rayon's global pool it would wait for threads that the build's renderers may all be
/// holding, each waiting to give the index a page.
fn own_threads() -> anyhow::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "search index".to_owned())
        .build()
        .context("starting the search indexer")
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .context("starting the search indexer")
}

fn new_index() -> anyhow::Result<PagefindIndex> {
    PagefindIndex::new(None).context("configuring the search index")
}

/// Builds `index` and writes it as a bundle into `folder`.
fn write(
    runtime: &tokio::runtime::Runtime,
    mut index: PagefindIndex,
    folder: &std::path::Path,
) -> anyhow::Result<()> {
    let folder = folder.to_string_lossy().into_owned();
    runtime
        .block_on(index.write_files(Some(folder)))
        .context("writing the search index")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where each of a language's pages goes: (worker, whether it fills the bundle).
    fn routes(pages: usize, home: usize) -> Vec<(usize, bool)> {
        let mut route = Route {
            home,
            sent: 0,
            filling: [(0, false); WORKERS],
        };
        (0..pages).map(|_| route.next()).collect()
    }

    #[test]
    fn a_languages_first_bundle_is_filled_by_its_home_alone() {
        let routes = routes(PAGES, 1);
        assert!(routes.iter().all(|&(worker, _)| worker == 1));
        assert_eq!(routes.iter().filter(|(_, last)| *last).count(), 1);
        assert!(routes[PAGES - 1].1, "the last page fills the bundle");
    }

    #[test]
    fn later_pages_take_turns_and_bundles_never_exceed_their_size() {
        let pages = 10 * PAGES;
        let routes = routes(pages, 0);
        assert_eq!(routes[PAGES].0, 1);
        assert_eq!(routes[PAGES + TURN].0, 0);
        for worker in 0..WORKERS {
            let mut in_bundle = 0;
            let mut sizes = Vec::new();
            for &(_, last) in routes.iter().filter(|(to, _)| *to == worker) {
                in_bundle += 1;
                if last {
                    sizes.push(in_bundle);
                    in_bundle = 0;
                }
            }
            assert!(sizes.iter().all(|&size| size <= PAGES), "{sizes:?}");
            assert!(in_bundle < PAGES);
        }
        // The second worker's first bundle is half as large: the two write at other times.
        let writes: Vec<usize> = (0..pages).filter(|&page| routes[page].1).collect();
        assert!(
            writes.windows(2).all(|pair| pair[1] - pair[0] >= PAGES / 2),
            "{writes:?}"
        );
    }
}

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
use std::thread::JoinHandle;

use anyhow::Context as _;
use pagefind::api::PagefindIndex;

/// The most pages in one bundle.
pub const PAGES: usize = 1_000;

/// The file, in the index folder, that lists each language's bundles.
pub const LIST: &str = "bundles.json";

/// Workers, and so bundles being filled at once (memory grows with them).
const WORKERS: usize = 2;

/// Pages waiting for each worker: enough that pages go on to the other worker while one
/// writes a bundle (seconds), and few enough to take little memory (their HTML only).
const WAITING: usize = 512;

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

/// A page for a worker: the folder of the bundle it starts, if it is a bundle's first, and
/// whether it fills the worker's bundle of its language.
struct Message {
    page: Page,
    starts: Option<String>,
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
    /// Its bundles' folders, in the order their first pages came.
    folders: Vec<String>,
}

impl Route {
    /// The worker of the language's next page, whether that page starts a bundle, and whether
    /// it fills it.
    fn next(&mut self) -> (usize, bool, bool) {
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
        let first = *pages == 0;
        *pages += 1;
        let last = *pages == size;
        if last {
            *pages = 0;
            *wrote = true;
        }
        (worker, first, last)
    }
}

/// The workers writing the bundles of one index into its folder.
pub struct Bundles {
    out: PathBuf,
    default_language: String,
    queues: Vec<SyncSender<Message>>,
    workers: Vec<JoinHandle<anyhow::Result<()>>>,
    routes: BTreeMap<String, Route>,
}

impl Bundles {
    /// Starts the workers writing bundles into `out`.
    pub fn start(out: PathBuf, default_language: &str) -> Self {
        let (queues, workers) = (0..WORKERS)
            .map(|_| {
                let (queue, messages) = std::sync::mpsc::sync_channel(WAITING);
                let worker = Worker {
                    out: out.clone(),
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
            out,
            default_language: default_language.to_lowercase(),
            queues,
            workers,
            routes: BTreeMap::new(),
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
                folders: Vec::new(),
            });
        let (worker, first, last) = route.next();
        let starts = first.then(|| {
            let folder = folder(&page.language, &self.default_language, route.folders.len());
            route.folders.push(folder.clone());
            folder
        });
        // Fails only when the worker has stopped, which `finish` reports.
        let _ = self.queues[worker].send(Message { page, starts, last });
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
        let written: BTreeMap<&str, &[String]> = self
            .routes
            .iter()
            .map(|(language, route)| (language.as_str(), route.folders.as_slice()))
            .collect();
        if !written.values().copied().flatten().any(String::is_empty) {
            // Pagefind's script and interface are in every bundle: the index folder needs
            // them even when no page is in the default language.
            write(&runtime()?, new_index()?, &self.out)?;
        }
        let list = serde_json::to_string(&written).context("listing the search bundles")?;
        let file = self.out.join(LIST);
        std::fs::write(&file, list).with_context(|| format!("writing {}", file.display()))
    }
}

/// The folder, relative to the index folder, of a bundle of `language` that follows `count`
/// others: the index folder itself for the default language's first.
fn folder(language: &str, default_language: &str, count: usize) -> String {
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
    match count {
        0 if language == default_language => String::new(),
        0 => format!("{name}/"),
        count => format!("{name}-{}/", count + 1),
    }
}

/// One worker: fills a bundle per language and writes each when told it is full.
struct Worker {
    out: PathBuf,
    /// Per language: the bundle being filled, and its folder in the index folder.
    filling: HashMap<String, (PagefindIndex, String)>,
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
        for (index, folder) in std::mem::take(&mut self.filling).into_values() {
            write(&runtime, index, &self.out.join(folder))?;
        }
        Ok(())
    }

    fn add(&mut self, runtime: &tokio::runtime::Runtime, message: Message) -> anyhow::Result<()> {
        let Page {
            path,
            language,
            html,
        } = message.page;
        let (index, _) = match (self.filling.entry(language.clone()), message.starts) {
            (Entry::Occupied(filling), None) => filling.into_mut(),
            (Entry::Vacant(vacant), Some(folder)) => vacant.insert((new_index()?, folder)),
            _ => anyhow::bail!("the search index lost count of its bundles at {path}"),
        };
        runtime
            .block_on(index.add_html_file(Some(path.clone()), None, html))
            .with_context(|| format!("indexing {path} for search"))?;
        if message.last
            && let Some((full, folder)) = self.filling.remove(&language)
        {
            write(runtime, full, &self.out.join(folder))?;
        }
        Ok(())
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
            folders: Vec::new(),
        };
        let routes = (0..pages).map(|_| route.next());
        routes.map(|(worker, _, last)| (worker, last)).collect()
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

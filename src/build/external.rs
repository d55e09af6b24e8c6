//! `workplan check --external`: the links of the site's Markdown to other sites in, a report
//! on those that do not answer out. Each address is asked for once (HEAD, then GET where HEAD
//! is refused), a few at a time, within a time limit and with retries; an address that
//! answered is remembered for a day in a cache outside the site folder. An address that cannot
//! be reached is a report, never a crash; without `--external`, no network is touched.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pulldown_cmark::{Event, Parser, Tag};

use crate::config::LinkChecker;
use crate::content::{Content, Source};
use crate::diagnostic::Diagnostic;

/// How the links are checked.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// The longest an address may take to answer, each try.
    pub timeout: Duration,
    /// Addresses asked for at once.
    pub concurrency: usize,
    /// Tries after the first, for an address that fails in a way that may pass (a timeout, a
    /// refused connection, a server error, "too many requests").
    pub retries: u32,
    /// Where answers are remembered; `None` to remember nothing.
    pub cache: Option<PathBuf>,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            concurrency: 8,
            retries: 2,
            cache: cache_file(),
        }
    }
}

/// How long an address that answered is not asked for again.
const REMEMBERED: Duration = Duration::from_secs(24 * 60 * 60);

/// What asking for an address came to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Fine,
    /// An answer saying the page is not there (a 4xx status).
    Broken(u16),
    /// No answer that says anything about the page, after every try.
    Unreachable(String),
}

/// Checks every link to another site that `content`'s Markdown writes, as `settings` says.
pub fn check(
    content: &Content,
    settings: &LinkChecker,
    options: &ExternalOptions,
) -> Vec<Diagnostic> {
    let links = links(content, settings);
    let mut cache = Cache::load(options.cache.as_ref());
    let to_ask: Vec<&str> = links
        .keys()
        .map(String::as_str)
        .filter(|url| !cache.remembers(url))
        .collect();
    let answers = ask_all(&to_ask, options);
    for (url, answer) in to_ask.iter().zip(&answers) {
        if *answer == Answer::Fine {
            cache.remember(url);
        }
    }
    cache.save(options.cache.as_ref());

    let mut found = Vec::new();
    for (url, answer) in to_ask.iter().zip(answers) {
        let (message, hint, broken) = match answer {
            Answer::Fine => continue,
            Answer::Broken(status) => (
                format!("the link to {url} is broken: the site answers {status}"),
                "correct the address, or link to where the page went",
                true,
            ),
            Answer::Unreachable(why) => (
                format!("the link to {url} cannot be reached: {why}"),
                "the site may be down or out of this network's reach; check it in a browser",
                false,
            ),
        };
        for (source, span) in &links[*url] {
            let problem =
                Diagnostic::at(&source.path, &source.text, span.clone(), &message).with_hint(hint);
            // A broken link is the site's to fix; one out of reach may be the network's.
            found.push(if broken && !settings.external_warns {
                problem
            } else {
                problem.as_warning()
            });
        }
    }
    found
}

/// Every address of another site the Markdown links to (without its `#fragment`), with where
/// each is written; `skip_prefixes` left out.
fn links<'a>(
    content: &'a Content,
    settings: &LinkChecker,
) -> BTreeMap<String, Vec<(&'a Source, Range<usize>)>> {
    let sources = content
        .pages
        .iter()
        .filter(|page| page.falls_back_to.is_none())
        .map(|page| &page.source)
        .chain(content.sections.iter().map(|section| &section.source));
    let mut links: BTreeMap<String, Vec<(&Source, Range<usize>)>> = BTreeMap::new();
    for source in sources {
        let body = source.body();
        let options = crate::markdown::parser_options(crate::config::Markdown::default());
        for (event, span) in Parser::new_ext(body, options).into_offset_iter() {
            let (Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. })) = event
            else {
                continue;
            };
            let url = dest_url.split('#').next().unwrap_or_default();
            let external = url.starts_with("http://") || url.starts_with("https://");
            if !external
                || settings
                    .skip_prefixes
                    .iter()
                    .any(|skip| url.starts_with(skip))
            {
                continue;
            }
            let span = source.body_start + span.start..source.body_start + span.end;
            links
                .entry(url.to_string())
                .or_default()
                .push((source, span));
        }
    }
    links
}

/// Asks for each of `urls`, `options.concurrency` at a time; the answers in the same order.
fn ask_all(urls: &[&str], options: &ExternalOptions) -> Vec<Answer> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "workplan/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into();
    let answers: Vec<Mutex<Option<Answer>>> = urls.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..options.concurrency.clamp(1, urls.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(index) else {
                        break;
                    };
                    let answer = ask(&agent, url, options.retries);
                    *answers[index].lock().expect("no thread panics holding it") = Some(answer);
                }
            });
        }
    });
    answers
        .into_iter()
        .map(|answer| {
            answer
                .into_inner()
                .expect("no thread panics holding it")
                .unwrap_or(Answer::Unreachable("not asked".into()))
        })
        .collect()
}

/// Asks for `url`, trying again after a failure that may pass.
fn ask(agent: &ureq::Agent, url: &str, retries: u32) -> Answer {
    let mut tries = 0;
    loop {
        let answer = ask_once(agent, url);
        let may_pass = match &answer {
            Answer::Fine => false,
            Answer::Broken(status) => *status == 429,
            Answer::Unreachable(_) => true,
        };
        if !may_pass || tries >= retries {
            return answer;
        }
        tries += 1;
        std::thread::sleep(Duration::from_millis(200 << tries));
    }
}

fn ask_once(agent: &ureq::Agent, url: &str) -> Answer {
    let status = match agent.head(url).call() {
        // Some servers refuse HEAD, or answer it otherwise than GET: ask with GET then.
        Ok(response) if matches!(response.status().as_u16(), 403 | 404 | 405 | 501) => agent
            .get(url)
            .call()
            .map(|response| response.status().as_u16()),
        Ok(response) => Ok(response.status().as_u16()),
        Err(_) => agent
            .get(url)
            .call()
            .map(|response| response.status().as_u16()),
    };
    match status {
        Ok(status) if status < 400 => Answer::Fine,
        Ok(status) if status < 500 => Answer::Broken(status),
        Ok(status) => Answer::Unreachable(format!("the server answers {status}")),
        Err(ureq::Error::Timeout(_)) => Answer::Unreachable("no answer in time".into()),
        Err(error) => Answer::Unreachable(error.to_string()),
    }
}

/// The addresses that answered, with when (seconds since 1970), as a file of
/// `seconds<TAB>url` lines.
struct Cache(BTreeMap<String, u64>);

impl Cache {
    fn load(file: Option<&PathBuf>) -> Self {
        let text = file
            .and_then(|file| std::fs::read_to_string(file).ok())
            .unwrap_or_default();
        let now = now();
        let fresh = text.lines().filter_map(|line| {
            let (when, url) = line.split_once('\t')?;
            let when: u64 = when.parse().ok()?;
            (now.saturating_sub(when) < REMEMBERED.as_secs()).then(|| (url.to_string(), when))
        });
        Self(fresh.collect())
    }

    fn remembers(&self, url: &str) -> bool {
        self.0.contains_key(url)
    }

    fn remember(&mut self, url: &str) {
        self.0.insert(url.to_string(), now());
    }

    /// Writes the cache beside itself and moves it into place; a cache that cannot be
    /// written only costs the next check its time.
    fn save(&self, file: Option<&PathBuf>) {
        let Some(file) = file else {
            return;
        };
        let text: String = self
            .0
            .iter()
            .map(|(url, when)| format!("{when}\t{url}\n"))
            .collect();
        let written = file
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                let temporary = file.with_extension("tmp");
                std::fs::write(&temporary, text)?;
                std::fs::rename(&temporary, file)
            });
        drop(written);
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// The cache file in the user's cache folder (`WORKPLAN_CACHE_DIR` overrides it), never in
/// the site folder.
fn cache_file() -> Option<PathBuf> {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    let dir = env("WORKPLAN_CACHE_DIR").or_else(|| {
        if cfg!(windows) {
            env("LOCALAPPDATA").map(|dir| dir.join("workplan"))
        } else if cfg!(target_os = "macos") {
            env("HOME").map(|home| home.join("Library/Caches/workplan"))
        } else {
            env("XDG_CACHE_HOME")
                .or_else(|| env("HOME").map(|home| home.join(".cache")))
                .map(|dir| dir.join("workplan"))
        }
    })?;
    Some(dir.join("external-links.tsv"))
}

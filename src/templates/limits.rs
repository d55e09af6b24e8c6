//! Bounds on a render: a template that loops for too long, writes without end or builds a
//! value without end stops with an error that names it, instead of hanging the build or
//! exhausting the machine's memory.
//!
//! Inside a render, the checks run wherever the template hands control to workplan: every
//! 64 KiB of output, every template function called, and `range()`, which counts the items it
//! makes. A render can still spin without reaching any of them (nested loops over a list made
//! once), or grow a string by doubling it; nothing can stop a thread from outside, so a
//! [`watchdog`] thread ends the process when a render runs for twice the time limit, or when
//! the process passes its memory limit while rendering, naming the templates in progress.
//! Either way the previous output is untouched: builds write into a staging folder.
//!
//! The limits: `WORKPLAN_RENDER_TIMEOUT` seconds per render (default 60) and
//! `WORKPLAN_MEMORY_LIMIT` MiB for the process (default 8192; Linux only, elsewhere none).

use std::cell::Cell;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use tera::{Kwargs, State, TeraResult};

/// What the messages of a stopped render say.
pub(super) const TOO_LONG: &str = "a loop that runs too long?";
/// How many items `range()` may make in one render, all calls together.
const RANGE_ITEMS: usize = 1_000_000;
/// The most one output may hold.
const OUTPUT_BYTES: usize = 1 << 30;
/// How much output is written between two looks at the clock.
const CHECK_EVERY: usize = 64 * 1024;

/// The limits in force, read once from the environment.
struct Limits {
    time: Duration,
    /// In bytes.
    memory: u64,
}

fn limits() -> &'static Limits {
    static LIMITS: OnceLock<Limits> = OnceLock::new();
    LIMITS.get_or_init(|| {
        let number = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|value| value.trim().parse::<u64>().ok())
                .filter(|value| *value > 0)
                .unwrap_or(default)
        };
        Limits {
            time: Duration::from_secs(number("WORKPLAN_RENDER_TIMEOUT", 60)),
            memory: number("WORKPLAN_MEMORY_LIMIT", 8192) << 20,
        }
    })
}

/// One thread's render in progress, as the watchdog sees it: the template and when it
/// started, `None` between renders. Each rendering thread has one, made on its first render.
#[derive(Default)]
struct Slot(Mutex<(String, Option<Instant>)>);

impl Slot {
    fn lock(&self) -> MutexGuard<'_, (String, Option<Instant>)> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The slots of every thread that has rendered.
static SLOTS: Mutex<Vec<Arc<Slot>>> = Mutex::new(Vec::new());

thread_local! {
    /// When this thread's render started and how many items its `range()` calls made.
    static BUDGET: Cell<Option<(Instant, usize)>> = const { Cell::new(None) };
    static SLOT: Arc<Slot> = {
        let slot = Arc::new(Slot::default());
        SLOTS.lock().unwrap_or_else(PoisonError::into_inner).push(Arc::clone(&slot));
        slot
    };
}

/// Marks a render of `template` on this thread, until dropped.
pub(super) struct Guard(());

impl Guard {
    pub(super) fn start(template: &str) -> Self {
        watchdog();
        let started = Instant::now();
        BUDGET.set(Some((started, 0)));
        SLOT.with(|slot| {
            let mut current = slot.lock();
            current.0.clear();
            current.0.push_str(template);
            current.1 = Some(started);
        });
        Self(())
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        BUDGET.set(None);
        SLOT.with(|slot| slot.lock().1 = None);
    }
}

/// Fails once this thread's render has run past the time limit.
pub(super) fn check_time() -> Result<(), String> {
    let Some((started, _)) = BUDGET.get() else {
        return Ok(());
    };
    let limit = limits().time;
    if started.elapsed() > limit {
        return Err(format!(
            "the render took longer than {} s: {TOO_LONG} (set WORKPLAN_RENDER_TIMEOUT \
             to allow more)",
            limit.as_secs()
        ));
    }
    Ok(())
}

/// `range(end=..., start=0, step_by=1)`, as tera's, counting its items against the render's
/// budget.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
pub(super) fn range(kwargs: Kwargs, _: &State) -> TeraResult<Vec<i64>> {
    let start = kwargs.get::<i64>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i64>("end")?;
    let step = kwargs.get::<i64>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message("`range` was called with `step_by=0`"));
    }
    let span = i128::from(end) - i128::from(start);
    let count = if span == 0 || (span > 0) != (step > 0) {
        0
    } else {
        let step = i128::from(step).abs();
        usize::try_from((span.abs() + step - 1) / step).unwrap_or(usize::MAX)
    };
    if let Some((started, made)) = BUDGET.get() {
        let made = made.saturating_add(count);
        if made > RANGE_ITEMS {
            return Err(tera::Error::message(format!(
                "`range` made more than {RANGE_ITEMS} items in one render: {TOO_LONG}"
            )));
        }
        BUDGET.set(Some((started, made)));
    }
    check_time().map_err(tera::Error::message)?;
    Ok(
        std::iter::successors(Some(start), |value| value.checked_add(step))
            .take(count)
            .collect(),
    )
}

/// A render's output, which fails the render once it is too large or too late.
pub(super) struct Bounded<'a> {
    out: &'a mut Vec<u8>,
    next_check: usize,
    /// Why it stopped the render: tera reports a failed write without its message.
    pub(super) stopped: Option<String>,
}

impl<'a> Bounded<'a> {
    pub(super) fn new(out: &'a mut Vec<u8>) -> Self {
        let next_check = out.len() + CHECK_EVERY;
        Self {
            out,
            next_check,
            stopped: None,
        }
    }

    fn stop(&mut self, why: String) -> io::Error {
        let error = io::Error::other(why.clone());
        self.stopped = Some(why);
        error
    }

    /// Every [`CHECK_EVERY`] bytes: fails once the output is too large or too late.
    #[cold]
    fn check(&mut self) -> io::Result<()> {
        self.next_check = self.out.len() + CHECK_EVERY;
        if self.out.len() > OUTPUT_BYTES {
            return Err(self.stop(format!(
                "the output passed {} MiB: {TOO_LONG}",
                OUTPUT_BYTES >> 20
            )));
        }
        check_time().map_err(|why| self.stop(why))
    }
}

impl Write for Bounded<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }

    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.extend_from_slice(bytes);
        if self.out.len() < self.next_check {
            Ok(())
        } else {
            self.check()
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Folders that the watchdog removes before it ends the process: what a `Drop` would have
/// removed (`serve`'s private folder).
static REMOVE_WHEN_STOPPED: Mutex<Vec<std::path::PathBuf>> = Mutex::new(Vec::new());

/// Has the watchdog remove `dir` if it must end the process.
pub fn remove_when_stopped(dir: std::path::PathBuf) {
    REMOVE_WHEN_STOPPED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(dir);
}

/// Starts, once per process, the thread that ends the process when a render runs for twice
/// the time limit without reaching a check, or when memory runs out while rendering.
fn watchdog() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let spawned = thread::Builder::new()
            .name("render watchdog".to_string())
            .spawn(|| {
                loop {
                    thread::sleep(Duration::from_millis(100));
                    if let Some(reason) = overrun() {
                        eprintln!("error: {reason}");
                        eprintln!(
                            "help: look for a loop in that template that never ends, or that \
                             builds a string or list without end; the previous output is \
                             untouched"
                        );
                        let folders = REMOVE_WHEN_STOPPED
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner);
                        for folder in folders.iter() {
                            let _ = std::fs::remove_dir_all(folder);
                        }
                        std::process::exit(1);
                    }
                }
            });
        if let Err(error) = spawned {
            crate::console::warning(format_args!("templates run without a time limit: {error}"));
        }
    });
}

/// Why the renders in progress must be stopped, if they must.
fn overrun() -> Option<String> {
    let limits = limits();
    // Each render in progress: its template and how long it has run.
    let renders: Vec<(String, Duration)> = SLOTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter_map(|slot| {
            let current = slot.lock();
            Some((current.0.clone(), current.1?.elapsed()))
        })
        .collect();
    let names = |renders: &mut dyn Iterator<Item = &(String, Duration)>| {
        let mut names: Vec<String> = renders.map(|(name, _)| format!("`{name}`")).collect();
        names.sort();
        names.dedup();
        names.join(", ")
    };
    let mut late = renders
        .iter()
        .filter(|(_, running)| *running > limits.time * 2)
        .peekable();
    if late.peek().is_some() {
        return Some(format!(
            "rendering the template {} took longer than {} s, and was stopped",
            names(&mut late),
            limits.time.as_secs() * 2
        ));
    }
    let used = resident_memory()?;
    (!renders.is_empty() && used > limits.memory).then(|| {
        format!(
            "rendering the template {} used more than {} MiB of memory, and was stopped (set \
             WORKPLAN_MEMORY_LIMIT to allow more)",
            names(&mut renders.iter()),
            limits.memory >> 20
        )
    })
}

/// The process's resident memory in bytes, where the system tells it.
#[cfg(target_os = "linux")]
fn resident_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib << 10)
}

/// Elsewhere the memory limit is not checked.
#[cfg(not(target_os = "linux"))]
fn resident_memory() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range_of(start: i64, end: i64, step: i64) -> Vec<i64> {
        let mut kwargs = tera::Map::new();
        kwargs.insert("start".into(), start.into());
        kwargs.insert("end".into(), end.into());
        kwargs.insert("step_by".into(), step.into());
        let context = tera::Context::new();
        let state = State::new(&context);
        range(Kwargs::new(std::sync::Arc::new(kwargs)), &state).unwrap()
    }

    #[test]
    fn range_counts_as_teras_does() {
        assert_eq!(range_of(0, 5, 1), [0, 1, 2, 3, 4]);
        assert_eq!(range_of(0, 5, 2), [0, 2, 4]);
        assert_eq!(range_of(5, 0, -2), [5, 3, 1]);
        assert!(range_of(5, 0, 1).is_empty());
        assert!(range_of(3, 3, 1).is_empty());
    }

    #[test]
    fn a_render_may_make_so_many_range_items() {
        let _guard = Guard::start("t.html");
        for _ in 0..RANGE_ITEMS / 100_000 {
            range_of(0, 100_000, 1);
        }
        let mut kwargs = tera::Map::new();
        kwargs.insert("end".into(), 1.into());
        let context = tera::Context::new();
        let error = range(
            Kwargs::new(std::sync::Arc::new(kwargs)),
            &State::new(&context),
        )
        .unwrap_err();
        assert!(error.to_string().contains("more than"), "{error}");
    }
}

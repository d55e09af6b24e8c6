//! What workplan tells the person at the terminal: how much (`--quiet`, `--verbose`) and
//! whether its diagnostics are in colour.
//!
//! `main` sets both once, before any command runs; the stages that print (the live preview's
//! rebuilds, the watcher's warnings) ask here instead of taking them through every options
//! struct, as `cargo` and `rustc` keep one shell setting for the whole process. Long work
//! shows its [`Progress`] here too.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::diagnostic::{Severity, headline};

/// How much a command prints besides its errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// What was done, in a line or two.
    #[default]
    Normal,
    /// Also how long each stage took and what a rebuild changed.
    Verbose,
}

/// Whether diagnostics are drawn in colour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColourChoice {
    /// In colour on a terminal, unless `NO_COLOR` is set (<https://no-color.org>).
    #[default]
    Auto,
    Always,
    Never,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);
static COLOUR: AtomicBool = AtomicBool::new(false);

/// Sets what the whole process prints; the colour is decided here for standard error, where
/// diagnostics go.
pub fn configure(verbosity: Verbosity, colour: ColourChoice) {
    VERBOSITY.store(verbosity as u8, Ordering::Relaxed);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    let coloured = match colour {
        ColourChoice::Always => true,
        ColourChoice::Never => false,
        ColourChoice::Auto => !no_color && std::io::stderr().is_terminal(),
    };
    COLOUR.store(coloured, Ordering::Relaxed);
}

/// Whether messages of `level` are printed: `shows(Verbosity::Normal)` is false under
/// `--quiet`, `shows(Verbosity::Verbose)` true only under `--verbose`.
pub fn shows(level: Verbosity) -> bool {
    let current = match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        1 => Verbosity::Normal,
        _ => Verbosity::Verbose,
    };
    level <= current
}

/// Whether diagnostics on standard error are drawn in colour.
pub fn colour() -> bool {
    COLOUR.load(Ordering::Relaxed)
}

/// Prints `error` on standard error as the user reads it (always, even under `--quiet`).
pub fn error(error: &anyhow::Error) {
    eprintln!("{}", crate::diagnostic::describe_in(error, colour()));
}

/// Prints a warning on standard error, unless `--quiet`.
pub fn warning(message: impl std::fmt::Display) {
    if shows(Verbosity::Normal) {
        let message = message.to_string();
        eprintln!("{}", headline(Severity::Warning, &message, colour()));
    }
}

/// Long work shown as it goes, on standard error: on a terminal, a bar (or a spinner, when
/// the amount is not known) once the work has taken a moment; to a pipe or a file, a plain
/// line every few seconds once it has taken that long, so that a short build prints nothing.
/// Nothing under `--quiet`. [`Progress::advance`] may be called from any thread.
pub struct Progress {
    what: &'static str,
    total: Option<u64>,
    done: AtomicU64,
    started: Instant,
    /// Milliseconds after `started` at which the next line is printed, or the bar drawn.
    next: AtomicU64,
    bar: Option<ProgressBar>,
}

/// How long work goes before a bar is drawn, and the first plain line after that many.
const BAR_AFTER: Duration = Duration::from_millis(300);
const LINE_EVERY: Duration = Duration::from_secs(5);

impl Progress {
    /// Starts showing `what` is being done (`"rendering"`), of `total` pages if known.
    pub fn start(what: &'static str, total: Option<u64>) -> Self {
        let on_terminal = std::io::stderr().is_terminal();
        let bar = (shows(Verbosity::Normal) && on_terminal).then(|| {
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden());
            let style = match total {
                Some(_) => "{msg} [{bar:30}] {pos}/{len} pages ({elapsed})",
                None => "{spinner} {msg} ({elapsed})",
            };
            if let Ok(style) = ProgressStyle::with_template(style) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(what);
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        let first = if on_terminal { BAR_AFTER } else { LINE_EVERY };
        Self::showing_after(what, total, first, bar)
    }

    fn showing_after(
        what: &'static str,
        total: Option<u64>,
        first: Duration,
        bar: Option<ProgressBar>,
    ) -> Self {
        Self {
            what,
            total,
            done: AtomicU64::new(0),
            started: Instant::now(),
            next: AtomicU64::new(millis(first)),
            bar,
        }
    }

    /// One more page done.
    pub fn advance(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
        self.tick();
    }

    /// Shows the work if it has gone on long enough: draws the bar, or prints a line.
    pub fn tick(&self) {
        if !shows(Verbosity::Normal) {
            return;
        }
        if let Some(line) = self.due() {
            match &self.bar {
                Some(bar) => bar.set_draw_target(ProgressDrawTarget::stderr()),
                None => eprintln!("{line}"),
            }
        }
    }

    /// The line to show now, if it is time: once for a bar (which then draws itself), every
    /// [`LINE_EVERY`] for plain lines. Only one of the threads that ask at that time gets it.
    fn due(&self) -> Option<String> {
        let now = millis(self.started.elapsed());
        let next = self.next.load(Ordering::Relaxed);
        let later = match self.bar {
            Some(_) => u64::MAX,
            None => now.saturating_add(millis(LINE_EVERY)),
        };
        (now >= next
            && self
                .next
                .compare_exchange(next, later, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok())
        .then(|| self.line(now))
    }

    /// The plain line: `rendering: 4000 of 10000 pages (5 s)`.
    fn line(&self, millis: u64) -> String {
        let seconds = millis / 1000;
        match self.total {
            Some(total) => {
                let done = self.done.load(Ordering::Relaxed);
                format!("{}: {done} of {total} pages ({seconds} s)", self.what)
            }
            None => format!("{} ({seconds} s)", self.what),
        }
    }
}

/// Does `work`, shown as [`Progress`] without a count while it goes on.
pub fn waiting<T>(what: &'static str, work: impl FnOnce() -> T) -> T {
    let progress = Progress::start(what, None);
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let progress = &progress;
        scope.spawn(move || {
            while finished.recv_timeout(Duration::from_millis(100))
                == Err(std::sync::mpsc::RecvTimeoutError::Timeout)
            {
                progress.tick();
            }
        });
        let result = work();
        drop(done);
        result
    })
}

impl Drop for Progress {
    /// Takes the bar off the terminal: the summary line follows where it was.
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_progress_is_a_line_every_few_seconds() {
        let progress = Progress::showing_after("rendering", Some(10), Duration::ZERO, None);
        for _ in 0..3 {
            progress.done.fetch_add(1, Ordering::Relaxed);
        }
        assert_eq!(
            progress.due().as_deref(),
            Some("rendering: 3 of 10 pages (0 s)")
        );
        // Not again until LINE_EVERY has passed.
        assert_eq!(progress.due(), None);
        let waiting = Progress::showing_after("search index", None, Duration::ZERO, None);
        assert_eq!(waiting.due().as_deref(), Some("search index (0 s)"));
    }

    #[test]
    fn of_the_threads_that_ask_at_once_one_prints() {
        let progress = Progress::showing_after("rendering", Some(10), Duration::ZERO, None);
        let lines = std::thread::scope(|scope| {
            let asking: Vec<_> = (0..8).map(|_| scope.spawn(|| progress.due())).collect();
            let lines = asking.into_iter().map(|thread| thread.join().unwrap());
            lines.flatten().count()
        });
        assert_eq!(lines, 1);
    }

    #[test]
    fn short_work_shows_nothing() {
        let progress = Progress::start("rendering", Some(2));
        progress.advance();
        assert_eq!(progress.due(), None);
    }
}

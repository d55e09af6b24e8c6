//! What workplan tells the person at the terminal: how much (`--quiet`, `--verbose`) and
//! whether its diagnostics are in colour.
//!
//! `main` sets both once, before any command runs; the stages that print (the live preview's
//! rebuilds, the watcher's warnings) ask here instead of taking them through every options
//! struct, as `cargo` and `rustc` keep one shell setting for the whole process.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

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

//! Integration tests: the real `workplan` binary run on fixture sites (`tests/sites/<case>/`)
//! copied to temp folders, one module per command (`watch` for `build --watch`) plus one for
//! bad input, and `browser`, the headless Chromium that `serve`'s tests drive.

mod browser;
mod build;
mod errors;
mod harness;
mod incremental;
mod init;
mod serve;
mod watch;

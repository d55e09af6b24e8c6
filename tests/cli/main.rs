//! Integration tests: the real `workplan` binary run on fixture sites (`tests/sites/<case>/`)
//! copied to temp folders, one module per command (`watch` for `build --watch`) plus one for
//! bad input, `browser`, the headless Chromium that `serve`'s tests drive, and `validate`, the
//! HTML checker and accessibility checker run on the built shipped site.

mod browser;
mod build;
mod errors;
mod files;
mod harness;
mod hostile;
mod incremental;
mod init;
mod properties;
mod search;
mod serve;
mod validate;
mod watch;

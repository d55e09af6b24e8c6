//! Integration tests: the real `workplan` binary run on fixture sites (`tests/sites/<case>/`)
//! copied to temp folders, one module per command plus one for bad input.

mod build;
mod errors;
mod harness;
mod init;

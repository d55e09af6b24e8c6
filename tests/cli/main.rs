//! Integration tests: the real `workplan` binary run on fixture sites (`tests/sites/<case>/`)
//! copied to temp folders, one module per command (`watch` for `build --watch`) plus one for
//! bad input, `readme` for what the README promises, `browser`, the headless Chromium that
//! `serve`'s tests drive, `validate`, the HTML checker and accessibility checker run on the
//! built shipped site, `limits`, templates without end, `load`, serve under many clients, and
//! `publish`, the output folder replaced safely under faults, `i18n`, the theme's interface
//! strings in English and Chinese, `languages`, sites in more than one language, `plan`, a
//! plan tracked over a year, `slugify`, `site.toml`'s `[slugify]` strategies, `author`, the
//! maintainers' `new` and `status`, `charts`, the build-time charts in both validators,
//! `functions`, Zola's template functions and filters, `shortcodes`, Zola's shortcodes, `sass`,
//! Zola's Sass, `minify`, Zola's `minify_html`;
//! `hosting`, the README's newcomer path and built sites at a host's root, under a sub-path and
//! opened from disk;
//! `terminal`, completions, the manual page, --quiet, --verbose, colour, the site found from a
//! folder inside it and `serve --open`;
//! `hostile` and `properties` feed the build bad and random input.

mod author;
mod browser;
mod build;
mod charts;
mod check;
mod errors;
mod files;
mod functions;
mod harness;
mod highlight;
mod hostile;
mod hosting;
mod i18n;
mod incremental;
mod init;
mod languages;
mod limits;
mod load;
mod minify;
mod plan;
mod print;
mod properties;
mod publish;
mod readme;
mod sass;
mod search;
mod serve;
mod shortcodes;
mod slugify;
mod terminal;
mod validate;
mod watch;
mod zola;

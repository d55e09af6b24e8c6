//! `workplan` publishes a work plan as a static site.
//!
//! The build is a pipeline of stages over plain data:
//!
//! 1. [`config`]: `site.toml` is read and resolved into a [`config::Config`].
//! 2. [`templates`]: the theme's and the site's tera templates are parsed.
//! 3. [`content`]: every Markdown file under `content/` is read and its TOML front matter
//!    parsed (in parallel), then resolved into pages and sections with URLs, neighbours and
//!    checked work-plan data (priority areas, tasks, progress).
//! 4. [`markdown`]: each body becomes HTML with heading ids, a table of contents and resolved
//!    `@/` links.
//! 5. [`build`]: pages are rendered through the templates (minified with `minify_html`) and
//!    written in parallel into a staging folder, with the stylesheets [`sass`] compiles, which
//!    [`output`] swaps in for the old site only when all went well.
//!
//! Problems in the user's files are [`diagnostic::Diagnostics`]: located, with hints, all
//! collected before the build fails. [`init`] writes a new site; [`author`] adds areas, tasks
//! and status updates to the plan's files. [`xlsx`] writes the task list as an Excel
//! workbook, and [`charts`] draws the plan's progress as accessible SVG. [`console`] holds how
//! much the commands print and whether in colour.

pub mod author;
pub mod build;
pub mod charts;
pub mod config;
pub mod console;
pub mod content;
pub mod diagnostic;
pub mod init;
pub mod markdown;
pub mod output;
pub mod sass;
pub mod search;
pub mod serve;
pub mod slug;
pub mod templates;
mod toml_error;
pub mod watch;
pub mod xlsx;

//! Building the site: a site folder in, an output folder out.
//!
//! `state` loads the site (config -> templates and content, problems from both reported
//! together -> section Markdown -> template values) and lists its outputs; `session` renders
//! them in parallel, each written as soon as it is made so the rendered site is never held in
//! memory, checks anchors across pages, copies static files, and keeps what it learned so a live
//! preview can re-render only what a change alters. [`build`] is the `build` command: a session
//! into a staging folder that replaces the output folder only when everything succeeded, and
//! only a folder that is the site's own output unless `force` says otherwise
//! ([`crate::output::publish`]).

mod audit;
mod check;
mod external;
mod feeds;
mod files;
mod fingerprint;
mod minify;
mod relative;
mod session;
mod state;

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use crate::config;
use crate::output::{Replace, Staging};
pub use audit::{Report, check};
pub use external::ExternalOptions;
use fingerprint::LastBuild;
use session::SEARCH_INDEX;
pub use session::{Session, Update};

/// What `workplan build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub config_file: String,
    /// Defaults to `<root>/public`.
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Replace the output folder whatever it holds (but its `.git`).
    pub force: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            root: PathBuf::from("."),
            config_file: config::FILE_NAME.to_string(),
            output_dir: None,
            base_url: None,
            drafts: false,
            force: false,
        }
    }
}

impl BuildOptions {
    /// The output folder: `--output-dir`, or `public/` in the site.
    pub fn output(&self) -> PathBuf {
        self.output_dir
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a build produced.
#[derive(Debug)]
pub struct BuildSummary {
    pub pages: usize,
    pub sections: usize,
    pub files_copied: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    /// Nothing changed since the last build, which left the output as it is.
    pub up_to_date: bool,
    /// What went wrong once the new site was live (a previous output that could not be
    /// removed, say).
    pub warnings: Vec<String>,
    /// For each language but the default: how many pages and sections lack a translation,
    /// and how many it has in all.
    pub missing_translations: Vec<(String, usize, usize)>,
    /// How long each stage took, in order (none when the build was up to date).
    pub timings: Vec<(&'static str, Duration)>,
}

impl BuildSummary {
    /// The stages' timings on one line, for `--verbose`: `load 12 ms, render 40 ms, ...`.
    pub fn timings_line(&self) -> String {
        let stages: Vec<String> = self
            .timings
            .iter()
            .map(|(stage, took)| format!("{stage} {} ms", took.as_millis()))
            .collect();
        format!("  {}", stages.join(", "))
    }

    /// How long the search index took, when the build wrote one.
    pub fn search_index(&self) -> Option<Duration> {
        self.timings
            .iter()
            .find(|(stage, _)| *stage == SEARCH_INDEX)
            .map(|(_, took)| *took)
    }
}

/// The translations each language but the default lacks: its code and the files to write
/// (`content/`-relative, `name.<code>.md`).
pub fn missing_translations(options: &BuildOptions) -> anyhow::Result<Vec<(String, Vec<String>)>> {
    let overrides = config::Overrides {
        base_url: options.base_url.clone(),
    };
    let config = config::load(&options.root, &options.config_file, &overrides)?;
    let content = crate::content::load(
        &config,
        crate::content::LoadOptions {
            drafts: options.drafts,
        },
    )?;
    Ok(content
        .editions
        .iter()
        .skip(1)
        .map(|edition| {
            let files = edition.missing.iter().map(ToString::to_string).collect();
            (edition.lang.to_string(), files)
        })
        .collect())
}

/// Builds the site described by `options` and publishes it, unless the output is what the
/// last build wrote and nothing it read has changed since.
pub fn build(options: &BuildOptions) -> anyhow::Result<BuildSummary> {
    let started = Instant::now();
    let since = SystemTime::now();
    let inputs = || fingerprint::inputs(options, since).ok();
    // With a record of the last build and its output in place, see first whether there is
    // anything to do; else the inputs' fingerprint is taken beside the build.
    let last = LastBuild::load(options);
    let early = last.as_ref().and_then(|_| inputs());
    if let (Some(last), Some(early)) = (&last, early)
        && last.is_current(options, early.with_files(&last.files, since))
    {
        return Ok(BuildSummary {
            pages: last.pages,
            sections: last.sections,
            files_copied: last.files_copied,
            output: options.output(),
            elapsed: started.elapsed(),
            up_to_date: true,
            warnings: Vec::new(),
            missing_translations: Vec::new(),
            timings: Vec::new(),
        });
    }
    let (built, inputs) = std::thread::scope(|scope| {
        let walk = early.is_none().then(|| scope.spawn(inputs));
        let built = build_session(options);
        (built, walk.map_or(early, |walk| walk.join().ok().flatten()))
    });
    let (session, summary) = built?;
    if let (Some(inputs), Ok(output)) = (inputs, session.output_fingerprint()) {
        // Hashed after the build: a file changed while it was read is too recent to record.
        let files = session.files_read();
        let inputs = inputs.with_files(&files, since);
        LastBuild::record(options, inputs, files, output, &summary);
    }
    // Freeing every value of a large site takes a good part of a second; a process about to
    // exit need not wait for it.
    std::thread::spawn(move || drop(session));
    Ok(summary)
}

/// Checks that a build of `options` may write its output folder and replace what is there:
/// a refusal that no edit of the site can mend, for a live preview to stop at.
pub fn check_output(options: &BuildOptions) -> anyhow::Result<()> {
    crate::output::publish::check(&options.root, &options.output(), replace(options))
}

/// How much of what is in the output folder a build of `options` may replace.
fn replace(options: &BuildOptions) -> Replace {
    if options.force {
        Replace::Anything
    } else if is_default_output(options) {
        Replace::OwnOrRebuilt
    } else {
        Replace::Own
    }
}

/// Whether the output is the site's `public/`, named or not.
fn is_default_output(options: &BuildOptions) -> bool {
    let absolute = |path: &std::path::Path| std::path::absolute(path).ok();
    options.output_dir.is_none()
        || absolute(&options.output()) == absolute(&options.root.join("public"))
}

/// Builds and publishes like [`build`], and keeps the session for updates of the output.
pub fn build_session(options: &BuildOptions) -> anyhow::Result<(Session, BuildSummary)> {
    let started = Instant::now();
    let output = options.output();
    let staging = Staging::create(&options.root, &output, replace(options))?;
    let mut session = Session::open_beside(options, staging.path(), Some(&output))?;
    let mut timings = session.timings().to_vec();
    let publishing = Instant::now();
    let mut warnings = staging.publish()?;
    warnings.splice(0..0, session.left_out());
    timings.push(("publish", publishing.elapsed()));
    session.set_dir(output.clone());
    let summary = BuildSummary {
        pages: session.page_count(),
        sections: session.section_count(),
        files_copied: session.copy_count(),
        output,
        elapsed: started.elapsed(),
        up_to_date: false,
        warnings,
        missing_translations: session.missing_translations(),
        timings,
    };
    Ok((session, summary))
}

//! The live preview: `serve` (build, serve, rebuild on change, reload the browser) and
//! `build --watch` (the same without a server).
//!
//! Both build once, then wait on the [`Watcher`] and hand each batch of changed files to the
//! build [`Session`], which re-renders only what the change can alter. A failed rebuild leaves
//! the last good site in place; the server shows the error over it until the next good save.

pub mod http;

use std::net::IpAddr;

use anyhow::Context as _;

use crate::build::{self, BuildOptions, Session, Update};
use crate::config::BaseUrl;
use crate::console::{self, Verbosity};
use crate::diagnostic::describe;
use crate::watch::{Signal, Watcher};
use http::{HttpOptions, Server};

/// What `workplan serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The build's options; `output_dir` empty means a private temporary folder.
    pub build: BuildOptions,
    pub interface: IpAddr,
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Host names answered besides IP addresses and `localhost`.
    pub allowed_hosts: Vec<String>,
}

/// Builds, serves and rebuilds until Ctrl-C, SIGTERM or SIGHUP; then removes its private folder.
pub fn serve(options: &ServeOptions) -> anyhow::Result<()> {
    // Served pages link with root-relative URLs under the sub-path, whatever the host and port.
    let prefix = match &options.build.base_url {
        Some(url) => {
            BaseUrl::parse(url)
                .map_err(anyhow::Error::msg)
                .context("--base-url")?
                .prefix
        }
        None => String::new(),
    };
    let private = tempfile::Builder::new()
        .prefix("workplan-serve-")
        .tempdir()
        .context("creating a folder for the preview")?;
    // A template that never ends makes the render watchdog end the process: without a Drop.
    crate::templates::remove_when_stopped(private.path().to_path_buf());
    let dir = options
        .build
        .output_dir
        .clone()
        .unwrap_or_else(|| private.path().join("site"));
    let build_options = BuildOptions {
        base_url: Some(format!("{prefix}/")),
        output_dir: Some(dir.clone()),
        ..options.build.clone()
    };
    build::check_output(&build_options)?;
    let watcher = Watcher::new(&build_options.root, &build_options.config_file)?;
    watcher.stop_on_ctrl_c()?;
    let server = Server::start(HttpOptions {
        interface: options.interface,
        port: options.port,
        site_dir: dir.clone(),
        prefix: prefix.clone(),
        header_timeout: http::HEADER_TIMEOUT,
        write_timeout: http::WRITE_TIMEOUT,
        allowed_hosts: options.allowed_hosts.clone(),
    })?;
    let url = format!("http://{}{prefix}/", server.address());
    if console::shows(Verbosity::Normal) {
        println!("Serving {} at {url}", build_options.root.display());
    }
    let mut session = match build::build_session(&build_options) {
        Ok((session, summary)) => {
            built(&summary, None);
            server.ready();
            Some(session)
        }
        Err(error) => {
            console::error(&error);
            server.show_error(&describe(&error));
            None
        }
    };
    if options.open {
        open_browser(&url);
    }
    let mut failing = session.is_none();
    rebuild_until_stopped(&watcher, &mut session, &build_options, |outcome| {
        match outcome {
            // After a failure even an unchanged site must reach the tabs: it clears the overlay.
            Ok(update) if update.changed.is_empty() && !failing => {}
            Ok(update) => server.reload(&update.changed),
            Err(error) => server.show_error(&describe(error)),
        }
        failing = outcome.is_err();
    });
    server.stop();
    if console::shows(Verbosity::Normal) {
        println!("Stopped.");
    }
    Ok(())
}

/// `build --watch`: builds into the output folder, then updates it on every change.
pub fn build_and_watch(options: &BuildOptions) -> anyhow::Result<()> {
    // A refused output folder is final, not a mistake the next save could mend.
    build::check_output(options)?;
    let watcher = Watcher::new(&options.root, &options.config_file)?;
    watcher.stop_on_ctrl_c()?;
    let mut session = match build::build_session(options) {
        Ok((session, summary)) => {
            built(&summary, Some("; watching for changes (Ctrl-C to stop)"));
            Some(session)
        }
        Err(error) => {
            console::error(&error);
            None
        }
    };
    rebuild_until_stopped(&watcher, &mut session, options, |_| {});
    Ok(())
}

/// Waits for changes and applies them until Ctrl-C, telling `outcome` of each rebuild. Without
/// a session (the first build failed), each change tries a full build again.
fn rebuild_until_stopped(
    watcher: &Watcher,
    session: &mut Option<Session>,
    options: &BuildOptions,
    mut outcome: impl FnMut(Result<&Update, &anyhow::Error>),
) {
    let indexer = crate::search::Indexer::start(options.output());
    loop {
        // The files template functions read may be anywhere in the site folder.
        if let Some(session) = session.as_ref() {
            watcher.follow(&session.files_read(), session.read_since());
        }
        let Signal::Changed(paths) = watcher.next() else {
            break;
        };
        let updated = session.is_some();
        let result = match session {
            Some(session) => session.update(&paths),
            // A full build, swapped in only when it succeeds, like `workplan build`.
            None => build::build_session(options).map(|(opened, summary)| {
                built(&summary, None);
                *session = Some(opened);
                Update {
                    changed: vec!["/".to_string()],
                    ..Update::default()
                }
            }),
        };
        match &result {
            Ok(update) if update.changed.is_empty() => {}
            Ok(update) => rebuilt(update),
            Err(error) => console::error(error),
        }
        outcome(result.as_ref());
        if let Some(session) = session.as_mut() {
            session.tidy();
            // The search index is written in the background: it must not hold up the page.
            // (A first good build has just written one.)
            if let Ok(update) = &result
                && updated
                && !update.changed.is_empty()
                && let Some(pages) = session.pages_to_index()
            {
                indexer.request(pages);
            }
        }
    }
}

/// Tells of a full build of the preview: with `watching`, where it was written and what
/// follows; under `--verbose`, how long each stage took.
fn built(summary: &build::BuildSummary, watching: Option<&str>) {
    if console::shows(Verbosity::Normal) {
        let ms = summary.elapsed.as_millis();
        match watching {
            Some(rest) => println!(
                "Built {} pages into {} in {ms} ms{rest}",
                summary.pages,
                summary.output.display()
            ),
            None => println!("Built {} pages in {ms} ms", summary.pages),
        }
    }
    if console::shows(Verbosity::Verbose) {
        println!("{}", summary.timings_line());
    }
    for warning in &summary.warnings {
        console::warning(warning);
    }
}

/// Tells what a rebuild changed: how many files, and under `--verbose` which.
fn rebuilt(update: &Update) {
    if console::shows(Verbosity::Normal) {
        let count = update.changed.len();
        println!(
            "Rebuilt in {} ms: {count} file{} changed, {} rendered",
            update.elapsed.as_millis(),
            if count == 1 { "" } else { "s" },
            update.rendered
        );
    }
    if console::shows(Verbosity::Verbose) {
        for path in &update.changed {
            println!("  changed {path}");
        }
    }
}

/// Opens `url` with the system's handler for web addresses (`xdg-open` or the desktop's own
/// launcher, `open` on macOS, the shell on Windows), without waiting for the browser.
fn open_browser(url: &str) {
    if let Err(error) = open::that_detached(url) {
        console::warning(format_args!("cannot open a browser ({error}); visit {url}"));
    }
}

//! The "bare cost" of a site build: the floor `workplan build` is measured against.
//!
//! In: a content directory and an output directory. Out: one `index.html` per `.md` file,
//! at `OUT/<relative path without .md>/index.html` (`_index.md` goes to its folder's
//! `index.html`, as Zola lays out sections), and the page count on stdout.
//!
//! It does only the work no static-site generator can skip: walk the tree, read each file,
//! cut off the `+++` front matter (without parsing it), render the Markdown with
//! pulldown-cmark and write the HTML, on two threads (the benchmark machine has two cores).
//! No config, no templates, no taxonomies, no links to resolve. `scripts/bench` reports
//! every tool as a multiple of this time, so the ratio is what the real build adds on top.
//!
//! Run: `cargo run --release --example bare -- CONTENT OUT`

use std::path::{Path, PathBuf};
use std::{env, fs, process::ExitCode};

use anyhow::{Context, Result, bail};
use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use walkdir::WalkDir;

fn main() -> ExitCode {
    match run() {
        Ok(pages) => {
            println!("{pages} pages");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<usize> {
    let args: Vec<PathBuf> = env::args_os().skip(1).map(PathBuf::from).collect();
    let [content, out] = args.as_slice() else {
        bail!("usage: bare CONTENT_DIR OUT_DIR");
    };

    let mut sources = Vec::new();
    for entry in WalkDir::new(content) {
        let entry = entry.with_context(|| format!("walking {}", content.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == "md") {
            sources.push(entry.into_path());
        }
    }

    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
    pool.install(|| {
        sources
            .par_iter()
            .try_for_each(|source| render_page(content, source, out))
    })?;
    Ok(sources.len())
}

fn render_page(content: &Path, source: &Path, out: &Path) -> Result<()> {
    let text =
        fs::read_to_string(source).with_context(|| format!("reading {}", source.display()))?;
    let body = strip_front_matter(&text);

    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    // HTML is usually a bit larger than its Markdown; one allocation in the common case.
    let mut rendered = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut rendered, Parser::new_ext(body, options));

    let relative = source.strip_prefix(content)?.with_extension("");
    let dir = if relative.file_name().is_some_and(|name| name == "_index") {
        out.join(relative.parent().unwrap_or(Path::new("")))
    } else {
        out.join(relative)
    };
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let target = dir.join("index.html");
    fs::write(&target, rendered).with_context(|| format!("writing {}", target.display()))
}

/// The text after a leading `+++` block, or all of it when there is none (or it never closes).
fn strip_front_matter(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        return text;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "+++" {
            return &rest[offset..];
        }
    }
    text
}

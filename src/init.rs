//! The `init` command: a folder in, a new site that builds at once out.
//!
//! The site gets `site.toml`, a home page, a search page, a `priorities` section with one
//! sample priority area, and a copy of the default theme, which is compiled into the binary so
//! that `init` works anywhere. `init` never overwrites a file: with `force`, it adds the files that are missing
//! to a folder that is not empty and keeps the ones there.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// Embeds files of `themes/default/` as `(path, text)` pairs.
macro_rules! theme_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../themes/default/", $path)))),*]
    };
}

/// The default theme's files, relative to `themes/default/`.
pub const DEFAULT_THEME: &[(&str, &str)] = theme_files![
    "i18n/en.toml",
    "i18n/zh-Hans.toml",
    "templates/404.html",
    "templates/base.html",
    "templates/index.html",
    "templates/page.html",
    "templates/print.html",
    "templates/progress.html",
    "templates/search.html",
    "templates/section.html",
    "templates/shortcodes/area_progress.html",
    "templates/shortcodes/area_tasks.html",
    "templates/shortcodes/callout.html",
    "templates/shortcodes/figure.html",
    "templates/taxonomy_list.html",
    "templates/taxonomy_single.html",
    "static/style.css",
];

const SITE_TOML: &str = r#"# Where the site will be published, e.g. "https://example.org/plan/". Its pages link to each
# other by relative paths, so public/ works on any server, under any sub-path and opened from
# a disk; feeds, the sitemap and canonical links need the host, and are left out until then.
base_url = "/"
title = "Work plan"
description = "Our priority areas and the tasks in each."
default_language = "en"
theme = "default"
# Full-text search on the page /search/ (Pagefind): readers need the site on a web server for
# it; opened from a disk, the search page says so.
build_search_index = true

# The footer's credit of the source the plan follows; without it, the footer credits none.
# [extra]
# source_title = "the priority areas of our 2024 work"  # completes "This site presents …"
# source_publisher = "the body that issued or reported them"
# source_url = "https://example.org/the-original"
"#;

const HOME: &str = r#"+++
title = "Work plan"
description = "Our priority areas and the tasks in each."
+++

Say here who set the plan, when, and what it aims at.

<!-- more -->

## What is asked of everyone

The closing requirements go here.
"#;

const SOURCE_PAGE: &str = r#"+++
title = "Source"
weight = 100
+++

Say here where the plan comes from.
"#;

const SEARCH_PAGE: &str = r#"+++
title = "Search"
description = "Search the priority areas and their tasks."
template = "search.html"
weight = 90
+++
"#;

const PRIORITIES: &str = r#"+++
title = "Priority areas"
sort_by = "weight"
+++

The areas of work the plan sets.
"#;

const SAMPLE_AREA: &str = r#"+++
title = "A first priority area"
description = "What this area sets out to achieve."
weight = 1
slug = "first-area"

[area]
number = 1

[[area.tasks]]
title = "A concrete measure of this area"
status = "planned"        # planned, in-progress, done or at-risk

[[area.tasks]]
title = "Another measure, already under way"
status = "in-progress"
lead = "The body responsible"
due = 2024-12-31
+++

Describe the area here, in Markdown.
"#;

/// What [`init`] did.
#[derive(Debug, Default)]
pub struct Created {
    /// The files it wrote.
    pub written: Vec<PathBuf>,
    /// The files of a new site that were there already, and kept as they were.
    pub kept: Vec<PathBuf>,
}

/// Writes a new site into `dir`, its configuration as `config_file`. `dir` must be empty or
/// absent unless `force` is set; even then no file is overwritten.
pub fn init(dir: &Path, config_file: &str, force: bool) -> anyhow::Result<Created> {
    if dir.exists() {
        let mut entries =
            fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        if entries.next().is_some() && !force {
            bail!(
                "{} is not empty\nhelp: choose a new folder, or pass --force to add the site's files to it (none is overwritten)",
                dir.display()
            );
        }
    }
    let files = [
        (config_file, SITE_TOML),
        ("content/_index.md", HOME),
        ("content/source.md", SOURCE_PAGE),
        ("content/search.md", SEARCH_PAGE),
        ("content/priorities/_index.md", PRIORITIES),
        ("content/priorities/01-first-area.md", SAMPLE_AREA),
    ];
    let theme = DEFAULT_THEME
        .iter()
        .map(|(path, text)| (format!("themes/default/{path}"), *text));
    let mut created = Created::default();
    for (path, text) in files
        .into_iter()
        .map(|(p, t)| (p.to_string(), t))
        .chain(theme)
    {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        // Created only if absent, in one step: nothing that is there is ever replaced.
        let written = fs::File::create_new(&path)
            .and_then(|mut file| io::Write::write_all(&mut file, text.as_bytes()));
        match written {
            Ok(()) => created.written.push(path),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => created.kept.push(path),
            Err(error) => {
                return Err(error).with_context(|| format!("writing {}", path.display()));
            }
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded copy must list every file of `themes/default`, or `init` ships half a theme.
    #[test]
    fn embedded_theme_lists_every_theme_file() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                entry
                    .path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = DEFAULT_THEME
            .iter()
            .map(|(path, _)| path.to_string())
            .collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
    }
}

//! AFL++ target: one input is a content file (its name on the first line, its bytes after),
//! loaded with the site's content loader and its Markdown rendered. A panic is a finding; so
//! is a diagnostic whose line or column lies outside the file.

use std::path::{Path, PathBuf};

use workplan::content::{self, LoadOptions};
use workplan::diagnostic::Diagnostics;
use workplan::markdown::{self, LinkTargets, RenderOptions};

fn main() {
    let root = site();
    let config = workplan::config::load(&root, "site.toml", &Default::default())
        .expect("the fuzz site's site.toml loads");
    afl::fuzz!(|input: &[u8]| {
        let (name, bytes) = split(input);
        let content_dir = root.join("content");
        let _ = std::fs::remove_dir_all(&content_dir);
        let file = content_dir.join(&name);
        if std::fs::create_dir_all(file.parent().unwrap()).is_err()
            || std::fs::write(&file, bytes).is_err()
        {
            return; // a name the file system refuses
        }
        match content::load(&config, LoadOptions::default()) {
            Ok(loaded) => {
                let targets = LinkTargets::default();
                for page in &loaded.pages {
                    if let Err(problems) =
                        markdown::render(&page.source, &targets, RenderOptions::default())
                    {
                        check(&problems, &page.source.text);
                    }
                }
            }
            Err(error) => {
                if let Some(problems) = error.downcast_ref::<Diagnostics>() {
                    let text = String::from_utf8_lossy(bytes);
                    check(&problems.0, &text);
                }
            }
        }
    });
}

/// Every located problem points inside the file.
fn check(problems: &[workplan::diagnostic::Diagnostic], text: &str) {
    for problem in problems {
        let _ = problem.render();
        if let Some(at) = &problem.location {
            let lines = text.split('\n').count();
            assert!(
                at.line >= 1 && at.line <= lines,
                "line {} of {lines}",
                at.line
            );
            let line = text.split('\n').nth(at.line - 1).unwrap_or_default();
            let columns = line.chars().count() + 1;
            assert!(
                at.column >= 1 && at.column <= columns,
                "column {} of {columns}",
                at.column
            );
        }
    }
}

/// The file name (first line, `content/`-relative, `.md` added) and the file's bytes.
fn split(input: &[u8]) -> (PathBuf, &[u8]) {
    let default = || PathBuf::from("x.md");
    let Some(end) = input.iter().position(|&b| b == b'\n') else {
        return (default(), input);
    };
    let name = String::from_utf8_lossy(&input[..end]);
    let safe = !name.is_empty()
        && !name.contains('\0')
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    let name = if safe {
        PathBuf::from(format!("{name}.md"))
    } else {
        default()
    };
    (name, &input[end + 1..])
}

/// A site folder of its own, in RAM where there is a tmpfs.
fn site() -> PathBuf {
    let base = Path::new("/dev/shm");
    let base = if base.is_dir() {
        base.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let root = base.join(format!("workplan-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "base_url = \"https://example.org/\"\ntitle = \"Fuzz\"\ntaxonomies = [{ name = \"tags\" }]\n",
    )
    .unwrap();
    root
}

//! A request path in, the file it names inside the site folder out, or nothing.
//!
//! Two guards, so that no request reads outside the site: the path is percent-decoded once and
//! must consist of plain names (no `.`, `..`, separators or control characters, encoded or
//! not), and the file found is canonicalized and must still be inside the canonicalized site
//! folder (a symlink pointing out of it counts as missing).

use std::path::{Path, PathBuf};

/// A request path below the prefix, percent-decoded once and reduced to plain file names.
#[derive(Debug, PartialEq)]
pub(super) struct SitePath {
    pub(super) names: Vec<String>,
    /// Whether it ends with `/` (the index.html of a folder is asked for).
    pub(super) folder: bool,
}

impl SitePath {
    /// `None` for anything that is not a plain name: empty, `.`, `..`, control characters, or a
    /// separator (`/` or `\`), encoded or not. A `%` left after decoding stays a literal `%`.
    pub(super) fn parse(raw: &str) -> Option<SitePath> {
        let rest = raw.strip_prefix('/')?;
        let (rest, folder) = match rest.strip_suffix('/') {
            Some(rest) => (rest, true),
            None => (rest, rest.is_empty()),
        };
        let names = if rest.is_empty() {
            Vec::new()
        } else {
            rest.split('/').map(decode_name).collect::<Option<_>>()?
        };
        Some(SitePath { names, folder })
    }

    /// Whether the browser expects a page here: a folder, `.html`, or no extension at all.
    pub(super) fn is_page(&self) -> bool {
        let extension = self.names.last().map(|name| Path::new(name).extension());
        self.folder
            || matches!(extension, Some(None))
            || extension.flatten() == Some("html".as_ref())
    }
}

fn decode_name(encoded: &str) -> Option<String> {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            // `from_str_radix` alone would also take a sign, as in `%+1`.
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let name = String::from_utf8(decoded).ok()?;
    let plain = !matches!(name.as_str(), "" | "." | "..")
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control);
    plain.then_some(name)
}

/// What a [`SitePath`] names in the site folder.
pub(super) enum Found {
    /// A file, canonicalized: the one to read.
    File(PathBuf),
    /// A folder asked for without its trailing slash.
    Folder,
    Missing,
}

/// Looks `path` up in `site_dir`, which is canonicalized per request because the builder may
/// have swapped a whole new folder in since the last one.
pub(super) fn find(site_dir: &Path, path: &SitePath) -> Found {
    let Ok(root) = site_dir.canonicalize() else {
        return Found::Missing;
    };
    let Some(real) = inside(&root, &path.names.iter().collect::<PathBuf>()) else {
        return Found::Missing;
    };
    if real.is_dir() {
        if !path.folder {
            return Found::Folder;
        }
        return match inside(&root, &real.join("index.html")) {
            Some(index) if index.is_file() => Found::File(index),
            _ => Found::Missing,
        };
    }
    if path.folder || !real.is_file() {
        return Found::Missing;
    }
    Found::File(real)
}

/// The site's own 404 page, if it has one.
pub(super) fn find_404_page(site_dir: &Path) -> Option<PathBuf> {
    let root = site_dir.canonicalize().ok()?;
    inside(&root, Path::new("404.html")).filter(|page| page.is_file())
}

/// `relative` below `root` with every symlink resolved, if that is still inside `root`.
fn inside(root: &Path, relative: &Path) -> Option<PathBuf> {
    let real = root.join(relative).canonicalize().ok()?;
    real.starts_with(root).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_decode_once_into_plain_names() {
        let parse = |raw: &str| SitePath::parse(raw).map(|path| (path.names, path.folder));
        assert_eq!(parse("/"), Some((vec![], true)));
        let names = vec!["a b".into(), "c.css".into()];
        assert_eq!(parse("/a%20b/c.css"), Some((names, false)));
        assert_eq!(parse("/%252e%252e/"), Some((vec!["%2e%2e".into()], true)));
        let refused = [
            "", "a", "/a//b", "/%2e%2e/", "/.", "/a%2Fb", "/%5c", "/%0a", "/%", "/%zz", "/%+1",
            "/%ff",
        ];
        for raw in refused {
            assert_eq!(parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn pages_are_folders_html_files_and_names_without_extension() {
        let is_page = |raw: &str| SitePath::parse(raw).unwrap().is_page();
        assert!(is_page("/") && is_page("/a/") && is_page("/a.html") && is_page("/a"));
        assert!(!is_page("/a.css") && !is_page("/a/b.png"));
    }
}

//! Files of the site folder in, what templates make of them out: `load_data` (CSV, JSON, TOML
//! or plain text), `get_hash`, `get_image_metadata` and the hash of `get_url(...,
//! cachebust=true)`.
//!
//! A path is looked for where Zola looks: in the site folder, then in `static/`, `content/`
//! and the theme's `static/`; `@/` stands for `content/`. Nothing outside the site folder (or
//! the theme's) is read, nor the output folder: a build would then depend on the last one.
//! Nothing is fetched from the network. Each place looked at is recorded as a [`Read::File`],
//! and the folders on the way as [`Read::Folder`]: the live preview re-renders what read a
//! file when it is saved, removed, moved, or made where an earlier place now finds it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use base64::Engine as _;
use sha2::Digest as _;
use tera::{Kwargs, State, TeraResult, Value};

use super::{HINT_MARK, Read, accept, with_scope};
use crate::config::Config;

/// Where template functions look for the files they name.
pub struct SiteFiles {
    /// The site folder, absolute, and as links resolve it.
    root: PathBuf,
    real_root: PathBuf,
    /// The theme's folder as links resolve it: its `static/` may be a link to elsewhere.
    real_theme: Option<PathBuf>,
    /// Where a path is looked for, in order: the site folder, `static/`, `content/` (where
    /// alone `@/` paths are), the theme's `static/`.
    places: Vec<PathBuf>,
    /// The output folder, absolute: never read.
    output: PathBuf,
}

/// Where `content/` is among [`SiteFiles`]' places.
const CONTENT_PLACE: usize = 2;

/// A file found, as messages show it (relative to the site folder), and its bytes.
struct Found {
    shown: String,
    bytes: Vec<u8>,
}

impl SiteFiles {
    /// The places of the site at `config.root` whose output goes to `output`.
    pub fn new(config: &Config, output: &Path) -> anyhow::Result<Self> {
        let root = std::path::absolute(&config.root)
            .with_context(|| format!("resolving {}", config.root.display()))?;
        let theme = config.theme_dir.as_deref().map(std::path::absolute);
        let theme = theme.transpose().context("resolving the theme's folder")?;
        let real = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.into());
        let mut places = vec![
            root.clone(),
            root.join("static"),
            root.join(crate::content::CONTENT_DIR),
        ];
        places.extend(theme.as_ref().map(|theme| theme.join("static")));
        Ok(Self {
            real_root: real(&root),
            real_theme: theme.as_deref().map(real),
            root,
            places,
            output: std::path::absolute(output)
                .with_context(|| format!("resolving {}", output.display()))?,
        })
    }

    /// Looks for the file `written` names, recording each place looked at in `reads`.
    /// `Ok(None)` when it is in none of them.
    fn find(&self, written: &str, reads: &mut Vec<Read>) -> Result<Option<PathBuf>, String> {
        let (relative, places) = match written.strip_prefix(crate::markdown::INTERNAL_PREFIX) {
            Some(relative) => (relative, &self.places[CONTENT_PLACE..=CONTENT_PLACE]),
            None => (written, &self.places[..]),
        };
        let parts: Vec<&str> = relative
            .split('/')
            .filter(|part| !part.is_empty() && *part != ".")
            .collect();
        if parts.contains(&"..") {
            return Err(format!(
                "`{written}` leads out of the site folder{HINT_MARK}name a file inside it, \
                 from the site folder (`data/plan.toml`) or `content/` (`@/notes/data.csv`)"
            ));
        }
        if parts.is_empty() {
            return Err(format!(
                "`{written}` names no file{HINT_MARK}give a file's path"
            ));
        }
        for base in places {
            let mut path = base.clone();
            for part in &parts[..parts.len() - 1] {
                path.push(part);
                reads.push(Read::Folder(path.as_path().into()));
            }
            path.push(parts[parts.len() - 1]);
            reads.push(Read::File(path.as_path().into()));
            if path.is_file() {
                self.check_inside(written, &path)?;
                return Ok(Some(path));
            }
        }
        Ok(None)
    }

    /// Refuses a file of the output folder, or one that a link leads outside the site to.
    fn check_inside(&self, written: &str, path: &Path) -> Result<(), String> {
        if path.starts_with(&self.output) {
            return Err(format!(
                "`{written}` is in the output folder, which the build writes{HINT_MARK}keep \
                 the file where the build reads it: the site folder, `static/` or `content/`"
            ));
        }
        let real = std::fs::canonicalize(path).map_err(|error| self.unreadable(path, &error))?;
        let inside = real.starts_with(&self.real_root)
            || self
                .real_theme
                .as_ref()
                .is_some_and(|theme| real.starts_with(theme));
        if inside {
            Ok(())
        } else {
            Err(format!(
                "`{written}` is a link to {}, outside the site folder{HINT_MARK}copy the \
                 file into the site folder",
                real.display()
            ))
        }
    }

    /// `path` as messages show it: relative to the site folder when inside it.
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    fn unreadable(&self, path: &Path, error: &std::io::Error) -> String {
        format!("cannot read `{}`: {}", self.shown(path), error.kind())
    }
}

/// The file that `written` names, read, recording where it was looked for; `None` when it is
/// nowhere. Errors start with `function`'s name.
fn read_file(function: &str, written: &str) -> TeraResult<Option<Found>> {
    with_scope(|scope| {
        let files = Arc::clone(&scope.templates.resources.files);
        let found = files.find(written, &mut scope.reads);
        let read = |path: PathBuf| match std::fs::read(&path) {
            Ok(bytes) => Ok(Found {
                shown: files.shown(&path),
                bytes,
            }),
            Err(error) => Err(files.unreadable(&path, &error)),
        };
        found.and_then(|path| path.map(read).transpose())
    })
    .map_err(|error| tera::Error::message(format!("`{function}`: {error}")))
}

/// The error for a file found nowhere.
fn missing(function: &str, written: &str, allow: &str) -> tera::Error {
    tera::Error::message(format!(
        "`{function}`: no file `{written}` in the site folder, `static/`, `content/` or the \
         theme's `static/`{HINT_MARK}check the path (from the site folder, or `@/` for \
         `content/`), or pass `{allow}` to go on without it"
    ))
}

/// Either a `path` or a `literal`, as `load_data` and `get_hash` take them.
enum Input<'a> {
    Path(Cow<'a, str>),
    Literal(Cow<'a, str>),
}

impl<'a> Input<'a> {
    fn of(function: &str, kwargs: &'a Kwargs) -> TeraResult<Self> {
        match (kwargs.get("path")?, kwargs.get("literal")?) {
            (Some(path), None) => Ok(Self::Path(path)),
            (None, Some(literal)) => Ok(Self::Literal(literal)),
            _ => Err(tera::Error::message(format!(
                "`{function}` takes a `path` or a `literal`{HINT_MARK}give one of them: \
                 `{function}(path=\"data/plan.toml\")`"
            ))),
        }
    }
}

/// How `load_data` reads a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
    Toml,
    Plain,
}

/// What `load_data` tells a theme that names a format workplan does not read.
const FORMATS_HINT: &str = "workplan reads `csv`, `json`, `toml` and `plain`: convert the \
     file to one of them, or pass `format=\"plain\"` to have its text";

impl Format {
    /// The format `format=` names.
    fn named(name: &str) -> Result<Self, String> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            "toml" => Ok(Self::Toml),
            "plain" => Ok(Self::Plain),
            _ => Err(format!(
                "`load_data` does not read the format `{name}`{HINT_MARK}{FORMATS_HINT}"
            )),
        }
    }

    /// The format of a file by its extension: Zola's, where any other is plain text.
    fn of_file(written: &str) -> Result<Self, String> {
        let extension = written.rsplit_once('.').map(|(_, extension)| extension);
        match extension.map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Ok(Self::Csv),
            Some("json") => Ok(Self::Json),
            Some("toml") => Ok(Self::Toml),
            Some(other @ ("yaml" | "yml" | "xml" | "bibtex")) => Err(format!(
                "`load_data` does not read `{other}` files (`{written}`){HINT_MARK}\
                 {FORMATS_HINT}"
            )),
            _ => Ok(Self::Plain),
        }
    }

    /// `text` read in this format; an error names `shown` and the place in it.
    fn parse(self, text: &str, shown: &str) -> Result<Value, String> {
        match self {
            Self::Plain => Ok(Value::from(text)),
            Self::Json => serde_json::from_str::<serde_json::Value>(text)
                .map(|value| Value::from_serializable(&value))
                .map_err(|error| {
                    let (line, column) = (error.line(), error.column());
                    let message = error.to_string();
                    // serde_json ends its message with the place, which is shown first here.
                    let suffix = format!(" at line {line} column {column}");
                    let message = message.strip_suffix(&suffix).unwrap_or(&message);
                    format!("`{shown}:{line}:{column}` is not valid JSON: {message}")
                }),
            Self::Toml => text
                .parse::<toml::Table>()
                .map(|table| toml_value(toml::Value::Table(table)))
                .map_err(|error| {
                    let at = error.span().map_or_else(
                        || shown.to_string(),
                        |span| format!("{shown}:{}", line_column(text, span.start)),
                    );
                    format!("`{at}` is not valid TOML: {}", error.message())
                }),
            Self::Csv => csv_value(text).map_err(|error| {
                let at = error.position().map_or_else(
                    || shown.to_string(),
                    |position| format!("{shown}:{}", position.line()),
                );
                format!("`{at}` is not valid CSV: {error}")
            }),
        }
    }
}

/// `line:column` (both from 1, the column in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    format!("{line}:{column}")
}

/// TOML as templates see it: dates and times as they are written (as Zola gives them).
fn toml_value(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::from(text),
        toml::Value::Integer(number) => Value::from(number),
        toml::Value::Float(number) => Value::from(number),
        toml::Value::Boolean(flag) => Value::from(flag),
        toml::Value::Datetime(datetime) => Value::from(datetime.to_string()),
        toml::Value::Array(items) => {
            Value::from(items.into_iter().map(toml_value).collect::<Vec<_>>())
        }
        toml::Value::Table(table) => Value::from(
            table
                .into_iter()
                .map(|(key, value)| (key, toml_value(value)))
                .collect::<BTreeMap<String, Value>>(),
        ),
    }
}

/// Zola's shape of a CSV file: `{headers: [...], records: [[...], ...]}`, every cell text.
fn csv_value(text: &str) -> Result<Value, csv::Error> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = |record: &csv::StringRecord| Value::from(record.iter().collect::<Vec<_>>());
    let headers = row(reader.headers()?);
    let records = reader
        .records()
        .map(|record| record.map(|record| row(&record)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::from(BTreeMap::from([
        ("headers", headers),
        ("records", Value::from(records)),
    ])))
}

/// `load_data(path="data/people.toml")`, Zola's: a CSV, JSON or TOML file of the site read
/// into a value, any other file as text; `format=` names the format, `literal=` gives the
/// text itself, `required=false` gives nothing for a missing file. `url=` is refused: a
/// build does not use the network.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
pub(super) fn load_data(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    if let Some(url) = kwargs.get::<Cow<str>>("url")? {
        return Err(tera::Error::message(format!(
            "`load_data` does not fetch `{url}`: workplan builds without the network, so that \
             a build gives the same site every time{HINT_MARK}save the file in the site folder \
             (e.g. `data/`) and load it with `path=`"
        )));
    }
    accept(
        "load_data",
        &kwargs,
        &["path", "literal", "format", "required"],
    )?;
    let format = kwargs.get::<Cow<str>>("format")?;
    let format = format.as_deref().map(Format::named).transpose();
    let format = format.map_err(tera::Error::message)?;
    let required = kwargs.get::<bool>("required")?.unwrap_or(true);
    let (text, format, shown) = match Input::of("load_data", &kwargs)? {
        Input::Literal(text) => (text, format.unwrap_or(Format::Plain), "the literal".into()),
        Input::Path(written) => {
            let Some(found) = read_file("load_data", &written)? else {
                if required {
                    return Err(missing("load_data", &written, "required=false"));
                }
                return Ok(Value::none());
            };
            let format = match format {
                Some(format) => format,
                None => Format::of_file(&found.shown).map_err(tera::Error::message)?,
            };
            let text = String::from_utf8(found.bytes).map_err(|_| {
                tera::Error::message(format!(
                    "`load_data`: `{}` is not UTF-8 text{HINT_MARK}save it as UTF-8",
                    found.shown
                ))
            })?;
            (Cow::Owned(text), format, found.shown)
        }
    };
    format
        .parse(&text, &shown)
        .map_err(|error| tera::Error::message(format!("`load_data`: {error}")))
}

/// `get_hash(path="static/app.js", sha_type=384, base64=true)`, Zola's: the SHA-2 digest of a
/// file of the site (or of `literal=`), in base64 (for `integrity=`) or, with `base64=false`,
/// in hex. `sha_type` is 256, 384 (the default) or 512.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
pub(super) fn get_hash(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    accept(
        "get_hash",
        &kwargs,
        &["path", "literal", "sha_type", "base64"],
    )?;
    let sha_type = kwargs.get::<u16>("sha_type")?.unwrap_or(384);
    let base64 = kwargs.get::<bool>("base64")?.unwrap_or(true);
    let bytes =
        match Input::of("get_hash", &kwargs)? {
            Input::Literal(text) => text.into_owned().into_bytes(),
            Input::Path(written) => read_file("get_hash", &written)?
                .ok_or_else(|| {
                    tera::Error::message(format!(
                        "`get_hash`: no file `{written}` in the site folder, `static/`, `content/` \
                     or the theme's `static/`{HINT_MARK}check the path, from the site folder"
                    ))
                })?
                .bytes,
        };
    let digest = match sha_type {
        256 => sha2::Sha256::digest(&bytes).to_vec(),
        384 => sha2::Sha384::digest(&bytes).to_vec(),
        512 => sha2::Sha512::digest(&bytes).to_vec(),
        other => {
            return Err(tera::Error::message(format!(
                "`get_hash` has no `sha_type={other}`{HINT_MARK}use 256, 384 or 512"
            )));
        }
    };
    Ok(Value::from(if base64 {
        base64::engine::general_purpose::STANDARD.encode(digest)
    } else {
        hex(&digest)
    }))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The `h` that `get_url(path=..., cachebust=true)` appends, as Zola makes it: the first 20
/// hex digits of the file's SHA-256.
pub(super) fn cachebust(written: &str) -> TeraResult<String> {
    let found = read_file("get_url", written)?.ok_or_else(|| {
        tera::Error::message(format!(
            "`get_url`: `cachebust=true` needs the file, and there is no `{written}` in the \
             site folder, `static/`, `content/` or the theme's `static/`{HINT_MARK}check the \
             path, or leave out `cachebust` for a file the build makes"
        ))
    })?;
    let mut digest = hex(&sha2::Sha256::digest(&found.bytes));
    digest.truncate(20);
    Ok(digest)
}

/// `get_image_metadata(path="static/map.png")`, Zola's: `{width, height, format, mime}` of a
/// JPEG, PNG, GIF, WebP, BMP or SVG file of the site; `allow_missing=true` gives nothing for a
/// missing file.
#[expect(
    clippy::needless_pass_by_value,
    reason = "tera passes function arguments by value"
)]
pub(super) fn get_image_metadata(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    accept("get_image_metadata", &kwargs, &["path", "allow_missing"])?;
    let written: Cow<str> = kwargs.must_get("path")?;
    let Some(found) = read_file("get_image_metadata", &written)? else {
        if kwargs.get::<bool>("allow_missing")?.unwrap_or(false) {
            return Ok(Value::none());
        }
        return Err(missing(
            "get_image_metadata",
            &written,
            "allow_missing=true",
        ));
    };
    let (width, height, format) = image_size(&found.bytes).ok_or_else(|| {
        tera::Error::message(format!(
            "`get_image_metadata`: `{}` is not a JPEG, PNG, GIF, WebP, BMP or SVG image \
             with a size{HINT_MARK}check the file, or convert it to one of those",
            found.shown
        ))
    })?;
    Ok(Value::from(BTreeMap::from([
        ("width", Value::from(width)),
        ("height", Value::from(height)),
        ("format", Value::from(format.extension)),
        ("mime", Value::from(format.mime)),
    ])))
}

/// An image format as Zola names it.
#[derive(Debug, PartialEq, Eq)]
struct ImageFormat {
    extension: &'static str,
    mime: &'static str,
}

const fn format(extension: &'static str, mime: &'static str) -> ImageFormat {
    ImageFormat { extension, mime }
}

/// The width, height and format of an image, if `bytes` are one of the formats read.
fn image_size(bytes: &[u8]) -> Option<(u64, u64, ImageFormat)> {
    let format = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Jpeg) => format("jpg", "image/jpeg"),
        Ok(imagesize::ImageType::Png) => format("png", "image/png"),
        Ok(imagesize::ImageType::Gif) => format("gif", "image/gif"),
        Ok(imagesize::ImageType::Webp) => format("webp", "image/webp"),
        Ok(imagesize::ImageType::Bmp) => format("bmp", "image/bmp"),
        _ => {
            let (width, height) = svg_size(std::str::from_utf8(bytes).ok()?)?;
            return Some((width, height, format("svg", "image/svg+xml")));
        }
    };
    let size = imagesize::blob_size(bytes).ok()?;
    Some((size.width as u64, size.height as u64, format))
}

/// The size of an SVG image: its `width` and `height` in pixels, else its `viewBox`'s.
fn svg_size(text: &str) -> Option<(u64, u64)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attribute = |name: &str| {
        let at = tag.find(&format!(" {name}="))? + name.len() + 2;
        let quote = tag[at..].chars().next()?;
        let value = &tag[at + 1..];
        Some(&value[..value.find(quote)?])
    };
    let pixels = |value: &str| -> Option<f64> {
        let number = value.trim().strip_suffix("px").unwrap_or(value.trim());
        number
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n > 0.0)
    };
    let view_box: Option<Vec<f64>> = attribute("viewBox").and_then(|value| {
        let numbers = value.split([' ', ',']).filter(|part| !part.is_empty());
        numbers.map(|number| number.parse().ok()).collect()
    });
    let (box_width, box_height) = match view_box.as_deref() {
        Some(&[_, _, width, height]) => (Some(width), Some(height)),
        _ => (None, None),
    };
    let width = attribute("width").and_then(pixels).or(box_width)?;
    let height = attribute("height").and_then(pixels).or(box_height)?;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "sizes are positive and far below u64's range"
    )]
    let round = |size: f64| size.round() as u64;
    Some((round(width), round(height)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_zolas_shape_and_errors_name_the_line() {
        let value = Format::Csv.parse("n,title\n1,Gutenberg\n2,Printing\n", "d.csv");
        let value = value.unwrap();
        assert_eq!(
            value.get_from_path("headers").unwrap(),
            &Value::from(vec!["n", "title"])
        );
        let records = value.get_from_path("records").unwrap();
        assert_eq!(
            records,
            &Value::from(vec![vec!["1", "Gutenberg"], vec!["2", "Printing"]])
        );
        let error = Format::Csv.parse("a,b\n1,2\n3\n", "d.csv").unwrap_err();
        assert!(error.starts_with("`d.csv:3` is not valid CSV"), "{error}");
    }

    #[test]
    fn toml_and_json_errors_name_the_place() {
        let error = Format::Toml.parse("a = 1\nb = \n", "d.toml").unwrap_err();
        assert!(
            error.starts_with("`d.toml:2:5` is not valid TOML"),
            "{error}"
        );
        let error = Format::Json
            .parse("{\n  \"a\": 1,,\n}", "d.json")
            .unwrap_err();
        assert_eq!(
            error,
            "`d.json:2:10` is not valid JSON: key must be a string"
        );
        let value = Format::Toml.parse("day = 2024-06-01\n[t]\nn = [1, 2]\n", "d.toml");
        let value = value.unwrap();
        assert_eq!(value.get_from_path("day"), Some(&Value::from("2024-06-01")));
        assert_eq!(value.get_from_path("t.n"), Some(&Value::from(vec![1, 2])));
    }

    #[test]
    fn formats_by_name_and_extension() {
        assert_eq!(Format::of_file("data/a.CSV"), Ok(Format::Csv));
        assert_eq!(Format::of_file("notes.txt"), Ok(Format::Plain));
        assert_eq!(Format::of_file("README"), Ok(Format::Plain));
        let error = Format::of_file("data/a.yaml").unwrap_err();
        assert!(error.contains(FORMATS_HINT), "{error}");
        assert!(Format::named("xml").unwrap_err().contains(FORMATS_HINT));
    }

    #[test]
    fn svg_sizes_come_from_width_and_height_else_the_view_box() {
        assert_eq!(
            svg_size("<?xml?><svg xmlns=\"x\" width=\"120px\" height='40.4'>"),
            Some((120, 40))
        );
        assert_eq!(
            svg_size("<svg viewBox=\"0 0 300 150\" width=\"100%\">"),
            Some((300, 150))
        );
        assert_eq!(svg_size("<svg>"), None);
        assert_eq!(svg_size("not an image"), None);
    }

    #[test]
    fn bitmaps_are_measured_by_their_headers() {
        // A 3x2 PNG's signature and header chunk.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend([0, 0, 0, 3, 0, 0, 0, 2, 8, 6, 0, 0, 0]);
        assert_eq!(image_size(&png), Some((3, 2, format("png", "image/png"))));
    }

    #[test]
    fn a_file_is_looked_for_in_zolas_places_each_recorded() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir_all(root.join("static/css")).unwrap();
        std::fs::write(root.join("static/css/a.css"), "a").unwrap();
        let files = SiteFiles {
            root: root.to_path_buf(),
            real_root: std::fs::canonicalize(root).unwrap(),
            real_theme: None,
            places: vec![
                root.to_path_buf(),
                root.join("static"),
                root.join("content"),
            ],
            output: root.join("public"),
        };
        let mut reads = Vec::new();
        let found = files.find("/css//a.css", &mut reads).unwrap();
        assert_eq!(found, Some(root.join("static/css/a.css")));
        assert_eq!(
            reads,
            [
                Read::Folder(root.join("css").into()),
                Read::File(root.join("css/a.css").into()),
                Read::Folder(root.join("static/css").into()),
                Read::File(root.join("static/css/a.css").into()),
            ]
        );
        reads.clear();
        assert_eq!(files.find("@/x.csv", &mut reads), Ok(None));
        assert_eq!(reads, [Read::File(root.join("content/x.csv").into())]);
        assert!(
            files
                .find("../x", &mut reads)
                .unwrap_err()
                .contains("leads out")
        );
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/p.json"), "{}").unwrap();
        let error = files.find("public/p.json", &mut reads).unwrap_err();
        assert!(error.contains("output folder"), "{error}");
    }
}

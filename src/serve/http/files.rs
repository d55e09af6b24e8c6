//! A file of the site in, a response out. Pages (HTML) are read whole to put the live-reload
//! script in; any other file is streamed from disk in chunks, and a single `Range` gets just
//! the part asked for (`206`), which is how browsers seek in video and audio. Content types
//! come from `mime_guess`.

use std::fs::File;
use std::io::{self, Seek as _, SeekFrom};
use std::ops::RangeInclusive;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{HeaderMap, Response, StatusCode, Uri};
use tokio::io::{AsyncRead as _, ReadBuf};

use super::resolve::{self, Found, SitePath};
use super::{ResponseBody, SCRIPT_PATH, State, redirect, respond, text};
use crate::templates::escape_html;

/// How much of a streamed file is read at a time.
const CHUNK: usize = 64 * 1024;

/// The response for `path`, a request for a file of the site; with blocking calls, so it runs
/// away from the thread that drives the connections.
pub(super) fn serve_file(
    state: &State,
    path: &SitePath,
    uri: &Uri,
    headers: &HeaderMap,
) -> Response<ResponseBody> {
    match resolve::find(&state.site_dir, path) {
        Found::File(file) => file_response(state, StatusCode::OK, &file, headers)
            .unwrap_or_else(|_| not_found(state, path)),
        Found::Folder => {
            let query = uri.query().map(|query| format!("?{query}"));
            let location = format!("{}/{}", uri.path(), query.unwrap_or_default());
            redirect(StatusCode::MOVED_PERMANENTLY, &location).map(ResponseBody::Full)
        }
        Found::Missing => not_found(state, path),
    }
}

/// The site's own 404 page; but while the build is broken, a page that is not there may be the
/// one that failed (or there is no site yet), so the error is shown instead.
fn not_found(state: &State, path: &SitePath) -> Response<ResponseBody> {
    let report = state.status().error.clone();
    if let Some(report) = report.filter(|_| path.is_page()) {
        let page = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Build failed</title></head>\n<body><h1>Build failed</h1>\n<pre>{}</pre>\n\
             </body></html>\n",
            escape_html(&report)
        );
        let html = inject_script(page.into_bytes(), &script_tag(state));
        let status = StatusCode::INTERNAL_SERVER_ERROR;
        return respond(status, "text/html; charset=utf-8", html).map(ResponseBody::Full);
    }
    let page = resolve::find_404_page(&state.site_dir).and_then(|page| {
        file_response(state, StatusCode::NOT_FOUND, &page, &HeaderMap::new()).ok()
    });
    page.unwrap_or_else(|| text(StatusCode::NOT_FOUND, "not found\n").map(ResponseBody::Full))
}

/// `file` as a response: a page read whole with the live-reload script put in, anything else
/// streamed (only the part a `Range` in `headers` asks for, with `status` 200).
fn file_response(
    state: &State,
    status: StatusCode,
    file: &Path,
    headers: &HeaderMap,
) -> io::Result<Response<ResponseBody>> {
    let content_type = content_type(file);
    if content_type.starts_with("text/html") {
        // The builder replaces files by renaming, so a read sees a whole old or new file.
        let html = inject_script(std::fs::read(file)?, &script_tag(state));
        return Ok(respond(status, &content_type, html).map(ResponseBody::Full));
    }
    // Opened once: what is sent is this file, even if the builder renames another over it.
    let mut opened = File::open(file)?;
    let length = opened.metadata()?.len();
    let part = if status == StatusCode::OK {
        requested_part(headers, length)
    } else {
        Part::Whole
    };
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT_RANGES, "bytes");
    let (status, start, count) = match part {
        Part::Whole => (status, 0, length),
        Part::Range(range) => {
            let (start, end) = range.into_inner();
            let content_range = format!("bytes {start}-{end}/{length}");
            response = response.header(header::CONTENT_RANGE, content_range);
            (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
        }
        Part::Unsatisfiable => {
            let mut response = text(StatusCode::RANGE_NOT_SATISFIABLE, "range not satisfiable\n");
            let content_range =
                HeaderValue::try_from(format!("bytes */{length}")).expect("a valid header value");
            response
                .headers_mut()
                .insert(header::CONTENT_RANGE, content_range);
            return Ok(response.map(ResponseBody::Full));
        }
    };
    opened.seek(SeekFrom::Start(start))?;
    let body = FileBody {
        file: tokio::fs::File::from_std(opened),
        left: count,
        buffer: vec![0; CHUNK].into_boxed_slice(),
    };
    Ok(response
        .status(status)
        .header(header::CONTENT_LENGTH, count)
        .body(ResponseBody::File(body))
        .expect("a valid response"))
}

/// What part of a file a request asks for.
#[derive(Debug, PartialEq)]
enum Part {
    /// No `Range`, or one that a server may ignore (RFC 9110): several ranges, a unit other
    /// than bytes, a header that does not parse, or an `If-Range` (we give no validators).
    Whole,
    Range(RangeInclusive<u64>),
    /// The range starts beyond the end: `416`.
    Unsatisfiable,
}

/// The part of a file of `length` bytes that `headers` ask for.
fn requested_part(headers: &HeaderMap, length: u64) -> Part {
    if headers.contains_key(header::IF_RANGE) {
        return Part::Whole;
    }
    let Some(Ok(range)) = headers.get(header::RANGE).map(HeaderValue::to_str) else {
        return Part::Whole;
    };
    let Ok(parsed) = http_range_header::parse_range_header(range) else {
        return Part::Whole;
    };
    match parsed.validate(length) {
        Ok(ranges) if ranges.len() == 1 => Part::Range(ranges[0].clone()),
        Ok(_) => Part::Whole,
        Err(http_range_header::RangeUnsatisfiableError::Unsatisfiable) => Part::Unsatisfiable,
        Err(_) => Part::Whole,
    }
}

/// The content type for `file`'s extension; text types say they are UTF-8, as the site's
/// files are.
fn content_type(file: &Path) -> String {
    let guess = mime_guess::from_path(file).first_raw();
    let guess = guess.unwrap_or("application/octet-stream");
    let is_text = guess.starts_with("text/")
        || guess == "application/javascript"
        || (guess.starts_with("application/") && guess.ends_with("+xml"));
    if is_text {
        format!("{guess}; charset=utf-8")
    } else {
        guess.to_owned()
    }
}

/// The live-reload script's tag. It carries the build count, and while the build is broken the
/// report, so that the overlay shows as soon as the page does.
fn script_tag(state: &State) -> String {
    let src = escape_html(&format!("{}{SCRIPT_PATH}", state.prefix));
    let status = state.status();
    let mut tag = format!("<script src=\"{src}\" data-build=\"{}\"", status.build);
    if let Some(report) = &status.error {
        tag.push_str(&format!(" data-error=\"{}\"", escape_html(report)));
    }
    tag.push_str("></script>");
    tag
}

/// Puts `tag` just before the last `</body>`, or at the end when there is none.
fn inject_script(mut html: Vec<u8>, tag: &str) -> Vec<u8> {
    let at = html
        .windows(b"</body>".len())
        .rposition(|window| window.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.bytes());
    html
}

/// The `left` bytes of an open file from where it stands, read a chunk at a time as the
/// connection takes them.
#[derive(Debug)]
pub(super) struct FileBody {
    file: tokio::fs::File,
    left: u64,
    buffer: Box<[u8]>,
}

impl Body for FileBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<io::Result<Frame<Bytes>>>> {
        let this = self.get_mut();
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(this.left).map_or(CHUNK, |left| left.min(CHUNK));
        let mut read = ReadBuf::new(&mut this.buffer[..want]);
        match Pin::new(&mut this.file).poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Some(Err(error))),
            Poll::Ready(Ok(())) if read.filled().is_empty() => {
                let shorter = io::Error::new(io::ErrorKind::UnexpectedEof, "the file got shorter");
                Poll::Ready(Some(Err(shorter)))
            }
            Poll::Ready(Ok(())) => {
                let chunk = Bytes::copy_from_slice(read.filled());
                this.left -= chunk.len() as u64;
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_range_is_served_and_the_rest_is_whole() {
        let part = |range: &str, length| {
            let mut headers = HeaderMap::new();
            headers.insert(header::RANGE, HeaderValue::from_str(range).unwrap());
            requested_part(&headers, length)
        };
        assert_eq!(part("bytes=0-0", 10), Part::Range(0..=0));
        assert_eq!(part("bytes=-20", 10), Part::Range(0..=9));
        assert_eq!(part("bytes=9-", 10), Part::Range(9..=9));
        assert_eq!(part("bytes=10-", 10), Part::Unsatisfiable);
        assert_eq!(part("bytes=0-1, 3-4", 10), Part::Whole);
        assert_eq!(part("bytes=4-2", 10), Part::Whole);
        assert_eq!(part("bytes=", 10), Part::Whole);
        assert_eq!(requested_part(&HeaderMap::new(), 10), Part::Whole);
    }
}

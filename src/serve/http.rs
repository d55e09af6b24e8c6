//! The live preview's HTTP server: a built site folder in, HTTP responses and reload events out.
//!
//! [`Server::start`] serves the files under [`HttpOptions::site_dir`] below a URL prefix, on a
//! background thread; only GET and HEAD, and only files inside the site folder (`resolve`).
//! Requests for files wait until the first build is done ([`Server::ready`]), so that a browser
//! opened at once gets the page, not "not found".
//! Every HTML response gets the live-reload script (`livereload.js`), which listens to
//! Server-Sent Events at `<prefix>/__workplan/events`: [`Server::reload`] and
//! [`Server::show_error`] send them to every open tab.

mod resolve;

use std::convert::Infallible;
use std::ffi::OsStr;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use http_body_util::{Either, Full};
use hyper::body::{Body, Bytes, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, broadcast, mpsc, oneshot, watch};

use crate::templates::escape_html;
use resolve::{Found, SitePath};

/// Where the live-reload endpoints live, below the prefix.
const EVENTS_PATH: &str = "/__workplan/events";
const SCRIPT_PATH: &str = "/__workplan/livereload.js";
const SCRIPT: &str = include_str!("livereload.js");
/// Proxies and browsers drop connections that stay silent too long.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Connections served at once; more wait to be accepted. Well below the usual limit of 1024
/// open files, so that the rebuilds running beside the server can still open theirs.
const MAX_CONNECTIONS: usize = 512;

/// Where and what to serve.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// The only interface listened on (the caller's default is 127.0.0.1).
    pub interface: IpAddr,
    /// The port; 0 picks any free one.
    pub port: u16,
    /// The built site (index.html files, assets); it may not exist yet if the first build failed.
    pub site_dir: PathBuf,
    /// `""` or a sub-path such as `"/plan"` (no trailing slash): the site is served under it.
    pub prefix: String,
    /// How long a connection may take to send a request's headers, or stay idle between
    /// requests, before it is closed ([`HEADER_TIMEOUT`] unless a test wants less).
    pub header_timeout: Duration,
}

/// The usual [`HttpOptions::header_timeout`]: longer than any browser needs to send a request,
/// and than the pause between a page and the files it loads.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// A running preview server; it stops when dropped.
#[derive(Debug)]
pub struct Server {
    address: SocketAddr,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// What the request handlers share with the [`Server`] handle.
#[derive(Debug)]
struct State {
    site_dir: PathBuf,
    prefix: String,
    address: SocketAddr,
    header_timeout: Duration,
    status: Mutex<Status>,
    /// Whether the first build is done (or failed); until then requests for files wait.
    ready: watch::Sender<bool>,
    /// Encoded SSE messages for every open tab.
    events: broadcast::Sender<Bytes>,
}

/// What pages served from now on, and tabs that connect later, must be told.
#[derive(Debug, Default)]
struct Status {
    /// Counts the rebuilds. A page carries the count it was served at, so a tab that connects
    /// only after a rebuild (the page was on its way) still learns that it is stale.
    build: u64,
    /// The last rebuild's report while it is broken.
    error: Option<String>,
}

type ResponseBody = Either<Full<Bytes>, EventStream>;

impl Server {
    /// Binds and starts serving on a background thread (tokio current-thread runtime); returns
    /// once listening. A port in use is an error saying so, with a hint (`--port`).
    pub fn start(options: HttpOptions) -> anyhow::Result<Server> {
        let listener = bind(SocketAddr::new(options.interface, options.port))?;
        let address = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the preview server's runtime")?;
        let listener = {
            let _runtime = runtime.enter();
            TcpListener::from_std(listener)?
        };
        let state = Arc::new(State {
            site_dir: options.site_dir,
            prefix: options.prefix.trim_end_matches('/').to_owned(),
            address,
            header_timeout: options.header_timeout,
            status: Mutex::default(),
            ready: watch::Sender::new(false),
            events: broadcast::channel(16).0,
        });
        let (shutdown, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("workplan-http".into())
            .spawn({
                let state = Arc::clone(&state);
                move || runtime.block_on(accept(listener, state, stopped))
            })
            .context("starting the preview server's thread")?;
        Ok(Server {
            address,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The address the server listens on (with the actual port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The first build is done: requests held until now are answered. ([`Server::reload`] and
    /// [`Server::show_error`] say so too.)
    pub fn ready(&self) {
        self.state.ready.send_replace(true);
    }

    /// Tells every open tab that these site files changed (URL paths below the prefix, e.g.
    /// `"/priorities/x/"`, `"/style.css"`): CSS only swaps the stylesheets, anything else
    /// reloads the page. Also clears an error overlay.
    pub fn reload(&self, changed: &[String]) {
        {
            let mut status = self.state.status();
            status.build += 1;
            status.error = None;
        }
        let css_only = !changed.is_empty()
            && changed.iter().all(|path| {
                Path::new(path)
                    .extension()
                    .is_some_and(|extension| extension.eq_ignore_ascii_case("css"))
            });
        let name = if css_only { "css" } else { "reload" };
        self.state.broadcast(event(name, &changed.join("\n")));
        self.ready();
    }

    /// The last rebuild failed: every tab shows `report` as an overlay, and HTML responses carry
    /// it too until [`Server::reload`] is called.
    pub fn show_error(&self, report: &str) {
        self.state.status().error = Some(report.to_owned());
        self.state.broadcast(event("error", report));
        self.ready();
    }

    /// Stops serving (also on drop).
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl State {
    fn status(&self) -> MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn broadcast(&self, message: Bytes) {
        // An error here only means that no tab is open.
        let _ = self.events.send(message);
    }
}

fn bind(address: SocketAddr) -> anyhow::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(address).map_err(|error| {
        let message = if error.kind() == io::ErrorKind::AddrInUse {
            format!(
                "cannot listen on {address}: the port is already in use \
                 (hint: stop the other server, or choose another port with `--port`)"
            )
        } else {
            format!("cannot listen on {address}")
        };
        anyhow::Error::new(error).context(message)
    })?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

async fn accept(listener: TcpListener, state: Arc<State>, mut stopped: oneshot::Receiver<()>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let accepted = async {
            let slot = Arc::clone(&slots).acquire_owned().await;
            (slot, listener.accept().await)
        };
        tokio::select! {
            _ = &mut stopped => return,
            (slot, accepted) = accepted => match accepted {
                Ok((stream, _)) => {
                    let state = Arc::clone(&state);
                    tokio::spawn(async move {
                        serve_connection(stream, state).await;
                        drop(slot);
                    });
                }
                // Out of file descriptors, say: wait for connections to close instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            },
        }
    }
    // Dropping the runtime when this returns ends every open connection, event streams included.
}

/// Serves one connection until the client closes it, or sends no request for
/// [`HttpOptions::header_timeout`]: hyper's header timeout runs from the moment it waits for
/// a request, so it also ends idle keep-alive connections (an event stream is a response in
/// progress, never idle).
async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let header_timeout = state.header_timeout;
    let service = service_fn(move |request| handle(request, Arc::clone(&state)));
    // A connection that breaks off is the browser's business, not an error to report.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn handle(
    request: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<ResponseBody>, Infallible> {
    let method = request.method().clone();
    let mut response = if method == Method::GET || method == Method::HEAD {
        route(request.uri(), state).await
    } else {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        let allow = HeaderValue::from_static("GET, HEAD");
        response.headers_mut().insert(header::ALLOW, allow);
        response.map(Either::Left)
    };
    let headers = response.headers_mut();
    // A preview must never show a stale file.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let nosniff = HeaderValue::from_static("nosniff");
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, nosniff);
    if method == Method::HEAD {
        // The headers, Content-Length included, stay those of the GET.
        response = response.map(|_| Either::Left(Full::default()));
    }
    Ok(response)
}

async fn route(uri: &Uri, state: Arc<State>) -> Response<ResponseBody> {
    if !names_this_server(uri, state.address) {
        return text(StatusCode::BAD_REQUEST, "bad request target\n").map(Either::Left);
    }
    let Some(site_path) = strip_prefix(uri.path(), &state.prefix) else {
        let response = if uri.path() == "/" {
            redirect(StatusCode::FOUND, &format!("{}/", state.prefix))
        } else {
            text(StatusCode::NOT_FOUND, "not found\n")
        };
        return response.map(Either::Left);
    };
    match site_path {
        // The prefix names the site's root folder, which is asked for with a slash.
        "" => {
            let location = format!("{}/", state.prefix);
            return redirect(StatusCode::MOVED_PERMANENTLY, &location).map(Either::Left);
        }
        EVENTS_PATH => return events(&state, uri.query()).map(Either::Right),
        SCRIPT_PATH => {
            let script = SCRIPT.as_bytes().to_vec();
            let response = respond(StatusCode::OK, "text/javascript; charset=utf-8", script);
            return response.map(Either::Left);
        }
        _ => {}
    }
    let Some(path) = SitePath::parse(site_path) else {
        return text(StatusCode::BAD_REQUEST, "bad request path\n").map(Either::Left);
    };
    // An error means that the server is stopping, and any answer will do.
    let _ = state.ready.subscribe().wait_for(|ready| *ready).await;
    let uri = uri.clone();
    // Files are read with blocking calls, away from the thread that drives the event streams.
    let response = tokio::task::spawn_blocking(move || serve_file(&state, &path, &uri)).await;
    response
        .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n"))
        .map(Either::Left)
}

/// Whether an absolute-form target (`GET http://host/path`) names this server; browsers only
/// send them to proxies. The usual origin-form (`GET /path`) always does.
fn names_this_server(uri: &Uri, address: SocketAddr) -> bool {
    let Some(host) = uri.host() else {
        return uri.scheme().is_none();
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip_matches = host.parse::<IpAddr>().is_ok_and(|ip| {
        ip == address.ip() || (address.ip().is_unspecified() && !ip.is_unspecified())
    });
    uri.scheme_str() == Some("http")
        && uri.port_u16().unwrap_or(80) == address.port()
        && (ip_matches || host.eq_ignore_ascii_case("localhost"))
}

/// The path below the prefix (`"/..."` or `""` for the prefix itself), or `None` outside it.
fn strip_prefix<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

fn serve_file(state: &State, path: &SitePath, uri: &Uri) -> Response<Full<Bytes>> {
    match resolve::find(&state.site_dir, path) {
        // The builder replaces files by renaming, so a read sees a whole old or new file.
        Found::File(file) => match std::fs::read(&file) {
            Ok(bytes) => file_response(state, StatusCode::OK, &file, bytes),
            Err(_) => not_found(state, path),
        },
        Found::Folder => {
            let query = uri.query().map(|query| format!("?{query}"));
            let location = format!("{}/{}", uri.path(), query.unwrap_or_default());
            redirect(StatusCode::MOVED_PERMANENTLY, &location)
        }
        Found::Missing => not_found(state, path),
    }
}

/// The site's own 404 page; but while the build is broken, a page that is not there may be the
/// one that failed (or there is no site yet), so the error is shown instead.
fn not_found(state: &State, path: &SitePath) -> Response<Full<Bytes>> {
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
        return respond(status, "text/html; charset=utf-8", html);
    }
    let page = resolve::find_404_page(&state.site_dir);
    match page.as_ref().map(|page| (page, std::fs::read(page))) {
        Some((page, Ok(bytes))) => file_response(state, StatusCode::NOT_FOUND, page, bytes),
        _ => text(StatusCode::NOT_FOUND, "not found\n"),
    }
}

fn file_response(
    state: &State,
    status: StatusCode,
    file: &Path,
    bytes: Vec<u8>,
) -> Response<Full<Bytes>> {
    let content_type = content_type(file);
    let bytes = if content_type.starts_with("text/html") {
        inject_script(bytes, &script_tag(state))
    } else {
        bytes
    };
    respond(status, content_type, bytes)
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

fn content_type(file: &Path) -> &'static str {
    let extension = file.extension().and_then(OsStr::to_str).unwrap_or_default();
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn respond(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        // Set here rather than left to hyper, so that a HEAD response tells the GET's length.
        .header(header::CONTENT_LENGTH, body.len())
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    respond(status, "text/plain; charset=utf-8", body.into())
}

fn redirect(status: StatusCode, location: &str) -> Response<Full<Bytes>> {
    let mut response = text(status, "");
    match HeaderValue::try_from(location) {
        Ok(location) => {
            response.headers_mut().insert(header::LOCATION, location);
        }
        Err(_) => *response.status_mut() = StatusCode::BAD_REQUEST,
    }
    response
}

/// The event stream of one tab: what it missed first (a rebuild since its page was served, the
/// current error), then every event until the tab goes away.
fn events(state: &State, query: Option<&str>) -> Response<EventStream> {
    // Subscribed before the status is read, so that no event falls in between.
    let mut updates = state.events.subscribe();
    let mut first = String::from("retry: 1000\n\n");
    {
        let status = state.status();
        let page_build = query
            .into_iter()
            .flat_map(|query| query.split('&'))
            .find_map(|pair| pair.strip_prefix("build="));
        if page_build.is_some_and(|build| build != status.build.to_string()) {
            first.push_str(&String::from_utf8_lossy(&event("reload", "")));
        } else if let Some(report) = &status.error {
            first.push_str(&String::from_utf8_lossy(&event("error", report)));
        }
    }
    let (sender, receiver) = mpsc::channel(8);
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + KEEP_ALIVE;
        let mut keep_alive = tokio::time::interval_at(start, KEEP_ALIVE);
        let mut message = Bytes::from(first);
        loop {
            if sender.send(message).await.is_err() {
                return;
            }
            message = tokio::select! {
                update = updates.recv() => match update {
                    Ok(update) => update,
                    // Whatever the missed events were, a reload brings the tab up to date.
                    Err(broadcast::error::RecvError::Lagged(_)) => event("reload", ""),
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = keep_alive.tick() => Bytes::from_static(b": keep-alive\n\n"),
                () = sender.closed() => return,
            };
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(EventStream(receiver))
        .expect("a valid response")
}

/// One SSE message; each line of `data` goes on a `data:` line of its own.
fn event(name: &str, data: &str) -> Bytes {
    let mut message = format!("event: {name}\n");
    for line in data.replace("\r\n", "\n").split(['\n', '\r']) {
        message.push_str("data: ");
        message.push_str(line);
        message.push('\n');
    }
    message.push('\n');
    Bytes::from(message)
}

/// A response body that never ends by itself: the messages of an event stream.
#[derive(Debug)]
struct EventStream(mpsc::Receiver<Bytes>);

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let message = self.0.poll_recv(cx);
        message.map(|message| message.map(|bytes| Ok(Frame::data(bytes))))
    }
}

#[cfg(test)]
mod tests;

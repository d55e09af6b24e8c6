//! The live preview's HTTP server: a built site folder in, HTTP responses and reload events out.
//!
//! [`Server::start`] serves the files under [`HttpOptions::site_dir`] below a URL prefix, on a
//! background thread: only GET and HEAD, only files inside the site folder (`resolve`), and
//! only to requests that name this machine (an IP address, `localhost`, or a name the user
//! allowed), so that no other site can read the preview through DNS rebinding. Requests for
//! files wait until the first build is done ([`Server::ready`]), so that a browser opened at
//! once gets the page, not "not found"; `files` answers them (pages, streamed files, ranges).
//!
//! Every HTML response gets the live-reload script (`livereload.js`), which listens to
//! Server-Sent Events at `<prefix>/__workplan/events` (`events`): [`Server::reload`] and
//! [`Server::show_error`] send them to every open tab. Connections that send no request for
//! [`HttpOptions::header_timeout`], or take nothing of a response for
//! [`HttpOptions::write_timeout`], are closed.

mod events;
mod files;
mod resolve;

use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use http_body_util::Full;
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::http::uri::Authority;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, broadcast, oneshot, watch};
use tokio_io_timeout::TimeoutStream;

use events::{EventStream, event};
use files::FileBody;
use resolve::SitePath;

/// Where the live-reload endpoints live, below the prefix.
const EVENTS_PATH: &str = "/__workplan/events";
const SCRIPT_PATH: &str = "/__workplan/livereload.js";
const SCRIPT: &str = include_str!("livereload.js");
/// Connections served at once; more wait to be accepted. Well below the usual limit of 1024
/// open files, so that the rebuilds running beside the server can still open theirs.
const MAX_CONNECTIONS: usize = 512;
/// Threads that find, open and read files (tokio's default is 512): each brings a memory arena
/// of its own that is not given back, and the disk serves no more at once.
const FILE_THREADS: usize = 8;

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
    /// How long a connection may take nothing of what is sent to it before it is closed
    /// ([`WRITE_TIMEOUT`] unless a test wants less).
    pub write_timeout: Duration,
    /// Host names answered besides IP addresses and `localhost` (`--allow-host`).
    pub allowed_hosts: Vec<String>,
}

/// The usual [`HttpOptions::header_timeout`]: longer than any browser needs to send a request,
/// and than the pause between a page and the files it loads.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The usual [`HttpOptions::write_timeout`]: a tab that pauses a video stops reading it, and
/// asks again for the rest (a `Range`) when it plays on.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

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
    write_timeout: Duration,
    /// [`HttpOptions::allowed_hosts`], lowercase, without a final dot.
    allowed_hosts: Vec<String>,
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

/// What a response carries: bytes in memory, a file read as it is sent, or an event stream.
#[derive(Debug)]
enum ResponseBody {
    Full(Full<Bytes>),
    File(FileBody),
    Events(EventStream),
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<io::Result<Frame<Bytes>>>> {
        let infallible = |frame: Option<Result<Frame<Bytes>, Infallible>>| {
            frame.map(|frame| frame.map_err(|never| match never {}))
        };
        match self.get_mut() {
            ResponseBody::Full(body) => Pin::new(body).poll_frame(cx).map(infallible),
            ResponseBody::File(body) => Pin::new(body).poll_frame(cx),
            ResponseBody::Events(body) => Pin::new(body).poll_frame(cx).map(infallible),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ResponseBody::Full(body) => body.is_end_stream(),
            ResponseBody::File(body) => body.is_end_stream(),
            ResponseBody::Events(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ResponseBody::Full(body) => body.size_hint(),
            ResponseBody::File(body) => body.size_hint(),
            ResponseBody::Events(body) => body.size_hint(),
        }
    }
}

impl Server {
    /// Binds and starts serving on a background thread (tokio current-thread runtime); returns
    /// once listening. A port in use is an error saying so, with a hint (`--port`).
    pub fn start(options: HttpOptions) -> anyhow::Result<Server> {
        let listener = bind(SocketAddr::new(options.interface, options.port))?;
        let address = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(FILE_THREADS)
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
            write_timeout: options.write_timeout,
            allowed_hosts: options
                .allowed_hosts
                .iter()
                .map(|name| name.trim_end_matches('.').to_ascii_lowercase())
                .collect(),
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

/// Serves one connection until the client closes it, sends no request for
/// [`HttpOptions::header_timeout`], or takes nothing of a response for
/// [`HttpOptions::write_timeout`]. Hyper's header timeout runs from the moment it waits for a
/// request, so it also ends idle keep-alive connections (an event stream is a response in
/// progress, never idle).
async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let header_timeout = state.header_timeout;
    let mut stream = TimeoutStream::new(stream);
    stream.set_write_timeout(Some(state.write_timeout));
    let service = service_fn(move |request| handle(request, Arc::clone(&state)));
    // A connection that breaks off is the browser's business, not an error to report.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(Box::pin(stream)), service)
        .await;
}

async fn handle(
    request: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<ResponseBody>, Infallible> {
    let method = request.method().clone();
    let mut response = if let Some(refusal) = refuse_host(&request, &state.allowed_hosts) {
        refusal.map(ResponseBody::Full)
    } else if method == Method::GET || method == Method::HEAD {
        route(request.uri(), request.headers(), state).await
    } else {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        let allow = HeaderValue::from_static("GET, HEAD");
        response.headers_mut().insert(header::ALLOW, allow);
        response.map(ResponseBody::Full)
    };
    let headers = response.headers_mut();
    // A preview must never show a stale file.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let nosniff = HeaderValue::from_static("nosniff");
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, nosniff);
    if method == Method::HEAD {
        // The headers, Content-Length included, stay those of the GET.
        response = response.map(|_| ResponseBody::Full(Full::default()));
    }
    Ok(response)
}

/// The refusal of a request that names another host than this machine: in its `Host` header,
/// or the authority of an absolute-form target (`GET http://host/path`). A request without
/// either (HTTP/1.0) is answered; browsers always send one.
fn refuse_host<B>(request: &Request<B>, allowed: &[String]) -> Option<Response<Full<Bytes>>> {
    let host = match request.uri().authority() {
        Some(authority) => Some(authority.as_str().as_bytes()),
        None => request
            .headers()
            .get(header::HOST)
            .map(HeaderValue::as_bytes),
    };
    let name = std::str::from_utf8(host?).ok().and_then(host_name);
    match name {
        Some(name) if is_allowed(&name, allowed) => None,
        Some(name) => {
            let shown: String = name.chars().take(200).collect();
            let message = format!(
                "workplan serve does not answer requests for `{shown}`: only for IP addresses, \
                 `localhost` and the names allowed with `--allow-host`, so that no other site \
                 can read the preview (DNS rebinding).\n\
                 hint: to reach it by this name, start it with `workplan serve --allow-host {shown}`\n"
            );
            Some(text(StatusCode::FORBIDDEN, &message))
        }
        None => Some(text(StatusCode::BAD_REQUEST, "bad Host header\n")),
    }
}

/// The host name or address of a `Host` header (`name[:port]`, `[v6]:port`), lowercase,
/// without brackets or a final dot; `None` if it is not one.
fn host_name(host: &str) -> Option<String> {
    let authority = host.parse::<Authority>().ok()?;
    let name = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let name = name.strip_suffix('.').unwrap_or(name);
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// Whether `name` (from [`host_name`]) is this machine's: any IP address (a page reached by
/// address is of that origin, which nothing can rebind), `localhost` and its sub-domains
/// (which browsers never look up in the DNS), or a name the user allowed.
fn is_allowed(name: &str, allowed: &[String]) -> bool {
    name.parse::<IpAddr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
        || allowed.iter().any(|allowed| allowed == name)
}

async fn route(uri: &Uri, headers: &HeaderMap, state: Arc<State>) -> Response<ResponseBody> {
    if !names_this_server(uri, state.address) {
        return text(StatusCode::BAD_REQUEST, "bad request target\n").map(ResponseBody::Full);
    }
    let Some(site_path) = strip_prefix(uri.path(), &state.prefix) else {
        let response = if uri.path() == "/" {
            redirect(StatusCode::FOUND, &format!("{}/", state.prefix))
        } else {
            text(StatusCode::NOT_FOUND, "not found\n")
        };
        return response.map(ResponseBody::Full);
    };
    match site_path {
        // The prefix names the site's root folder, which is asked for with a slash.
        "" => {
            let location = format!("{}/", state.prefix);
            return redirect(StatusCode::MOVED_PERMANENTLY, &location).map(ResponseBody::Full);
        }
        EVENTS_PATH => return events::events(&state, uri.query()).map(ResponseBody::Events),
        SCRIPT_PATH => {
            let script = SCRIPT.as_bytes().to_vec();
            let response = respond(StatusCode::OK, "text/javascript; charset=utf-8", script);
            return response.map(ResponseBody::Full);
        }
        _ => {}
    }
    let Some(path) = SitePath::parse(site_path) else {
        return text(StatusCode::BAD_REQUEST, "bad request path\n").map(ResponseBody::Full);
    };
    // An error means that the server is stopping, and any answer will do.
    let _ = state.ready.subscribe().wait_for(|ready| *ready).await;
    let (uri, headers) = (uri.clone(), headers.clone());
    // Files are found and opened with blocking calls, away from the thread that drives the
    // connections.
    let response =
        tokio::task::spawn_blocking(move || files::serve_file(&state, &path, &uri, &headers));
    response.await.unwrap_or_else(|_| {
        let response = text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n");
        response.map(ResponseBody::Full)
    })
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

#[cfg(test)]
mod tests;

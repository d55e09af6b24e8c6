//! A real browser for the tests that need one: headless Chromium driven through chromedriver's
//! W3C WebDriver API (what a page shows, how it lays out on a phone, whether a live reload
//! reaches a tab that is already open), and a tiny file server to open a built site over HTTP.
//! The tests of this module prove the client itself on a built site.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use std::{fs, thread};

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::harness::{PATIENCE, SiteTest};

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How the tests start Chromium: headless, and quiet on this machine's closed network (no
/// background connections, updates or sync).
pub const HEADLESS: [&str; 9] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
];
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

const PAGE_TEXT: &str = "return document.body ? document.body.innerText : ''";

/// A headless Chromium with one open tab. Dropping it closes the browser and its driver.
pub struct Browser {
    driver: Driver,
    /// `/session/<id>`, the prefix of every command.
    session: String,
    _profile: TempDir,
}

impl Browser {
    /// A fresh browser, or `None` (after printing `skipped: <test>: ...`) when Chromium or
    /// chromedriver is not installed. With `CI=true` a missing browser fails the test instead:
    /// CI must not skip quietly.
    pub fn start() -> Option<Self> {
        if ![CHROMIUM, CHROMEDRIVER]
            .iter()
            .all(|p| Path::new(p).exists())
        {
            let test = thread::current()
                .name()
                .unwrap_or("a browser test")
                .to_owned();
            let why = "headless Chromium not installed (apt-get install chromium chromium-driver)";
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{test}: {why}, and CI=true: CI runs every browser test"
            );
            println!("skipped: {test}: {why}");
            return None;
        }
        let profile = tempfile::tempdir().unwrap();
        let driver = Driver::start();
        let created = driver
            .post(
                "/session",
                &json!({"capabilities": {"alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": HEADLESS.iter().map(ToString::to_string).chain([
                            format!("--user-data-dir={}", profile.path().display()),
                            "--window-size=1280,900".to_owned(),
                        ]).collect::<Vec<_>>(),
                    },
                }}}),
            )
            .unwrap_or_else(|error| panic!("starting Chromium: {error}"));
        let id = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {created}"));
        let browser = Self {
            driver,
            session: format!("/session/{id}"),
            _profile: profile,
        };
        browser.command("timeouts", &json!({"script": 10_000, "pageLoad": 30_000}));
        Some(browser)
    }

    /// Opens `url` in the tab and waits until it has loaded.
    pub fn goto(&self, url: &str) {
        self.command("url", &json!({ "url": url }));
    }

    /// What the page shows: `document.body.innerText`.
    pub fn text(&self) -> String {
        let text = self.execute(PAGE_TEXT, &[]);
        text.as_str().unwrap_or_default().to_owned()
    }

    /// Runs `script` as the body of a function called with `args`; its return value.
    #[track_caller]
    pub fn execute(&self, script: &str, args: &[Value]) -> Value {
        self.try_execute(script, args)
            .unwrap_or_else(|error| panic!("running `{script}`: {error}"))
    }

    /// Runs `script` as the body of a function called with `args` and, last, a callback; the
    /// value the script passes to that callback (within the 10 s script timeout).
    #[track_caller]
    pub fn execute_async(&self, script: &str, args: &[Value]) -> Value {
        let body = json!({ "script": script, "args": args });
        self.driver
            .post(&format!("{}/execute/async", self.session), &body)
            .unwrap_or_else(|error| {
                // A script may carry a whole library: its start is enough to say which.
                let start: String = script.chars().take(200).collect();
                panic!("running the async script `{start}…`: {error}")
            })
    }

    fn try_execute(&self, script: &str, args: &[Value]) -> Result<Value, String> {
        let body = json!({ "script": script, "args": args });
        self.driver
            .post(&format!("{}/execute/sync", self.session), &body)
    }

    /// Polls `done` every 50 ms until it holds; after `timeout`, panics with the page's text.
    /// `what` says what was awaited, for that message.
    #[track_caller]
    pub fn wait_until(&self, what: &str, timeout: Duration, mut done: impl FnMut(&Self) -> bool) {
        let deadline = Instant::now() + timeout;
        while !done(self) {
            if Instant::now() > deadline {
                let text = self.try_execute(PAGE_TEXT, &[]).map_or_else(
                    |error| format!("(unreadable: {error})"),
                    |text| text.as_str().unwrap_or_default().to_owned(),
                );
                panic!("waited {timeout:?} for {what}; the page says:\n{text}");
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Resizes the window. The viewport gets its width, and a little less than its height.
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.command("window/rect", &json!({ "width": width, "height": height }));
    }

    /// Saves what the tab shows as a PNG.
    pub fn screenshot(&self, path: &Path) {
        let png = self
            .driver
            .get(&format!("{}/screenshot", self.session))
            .unwrap_or_else(|error| panic!("taking a screenshot: {error}"));
        let png = decode_base64(png.as_str().expect("a screenshot is a base64 string"));
        fs::write(path, png).unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
    }

    #[track_caller]
    fn command(&self, name: &str, body: &Value) -> Value {
        self.driver
            .post(&format!("{}/{name}", self.session), body)
            .unwrap_or_else(|error| panic!("WebDriver `{name}` {body}: {error}"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Closes Chromium; the driver goes when `self.driver` drops.
        let _ = self.driver.delete(&self.session);
    }
}

/// A chromedriver process on a port of its own, and the HTTP client that talks to it.
struct Driver {
    process: Child,
    url: String,
    http: ureq::Agent,
}

impl Driver {
    fn start() -> Self {
        let port = free_port();
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("starting {CHROMEDRIVER}: {error}"));
        let http = ureq::Agent::config_builder()
            .http_status_as_error(false) // WebDriver errors come as JSON with a 4xx or 5xx
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        let driver = Self {
            process,
            url: format!("http://127.0.0.1:{port}"),
            http,
        };
        let deadline = Instant::now() + PATIENCE;
        while !driver
            .get("/status")
            .is_ok_and(|status| status["ready"] == true)
        {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not get ready on port {port} in {PATIENCE:?}"
            );
            thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    fn get(&self, path: &str) -> Result<Value, String> {
        answer(self.http.get(format!("{}{path}", self.url)).call())
    }

    fn post(&self, path: &str, body: &Value) -> Result<Value, String> {
        answer(
            self.http
                .post(format!("{}{path}", self.url))
                .send_json(body),
        )
    }

    fn delete(&self, path: &str) -> Result<Value, String> {
        answer(self.http.delete(format!("{}{path}", self.url)).call())
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The `value` of a WebDriver answer, or its error as `error: message`.
fn answer(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Value, String> {
    let mut body = response.map_err(|error| error.to_string())?.into_body();
    // A screenshot of a long page, in base64, can pass ureq's default limit of 10 MB.
    let text = body
        .with_config()
        .limit(256 << 20)
        .read_to_string()
        .map_err(|error| error.to_string())?;
    let mut answer: Value =
        serde_json::from_str(&text).map_err(|error| format!("{error}: {text}"))?;
    let value = answer["value"].take();
    match value["error"].as_str() {
        Some(error) => Err(format!(
            "{error}: {}",
            value["message"].as_str().unwrap_or_default()
        )),
        None => Ok(value),
    }
}

/// A port nobody listens on now (the OS picks it; a tiny race with other programs is fine here).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Standard base64 (with padding and no line breaks, as WebDriver sends screenshots).
fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3);
    let (mut bits, mut count) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let sextet = ALPHABET
            .iter()
            .position(|&a| a == c)
            .unwrap_or_else(|| panic!("`{}` is not base64", char::from(c)));
        bits = bits << 6 | u32::try_from(sextet).unwrap();
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
        }
    }
    bytes
}

/// Serves the files of a folder at `http://127.0.0.1:<port>/`, for pages that must be opened
/// over HTTP, as readers get them (search, for one, needs HTTP). Bind first, so that the site
/// can be built for the address; the server lives as long as the test process.
pub struct FileServer {
    listener: TcpListener,
}

impl FileServer {
    pub fn bind() -> Self {
        Self {
            listener: TcpListener::bind("127.0.0.1:0").unwrap(),
        }
    }

    /// `http://127.0.0.1:<port>/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.listener.local_addr().unwrap())
    }

    pub fn serve(self, root: PathBuf) {
        thread::spawn(move || {
            for stream in self.listener.incoming().flatten() {
                let root = root.clone();
                // A connection of its own per thread: Chromium opens sockets ahead of requests.
                thread::spawn(move || respond(stream, &root));
            }
        });
    }
}

/// Answers one GET with the file it names (`index.html` for a folder), then closes.
fn respond(mut stream: TcpStream, root: &Path) {
    let mut request = String::new();
    let mut reader = BufReader::new(&stream);
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let path = request.split(' ').nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or_default();
    // Browsers percent-encode what is not ASCII (`/zh-Hans/topics/%E4%BA%A7...`).
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut file = root.join(path.trim_start_matches('/'));
    if file.is_dir() {
        file.push("index.html");
    }
    let (status, body) = match fs::read(&file) {
        Ok(body) => ("200 OK", body),
        Err(_) => ("404 Not Found", b"not found".to_vec()),
    };
    let kind = match file.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(&body));
}

#[test]
fn a_built_page_opens_from_disk() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    browser.goto(&format!(
        "file://{}",
        site.path("public/index.html").display()
    ));
    let text = browser.text();
    assert!(text.contains("Minimal plan"), "{text}");
    assert!(
        text.contains("The home page. See the priorities."),
        "{text}"
    );

    // The screenshot is a PNG as wide as the window.
    let png = site.outside().join("home.png");
    browser.screenshot(&png);
    let png = fs::read(png).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1280);
}

/// [`served`] for the shipped site.
pub fn served_shipped_site() -> (SiteTest, String) {
    served(SiteTest::shipped())
}

/// Builds `site` for a file server on a free port, serves it, and returns the site and its
/// address: a static host, as readers get it.
pub fn served(site: SiteTest) -> (SiteTest, String) {
    let server = FileServer::bind();
    let url = server.url();
    site.run(["build", "--base-url", &url]).success();
    server.serve(site.path("public"));
    (site, url)
}

/// On a priority page, choosing the other language in the switcher lands on the same area,
/// in that language, and back again.
#[test]
fn switching_language_on_a_priority_page_stays_on_the_area() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_site, url) = served_shipped_site();
    let area = format!("{url}priorities/vocational-education/");
    browser.goto(&area);
    let switch = |browser: &Browser, lang: &str| {
        browser.execute(
            "document.querySelector(`.language-switcher a[hreflang='${arguments[0]}']`).click()",
            &[lang.into()],
        );
    };
    switch(&browser, "zh-Hans");
    browser.wait_until("the Chinese page", PATIENCE, |browser| {
        browser.execute("return document.documentElement.lang", &[]) == "zh-Hans"
    });
    let heading = browser.execute("return document.querySelector('h1').innerText", &[]);
    assert_eq!(heading, "职业教育");
    let here = browser.execute("return location.href", &[]);
    assert_eq!(
        here,
        format!("{url}zh-Hans/priorities/vocational-education/index.html").as_str()
    );
    switch(&browser, "en");
    browser.wait_until("the English page", PATIENCE, |browser| {
        browser.execute("return document.documentElement.lang", &[]) == "en"
    });
    // Links name the file, which a folder opened from disk needs.
    assert_eq!(
        browser.execute("return location.href", &[]),
        format!("{area}index.html").as_str()
    );
}

#[test]
fn the_shipped_site_fits_a_phone() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_site, url) = served_shipped_site();

    browser.set_window_size(375, 800);
    browser.goto(&url);
    let width = browser.execute("return window.innerWidth", &[]);
    assert_eq!(width, 375, "the viewport is not a phone's");
    // The theme's stylesheet applies (a page without it fits a phone too easily).
    let styled = browser.execute(
        "return [...document.styleSheets].some(sheet => sheet.href && sheet.cssRules.length > 0)",
        &[],
    );
    assert_eq!(styled, true, "the stylesheet did not load");
    let scroll_width = browser.execute("return document.documentElement.scrollWidth", &[]);
    if scroll_width
        .as_u64()
        .is_none_or(|scroll_width| scroll_width > 375)
    {
        let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("phone-home.png");
        browser.screenshot(&shot);
        // The innermost elements that stick out, to say what to fix.
        let wide = browser.execute(
            "return [...document.body.querySelectorAll('*')]\
               .filter(e => e.getBoundingClientRect().right > 375 && \
                 ![...e.children].some(c => c.getBoundingClientRect().right > 375))\
               .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + \
                 Math.round(e.getBoundingClientRect().right))",
            &[],
        );
        panic!(
            "the home page is {scroll_width} px wide on a 375 px phone: it scrolls sideways \
             (see {}); sticking out: {wide}",
            shot.display()
        );
    }
}

#[test]
fn base64_decodes() {
    assert_eq!(decode_base64("aGVsbG8="), b"hello");
    assert_eq!(decode_base64("aGVsbG8h"), b"hello!");
    assert_eq!(decode_base64("aA=="), b"h");
    assert_eq!(decode_base64(""), b"");
}

//! `workplan serve`: the live preview. Over plain HTTP: where it writes (a private folder it
//! removes on Ctrl-C, SIGTERM and SIGHUP, or `--output-dir`, which stays, equal to a clean
//! build), a first build that fails, the interface it listens on. End to end in headless Chromium: edits on disk
//! must reach a tab that is already open, with no action in the browser: new text, an error
//! overlay for a broken page and its going away, a stylesheet applied without a reload.

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::browser::Browser;
use crate::harness::{PATIENCE, SiteTest, Spawned, eventually};

const PAGE: &str = "content/priorities/higher.md";
const OVERLAY: &str = r#"
    const dialog = document.querySelector('[role="alertdialog"]');
    return dialog && dialog.checkVisibility() ? dialog.innerText : null;
"#;

/// `workplan serve --port 0 ARGS` on `site`, after checking the address line it printed:
/// `Serving <site> at http://127.0.0.1:<port>/<sub_path>`.
#[track_caller]
fn serve(site: &SiteTest, args: &[&str], sub_path: &str) -> Spawned {
    serve_on(site, args, "127.0.0.1", sub_path)
}

/// [`serve`], listening on `host` (the address it prints).
#[track_caller]
fn serve_on(site: &SiteTest, args: &[&str], host: &str, sub_path: &str) -> Spawned {
    let mut command = vec!["serve", "--port", "0"];
    command.extend_from_slice(args);
    let server = site.spawn(command);
    let url = server.url();
    let port = url
        .strip_prefix(&format!("http://{host}:"))
        .and_then(|rest| rest.strip_suffix(&format!("/{sub_path}")))
        .unwrap_or_else(|| panic!("`{url}` is not http://{host}:<port>/{sub_path}"));
    assert!(port.parse::<u16>().is_ok_and(|port| port != 0), "{url}");
    let output = server.output();
    assert!(
        output
            .lines()
            .any(|line| line.starts_with("Serving ") && line.ends_with(&format!(" at {url}"))),
        "no `Serving <site> at {url}` line:\n{output}"
    );
    server
}

fn body_background(browser: &Browser) -> String {
    let color = browser.execute(
        "return getComputedStyle(document.body).backgroundColor",
        &[],
    );
    color.as_str().unwrap().to_owned()
}

#[test]
fn edits_reach_the_open_tab_and_errors_show_over_the_page() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::new("minimal");
    let server = serve(&site, &[], "");
    browser.goto(&format!("{}priorities/higher-education/", server.url()));
    let text = browser.text();
    assert!(text.contains("Higher education"), "{text}");
    assert!(text.contains("Better universities."), "{text}");

    site.replace(PAGE, "Better universities.", "Better universities, sooner.");
    browser.wait_until("the edited sentence", PATIENCE, |b| {
        b.text().contains("Better universities, sooner.")
    });

    site.replace(PAGE, "weight = 2\n", "weight = 2\ncolour = \"blue\"\n");
    browser.wait_until("the error overlay", PATIENCE, |b| {
        b.text().contains("unknown key")
    });
    let overlay = browser.execute(OVERLAY, &[]);
    let overlay = overlay.as_str().unwrap_or_else(|| {
        panic!("`unknown key` shows, but not in a visible role=\"alertdialog\": {overlay}")
    });
    assert!(overlay.contains("colour"), "{overlay}");
    let in_pre = browser.execute(
        r#"return document.querySelector('[role="alertdialog"] pre')?.innerText ?? null"#,
        &[],
    );
    assert!(
        in_pre
            .as_str()
            .is_some_and(|pre| pre.contains("unknown key")),
        "the report is not in a <pre>: {in_pre}"
    );

    site.replace(PAGE, "colour = \"blue\"\n", "")
        .replace(PAGE, "sooner.", "sooner, fixed.");
    browser.wait_until("the overlay to go and the fixed page", PATIENCE, |b| {
        b.execute(OVERLAY, &[]).is_null()
            && b.text().contains("Better universities, sooner, fixed.")
    });
    let text = browser.text();
    assert!(!text.contains("unknown key"), "{text}");
}

#[test]
fn a_stylesheet_edit_applies_without_a_reload() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::new("minimal");
    let server = serve(&site, &[], "");
    browser.goto(server.url());
    assert_eq!(body_background(&browser), "rgba(0, 0, 0, 0)");
    browser.execute("window.__marker = 1", &[]);

    site.replace(
        "static/style.css",
        "color: black;",
        "color: black; background-color: rgb(1, 2, 3);",
    );
    browser.wait_until("the new background", PATIENCE, |b| {
        body_background(b) == "rgb(1, 2, 3)"
    });
    let marker = browser.execute("return window.__marker ?? null", &[]);
    assert_eq!(marker, 1, "the page reloaded for a stylesheet edit");
}

#[test]
fn serve_under_a_sub_path() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = SiteTest::new("minimal");
    site.replace(
        "static/style.css",
        "color: black;",
        "color: black; background-color: rgb(1, 2, 3);",
    );
    let server = serve(&site, &["--base-url", "/plan/"], "plan/");
    browser.goto(server.url());
    let text = browser.text();
    assert!(text.contains("The home page."), "{text}");
    assert_eq!(body_background(&browser), "rgb(1, 2, 3)", "no stylesheet");

    let link = browser.execute(
        "return [...document.querySelectorAll('nav a')].find(a => a.innerText == 'priorities').href",
        &[],
    );
    let link = link.as_str().unwrap();
    assert!(
        link.starts_with(server.url()),
        "{link} is not under {}",
        server.url()
    );
    browser.goto(link);
    let text = browser.text();
    assert!(
        text.contains("The priority areas, lightest first."),
        "{text}"
    );
}

/// Waits for the first build to be done (`Serving` comes before it).
fn wait_for_first_build(server: &Spawned) {
    eventually("the first build", || {
        !server.stdout_lines("Built ").is_empty()
    });
}

/// A GET of `url` over plain HTTP: the status and the body, whatever the status.
fn get(url: &str) -> (u16, String) {
    get_within(url, PATIENCE)
}

/// [`get`], waiting up to `patience` for the answer.
fn get_within(url: &str, patience: Duration) -> (u16, String) {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(patience))
        .build()
        .new_agent();
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|error| panic!("GET {url}: {error}"));
    let body = response.body_mut().read_to_string().unwrap();
    (response.status().as_u16(), body)
}

/// Polls `url` until it answers `status` with a body that contains `text`; that body.
#[track_caller]
fn wait_for_page(url: &str, status: u16, text: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (now, body) = get(url);
        if now == status && body.contains(text) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "after {PATIENCE:?}, GET {url} is still {now}, not {status} with `{text}`:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The `workplan-serve-*` folders in the binary's temp folder: serve's private output.
fn private_folders(site: &SiteTest) -> Vec<PathBuf> {
    let entries = fs::read_dir(site.temp_dir()).unwrap();
    let paths = entries.map(|entry| entry.unwrap().path());
    paths
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with("workplan-serve-")
        })
        .collect()
}

/// A connection to `server` that has sent a GET of `path` (below the served prefix) with
/// `Host: host` (the server's address when `None`) and `headers`: raw TCP, where a client
/// library would choose the headers itself.
fn send_get(server: &Spawned, path: &str, host: Option<&str>, headers: &str) -> TcpStream {
    let address = server.url().trim_start_matches("http://");
    let (authority, prefix) = address.split_once('/').unwrap();
    let mut stream = TcpStream::connect(authority).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let host = host.unwrap_or(authority);
    write!(
        stream,
        "GET /{prefix}{path} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n"
    )
    .unwrap();
    stream
}

/// The port `server` listens on, from its address.
fn port_of(server: &Spawned) -> &str {
    let url = server.url().trim_end_matches('/');
    url.rsplit_once(':').map_or(url, |(_, port)| port)
}

/// An open tab's live-reload connection: the event stream, once its first event is in.
fn open_event_stream(server: &Spawned) -> TcpStream {
    let mut stream = send_get(server, "__workplan/events", None, "");
    let mut received = Vec::new();
    let mut buffer = [0; 1024];
    while !String::from_utf8_lossy(&received).contains("retry:") {
        let read = stream.read(&mut buffer).expect("the first event");
        assert!(read > 0, "the event stream closed at once");
        received.extend_from_slice(&buffer[..read]);
    }
    stream
}

/// Serve writes to a private folder, never to public/: one from an earlier build stays as it
/// was through the first build and a rebuild.
#[test]
fn serve_leaves_public_alone() {
    let site = SiteTest::new("minimal");
    site.run(["build"]).success();
    let public = site.tree("public");
    let server = serve(&site, &[], "");
    wait_for_first_build(&server);
    let page = format!("{}priorities/higher-education/", server.url());
    wait_for_page(&page, 200, "Better universities.");
    site.replace(PAGE, "Better universities.", "Served, not published.");
    wait_for_page(&page, 200, "Served, not published.");
    public.assert_unchanged(&site.tree("public"));
}

#[test]
fn a_first_build_that_fails_serves_the_error_until_fixed() {
    let site = SiteTest::new("minimal");
    site.replace(PAGE, "weight = 2\n", "weight = 2\ncolour = \"blue\"\n");
    let server = serve(&site, &[], "");
    let page = format!("{}priorities/higher-education/", server.url());
    let body = wait_for_page(&page, 500, "unknown key `colour`");
    assert!(
        body.contains("--&gt; content/priorities/higher.md:5:1\n"),
        "{body}"
    );
    // There is no site yet: every page is the error.
    wait_for_page(server.url(), 500, "unknown key `colour`");
    // Printed just after the failed build is served: not always before a page is answered.
    eventually("the report on stderr", || {
        server.stderr().contains("error: unknown key `colour`")
    });

    site.replace(PAGE, "colour = \"blue\"\n", "");
    wait_for_page(&page, 200, "Better universities.");
    wait_for_page(server.url(), 200, "The home page.");
}

/// Ctrl-C, with a tab open: the server says `Stopped.` and ends, its event stream closes,
/// its private folder goes, and the site is exactly as it was (no public/ either).
#[test]
fn ctrl_c_stops_the_server_and_removes_its_private_folder() {
    let site = SiteTest::new("minimal");
    let before = site.tree("");
    let mut server = serve(&site, &[], "");
    wait_for_page(server.url(), 200, "The home page.");
    let private = private_folders(&site);
    assert_eq!(private.len(), 1, "{private:?}");
    assert!(private[0].join("site/index.html").is_file(), "{private:?}");
    let mut tab = open_event_stream(&server);

    let status = server.interrupt();
    assert!(status.success(), "{status}");
    eventually("`Stopped.`", || server.stdout_lines("Stopped.").len() == 1);
    let mut rest = Vec::new();
    tab.read_to_end(&mut rest)
        .expect("the event stream to close when the server stops");
    assert_eq!(private_folders(&site), Vec::<PathBuf>::new());
    before.assert_unchanged(&site.tree(""));
}

/// `--output-dir` is the user's folder: serve builds and rebuilds there, and leaves it on
/// Ctrl-C.
#[test]
fn ctrl_c_leaves_the_output_dir_with_the_site() {
    let site = SiteTest::new("minimal");
    let mut server = serve(&site, &["--output-dir", "out"], "");
    wait_for_first_build(&server);
    let output = "out/priorities/higher-education/index.html";
    assert!(site.file(output).contains("Better universities."));
    site.replace(PAGE, "Better universities.", "Written to out/.");
    eventually("the edit in out/", || {
        fs::read_to_string(site.path(output)).is_ok_and(|html| html.contains("Written to out/."))
    });
    wait_for_page(server.url(), 200, "The home page.");
    eventually("the rebuild's line", || {
        !server.stdout_lines("Rebuilt").is_empty()
    });
    let out = site.tree("out");

    let status = server.interrupt();
    assert!(status.success(), "{status}");
    out.assert_unchanged(&site.tree("out"));
    assert!(!site.exists("public"));
    assert_eq!(private_folders(&site), Vec::<PathBuf>::new());
}

/// 127.0.0.1 unless asked: other machines cannot reach a preview by default. Linux answers on
/// every 127.x.y.z address, which shows what a socket is bound to.
#[test]
fn listens_on_127_0_0_1_unless_asked_for_every_interface() {
    let site = SiteTest::new("minimal");
    let server = serve(&site, &[], "");
    let port = port_of(&server);
    let other: SocketAddr = format!("127.0.0.2:{port}").parse().unwrap();
    if cfg!(target_os = "linux") {
        assert!(
            TcpStream::connect_timeout(&other, PATIENCE).is_err(),
            "the default server answers on {other}"
        );
    }
    drop(server);

    let server = serve_on(&site, &["--interface", "0.0.0.0"], "0.0.0.0", "");
    let port = port_of(&server);
    wait_for_page(&format!("http://127.0.0.1:{port}/"), 200, "The home page.");
    if cfg!(target_os = "linux") {
        wait_for_page(&format!("http://127.0.0.2:{port}/"), 200, "The home page.");
    }
}

/// After edits of every kind, served under a sub-path into `--output-dir`, the folder holds
/// exactly what a clean build writes with the base URL serve uses: the sub-path alone, so
/// that links work whatever the host and port.
#[test]
fn the_output_dir_equals_a_clean_build_after_edits() {
    let site = SiteTest::new("minimal");
    let server = serve(
        &site,
        &[
            "--base-url",
            "https://example.org/plan/",
            "--output-dir",
            "../served",
        ],
        "plan/",
    );
    wait_for_first_build(&server);
    let edits: [(&str, &dyn Fn()); 6] = [
        ("a body", &|| {
            site.replace(PAGE, "Better universities.", "Better, sooner.");
        }),
        ("a title", &|| {
            site.replace(
                "content/priorities/teachers.md",
                "title = \"Teachers\"",
                "title = \"Teaching\"",
            );
        }),
        ("a new page", &|| {
            site.write(
                "content/priorities/new-page.md",
                "+++\ntitle = \"New page\"\nweight = 5\n+++\n\nNew.\n",
            );
        }),
        ("a deleted page", &|| {
            fs::remove_file(site.path("content/priorities/zz-alpha.md")).unwrap();
        }),
        ("a renamed page", &|| {
            fs::rename(
                site.path("content/priorities/aa-beta.md"),
                site.path("content/priorities/beta.md"),
            )
            .unwrap();
        }),
        ("a stylesheet", &|| {
            site.replace("static/style.css", "color: black;", "color: navy;");
        }),
    ];
    for (count, (edit, apply)) in edits.iter().enumerate() {
        apply();
        eventually(&format!("the rebuild for {edit}"), || {
            server.stdout_lines("Rebuilt").len() > count
        });
    }
    wait_for_page(
        &format!("{}priorities/", server.url()),
        200,
        "href=\"../priorities/new-page/index.html\"",
    );

    site.run(["build", "--base-url", "/plan/", "--output-dir", "../clean"])
        .success();
    site.tree("../clean")
        .wait_for(&site.path("../served"), "a clean build");
}

/// Reproducer: serve empties its output folder without the checks `build` makes (the output
/// may not hold or lie in the folders the build reads), so `--output-dir content` deletes the
/// pages, and `--output-dir .` the whole site.
#[test]
fn serve_refuses_an_output_dir_that_holds_the_sites_files() {
    let site = SiteTest::new("minimal");
    let before = site.tree("");
    let command = ["serve", "--port", "0", "--output-dir", "content"];
    let mut server = site.spawn_until(command, "a line", |_| true);
    eventually("serve to exit, or to build", || {
        server.exited().is_some() || !server.stdout_lines("Built ").is_empty()
    });
    before.assert_unchanged(&site.tree(""));
    assert_eq!(server.exited().and_then(|status| status.code()), Some(1));
    assert!(
        server.stderr().contains("refusing to write the site to"),
        "{}",
        server.stderr()
    );
}

/// Reproducer: `build` keeps a `.git` in its output folder (a checkout of a hosting branch);
/// serve empties the folder it is given, `.git` included.
#[test]
fn serve_keeps_the_git_folder_of_its_output_dir() {
    let site = SiteTest::new("minimal");
    let out = site.outside().join("served");
    let git = out.join(".git");
    fs::create_dir_all(&git).unwrap();
    fs::write(git.join("HEAD"), "ref: refs/heads/pages\n").unwrap();
    let out_arg = out.to_str().unwrap().to_owned();
    let mut server = site.spawn_until(
        ["serve", "--port", "0", "--output-dir", &out_arg],
        "the first build",
        |line| line.starts_with("Built "),
    );
    assert!(
        out.join("index.html").exists(),
        "the site is not in {}",
        out.display()
    );
    assert_eq!(
        fs::read_to_string(git.join("HEAD")).unwrap(),
        "ref: refs/heads/pages\n"
    );
    assert!(server.interrupt().success());
    assert!(
        git.join("HEAD").exists(),
        "Ctrl-C removed {}",
        git.display()
    );
}

/// Reproducer: only Ctrl-C stopped serve cleanly; SIGTERM (what `kill`, systemd and container
/// runtimes send) and SIGHUP (the terminal closing) ended it on the spot, leaving its private
/// folder, the whole rendered site, in the temp folder.
#[cfg(unix)]
#[test]
fn sigterm_and_sighup_stop_the_server_and_remove_its_private_folder() {
    for signal in ["-TERM", "-HUP"] {
        let site = SiteTest::new("minimal");
        let mut server = serve(&site, &[], "");
        wait_for_page(server.url(), 200, "The home page.");
        assert_eq!(private_folders(&site).len(), 1);

        let status = server.signal(signal);
        assert!(status.success(), "{signal}: {status}");
        assert!(server.stdout().contains("Stopped."), "{signal}");
        assert_eq!(private_folders(&site), Vec::<PathBuf>::new(), "{signal}");
    }
}

/// Adds a section of `count` pages to `site`: enough that the first build takes a while.
fn add_bulk_pages(site: &SiteTest, count: usize) {
    site.write("content/bulk/_index.md", "+++\ntitle = \"Bulk\"\n+++\n");
    for n in 0..count {
        site.write(
            &format!("content/bulk/page-{n}.md"),
            format!("+++\ntitle = \"Page {n}\"\n+++\n\nText of page {n}.\n"),
        );
    }
}

/// Reproducer: the server answered before the first build had written anything, so a browser
/// opened at once (`--open`) showed "not found". Requests are held until the build is done.
#[test]
fn pages_asked_for_during_the_first_build_are_served_once_it_is_done() {
    let site = SiteTest::new("minimal");
    add_bulk_pages(&site, 4000);
    let server = serve(&site, &[], "");
    let early = server.stdout_lines("Built ").is_empty();
    // The first build of 4,000 pages may take long on a busy machine: the answer waits for it.
    let (status, body) = get_within(server.url(), PATIENCE * 6);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("The home page."), "{body}");
    let (status, body) = get(&format!("{}bulk/page-3999/", server.url()));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Text of page 3999."), "{body}");
    // Otherwise the test proved nothing; a machine this fast needs more pages.
    assert!(early, "the first build was done before the first request");
}

/// The status line of a GET of `/` from `server` with this `Host` header, over raw TCP (a
/// client library sets the header from the URL).
fn status_for_host(server: &Spawned, host: &str) -> String {
    let mut stream = send_get(server, "", Some(host), "Connection: close\r\n");
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.lines().next().unwrap_or_default().to_owned()
}

/// Reproducer: serve answered any `Host`, so a page of another site, its name pointed at
/// 127.0.0.1 (DNS rebinding), could read the preview. `--allow-host` names the exceptions.
#[test]
fn other_host_names_are_refused_unless_allowed() {
    let site = SiteTest::new("minimal");
    let server = serve(&site, &["--allow-host", "plan.test"], "");
    wait_for_first_build(&server);
    let port = port_of(&server);
    for allowed in [format!("localhost:{port}"), format!("plan.test:{port}")] {
        assert_eq!(
            status_for_host(&server, &allowed),
            "HTTP/1.1 200 OK",
            "{allowed}"
        );
    }
    let refused = status_for_host(&server, &format!("rebound.example:{port}"));
    assert_eq!(refused, "HTTP/1.1 403 Forbidden");
}

/// A template saved with a loop that never ends: the render watchdog stops `serve`, naming
/// the template, and its private folder goes with it, as on Ctrl-C.
#[test]
fn a_template_without_end_stops_serve_and_removes_its_private_folder() {
    let site = SiteTest::new("minimal").with_env("WORKPLAN_RENDER_TIMEOUT", "1");
    let mut server = serve(&site, &[], "");
    assert_eq!(private_folders(&site).len(), 1);
    site.write(
        "templates/page.html",
        "{% set all = range(end=100000) %}{% for i in all %}{% for j in all %}{% endfor %}{% endfor %}",
    );
    eventually("serve to stop", || server.exited().is_some());
    assert!(!server.exited().unwrap().success());
    eventually("the error naming the template", || {
        server.stderr().contains("templates/page.html")
    });
    assert_eq!(private_folders(&site), Vec::<PathBuf>::new());
}

//! `workplan serve` under load, on loopback: 200 connections asking for pages for 20 s while
//! saves rebuild the site, and a few slow clients that send a byte a second. Every request
//! must get a whole page of one build in time; the counts are printed (`--nocapture`). It
//! would crowd the timing of the tests beside it, so it is ignored by a plain `cargo test`:
//! `.ci/run` runs it on its own (`cargo test --test cli load -- --ignored`).

use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::harness::{PATIENCE, SiteTest, eventually};

const CLIENTS: usize = 200;
const SLOW_CLIENTS: usize = 4;
const LOAD: Duration = Duration::from_secs(20);
/// Each client's pause between requests: enough load to crowd the server, not so much that
/// the tests running beside this one starve (the machine may have two cores).
const PAUSE: Duration = Duration::from_millis(100);
const PAGE: &str = "content/priorities/higher.md";
const PATHS: [&str; 5] = [
    "",
    "priorities/",
    "priorities/higher-education/",
    "priorities/teachers/",
    "style.css",
];

/// `higher.md` at version `n`: its title (shown on the home page, the section and the page
/// itself) and its body both say `n`.
fn version(n: usize) -> String {
    format!(
        "+++\ntitle = \"Higher education version {n}\"\nslug = \"higher-education\"\n\
         weight = 2\n\n[area]\nnumber = 1\n+++\n\n## Goals\n\nBody of version {n}.\n"
    )
}

/// The versions of `higher.md` that a page names.
fn versions_in(body: &str) -> Vec<usize> {
    body.match_indices("version ")
        .filter_map(|(at, word)| {
            let digits = body[at + word.len()..]
                .split(|c: char| !c.is_ascii_digit())
                .next()?;
            digits.parse().ok()
        })
        .collect()
}

/// What one response was wrong about, if anything.
fn check(path: &str, status: u16, body: &str) -> Option<String> {
    if status != 200 {
        return Some(format!("{path}: status {status}"));
    }
    if path == "style.css" {
        return (!body.contains("color")).then(|| format!("{path}: {body:?}"));
    }
    if !body.trim_end().ends_with("</html>") || !body.contains("livereload.js") {
        return Some(format!("{path}: not a whole page:\n{body}"));
    }
    let versions = versions_in(body);
    if versions.windows(2).any(|pair| pair[0] != pair[1]) {
        return Some(format!(
            "{path}: versions {versions:?} of two builds:\n{body}"
        ));
    }
    // Every page but the teachers' shows the title or the body of higher.md.
    (versions.is_empty() && path != "priorities/teachers/")
        .then(|| format!("{path}: no version:\n{body}"))
}

#[test]
#[ignore = "takes the machine for 20 s: .ci/run runs it alone, after the other tests"]
fn many_clients_get_whole_pages_while_the_site_rebuilds() {
    let site = SiteTest::new("minimal");
    site.write(PAGE, version(0));
    let server = site.spawn(["serve", "--port", "0"]);
    let base = server.url().to_owned();
    eventually("the first build", || {
        !server.stdout_lines("Built ").is_empty()
    });

    let stop = AtomicBool::new(false);
    let (served, failed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let failures = std::sync::Mutex::new(Vec::new());
    let saves = thread::scope(|scope| {
        for client in 0..CLIENTS {
            let (base, stop, served, failed, failures) =
                (&base, &stop, &served, &failed, &failures);
            scope.spawn(move || {
                let agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .proxy(None)
                    .timeout_global(Some(PATIENCE))
                    .build()
                    .new_agent();
                let mut n = client;
                while !stop.load(Ordering::Relaxed) {
                    let path = PATHS[n % PATHS.len()];
                    n += 1;
                    let problem = match agent.get(format!("{base}{path}")).call() {
                        Ok(mut response) => {
                            let status = response.status().as_u16();
                            match response.body_mut().read_to_string() {
                                Ok(body) => check(path, status, &body),
                                Err(error) => Some(format!("{path}: reading the body: {error}")),
                            }
                        }
                        Err(error) => Some(format!("{path}: {error}")),
                    };
                    served.fetch_add(1, Ordering::Relaxed);
                    thread::sleep(PAUSE);
                    if let Some(problem) = problem {
                        failed.fetch_add(1, Ordering::Relaxed);
                        failures.lock().unwrap().push(problem);
                    }
                }
            });
        }
        // Slow clients: a byte a second, for as long as the server lets them.
        let address = base.trim_start_matches("http://").trim_end_matches('/');
        for _ in 0..SLOW_CLIENTS {
            let stop = &stop;
            scope.spawn(move || {
                let request = format!(
                    "GET / HTTP/1.1\r\nHost: {address}\r\nX-Slow: {}\r\n\r\n",
                    "z".repeat(60)
                );
                let Ok(mut stream) = TcpStream::connect(address) else {
                    return;
                };
                for byte in request.as_bytes() {
                    if stop.load(Ordering::Relaxed) || stream.write_all(&[*byte]).is_err() {
                        return;
                    }
                    thread::sleep(Duration::from_secs(1));
                }
            });
        }
        let started = Instant::now();
        let mut saves = 0;
        while started.elapsed() < LOAD {
            thread::sleep(Duration::from_millis(250));
            saves += 1;
            site.write(PAGE, version(saves));
        }
        stop.store(true, Ordering::Relaxed);
        saves
    });

    let (served, failed) = (served.into_inner(), failed.into_inner());
    let rebuilds = server.stdout_lines("Rebuilt").len();
    println!(
        "{CLIENTS} clients, {SLOW_CLIENTS} slow, {LOAD:?}: {served} requests served, \
         {failed} failed; {saves} saves, {rebuilds} rebuilds"
    );
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{failed} of {served} requests failed; the first:\n{}",
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    // That the load and the rebuilds overlapped at all; how much is for the printed counts.
    assert!(rebuilds > 0, "no rebuild in {LOAD:?}");
    assert!(served >= CLIENTS, "only {served} requests in {LOAD:?}");
}

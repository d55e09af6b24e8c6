//! Issue 14: a built `public/` works anywhere. The README's newcomer path is followed word for
//! word (its commands are read from the README), and that site, the shipped one and a
//! translated fixture are each opened in headless Chromium in three hostings: at the root of a
//! plain static server (Python's `http.server`), under a sub-path of one, and from disk. In
//! each, every HTML page gets its stylesheet, every link into the site names a file that is
//! there (and an id on it, for a `#fragment`), and search finds a word, or, from disk, says
//! that it needs a web server.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::browser::Browser;
use crate::harness::{PATIENCE, SiteTest, copy_dir};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The README's newcomer block: the `sh` block that starts with this command.
const NEWCOMER_START: &str = "workplan init";

/// A site's search, tried from a language's home page: its header box, then the results.
struct Search<'a> {
    /// The home page, below `public/`: `index.html`, `zh-Hans/index.html`.
    home: &'a str,
    /// The interface language, whose `search_needs_server` the page shows from disk.
    lang: &'a str,
    /// A word of the site's text in that language.
    word: &'a str,
}

#[test]
fn the_readme_newcomer_path_works_at_a_root_under_a_sub_path_and_from_disk() {
    let Some((browser, python)) = browser_and_python() else {
        return;
    };
    let readme = fs::read_to_string(Path::new(REPO).join("README.md")).unwrap();
    let mut site = SiteTest::empty();
    let mut served = None;
    for command in newcomer_commands(&readme) {
        let words: Vec<&str> = command.split_whitespace().collect();
        match words.as_slice() {
            ["workplan", args @ ..] => {
                site.run_plain(args).success();
            }
            ["cd", folder] => site = site.within(folder),
            ["python3", args @ ..] => {
                served = Some(StaticServer::start(&python, site.root(), args));
            }
            _ => panic!("the test does not know how to follow `{command}` of the README"),
        }
    }
    let served = served.expect("the README's newcomer block serves the site");
    let home = served.get("index.html");
    assert!(
        home.contains("A first priority area"),
        "the server the README starts does not serve the new site:\n{home}"
    );
    let search = Search {
        home: "index.html",
        lang: "en",
        word: "concrete", // of the sample area's first task
    };
    check_hosting(&browser, &python, &site.path("public"), &[search]);
}

#[test]
fn the_shipped_site_works_in_both_languages_at_a_root_under_a_sub_path_and_from_disk() {
    let Some((browser, python)) = browser_and_python() else {
        return;
    };
    let site = SiteTest::shipped();
    site.run(["build"]).success();
    let searches = [
        Search {
            home: "index.html",
            lang: "en",
            word: "vocational",
        },
        Search {
            home: "zh-Hans/index.html",
            lang: "zh-Hans",
            word: "职业教育",
        },
    ];
    check_hosting(&browser, &python, &site.path("public"), &searches);
}

#[test]
fn a_translated_site_works_at_a_root_under_a_sub_path_and_from_disk() {
    let Some((browser, python)) = browser_and_python() else {
        return;
    };
    let site = SiteTest::with_shipped_themes("languages");
    site.run(["build"]).success();
    assert!(site.exists("public/zh-Hans/index.html"));
    check_hosting(&browser, &python, &site.path("public"), &[]);
}

/// The commands of the README's newcomer block, comments removed.
fn newcomer_commands(readme: &str) -> Vec<String> {
    let block = readme
        .split("```sh\n")
        .skip(1)
        .find(|block| block.starts_with(NEWCOMER_START))
        .unwrap_or_else(|| panic!("the README has no ```sh block starting `{NEWCOMER_START}`"));
    let block = &block[..block.find("```").expect("the block ends")];
    block
        .lines()
        .map(|line| line.split('#').next().unwrap().trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

/// `public/` opened in `browser` at the root of a static server, under a sub-path of one, and
/// from disk: panics listing what fails in any of them. The sub-path, and the folder opened
/// from disk, have a space and Chinese in their names, as a shared drive's folders do. Every
/// page is visited in each hosting (the shipped site's 63 pages, three times, in about 25 s).
fn check_hosting(browser: &Browser, python: &Path, public: &Path, searches: &[Search]) {
    let www = tempfile::tempdir().unwrap();
    let sub_path = "some/sub path/子目录/";
    let copy = www.path().join(sub_path);
    copy_dir(public, &copy);
    let root = StaticServer::start(python, public, &[]);
    let under = StaticServer::start(python, www.path(), &[]);
    let hostings = [
        (
            "at the root of a static server",
            root.url.clone(),
            public,
            true,
        ),
        (
            "under a sub-path",
            format!("{}{}", under.url, url_path(sub_path)),
            &*copy,
            true,
        ),
        (
            "opened from disk",
            format!("file://{}/", url_path(&copy.to_string_lossy())),
            &*copy,
            false,
        ),
    ];
    let pages = html_pages(public);
    assert!(!pages.is_empty(), "no HTML page in {}", public.display());
    let mut failures = Vec::new();
    for (hosting, base, public, served) in &hostings {
        let mut problems = check_pages(browser, public, base, &pages);
        for search in searches {
            problems.extend(check_search(browser, base, *served, search));
        }
        failures.extend(
            problems
                .into_iter()
                .map(|p| format!("{hosting} ({base}): {p}")),
        );
    }
    assert!(
        failures.is_empty(),
        "{} problems in {} pages:\n{}",
        failures.len(),
        pages.len(),
        failures.join("\n")
    );
}

/// Every `.html` file under `public`, as a path with `/`.
fn html_pages(public: &Path) -> Vec<String> {
    walkdir::WalkDir::new(public)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "html"))
        .map(|entry| {
            let relative = entry.path().strip_prefix(public).unwrap();
            relative.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

/// What a page holds that the checks read, as the browser resolved it.
const READ_PAGE: &str = "
    const sheets = new Map([...document.styleSheets].filter(s => s.href).map(s => {
        let rules = 0;
        try { rules = s.cssRules.length; } catch (e) { rules = -1; }
        return [s.href, rules];
    }));
    const links = [
        ...[...document.querySelectorAll('a[href], link[href]')].map(e => e.href),
        ...[...document.querySelectorAll('img[src], script[src]')].map(e => e.src),
        ...[...document.querySelectorAll('form[action]')].map(e => e.action),
    ];
    const sheetLinks = [...document.querySelectorAll('link[rel=stylesheet]')];
    const styles = sheetLinks.map(e => [e.href, sheets.get(e.href) ?? 0]);
    // From disk, Chromium hides every sheet's rules (each file is an origin of its own), so
    // whether the styles apply is seen in what they change: the computed style without them.
    const look = () => [document.body, ...document.body.querySelectorAll('*')].slice(0, 100)
        .map(e => { const s = getComputedStyle(e);
                    return [s.display, s.margin, s.padding, s.fontFamily, s.fontSize, s.color,
                            s.backgroundColor].join(); })
        .join('|');
    const styled = look();
    sheetLinks.forEach(e => { e.disabled = true; });
    const unstyled = look();
    sheetLinks.forEach(e => { e.disabled = false; });
    return {
        links, styles, applies: styled !== unstyled,
        ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.name),
    };";

/// Visits each page at `base`; what is wrong with its stylesheets and links.
fn check_pages(browser: &Browser, public: &Path, base: &str, pages: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // `(page, link, target page, fragment)`, checked once every page's ids are known.
    let mut fragments = Vec::new();
    let mut checked = 0;
    for page in pages {
        browser.goto(&format!("{base}{page}"));
        let read = browser.execute(READ_PAGE, &[]);
        let texts = |key: &str| -> Vec<String> {
            let list = read[key].as_array().unwrap();
            list.iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        };
        ids.insert(page.clone(), texts("ids").into_iter().collect());
        let mut own_sheets = 0;
        for style in read["styles"].as_array().unwrap() {
            let (href, rules) = (style[0].as_str().unwrap(), style[1].as_i64().unwrap());
            if in_site(base, href).is_none() {
                continue;
            }
            own_sheets += 1;
            // -1: rules a browser does not show (from disk); `applies` tells then.
            if rules == 0 {
                problems.push(format!("{page}: the stylesheet {href} has no rules"));
            }
        }
        // The 404 page, which hosts serve at every address, keeps the host's absolute links
        // when `base_url` has a host (README): the site's own stylesheets are not on it then.
        if own_sheets == 0 && page != "404.html" {
            problems.push(format!("{page}: it links no stylesheet of the site"));
        } else if own_sheets > 0 && read["applies"] != true {
            problems.push(format!("{page}: its stylesheets change nothing on it"));
        }
        for link in texts("links") {
            let Some((path, fragment)) = in_site(base, &link) else {
                if link.starts_with(origin(base)) {
                    problems.push(format!("{page}: {link} leads out of the site"));
                }
                continue;
            };
            checked += 1;
            if !public.join(&path).is_file() {
                problems.push(format!("{page}: {link} is not a file of the site"));
            } else if let Some(fragment) = fragment
                && path.ends_with(".html")
            {
                fragments.push((page.clone(), link, path, fragment));
            }
        }
    }
    // A site whose links all went elsewhere would pass the checks above untested.
    if checked < pages.len() {
        problems.push(format!(
            "only {checked} links into the site on {} pages",
            pages.len()
        ));
    }
    for (page, link, target, fragment) in fragments {
        if !ids.get(&target).is_some_and(|ids| ids.contains(&fragment)) {
            problems.push(format!("{page}: {link}: {target} has no id `{fragment}`"));
        }
    }
    problems
}

/// A URL the browser resolved, as the file below `public/` it names and its fragment, if it
/// is inside the site at `base`; `None` for a link elsewhere.
fn in_site(base: &str, url: &str) -> Option<(String, Option<String>)> {
    let rest = url.strip_prefix(base).or_else(|| {
        // The site's root itself, without its slash.
        (url == base.trim_end_matches('/')).then_some("")
    })?;
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (rest, None),
    };
    let path = rest.split('?').next().unwrap();
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8_lossy()
            .into_owned()
    };
    let fragment = fragment.filter(|f| !f.is_empty()).map(decode);
    Some((decode(path), fragment))
}

/// The scheme and host of `base`, with the slash after them: `http://127.0.0.1:8000/`,
/// `file:///`.
fn origin(base: &str) -> &str {
    let host = base.find("://").expect("a URL") + 3;
    let path = base[host..].find('/').expect("a URL with a path");
    &base[..=host + path]
}

/// Types the word into the header's search box of the home page and submits it: over HTTP a
/// result shows; from disk the search page says, in the page's language, that it needs a
/// web server. What went wrong, if anything.
fn check_search(browser: &Browser, base: &str, served: bool, search: &Search) -> Option<String> {
    browser.goto(&format!("{base}{}", search.home));
    browser.execute(
        "const box = document.querySelector('#site-search-q');
         box.value = arguments[0];
         box.form.submit();",
        &[search.word.into()],
    );
    // From disk: the page's words that search needs a server, in its language.
    let needs_server = (!served).then(|| {
        let text = interface_string(search.lang, "search_needs_server");
        text.trim().to_owned()
    });
    let shown = |browser: &Browser| match &needs_server {
        Some(needs_server) => browser.text().contains(needs_server),
        None => {
            let titles = browser.execute(
                "return [...document.querySelectorAll('.pagefind-ui__result-title')]
                    .map(r => r.innerText).join('')",
                &[],
            );
            // While a result loads, its title is a row of dots.
            titles
                .as_str()
                .is_some_and(|t| t.chars().any(|c| c != '.' && !c.is_whitespace()))
        }
    };
    let what = needs_server.as_ref().map_or_else(
        || format!("a result for `{}`", search.word),
        |text| format!("“{text}”"),
    );
    let deadline = Instant::now() + PATIENCE;
    while !shown(browser) {
        if Instant::now() > deadline {
            let page = browser.execute("return location.href", &[]);
            return Some(format!(
                "searching `{}` from {}: {page} showed no {what} in {PATIENCE:?}:\n{}",
                search.word,
                search.home,
                browser.text()
            ));
        }
        thread::sleep(Duration::from_millis(50));
    }
    None
}

/// The default theme's interface string `key` in `lang`: the sites tested use the shipped
/// theme (`init` writes the same files).
fn interface_string(lang: &str, key: &str) -> String {
    let file = Path::new(REPO).join(format!("themes/default/i18n/{lang}.toml"));
    let text = fs::read_to_string(&file)
        .unwrap_or_else(|error| panic!("reading {}: {error}", file.display()));
    let table: toml::Table = toml::from_str(&text).unwrap();
    table[key].as_str().unwrap().to_owned()
}

/// `path` as a browser writes it in a URL: spaces, non-ASCII and the few signs that would
/// end a path percent-encoded.
fn url_path(path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    utf8_percent_encode(path, PATH).to_string()
}

/// The browser and the static server the tests drive, or `None` when one is missing (see
/// [`Browser::start`] and [`python3`]).
fn browser_and_python() -> Option<(Browser, PathBuf)> {
    Some((Browser::start()?, python3()?))
}

/// `python3`, found on PATH; or `None` (after printing `skipped: ...`) when it is not
/// installed, a failure under `CI=true`, as for the browser.
fn python3() -> Option<PathBuf> {
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if found {
        return Some(PathBuf::from("python3"));
    }
    let test = thread::current().name().unwrap_or("a test").to_owned();
    let why = "python3 not installed (apt-get install python3)";
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {why}, and CI=true"
    );
    println!("skipped: {test}: {why}");
    None
}

/// `python3 ARGS --bind 127.0.0.1 PORT` in `dir` (ARGS serving `dir` itself when empty),
/// on a free port, answering; killed when dropped.
struct StaticServer {
    process: Child,
    /// `http://127.0.0.1:<port>/`
    url: String,
}

impl StaticServer {
    fn start(python: &Path, dir: &Path, args: &[&str]) -> Self {
        let args: &[&str] = if args.is_empty() {
            &["-m", "http.server"]
        } else {
            args
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(python)
            .args(args)
            .args(["--bind", "127.0.0.1", &port.to_string()])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("starting python3 {args:?}: {error}"));
        let mut server = Self {
            process,
            url: format!("http://127.0.0.1:{port}/"),
        };
        let deadline = Instant::now() + PATIENCE;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = server.process.try_wait().unwrap() {
                panic!("python3 {args:?} ended ({status}) before it answered on port {port}");
            }
            assert!(
                Instant::now() < deadline,
                "python3 {args:?} did not answer on port {port} in {PATIENCE:?}"
            );
            thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// The text it answers for `path`.
    fn get(&self, path: &str) -> String {
        let agent = ureq::Agent::config_builder()
            .proxy(None)
            .build()
            .new_agent();
        let url = format!("{}{path}", self.url);
        agent
            .get(&url)
            .call()
            .unwrap_or_else(|error| panic!("GET {url}: {error}"))
            .into_body()
            .read_to_string()
            .unwrap()
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[test]
fn a_url_maps_back_to_its_file_and_fragment() {
    let base = "http://127.0.0.1:8000/some/sub/path/";
    assert_eq!(
        in_site(
            base,
            &format!("{base}zh-Hans/%E6%95%99%E8%82%B2/index.html?q=a#%E4%BA%8C")
        ),
        Some(("zh-Hans/教育/index.html".to_owned(), Some("二".to_owned())))
    );
    assert_eq!(
        in_site(base, "http://127.0.0.1:8000/some/sub/path"),
        Some((String::new(), None))
    );
    assert_eq!(
        in_site(base, "http://127.0.0.1:8000/other/index.html"),
        None
    );
    assert_eq!(in_site(base, "https://example.org/style.css"), None);
}

#[test]
fn a_path_is_written_as_a_browser_writes_it() {
    assert_eq!(url_path("/tmp/a b/子/"), "/tmp/a%20b/%E5%AD%90/");
}

#[test]
fn an_origin_is_a_urls_scheme_and_host() {
    assert_eq!(
        origin("http://127.0.0.1:8000/some/path/"),
        "http://127.0.0.1:8000/"
    );
    assert_eq!(origin("file:///tmp/x/public/"), "file:///");
}

#[test]
fn the_newcomer_commands_are_read_without_comments() {
    let readme = "x\n```sh\ncargo install\n```\n```sh\nworkplan init a\ncd a # go\n\npython3 -m x   # then\n```\n";
    assert_eq!(
        newcomer_commands(readme),
        ["workplan init a", "cd a", "python3 -m x"]
    );
}

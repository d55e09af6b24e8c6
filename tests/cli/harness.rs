//! A fixture site copied to a temp folder, the real `workplan` binary run on it, and the
//! assertions the tests make on what it printed and wrote.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// How long a test waits for the binary to do something: generous, so that a slow CI machine
/// does not make a test flake.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Polls `done` every 20 ms until it holds; after [`PATIENCE`], panics saying what was awaited.
#[track_caller]
pub fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "waited {PATIENCE:?} for {what}");
        thread::sleep(Duration::from_millis(20));
    }
}

/// A site in a temp folder of its own. The site root is `<temp>/site`, so a test can see what
/// a command writes beside the root too; `<temp>/tmp` is the binary's own temp folder.
pub struct SiteTest {
    temp: TempDir,
    root: PathBuf,
    /// Variables the binary's environment holds besides PATH and TMPDIR.
    env: Vec<(String, String)>,
}

impl SiteTest {
    /// A copy of `tests/sites/<fixture>/`.
    pub fn new(fixture: &str) -> Self {
        let site = Self::empty();
        copy_dir(
            &Path::new(REPO).join("tests/sites").join(fixture),
            &site.root,
        );
        site
    }

    /// A copy of the site this repository ships: `site.toml`, `content/` and `themes/`.
    pub fn shipped() -> Self {
        let site = Self::empty();
        fs::copy(
            Path::new(REPO).join("site.toml"),
            site.root.join("site.toml"),
        )
        .unwrap();
        for dir in ["content", "themes"] {
            copy_dir(&Path::new(REPO).join(dir), &site.root.join(dir));
        }
        site
    }

    /// A copy of `tests/sites/<fixture>/` with the shipped `themes/`, for a fixture that
    /// shows its own content in the default theme without keeping a copy of the theme.
    pub fn with_shipped_themes(fixture: &str) -> Self {
        let site = Self::new(fixture);
        copy_dir(&Path::new(REPO).join("themes"), &site.root.join("themes"));
        site
    }

    /// An empty site root.
    pub fn empty() -> Self {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("site");
        fs::create_dir(&root).unwrap();
        fs::create_dir(temp.path().join("tmp")).unwrap();
        Self {
            temp,
            root,
            env: Vec::new(),
        }
    }

    /// The binary runs with `key=value` in its environment too.
    #[must_use]
    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// The same temp folder with the root moved to `relative` (e.g. a folder `init` made).
    #[must_use]
    pub fn within(mut self, relative: &str) -> Self {
        self.root = self.root.join(relative);
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temp folder that holds the root.
    pub fn outside(&self) -> &Path {
        self.temp.path()
    }

    /// The binary's temp folder (its `TMPDIR`), one per test: what a run leaves there is its own.
    pub fn temp_dir(&self) -> PathBuf {
        self.temp.path().join("tmp")
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Runs `workplan --root <root> ARGS` from the root, with nothing in the environment but PATH
    /// (and TMPDIR, [`SiteTest::temp_dir`]).
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let (mut command, line) = self.command(args);
        let output = command.output().expect("running workplan");
        Run {
            output,
            root: self.root.clone(),
            command: line,
        }
    }

    /// Runs `workplan ARGS` as [`SiteTest::run`] does, but without its `--root`: for the
    /// options and folders a test gives itself.
    pub fn run_plain<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let (mut command, line) = self.command(args);
        let mut plain = Command::new(command.get_program());
        plain.args(command.get_args().skip(2));
        plain.current_dir(&self.root).env_clear();
        for (key, value) in command.get_envs() {
            if let Some(value) = value {
                plain.env(key, value);
            }
        }
        command = plain;
        let output = command.output().expect("running workplan");
        Run {
            output,
            root: self.root.clone(),
            command: line,
        }
    }

    /// Runs `workplan --root <root> ARGS` as [`SiteTest::run`] does, as a user whom file
    /// permissions bind: when the tests run as root (as CI does), as `nobody`, made the owner
    /// of the test's temp folder first.
    pub fn run_unprivileged<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        use std::os::unix::process::CommandExt as _;
        const NOBODY: u32 = 65534;
        let (mut command, line) = self.command(args);
        if running_as_root() {
            for entry in walkdir::WalkDir::new(self.temp.path()) {
                let path = entry.unwrap().into_path();
                std::os::unix::fs::lchown(&path, Some(NOBODY), Some(NOBODY)).unwrap();
            }
            command.uid(NOBODY).gid(NOBODY);
        }
        let output = command.output().expect("running workplan");
        Run {
            output,
            root: self.root.clone(),
            command: line,
        }
    }

    /// Starts `workplan --root <root> ARGS` as `run` does, but in the background, and waits
    /// until it prints an `http://` address (a server ready for requests). Killed when dropped.
    pub fn spawn<I, S>(&self, args: I) -> Spawned
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut spawned = self.spawn_until(args, "an address", |line| line.contains("http://"));
        let output = spawned.output();
        let line = output
            .lines()
            .find(|line| line.contains("http://"))
            .unwrap();
        let at = line.find("http://").unwrap();
        spawned.url = Some(line[at..].split_whitespace().next().unwrap().to_owned());
        spawned
    }

    /// Starts `workplan --root <root> ARGS` as `run` does, but in the background, and waits
    /// until it prints a line (on stdout or stderr) that is `ready`; `what` names that line
    /// for the message of a test that waits in vain. Killed when dropped.
    pub fn spawn_until<I, S>(&self, args: I, what: &str, ready: impl Fn(&str) -> bool) -> Spawned
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let (mut command, line) = self.command(args);
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting workplan");
        let (lines, printed) = mpsc::channel();
        let (output, stdout, stderr) = <_>::default();
        // Threads drain both pipes, so that a chatty process never blocks on a full one.
        drain(
            child.stdout.take().unwrap(),
            [&output, &stdout],
            lines.clone(),
        );
        drain(child.stderr.take().unwrap(), [&output, &stderr], lines);
        let mut spawned = Spawned {
            child,
            command: line,
            url: None,
            output,
            stdout,
            stderr,
        };
        let patience = Duration::from_secs(30);
        let deadline = Instant::now() + patience;
        loop {
            match printed.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) if ready(&line) => return spawned,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => {
                    panic!("`{}` printed no {what} in {patience:?}", spawned.command);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = spawned.child.wait().unwrap();
                    panic!(
                        "`{}` ended ({status}) before printing {what}",
                        spawned.command
                    );
                }
            }
        }
    }

    /// `workplan --root <root> ARGS` from the root, with nothing in the environment but PATH
    /// and a TMPDIR of the test's own; and the command as a test reports it.
    fn command<I, S>(&self, args: I) -> (Command, String)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args
            .into_iter()
            .map(|arg| arg.as_ref().to_os_string())
            .collect();
        let mut command = Command::new(env!("CARGO_BIN_EXE_workplan"));
        command
            .arg("--root")
            .arg(&self.root)
            .args(&args)
            .current_dir(&self.root)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TMPDIR", self.temp_dir())
            .envs(self.env.iter().map(|(key, value)| (key, value)));
        let line = format!("workplan {}", args.join(OsStr::new(" ")).to_string_lossy());
        (command, line)
    }

    /// Dates every file of the site ten seconds back, as if edited a while ago: a build skips
    /// itself only when its inputs are older than a file system clock's tick.
    pub fn settle(&self) -> &Self {
        let past = std::time::SystemTime::now() - Duration::from_secs(10);
        for entry in walkdir::WalkDir::new(&self.root) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let file = fs::File::options().write(true).open(entry.path()).unwrap();
                file.set_modified(past).unwrap();
            }
        }
        self
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    /// Replaces `from` with `to` in a file; `from` must be there, so a test cannot pass by
    /// changing nothing.
    pub fn replace(&self, relative: &str, from: &str, to: &str) -> &Self {
        let text = self.file(relative);
        assert!(
            text.contains(from),
            "`{from}` is not in {relative}:\n{text}"
        );
        self.write(relative, text.replacen(from, to, 1))
    }

    /// The text of a file under the root.
    pub fn file(&self, relative: &str) -> String {
        read(&self.path(relative))
    }

    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    /// Every file and folder under `relative` with the bytes of each file.
    pub fn tree(&self, relative: &str) -> Tree {
        Tree::of(&self.path(relative))
    }
}

/// A finished run of the binary.
pub struct Run {
    output: Output,
    root: PathBuf,
    command: String,
}

impl Run {
    /// The exit code; `None` when a signal ended the process.
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        assert!(
            self.output.status.success(),
            "`{}` failed: {}",
            self.command,
            self.report()
        );
        self
    }

    /// Failed the way a user's mistake should: exit code 1, no panic.
    #[track_caller]
    pub fn failure(&self) -> &Self {
        assert_eq!(
            self.output.status.code(),
            Some(1),
            "`{}` should fail: {}",
            self.command,
            self.report()
        );
        assert!(
            !self.stderr().contains("panicked"),
            "`{}` panicked: {}",
            self.command,
            self.report()
        );
        self
    }

    #[track_caller]
    pub fn stdout_contains(&self, text: &str) -> &Self {
        assert!(
            self.stdout().contains(text),
            "stdout lacks `{text}`: {}",
            self.report()
        );
        self
    }

    #[track_caller]
    pub fn stderr_contains(&self, text: &str) -> &Self {
        assert!(
            self.stderr().contains(text),
            "stderr lacks `{text}`: {}",
            self.report()
        );
        self
    }

    #[track_caller]
    pub fn stderr_lacks(&self, text: &str) -> &Self {
        assert!(
            !self.stderr().contains(text),
            "stderr has `{text}`: {}",
            self.report()
        );
        self
    }

    /// The report points at `path:line:column` (rustc's ` --> ` line).
    #[track_caller]
    pub fn at(&self, position: &str) -> &Self {
        self.stderr_contains(&format!("--> {position}\n"))
    }

    /// The report points at some `line:column` of `path`.
    #[track_caller]
    pub fn at_some_line_of(&self, path: &str) -> &Self {
        let prefix = format!("--> {path}:");
        let found = self.stderr().lines().any(|line| {
            line.trim_start()
                .strip_prefix(&prefix)
                .is_some_and(|place| {
                    let mut parts = place.split(':');
                    parts.next().is_some_and(|l| l.parse::<usize>().is_ok())
                        && parts.next().is_some_and(|c| c.parse::<usize>().is_ok())
                })
        });
        assert!(found, "no `{prefix}LINE:COLUMN`: {}", self.report());
        self
    }

    /// The report ends with a `help:` line containing `hint`.
    #[track_caller]
    pub fn help(&self, hint: &str) -> &Self {
        let found = self
            .stderr()
            .lines()
            .any(|line| line.starts_with("help: ") && line.contains(hint));
        assert!(found, "no `help:` line with `{hint}`: {}", self.report());
        self
    }

    /// The closing count of a diagnostics report.
    #[track_caller]
    pub fn problems(&self, count: usize) -> &Self {
        let plural = if count == 1 { "" } else { "s" };
        self.stderr_contains(&format!(
            "error: the site has {count} problem{plural} to fix"
        ))
    }

    /// The text of a file under the site root.
    pub fn file(&self, relative: &str) -> String {
        read(&self.root.join(relative))
    }

    fn report(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.output.status.code(),
            self.stdout(),
            self.stderr()
        )
    }
}

/// A `workplan` running in the background (a server, a watcher), killed when dropped; if the
/// test is failing then, what it printed goes to the test's output.
pub struct Spawned {
    child: Child,
    command: String,
    url: Option<String>,
    /// Stdout and stderr interleaved as the lines came, and each alone.
    output: Arc<Mutex<String>>,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Spawned {
    /// The first `http://` address it printed (started with [`SiteTest::spawn`]).
    pub fn url(&self) -> &str {
        self.url
            .as_deref()
            .expect("started with `spawn`, which waits for an address")
    }

    /// All it has printed so far, stdout and stderr interleaved as the lines came.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The lines of stdout so far that start with `prefix`.
    pub fn stdout_lines(&self, prefix: &str) -> Vec<String> {
        let stdout = self.stdout();
        let lines = stdout.lines().filter(|line| line.starts_with(prefix));
        lines.map(str::to_owned).collect()
    }

    /// How many times stderr has had `text` so far.
    pub fn stderr_count(&self, text: &str) -> usize {
        self.stderr().matches(text).count()
    }

    /// Its exit status, if it has ended.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("polling workplan")
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does, and waits for the process to end; with
    /// the `kill` command, since the tests keep to safe Rust.
    pub fn interrupt(&mut self) -> ExitStatus {
        self.signal("-INT")
    }

    /// Sends `signal` (`kill`'s spelling: `-TERM`, `-HUP`) and waits for the process to end.
    pub fn signal(&mut self, signal: &str) -> ExitStatus {
        let sent = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(sent.success(), "kill {signal} {}: {sent}", self.child.id());
        let mut status = None;
        eventually(
            &format!("`{}` to stop after {signal}", self.command),
            || {
                status = self.exited();
                status.is_some()
            },
        );
        status.unwrap()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            eprintln!("--- `{}` printed:\n{}", self.command, self.output());
        }
    }
}

/// The files (with their bytes) and folders under a folder, to compare before and after.
#[derive(Default, PartialEq, Eq)]
pub struct Tree(BTreeMap<String, Option<Vec<u8>>>);

impl Tree {
    /// What is under `dir` now.
    pub fn of(dir: &Path) -> Self {
        let mut tree = Self::default();
        tree.add(dir, Path::new(""));
        tree
    }

    fn add(&mut self, dir: &Path, relative: &Path) {
        for entry in
            fs::read_dir(dir).unwrap_or_else(|error| panic!("listing {}: {error}", dir.display()))
        {
            let entry = entry.unwrap();
            let name = relative.join(entry.file_name());
            let key = name.to_string_lossy().replace('\\', "/");
            if entry.file_type().unwrap().is_dir() {
                self.0.insert(format!("{key}/"), None);
                self.add(&entry.path(), &name);
            } else {
                self.0.insert(key, Some(fs::read(entry.path()).unwrap()));
            }
        }
    }

    pub fn contains(&self, relative: &str) -> bool {
        self.0.contains_key(relative)
    }

    /// Panics listing what was added, removed or changed since `self`.
    #[track_caller]
    pub fn assert_unchanged(&self, now: &Self) {
        let changes = self.changes(now);
        assert!(changes.is_empty(), "the folder changed:\n{changes}");
    }

    /// Waits until `dir` holds exactly `self`; panics listing the differences if it does not
    /// come to. `what` names `self` for that message.
    #[track_caller]
    pub fn wait_for(&self, dir: &Path, what: &str) {
        let mut now = Self::default();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            now = Self::of(dir);
            if now == *self {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let changes = self.changes(&now);
        panic!(
            "after {PATIENCE:?}, {} differs from {what}:\n{changes}",
            dir.display()
        );
    }

    /// What was added, removed or changed from `self` to `now`, a line each.
    fn changes(&self, now: &Self) -> String {
        let mut changes = String::new();
        for (path, before) in &self.0 {
            match now.0.get(path) {
                None => writeln!(changes, "  removed {path}").unwrap(),
                Some(after) if after != before => writeln!(changes, "  changed {path}").unwrap(),
                Some(_) => {}
            }
        }
        for path in now.0.keys().filter(|path| !self.0.contains_key(*path)) {
            writeln!(changes, "  added {path}").unwrap();
        }
        changes
    }

    /// The paths it holds: files as `a/b.html`, folders as `a/`.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// Copies the lines of a child's pipe into each of `outputs`, and to `lines`, as they come.
fn drain<const N: usize>(
    pipe: impl Read + Send + 'static,
    outputs: [&Arc<Mutex<String>>; N],
    lines: Sender<String>,
) {
    let outputs = outputs.map(Arc::clone);
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            for output in &outputs {
                writeln!(output.lock().unwrap(), "{line}").unwrap();
            }
            let _ = lines.send(line);
        }
    });
}

/// Whether the tests run as root, whom file permissions do not stop.
pub fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let probe = tempfile::tempfile().unwrap();
    probe.metadata().unwrap().uid() == 0
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in
        fs::read_dir(from).unwrap_or_else(|error| panic!("listing {}: {error}", from.display()))
    {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

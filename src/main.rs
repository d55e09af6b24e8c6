//! The `workplan` command line: parses the arguments, runs one command, reports the outcome.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum, ValueHint};
use workplan::author::{self, Plan, StatusChange};
use workplan::build::{self, BuildOptions};
use workplan::console::{self, ColourChoice, Verbosity};
use workplan::diagnostic::Severity;
use workplan::init;
use workplan::serve::{self, ServeOptions};

/// Publish a work plan as a static site.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The site's folder (where site.toml is) [default: the current folder or the nearest
    /// one above it that holds the configuration file].
    #[arg(short, long, global = true, value_hint = ValueHint::DirPath)]
    root: Option<PathBuf>,
    /// The configuration file, relative to the root.
    #[arg(short, long, global = true, default_value = workplan::config::FILE_NAME)]
    config: String,
    /// Print errors only.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: how long each stage of a build took, which files a rebuild changed.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Draw diagnostics in colour: `auto` on a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = Colour::Auto, value_name = "WHEN")]
    color: Colour,
    #[command(subcommand)]
    command: Command,
}

/// When diagnostics are drawn in colour.
#[derive(Clone, Copy, ValueEnum)]
enum Colour {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only if the build succeeds).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site [default: <root>/public].
        #[arg(short, long, value_hint = ValueHint::DirPath)]
        output_dir: Option<PathBuf>,
        /// Keep the output up to date: rebuild what changed on every save, until Ctrl-C.
        #[arg(short, long)]
        watch: bool,
        /// Replace the output folder even if workplan did not write it (its .git is kept).
        #[arg(long)]
        force: bool,
    },
    /// Build, serve the site and rebuild on every save; open pages reload themselves.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The address to listen on (0.0.0.0 for every network interface).
        #[arg(short, long, default_value = "127.0.0.1")]
        interface: IpAddr,
        /// The port to listen on (0 picks a free one).
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Write the site to this folder instead of a private temporary one.
        #[arg(short, long, value_hint = ValueHint::DirPath)]
        output_dir: Option<PathBuf>,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Also answer requests for this host name (repeatable). Only IP addresses and
        /// localhost are answered otherwise, so that no other web site can read the preview
        /// through a name of its own pointed at this machine (DNS rebinding).
        #[arg(long = "allow-host", value_name = "NAME")]
        allowed_hosts: Vec<String>,
    },
    /// Check the whole site without writing anything: every error a build would stop at, and
    /// warnings (images without alt text, empty or skipping headings, overdue tasks, missing
    /// translations), each at its file and line. Exits with 1 when there is an error.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Also ask for every link to another site (over the network; a day's answers are
        /// remembered in the user's cache folder).
        #[arg(long)]
        external: bool,
        /// With --external: the longest, in seconds, a site may take to answer.
        #[arg(long, default_value_t = 10, value_name = "SECONDS")]
        timeout: u64,
    },
    /// List the translations each language of the site lacks (`name.<code>.md` files to write).
    Translations {
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Add a priority area or a task to the plan.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Record where a task stands: an update (date, status, note) added to its history.
    Status {
        /// The task's id (`5.3`): its `id`, else its area's number and its place in the area.
        id: String,
        /// planned, in-progress, done or at-risk.
        status: String,
        /// What happened, in a sentence.
        #[arg(long)]
        note: Option<String>,
        /// The day it happened (YYYY-MM-DD) [default: today].
        #[arg(long)]
        date: Option<String>,
    },
    /// Create a new site: site.toml, a sample priority area and the default theme.
    Init {
        /// Folder for the new site [default: the root, else the current folder].
        #[arg(value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
        /// Add the site's files to a folder that is not empty (no file is overwritten).
        #[arg(long)]
        force: bool,
    },
    /// Print a completion script for a shell, e.g. `workplan completions bash >
    /// ~/.local/share/bash-completion/completions/workplan`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `workplan man > ~/.local/share/man/man1/workplan.1`.
    Man,
}

/// What `workplan new` adds.
#[derive(Subcommand)]
enum New {
    /// A priority area: a new file, numbered after the last area, in the areas' folder.
    Area {
        title: String,
        /// The file's name and the area's address (ASCII words joined by `-`) [default: from
        /// the title].
        #[arg(long)]
        slug: Option<String>,
    },
    /// A task, at the end of an area's tasks, with the area's next free id.
    Task {
        /// The area's number or slug.
        area: String,
        title: String,
    },
}

/// How `check` prints its report.
#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// As the build reports problems, for a person.
    Text,
    /// One JSON object with the counts and every problem, for CI pipelines.
    Json,
}

/// Options shared by the commands that build.
#[derive(Args)]
struct SiteArgs {
    /// Publish for this address instead of site.toml's base_url (e.g. https://example.org/plan/);
    /// with `serve`, its path is the sub-path the site is served under (e.g. /plan/).
    #[arg(short = 'u', long)]
    base_url: Option<String>,
    /// Include pages and sections marked `draft = true`.
    #[arg(long)]
    drafts: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let colour = match cli.color {
        Colour::Auto => ColourChoice::Auto,
        Colour::Always => ColourChoice::Always,
        Colour::Never => ColourChoice::Never,
    };
    console::configure(verbosity, colour);
    let root = match (&cli.root, &cli.command) {
        (Some(root), _) => root.clone(),
        // A new site is made where it is asked for, not in a site above.
        (None, Command::Init { .. }) => PathBuf::from("."),
        (None, _) => find_root(&cli.config),
    };
    let normal = console::shows(Verbosity::Normal);
    let build_options = |site: SiteArgs, output_dir, force| BuildOptions {
        root: root.clone(),
        config_file: cli.config.clone(),
        output_dir,
        base_url: site.base_url,
        drafts: site.drafts,
        force,
    };
    let result = match cli.command {
        Command::Build {
            site,
            output_dir,
            watch: false,
            force,
        } => build::build(&build_options(site, output_dir, force)).map(|summary| {
            for warning in &summary.warnings {
                console::warning(warning);
            }
            if !normal {
                return;
            }
            let (pages, sections) = (summary.pages, summary.sections);
            let output = summary.output.display();
            let ms = summary.elapsed.as_millis();
            if summary.up_to_date {
                println!(
                    "Up to date: {pages} pages and {sections} sections in {output}, nothing changed since the last build ({ms} ms)"
                );
            } else {
                let search = summary.search_index().map_or_else(String::new, |took| {
                    format!(" (search index {} ms, beside rendering)", took.as_millis())
                });
                println!(
                    "Built {pages} pages and {sections} sections into {output} in {ms} ms{search}"
                );
            }
            if console::shows(Verbosity::Verbose) && !summary.timings.is_empty() {
                println!("{}", summary.timings_line());
            }
            for (lang, missing, all) in &summary.missing_translations {
                if *missing > 0 {
                    println!(
                        "{lang}: {missing} of {all} pages and sections are not translated and show the default language's text (list them: workplan translations)"
                    );
                }
            }
        }),
        Command::Check {
            site,
            format,
            external,
            timeout,
        } => {
            let options = build_options(site, None, false);
            let external = external.then(|| build::ExternalOptions {
                timeout: std::time::Duration::from_secs(timeout),
                ..build::ExternalOptions::default()
            });
            match build::check(&options, external.as_ref()) {
                Ok(report) => return print_report(&report, format),
                Err(error) => Err(error),
            }
        }
        Command::Translations { drafts } => {
            let options = BuildOptions {
                root: root.clone(),
                config_file: cli.config.clone(),
                drafts,
                ..BuildOptions::default()
            };
            build::missing_translations(&options).map(|languages| {
                if !normal {
                    return;
                }
                if languages.is_empty() {
                    println!("The site is published in one language: there is nothing to translate.");
                }
                for (lang, files) in languages {
                    if files.is_empty() {
                        println!("{lang}: every page and section is translated");
                        continue;
                    }
                    println!("{lang}: {} translations missing:", files.len());
                    for file in files {
                        println!("  content/{file}");
                    }
                }
            })
        }
        Command::Build {
            site,
            output_dir,
            watch: true,
            force,
        } => serve::build_and_watch(&build_options(site, output_dir, force)),
        Command::Serve {
            site,
            interface,
            port,
            output_dir,
            open,
            allowed_hosts,
        } => serve::serve(&ServeOptions {
            build: build_options(site, output_dir, false),
            interface,
            port,
            open,
            allowed_hosts,
        }),
        Command::New { what } => Plan::read(&root, &cli.config).and_then(|plan| match what {
            New::Area { title, slug } => plan
                .new_area(&title, slug.as_deref(), author::today())
                .map(|path| {
                    if normal {
                        println!("{}", path.display());
                    }
                }),
            New::Task { area, title } => plan.new_task(&area, &title).map(|task| {
                if !normal {
                    return;
                }
                println!("{}", task.id);
                for translation in &task.translations {
                    eprintln!(
                        "note: translate task {} in {} too, as the last of its tasks",
                        task.id,
                        translation.display()
                    );
                }
            }),
        }),
        Command::Status {
            id,
            status,
            note,
            date,
        } => Plan::read(&root, &cli.config).and_then(|plan| {
            let change = StatusChange {
                id,
                status,
                note,
                date,
            };
            plan.set_status(&change, author::today()).map(|changed| {
                if normal {
                    println!("{changed}");
                }
                for (translation, status) in &changed.disagreeing {
                    console::warning(format_args!(
                        "{} writes `status = \"{status}\"` for task {}: remove it, or make it \"{}\"",
                        translation.display(),
                        changed.id,
                        changed.to.key()
                    ));
                }
            })
        }),
        Command::Completions { shell } => print_cli_doc(Some(shell)),
        Command::Man => print_cli_doc(None),
        Command::Init { dir, force } => {
            let dir = dir.unwrap_or_else(|| root.clone());
            init::init(&dir, &cli.config, force).map(|created| {
                if !normal {
                    return;
                }
                for kept in &created.kept {
                    println!("Kept {}, which was there already", kept.display());
                }
                let config = if cli.config == workplan::config::FILE_NAME {
                    String::new()
                } else {
                    format!(" --config {}", cli.config)
                };
                println!(
                    "Created a new site in {}. Build it with: workplan --root {}{config} build",
                    dir.display(),
                    dir.display()
                );
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            console::error(&error);
            ExitCode::FAILURE
        }
    }
}

/// The site's folder when `--root` is not given: the current folder or the nearest one above
/// it that holds `config`, as Zola finds its `config.toml`. The current folder is `.`, so that
/// paths print as before; one above is absolute (`../..` says less). `.` when no folder has
/// one, for the error to name.
fn find_root(config: &str) -> PathBuf {
    let here = PathBuf::from(".");
    if here.join(config).is_file() {
        return here;
    }
    std::env::current_dir()
        .ok()
        .and_then(|current| {
            current
                .ancestors()
                .skip(1)
                .find(|folder| folder.join(config).is_file())
                .map(std::path::Path::to_path_buf)
        })
        .unwrap_or(here)
}

/// Prints a completion script for `shell`, or the manual page, made from the definition above.
fn print_cli_doc(shell: Option<clap_complete::Shell>) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut command = Cli::command();
    // Made whole first: clap_complete panics on a write error, such as a closed pipe.
    let mut text = Vec::new();
    match shell {
        Some(shell) => clap_complete::generate(shell, &mut command, "workplan", &mut text),
        None => clap_mangen::Man::new(command).render(&mut text)?,
    }
    std::io::stdout()
        .write_all(&text)
        .context("writing to standard output")
}

/// Prints `check`'s report: problems on stderr as the build prints them (JSON on stdout), then
/// a count. Fails when the report has an error.
fn print_report(report: &build::Report, format: ReportFormat) -> ExitCode {
    let (errors, warnings) = (report.errors(), report.warnings());
    match format {
        ReportFormat::Json => println!("{}", report.to_json()),
        ReportFormat::Text => {
            for problem in &report.problems {
                if problem.severity == Severity::Error || console::shows(Verbosity::Normal) {
                    eprintln!("{}\n", problem.render_in(console::colour()));
                }
            }
            if !console::shows(Verbosity::Normal) {
                return if errors > 0 {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                };
            }
            let count =
                |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
            if errors + warnings == 0 {
                println!("No problems found.");
            } else {
                println!("{}, {}", count(errors, "error"), count(warnings, "warning"));
            }
        }
    }
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

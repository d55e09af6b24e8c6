//! The `workplan` command line: parses the arguments, runs one command, reports the outcome.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use workplan::build::{self, BuildOptions};
use workplan::diagnostic::Diagnostics;
use workplan::init;

/// Publish a work plan as a static site.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The site's folder (where site.toml is).
    #[arg(short, long, global = true, default_value = ".")]
    root: PathBuf,
    /// The configuration file, relative to the root.
    #[arg(short, long, global = true, default_value = workplan::config::FILE_NAME)]
    config: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only if the build succeeds).
    Build {
        /// Where to write the site [default: <root>/public].
        #[arg(short, long)]
        output_dir: Option<PathBuf>,
        /// Publish for this address instead of site.toml's base_url (e.g. https://example.org/plan/).
        #[arg(short = 'u', long)]
        base_url: Option<String>,
        /// Include pages and sections marked `draft = true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new site: site.toml, a sample priority area and the default theme.
    Init {
        /// Folder for the new site.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write into a folder that is not empty.
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            output_dir,
            base_url,
            drafts,
        } => build::build(&BuildOptions {
            root: cli.root,
            config_file: cli.config,
            output_dir,
            base_url,
            drafts,
        })
        .map(|summary| {
            println!(
                "Built {} pages and {} sections into {} in {} ms",
                summary.pages,
                summary.sections,
                summary.output.display(),
                summary.elapsed.as_millis()
            );
        }),
        Command::Init { dir, force } => init::init(&dir, force).map(|()| {
            println!(
                "Created a new site in {}. Build it with: workplan --root {} build",
                dir.display(),
                dir.display()
            );
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

/// Diagnostics print as they are; other errors as `error:` with one `caused by:` per source.
fn report(error: &anyhow::Error) {
    if let Some(diagnostics) = error.downcast_ref::<Diagnostics>() {
        eprintln!("{diagnostics}");
        return;
    }
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("caused by: {cause}");
    }
}

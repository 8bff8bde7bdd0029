//! `rampart-waf`: check rule files, run the proxy, run the CRS conformance corpus.

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "rampart-waf", about = "rampart's web application firewall")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Validates SecLang rule files (loaded in the order given); errors name file:line.
    Check {
        /// Files or directories of *.conf.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Check { paths } => match rampart_waf::seclang::load_paths(&paths) {
            Ok(set) => {
                println!("ok: {} rules, {} markers, {} files", set.rule_count(), set.markers.len(), set.files.len());
                Ok(())
            }
            Err(e) => {
                eprintln!("rampart-waf: {e}");
                std::process::exit(1);
            }
        },
    }
}

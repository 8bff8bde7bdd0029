//! `rampart-waf`: check rule files, run the proxy, run the CRS conformance corpus.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use rampart_waf::proxy::{self, audit::Sink, rules::Sources, Mode, Proxy};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

#[derive(Parser)]
#[command(name = "rampart-waf", about = "rampart's web application firewall")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Detect,
    Block,
}

#[derive(Subcommand)]
enum Cmd {
    /// Validates SecLang rule files (loaded in the order given); errors name file:line.
    Check {
        /// Files or directories of *.conf.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Runs the reverse proxy.
    Run {
        /// Address to listen on.
        #[arg(long)]
        listen: String,
        /// Upstream base URL (http://host:port).
        #[arg(long)]
        upstream: String,
        /// Rule files or directories, in order (e.g. crs-setup.conf rules/).
        #[arg(long, num_args = 1.., required = true)]
        rules: Vec<PathBuf>,
        /// Local rules, loaded after --rules and reloaded on SIGHUP.
        #[arg(long, default_value = "/etc/rampart/waf.d")]
        local_rules: PathBuf,
        /// detect: log only; block: disruptive rules act.
        #[arg(long, value_enum, default_value = "block")]
        mode: ModeArg,
        /// CRS paranoia level.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=4))]
        paranoia: u8,
        /// Audit log (JSON lines); `-` for stdout.
        #[arg(long, default_value = "/var/log/rampart/waf-audit.json")]
        audit_log: String,
        /// Blocked and refused requests as syslog-format lines, for rampart-hidsd.
        #[arg(long)]
        block_log: Option<String>,
        /// TLS: certificate chain (PEM); with --tls-key. Clients then speak HTTP/2 or
        /// HTTP/1.1 (ALPN) over TLS.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS: the certificate's private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Runs the CRS regression corpus through the proxy against a built-in test backend.
    Conformance(rampart_waf::conformance::Options),
    /// Runs only the conformance test backend (albedo's answers, `/reflect` included).
    Albedo {
        /// Address to listen on.
        #[arg(long)]
        listen: String,
    },
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        Cmd::Run { listen, upstream, rules, local_rules, mode, paranoia, audit_log, block_log, tls_cert, tls_key } => {
            let tls = match (&tls_cert, &tls_key) {
                (Some(c), Some(k)) => Some(proxy::tls::acceptor(c, k).map_err(|e| anyhow::anyhow!("TLS: {e}"))?),
                _ => None,
            };
            let sources = Sources { paths: rules, local_dir: Some(local_rules) };
            let set = sources.load().map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!("rampart-waf: {} rules loaded", set.rule_count());
            let proxy = Arc::new(Proxy {
                rules: RwLock::new(Arc::new(set)),
                upstream: proxy::upstream::Upstream::new(&upstream).map_err(|e| anyhow::anyhow!(e))?,
                mode: match mode {
                    ModeArg::Detect => Mode::Detect,
                    ModeArg::Block => Mode::Block,
                },
                paranoia,
                audit: {
                    let audit = Sink::file(&audit_log).with_context(|| format!("audit log {audit_log}"))?;
                    match &block_log {
                        Some(b) => {
                            Sink::Tee(vec![audit, Sink::block_log(b).with_context(|| format!("block log {b}"))?])
                        }
                        None => audit,
                    }
                },
                max_head: 64 * 1024,
                tls,
            });
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            rt.block_on(async move {
                let listener =
                    tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("listen {listen}"))?;
                eprintln!("rampart-waf: listening on {}", listener.local_addr()?);
                let reloader = proxy.clone();
                tokio::spawn(async move {
                    let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
                        return;
                    };
                    while hup.recv().await.is_some() {
                        match sources.load() {
                            Ok(set) => {
                                eprintln!("rampart-waf: reloaded, {} rules", set.rule_count());
                                if let Ok(mut r) = reloader.rules.write() {
                                    *r = Arc::new(set);
                                }
                            }
                            Err(e) => eprintln!("rampart-waf: reload rejected, running rules stay: {e}"),
                        }
                    }
                });
                proxy.serve(listener).await?;
                Ok(())
            })
        }
        Cmd::Albedo { listen } => {
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            rt.block_on(async move {
                let l = tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("listen {listen}"))?;
                rampart_waf::conformance::albedo::serve(l).await;
                Ok(())
            })
        }
        Cmd::Conformance(opts) => {
            let code = rampart_waf::conformance::run(opts)?;
            std::process::exit(code);
        }
    }
}

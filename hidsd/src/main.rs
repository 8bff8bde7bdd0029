//! `rampart-hidsd`: rampart's host intrusion detection daemon.

mod event;
mod logline;
mod rules;

fn main() {
    eprintln!("rampart-hidsd {}: no commands yet", env!("CARGO_PKG_VERSION"));
    std::process::exit(2);
}

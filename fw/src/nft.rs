//! Running `nft`: scripts in as one transaction (`nft -f -`), state out as JSON
//! (`nft -j`), in the current network namespace or a named one (`ip netns exec`).

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

/// Where nft runs.
#[derive(Debug, Clone, Default)]
pub struct Nft {
    /// A named network namespace (`ip netns`), or the current one.
    pub netns: Option<String>,
    /// Run in a new, empty network namespace (`unshare -n`): what a script would
    /// make of an empty ruleset, for `plan`.
    pub scratch: bool,
}

impl Nft {
    /// nft in `netns` (or the current namespace).
    pub fn new(netns: Option<String>) -> Self {
        Nft { netns, scratch: false }
    }

    fn command(&self, program: &str) -> Command {
        if self.scratch {
            let mut c = Command::new("unshare");
            c.args(["-n", "--", program]);
            c
        } else if let Some(ns) = &self.netns {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", ns, program]);
            c
        } else {
            Command::new(program)
        }
    }

    /// A command for `program` in the same namespace (conntrack, sh).
    pub fn other(&self, program: &str) -> Command {
        self.command(program)
    }

    /// Runs `script` as one transaction: all of it is applied or none.
    pub fn run_script(&self, script: &str) -> Result<()> {
        self.run_with_stdin(&["-f", "-"], script).map(|_| ())
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Result<Vec<u8>> {
        let mut child = self
            .command("nft")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting nft (install nftables)")?;
        let mut input = child.stdin.take().context("nft stdin")?;
        let text = stdin.to_string();
        let writer = std::thread::spawn(move || input.write_all(text.as_bytes()));
        let out = child.wait_with_output()?;
        let _ = writer.join();
        if !out.status.success() {
            bail!("nft: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(out.stdout)
    }

    /// `nft -j ARGS...` as JSON: the objects of its `nftables` array (metainfo left out).
    pub fn json(&self, args: &[&str]) -> Result<Vec<Value>> {
        let out = self.command("nft").arg("-j").args(args).output().context("starting nft (install nftables)")?;
        if !out.status.success() {
            bail!("nft -j {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
        }
        parse_json(&out.stdout)
    }

    /// The table's objects without set elements (`nft -t -j list table`); `None` when
    /// there is no such table.
    pub fn table(&self, table: &str) -> Result<Option<Vec<Value>>> {
        let out = self
            .command("nft")
            .args(["-t", "-j", "list", "table", "inet", table])
            .output()
            .context("starting nft (install nftables)")?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            if err.contains("No such file or directory") {
                return Ok(None);
            }
            bail!("nft list table inet {table}: {}", err.trim());
        }
        parse_json(&out.stdout).map(Some)
    }

    /// What `script` makes of an empty ruleset: the objects of `table`, read in a new
    /// network namespace (nothing here is touched), set elements included.
    pub fn scratch_table(&self, script: &str, table: &str) -> Result<Vec<Value>> {
        let mut path = std::env::temp_dir();
        path.push(format!("rampart-fw-plan-{}.nft", std::process::id()));
        std::fs::write(&path, script)?;
        let out = Command::new("unshare")
            .args(["-n", "--", "sh", "-c", "nft -f \"$1\" && nft -j list table inet \"$2\"", "sh"])
            .arg(&path)
            .arg(table)
            .output()
            .context("starting unshare (util-linux)");
        let _ = std::fs::remove_file(&path);
        let out = out?;
        if !out.status.success() {
            bail!("nft: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
        parse_json(&out.stdout)
    }
}

/// The objects of an `nft -j` document, metainfo left out.
pub fn parse_json(bytes: &[u8]) -> Result<Vec<Value>> {
    let doc: Value = serde_json::from_slice(bytes).context("nft -j output is not JSON")?;
    let Some(items) = doc.get("nftables").and_then(Value::as_array) else {
        bail!("nft -j output has no `nftables` array")
    };
    Ok(items.iter().filter(|v| v.get("metainfo").is_none()).cloned().collect())
}

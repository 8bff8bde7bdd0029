//! What `rampart check` reads: a `.config` (and the kernel version in its header), a kernel
//! command line and a `sysctl -a` listing, each as named settings.

use super::cond::{Kind, State};
use anyhow::{bail, Result};
use std::collections::BTreeMap;

/// Settings of one input: name to value, `None` for `# CONFIG_X is not set`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    values: BTreeMap<String, Option<String>>,
}

impl Settings {
    /// The setting's state.
    pub fn state(&self, name: &str) -> State<'_> {
        match self.values.get(name) {
            None => State::Absent,
            Some(None) => State::NotSet,
            Some(Some(v)) => State::Value(v),
        }
    }
}

/// Everything a check may look at; an input not given makes every term on it false.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The `.config`'s symbols (without `CONFIG_`).
    pub kconfig: Option<Settings>,
    /// The kernel version from the `.config` header (`# Linux/x86 6.12.1 Kernel Configuration`).
    pub version: Option<[u32; 3]>,
    /// Kernel command-line parameters, values normalised (see [`parse_cmdline`]).
    pub cmdline: Option<Settings>,
    /// sysctl keys.
    pub sysctl: Option<Settings>,
}

impl Inputs {
    /// The input of `kind`, if given.
    pub fn settings(&self, kind: Kind) -> Option<&Settings> {
        match kind {
            Kind::Kconfig => self.kconfig.as_ref(),
            Kind::Cmdline => self.cmdline.as_ref(),
            Kind::Sysctl => self.sysctl.as_ref(),
        }
    }
}

/// Reads `.config` text: its symbols and the kernel version of its header.
pub fn parse_kconfig(text: &str) -> (Settings, Option<[u32; 3]>) {
    let mut values = BTreeMap::new();
    let mut version = None;
    for line in text.lines().map(str::trim) {
        if let Some(symbol) = line.strip_prefix("# CONFIG_").and_then(|r| r.strip_suffix(" is not set")) {
            values.insert(symbol.to_string(), None);
        } else if let Some((symbol, value)) = line.strip_prefix("CONFIG_").and_then(|r| r.split_once('=')) {
            values.insert(symbol.to_string(), Some(value.to_string()));
        } else if let Some(rest) = line.strip_prefix("# Linux/").and_then(|r| r.strip_suffix(" Kernel Configuration")) {
            version = version.or_else(|| rest.split_whitespace().nth(1).and_then(header_version));
        }
    }
    (Settings { values }, version)
}

/// `6.12.117`, `6.12.0-rc1`, `6.1.0+`: the first three numbers.
fn header_version(text: &str) -> Option<[u32; 3]> {
    let numbers = text.split(['-', '+']).next()?;
    let mut parts = numbers.split('.').map(|p| p.parse::<u32>().ok());
    Some([parts.next()??, parts.next()??, parts.next()??])
}

/// Reads a kernel command line (`/proc/cmdline`: one line). A parameter without `=` has
/// the value `""`. Values of parameters the kernel reads as booleans (every one but those in
/// `verbatim`) are normalised as the kernel's `kstrtobool()` reads them: `1`/`on`/`y`/`yes`/
/// `t`/`true` to `1`, `0`/`off`/`n`/`no`/`f`/`false` to `0`. The last of repeated ones counts.
pub fn parse_cmdline(text: &str, verbatim: &[String]) -> Result<Settings> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let line = lines.next().unwrap_or("");
    if lines.next().is_some() {
        bail!("a kernel command line is one line");
    }
    let mut values = BTreeMap::new();
    for word in line.split_whitespace() {
        let (name, value) = word.split_once('=').unwrap_or((word, ""));
        let value = if verbatim.iter().any(|v| v == name) { value.to_string() } else { boolean(value) };
        values.insert(name.to_string(), Some(value));
    }
    Ok(Settings { values })
}

fn boolean(value: &str) -> String {
    match value.to_ascii_lowercase().as_str() {
        "1" | "on" | "y" | "yes" | "t" | "true" => "1".into(),
        "0" | "off" | "n" | "no" | "f" | "false" => "0".into(),
        _ => value.to_string(),
    }
}

/// Reads `sysctl -a` output: `key = value` lines (blank and `#` lines skipped). A key sysctl
/// could not read (`sysctl: permission denied on key 'k'`) has the value `permission denied`;
/// other `sysctl:` lines are its complaints and skipped. The last of repeated keys counts.
pub fn parse_sysctl(text: &str) -> Result<Settings> {
    let mut values = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("sysctl: ") {
            if let Some(key) = rest.strip_prefix("permission denied on key '").and_then(|k| k.strip_suffix('\'')) {
                values.insert(key.to_string(), Some("permission denied".to_string()));
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { bail!("not a `key = value` line: {line:?}") };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            bail!("not a `key = value` line: {line:?}");
        }
        values.insert(key.to_string(), Some(value.trim().to_string()));
    }
    if values.is_empty() {
        bail!("no `key = value` lines (expected `sysctl -a` output)");
    }
    Ok(Settings { values })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_tells_unset_from_absent_and_its_version() {
        let (s, v) = parse_kconfig(
            "#\n# Linux/x86 6.12.117 Kernel Configuration\n#\nCONFIG_A=y\n# CONFIG_B is not set\nCONFIG_S=\"a,b\"\n",
        );
        assert_eq!(v, Some([6, 12, 117]));
        assert_eq!(s.state("A"), State::Value("y"));
        assert_eq!(s.state("B"), State::NotSet);
        assert_eq!(s.state("S"), State::Value("\"a,b\""));
        assert_eq!(s.state("C"), State::Absent);
        assert_eq!(parse_kconfig("# Linux/x86_64 6.1.0-rc1 Kernel Configuration\n").1, Some([6, 1, 0]));
    }

    #[test]
    fn command_line_values_are_read_as_the_kernel_reads_them() {
        let s = parse_cmdline("console=ttyS0 nosmt init_on_free=on pti=on debugfs=off\n", &["pti".into()]).unwrap();
        assert_eq!(s.state("nosmt"), State::Value(""));
        assert_eq!(s.state("init_on_free"), State::Value("1"));
        assert_eq!(s.state("pti"), State::Value("on"));
        assert_eq!(s.state("debugfs"), State::Value("0"));
        assert_eq!(s.state("nokaslr"), State::Absent);
        assert!(parse_cmdline("a\nb\n", &[]).is_err());
    }

    #[test]
    fn sysctl_listings() {
        let s = parse_sysctl("kernel.kptr_restrict = 2\nsysctl: permission denied on key 'kernel.cad_pid'\nfs.x=1\n")
            .unwrap();
        assert_eq!(s.state("kernel.kptr_restrict"), State::Value("2"));
        assert_eq!(s.state("kernel.cad_pid"), State::Value("permission denied"));
        assert_eq!(s.state("fs.x"), State::Value("1"));
        assert!(parse_sysctl("just words\n").is_err());
        assert!(parse_sysctl("\n").is_err());
    }
}

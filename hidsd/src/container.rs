//! Which container an event came from: the task's cgroup v2 path, found from the
//! kernel event's `cgroup` id (the inode number of the task's cgroup directory) or,
//! for log lines naming a process, from `/proc/PID/cgroup` while it still runs; and
//! the container runtime's id when the path holds one (Docker, Podman, containerd,
//! CRI-O, Kubernetes, LXC, systemd-nspawn).

use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where an event's task ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Its cgroup v2 path (`/system.slice/docker-<id>.scope`).
    pub cgroup: String,
    /// The container, when the path names one.
    pub container: Option<Container>,
}

/// A container as its runtime names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    /// The runtime's id (64 hex digits) or the container's name (LXC, nspawn).
    pub id: String,
    /// `docker`, `podman`, `containerd`, `cri-o`, `kubernetes`, `lxc` or `systemd-nspawn`.
    pub runtime: &'static str,
}

fn is_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The container one cgroup path component names.
fn component(c: &str, parent: &str) -> Option<Container> {
    let scoped = [("docker-", "docker"), ("libpod-", "podman"), ("cri-containerd-", "containerd"), ("crio-", "cri-o")];
    for (prefix, runtime) in scoped {
        if let Some(id) = c.strip_prefix(prefix).and_then(|r| r.strip_suffix(".scope")) {
            if is_id(id) {
                return Some(Container { id: id.to_string(), runtime });
            }
        }
    }
    if is_id(c) {
        let runtime = match parent {
            "docker" => "docker",
            p if p.starts_with("kubepods") || p.starts_with("pod") => "kubernetes",
            _ => return None,
        };
        return Some(Container { id: c.to_string(), runtime });
    }
    if let Some(name) = c.strip_prefix("lxc.payload.") {
        return Some(Container { id: name.to_string(), runtime: "lxc" });
    }
    if parent == "lxc" && !c.is_empty() {
        return Some(Container { id: c.to_string(), runtime: "lxc" });
    }
    let nspawn = c.strip_prefix("systemd-nspawn@").and_then(|r| r.strip_suffix(".service"));
    let machine = c.strip_prefix("machine-").and_then(|r| r.strip_suffix(".scope"));
    if let Some(name) = nspawn.or(if parent == "machine.slice" { machine } else { None }) {
        return Some(Container { id: name.replace("\\x2d", "-"), runtime: "systemd-nspawn" });
    }
    None
}

/// The innermost container a cgroup path names.
pub fn container_of(path: &str) -> Option<Container> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    (0..parts.len()).rev().find_map(|i| component(parts[i], if i > 0 { parts[i - 1] } else { "" }))
}

/// The cgroup v2 path in a `/proc/PID/cgroup` text (its `0::` line).
pub fn unified_path(text: &str) -> Option<String> {
    text.lines().find_map(|l| l.strip_prefix("0::")).map(str::to_string)
}

/// Resolves cgroup ids to paths by looking through the cgroup v2 hierarchy (each
/// directory's inode number is its id), remembering what it found.
pub struct CgroupIds {
    root: Option<PathBuf>,
    known: HashMap<u64, String>,
    scanned: Option<Instant>,
}

/// Directories looked at per scan, at most.
const SCAN_MAX: usize = 100_000;
/// A miss scans again at most this often.
const RESCAN_AFTER: Duration = Duration::from_secs(1);

/// Where cgroup v2 is mounted (`/proc/self/mountinfo`), if anywhere.
pub fn cgroup2_mount(mountinfo: &str) -> Option<PathBuf> {
    mountinfo.lines().find_map(|line| {
        let (left, right) = line.split_once(" - ")?;
        if right.split(' ').next() != Some("cgroup2") {
            return None;
        }
        left.split(' ').nth(4).map(PathBuf::from)
    })
}

impl CgroupIds {
    /// Over the hierarchy mounted at `root` (None: no cgroup v2, nothing resolves).
    pub fn new(root: Option<PathBuf>) -> CgroupIds {
        CgroupIds { root, known: HashMap::new(), scanned: None }
    }

    /// Over this machine's cgroup v2 mount.
    pub fn system() -> CgroupIds {
        CgroupIds::new(std::fs::read_to_string("/proc/self/mountinfo").ok().as_deref().and_then(cgroup2_mount))
    }

    /// The path of cgroup `id`, relative to the hierarchy's root (`/` for the root).
    pub fn path_of(&mut self, id: u64) -> Option<String> {
        if let Some(p) = self.known.get(&id) {
            return Some(p.clone());
        }
        if self.scanned.is_some_and(|t| t.elapsed() < RESCAN_AFTER) {
            return None;
        }
        self.scan();
        self.known.get(&id).cloned()
    }

    fn scan(&mut self) {
        self.scanned = Some(Instant::now());
        let Some(root) = self.root.clone() else { return };
        // Ids are never reused, so what was found stays true; only the size is bounded.
        if self.known.len() > SCAN_MAX {
            self.known.clear();
        }
        let mut pending = vec![root.clone()];
        let mut seen = 0;
        while let Some(dir) = pending.pop() {
            let Ok(meta) = std::fs::metadata(&dir) else { continue };
            let rel = dir.strip_prefix(&root).map(|r| format!("/{}", r.display())).unwrap_or_default();
            self.known.insert(meta.ino(), if rel == "/" { rel } else { rel.trim_end_matches('/').to_string() });
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    seen += 1;
                    if seen > SCAN_MAX {
                        return;
                    }
                    pending.push(e.path());
                }
            }
        }
    }
}

/// Where the task of an event's fields ran: the kernel's `cgroup` id, else a `pid`
/// whose process still runs (`proc`: the procfs root).
pub fn origin(ids: &mut CgroupIds, proc: &Path, fields: &BTreeMap<String, String>) -> Option<Origin> {
    let path = match fields.get("cgroup").and_then(|c| c.parse::<u64>().ok()) {
        Some(id) => ids.path_of(id),
        None => {
            let pid: u32 = fields.get("pid")?.parse().ok()?;
            unified_path(&std::fs::read_to_string(proc.join(pid.to_string()).join("cgroup")).ok()?)
        }
    }?;
    Some(Origin { container: container_of(&path), cgroup: path })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "4c01db0b339c7b2c8e4e0b21ba1f4e4e95f8c51e1f3e9a7f6d2c1b0a99887766";

    #[test]
    fn runtimes_name_their_containers_in_the_path() {
        let cases = [
            (format!("/system.slice/docker-{ID}.scope"), Some((ID, "docker"))),
            (format!("/docker/{ID}"), Some((ID, "docker"))),
            (format!("/machine.slice/libpod-{ID}.scope/container"), Some((ID, "podman"))),
            (format!("/machine.slice/libpod-conmon-{ID}.scope"), None),
            (format!("/system.slice/cri-containerd-{ID}.scope"), Some((ID, "containerd"))),
            (format!("/kubepods.slice/kubepods-burstable.slice/crio-{ID}.scope"), Some((ID, "cri-o"))),
            (format!("/kubepods/besteffort/pod1234/{ID}"), Some((ID, "kubernetes"))),
            ("/lxc.payload.web1".to_string(), Some(("web1", "lxc"))),
            ("/lxc/web2/init.scope".to_string(), Some(("web2", "lxc"))),
            ("/machine.slice/systemd-nspawn@build\\x2dbox.service".to_string(), Some(("build-box", "systemd-nspawn"))),
            ("/user.slice/user-1000.slice/session-3.scope".to_string(), None),
            ("/".to_string(), None),
            (format!("/system.slice/docker-{}.scope", &ID[..63]), None),
        ];
        for (path, want) in cases {
            let got = container_of(&path).map(|c| (c.id, c.runtime));
            assert_eq!(got, want.map(|(i, r)| (i.to_string(), r)), "{path}");
        }
    }

    #[test]
    fn reads_proc_and_mountinfo() {
        assert_eq!(
            unified_path("12:pids:/\n0::/system.slice/sshd.service\n"),
            Some("/system.slice/sshd.service".into())
        );
        assert_eq!(unified_path("4:memory:/x\n"), None);
        let mi = "22 1 0:21 / /proc rw - proc proc rw\n41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
        assert_eq!(cgroup2_mount(mi), Some(PathBuf::from("/sys/fs/cgroup/unified")));
        assert_eq!(cgroup2_mount("22 1 0:21 / /proc rw - proc proc rw\n"), None);
    }

    /// A real cgroup named as Docker names its containers, with this test's process in
    /// it: found from its id (as the kernel's events give it) and from /proc.
    #[test]
    fn finds_a_real_cgroup_by_id_and_by_pid() {
        let mut ids = CgroupIds::system();
        let Some(root) = ids.root.clone() else {
            eprintln!("no cgroup v2 mounted here: skipped");
            return;
        };
        let dir = root.join(format!("docker-{ID}.scope"));
        if std::fs::create_dir(&dir).is_err() {
            eprintln!("cannot make a cgroup under {}: skipped", root.display());
            return;
        }
        let id = std::fs::metadata(&dir).unwrap().ino();
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        let moved = std::fs::write(dir.join("cgroup.procs"), child.id().to_string()).is_ok();
        let by_id = origin(&mut ids, Path::new("/proc"), &BTreeMap::from([("cgroup".into(), id.to_string())]));
        let by_pid = origin(&mut ids, Path::new("/proc"), &BTreeMap::from([("pid".into(), child.id().to_string())]));
        child.kill().unwrap();
        child.wait().unwrap();
        std::fs::remove_dir(&dir).unwrap();
        let want = Container { id: ID.into(), runtime: "docker" };
        assert_eq!(by_id.unwrap().container, Some(want.clone()));
        if moved {
            assert_eq!(by_pid.unwrap().container, Some(want));
        }
        assert_eq!(ids.path_of(u64::MAX), None, "an unknown id");
    }
}

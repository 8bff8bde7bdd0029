//! A real podman container with a published port behind rampart-fw: the container
//! (busybox httpd, from a root filesystem made here: no image registry is needed) is
//! published on the host namespace's port 8080 by podman's own NAT (netavark), a
//! blocked address cannot reach it while another can, and podman's tables are the
//! same before and after rampart-fw applied its policy and blocked an address.
//!
//! podman runs in the test's host namespace with its own storage, run and tmp
//! directories (the machine's containers are not touched), entered with nsenter
//! (`ip netns exec` remounts /sys, and with it the cgroup mounts crun looks at), in a
//! private mount namespace where /sys/fs/cgroup is cgroup2 alone (crun 1.8 refuses a
//! hybrid v1 + v2 layout), with `--cgroups=disabled` and limits below the current
//! hard ones (podman's defaults raise them, which needs CAP_SYS_RESOURCE). Needs
//! root, ip, nft, podman and a static busybox; skipped when not root or when podman
//! or busybox is missing.

mod common;
use common::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The podman of this test, and what it leaves to clean up.
struct Podman {
    args: Vec<String>,
    mnt: PathBuf,
    name: String,
}

impl Podman {
    fn new(t: &Topology) -> Podman {
        let mnt = PathBuf::from(format!("/run/{}-mnt", t.prefix));
        std::fs::write(&mnt, "").unwrap();
        let cgroup2 = sh("stat -f -c %T /sys/fs/cgroup").stdout.starts_with(b"cgroup2fs");
        let inner = if cgroup2 { "true" } else { "mount -t cgroup2 none /sys/fs/cgroup" };
        must(&format!("unshare --mount={} --propagation private sh -c '{inner}'", mnt.display()));
        let d = t.dir.display();
        let args = vec![
            format!("--mount={}", mnt.display()),
            format!("--net=/run/netns/{}", t.name(Ns::Host)),
            "podman".into(),
            format!("--root={d}/podman-root"),
            format!("--runroot={d}/podman-run"),
            format!("--tmpdir={d}/podman-tmp"),
            "--cgroup-manager=cgroupfs".into(),
            "--events-backend=file".into(),
        ];
        Podman { args, mnt, name: t.prefix.clone() }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new("nsenter").args(&self.args).args(args).output().unwrap()
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        let _ = self.run(&["rm", "-f", "-t", "0", &self.name]);
        let _ = sh(&format!("umount {m}; rm -f {m}", m = self.mnt.display()));
    }
}

/// Everything in the host namespace's ruleset but rampart's table, without counters.
fn others(t: &Topology) -> Vec<Value> {
    let out = sh(&format!("ip netns exec {} nft -s -j list ruleset", t.name(Ns::Host)));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("nft -j");
    let items = doc["nftables"].as_array().cloned().unwrap_or_default();
    items
        .into_iter()
        .filter(|o| o.get("metainfo").is_none())
        .filter(|o| {
            let obj = o.as_object().and_then(|m| m.values().next()).cloned().unwrap_or_default();
            let table = obj.get("table").or_else(|| obj.get("name")).and_then(Value::as_str).unwrap_or("");
            !(obj.get("family").and_then(Value::as_str) == Some("inet") && table == "rampart")
        })
        .collect()
}

/// The current hard limit of `resource`.
fn hard_limit(resource: libc::__rlimit_resource_t) -> u64 {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit(2) into a struct we own.
    assert_eq!(unsafe { libc::getrlimit(resource, &mut lim) }, 0);
    lim.rlim_max
}

/// `GET /` from `src` in the internet namespace to the published port: the body.
fn get(t: &Topology, src: &str) -> Option<String> {
    let mut s = t.connect(Ns::Inet, src, "10.0.2.1:8080")?;
    s.set_read_timeout(Some(Duration::from_millis(1500))).unwrap();
    s.write_all(b"GET / HTTP/1.0\r\n\r\n").ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    body.contains("200 OK").then_some(body)
}

#[test]
fn podman_published_port() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    if !sh("command -v podman").status.success() {
        eprintln!("skipped: podman is not installed");
        return;
    }
    let busybox = sh("command -v busybox").stdout;
    let busybox = String::from_utf8_lossy(&busybox).trim().to_string();
    if busybox.is_empty() || !sh(&format!("file -L {busybox} | grep -q 'statically linked'")).status.success() {
        eprintln!("skipped: no static busybox (Debian's busybox-static) to make the container from");
        return;
    }
    let t = Topology::new("podman");
    let rootfs = t.dir.join("rootfs");
    std::fs::create_dir_all(rootfs.join("bin")).unwrap();
    std::fs::create_dir_all(rootfs.join("www")).unwrap();
    std::fs::copy(&busybox, rootfs.join("bin/busybox")).unwrap();
    std::fs::write(rootfs.join("www/index.html"), "hello from the container\n").unwrap();
    let podman = Podman::new(&t);
    // Lowering a limit needs no capability.
    let (nofile, nproc) = (hard_limit(libc::RLIMIT_NOFILE).min(1024), hard_limit(libc::RLIMIT_NPROC).min(1024));
    let out = podman.run(&[
        "run",
        "-d",
        "--name",
        &podman.name,
        "--cgroups=disabled",
        "--ulimit",
        &format!("nofile={nofile}:{nofile}"),
        "--ulimit",
        &format!("nproc={nproc}:{nproc}"),
        "-p",
        "8080:80",
        "--rootfs",
        &rootfs.display().to_string(),
        "/bin/busybox",
        "httpd",
        "-f",
        "-p",
        "80",
        "-h",
        "/www",
    ]);
    assert!(out.status.success(), "podman run: {}", String::from_utf8_lossy(&out.stderr));
    let mut up = false;
    for _ in 0..20 {
        if get(&t, "10.0.2.3").is_some() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(up, "the published port does not answer before any rampart-fw policy");
    assert!(get(&t, "10.0.2.4").is_some_and(|b| b.contains("hello from the container")));
    let podman_before = others(&t);
    assert!(
        serde_json::to_string(&podman_before).unwrap().contains("NETAVARK"),
        "podman's NAT is not in the ruleset: {podman_before:?}"
    );

    t.apply("inbound = \"drop\"\n[[service]]\nname = \"https\"\nport = 443\nfrom = [\"all\"]\n");
    assert!(get(&t, "10.0.2.3").is_some(), "the published port behind rampart-fw's policy");
    t.fw_ok(&["deny", "10.0.2.3", "--comment", "podman test"]);
    assert!(get(&t, "10.0.2.3").is_none(), "a blocked address reached the container's published port");
    assert!(get(&t, "10.0.2.4").is_some(), "another address lost the published port");
    assert_eq!(others(&t), podman_before, "rampart-fw changed podman's tables");
}

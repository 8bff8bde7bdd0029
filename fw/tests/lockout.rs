//! A policy that would cut the SSH session it is applied from is refused, with a real
//! sshd in the host namespace and real `ssh` sessions from the admin namespace: found
//! through SSH_CONNECTION inside the session, and through conntrack and the socket
//! table without it (sudo drops the variable; `--netns` from outside); `--force`
//! applies it, and then a new session really is refused. Needs root, ip, nft, sshd and
//! ssh (openssh-server, openssh-client); skipped when not root.

mod common;
use common::*;
use std::process::{Child, Command, Stdio};

const GOOD: &str = "[zones]\nadmin = [\"10.0.1.0/24\"]\nbackup = [\"10.0.2.0/24\"]\n\
                    [[service]]\nname = \"ssh\"\nport = 22\nfrom = [\"admin\"]\n";
const BAD: &str = "[zones]\nadmin = [\"10.0.1.0/24\"]\nbackup = [\"10.0.2.0/24\"]\n\
                   [[service]]\nname = \"ssh\"\nport = 22\nfrom = [\"backup\"]\n";

struct Sshd(Child);

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_sshd(t: &Topology) -> Sshd {
    let d = t.dir.display().to_string();
    must(&format!("ssh-keygen -q -t ed25519 -N '' -f {d}/hostkey && ssh-keygen -q -t ed25519 -N '' -f {d}/id && cp {d}/id.pub {d}/authorized_keys && mkdir -p /run/sshd"));
    std::fs::write(
        t.dir.join("sshd_config"),
        format!(
            "Port 22\nListenAddress 0.0.0.0\nHostKey {d}/hostkey\nAuthorizedKeysFile {d}/authorized_keys\n\
             PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
             StrictModes no\nPidFile {d}/sshd.pid\n"
        ),
    )
    .unwrap();
    let child = Command::new("ip")
        .args(["netns", "exec", &t.name(Ns::Host), "/usr/sbin/sshd", "-D", "-e", "-f"])
        .arg(t.dir.join("sshd_config"))
        .stderr(Stdio::null())
        .spawn()
        .expect("sshd (install openssh-server)");
    for _ in 0..50 {
        if t.tcp_ok(Ns::Admin, "10.0.1.2", "10.0.1.1:22") || t.connect(Ns::Admin, "10.0.1.2", "10.0.1.1:22").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Sshd(child)
}

/// Runs `cmd` in an ssh session from the admin namespace: (success, stdout+stderr).
fn ssh(t: &Topology, cmd: &str) -> (bool, String) {
    let out = Command::new("ip")
        .args(["netns", "exec", &t.name(Ns::Admin), "ssh", "-i"])
        .arg(t.dir.join("id"))
        .args(["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes"])
        .args(["-o", "ConnectTimeout=3", "-o", "LogLevel=ERROR", "root@10.0.1.1", cmd])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn policy_cutting_the_ssh_session_is_refused() {
    if !is_root() {
        eprintln!("skipped: needs root for network namespaces");
        return;
    }
    let t = Topology::new("lockout");
    let _sshd = start_sshd(&t);
    let fw = env!("CARGO_BIN_EXE_rampart-fw");
    let state = t.dir.join("state").display().to_string();
    let good = t.policy("good.toml", GOOD);
    let bad = t.policy("bad.toml", BAD);
    // In the session (no --netns: the session runs in the host namespace).
    let (ok, out) = ssh(&t, &format!("{fw} --state-dir {state} --policy {good} apply"));
    assert!(ok, "{out}");
    let (ok, out) = ssh(&t, &format!("echo $SSH_CONNECTION; {fw} --state-dir {state} --policy {bad} apply"));
    assert!(!ok && out.contains("refusing") && out.contains("SSH_CONNECTION"), "{out}");
    assert!(out.contains("from 10.0.1.2 (port 22"), "{out}");
    assert!(t.fw_ok(&["--policy", &good, "plan"]).starts_with("no changes"), "the refused policy was applied");
    // Without SSH_CONNECTION (as under sudo): conntrack or the socket table find it.
    let (ok, out) = ssh(&t, &format!("env -u SSH_CONNECTION {fw} --state-dir {state} --policy {bad} apply"));
    assert!(!ok && out.contains("refusing") && (out.contains("conntrack") || out.contains("socket table")), "{out}");
    // From outside with --netns while a session is open.
    let mut session = Command::new("ip")
        .args(["netns", "exec", &t.name(Ns::Admin), "ssh", "-i"])
        .arg(t.dir.join("id"))
        .args(["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes"])
        .args(["-o", "LogLevel=ERROR", "root@10.0.1.1", "sleep 20"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let out = t.fw(&["--policy", &bad, "apply"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let _ = session.kill();
    let _ = session.wait();
    assert!(!out.status.success() && err.contains("refusing"), "{err}");
    // Denying the session's own address is refused too.
    let (ok, out) = ssh(&t, &format!("{fw} --state-dir {state} --policy {good} deny 10.0.1.0/24"));
    assert!(!ok && out.contains("refusing to deny"), "{out}");
    // --force applies it, and the check was right: a new session cannot be opened.
    let (ok, out) = ssh(&t, &format!("{fw} --state-dir {state} --policy {bad} apply --force"));
    assert!(ok && out.contains("warning (--force)"), "{out}");
    let (ok, out) = ssh(&t, "true");
    assert!(!ok, "a new session got in after the forced apply: {out}");
}

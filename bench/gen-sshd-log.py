#!/usr/bin/env python3
"""Writes a synthetic but realistic sshd auth.log for benchmarks: OpenSSH 9.2 message
formats (failed passwords, invalid users, pre-auth disconnects, accepted logins) from
a few thousand addresses, mixed with unrelated lines. Deterministic (seeded).
Usage: gen-sshd-log.py LINES OUT"""
import random
import sys

def main():
    lines, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(20261128)
    attackers = [f"203.0.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}" for _ in range(3000)]
    users = ["root", "admin", "test", "oracle", "ubuntu", "git", "postgres", "user"]
    with open(out, "w") as f:
        for i in range(lines):
            sec = i // 20
            stamp = f"Nov {1 + (sec // 86400) % 28:2d} {(sec // 3600) % 24:02d}:{(sec // 60) % 60:02d}:{sec % 60:02d}"
            ip = rnd.choice(attackers)
            port = rnd.randint(1024, 65535)
            pid = rnd.randint(1000, 99999)
            k = rnd.random()
            if k < 0.40:
                msg = f"sshd[{pid}]: Failed password for {rnd.choice(users)} from {ip} port {port} ssh2"
            elif k < 0.55:
                u = rnd.choice(users)
                msg = f"sshd[{pid}]: Failed password for invalid user {u}{rnd.randint(0, 99)} from {ip} port {port} ssh2"
            elif k < 0.70:
                msg = f"sshd[{pid}]: Invalid user {rnd.choice(users)}{rnd.randint(0, 99)} from {ip} port {port}"
            elif k < 0.80:
                msg = f"sshd[{pid}]: Connection closed by authenticating user root {ip} port {port} [preauth]"
            elif k < 0.82:
                msg = f"sshd[{pid}]: Accepted publickey for alice from 192.0.2.10 port {port} ssh2: ED25519 SHA256:abc"
            else:
                msg = f"CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"
            f.write(f"{stamp} web1 {msg}\n")

if __name__ == "__main__":
    main()

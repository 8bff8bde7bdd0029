#!/usr/bin/env python3
"""Writes a synthetic but realistic sshd auth.log for benchmarks: OpenSSH 9.2 message
formats (failed passwords, invalid users, pre-auth disconnects, accepted logins) from
a few thousand addresses, mixed with unrelated lines, and hostile input: binary junk
(invalid UTF-8, lines starting with multibyte characters), runs of NULs without a
newline before a good line, lines of 64 KiB and more, and addresses an attacker puts
into user names (198.51.100.0/24, never a real source). Deterministic (seeded).
Writes OUT.offenders: the addresses of the real failures, one per line.
Usage: gen-sshd-log.py LINES OUT"""
import random
import sys

def main():
    lines, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(20261128)
    attackers = [f"203.0.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}" for _ in range(3000)]
    users = ["root", "admin", "test", "oracle", "ubuntu", "git", "postgres", "user"]
    offenders = set()
    junk_starts = ["\u00e9t\u00e9", "\u20ac\u20ac\u20ac", "\U0001f600", "\u00c0"]
    with open(out, "wb") as f:
        for i in range(lines):
            sec = i // 20
            stamp = f"Nov {1 + (sec // 86400) % 28:2d} {(sec // 3600) % 24:02d}:{(sec // 60) % 60:02d}:{sec % 60:02d}"
            ip = rnd.choice(attackers)
            port = rnd.randint(1024, 65535)
            pid = rnd.randint(1000, 99999)
            k = rnd.random()
            h = rnd.random()
            if h < 0.002:
                # Binary junk, some of it starting with a multibyte character.
                junk = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 120)))
                f.write(rnd.choice(junk_starts).encode() + junk.replace(b"\n", b" ") + b"\n")
                continue
            if h < 0.0025:
                # What an unclean shutdown leaves: NULs, then the next line right after them.
                f.write(b"\0" * rnd.randint(1, 4096))
            elif h < 0.0026:
                f.write(b"Nov  1 00:00:00 web1 sshd[1]: " + b"A" * rnd.randint(65536, 70000) + b"\n")
                continue
            elif h < 0.004:
                # The attacker's user name holds another address; sshd appends the real one.
                fake = f"198.51.100.{rnd.randint(1, 254)}"
                msg = f"sshd[{pid}]: Failed password for invalid user x from {fake} port 22 ssh2 from {ip} port {port} ssh2"
                offenders.add(ip)
                f.write(f"{stamp} web1 {msg}\n".encode())
                continue
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
            if k < 0.80:
                offenders.add(ip)
            f.write(f"{stamp} web1 {msg}\n".encode())
    with open(out + ".offenders", "w") as f:
        f.write("".join(f"{ip}\n" for ip in sorted(offenders)))

if __name__ == "__main__":
    main()

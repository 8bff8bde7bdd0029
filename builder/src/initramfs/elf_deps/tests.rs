//! The resolver on synthetic trees (every search rule) and on the host's own programs.

use super::super::elf::synth::{build, Spec};
use super::super::hostfs::{HostFs, Scratch};
use super::*;

const LOADER: &str = "/lib64/ld-linux-x86-64.so.2";

/// A merged-/usr tree with a loader, libc and `ld.so.conf` listing `/opt/conf`.
fn base(name: &str) -> Scratch {
    let t = Scratch::new(name);
    t.link("/lib", "usr/lib");
    t.link("/lib64", "usr/lib64");
    t.link("/bin", "usr/bin");
    t.write("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", &build(&Spec::default()));
    t.link("/usr/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    t.write(
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        &build(&Spec { needed: &["ld-linux-x86-64.so.2"], ..Spec::default() }),
    );
    t.write("/etc/ld.so.conf", b"include /etc/ld.so.conf.d/*.conf\n");
    t.write("/etc/ld.so.conf.d/a.conf", b"# comment\n/opt/conf\n");
    t.write("/etc/ld.so.cache", b"cache");
    t
}

fn program(needed: &[&str], runpath: Option<&str>, rpath: Option<&str>) -> Vec<u8> {
    build(&Spec { interp: Some(LOADER), needed, runpath, rpath, machine: 0 })
}

fn lib(needed: &[&str]) -> Vec<u8> {
    build(&Spec { needed, ..Spec::default() })
}

fn resolve(t: &Scratch, paths: &[&str], provided: &[&str]) -> Result<Closure> {
    let fs = HostFs::new(&t.0);
    let provided: BTreeSet<String> = provided.iter().map(|s| s.to_string()).collect();
    let mut r = Resolver::new(&fs, &provided, &[]);
    for p in paths {
        r.add(p)?;
    }
    r.finish()
}

#[test]
fn loader_libraries_links_and_runpath_origin() {
    let t = base("deps-runpath");
    t.write("/usr/bin/prog", &program(&["libfoo.so.1", "libc.so.6"], Some("$ORIGIN/../lib/prog"), None));
    t.write("/usr/lib/prog/libfoo.so.1.0", &lib(&["libbar.so.2", "libc.so.6"]));
    t.link("/usr/lib/prog/libfoo.so.1", "libfoo.so.1.0");
    // In ld.so.conf's directory a same-named library of another machine comes first and
    // is skipped; the right one is in a default directory. libbaz is in ld.so.conf's.
    t.write("/opt/conf/libbar.so.2", &build(&Spec { machine: 183, ..Spec::default() }));
    t.write("/usr/lib/x86_64-linux-gnu/libbar.so.2", &lib(&["libbaz.so.1"]));
    t.write("/opt/conf/libbaz.so.1", &lib(&[]));
    let c = resolve(&t, &["/bin/prog"], &[]).unwrap();
    let files: Vec<&str> = c.files.keys().map(String::as_str).collect();
    assert_eq!(
        files,
        [
            "/etc/ld.so.cache",
            "/opt/conf/libbaz.so.1",
            "/usr/bin/prog",
            "/usr/lib/prog/libfoo.so.1.0",
            "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
            "/usr/lib/x86_64-linux-gnu/libbar.so.2",
            "/usr/lib/x86_64-linux-gnu/libc.so.6",
        ]
    );
    assert_eq!(c.links["/bin"], "usr/bin");
    assert_eq!(c.links["/lib64"], "usr/lib64");
    assert_eq!(c.links["/usr/lib/prog/libfoo.so.1"], "libfoo.so.1.0");
    assert_eq!(c.links["/usr/lib64/ld-linux-x86-64.so.2"], "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    assert_eq!(c.spelled["/bin/prog"], "/usr/bin/prog");
    assert!(c.dirs.contains_key("/usr/lib/prog") && c.dirs.contains_key("/opt/conf"));
}

#[test]
fn a_missing_needed_library_is_an_error_naming_it_and_its_user() {
    let t = base("deps-missing");
    t.write("/usr/bin/prog", &program(&["libc.so.6", "libgone.so.3"], None, None));
    let err = format!("{:#}", resolve(&t, &["/usr/bin/prog"], &[]).unwrap_err());
    assert!(err.contains("libgone.so.3, needed by /usr/bin/prog"), "{err}");
    assert!(err.contains("/opt/conf") && err.contains("/usr/lib/x86_64-linux-gnu"), "{err}");
    // A missing interpreter too.
    t.write("/usr/bin/noloader", &build(&Spec { interp: Some("/lib/ld-gone.so"), ..Spec::default() }));
    let err = format!("{:#}", resolve(&t, &["/usr/bin/noloader"], &[]).unwrap_err());
    assert!(err.contains("/lib/ld-gone.so, the interpreter of /usr/bin/noloader, is missing"), "{err}");
}

#[test]
fn rpath_is_inherited_unless_the_object_has_a_runpath() {
    let t = base("deps-rpath");
    t.write("/usr/bin/prog", &program(&["libmid.so", "librun.so"], None, Some("/opt/r")));
    // libmid has neither: the program's RPATH is searched for its libraries too.
    t.write("/opt/r/libmid.so", &lib(&["libdeep.so"]));
    t.write("/opt/r/libdeep.so", &lib(&[]));
    // librun has a RUNPATH: the inherited RPATH does not apply to its libraries.
    t.write(
        "/opt/r/librun.so",
        &build(&Spec { needed: &["libonlyr.so"], runpath: Some("/opt/run"), ..Spec::default() }),
    );
    t.write("/opt/r/libonlyr.so", &lib(&[]));
    let err = format!("{:#}", resolve(&t, &["/usr/bin/prog"], &[]).unwrap_err());
    assert!(err.contains("libonlyr.so, needed by /opt/r/librun.so"), "{err}");
    t.write("/opt/run/libonlyr.so", &lib(&[]));
    let c = resolve(&t, &["/usr/bin/prog"], &[]).unwrap();
    assert!(c.files.contains_key("/opt/r/libdeep.so") && c.files.contains_key("/opt/run/libonlyr.so"));
    assert!(!c.files.contains_key("/opt/r/libonlyr.so"));
}

#[test]
fn scripts_get_their_interpreter_unless_busybox_has_it() {
    let t = base("deps-script");
    t.write("/usr/bin/bash", &program(&["libc.so.6"], None, None));
    t.write("/usr/bin/bashscript", b"#!/usr/bin/bash -e\necho hi\n");
    t.write("/usr/bin/shscript", b"#! /bin/sh\necho hi\n");
    t.write("/usr/bin/dash", &program(&["libc.so.6"], None, None));
    t.link("/usr/bin/sh", "dash");
    let c = resolve(&t, &["/usr/bin/bashscript", "/usr/bin/shscript"], &["/bin/sh"]).unwrap();
    assert!(c.files.contains_key("/usr/bin/bash"));
    assert!(!c.files.contains_key("/usr/bin/dash"), "busybox's /bin/sh runs it");
    let err = resolve(&t, &["/bin/sh"], &["/bin/sh"]).unwrap_err().to_string();
    assert!(err.contains("busybox's"), "{err}");
}

#[test]
fn directories_are_added_whole() {
    let t = base("deps-tree");
    t.write("/usr/lib/tool/run", &program(&["libc.so.6"], None, None));
    t.write("/usr/lib/tool/data/table.txt", b"1 2 3");
    t.link("/usr/lib/tool/current", "data");
    t.link("/usr/lib/tool/dangling", "nowhere");
    let c = resolve(&t, &["/usr/lib/tool/"], &[]).unwrap();
    assert!(c.files.contains_key("/usr/lib/tool/data/table.txt"));
    assert!(c.files.contains_key("/usr/lib/x86_64-linux-gnu/libc.so.6"), "the tree's programs' libraries");
    assert_eq!(c.links["/usr/lib/tool/current"], "data");
    assert_eq!(c.links["/usr/lib/tool/dangling"], "nowhere");
    assert!(c.dirs.contains_key("/usr/lib/tool/data"));
}

#[test]
fn static_programs_need_nothing_and_no_cache() {
    let t = base("deps-static");
    t.write("/usr/bin/static", &build(&Spec::default()));
    t.write("/usr/share/data", b"text");
    let c = resolve(&t, &["/usr/bin/static", "/usr/share/data"], &[]).unwrap();
    assert_eq!(c.files.keys().collect::<Vec<_>>(), ["/usr/bin/static", "/usr/share/data"]);
}

#[test]
fn host_ld_so_conf_and_default_dirs() {
    let fs = HostFs::new("/");
    let conf = ld_so_conf(&fs);
    assert!(conf.contains(&"/usr/lib/x86_64-linux-gnu".to_string()), "{conf:?}");
    let kind = Kind { class64: true, big_endian: false, machine: 62 };
    assert_eq!(default_dirs(kind)[..2], ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"]);
}

/// What the host's real programs resolve to (Debian 12, merged /usr).
fn host(paths: &[&str]) -> Closure {
    host_with(paths, &[]).unwrap()
}

fn host_with(paths: &[&str], library_dirs: &[String]) -> Result<Closure> {
    let fs = HostFs::new("/");
    let provided: BTreeSet<String> = ["/bin/sh".to_string()].into();
    let mut r = Resolver::new(&fs, &provided, library_dirs);
    for p in paths {
        r.add(p)?;
    }
    r.finish()
}

#[test]
fn host_coreutils_and_shells() {
    let c = host(&["/usr/bin/ls", "/bin/dash"]);
    assert!(c.files.contains_key("/usr/lib/x86_64-linux-gnu/libc.so.6"), "{:?}", c.files.keys());
    assert!(c.files.contains_key("/usr/lib/x86_64-linux-gnu/libselinux.so.1"));
    assert!(c.files.keys().any(|f| f.starts_with("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so")));
    assert!(c.files.contains_key("/usr/bin/dash") && c.files.contains_key(LD_SO_CACHE));
    assert_eq!(c.links["/lib64"], "usr/lib64");
    assert_eq!(c.spelled["/bin/dash"], "/usr/bin/dash");
    // Nothing but what they need: no busybox, no other program.
    assert!(c.files.len() < 20, "{:?}", c.files.keys());
}

#[test]
fn host_runpath_jit_and_paxtest() {
    let c = host(&["/usr/bin/journalctl"]);
    assert!(
        c.files.keys().any(|f| f.starts_with("/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-")),
        "found through journalctl's RUNPATH: {:?}",
        c.files.keys()
    );
    let c = host(&["/usr/bin/luajit", "/usr/bin/bash", "/lib/x86_64-linux-gnu/libz.so.1"]);
    for f in ["/usr/bin/luajit", "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1", "/usr/lib/x86_64-linux-gnu/libm.so.6"] {
        assert!(c.files.contains_key(f), "{f}: {:?}", c.files.keys());
    }
    // Symlinked libraries: bash's libtinfo.so.6 and the listed libz.so.1 are links to
    // versioned files; the links are kept and the files they name added.
    for link in ["/usr/lib/x86_64-linux-gnu/libtinfo.so.6", "/usr/lib/x86_64-linux-gnu/libz.so.1"] {
        let target = &c.links[link];
        assert!(c.files.contains_key(&format!("/usr/lib/x86_64-linux-gnu/{target}")), "{link} -> {target}");
    }
    // paxtest's programs find shlibtest.so through the LD_LIBRARY_PATH its script sets.
    let err = format!("{:#}", host_with(&["/usr/lib/paxtest"], &[]).unwrap_err());
    assert!(err.contains("shlibtest.so, needed by /usr/lib/paxtest/"), "{err}");
    let c = host_with(&["/usr/bin/paxtest", "/usr/lib/paxtest"], &["/usr/lib/paxtest".into()]).unwrap();
    for f in ["/usr/lib/paxtest/mprotanon", "/usr/lib/paxtest/shlibtest.so", "/usr/lib/x86_64-linux-gnu/libc.so.6"] {
        assert!(c.files.contains_key(f), "{f}: {:?}", c.files.keys());
    }
    assert!(!c.files.keys().any(|f| f.ends_with("/dash")), "paxtest's #!/bin/sh is busybox's");
}

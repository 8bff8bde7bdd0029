//! Property tests: no file contents, path, glob or programs-file text makes the ELF
//! reader, the globs, the path walk, the programs parser or the resolver panic.

use super::elf::{self, synth};
use super::elf_deps::Resolver;
use super::hostfs::{HostFs, Scratch};
use super::{glob, programs};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Cases per property: `RAMPART_FUZZ_CASES` when set (for longer runs), else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("RAMPART_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A valid object to mutate: a synthetic one with every entry the reader looks at.
fn seed() -> Vec<u8> {
    synth::build(&synth::Spec {
        interp: Some("/lib64/ld-linux-x86-64.so.2"),
        needed: &["libc.so.6", "libm.so.6"],
        rpath: Some("/opt/r"),
        runpath: Some("$ORIGIN/../lib"),
        machine: 0,
    })
}

/// The host's `/usr/bin/ls`, whose headers are mutated.
fn ls() -> &'static [u8] {
    static LS: OnceLock<Vec<u8>> = OnceLock::new();
    LS.get_or_init(|| std::fs::read("/usr/bin/ls").unwrap_or_default())
}

fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    for &(at, b) in edits {
        if !bytes.is_empty() {
            let at = at % bytes.len();
            bytes[at] = b;
        }
    }
    bytes.truncate(bytes.len().saturating_sub(cut));
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

    #[test]
    fn elf_reader_never_panics_on_arbitrary_bytes(mut bytes in proptest::collection::vec(any::<u8>(), 0..512), elf_magic: bool) {
        if elf_magic && bytes.len() >= 4 {
            bytes[..4].copy_from_slice(elf::MAGIC);
        }
        let _ = elf::parse(&bytes);
        let _ = elf::kind(&bytes);
    }

    #[test]
    fn elf_reader_never_panics_on_mutated_objects(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12), cut in 0usize..64) {
        let bytes = mutate(seed(), &edits, cut);
        let _ = elf::parse(&bytes);
        // Mutations within the headers of a real program (its first 4 KiB).
        let real: Vec<(usize, u8)> = edits.iter().map(|&(at, b)| (at % 4096, b)).collect();
        let _ = elf::parse(&mutate(ls().to_vec(), &real, 0));
    }

    #[test]
    fn globs_never_panic_and_literals_match_themselves(pattern in "[a-z*?\\[\\]!^.-]{0,12}", name in "[a-z.\\[\\]-]{0,12}") {
        let _ = glob::matches(pattern.as_bytes(), name.as_bytes());
        if !glob::is_pattern(&name) {
            prop_assert!(glob::matches(name.as_bytes(), name.as_bytes()));
        }
    }

    #[test]
    fn programs_parser_never_panics(text in "(/usr/bin/x|library-dir|#|[a-z0-9+./ *-]{0,12}|\\n){0,20}") {
        if let Ok(p) = programs::parse(&text, "programs") {
            prop_assert!(p.entries.iter().all(|e| e.pattern.starts_with('/')));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(200)))]

    /// The resolver on a tree of mutated objects, links (loops too) and odd paths:
    /// errors are fine, panics are not.
    #[test]
    fn resolver_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        path in "/(usr|lib|bin|\\.\\.|\\.|loop|x)(/(usr|lib|bin|prog|loop|\\.\\.|libc\\.so\\.6)){0,4}",
        script: bool,
    ) {
        let t = Scratch::new("fuzz-resolver");
        t.link("/lib", "usr/lib");
        t.link("/bin", "usr/bin");
        t.link("/loop", "loop");
        t.write("/usr/lib/libc.so.6", &mutate(seed(), &edits, 0));
        t.write("/usr/lib/libm.so.6", &seed());
        t.write("/usr/bin/prog", &if script { b"#!/bin/prog\n".to_vec() } else { mutate(seed(), &edits, 0) });
        t.link("/lib64", "usr/lib");
        t.link("/usr/lib/ld-linux-x86-64.so.2", "libm.so.6");
        let fs = HostFs::new(&t.0);
        let _ = fs.walk(&path);
        let _ = glob::expand(&fs, &format!("{path}*"));
        let provided = BTreeSet::new();
        let mut r = Resolver::new(&fs, &provided, &["/usr/lib".into()]);
        let _ = r.add(&path);
        let _ = r.add("/usr/bin/prog");
        let _ = r.finish();
    }
}

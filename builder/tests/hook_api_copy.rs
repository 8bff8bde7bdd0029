//! The modules' copy of the hook-layer API (`kmod/include/rampart/hooks_api.h`, used on
//! kernels without the patch) must declare exactly what the patch's header does, or a
//! module built on a vanilla kernel would disagree with a patched kernel about the ABI.

use std::path::Path;

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Declaration lines (comments, blank lines and include guards dropped) between the
/// ABI define and the unregister prototype.
fn declarations<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut in_comment = false;
    for line in lines {
        let t = line.trim();
        if t.starts_with("#define RAMPART_HOOKS_ABI") {
            inside = true;
        }
        if !inside {
            continue;
        }
        if in_comment {
            in_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_comment = !t.contains("*/");
            continue;
        }
        if !t.is_empty() {
            out.push(t.to_string());
        }
        if t.starts_with("void rampart_unregister_hooks") {
            break;
        }
    }
    out
}

#[test]
fn module_copy_matches_the_patch() {
    let patch =
        std::fs::read_to_string(repo().join("patches/0001-security-add-the-rampart-hook-layer-LSM.patch")).unwrap();
    let header_diff = patch
        .split("diff --git ")
        .find(|part| part.starts_with("a/include/linux/rampart_hooks.h"))
        .expect("the patch adds include/linux/rampart_hooks.h");
    let from_patch =
        declarations(header_diff.lines().filter_map(|l| l.strip_prefix('+')).filter(|l| !l.starts_with("++")));
    let copy = std::fs::read_to_string(repo().join("kmod/include/rampart/hooks_api.h")).unwrap();
    let from_copy = declarations(copy.lines());
    assert!(from_patch.len() > 5, "too little found in the patch: {from_patch:?}");
    assert_eq!(from_patch, from_copy);
}

// SPDX-License-Identifier: GPL-2.0

//! Writing an executable allowlist in the kernel (kernel-only Rust, included by each
//! module with `#[path]`): every path is resolved to the file it names, from the
//! real root, through rampart_core; a list with a path that names no file is refused
//! whole, with that lookup's errno.

use core::ffi::{c_char, c_int};
use kernel::prelude::*;

use super::allowlist::{Allowlist, AllowlistError, FileId};

extern "C" {
    fn rampart_path_file_id(path: *const c_char, len: usize, id: *mut FileId) -> c_int;
}

/// Parses and resolves a settings write (process context: the lookups may sleep).
pub(crate) fn parse(text: &[u8]) -> core::result::Result<Allowlist, c_int> {
    let mut resolve = |path: &[u8]| {
        let mut id = FileId::default();
        // SAFETY: `path` is valid for `path.len()` bytes and `id` is a live FileId,
        // whose layout matches struct rampart_file_id (asserted in allowlist.rs).
        let err = unsafe { rampart_path_file_id(path.as_ptr().cast(), path.len(), &mut id) };
        if err == 0 {
            Ok(id)
        } else {
            Err(err)
        }
    };
    Allowlist::parse(text, &mut resolve).map_err(|e| match e {
        AllowlistError::TooMany => E2BIG.to_errno(),
        AllowlistError::TooLong => -(kernel::bindings::ENAMETOOLONG as c_int),
        AllowlistError::NotAbsolute => EINVAL.to_errno(),
        AllowlistError::Unresolved(errno) => errno,
    })
}

//! A file's identity as rampart's kernel modules see it: the device of its superblock
//! (`s_dev`), its inode number and its inode generation.
//!
//! `stat(2)`'s `st_dev` is not always `s_dev`: btrfs reports each subvolume's own
//! anonymous device. `/proc/self/mountinfo` shows every mount's superblock device, so
//! the device is taken from the line of the mount `statx(STATX_MNT_ID)` names. The
//! generation (`FS_IOC_GETVERSION`) tells a file from a later one that reuses a deleted
//! file's inode number; it is read only from regular files and directories (opening a
//! device or a FIFO has effects), and file systems without it leave it unknown.

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

/// What the kernel compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileIdent {
    /// The superblock's device, kernel encoding (`MKDEV`: major << 20 | minor).
    pub dev: u32,
    /// Inode number.
    pub ino: u64,
    /// Inode generation, where the file system has one.
    pub generation: Option<u32>,
    /// Whether it is a directory.
    pub is_dir: bool,
}

/// The kernel's encoding of a device number (`MKDEV`: major << 20 | minor).
pub fn kernel_dev(major: u32, minor: u32) -> u32 {
    (major << 20) | (minor & 0xfffff)
}

fn kernel_dev_of(st_dev: u64) -> u32 {
    kernel_dev(libc::major(st_dev as libc::dev_t), libc::minor(st_dev as libc::dev_t))
}

/// The identity of what `path` names (symbolic links followed).
pub fn identify(path: &Path) -> io::Result<FileIdent> {
    let meta = std::fs::metadata(path)?;
    let dev = superblock_dev(path)?.unwrap_or_else(|| kernel_dev_of(meta.dev()));
    let generation = if meta.is_file() || meta.is_dir() { generation(path, meta.ino())? } else { None };
    Ok(FileIdent { dev, ino: meta.ino(), generation, is_dir: meta.is_dir() })
}

/// The superblock device of the mount `path` is on (None: the kernel cannot say).
fn superblock_dev(path: &Path) -> io::Result<Option<u32>> {
    let c = CString::new(path.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: statx is plain data; all zeroes is a valid value to be overwritten.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a NUL-terminated path and `stx` a writable statx buffer.
    let rc = unsafe { libc::statx(libc::AT_FDCWD, c.as_ptr(), 0, libc::STATX_MNT_ID, &mut stx) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    if stx.stx_mask & libc::STATX_MNT_ID == 0 {
        return Ok(None);
    }
    MOUNTINFO.with(|cached| {
        let mut cached = cached.borrow_mut();
        if let Some(dev) = mount_dev(&cached, stx.stx_mnt_id) {
            return Ok(Some(dev));
        }
        // Not seen yet (the first path, or a mount made since): read the table again.
        *cached = std::fs::read_to_string("/proc/self/mountinfo")?;
        Ok(mount_dev(&cached, stx.stx_mnt_id))
    })
}

thread_local! {
    /// `/proc/self/mountinfo` as last read: a compile identifies many paths, and reads the
    /// table again only for a mount id it does not hold (an id is reused only after its
    /// mount is gone, which a compile's few seconds do not see in practice).
    static MOUNTINFO: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The `major:minor` (third field) of mount `id` in a mountinfo text.
pub fn mount_dev(mountinfo: &str, id: u64) -> Option<u32> {
    mountinfo.lines().find_map(|line| {
        let mut fields = line.split(' ');
        let mount_id: u64 = fields.next()?.parse().ok()?;
        let _parent = fields.next()?;
        let (major, minor) = fields.next()?.split_once(':')?;
        (mount_id == id).then_some(())?;
        Some(kernel_dev(major.parse().ok()?, minor.parse().ok()?))
    })
}

/// The inode generation of the file at `path`, if its file system keeps one; `ino`: the
/// inode the caller found there (a file replaced in between is an error).
fn generation(path: &Path, ino: u64) -> io::Result<Option<u32>> {
    let file =
        File::options().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC).open(path)?;
    if file.metadata()?.ino() != ino {
        return Err(io::Error::other(format!("{} changed while it was read", path.display())));
    }
    let mut value: libc::c_int = 0;
    // SAFETY: FS_IOC_GETVERSION writes one int (the kernel's put_user of i_generation
    // into an int pointer) to the buffer passed.
    let rc = unsafe { libc::ioctl(file.as_raw_fd(), libc::FS_IOC_GETVERSION, &mut value as *mut libc::c_int) };
    if rc == 0 {
        return Ok(Some(value as u32));
    }
    match io::Error::last_os_error().raw_os_error() {
        Some(libc::ENOTTY) | Some(libc::EINVAL) | Some(libc::EOPNOTSUPP) => Ok(None),
        _ => Err(io::Error::last_os_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_device_is_the_third_field_of_the_mount() {
        let text = "22 1 0:21 / /proc rw - proc proc rw\n29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n41 29 0:37 /@home /home rw - btrfs /dev/sdb rw\n";
        assert_eq!(mount_dev(text, 29), Some(kernel_dev(8, 1)));
        assert_eq!(mount_dev(text, 41), Some(kernel_dev(0, 37)));
        assert_eq!(mount_dev(text, 7), None);
        assert_eq!(mount_dev("garbage\n1 2\n", 1), None);
    }

    #[test]
    fn identifies_files_on_this_machine() {
        let dir = std::env::temp_dir().join(format!("rampart-ident-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("f");
        std::fs::write(&file, b"x").unwrap();
        let a = identify(&file).unwrap();
        assert_eq!(a.ino, std::fs::metadata(&file).unwrap().ino());
        assert!(!a.is_dir);
        assert!(identify(&dir).unwrap().is_dir);
        // A device node is identified without being opened.
        assert_eq!(identify(Path::new("/dev/null")).unwrap().generation, None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

// SPDX-License-Identifier: GPL-2.0

//! rampart_core: the audit event channel every rampart module reports through.
//!
//! The Rust side owns the queue: a fixed ring of encoded events (the schema and
//! encoder are `kmod/common/src/event.rs`, shared with userspace). The C side
//! (`channel_fs.c`, `emit.c`, `subject.c`) gathers who did what, exposes the
//! queue in securityfs, and writes log lines.

use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::prelude::*;
use kernel::sync::SpinLock;
use kernel::time::Ktime;

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../common/src/event.rs"]
mod event;

module! {
    type: RampartCore,
    name: "rampart_core",
    author: "rampart developers",
    description: "rampart core: the audit event channel of rampart's security modules",
    license: "GPL",
}

/// The C side's interface version this file was written against (`shim.h`).
const EXPECTED_SHIM_ABI: u32 = 3;
/// Events the queue holds before new ones are dropped (and counted).
const CAPACITY: usize = 256;

// `shim.h` sizes read buffers with the same constant.
static_assert!(event::RECORD_MAX == 2048);

/// `struct rampart_raw_event` in `shim.h`.
#[repr(C)]
pub struct RawEvent {
    module: *const u8,
    module_len: usize,
    object: *const u8,
    object_len: usize,
    reason: *const u8,
    reason_len: usize,
    comm: *const u8,
    comm_len: usize,
    exe: *const u8,
    exe_len: usize,
    peers: *const u8,
    peers_len: usize,
    uid: u32,
    euid: u32,
    gid: u32,
    egid: u32,
    pid: i32,
    decision: u8,
    cgroup: u64,
}
const _: () = assert!(core::mem::size_of::<RawEvent>() == 128);
const _: () = assert!(core::mem::offset_of!(RawEvent, cgroup) == 120);

/// `struct rampart_channel_stats` in `shim.h`.
#[repr(C)]
pub struct RawStats {
    emitted: u64,
    dropped: u64,
    queued: u64,
    capacity: u64,
    next_seq: u64,
}
const _: () = assert!(core::mem::size_of::<RawStats>() == 40);

extern "C" {
    fn rampart_shim_abi_version() -> u32;
    fn rampart_shim_log_level() -> i32;
    fn rampart_channel_fs_init() -> core::ffi::c_int;
    fn rampart_channel_fs_exit();
}

/// The queue: `CAPACITY` slots of `RECORD_MAX` bytes, oldest at `head`.
struct Ring {
    data: KVVec<u8>,
    lens: KVVec<u16>,
    head: usize,
    count: usize,
    next_seq: u64,
    emitted: u64,
    dropped: u64,
}

impl Ring {
    fn new() -> Result<Self> {
        Ok(Ring {
            data: KVVec::from_elem(0u8, CAPACITY * event::RECORD_MAX, GFP_KERNEL)?,
            lens: KVVec::from_elem(0u16, CAPACITY, GFP_KERNEL)?,
            head: 0,
            count: 0,
            next_seq: 1,
            emitted: 0,
            dropped: 0,
        })
    }

    /// Assigns the next sequence number and queues the event, or counts it dropped.
    fn push(&mut self, ev: &mut event::Event<'_>) {
        ev.seq = self.next_seq;
        self.next_seq += 1;
        if self.count == CAPACITY {
            self.dropped += 1;
            return;
        }
        let slot = (self.head + self.count) % CAPACITY;
        let start = slot * event::RECORD_MAX;
        let dst = self
            .data
            .get_mut(start..start + event::RECORD_MAX)
            .and_then(|s| <&mut [u8; event::RECORD_MAX]>::try_from(s).ok());
        let (Some(dst), Some(len)) = (dst, self.lens.get_mut(slot)) else {
            self.dropped += 1;
            return;
        };
        // `encode` writes at most RECORD_MAX (1536) bytes, which fits in u16.
        *len = event::encode(ev, dst) as u16;
        self.count += 1;
        self.emitted += 1;
    }

    /// Moves whole events, oldest first, into `out`; returns the bytes written.
    fn take(&mut self, out: &mut [u8]) -> usize {
        let mut written = 0;
        while self.count > 0 {
            let len = self.lens.get(self.head).copied().unwrap_or(0) as usize;
            let start = self.head * event::RECORD_MAX;
            let (Some(src), Some(dst)) = (self.data.get(start..start + len), out.get_mut(written..written + len))
            else {
                break;
            };
            dst.copy_from_slice(src);
            written += len;
            self.head = (self.head + 1) % CAPACITY;
            self.count -= 1;
        }
        written
    }
}

/// The live queue while the module is loaded; null before init and after exit.
static CHANNEL: AtomicPtr<SpinLock<Ring>> = AtomicPtr::new(ptr::null_mut());

fn with_channel<R>(f: impl FnOnce(&mut Ring) -> R) -> Option<R> {
    let channel = CHANNEL.load(Ordering::Acquire);
    if channel.is_null() {
        return None;
    }
    // SAFETY: a non-null CHANNEL points into the pinned box owned by the module
    // object; it is reset to null before the box is dropped, and every caller
    // (securityfs file operations, which pin the module while a file is open, and
    // rampart_event_emit, whose callers are modules depending on this one) runs
    // only while the module is live.
    let lock = unsafe { &*channel };
    let mut ring = lock.lock();
    Some(f(&mut ring))
}

/// # Safety
///
/// `ptr` must be valid for reads of `len` bytes, or `len` must be 0.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: the caller guarantees `ptr` is valid for `len` bytes.
    unsafe { core::slice::from_raw_parts(ptr, len) }
}

/// Queues one event (called from `emit.c`).
#[no_mangle]
pub extern "C" fn rampart_core_record(raw: *const RawEvent) {
    if raw.is_null() {
        return;
    }
    // SAFETY: `emit.c` passes a pointer to a live stack `rampart_raw_event`.
    let raw = unsafe { &*raw };
    // SAFETY: `emit.c` fills every pointer/length pair from NUL-terminated strings
    // that outlive this call.
    let (module, object, reason, comm, exe, peers) = unsafe {
        (
            bytes(raw.module, raw.module_len),
            bytes(raw.object, raw.object_len),
            bytes(raw.reason, raw.reason_len),
            bytes(raw.comm, raw.comm_len),
            bytes(raw.exe, raw.exe_len),
            bytes(raw.peers, raw.peers_len),
        )
    };
    let mut ev = event::Event {
        seq: 0,
        time_ns: Ktime::ktime_get().to_ns().max(0) as u64,
        module,
        decision: event::Decision::from_raw(raw.decision).unwrap_or(event::Decision::Deny),
        subject: event::Subject {
            uid: raw.uid,
            euid: raw.euid,
            gid: raw.gid,
            egid: raw.egid,
            pid: raw.pid,
            comm,
            exe,
            cgroup: raw.cgroup,
        },
        object,
        reason,
        peers,
    };
    with_channel(|ring| ring.push(&mut ev));
}

/// Moves queued events into `buf` (called from `channel_fs.c`).
#[no_mangle]
pub extern "C" fn rampart_core_take(buf: *mut u8, cap: usize) -> usize {
    if buf.is_null() {
        return 0;
    }
    // SAFETY: `channel_fs.c` passes a kernel buffer of `cap` bytes it allocated zeroed
    // (kvzalloc), so the slice covers initialised memory, and nothing else uses it.
    let out = unsafe { core::slice::from_raw_parts_mut(buf, cap) };
    with_channel(|ring| ring.take(out)).unwrap_or(0)
}

/// Whether an event is queued (called from `channel_fs.c`).
#[no_mangle]
pub extern "C" fn rampart_core_pending() -> bool {
    with_channel(|ring| ring.count > 0).unwrap_or(false)
}

/// Queue counters (called from `channel_fs.c`).
#[no_mangle]
pub extern "C" fn rampart_core_stats(out: *mut RawStats) {
    if out.is_null() {
        return;
    }
    let stats = with_channel(|ring| RawStats {
        emitted: ring.emitted,
        dropped: ring.dropped,
        queued: ring.count as u64,
        capacity: CAPACITY as u64,
        next_seq: ring.next_seq,
    })
    .unwrap_or(RawStats { emitted: 0, dropped: 0, queued: 0, capacity: 0, next_seq: 0 });
    // SAFETY: `channel_fs.c` passes a pointer to a live stack struct.
    unsafe { out.write(stats) };
}

struct RampartCore {
    channel: Pin<KBox<SpinLock<Ring>>>,
}

impl kernel::Module for RampartCore {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: takes no arguments and returns a constant.
        let abi = unsafe { rampart_shim_abi_version() };
        if abi != EXPECTED_SHIM_ABI {
            pr_err!("shim ABI {} does not match the Rust side's {}\n", abi, EXPECTED_SHIM_ABI);
            return Err(EINVAL);
        }
        // SAFETY: reads a module-local int with READ_ONCE; the parameter is 0444.
        let log_level = unsafe { rampart_shim_log_level() };
        let channel = KBox::pin_init(kernel::new_spinlock!(Ring::new()?, "rampart_events"), GFP_KERNEL)?;
        let raw: *const SpinLock<Ring> = &*channel;
        CHANNEL.store(raw.cast_mut(), Ordering::Release);
        // SAFETY: called once from init; on failure it has removed what it created.
        let err = unsafe { rampart_channel_fs_init() };
        if err != 0 {
            CHANNEL.store(ptr::null_mut(), Ordering::Release);
            return Err(Error::from_errno(err));
        }
        pr_info!(
            "loaded (shim abi {}, log_level={}, event queue {} x {} bytes)\n",
            abi,
            log_level,
            CAPACITY,
            event::RECORD_MAX
        );
        Ok(RampartCore { channel })
    }
}

impl Drop for RampartCore {
    fn drop(&mut self) {
        // SAFETY: init succeeded, so the files exist; no file is open (an open file
        // holds a module reference, so exit cannot run).
        unsafe { rampart_channel_fs_exit() };
        CHANNEL.store(ptr::null_mut(), Ordering::Release);
        let dropped = self.channel.lock().dropped;
        pr_info!("unloaded ({} events dropped)\n", dropped);
    }
}

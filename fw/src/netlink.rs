//! Set elements written straight to the kernel as one nf_tables netlink batch (one
//! transaction: all of them or none), for bulk loads: `nft -f` spends most of a
//! million-element load parsing and evaluating its own input. Only elements of
//! address sets (`block4`, `block6`: a key, an optional timeout and comment) are
//! written this way; everything else goes through `nft`.
//!
//! The messages are nfnetlink's: `NFNL_MSG_BATCH_BEGIN`, `NFT_MSG_NEWSETELEM`s of at
//! most [`MSG_PAYLOAD`] bytes of elements each (an attribute's length is 16 bits),
//! `NFNL_MSG_BATCH_END`, sent in one `sendmsg`; the kernel acknowledges the last one,
//! and reports an error for any that failed (then nothing is applied).

use anyhow::{bail, Result};
use std::net::IpAddr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

const NETLINK_NETFILTER: i32 = 12;
const NFNL_SUBSYS_NFTABLES: u16 = 10;
const NFNL_MSG_BATCH_BEGIN: u16 = 0x10;
const NFNL_MSG_BATCH_END: u16 = 0x11;
const NFT_MSG_NEWSETELEM: u16 = 12;
const NFPROTO_INET: u8 = 1;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_ACK: u16 = 4;
const NLM_F_CREATE: u16 = 0x400;
const NLMSG_ERROR: u16 = 2;
const NLA_F_NESTED: u16 = 0x8000;
const NFTA_SET_ELEM_LIST_TABLE: u16 = 1;
const NFTA_SET_ELEM_LIST_SET: u16 = 2;
const NFTA_SET_ELEM_LIST_ELEMENTS: u16 = 3;
const NFTA_LIST_ELEM: u16 = 1;
const NFTA_SET_ELEM_KEY: u16 = 1;
const NFTA_SET_ELEM_TIMEOUT: u16 = 4;
const NFTA_SET_ELEM_USERDATA: u16 = 6;
const NFTA_DATA_VALUE: u16 = 1;
/// libnftnl's user-data tag of an element's comment (`NFTNL_UDATA_SET_ELEM_COMMENT`).
const UDATA_SET_ELEM_COMMENT: u8 = 0;
const SOL_NETLINK: i32 = 270;
const NETLINK_CAP_ACK: i32 = 10;

/// Bytes of elements in one `NFT_MSG_NEWSETELEM` (below the 64 KiB an attribute holds).
pub const MSG_PAYLOAD: usize = 60 * 1024;

/// One element of an address set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The address (IPv4 for `block4`, IPv6 for `block6`).
    pub addr: IpAddr,
    /// Until the kernel removes it (none: until deleted).
    pub timeout: Option<Duration>,
    /// Who added it and why (nft shows it as the element's `comment`; at most 120
    /// bytes are kept).
    pub comment: String,
}

fn align4(n: usize) -> usize {
    (n + 3) & !3
}

fn put_attr(buf: &mut Vec<u8>, ty: u16, payload: &[u8]) {
    let len = 4 + payload.len();
    buf.extend_from_slice(&(len as u16).to_ne_bytes());
    buf.extend_from_slice(&ty.to_ne_bytes());
    buf.extend_from_slice(payload);
    buf.resize(align4(buf.len()), 0);
}

/// Starts a nested attribute; [`end_nest`] writes its length.
fn begin_nest(buf: &mut Vec<u8>, ty: u16) -> usize {
    let at = buf.len();
    buf.extend_from_slice(&[0, 0]);
    buf.extend_from_slice(&(ty | NLA_F_NESTED).to_ne_bytes());
    at
}

fn end_nest(buf: &mut [u8], at: usize) {
    let len = (buf.len() - at) as u16;
    buf[at..at + 2].copy_from_slice(&len.to_ne_bytes());
}

fn strz(s: &str) -> Vec<u8> {
    let mut v: Vec<u8> = s.bytes().filter(|b| *b != 0).collect();
    v.push(0);
    v
}

/// One element's `NFTA_LIST_ELEM` attribute.
fn element(e: &Element) -> Vec<u8> {
    let mut buf = Vec::with_capacity(96);
    let nest = begin_nest(&mut buf, NFTA_LIST_ELEM);
    let key = begin_nest(&mut buf, NFTA_SET_ELEM_KEY);
    match e.addr {
        IpAddr::V4(a) => put_attr(&mut buf, NFTA_DATA_VALUE, &a.octets()),
        IpAddr::V6(a) => put_attr(&mut buf, NFTA_DATA_VALUE, &a.octets()),
    }
    end_nest(&mut buf, key);
    if let Some(t) = e.timeout {
        let ms = u64::try_from(t.as_millis()).unwrap_or(u64::MAX);
        put_attr(&mut buf, NFTA_SET_ELEM_TIMEOUT, &ms.to_be_bytes());
    }
    let comment = crate::blockset::comment(&e.comment);
    if !comment.is_empty() {
        let text = strz(&comment);
        let mut udata = vec![UDATA_SET_ELEM_COMMENT, text.len() as u8];
        udata.extend_from_slice(&text);
        put_attr(&mut buf, NFTA_SET_ELEM_USERDATA, &udata);
    }
    end_nest(&mut buf, nest);
    buf
}

/// Appends a netlink message header and nfgenmsg; returns where its length goes.
fn begin_msg(buf: &mut Vec<u8>, ty: u16, flags: u16, seq: u32, family: u8, res_id: u16) -> usize {
    let at = buf.len();
    buf.extend_from_slice(&[0; 4]);
    buf.extend_from_slice(&ty.to_ne_bytes());
    buf.extend_from_slice(&flags.to_ne_bytes());
    buf.extend_from_slice(&seq.to_ne_bytes());
    buf.extend_from_slice(&0u32.to_ne_bytes());
    buf.extend_from_slice(&[family, 0]);
    buf.extend_from_slice(&res_id.to_be_bytes());
    at
}

fn end_msg(buf: &mut [u8], at: usize) {
    let len = (buf.len() - at) as u32;
    buf[at..at + 4].copy_from_slice(&len.to_ne_bytes());
}

/// The batch adding `elems` to `table`'s (family inet) set `set`, with sequence
/// numbers from `seq`; also the sequence number of the message the kernel
/// acknowledges (the last element message).
pub fn batch(table: &str, set: &str, elems: &[Element], seq: u32) -> (Vec<u8>, u32) {
    let mut buf = Vec::with_capacity(elems.len() * 40 + 4096);
    let mut seq = seq;
    let at = begin_msg(&mut buf, NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq, 0, NFNL_SUBSYS_NFTABLES);
    end_msg(&mut buf, at);
    let encoded: Vec<Vec<u8>> = elems.iter().map(element).collect();
    let mut chunks: Vec<&[Vec<u8>]> = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, e) in encoded.iter().enumerate() {
        if size + e.len() > MSG_PAYLOAD && i > start {
            chunks.push(&encoded[start..i]);
            (start, size) = (i, 0);
        }
        size += e.len();
    }
    if start < encoded.len() {
        chunks.push(&encoded[start..]);
    }
    let mut last = seq;
    for (i, chunk) in chunks.iter().enumerate() {
        seq = seq.wrapping_add(1);
        let ack = if i + 1 == chunks.len() { NLM_F_ACK } else { 0 };
        let ty = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWSETELEM;
        let at = begin_msg(&mut buf, ty, NLM_F_REQUEST | NLM_F_CREATE | ack, seq, NFPROTO_INET, 0);
        put_attr(&mut buf, NFTA_SET_ELEM_LIST_TABLE, &strz(table));
        put_attr(&mut buf, NFTA_SET_ELEM_LIST_SET, &strz(set));
        let list = begin_nest(&mut buf, NFTA_SET_ELEM_LIST_ELEMENTS);
        for e in chunk.iter() {
            buf.extend_from_slice(e);
        }
        end_nest(&mut buf, list);
        end_msg(&mut buf, at);
        last = seq;
    }
    seq = seq.wrapping_add(1);
    let at = begin_msg(&mut buf, NFNL_MSG_BATCH_END, NLM_F_REQUEST, seq, 0, NFNL_SUBSYS_NFTABLES);
    end_msg(&mut buf, at);
    (buf, last)
}

fn socket() -> Result<OwnedFd> {
    // SAFETY: socket(2) with constant arguments; the descriptor is owned from here on.
    let fd = unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, NETLINK_NETFILTER) };
    if fd < 0 {
        bail!("netlink socket: {}", std::io::Error::last_os_error());
    }
    // SAFETY: a descriptor socket(2) just returned.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let one: i32 = 1;
    // SAFETY: setsockopt(2) on our socket with an int option.
    unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            SOL_NETLINK,
            NETLINK_CAP_ACK,
            &one as *const i32 as *const libc::c_void,
            std::mem::size_of::<i32>() as u32,
        );
    }
    let timeout = libc::timeval { tv_sec: 60, tv_usec: 0 };
    // SAFETY: setsockopt(2) on our socket with a timeval.
    unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            &timeout as *const libc::timeval as *const libc::c_void,
            std::mem::size_of::<libc::timeval>() as u32,
        );
    }
    Ok(fd)
}

/// Sends `buf` (a whole batch) in one message: the kernel takes a batch only whole.
fn send(fd: &OwnedFd, buf: &[u8]) -> Result<()> {
    let size = i32::try_from(buf.len() + 4096).unwrap_or(i32::MAX);
    // SAFETY: setsockopt(2) on our socket with an int option (root may exceed wmem_max).
    unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_SNDBUFFORCE,
            &size as *const i32 as *const libc::c_void,
            std::mem::size_of::<i32>() as u32,
        );
    }
    // SAFETY: sockaddr_nl is plain data; zero is the kernel's address.
    let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    kernel.nl_family = libc::AF_NETLINK as u16;
    // SAFETY: sendto(2) of our buffer to the kernel's netlink address.
    let n = unsafe {
        libc::sendto(
            fd.as_raw_fd(),
            buf.as_ptr() as *const libc::c_void,
            buf.len(),
            0,
            &kernel as *const libc::sockaddr_nl as *const libc::sockaddr,
            std::mem::size_of::<libc::sockaddr_nl>() as u32,
        )
    };
    if n < 0 {
        bail!("netlink send of {} bytes: {}", buf.len(), std::io::Error::last_os_error());
    }
    Ok(())
}

/// Reads the kernel's answers until the one for `last`: the first error, if any.
fn wait_ack(fd: &OwnedFd, last: u32) -> Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    let mut first_error: Option<i32> = None;
    loop {
        // SAFETY: recv(2) into our buffer of its length.
        let n = unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr() as *mut libc::c_void, buf.len(), 0) };
        if n < 0 {
            bail!("netlink: waiting for the kernel's answer: {}", std::io::Error::last_os_error());
        }
        let mut msgs = &buf[..n as usize];
        while msgs.len() >= 16 {
            let len = u32::from_ne_bytes([msgs[0], msgs[1], msgs[2], msgs[3]]) as usize;
            let ty = u16::from_ne_bytes([msgs[4], msgs[5]]);
            let seq = u32::from_ne_bytes([msgs[8], msgs[9], msgs[10], msgs[11]]);
            if len < 16 || len > msgs.len() {
                bail!("netlink: a malformed answer from the kernel");
            }
            if ty == NLMSG_ERROR && len >= 20 {
                let err = i32::from_ne_bytes([msgs[16], msgs[17], msgs[18], msgs[19]]);
                if err != 0 && first_error.is_none() {
                    first_error = Some(err);
                }
                if seq == last {
                    return match first_error {
                        None => Ok(()),
                        Some(e) => bail!("nf_tables refused the batch: {}", std::io::Error::from_raw_os_error(-e)),
                    };
                }
            }
            msgs = &msgs[align4(len).min(msgs.len())..];
        }
    }
}

/// Adds `elems` to `table`'s (family inet) address set `set` in the current network
/// namespace, in one transaction. The set must exist and hold `elems`' family.
pub fn add_elements(table: &str, set: &str, elems: &[Element]) -> Result<()> {
    if elems.is_empty() {
        return Ok(());
    }
    let fd = socket()?;
    let seq =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as u32).unwrap_or(1);
    let (buf, last) = batch(table, set, elems, seq);
    send(&fd, &buf)?;
    wait_ack(&fd, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_split_below_the_attribute_limit() {
        let elems: Vec<Element> = (0..20_000u32)
            .map(|i| Element {
                addr: IpAddr::V4(i.into()),
                timeout: Some(Duration::from_secs(60)),
                comment: "rampart-fw deny".into(),
            })
            .collect();
        let (buf, last) = batch("rampart", "block4", &elems, 100);
        let (mut at, mut msgs, mut seqs) = (0, 0, Vec::new());
        while at < buf.len() {
            let len = u32::from_ne_bytes(buf[at..at + 4].try_into().unwrap()) as usize;
            assert!(len <= MSG_PAYLOAD + 256, "{len}");
            seqs.push(u32::from_ne_bytes(buf[at + 8..at + 12].try_into().unwrap()));
            at += align4(len);
            msgs += 1;
        }
        assert!(msgs > 3, "{msgs}");
        assert_eq!(last, seqs[seqs.len() - 2]);
        assert_eq!(at, buf.len());
    }
}

//! Decoding a syslog line's header: timestamp, host, program, pid, message.
//! Both the traditional `Nov 28 02:00:00 host sshd[42]: msg` form and the RFC 3339
//! form rsyslog writes on Debian 12 (`2026-11-28T02:00:00.123456+00:00 host sshd[42]: msg`).

/// A decoded log line; every field borrows from the raw line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine<'a> {
    /// Seconds since the Unix epoch, when the header's time could be read.
    pub time: Option<i64>,
    /// Host name from the header.
    pub host: &'a str,
    /// Program name (`sshd`, `sudo`, `kernel`, ...).
    pub program: &'a str,
    /// Process id, if the header has one.
    pub pid: Option<u32>,
    /// The message after `program[pid]: `.
    pub message: &'a str,
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn hms(text: &str) -> Option<i64> {
    let mut parts = text.split(':').map(|p| p.parse::<u8>().ok().map(i64::from));
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    (parts.next().is_none() && h < 24 && m < 60 && s < 61).then_some(h * 3600 + m * 60 + s)
}

/// `2026-11-28T02:00:00[.frac][Z|±hh:mm]` to epoch seconds.
fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, rest) = text.split_once('T')?;
    let mut d = date.split('-');
    let (year, month, day): (i64, u32, u32) =
        (d.next()?.parse().ok()?, d.next()?.parse().ok()?, d.next()?.parse().ok()?);
    if d.next().is_some() || !YEARS.contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let time_end = rest.find(['.', 'Z', '+', '-']).unwrap_or(rest.len());
    let secs = hms(rest.get(..time_end)?)?;
    let zone = rest.get(time_end..)?.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match zone {
        "" | "Z" => 0,
        z => {
            let (sign, hhmm) = match (z.strip_prefix('+'), z.strip_prefix('-')) {
                (Some(hhmm), _) => (1, hhmm),
                (_, Some(hhmm)) => (-1, hhmm),
                _ => return None,
            };
            let (h, m) = hhmm.split_once(':')?;
            let (h, m) = (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
            if !(0..24).contains(&h) || !(0..60).contains(&m) {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    Some(days_from_civil(year, month, day) * 86_400 + secs - offset)
}

/// Years accepted in a header: times stay far from overflowing an `i64`.
const YEARS: std::ops::RangeInclusive<i64> = 1970..=9999;

/// `Nov 28 02:00:00` (the first 15 bytes of a traditional header) to epoch seconds.
fn parse_traditional(stamp: &[u8], year: i64) -> Option<i64> {
    let name = stamp.get(..3)?;
    let month = MONTHS.iter().position(|m| m.as_bytes() == name)? as u32 + 1;
    if stamp.get(3) != Some(&b' ') || stamp.get(6) != Some(&b' ') || !YEARS.contains(&year) {
        return None;
    }
    let day: u32 = std::str::from_utf8(stamp.get(4..6)?).ok()?.trim_start().parse().ok()?;
    if !(1..=31).contains(&day) {
        return None;
    }
    let secs = hms(std::str::from_utf8(stamp.get(7..15)?).ok()?)?;
    Some(days_from_civil(year, month, day) * 86_400 + secs)
}

/// Parses a syslog line; `year` is used for the traditional format, which has none.
/// Any text is accepted: what is not a header gives `None`, never a panic.
pub fn parse(line: &str, year: i64) -> Option<LogLine<'_>> {
    let traditional = line.as_bytes().get(..15).and_then(|stamp| parse_traditional(stamp, year));
    let (time, rest) = match traditional {
        // The 15 header bytes are ASCII (checked above), so byte 15 is a character boundary.
        Some(time) => (time, line.get(15..)?.strip_prefix(' ')?),
        None => {
            let (stamp, rest) = line.split_once(' ')?;
            (parse_rfc3339(stamp)?, rest)
        }
    };
    let time = Some(time);
    let (host, rest) = rest.split_once(' ')?;
    let (tag, message) = rest.split_once(": ").or_else(|| rest.strip_suffix(':').map(|t| (t, "")))?;
    let (program, pid) = match tag.strip_suffix(']').and_then(|t| t.split_once('[')) {
        Some((program, pid)) => (program, Some(pid.parse().ok()?)),
        None => (tag, None),
    };
    if program.is_empty() || program.contains(' ') {
        return None;
    }
    Some(LogLine { time, host, program, pid, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_header() {
        let l =
            parse("Nov 28 02:00:05 web1 sshd[4242]: Failed password for root from 203.0.113.9 port 2222 ssh2", 2026)
                .unwrap();
        assert_eq!((l.host, l.program, l.pid), ("web1", "sshd", Some(4242)));
        assert_eq!(l.message, "Failed password for root from 203.0.113.9 port 2222 ssh2");
        assert_eq!(l.time, Some(1_795_831_205));
    }

    #[test]
    fn rfc3339_header_with_offset() {
        let l = parse("2026-11-28T03:00:05.123456+01:00 web1 sudo: alice : 3 incorrect password attempts", 0).unwrap();
        assert_eq!((l.program, l.pid), ("sudo", None));
        assert_eq!(l.time, Some(1_795_831_205));
        assert_eq!(l.message, "alice : 3 incorrect password attempts");
    }

    #[test]
    fn single_digit_day_and_garbage() {
        assert!(parse("Nov  2 02:00:05 h kernel: x", 2026).is_some());
        assert!(parse("", 2026).is_none());
        assert!(parse("\u{0}\u{1}binary junk", 2026).is_none());
        assert!(parse("Nov 28 99:00:05 h sshd[1]: x", 2026).is_none());
        assert!(parse("Nov 28 02:00:05 h sshd[abc]: x", 2026).is_none());
    }

    #[test]
    fn multibyte_and_out_of_range_headers_do_not_panic() {
        // Used to slice `&line[..3]` of a line starting with a multibyte character.
        assert!(parse("\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} h sshd[1]: x", 2026).is_none());
        assert!(parse("Nov\u{e9}8 02:00:05 h sshd[1]: x", 2026).is_none());
        assert!(parse("Nov 2\u{e9}02:00:05 h sshd[1]: x", 2026).is_none());
        assert!(parse("2026-11-28T02:00:00.\u{e9} h sshd[1]: x", 2026).is_none());
        assert!(parse("99999999999999999-11-28T02:00:00Z h sshd[1]: x", 2026).is_none());
        assert!(parse("2026-11-28T02:00:00+99999999999999999:00 h sshd[1]: x", 2026).is_none());
        assert!(parse("Nov 28 02:00:05 h sshd[1]: x", i64::MAX).is_none());
    }
}

/// The civil year of a Unix time (UTC).
pub fn year_of(epoch_secs: i64) -> i64 {
    let z = epoch_secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

/// Seconds since the Unix epoch now.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod year_tests {
    #[test]
    fn years() {
        assert_eq!(super::year_of(0), 1970);
        assert_eq!(super::year_of(1_795_831_205), 2026);
        assert_eq!(super::year_of(1_767_225_599), 2025); // 2025-12-31T23:59:59Z
        assert_eq!(super::year_of(1_767_225_600), 2026);
    }
}

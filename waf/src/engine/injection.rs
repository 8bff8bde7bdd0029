//! `@detectSQLi` and `@detectXSS`: libinjection, with a bounded memo of recent inputs.
//!
//! Both are pure functions of their input, and most inputs repeat from request to request
//! (the same parameter values, the same User-Agent), while one call costs microseconds
//! (the SQL tokenizer looks up every word among ~9,600 keywords). The memo holds short
//! inputs only and is emptied whole when full: a client that floods it with new values
//! makes requests slower, never a verdict different.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// Inputs longer than this are not remembered.
const MAX_REMEMBERED_INPUT: usize = 256;
/// Entries a memo holds before it is emptied.
const MAX_ENTRIES: usize = 8192;

/// Verdicts by input: `None` for a clean input, the fingerprint or match for a detection.
type Verdicts = HashMap<Box<[u8]>, Option<Box<[u8]>>, foldhash::fast::RandomState>;

/// Remembered verdicts of one detector.
struct Memo {
    verdicts: Mutex<Verdicts>,
}

impl Memo {
    fn new() -> Memo {
        Memo { verdicts: Mutex::new(HashMap::default()) }
    }

    /// `detect(input)`, remembered for a short `input`.
    fn get(&self, input: &[u8], detect: impl Fn(&[u8]) -> Option<Vec<u8>>) -> Option<Vec<u8>> {
        if input.len() > MAX_REMEMBERED_INPUT {
            return detect(input);
        }
        if let Some(v) = self.lock().get(input) {
            return v.as_ref().map(|b| b.to_vec());
        }
        let verdict = detect(input);
        let mut map = self.lock();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(input.into(), verdict.as_ref().map(|v| v.as_slice().into()));
        verdict
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Verdicts> {
        // A panic cannot happen while the lock is held (only map operations run under it),
        // so a poisoned lock still holds a consistent map.
        self.verdicts.lock().unwrap_or_else(|p| p.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

static SQLI: LazyLock<Memo> = LazyLock::new(Memo::new);
static XSS: LazyLock<Memo> = LazyLock::new(Memo::new);

fn sqli_uncached(input: &[u8]) -> Option<Vec<u8>> {
    let r = libinjectionrs::detect_sqli(input);
    r.is_injection().then(|| r.fingerprint.map(|f| f.to_string().into_bytes()).unwrap_or_default())
}

fn xss_uncached(input: &[u8]) -> Option<Vec<u8>> {
    libinjectionrs::detect_xss(input).is_injection().then(|| input.to_vec())
}

/// `@detectSQLi`: the libinjection fingerprint when `input` is SQL injection.
pub fn sqli(input: &[u8]) -> Option<Vec<u8>> {
    SQLI.get(input, sqli_uncached)
}

/// `@detectXSS`: whether `input` is cross-site scripting.
pub fn xss(input: &[u8]) -> bool {
    XSS.get(input, xss_uncached).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INPUTS: &[&[u8]] = &[
        b"shoes",
        b"1' OR '1'='1",
        b"1 UNION SELECT username,password FROM users--",
        b"<script>alert(1)</script>",
        b"Mozilla/5.0 (X11; Linux x86_64)",
        b"",
    ];

    #[test]
    fn remembered_verdicts_are_the_computed_ones() {
        for _ in 0..2 {
            for &i in INPUTS {
                assert_eq!(sqli(i), sqli_uncached(i), "{i:?}");
                assert_eq!(xss(i), xss_uncached(i).is_some(), "{i:?}");
            }
        }
        assert!(sqli(b"1' OR '1'='1").is_some());
        assert!(xss(b"<script>alert(1)</script>"));
        let long = [b"1' OR '1'='1 ".as_slice(), &[b'x'; 300]].concat();
        assert_eq!(sqli(&long), sqli_uncached(&long));
    }

    #[test]
    fn a_flood_of_new_inputs_empties_the_memo_and_verdicts_hold() {
        let memo = Memo::new();
        for n in 0..(MAX_ENTRIES * 2 + 5) {
            let v = format!("value{n}' or 1=1");
            assert_eq!(memo.get(v.as_bytes(), sqli_uncached), sqli_uncached(v.as_bytes()));
            assert!(memo.len() <= MAX_ENTRIES);
        }
        assert!(memo.get(b"1' OR '1'='1", sqli_uncached).is_some());
    }
}

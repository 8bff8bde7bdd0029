//! Formatting into a fixed byte buffer (for settings files), cutting at its end.

/// A `core::fmt::Write` into a byte slice.
pub struct Text<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Text<'a> {
    /// Writes into `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Text { buf, len: 0 }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl core::fmt::Write for Text<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() {
            match self.buf.get_mut(self.len) {
                Some(slot) => *slot = b,
                None => return Err(core::fmt::Error),
            }
            self.len += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn cuts_at_the_end() {
        let mut buf = [0u8; 5];
        let mut t = Text::new(&mut buf);
        assert!(write!(t, "{}", 1234).is_ok());
        assert!(write!(t, "{}", 5678).is_err());
        assert_eq!(t.len(), 5);
        assert_eq!(&buf, b"12345");
    }
}

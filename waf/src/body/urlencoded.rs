//! `application/x-www-form-urlencoded` and query strings.

use crate::engine::transforms::url_decode;

/// Splits `a=1&b=2` on `sep` and URL-decodes names and values (`+` is a space).
pub fn parse(data: &[u8], sep: u8) -> Vec<(Vec<u8>, Vec<u8>)> {
    data.split(|&c| c == sep)
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.iter().position(|&c| c == b'=') {
            Some(p) => (url_decode(&pair[..p], false), url_decode(&pair[p + 1..], false)),
            None => (url_decode(pair, false), Vec::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses() {
        assert_eq!(
            super::parse(b"a=1+2&b&&c=%27", b'&'),
            vec![(b"a".to_vec(), b"1 2".to_vec()), (b"b".to_vec(), vec![]), (b"c".to_vec(), b"'".to_vec())]
        );
    }
}

//! `application/json`: every scalar becomes an argument named by its path (`json.a.b`, `json.list.0`),
//! as ModSecurity v3 names them.

use super::{BodyError, ByteArgs};

/// Parses a JSON body into arguments.
pub fn parse(data: &[u8]) -> Result<ByteArgs, BodyError> {
    let v: serde_json::Value = serde_json::from_slice(data).map_err(|e| BodyError(format!("JSON: {e}")))?;
    let mut out = Vec::new();
    walk(&v, "json".to_string(), &mut out, 0)?;
    Ok(out)
}

fn walk(v: &serde_json::Value, path: String, out: &mut ByteArgs, depth: usize) -> Result<(), BodyError> {
    if depth > 256 {
        return Err(BodyError("JSON: nested too deeply".into()));
    }
    use serde_json::Value::*;
    match v {
        Object(m) => {
            for (k, v) in m {
                walk(v, format!("{path}.{k}"), out, depth + 1)?;
            }
        }
        Array(a) => {
            for (i, v) in a.iter().enumerate() {
                walk(v, format!("{path}.{i}"), out, depth + 1)?;
            }
        }
        String(s) => out.push((path.into_bytes(), s.as_bytes().to_vec())),
        Null => out.push((path.into_bytes(), Vec::new())),
        Bool(b) => out.push((path.into_bytes(), if *b { b"true".to_vec() } else { b"false".to_vec() })),
        Number(n) => out.push((path.into_bytes(), n.to_string().into_bytes())),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_by_path() {
        let a = super::parse(br#"{"a":{"b":"x"},"l":[1,"y"]}"#).unwrap();
        assert_eq!(a[0], (b"json.a.b".to_vec(), b"x".to_vec()));
        assert_eq!(a[2], (b"json.l.1".to_vec(), b"y".to_vec()));
        assert!(super::parse(b"{").is_err());
    }
}

//! Splits a SecLang file into directives: `\` line continuations joined, comments and
//! blank lines dropped, each directive's arguments unquoted, each remembering its line.

use std::fmt;

/// One directive as written: its name, its arguments and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The directive name as written (`SecRule`).
    pub name: String,
    /// The arguments, with quotes removed and `\"` unescaped.
    pub args: Vec<String>,
    /// 1-based line of the directive's first line.
    pub line: usize,
}

/// A lexical error: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Splits `text` into directives.
pub fn directives(text: &str) -> Result<Vec<Directive>, LexError> {
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut start = 0;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        if logical.is_empty() {
            let t = raw.trim_start();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            start = line_no;
        }
        let trimmed = raw.trim_end();
        if let Some(body) = trimmed.strip_suffix('\\') {
            logical.push_str(body);
            continue;
        }
        logical.push_str(trimmed);
        out.push(split(&logical, start)?);
        logical.clear();
    }
    if !logical.is_empty() {
        out.push(split(&logical, start)?);
    }
    Ok(out)
}

fn split(logical: &str, line: usize) -> Result<Directive, LexError> {
    let mut args = Vec::new();
    let mut chars = logical.trim().chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let mut arg = String::new();
        if first == '"' || first == '\'' {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                if c == '\\' && chars.peek() == Some(&first) {
                    arg.push(first);
                    chars.next();
                } else if c == first {
                    closed = true;
                    break;
                } else {
                    arg.push(c);
                }
            }
            if !closed {
                return Err(LexError { line, message: format!("unterminated {first}quoted argument") });
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                arg.push(c);
                chars.next();
            }
        }
        args.push(arg);
    }
    if args.is_empty() {
        return Err(LexError { line, message: "empty directive".into() });
    }
    let name = args.remove(0);
    Ok(Directive { name, args, line })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_and_unquotes() {
        let d = directives("# c\n\nSecRule ARGS \"@rx a\\\"b\" \\\n    \"id:1,\\\n    pass\"\n").unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 3);
        assert_eq!(d[0].args, vec!["ARGS", "@rx a\"b", "id:1,    pass"]);
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        assert_eq!(directives("SecRule ARGS \"@rx").unwrap_err().line, 1);
    }
}

//! Kconfig dependency expressions (`depends on A && (B || !C) && D="x"`): parsing,
//! tristate evaluation against a `.config`, and rendering with each symbol's value.

use super::dotconfig::DotConfig;

/// A parsed Kconfig expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A symbol or a constant (`y`, `m`, `n`, a number, a quoted string).
    Atom(String),
    /// `!e`
    Not(Box<Expr>),
    /// `a && b`
    And(Box<Expr>, Box<Expr>),
    /// `a || b`
    Or(Box<Expr>, Box<Expr>),
    /// `a <op> b` for `=`, `!=`, `<`, `<=`, `>`, `>=`
    Cmp(String, String, String),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Op(&'static str),
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    const OPS: [&str; 10] = ["&&", "||", "!=", "<=", ">=", "!", "=", "<", ">", "("];
    let mut tokens = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if let Some(op) = OPS.iter().chain([")"].iter()).find(|op| rest.starts_with(**op)) {
            tokens.push(Token::Op(op));
            rest = rest[op.len()..].trim_start();
        } else if let Some(quote @ ('"' | '\'')) = rest.chars().next() {
            let end = rest[1..].find(quote)? + 2;
            tokens.push(Token::Word(rest[..end].to_string()));
            rest = rest[end..].trim_start();
        } else {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            tokens.push(Token::Word(rest[..end].to_string()));
            rest = rest[end..].trim_start();
        }
    }
    Some(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Token::Op(o)) if *o == op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Expr> {
        let mut left = self.and()?;
        while self.eat("||") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Some(left)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut left = self.unary()?;
        while self.eat("&&") {
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Expr> {
        if self.eat("!") {
            return Some(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("(") {
            let inner = self.or()?;
            return self.eat(")").then_some(inner);
        }
        let Some(Token::Word(left)) = self.peek().cloned() else { return None };
        self.pos += 1;
        for op in ["=", "!=", "<", "<=", ">", ">="] {
            if self.eat(op) {
                let Some(Token::Word(right)) = self.peek().cloned() else { return None };
                self.pos += 1;
                return Some(Expr::Cmp(op.to_string(), left, right));
            }
        }
        Some(Expr::Atom(left))
    }
}

/// Parses an expression; `None` if it is not well formed.
pub fn parse(text: &str) -> Option<Expr> {
    let mut parser = Parser { tokens: tokenize(text)?, pos: 0 };
    let expr = parser.or()?;
    (parser.pos == parser.tokens.len()).then_some(expr)
}

fn is_constant(word: &str) -> bool {
    matches!(word, "y" | "m" | "n") || word.starts_with('"') || word.starts_with('\'') || word.parse::<i64>().is_ok()
}

fn atom_text<'a>(word: &'a str, config: &'a DotConfig) -> &'a str {
    if is_constant(word) {
        word.trim_matches(|c| c == '"' || c == '\'')
    } else {
        config.value(word).trim_matches('"')
    }
}

fn tristate(text: &str) -> u8 {
    match text {
        "y" => 2,
        "m" => 1,
        _ => 0,
    }
}

impl Expr {
    /// Tristate value: 0 (n), 1 (m), 2 (y).
    pub fn eval(&self, config: &DotConfig) -> u8 {
        match self {
            Expr::Atom(word) => tristate(atom_text(word, config)),
            Expr::Not(e) => 2 - e.eval(config),
            Expr::And(a, b) => a.eval(config).min(b.eval(config)),
            Expr::Or(a, b) => a.eval(config).max(b.eval(config)),
            Expr::Cmp(op, a, b) => {
                let (a, b) = (atom_text(a, config), atom_text(b, config));
                let ordering = match (a.parse::<i64>(), b.parse::<i64>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    _ => a.cmp(b),
                };
                let holds = match op.as_str() {
                    "=" => ordering.is_eq(),
                    "!=" => ordering.is_ne(),
                    "<" => ordering.is_lt(),
                    "<=" => ordering.is_le(),
                    ">" => ordering.is_gt(),
                    _ => ordering.is_ge(),
                };
                if holds {
                    2
                } else {
                    0
                }
            }
        }
    }

    /// The expression with every symbol followed by its value, as menuconfig shows it.
    pub fn annotate(&self, config: &DotConfig) -> String {
        let word = |w: &str| {
            if is_constant(w) {
                w.to_string()
            } else {
                format!("{w} [={}]", config.value(w))
            }
        };
        match self {
            Expr::Atom(w) => word(w),
            Expr::Not(e) => format!("!{}", e.annotate_grouped(config)),
            Expr::And(a, b) => format!("{} && {}", a.annotate_grouped(config), b.annotate_grouped(config)),
            Expr::Or(a, b) => format!("{} || {}", a.annotate(config), b.annotate(config)),
            Expr::Cmp(op, a, b) => format!("{} {op} {}", word(a), word(b)),
        }
    }

    fn annotate_grouped(&self, config: &DotConfig) -> String {
        match self {
            Expr::Or(..) => format!("({})", self.annotate(config)),
            _ => self.annotate(config),
        }
    }

    /// The top-level `&&` terms.
    pub fn conjuncts(&self) -> Vec<&Expr> {
        match self {
            Expr::And(a, b) => {
                let mut terms = a.conjuncts();
                terms.extend(b.conjuncts());
                terms
            }
            other => vec![other],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> DotConfig {
        DotConfig::parse("CONFIG_A=y\nCONFIG_M=m\n# CONFIG_N is not set\nCONFIG_S=\"x86\"\nCONFIG_I=64\n")
    }

    #[test]
    fn tristate_logic() {
        let c = cfg();
        let v = |t: &str| parse(t).unwrap().eval(&c);
        assert_eq!(v("A"), 2);
        assert_eq!(v("A && M"), 1);
        assert_eq!(v("N || M"), 1);
        assert_eq!(v("!N"), 2);
        assert_eq!(v("!(A || N)"), 0);
        assert_eq!(v("UNKNOWN"), 0);
        assert_eq!(v("A && !RANDSTRUCT && (N || !MODVERSIONS)"), 2);
    }

    #[test]
    fn comparisons() {
        let c = cfg();
        let v = |t: &str| parse(t).unwrap().eval(&c);
        assert_eq!(v("S = \"x86\""), 2);
        assert_eq!(v("S != \"x86\""), 0);
        assert_eq!(v("I >= 32"), 2);
        assert_eq!(v("I < 32"), 0);
        assert_eq!(v("N = n"), 2);
    }

    #[test]
    fn annotation_and_conjuncts() {
        let c = cfg();
        let e = parse("A && (N || M) && !N").unwrap();
        assert_eq!(e.annotate(&c), "A [=y] && (N [=n] || M [=m]) && !N [=n]");
        assert_eq!(e.conjuncts().len(), 3);
    }

    #[test]
    fn malformed_is_none() {
        assert!(parse("A &&").is_none());
        assert!(parse("(A").is_none());
        assert!(parse("A B").is_none());
    }
}

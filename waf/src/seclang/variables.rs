//! Rule targets: `ARGS|!ARGS:foo|&TX:x|REQUEST_HEADERS:/^x-/`.

use regex::bytes::Regex;

macro_rules! vars {
    ($($variant:ident => $name:literal, $collection:literal;)*) => {
        /// A SecLang variable (collection or scalar).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Var { $(#[doc = $name] $variant,)* }

        impl Var {
            /// The variable for a name (any case), if SecLang has it and the engine supports it.
            pub fn from_name(name: &str) -> Option<Var> {
                let upper = name.to_ascii_uppercase();
                match upper.as_str() { $($name => Some(Var::$variant),)* _ => None }
            }
            /// The canonical (upper-case) name.
            pub fn name(self) -> &'static str {
                match self { $(Var::$variant => $name,)* }
            }
            /// Whether the variable is a collection of named values (takes a `:selector`).
            pub fn is_collection(self) -> bool {
                match self { $(Var::$variant => $collection,)* }
            }
        }
    };
}

vars! {
    Args => "ARGS", true;
    ArgsGet => "ARGS_GET", true;
    ArgsPost => "ARGS_POST", true;
    ArgsNames => "ARGS_NAMES", true;
    ArgsGetNames => "ARGS_GET_NAMES", true;
    ArgsPostNames => "ARGS_POST_NAMES", true;
    ArgsCombinedSize => "ARGS_COMBINED_SIZE", false;
    RequestHeaders => "REQUEST_HEADERS", true;
    RequestHeadersNames => "REQUEST_HEADERS_NAMES", true;
    RequestCookies => "REQUEST_COOKIES", true;
    RequestCookiesNames => "REQUEST_COOKIES_NAMES", true;
    RequestFilename => "REQUEST_FILENAME", false;
    RequestBasename => "REQUEST_BASENAME", false;
    RequestUri => "REQUEST_URI", false;
    RequestUriRaw => "REQUEST_URI_RAW", false;
    RequestLine => "REQUEST_LINE", false;
    RequestMethod => "REQUEST_METHOD", false;
    RequestProtocol => "REQUEST_PROTOCOL", false;
    QueryString => "QUERY_STRING", false;
    RequestBody => "REQUEST_BODY", false;
    RequestBodyLength => "REQUEST_BODY_LENGTH", false;
    ReqbodyProcessor => "REQBODY_PROCESSOR", false;
    ReqbodyError => "REQBODY_ERROR", false;
    ReqbodyErrorMsg => "REQBODY_ERROR_MSG", false;
    ReqbodyProcessorError => "REQBODY_PROCESSOR_ERROR", false;
    MultipartStrictError => "MULTIPART_STRICT_ERROR", false;
    MultipartUnmatchedBoundary => "MULTIPART_UNMATCHED_BOUNDARY", false;
    MultipartPartHeaders => "MULTIPART_PART_HEADERS", true;
    MultipartFilename => "MULTIPART_FILENAME", false;
    MultipartName => "MULTIPART_NAME", false;
    Files => "FILES", true;
    FilesNames => "FILES_NAMES", true;
    FilesSizes => "FILES_SIZES", true;
    FilesCombinedSize => "FILES_COMBINED_SIZE", false;
    Xml => "XML", true;
    Tx => "TX", true;
    Ip => "IP", true;
    Global => "GLOBAL", true;
    Session => "SESSION", true;
    User => "USER", true;
    Resource => "RESOURCE", true;
    Env => "ENV", true;
    Rule => "RULE", true;
    MatchedVar => "MATCHED_VAR", false;
    MatchedVarName => "MATCHED_VAR_NAME", false;
    MatchedVars => "MATCHED_VARS", true;
    MatchedVarsNames => "MATCHED_VARS_NAMES", true;
    ResponseBody => "RESPONSE_BODY", false;
    ResponseHeaders => "RESPONSE_HEADERS", true;
    ResponseHeadersNames => "RESPONSE_HEADERS_NAMES", true;
    ResponseStatus => "RESPONSE_STATUS", false;
    ResponseProtocol => "RESPONSE_PROTOCOL", false;
    ResponseContentType => "RESPONSE_CONTENT_TYPE", false;
    ResponseContentLength => "RESPONSE_CONTENT_LENGTH", false;
    RemoteAddr => "REMOTE_ADDR", false;
    RemotePort => "REMOTE_PORT", false;
    ServerAddr => "SERVER_ADDR", false;
    ServerPort => "SERVER_PORT", false;
    ServerName => "SERVER_NAME", false;
    UniqueId => "UNIQUE_ID", false;
    Duration => "DURATION", false;
    Time => "TIME", false;
    TimeEpoch => "TIME_EPOCH", false;
    UrlencodedError => "URLENCODED_ERROR", false;
    InboundDataError => "INBOUND_DATA_ERROR", false;
    OutboundDataError => "OUTBOUND_DATA_ERROR", false;
    FullRequest => "FULL_REQUEST", false;
    FullRequestLength => "FULL_REQUEST_LENGTH", false;
    HighestSeverity => "HIGHEST_SEVERITY", false;
    StatusLine => "STATUS_LINE", false;
}

/// Which members of a collection a target names.
#[derive(Debug, Clone)]
pub enum Selector {
    /// Every member.
    All,
    /// One key, lower case (compared case-insensitively, as ModSecurity does).
    Key(String),
    /// Keys matching `/regex/`.
    Regex(Regex),
}

impl Selector {
    /// Whether a member named `key` is selected.
    pub fn matches(&self, key: &str) -> bool {
        match self {
            Selector::All => true,
            Selector::Key(k) => k.eq_ignore_ascii_case(key),
            Selector::Regex(r) => r.is_match(key.as_bytes()),
        }
    }
    /// The selector as written, for `SecRuleUpdateTargetById` comparisons and logs.
    pub fn text(&self) -> String {
        match self {
            Selector::All => String::new(),
            Selector::Key(k) => k.to_ascii_lowercase(),
            Selector::Regex(r) => format!("/{}/", r.as_str()),
        }
    }
}

/// One target of a rule.
#[derive(Debug, Clone)]
pub struct Target {
    /// The variable.
    pub var: Var,
    /// The members selected.
    pub selector: Selector,
    /// `&VAR`: the number of values instead of the values.
    pub count: bool,
    /// `!VAR:key`: removes those members from the rule's other targets.
    pub exclude: bool,
}

/// Parses a `|`-separated target list.
pub fn parse_targets(text: &str) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut in_regex = false;
        let mut in_quote = false;
        while i < bytes.len() {
            let c = bytes[i];
            if in_regex {
                if c == b'\\' {
                    i += 1;
                } else if c == b'/' {
                    in_regex = false;
                }
            } else if in_quote {
                if c == b'\'' {
                    in_quote = false;
                }
            } else if c == b'|' {
                break;
            } else if c == b'/' && i > 0 && bytes[i - 1] == b':' && !is_xml(&bytes[start..i]) {
                in_regex = true;
            } else if c == b'\'' && i > 0 && bytes[i - 1] == b':' {
                in_quote = true;
            }
            i += 1;
        }
        let part = text.get(start..i.min(text.len())).unwrap_or("").trim();
        i += 1;
        if part.is_empty() {
            return Err(format!("empty target in {text:?}"));
        }
        out.push(parse_target(part)?);
    }
    if out.is_empty() {
        return Err("no targets".into());
    }
    Ok(out)
}

/// XML selectors are XPath (`XML:/*`), never `/regex/`.
fn is_xml(name: &[u8]) -> bool {
    let name = name.strip_suffix(b":").unwrap_or(name);
    let name = name.iter().position(|c| c.is_ascii_alphabetic()).map_or(name, |p| &name[p..]);
    name.eq_ignore_ascii_case(b"XML")
}

fn parse_target(part: &str) -> Result<Target, String> {
    let mut rest = part;
    let mut exclude = false;
    let mut count = false;
    if let Some(r) = rest.strip_prefix('!') {
        exclude = true;
        rest = r;
    }
    if let Some(r) = rest.strip_prefix('&') {
        count = true;
        rest = r;
    }
    let (name, sel) = match rest.split_once(':') {
        Some((n, s)) => (n, Some(s)),
        None => (rest, None),
    };
    let var = Var::from_name(name).ok_or_else(|| format!("unknown variable {name:?}"))?;
    let selector = match sel {
        None | Some("") => Selector::All,
        Some(s) => {
            if !var.is_collection() {
                return Err(format!("{} is not a collection and takes no selector", var.name()));
            }
            if var != Var::Xml && s.len() >= 2 && s.starts_with('/') && s.ends_with('/') {
                let re = regex::bytes::RegexBuilder::new(&s[1..s.len() - 1])
                    .case_insensitive(true)
                    .unicode(false)
                    .build()
                    .map_err(|e| format!("bad selector regex {s}: {e}"))?;
                Selector::Regex(re)
            } else {
                let s = s.trim_matches('\'');
                Selector::Key(s.to_ascii_lowercase())
            }
        }
    };
    Ok(Target { var, selector, count, exclude })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_crs_targets() {
        let t = parse_targets("REQUEST_COOKIES|!REQUEST_COOKIES:/__utm|x/|ARGS_NAMES|&TX:a|XML:/*|ARGS").unwrap();
        assert_eq!(t.len(), 6);
        assert!(t[1].exclude && matches!(t[1].selector, Selector::Regex(_)));
        assert!(t[3].count);
        assert!(matches!(&t[4].selector, Selector::Key(k) if k == "/*"));
    }

    #[test]
    fn unknown_variable_is_an_error() {
        assert!(parse_targets("ARGZ").is_err());
    }
}

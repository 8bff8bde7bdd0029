//! The values a transaction holds for rules to read: request, body, response and TX.

use crate::seclang::variables::{Selector, Var};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// An ordered list of named values (arguments, headers, cookies, ...).
pub type Pairs = Vec<(String, Vec<u8>)>;

/// Everything rules can read, except the matching state.
#[derive(Debug, Default, Clone)]
pub struct Data {
    /// `ARGS_GET`.
    pub args_get: Pairs,
    /// `ARGS_POST`.
    pub args_post: Pairs,
    /// `REQUEST_HEADERS`.
    pub request_headers: Pairs,
    /// `REQUEST_COOKIES`.
    pub cookies: Pairs,
    /// `FILES` (field name -> file name).
    pub files: Pairs,
    /// `FILES_SIZES`.
    pub files_sizes: Pairs,
    /// `MULTIPART_PART_HEADERS`.
    pub part_headers: Pairs,
    /// `XML:/*`: the document's text.
    pub xml: Option<Vec<u8>>,
    /// `XML://@*`: every attribute value.
    pub xml_attrs: Vec<Vec<u8>>,
    /// `RESPONSE_HEADERS`.
    pub response_headers: Pairs,
    /// Scalars (`REQUEST_METHOD`, `REQUEST_BODY`, ...).
    pub scalars: HashMap<Var, Vec<u8>>,
    /// `TX` (keys lower case).
    pub tx: BTreeMap<String, Vec<u8>>,
    /// `IP`, `GLOBAL`, `SESSION`, ... (per transaction).
    pub persistent: HashMap<String, BTreeMap<String, Vec<u8>>>,
    /// `MATCHED_VAR` and `MATCHED_VAR_NAME`: the latest match.
    pub matched_var: Option<(String, Vec<u8>)>,
    /// `MATCHED_VARS` of the current rule: (name, value).
    pub matched_vars: Pairs,
    /// `RULE`: the id of the rule being evaluated.
    pub rule_id: u64,
}

/// A fetched value's full name (`ARGS:id`), put together only when a rule needs it (a
/// match, a log line): most values of most rules never match.
#[derive(Debug, Clone)]
pub enum VarName<'a> {
    /// A scalar: the variable's name.
    Plain(&'static str),
    /// A collection member: the collection and the key.
    Keyed(&'static str, &'a str),
    /// Anything else, whole.
    Owned(String),
}

impl VarName<'_> {
    /// The key (`id` of `ARGS:id`), empty for a scalar.
    pub fn key(&self) -> &str {
        match self {
            VarName::Plain(_) => "",
            VarName::Keyed(_, k) => k,
            VarName::Owned(s) => s.split_once(':').map_or("", |(_, k)| k),
        }
    }

    /// The full name.
    pub fn full(&self) -> String {
        match self {
            VarName::Plain(p) => p.to_string(),
            VarName::Keyed(p, k) => format!("{p}:{k}"),
            VarName::Owned(s) => s.clone(),
        }
    }
}

/// What [`Data::fetch`] gives: each value with its name.
pub type Fetched<'a> = Vec<(VarName<'a>, Cow<'a, [u8]>)>;

fn select<'a>(pairs: &'a Pairs, sel: &Selector, prefix: &'static str, names: bool, out: &mut Fetched<'a>) {
    for (k, v) in pairs {
        if sel.matches(k) {
            let name = VarName::Keyed(prefix, k);
            if names {
                out.push((name, Cow::Borrowed(k.as_bytes())));
            } else {
                out.push((name, Cow::Borrowed(v.as_slice())));
            }
        }
    }
}

/// Members of a collection kept sorted (TX, the persistent ones): in key order, as
/// ModSecurity lists them, without sorting on every fetch.
fn select_map<'a>(map: &'a BTreeMap<String, Vec<u8>>, sel: &Selector, prefix: &'static str, out: &mut Fetched<'a>) {
    match sel {
        Selector::Key(k) => {
            let found = if k.bytes().any(|c| c.is_ascii_uppercase()) {
                map.get_key_value(&k.to_ascii_lowercase())
            } else {
                map.get_key_value(k.as_str())
            };
            if let Some((k, v)) = found {
                out.push((VarName::Keyed(prefix, k), Cow::Borrowed(v.as_slice())));
            }
        }
        _ => {
            for (k, v) in map.iter().filter(|(k, _)| sel.matches(k)) {
                out.push((VarName::Keyed(prefix, k), Cow::Borrowed(v.as_slice())));
            }
        }
    }
}

impl Data {
    /// The values of `var` selected by `sel`, each with its full name (`ARGS:id`).
    pub fn fetch<'a>(&'a self, var: Var, sel: &Selector, out: &mut Fetched<'a>) {
        let p = var.name();
        match var {
            Var::Args => {
                select(&self.args_get, sel, p, false, out);
                select(&self.args_post, sel, p, false, out);
            }
            Var::ArgsGet => select(&self.args_get, sel, p, false, out),
            Var::ArgsPost => select(&self.args_post, sel, p, false, out),
            Var::ArgsNames => {
                select(&self.args_get, sel, p, true, out);
                select(&self.args_post, sel, p, true, out);
            }
            Var::ArgsGetNames => select(&self.args_get, sel, p, true, out),
            Var::ArgsPostNames => select(&self.args_post, sel, p, true, out),
            Var::RequestHeaders => select(&self.request_headers, sel, p, false, out),
            Var::RequestHeadersNames => select(&self.request_headers, sel, p, true, out),
            Var::RequestCookies => select(&self.cookies, sel, p, false, out),
            Var::RequestCookiesNames => select(&self.cookies, sel, p, true, out),
            Var::Files => select(&self.files, sel, p, false, out),
            Var::FilesNames => select(&self.files, sel, p, true, out),
            Var::FilesSizes => select(&self.files_sizes, sel, p, false, out),
            Var::MultipartPartHeaders => select(&self.part_headers, sel, p, false, out),
            Var::ResponseHeaders => select(&self.response_headers, sel, p, false, out),
            Var::ResponseHeadersNames => select(&self.response_headers, sel, p, true, out),
            Var::MatchedVars => select(&self.matched_vars, sel, p, false, out),
            Var::MatchedVarsNames => {
                for (k, _) in &self.matched_vars {
                    if sel.matches(k) {
                        out.push((VarName::Keyed(p, k), Cow::Borrowed(k.as_bytes())));
                    }
                }
            }
            Var::Rule => {
                if sel.matches("id") {
                    out.push((VarName::Keyed(p, "id"), Cow::Owned(self.rule_id.to_string().into_bytes())));
                }
            }
            Var::Xml => {
                if matches!(sel, Selector::Key(k) if k.contains('@')) {
                    for a in &self.xml_attrs {
                        out.push((VarName::Plain("XML"), Cow::Borrowed(a.as_slice())));
                    }
                } else if let Some(x) = &self.xml {
                    out.push((VarName::Plain("XML"), Cow::Borrowed(x.as_slice())));
                }
            }
            Var::Tx => select_map(&self.tx, sel, p, out),
            Var::Ip | Var::Global | Var::Session | Var::User | Var::Resource | Var::Env => {
                if let Some(m) = self.persistent.get(&p.to_ascii_lowercase()) {
                    select_map(m, sel, p, out);
                }
            }
            Var::MatchedVar => {
                if let Some((_, v)) = &self.matched_var {
                    out.push((VarName::Plain(p), Cow::Borrowed(v.as_slice())));
                }
            }
            Var::MatchedVarName => {
                if let Some((k, _)) = &self.matched_var {
                    out.push((VarName::Plain(p), Cow::Borrowed(k.as_bytes())));
                }
            }
            scalar => {
                if let Some(v) = self.scalars.get(&scalar) {
                    out.push((VarName::Plain(p), Cow::Borrowed(v.as_slice())));
                }
            }
        }
    }

    /// The first value of `var` (or `var.key`), for macros.
    pub fn first(&self, var: Var, key: Option<&str>) -> Vec<u8> {
        let sel = match key {
            Some(k) => Selector::Key(k.to_string()),
            None => Selector::All,
        };
        let mut out = Vec::new();
        self.fetch(var, &sel, &mut out);
        out.into_iter().next().map(|(_, v)| v.into_owned()).unwrap_or_default()
    }
}

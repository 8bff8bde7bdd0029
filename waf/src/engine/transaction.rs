//! One HTTP transaction through the rules: phases 1 (request headers), 2 (request body),
//! 3 (response headers), 4 (response body) and 5 (logging).

use super::collections::{Data, Fetched, VarName};
use super::operators::atoi;
use super::transforms::{byte_classes, Transform};
use super::EngineMode;
use crate::body;
use crate::seclang::actions::{AllowScope, Ctl, Disruptive, Effect, SetOp};
use crate::seclang::macros::{Macro, Part};
use crate::seclang::rules::{Item, Rule, RuleSet};
use crate::seclang::variables::{Selector, Target, Var};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// A request as received.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Method.
    pub method: String,
    /// The request target as sent.
    pub uri: String,
    /// `HTTP/1.1`.
    pub protocol: String,
    /// Headers in order, names as sent.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Client address.
    pub remote_addr: String,
    /// Client port.
    pub remote_port: u16,
    /// Local port.
    pub server_port: u16,
}

/// What the rules decided to do with the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervention {
    /// HTTP status to answer with.
    pub status: u16,
    /// The rule that decided.
    pub rule_id: u64,
    /// Close the connection without an answer.
    pub drop: bool,
}

/// A rule that matched.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MatchedRule {
    /// Rule id.
    pub id: u64,
    /// Phase.
    pub phase: u8,
    /// `msg`, expanded.
    pub msg: String,
    /// `logdata`, expanded.
    pub data: String,
    /// Severity (0-7).
    pub severity: Option<u8>,
    /// Tags.
    pub tags: Vec<String>,
    /// Whether the rule logs (`log`, not `nolog`).
    #[serde(skip)]
    pub logged: bool,
}

/// A transaction.
pub struct Transaction {
    rules: Arc<RuleSet>,
    /// The values rules read.
    pub data: Data,
    mode: EngineMode,
    /// Rules that matched, in order.
    pub matched: Vec<MatchedRule>,
    /// The intervention, once a rule decided one.
    pub intervention: Option<Intervention>,
    removed_ids: Vec<(u64, u64)>,
    removed_tags: Vec<String>,
    excluded_by_id: HashMap<u64, Vec<Target>>,
    excluded_by_tag: Vec<(String, Target)>,
    body_processor: Option<String>,
    force_body_variable: bool,
    request_body_access: bool,
    allow_all: bool,
    allow_request: bool,
    done_phases: u8,
    /// Transformation results by (hash of the input, transformation list): CRS applies the same
    /// chains to the same values in rule after rule.
    /// One transaction is evaluated by one task at a time: no lock.
    tcache: std::cell::RefCell<TransformCache>,
    hasher: foldhash::fast::RandomState,
}

/// Transformed values by (hash of the input, transformation list).
/// Transformed values by (hash of the value, hash of the transformation list).
type TransformCache = HashMap<(u64, u64), Vec<u8>, foldhash::fast::RandomState>;

/// One matching variable.
struct Match {
    name: String,
    value: Vec<u8>,
    captures: Option<Vec<Vec<u8>>>,
}

fn lossy(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn url_path_and_query(uri: &str) -> (&str, Option<&str>) {
    // absolute-form: drop scheme://authority.
    let rest = match uri.find("://") {
        Some(p) if uri[..p].bytes().all(|c| c.is_ascii_alphabetic()) => {
            let after = &uri[p + 3..];
            after.find('/').map_or("/", |s| &after[s..])
        }
        _ => uri,
    };
    match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    }
}

impl Transaction {
    /// A new transaction; `tx` seeds TX variables (`blocking_paranoia_level`, ...) before phase 1.
    pub fn new(rules: Arc<RuleSet>, mode: Option<EngineMode>, tx: &[(String, String)]) -> Transaction {
        let mut data = Data::default();
        for (k, v) in tx {
            data.tx.insert(k.to_ascii_lowercase(), v.as_bytes().to_vec());
        }
        let mode = mode.unwrap_or(rules.settings.engine);
        let request_body_access = rules.settings.request_body_access;
        Transaction {
            rules,
            data,
            mode,
            matched: Vec::new(),
            intervention: None,
            removed_ids: Vec::new(),
            removed_tags: Vec::new(),
            excluded_by_id: HashMap::new(),
            excluded_by_tag: Vec::new(),
            body_processor: None,
            force_body_variable: false,
            request_body_access,
            allow_all: false,
            allow_request: false,
            done_phases: 0,
            tcache: Default::default(),
            hasher: Default::default(),
        }
    }

    /// The rule set.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Sets the request line and headers and runs phase 1.
    pub fn request_headers(&mut self, req: &Request) {
        let s = &mut self.data.scalars;
        let (path, query) = url_path_and_query(&req.uri);
        s.insert(Var::RequestMethod, req.method.as_bytes().to_vec());
        s.insert(Var::RequestProtocol, req.protocol.as_bytes().to_vec());
        s.insert(Var::RequestUriRaw, req.uri.as_bytes().to_vec());
        let uri = match query {
            Some(q) => format!("{path}?{q}"),
            None => path.to_string(),
        };
        s.insert(Var::RequestUri, uri.into_bytes());
        s.insert(Var::RequestLine, format!("{} {} {}", req.method, req.uri, req.protocol).into_bytes());
        let filename = percent_decode(path.as_bytes());
        let basename = filename.rsplit(|&c| c == b'/').next().unwrap_or(&filename).to_vec();
        s.insert(Var::RequestFilename, filename);
        s.insert(Var::RequestBasename, basename);
        s.insert(Var::QueryString, query.unwrap_or("").as_bytes().to_vec());
        s.insert(Var::RemoteAddr, req.remote_addr.as_bytes().to_vec());
        s.insert(Var::RemotePort, req.remote_port.to_string().into_bytes());
        s.insert(Var::ServerPort, req.server_port.to_string().into_bytes());
        s.insert(Var::UniqueId, format!("{:016x}", rand_id()).into_bytes());
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        s.insert(Var::TimeEpoch, now.to_string().into_bytes());
        for k in [
            Var::ReqbodyError,
            Var::MultipartStrictError,
            Var::MultipartUnmatchedBoundary,
            Var::UrlencodedError,
            Var::InboundDataError,
        ] {
            s.insert(k, b"0".to_vec());
        }
        let sep = self.rules.settings.argument_separator;
        self.data.args_get = body::urlencoded::parse(query.unwrap_or("").as_bytes(), sep)
            .into_iter()
            .map(|(k, v)| (lossy(&k), v))
            .collect();
        self.data.request_headers = req.headers.clone();
        for (k, v) in &req.headers {
            if k.eq_ignore_ascii_case("cookie") {
                for c in v.split(|&c| c == b';') {
                    let c = c.trim_ascii_start();
                    if c.is_empty() {
                        continue;
                    }
                    match c.iter().position(|&b| b == b'=') {
                        Some(p) => self.data.cookies.push((lossy(&c[..p]), c[p + 1..].to_vec())),
                        None => self.data.cookies.push((lossy(c), Vec::new())),
                    }
                }
            }
        }
        self.update_combined_size();
        self.run_phase(1);
    }

    fn update_combined_size(&mut self) {
        let size: usize = self.data.args_get.iter().chain(&self.data.args_post).map(|(k, v)| k.len() + v.len()).sum();
        self.data.scalars.insert(Var::ArgsCombinedSize, size.to_string().into_bytes());
    }

    /// Whether rules want the request body (body access on and the engine running).
    pub fn wants_request_body(&self) -> bool {
        self.request_body_access && self.mode != EngineMode::Off && self.intervention.is_none()
    }

    fn header(&self, name: &str) -> Option<&[u8]> {
        self.data.request_headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
    }

    /// Sets the request body, runs its processor and phase 2.
    pub fn request_body(&mut self, data: &[u8]) {
        if self.intervention.is_some() {
            return;
        }
        let ct = self.header("content-type").map(|c| c.to_ascii_lowercase()).unwrap_or_default();
        let processor = self.body_processor.clone().or_else(|| {
            if ct.is_empty() || ct.starts_with(b"application/x-www-form-urlencoded") {
                Some("URLENCODED".into())
            } else if ct.starts_with(b"multipart/form-data") {
                Some("MULTIPART".into())
            } else if ct.starts_with(b"application/json") || ct.windows(5).any(|w| w == b"+json") {
                Some("JSON".into())
            } else if ct.starts_with(b"text/xml")
                || ct.starts_with(b"application/xml")
                || ct.windows(4).any(|w| w == b"+xml")
            {
                Some("XML".into())
            } else {
                None
            }
        });
        let s = &mut self.data.scalars;
        s.insert(Var::RequestBodyLength, data.len().to_string().into_bytes());
        if let Some(p) = &processor {
            s.insert(Var::ReqbodyProcessor, p.as_bytes().to_vec());
        }
        if self.request_body_access && !data.is_empty() {
            let result: Result<(), body::BodyError> = match processor.as_deref() {
                Some("URLENCODED") => {
                    let sep = self.rules.settings.argument_separator;
                    self.data.args_post =
                        body::urlencoded::parse(data, sep).into_iter().map(|(k, v)| (lossy(&k), v)).collect();
                    Ok(())
                }
                Some("MULTIPART") => {
                    let ct_raw = self.header("content-type").unwrap_or_default().to_vec();
                    match body::multipart::boundary(&ct_raw) {
                        None => Err(body::BodyError("multipart: no boundary".into())),
                        Some(b) => body::multipart::parse(data, &b).map(|p| self.take_multipart(p)),
                    }
                }
                Some("JSON") => body::json::parse(data).map(|a| {
                    self.data.args_post = a.into_iter().map(|(k, v)| (lossy(&k), v)).collect();
                }),
                Some("XML") => body::xml::parse(data).map(|(t, attrs)| {
                    self.data.xml = Some(t);
                    self.data.xml_attrs = attrs;
                }),
                _ => Ok(()),
            };
            if let Err(e) = result {
                self.data.scalars.insert(Var::ReqbodyError, b"1".to_vec());
                self.data.scalars.insert(Var::ReqbodyErrorMsg, e.0.clone().into_bytes());
                self.data.scalars.insert(Var::ReqbodyProcessorError, b"1".to_vec());
            }
            if matches!(processor.as_deref(), None | Some("URLENCODED")) || self.force_body_variable {
                self.data.scalars.insert(Var::RequestBody, data.to_vec());
            }
        }
        self.update_combined_size();
        self.run_phase(2);
    }

    fn take_multipart(&mut self, p: body::Parsed) {
        self.data.args_post = p.args.into_iter().map(|(k, v)| (lossy(&k), v)).collect();
        let total: usize = p.files.iter().map(|f| f.2).sum();
        for (field, name, size) in p.files {
            self.data.files.push((lossy(&field), name));
            self.data.files_sizes.push((lossy(&field), size.to_string().into_bytes()));
        }
        self.data.part_headers = p.part_headers.into_iter().map(|(k, v)| (lossy(&k), v)).collect();
        self.data.scalars.insert(Var::FilesCombinedSize, total.to_string().into_bytes());
        if p.strict_error {
            self.data.scalars.insert(Var::MultipartStrictError, b"1".to_vec());
        }
        if p.unmatched_boundary {
            self.data.scalars.insert(Var::MultipartUnmatchedBoundary, b"1".to_vec());
        }
    }

    /// Sets the response status and headers and runs phase 3.
    pub fn response_headers(&mut self, status: u16, protocol: &str, headers: &[(String, Vec<u8>)]) {
        let s = &mut self.data.scalars;
        s.insert(Var::ResponseStatus, status.to_string().into_bytes());
        s.insert(Var::ResponseProtocol, protocol.as_bytes().to_vec());
        for (k, v) in headers {
            if k.eq_ignore_ascii_case("content-type") {
                s.insert(Var::ResponseContentType, v.clone());
            }
            if k.eq_ignore_ascii_case("content-length") {
                s.insert(Var::ResponseContentLength, v.clone());
            }
        }
        self.data.response_headers = headers.to_vec();
        self.run_phase(3);
    }

    /// Whether rules want this response's body (`SecResponseBodyAccess` and `SecResponseBodyMimeType`).
    pub fn wants_response_body(&self) -> bool {
        if !self.rules.settings.response_body_access || self.mode == EngineMode::Off {
            return false;
        }
        let ct =
            self.data.scalars.get(&Var::ResponseContentType).map(|v| lossy(v).to_ascii_lowercase()).unwrap_or_default();
        let mime = ct.split(';').next().unwrap_or("").trim().to_string();
        self.rules.settings.response_mime_types.iter().any(|m| m.eq_ignore_ascii_case(&mime))
    }

    /// Sets the response body and runs phase 4.
    pub fn response_body(&mut self, data: &[u8]) {
        self.data.scalars.insert(Var::ResponseBody, data.to_vec());
        self.run_phase(4);
    }

    /// Runs phase 5.
    pub fn logging(&mut self) {
        self.run_phase(5);
    }

    fn removed(&self, r: &Rule) -> bool {
        self.removed_ids.iter().any(|&(a, b)| r.id >= a && r.id <= b) || self.removed_tags.iter().any(|t| r.has_tag(t))
    }

    /// Runs the rules of one phase (each phase runs once).
    pub fn run_phase(&mut self, phase: u8) {
        let bit = 1 << phase;
        if self.done_phases & bit != 0 {
            return;
        }
        self.done_phases |= bit;
        if self.mode == EngineMode::Off || self.allow_all || (phase <= 2 && self.allow_request) {
            return;
        }
        if self.intervention.is_some() && phase != 5 {
            return;
        }
        let rules = self.rules.clone();
        let mut skip_to: Option<usize> = None;
        let mut skip_n = 0usize;
        for (idx, item) in rules.items.iter().enumerate() {
            if let Some(m) = skip_to {
                if idx <= m {
                    continue;
                }
                skip_to = None;
            }
            let Item::Rule(r) = item else { continue };
            if r.phase != phase || self.removed(r) {
                continue;
            }
            if skip_n > 0 {
                skip_n -= 1;
                continue;
            }
            if !self.eval_chain(r) {
                continue;
            }
            if let Some(m) = &r.actions.skip_after {
                skip_to = rules.markers.get(m).copied();
            }
            if let Some(n) = r.actions.skip {
                skip_n = n;
            }
            if self.mode != EngineMode::On {
                continue;
            }
            match r.disruptive() {
                Disruptive::Pass | Disruptive::Block => {}
                Disruptive::Allow(scope) => {
                    match scope {
                        AllowScope::All => self.allow_all = true,
                        AllowScope::Request => self.allow_request = true,
                        AllowScope::Phase => {}
                    }
                    return;
                }
                d @ (Disruptive::Deny | Disruptive::Drop | Disruptive::Redirect) => {
                    if phase != 5 {
                        let status = r.actions.status.unwrap_or(if d == Disruptive::Redirect { 302 } else { 403 });
                        self.intervention = Some(Intervention { status, rule_id: r.id, drop: d == Disruptive::Drop });
                        return;
                    }
                }
            }
        }
    }

    fn eval_chain(&mut self, head: &Rule) -> bool {
        self.data.rule_id = head.id;
        // Each rule of a chain runs its setvar and ctl as soon as it matches, once per matching
        // variable (the next rule may read them); CRS puts the scoring on the chain's last rule.
        let mut link = Some(head);
        while let Some(l) = link {
            let matches = self.eval_rule(l, head.id);
            if matches.is_empty() {
                return false;
            }
            if !l.targets.is_empty() {
                self.data.matched_vars = matches.iter().map(|m| (m.name.clone(), m.value.clone())).collect();
            }
            for m in matches {
                self.apply_match(l, m);
            }
            link = l.chain.as_deref();
        }
        let a = &head.actions;
        let logged = a.log != Some(false);
        // Only a logged match reaches the audit record: the others need no text.
        let text =
            |m: &Option<Macro>| m.as_ref().filter(|_| logged).map(|m| lossy(&self.expand(m))).unwrap_or_default();
        let (msg, data) = (text(&a.msg), text(&a.logdata));
        self.matched.push(MatchedRule {
            id: head.id,
            phase: head.phase,
            msg,
            data,
            severity: a.severity,
            tags: if logged { a.tags.clone() } else { Vec::new() },
            logged,
        });
        true
    }

    fn excluded(&self, rule_id: u64, rule: &Rule, key: &str, var: Var) -> bool {
        let hit = |t: &Target| t.var == var && (matches!(t.selector, Selector::All) || t.selector.matches(key));
        rule.targets.iter().filter(|t| t.exclude).any(hit)
            || self.excluded_by_id.get(&rule_id).is_some_and(|v| v.iter().any(hit))
            || self.excluded_by_tag.iter().any(|(tag, t)| rule.has_tag(tag) && hit(t))
    }

    /// The matches of one rule: (variable name, transformed value, captures).
    fn eval_rule(&self, rule: &Rule, head_id: u64) -> Vec<Match> {
        if rule.targets.is_empty() {
            return vec![Match { name: String::new(), value: Vec::new(), captures: None }];
        }
        let mut matches = Vec::new();
        let negated = rule.op.negated;
        let may_exclude = rule.targets.iter().any(|t| t.exclude)
            || self.excluded_by_id.contains_key(&head_id)
            || self.excluded_by_tag.iter().any(|(tag, _)| rule.has_tag(tag));
        let mut values: Fetched<'_> = Vec::new();
        for t in rule.targets.iter().filter(|t| !t.exclude) {
            values.clear();
            self.data.fetch(t.var, &t.selector, &mut values);
            if may_exclude {
                values.retain(|(n, _)| !self.excluded(head_id, rule, n.key(), t.var));
            }
            if t.count {
                let count = VarName::Owned(format!("&{}", t.var.name()));
                values = vec![(count, Cow::Owned(values.len().to_string().into_bytes()))];
            }
            for (name, value) in values.drain(..) {
                let expand = |m: &Macro| expand_with(&self.data, m);
                let mut found = |v: &[u8]| {
                    let res = rule.op.op.eval(v, &expand);
                    if res.is_some() == negated {
                        return false;
                    }
                    let captures = if rule.actions.capture && !negated { res } else { None };
                    matches.push(Match { name: name.full(), value: v.to_vec(), captures });
                    true
                };
                if rule.actions.multi_match {
                    // Every stage of the transformation is tried, the untransformed value first.
                    let mut cur: Cow<'_, [u8]> = value;
                    if found(&cur) {
                        continue;
                    }
                    for tr in &rule.actions.transforms {
                        cur = Cow::Owned(tr.apply(&cur));
                        if found(&cur) {
                            break;
                        }
                    }
                } else if rule.actions.transforms.is_empty()
                    || Transform::chain_leaves(&rule.actions.transforms, &value, byte_classes(&value))
                {
                    found(&value);
                } else {
                    found(&self.transformed(&value, &rule.actions.transforms));
                }
            }
        }
        matches
    }

    /// `value` through `transforms`, cached for the transaction.
    fn transformed(&self, value: &[u8], transforms: &[Transform]) -> std::cell::Ref<'_, [u8]> {
        use std::hash::BuildHasher;
        let key = (self.hasher.hash_one(value), self.hasher.hash_one(transforms));
        if !self.tcache.borrow().contains_key(&key) {
            let mut cur = value.to_vec();
            for tr in transforms {
                cur = tr.apply(&cur);
            }
            self.tcache.borrow_mut().insert(key, cur);
        }
        std::cell::Ref::map(self.tcache.borrow(), |c| c.get(&key).map_or(&[][..], |v| v.as_slice()))
    }

    /// Records one match (MATCHED_VAR, TX.0-9) and runs the rule's setvar and ctl for it, as
    /// ModSecurity does for every matching variable.
    fn apply_match(&mut self, rule: &Rule, m: Match) {
        if let Some(c) = m.captures {
            for i in 0..10 {
                self.data.tx.remove(&i.to_string());
            }
            for (i, v) in c.into_iter().enumerate() {
                self.data.tx.insert(i.to_string(), v);
            }
        }
        if !m.name.is_empty() {
            self.data.matched_var = Some((m.name, m.value));
        }
        for e in &rule.actions.effects {
            self.effect(e);
        }
    }

    fn expand(&self, m: &Macro) -> Vec<u8> {
        expand_with(&self.data, m)
    }

    fn effect(&mut self, e: &Effect) {
        match e {
            Effect::SetVar(sv) => {
                let key = lossy(&self.expand(&sv.key)).to_ascii_lowercase();
                let value = match &sv.op {
                    SetOp::Set(m) | SetOp::Add(m) | SetOp::Sub(m) => Some(self.expand(m)),
                    SetOp::Delete => None,
                };
                let map = if sv.collection == "tx" {
                    &mut self.data.tx
                } else {
                    self.data.persistent.entry(sv.collection.clone()).or_default()
                };
                match (&sv.op, value) {
                    (SetOp::Set(_), Some(v)) => {
                        map.insert(key, v);
                    }
                    (SetOp::Add(_), Some(v)) => {
                        let n = map.get(&key).map_or(0, |c| atoi(c)).saturating_add(atoi(&v));
                        map.insert(key, n.to_string().into_bytes());
                    }
                    (SetOp::Sub(_), Some(v)) => {
                        let n = map.get(&key).map_or(0, |c| atoi(c)).saturating_sub(atoi(&v));
                        map.insert(key, n.to_string().into_bytes());
                    }
                    _ => {
                        map.remove(&key);
                    }
                }
            }
            Effect::Ctl(c) => match c {
                Ctl::RuleRemoveById(a, b) => self.removed_ids.push((*a, *b)),
                Ctl::RuleRemoveByTag(t) => self.removed_tags.push(t.clone()),
                Ctl::RuleRemoveTargetById(id, t) => self.excluded_by_id.entry(*id).or_default().push(t.clone()),
                Ctl::RuleRemoveTargetByTag(tag, t) => self.excluded_by_tag.push((tag.clone(), t.clone())),
                Ctl::RequestBodyProcessor(p) => self.body_processor = Some(p.clone()),
                Ctl::ForceRequestBodyVariable(b) => self.force_body_variable = *b,
                Ctl::RuleEngine(m) => self.mode = *m,
                Ctl::RequestBodyAccess(b) => self.request_body_access = *b,
                Ctl::Logging(_) => {}
            },
        }
    }

    /// The rules that matched and log, in order.
    pub fn logged_ids(&self) -> Vec<u64> {
        self.matched.iter().filter(|m| m.logged).map(|m| m.id).collect()
    }

    /// A TX variable.
    pub fn tx(&self, key: &str) -> Option<&[u8]> {
        self.data.tx.get(&key.to_ascii_lowercase()).map(Vec::as_slice)
    }
}

trait MacroSource {
    fn value(&self, var: Var, key: Option<&str>) -> Vec<u8>;
}

impl MacroSource for Data {
    fn value(&self, var: Var, key: Option<&str>) -> Vec<u8> {
        self.first(var, key)
    }
}

fn expand_with<S: MacroSource>(src: &S, m: &Macro) -> Vec<u8> {
    if let Some(l) = m.literal() {
        return l.as_bytes().to_vec();
    }
    let mut out = Vec::new();
    for p in &m.parts {
        match p {
            Part::Lit(s) => out.extend_from_slice(s.as_bytes()),
            Part::Var(v, k) => out.extend_from_slice(&src.value(*v, k.as_deref())),
        }
    }
    out
}

fn rand_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0),
    );
    h.finish()
}

/// Percent-decoding only (`+` stays), as REQUEST_FILENAME is.
fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            if let (Some(a), Some(b)) = ((raw[i + 1] as char).to_digit(16), (raw[i + 2] as char).to_digit(16)) {
                out.push((a * 16 + b) as u8);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

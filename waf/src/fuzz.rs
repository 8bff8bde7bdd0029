//! Property tests: no input makes the SecLang lexer, loader or the body parsers panic.

use crate::seclang::Loader;
use proptest::prelude::*;
use std::path::Path;

/// Cases per property: `RAMPART_FUZZ_CASES` when set (for longer runs), else `default`.
pub(crate) fn cases(default: u32) -> u32 {
    std::env::var("RAMPART_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn load(text: &str) {
    let mut l = Loader::new();
    if l.load_text(text, "fuzz.conf", Path::new("/nonexistent")).is_ok() {
        let _ = l.finish();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1000)))]

    #[test]
    fn seclang_from_fragments_never_panics(
        text in "(SecRule |SecAction |SecMarker |SecDefaultAction |Include |ARGS|!ARGS:/a|b/|&TX:x|XML:/*|REQUEST_HEADERS:'x'|\\|| \
                  |\"|'|@rx |!@pm |@within %\\{tx.a\\}|@ge |@ipMatch 1.2.3.4/40|@validateByteRange 1-300|id:[0-9]{1,3}|,|phase:[0-9]|\
                  chain|t:(none|urlDecodeUni|lowercase|frob)|setvar:'?!?tx\\.a=\\+?%\\{tx\\.b\\}|ctl:ruleRemoveTargetById=1;ARGS|skipAfter:E|\\\\\n|\n|#|[a-z%{}()\\[\\]*+?]{0,4}){0,40}"
    ) {
        load(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        load(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

    #[test]
    fn body_parsers_never_panic(data in proptest::collection::vec(any::<u8>(), 0..400), frag in "(--b|\\r\\n|Content-Disposition: form-data; name=\"?a\"?; filename=x|<a|</a>|<!--|<!\\[CDATA\\[|&#x41;|=|&|%2|\\{\"a\":|\\[|\\]|\\}|\"|x){0,30}") {
        for d in [&data[..], frag.as_bytes()] {
            let _ = crate::body::urlencoded::parse(d, b'&');
            let _ = crate::body::multipart::parse(d, b"b");
            let _ = crate::body::multipart::boundary(d);
            let _ = crate::body::json::parse(d);
            let _ = crate::body::xml::parse(d);
            let _ = crate::proxy::http1::parse_head(d);
            let _ = crate::proxy::http1::parse_chunk_size(d);
        }
    }

    #[test]
    fn transformations_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200), frag in "(%|%u|\\\\|\\\\x|\\\\u|&#|&#x|;|/\\*|\\*/|--|#|0x|[0-9a-f]|\\.\\.|/|\\\\\\\\|\\xc3|\\xe2){0,30}") {
        use crate::engine::transforms::Transform::*;
        for d in [&data[..], frag.as_bytes()] {
            for t in [UrlDecode, UrlDecodeUni, HtmlEntityDecode, JsDecode, CssDecode, CmdLine, ReplaceComments, RemoveComments,
                      RemoveCommentsChar, NormalizePath, NormalizePathWin, HexDecode, Base64Decode, Base64DecodeExt, SqlHexDecode,
                      EscapeSeqDecode, Utf8ToUnicode, CompressWhitespace, RemoveWhitespace, Trim] {
                let _ = t.apply(d);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(3000)))]

    #[test]
    fn operators_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200), frag in "('|\"|`|--|/\\*|\\*/|#|;|<|>|=|\\(|\\)|union|select|or|and|1|0x|script|on[a-z]+|javascript:|&#|\\\\| |\\xff|\\xc0){0,40}") {
        use crate::engine::operators::OperatorSpec;
        let ops = ["@detectSQLi", "@detectXSS", "@validateUtf8Encoding", "@validateUrlEncoding", "@validateByteRange 1-255",
                   "@pm select union", "@rx (?i)(a|b)+c", "@within GET POST", "@ipMatch 10.0.0.0/8,::1/128", "@ge 5"];
        for op in ops {
            let o = OperatorSpec::parse(op, Path::new(".")).unwrap();
            for d in [&data[..], frag.as_bytes()] {
                let _ = o.op.eval(d, &|m| m.literal().unwrap_or("").as_bytes().to_vec());
            }
        }
    }
}

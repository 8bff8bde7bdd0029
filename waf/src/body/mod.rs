//! Request body processors: urlencoded, multipart, JSON and XML, into the values rules see.

pub mod json;
pub mod multipart;
pub mod urlencoded;
pub mod xml;

/// Name/value pairs as bytes.
pub type ByteArgs = Vec<(Vec<u8>, Vec<u8>)>;

/// What a body processor found.
#[derive(Debug, Default, Clone)]
pub struct Parsed {
    /// Arguments (`ARGS_POST`), in order.
    pub args: Vec<(Vec<u8>, Vec<u8>)>,
    /// Uploaded files: (field name, file name, size).
    pub files: Vec<(Vec<u8>, Vec<u8>, usize)>,
    /// Multipart part headers: (field name, header line).
    pub part_headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// XML text content (`XML:/*`).
    pub xml_text: Option<Vec<u8>>,
    /// `MULTIPART_STRICT_ERROR` and friends.
    pub strict_error: bool,
    /// `MULTIPART_UNMATCHED_BOUNDARY`.
    pub unmatched_boundary: bool,
}

/// A body that the processor could not read (`REQBODY_ERROR`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError(pub String);

//! Request body processors: urlencoded, multipart, JSON and XML, into ARGS, FILES and XML.

//! Every way a catalogue call can fail, each with a message that names the catalogue
//! and says what to do. Replies are classified by [`classify_reply`] (pure, so the
//! real captures can test it) and transport failures by [`classify_transport`].

use std::fmt;

use serde_json::{Map, Value};

/// Messages on one field of the request body, located by an RFC 6901 JSON pointer
/// (`/resources/1/format`), cleaned of Python reprs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub pointer: String,
    pub messages: Vec<String>,
}

/// Why the catalogue refused a call (HTTP 401/403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthProblem {
    /// No key was sent, so the call ran anonymously.
    NoKey,
    /// A key was sent, but the catalogue did not recognise it (it answered as for an anonymous user).
    KeyRejected,
    /// The key is valid, but its user may not do this (e.g. not an editor in the organization).
    NoPermission,
}

/// How a connection failed before a complete reply arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionProblem {
    /// The host name did not resolve.
    Dns,
    /// Nothing listens there.
    Refused,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The connection broke after the request may have been sent.
    Reset,
    /// Anything else reqwest reports.
    Other,
}

/// A failed catalogue call. `Display` gives the user-facing message; no variant ever holds the API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogueError {
    /// HTTP 409 `Validation Error`: per-field messages plus messages on no field.
    Validation {
        catalogue: String,
        fields: Vec<FieldError>,
        general: Vec<String>,
    },
    /// HTTP 401/403.
    Auth {
        catalogue: String,
        problem: AuthProblem,
        detail: String,
    },
    /// HTTP 404 from the API: no such dataset (or organization) on this catalogue.
    NotFound {
        catalogue: String,
        id: Option<String>,
    },
    /// Other 4xx replies: bad JSON, an integrity error, an unknown action.
    Rejected {
        catalogue: String,
        status: u16,
        message: String,
    },
    /// HTTP 5xx: the catalogue failed (message from its JSON error, or the HTML page's title).
    Server {
        catalogue: String,
        status: u16,
        message: String,
    },
    /// A reply that is not the CKAN JSON envelope (wrong URL, proxy page, truncated body).
    BadReply {
        catalogue: String,
        status: u16,
        detail: String,
    },
    /// A 3xx: redirects are not followed, so that the key cannot leak to another host.
    Redirected {
        catalogue: String,
        status: u16,
        location: String,
    },
    /// No complete reply within the time limit.
    Timeout { catalogue: String, millis: u64 },
    /// The connection could not be made or broke.
    Connection {
        catalogue: String,
        problem: ConnectionProblem,
        detail: String,
    },
    /// The client could not be set up (TLS roots, an API key that is not a valid header).
    Setup { message: String },
    /// The catalogue serves no usable dataset schema: no ckanext-scheming, no such dataset
    /// type, several types to choose from, or a schema that cannot be read.
    Schema { catalogue: String, message: String },
}

impl CatalogueError {
    /// Whether the catalogue may have acted on the request although no success reply arrived,
    /// so that a create must be checked before it is tried again.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            CatalogueError::Timeout { .. } => true,
            CatalogueError::Connection { problem, .. } => {
                matches!(problem, ConnectionProblem::Reset | ConnectionProblem::Other)
            }
            // Gateways answer 502/503/504 while the backend may still complete the call.
            CatalogueError::Server { status, .. } | CatalogueError::BadReply { status, .. } => {
                matches!(status, 502..=504) || *status == 200
            }
            _ => false,
        }
    }

    /// Replaces `secret` in every text the error holds: a server may echo request headers.
    pub(crate) fn scrubbed(mut self, secret: &str) -> CatalogueError {
        if !secret.is_empty() {
            for text in self.texts_mut() {
                if text.contains(secret) {
                    *text = text.replace(secret, "<redacted>");
                }
            }
        }
        self
    }

    /// Every text that came from the server or the network.
    fn texts_mut(&mut self) -> Vec<&mut String> {
        match self {
            CatalogueError::Validation {
                fields, general, ..
            } => fields
                .iter_mut()
                .flat_map(|f| std::iter::once(&mut f.pointer).chain(f.messages.iter_mut()))
                .chain(general.iter_mut())
                .collect(),
            CatalogueError::NotFound { id, .. } => id.iter_mut().collect(),
            CatalogueError::Auth { detail, .. }
            | CatalogueError::BadReply { detail, .. }
            | CatalogueError::Connection { detail, .. } => vec![detail],
            CatalogueError::Rejected { message, .. }
            | CatalogueError::Server { message, .. }
            | CatalogueError::Setup { message }
            | CatalogueError::Schema { message, .. } => vec![message],
            CatalogueError::Redirected { location, .. } => vec![location],
            CatalogueError::Timeout { .. } => Vec::new(),
        }
    }
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogueError::Validation {
                catalogue,
                fields,
                general,
            } => {
                write!(f, "{catalogue} rejected the record:")?;
                let mut sep = " ";
                for message in general {
                    write!(f, "{sep}{message}")?;
                    sep = "; ";
                }
                for field in fields {
                    write!(
                        f,
                        "{sep}{}: {}",
                        display_path(&field.pointer),
                        field.messages.join(", ")
                    )?;
                    sep = "; ";
                }
                if fields.is_empty() && general.is_empty() {
                    f.write_str(" validation error with no details")?;
                }
                Ok(())
            }
            CatalogueError::Auth {
                catalogue,
                problem,
                detail,
            } => match problem {
                AuthProblem::NoKey => write!(
                    f,
                    "{catalogue} refused the call because no API key is configured ({detail}). \
                     Set the key in the editor settings (bcdc.apiKey), in bcdc-lsp/config.toml under \
                     [hosts.\"<host>\"], or in the BCDC_API_KEY environment variable (sent only \
                     to the BC catalogues, unless BCDC_API_KEY_HOST names the host)"
                ),
                AuthProblem::KeyRejected => write!(
                    f,
                    "{catalogue} did not accept the API key: it answered as for an anonymous user \
                     ({detail}). Check that the key is current and belongs to this catalogue \
                     (test and prod have different keys)"
                ),
                AuthProblem::NoPermission => write!(
                    f,
                    "{catalogue} refused: {detail}. Your account needs editor or admin rights in the \
                     record's organization (owner_org)"
                ),
            },
            CatalogueError::NotFound { catalogue, id } => match id {
                Some(id) => write!(
                    f,
                    "unknown id {id:?} on {catalogue} (wrong catalogue? test and prod hold different records)"
                ),
                None => write!(f, "unknown id on {catalogue} (wrong catalogue?)"),
            },
            CatalogueError::Rejected {
                catalogue,
                status,
                message,
            } => write!(f, "{catalogue} rejected the request (HTTP {status}): {message}"),
            CatalogueError::Server {
                catalogue,
                status,
                message,
            } => write!(
                f,
                "{catalogue} failed with a server error (HTTP {status}): {message}. Try again later"
            ),
            CatalogueError::BadReply {
                catalogue,
                status,
                detail,
            } => write!(
                f,
                "{catalogue} sent a reply that is not a CKAN API answer (HTTP {status}): {detail}. \
                 Is the catalogue URL right?"
            ),
            CatalogueError::Redirected {
                catalogue,
                status,
                location,
            } => write!(
                f,
                "{catalogue} redirected the call (HTTP {status}) to {location}; redirects are not \
                 followed so that the API key stays with the configured catalogue. If that address \
                 is the catalogue, use it as the catalogue URL"
            ),
            CatalogueError::Timeout { catalogue, millis } => write!(
                f,
                "no reply from {catalogue} within {} s: the catalogue is slow or unreachable",
                *millis as f64 / 1000.0
            ),
            CatalogueError::Connection {
                catalogue,
                problem,
                detail,
            } => match problem {
                ConnectionProblem::Dns => write!(
                    f,
                    "cannot resolve the host of {catalogue} ({detail}): check the catalogue URL and the network"
                ),
                ConnectionProblem::Refused => write!(
                    f,
                    "cannot connect to {catalogue}: connection refused ({detail})"
                ),
                ConnectionProblem::Tls => write!(
                    f,
                    "secure connection to {catalogue} failed ({detail}): the certificate is not trusted \
                     or TLS failed"
                ),
                ConnectionProblem::Reset => write!(
                    f,
                    "the connection to {catalogue} broke before the reply was complete ({detail})"
                ),
                ConnectionProblem::Other => {
                    write!(f, "the call to {catalogue} failed: {detail}")
                }
            },
            CatalogueError::Setup { message } => f.write_str(message),
            CatalogueError::Schema { catalogue, message } => write!(f, "{catalogue}: {message}"),
        }
    }
}

impl std::error::Error for CatalogueError {}

/// The parts of an HTTP reply that classification looks at.
#[derive(Debug, Clone, Copy)]
pub struct Reply<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub location: Option<&'a str>,
    pub body: &'a [u8],
}

/// Turns an HTTP reply into the `result` of the CKAN envelope or a classified error.
/// `key_sent` tells a rejected key from a missing one; `id` names the record for 404 messages.
pub fn classify_reply(
    catalogue: &str,
    reply: &Reply<'_>,
    key_sent: bool,
    id: Option<&str>,
) -> Result<Value, CatalogueError> {
    let catalogue = catalogue.to_string();
    let Reply {
        status,
        content_type,
        location,
        body,
    } = *reply;
    if (300..400).contains(&status) {
        return Err(CatalogueError::Redirected {
            catalogue,
            status,
            location: location.unwrap_or("an unnamed address").to_string(),
        });
    }
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let Some(json) = parsed else {
        let detail = describe_non_json(content_type, body);
        return Err(if status >= 500 {
            CatalogueError::Server {
                catalogue,
                status,
                message: detail,
            }
        } else {
            CatalogueError::BadReply {
                catalogue,
                status,
                detail,
            }
        });
    };
    // CKAN answers some bad requests with a bare JSON string ("Bad request - JSON Error: ...").
    let envelope = match json {
        Value::Object(map) => map,
        Value::String(text) => {
            return Err(if status >= 500 {
                CatalogueError::Server {
                    catalogue,
                    status,
                    message: text,
                }
            } else {
                CatalogueError::Rejected {
                    catalogue,
                    status,
                    message: text,
                }
            })
        }
        other => {
            return Err(CatalogueError::BadReply {
                catalogue,
                status,
                detail: format!("JSON {} instead of an object", json_kind(&other)),
            })
        }
    };
    let success = envelope.get("success").and_then(Value::as_bool);
    if status == 200 && success == Some(true) {
        return envelope
            .get("result")
            .cloned()
            .ok_or_else(|| CatalogueError::BadReply {
                catalogue,
                status,
                detail: "the reply has no \"result\"".into(),
            });
    }
    let error = match envelope.get("error") {
        Some(Value::Object(error)) => error.clone(),
        Some(Value::String(text)) => {
            let mut map = Map::new();
            map.insert("message".into(), Value::String(text.clone()));
            map
        }
        _ if success.is_none() => {
            return Err(CatalogueError::BadReply {
                catalogue,
                status,
                detail: "JSON without the CKAN \"success\" field".into(),
            })
        }
        _ => Map::new(),
    };
    let error_type = error.get("__type").and_then(Value::as_str).unwrap_or("");
    let message = error.get("message").map(message_text).unwrap_or_default();
    if status == 409 || error_type == "Validation Error" {
        return Err(validation_error(catalogue, &error));
    }
    match status {
        401 | 403 => {
            let detail = message
                .strip_prefix("Access denied: ")
                .unwrap_or(&message)
                .to_string();
            let shown = detail.replace("User  ", "User ");
            // CKAN names the user; an empty name ("User  not authorized") means anonymous.
            let anonymous = status == 401
                || detail.contains("User  ")
                || detail.starts_with("User not authorized");
            let problem = match (anonymous, key_sent) {
                (true, false) => AuthProblem::NoKey,
                (true, true) => AuthProblem::KeyRejected,
                (false, _) => AuthProblem::NoPermission,
            };
            Err(CatalogueError::Auth {
                catalogue,
                problem,
                detail: clean_message(&shown),
            })
        }
        404 => Err(CatalogueError::NotFound {
            catalogue,
            id: id.map(str::to_string),
        }),
        500..=599 => Err(CatalogueError::Server {
            catalogue,
            status,
            message: non_empty(message, error_type, "no details"),
        }),
        _ => Err(CatalogueError::Rejected {
            catalogue,
            status,
            message: non_empty(clean_message(&message), error_type, "no details"),
        }),
    }
}

fn non_empty(message: String, error_type: &str, fallback: &str) -> String {
    match (message.is_empty(), error_type.is_empty()) {
        (false, true) => message,
        (false, false) => format!("{error_type}: {message}"),
        (true, false) => error_type.to_string(),
        (true, true) => fallback.to_string(),
    }
}

fn message_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(message_text)
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A short description of a body that is not JSON: the HTML title, or its first line.
fn describe_non_json(content_type: Option<&str>, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let kind = content_type
        .map(|ct| ct.split(';').next().unwrap_or(ct).trim().to_string())
        .unwrap_or_else(|| "no content type".into());
    if text.trim().is_empty() {
        return format!("empty body ({kind})");
    }
    let lower = text.to_ascii_lowercase();
    let snippet = match (lower.find("<title>"), lower.find("</title>")) {
        (Some(start), Some(end)) if start + 7 <= end => text[start + 7..end].trim().to_string(),
        _ => {
            let plain = strip_tags(&text);
            let first = plain.lines().map(str::trim).find(|l| !l.is_empty());
            first.unwrap_or_default().to_string()
        }
    };
    format!("{kind} body: {}", truncate(&snippet, 160))
}

/// Drops `<...>` markup so an HTML error page reads as its text.
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn truncate(text: &str, max_chars: usize) -> String {
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}

fn validation_error(catalogue: String, error: &Map<String, Value>) -> CatalogueError {
    let mut fields = Vec::new();
    let mut general = Vec::new();
    for (key, value) in error {
        match key.as_str() {
            "__type" => {}
            "message" => general.push(clean_message(&message_text(value))),
            _ => {
                let pointer: String = key_segments(key)
                    .iter()
                    .map(|seg| format!("/{}", escape_segment(seg)))
                    .collect();
                collect_field_errors(value, pointer, &mut fields);
            }
        }
    }
    CatalogueError::Validation {
        catalogue,
        fields,
        general,
    }
}

/// Walks CKAN's nested error shape: lists of strings are messages, lists of objects are
/// positional (one entry per list item, `{}` for items without errors), objects nest by key.
fn collect_field_errors(value: &Value, pointer: String, out: &mut Vec<FieldError>) {
    match value {
        Value::String(message) => push_message(out, &pointer, clean_message(message)),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                match item {
                    Value::String(message) => push_message(out, &pointer, clean_message(message)),
                    Value::Object(_) | Value::Array(_) => {
                        collect_field_errors(item, format!("{pointer}/{index}"), out)
                    }
                    Value::Null => {}
                    other => push_message(out, &pointer, other.to_string()),
                }
            }
        }
        Value::Object(map) => {
            for (key, nested) in map {
                let mut child = pointer.clone();
                for seg in key_segments(key) {
                    child.push('/');
                    child.push_str(&escape_segment(&seg));
                }
                collect_field_errors(nested, child, out);
            }
        }
        Value::Null => {}
        other => push_message(out, &pointer, other.to_string()),
    }
}

fn push_message(out: &mut Vec<FieldError>, pointer: &str, message: String) {
    match out.iter_mut().find(|f| f.pointer == pointer) {
        Some(field) => field.messages.push(message),
        None => out.push(FieldError {
            pointer: pointer.to_string(),
            messages: vec![message],
        }),
    }
}

/// Splits flattened keys: `contacts[0].email` and `contacts__0__email` → `contacts`, `0`, `email`.
fn key_segments(key: &str) -> Vec<String> {
    if key.contains('[') || key.contains('.') {
        let segments: Vec<String> = key
            .split(['.', '[', ']'])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if !segments.is_empty() {
            return segments;
        }
    }
    let parts: Vec<&str> = key.split("__").collect();
    let flattened = parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty())
        && parts
            .iter()
            .skip(1)
            .step_by(2)
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if flattened {
        parts.into_iter().map(str::to_string).collect()
    } else {
        vec![key.to_string()]
    }
}

/// RFC 6901: `~` → `~0`, `/` → `~1`.
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// `/contacts/0/email` → `contacts[0].email`, for messages.
pub fn display_path(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    if out.is_empty() {
        "(record)".into()
    } else {
        out
    }
}

/// Rewrites CKAN messages for people: Python list and tuple reprs become plain lists,
/// `Value must be one of [...]` becomes `must be one of A, B`, and the `conditional_required`
/// text `Required when ('x',) is set to y` becomes `required when x is y`.
pub fn clean_message(message: &str) -> String {
    let text = replace_python_sequences(message.trim());
    if let Some(rest) = text.strip_prefix("Value must be one of") {
        return format!("must be one of{rest}");
    }
    if let Some(rest) = text.strip_prefix("Required when ") {
        let rest = rest.replacen(" is set to ", " is ", 1);
        return format!("required when {rest}");
    }
    text
}

/// Replaces every `['a', 'b']` or `('a',)` in `text` by `a, b`; anything else is kept.
fn replace_python_sequences(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(['[', '(']) {
        out.push_str(&rest[..pos]);
        match parse_python_sequence(&rest[pos..]) {
            Some((items, used)) => {
                out.push_str(&items.join(", "));
                rest = &rest[pos + used..];
            }
            None => {
                out.push_str(&rest[pos..pos + 1]);
                rest = &rest[pos + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses a Python list/tuple of string literals at the start of `text`; returns the items
/// and the number of bytes used.
fn parse_python_sequence(text: &str) -> Option<(Vec<String>, usize)> {
    let close = match text.as_bytes().first()? {
        b'[' => ']',
        b'(' => ')',
        _ => return None,
    };
    let mut chars = text.char_indices().skip(1).peekable();
    let mut items = Vec::new();
    loop {
        while chars.next_if(|(_, c)| *c == ' ').is_some() {}
        let (_, c) = chars.next()?;
        if c == close {
            break;
        }
        if c != '\'' && c != '"' {
            return None;
        }
        let quote = c;
        let mut item = String::new();
        loop {
            let (_, c) = chars.next()?;
            match c {
                '\\' => item.push(chars.next()?.1),
                c if c == quote => break,
                c => item.push(c),
            }
        }
        items.push(item);
        while chars.next_if(|(_, c)| *c == ' ').is_some() {}
        match chars.next()? {
            (_, ',') => {}
            (_, c) if c == close => break,
            _ => return None,
        }
    }
    if items.is_empty() {
        return None;
    }
    let used = chars.peek().map_or(text.len(), |(i, _)| *i);
    Some((items, used))
}

/// Classifies a reqwest failure (no reply, or a broken one) for `catalogue`.
pub fn classify_transport(
    catalogue: &str,
    timeout: std::time::Duration,
    error: &reqwest::Error,
) -> CatalogueError {
    let catalogue = catalogue.to_string();
    if error.is_timeout() {
        return CatalogueError::Timeout {
            catalogue,
            millis: timeout.as_millis() as u64,
        };
    }
    // Walk the source chain: reqwest wraps hyper, which wraps (nested) io and rustls errors.
    // io::Error::source() skips its inner error, so step into io errors with get_ref().
    let mut causes: Vec<String> = Vec::new();
    let mut io_kind = None;
    let mut tls = false;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        tls |= current.is::<rustls::Error>();
        causes.push(strip_url(&current.to_string()));
        cause = match current.downcast_ref::<std::io::Error>() {
            Some(io) => {
                if io.kind() != std::io::ErrorKind::Other {
                    io_kind = Some(io.kind());
                }
                io.get_ref()
                    .map(|inner| inner as &(dyn std::error::Error + 'static))
            }
            None => current.source(),
        };
    }
    let detail = causes
        .iter()
        .rev()
        .find(|c| !c.is_empty())
        .cloned()
        .unwrap_or_else(|| "unknown error".into());
    let all = causes.join(" | ").to_ascii_lowercase();
    use std::io::ErrorKind;
    let problem = if tls || all.contains("certificate") || all.contains("tls handshake") {
        ConnectionProblem::Tls
    } else if all.contains("dns error") || all.contains("failed to lookup address") {
        ConnectionProblem::Dns
    } else if io_kind == Some(ErrorKind::ConnectionRefused) {
        ConnectionProblem::Refused
    } else if matches!(
        io_kind,
        Some(ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof)
    ) || all.contains("connection closed")
        || all.contains("incomplete")
        || all.contains("reset")
        || error.is_body()
        || error.is_decode()
    {
        ConnectionProblem::Reset
    } else {
        ConnectionProblem::Other
    };
    CatalogueError::Connection {
        catalogue,
        problem,
        detail,
    }
}

/// reqwest's messages end with ` for url (...)`: the catalogue is already named.
fn strip_url(text: &str) -> String {
    match text.find(" for url (") {
        Some(pos) => text[..pos].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn classify(status: u16, body: &Value, key_sent: bool) -> CatalogueError {
        let body = body.to_string();
        let reply = Reply {
            status,
            content_type: Some("application/json;charset=utf-8"),
            location: None,
            body: body.as_bytes(),
        };
        classify_reply("test (cat.data.gov.bc.ca)", &reply, key_sent, Some("my-id")).unwrap_err()
    }

    #[test]
    fn cleans_python_reprs() {
        assert_eq!(
            clean_message("Value must be one of ['PUBLIC', 'PROTECTED A', 'PROTECTED B']"),
            "must be one of PUBLIC, PROTECTED A, PROTECTED B"
        );
        assert_eq!(
            clean_message("Required when ('resource_status',) is set to obsolete"),
            "required when resource_status is obsolete"
        );
        assert_eq!(
            clean_message("Value must be one of [\"it's\", 'b']"),
            "must be one of it's, b"
        );
        // Not a Python sequence: left alone.
        assert_eq!(
            clean_message("Missing value (see [docs])"),
            "Missing value (see [docs])"
        );
        assert_eq!(
            clean_message("Date format incorrect"),
            "Date format incorrect"
        );
    }

    #[test]
    fn pointers_from_nested_errors() {
        let err = classify(
            409,
            &json!({"help": "h", "success": false, "error": {
                "__type": "Validation Error",
                "name": ["Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"],
                "security_class": ["Value must be one of ['PUBLIC', 'PROTECTED A']"],
                "contacts": [{"email": ["Missing value"]}],
                "resources": [{}, {"format": ["Missing value"], "temporal_extent": [{"end_date": ["Date format incorrect"]}]}],
                "contacts[1].role": ["Missing value"],
                "more_info__0__url": ["bad"],
                "a/b~c": ["odd key"],
                "message": "Missing id, can not get Package object"
            }}),
            true,
        );
        let CatalogueError::Validation {
            fields, general, ..
        } = &err
        else {
            panic!("{err:?}")
        };
        let pointers: Vec<&str> = fields.iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/name",
                "/security_class",
                "/contacts/0/email",
                "/resources/1/format",
                "/resources/1/temporal_extent/0/end_date",
                "/contacts/1/role",
                "/more_info/0/url",
                "/a~1b~0c",
            ]
        );
        assert_eq!(fields[1].messages, ["must be one of PUBLIC, PROTECTED A"]);
        assert_eq!(general, &["Missing id, can not get Package object"]);
        let text = err.to_string();
        assert!(
            text.starts_with("test (cat.data.gov.bc.ca) rejected the record:"),
            "{text}"
        );
        assert!(
            text.contains("resources[1].format: Missing value"),
            "{text}"
        );
    }

    #[test]
    fn auth_three_ways() {
        let anon = json!({"success": false, "error": {"__type": "Authorization Error",
            "message": "Access denied: User  not authorized to create packages"}});
        let CatalogueError::Auth { problem, .. } = classify(403, &anon, false) else {
            panic!()
        };
        assert_eq!(problem, AuthProblem::NoKey);
        let CatalogueError::Auth { problem, .. } = classify(403, &anon, true) else {
            panic!()
        };
        assert_eq!(problem, AuthProblem::KeyRejected);
        let org = json!({"success": false, "error": {"__type": "Authorization Error",
            "message": "Access denied: User jane not authorized to add dataset to this organization"}});
        let err = classify(403, &org, true);
        assert!(matches!(
            err,
            CatalogueError::Auth {
                problem: AuthProblem::NoPermission,
                ..
            }
        ));
        assert!(err.to_string().contains("jane not authorized"), "{err}");
    }

    #[test]
    fn not_found_names_catalogue() {
        let err = classify(
            404,
            &json!({"success": false, "error": {"__type": "Not Found Error", "message": "Not found"}}),
            true,
        );
        assert_eq!(
            err.to_string(),
            "unknown id \"my-id\" on test (cat.data.gov.bc.ca) (wrong catalogue? test and prod hold different records)"
        );
    }

    fn raw(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Value, CatalogueError> {
        let reply = Reply {
            status,
            content_type,
            location: None,
            body,
        };
        classify_reply("prod", &reply, false, None)
    }

    #[test]
    fn odd_bodies() {
        let html = raw(
            502,
            Some("text/html"),
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        )
        .unwrap_err();
        assert!(html.outcome_unknown());
        assert!(html.to_string().contains("502 Bad Gateway"), "{html}");
        let string = raw(
            400,
            Some("application/json"),
            br#""Bad request - JSON Error: Invalid request body""#,
        )
        .unwrap_err();
        assert_eq!(
            string.to_string(),
            "prod rejected the request (HTTP 400): Bad request - JSON Error: Invalid request body"
        );
        let text = raw(200, Some("text/plain"), b"hello").unwrap_err();
        assert!(matches!(text, CatalogueError::BadReply { .. }), "{text:?}");
        let empty = raw(200, None, b"").unwrap_err();
        assert!(empty.to_string().contains("empty body"), "{empty}");
        let solr = classify(
            500,
            &json!({"success": false, "error": {"__type": "Search Index Error", "message": "Unable to add package to search index"}}),
            true,
        );
        assert!(
            solr.to_string()
                .contains("Search Index Error: Unable to add package"),
            "{solr}"
        );
        assert!(!solr.outcome_unknown());
    }

    #[test]
    fn success_returns_result() {
        let ok = raw(
            200,
            None,
            br#"{"help": "h", "success": true, "result": {"id": "x"}}"#,
        )
        .unwrap();
        assert_eq!(ok, json!({"id": "x"}));
    }

    #[test]
    fn scrub_removes_secret_everywhere() {
        let err = CatalogueError::Server {
            catalogue: "test".into(),
            status: 500,
            message: "header Authorization: KEY123 was bad".into(),
        }
        .scrubbed("KEY123");
        assert!(!format!("{err} {err:?}").contains("KEY123"));
    }

    #[test]
    fn display_paths() {
        assert_eq!(display_path("/contacts/0/email"), "contacts[0].email");
        assert_eq!(display_path("/a~1b"), "a/b");
        assert_eq!(display_path(""), "(record)");
    }
}

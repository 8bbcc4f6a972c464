//! The real server over stdio: open, incremental edits, diagnostics per
//! version, close, and both position encodings.

mod common;
use common::{codes, Lsp, VALID};
use serde_json::json;
use std::time::Duration;

const URI: &str = "file:///work/lake.bcdc.yaml";

fn utf16() -> serde_json::Value {
    json!({})
}

fn utf8() -> serde_json::Value {
    json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}})
}

/// Line and UTF-16 column of the first occurrence of `needle`.
fn find(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).unwrap();
    let line = text[..at].matches('\n').count() as u32;
    let col = text[..at]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count() as u32;
    (line, col)
}

#[test]
fn open_edit_and_close() {
    let (mut lsp, init) = Lsp::start(utf16(), json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);

    let text = VALID.replace("security_class: PUBLIC", "security_class: SECRET");
    lsp.open(URI, "yaml", &text);
    let d = lsp.diagnostics(URI);
    assert_eq!(d["version"], 1);
    assert_eq!(codes(&d), ["invalid-choice"]);
    let (line, col) = find(&text, "SECRET");
    assert_eq!(
        d["diagnostics"][0]["range"]["start"],
        json!({"line": line, "character": col})
    );
    assert_eq!(
        d["diagnostics"][0]["range"]["end"],
        json!({"line": line, "character": col + 6})
    );
    assert_eq!(d["diagnostics"][0]["source"], "bcdc");

    // an incremental edit that fixes it
    let range = json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 6}});
    lsp.change(URI, 2, json!([{"range": range, "text": "PUBLIC"}]));
    let d = lsp.diagnostics_until(URI, 2).pop().unwrap();
    assert_eq!(codes(&d), Vec::<String>::new());

    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let d = lsp.diagnostics(URI);
    assert_eq!(d["diagnostics"], json!([]));
    lsp.shutdown();
}

#[test]
fn a_burst_of_edits_ends_with_the_newest_version_and_never_goes_back() {
    let (mut lsp, _) = Lsp::start(utf16(), json!({}));
    lsp.open(URI, "yaml", VALID);
    lsp.diagnostics(URI);
    let (line, col) = find(VALID, "Okanagan Lake Water Quality Monitoring");
    // type a title character by character
    for (i, ch) in "Ünïcödé 😀 title".chars().enumerate() {
        let at = col
            + "Ünïcödé 😀 title"
                .chars()
                .take(i)
                .map(char::len_utf16)
                .sum::<usize>() as u32;
        let pos = json!({"line": line, "character": at});
        lsp.change(
            URI,
            2 + i as i64,
            json!([{"range": {"start": pos, "end": pos}, "text": ch.to_string()}]),
        );
    }
    let last = 1 + "Ünïcödé 😀 title".chars().count() as i64;
    let seen = lsp.diagnostics_until(URI, last);
    let versions: Vec<i64> = seen
        .iter()
        .map(|d| d["version"].as_i64().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert_eq!(codes(seen.last().unwrap()), Vec::<String>::new());
    // the server's text is what the client has: check a diagnostic's range
    // after the emoji lines up
    let bad = json!({"line": line + 1, "character": 0});
    lsp.change(
        URI,
        last + 1,
        json!([{"range": {"start": bad, "end": bad}, "text": "x: 1\n"}]),
    );
    let d = lsp.diagnostics_until(URI, last + 1).pop().unwrap();
    assert_eq!(codes(&d), ["unknown-field"]);
    assert_eq!(d["diagnostics"][0]["range"]["start"], bad);
    lsp.shutdown();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let (mut lsp, init) = Lsp::start(utf8(), json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let text = VALID
        .replace(
            "title: Okanagan Lake Water Quality Monitoring",
            "title: Lac Okanagan 😀 — qualité\nsecurity_class: SECRET",
        )
        .replace("security_class: PUBLIC\n", "");
    lsp.open(URI, "yaml", &text);
    let d = lsp.diagnostics(URI);
    assert_eq!(codes(&d), ["invalid-choice"]);
    let at = text.find("SECRET").unwrap();
    let line = text[..at].matches('\n').count();
    assert_eq!(
        d["diagnostics"][0]["range"]["start"],
        json!({"line": line, "character": 16})
    );

    // an edit in UTF-8 columns after multi-byte characters
    let title_line = text[..text.find("title:").unwrap()].matches('\n').count();
    let after = "title: Lac Okanagan 😀 — qualité".len();
    let pos = json!({"line": title_line, "character": after});
    lsp.change(
        URI,
        2,
        json!([{"range": {"start": pos, "end": pos}, "text": "!"}]),
    );
    let d = lsp.diagnostics_until(URI, 2).pop().unwrap();
    assert_eq!(codes(&d), ["invalid-choice"]);
    lsp.shutdown();
}

#[test]
fn half_typed_documents_keep_their_other_diagnostics() {
    let (mut lsp, _) = Lsp::start(utf16(), json!({}));
    let text = VALID.replace("security_class: PUBLIC", "security_class: SECRET");
    lsp.open(URI, "yaml", &text);
    lsp.diagnostics(URI);
    // a half-typed key on a new line at the end, then an unclosed quote
    let end_line = text.lines().count() as u32;
    let end = json!({"line": end_line, "character": 0});
    lsp.change(
        URI,
        2,
        json!([{"range": {"start": end, "end": end}, "text": "lic"}]),
    );
    let d = lsp.diagnostics_until(URI, 2).pop().unwrap();
    assert!(codes(&d).contains(&"invalid-choice".to_string()), "{d:#}");
    let (line, col) = find(&text, "Water chemistry");
    let p = json!({"line": line, "character": col});
    lsp.change(
        URI,
        3,
        json!([{"range": {"start": p, "end": p}, "text": "\""}]),
    );
    let d = lsp.diagnostics_until(URI, 3).pop().unwrap();
    assert!(codes(&d).contains(&"invalid-choice".to_string()), "{d:#}");
    assert!(codes(&d).contains(&"syntax".to_string()), "{d:#}");
    lsp.shutdown();
}

#[test]
fn other_documents_are_left_alone() {
    let (mut lsp, _) = Lsp::start(utf16(), json!({}));
    lsp.open(
        "file:///work/docker-compose.yaml",
        "yaml",
        "services:\n  web: {image: x}\n",
    );
    lsp.open(
        "file:///work/plain.json",
        "json",
        "{\"type\": \"bcdc_dataset\"}",
    );
    // the publisher handles documents in order: once the record's
    // diagnostics arrive, the other file's would have come first
    let d = lsp.diagnostics("file:///work/plain.json");
    assert!(codes(&d).contains(&"missing-required".to_string()));
    let rest = lsp.drain(Duration::from_millis(100));
    assert!(
        rest.iter()
            .all(|m| m["params"]["uri"] != "file:///work/docker-compose.yaml"),
        "{rest:#?}"
    );
    lsp.shutdown();
}

/// UTF-16 position of a byte offset in `text`.
fn position(text: &str, at: usize) -> serde_json::Value {
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[line_start..at].encode_utf16().count()})
}

#[test]
fn random_edits_over_the_protocol_never_break_the_server() {
    let fragments = [
        "", "x", ": ", "- ", "\n", "\n  ", "\"", "é", "😀", "{", "]", "#", "\r\n", "ü: ö\n",
    ];
    let (mut lsp, _) = Lsp::start(utf16(), json!({}));
    let mut text = VALID.to_string();
    lsp.open(URI, "yaml", &text);
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n.max(1)
    };
    for version in 2..300 {
        let mut start = next(text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + next(6)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let insert = fragments[next(fragments.len())];
        let range = json!({"start": position(&text, start), "end": position(&text, end)});
        text.replace_range(start..end, insert);
        lsp.change(URI, version, json!([{"range": range, "text": insert}]));
    }
    let d = lsp.diagnostics_until(URI, 299).pop().unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    for diag in d["diagnostics"].as_array().unwrap() {
        for end in ["start", "end"] {
            let p = &diag["range"][end];
            let line = p["line"].as_u64().unwrap() as usize;
            assert!(line < lines.len(), "{diag}");
            let width = lines[line].trim_end_matches('\r').encode_utf16().count() as u64;
            assert!(p["character"].as_u64().unwrap() <= width, "{diag}");
        }
    }
    lsp.shutdown();
}

#[test]
fn an_untitled_json_buffer_is_read_as_json() {
    let (mut lsp, _) = Lsp::start(utf16(), json!({}));
    let uri = "untitled:Untitled-1";
    // a trailing comma: fine in YAML's flow style, a syntax error in JSON
    let text = "{\n  \"type\": \"bcdc_dataset\",\n  \"security_class\": \"SECRET\",\n}\n";
    lsp.open(uri, "json", text);
    let d = lsp.diagnostics(uri);
    let bad = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "invalid-choice")
        .unwrap()
        .clone();
    // the JSON string, quotes included, as the JSON parser ranges it
    assert_eq!(bad["range"]["start"], json!({"line": 2, "character": 20}));
    assert_eq!(bad["range"]["end"], json!({"line": 2, "character": 28}));
    assert!(codes(&d).contains(&"syntax".to_string()), "{d:#}");
    lsp.shutdown();
}

#[test]
fn a_buffer_in_the_record_language_is_a_record_before_it_says_so() {
    let (mut lsp, _) = Lsp::start(utf16(), json!({}));
    let uri = "untitled:Untitled-2";
    // no `type: bcdc_dataset` and no record file name: the language id decides
    lsp.open(uri, "bcdc-yaml", "security_class: SECRET\n");
    let d = lsp.diagnostics(uri);
    assert!(codes(&d).contains(&"invalid-choice".to_string()), "{d:#}");
    lsp.shutdown();
}

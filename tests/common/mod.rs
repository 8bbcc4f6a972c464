//! A minimal LSP client that drives the real `bcdc-lsp serve` binary over
//! stdio, for integration tests.
#![allow(dead_code)] // each test binary uses a different part of it

pub mod ckan;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Lsp {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
    /// How the client answers the server's requests (applyEdit, ...).
    pub reply: fn(&Value) -> Value,
    /// How long a wait for the server may take (a server under valgrind
    /// needs longer).
    pub timeout: Duration,
}

/// Accepts edits and picks the first action of a question.
pub fn default_reply(request: &Value) -> Value {
    match request["method"].as_str() {
        Some("workspace/applyEdit") => json!({"applied": true}),
        Some("window/showMessageRequest") => request["params"]["actions"][0].clone(),
        _ => Value::Null,
    }
}

impl Lsp {
    /// Starts the server and completes `initialize` with these client
    /// capabilities and initialization options.
    pub fn start(capabilities: Value, options: Value) -> (Lsp, Value) {
        Lsp::start_with_env(capabilities, options, &[])
    }

    pub fn start_with_env(
        capabilities: Value,
        options: Value,
        env: &[(&str, &str)],
    ) -> (Lsp, Value) {
        Lsp::start_with_params(
            json!({"processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options}),
            env,
        )
    }

    /// Starts the server with these `initialize` params.
    pub fn start_with_params(params: Value, env: &[(&str, &str)]) -> (Lsp, Value) {
        let mut cmd = Command::new(server_binary());
        cmd.arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env_remove("BCDC_API_KEY");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start bcdc-lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut lsp = Lsp {
            child,
            stdin,
            incoming: rx,
            backlog: Vec::new(),
            next_id: 1,
            reply: default_reply,
            timeout: TIMEOUT,
        };
        let result = lsp.request("initialize", params);
        lsp.notify("initialized", json!({}));
        (lsp, result)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (answering the server's
    /// own requests, e.g. workspace/applyEdit, with `reply`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let msg = self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none());
        if let Some(err) = msg.get("error") {
            panic!("{method} failed: {err}");
        }
        msg["result"].clone()
    }

    /// The next message matching `pred` (others are kept for later waits).
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(msg) => {
                    if msg.get("method").is_some() && msg.get("id").is_some() {
                        // a request from the server: answer it, keep it for asserts
                        let result = (self.reply)(&msg);
                        self.send(&json!({"jsonrpc": "2.0", "id": msg["id"], "result": result}));
                    }
                    if pred(&msg) {
                        return msg;
                    }
                    self.backlog.push(msg);
                }
                Err(RecvTimeoutError::Timeout) => panic!("timed out; backlog: {:#?}", self.backlog),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server exited; backlog: {:#?}", self.backlog)
                }
            }
        }
    }

    /// Everything that arrives within `wait` (after the backlog).
    pub fn drain(&mut self, wait: Duration) -> Vec<Value> {
        let mut out = std::mem::take(&mut self.backlog);
        while let Ok(msg) = self.incoming.recv_timeout(wait) {
            out.push(msg);
        }
        out
    }

    /// The next publishDiagnostics for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        let uri = uri.to_string();
        self.wait_for(move |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        })["params"]
            .clone()
    }

    /// Waits until diagnostics for `version` of `uri` arrive; returns all
    /// publishes for `uri` seen on the way, in order.
    pub fn diagnostics_until(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let d = self.diagnostics(uri);
            let v = d["version"].as_i64();
            seen.push(d);
            if v == Some(version) {
                return seen;
            }
        }
    }

    pub fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "server exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The binary cargo built for this test, or `BCDC_LSP_BIN` (benchmarks
/// point it at the release build).
fn server_binary() -> String {
    std::env::var("BCDC_LSP_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_bcdc-lsp").to_string())
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The diagnostics' codes, in order.
pub fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

pub const VALID: &str = include_str!("../../examples/water-quality.bcdc.yaml");

/// The byte offset of a UTF-16 position.
pub fn offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = p["character"].as_u64().unwrap() as usize;
    let mut at = start;
    for ch in text[start..].chars() {
        if units == 0 || ch == '\n' {
            break;
        }
        units = units.saturating_sub(ch.len_utf16());
        at += ch.len_utf8();
    }
    at
}

/// Text edits applied to the text (last first).
pub fn apply(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

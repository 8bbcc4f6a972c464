//! Edit → publishDiagnostics latency of the real server over stdio, with no
//! debounce: each edit waits for the diagnostics of its own version. Also
//! the server's resident memory with the typical record open.
//!
//! `cargo bench --bench lsp_latency` measures the binary cargo builds with
//! the bench profile (optimised); `BCDC_LSP_BIN=path` measures another.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/records.rs"]
mod records;

use common::Lsp;
use serde_json::json;
use std::time::{Duration, Instant};

fn latencies(text: &str, uri: &str, needle: &str, edits: usize) -> (Vec<Duration>, Lsp) {
    let (mut lsp, _) = Lsp::start(json!({}), json!({}));
    lsp.open(uri, "yaml", text);
    lsp.diagnostics(uri);
    let at = text.find(needle).unwrap() + needle.len();
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut out = Vec::with_capacity(edits);
    for i in 0..edits {
        // type a character, then delete it: the document stays valid
        let version = 2 + i as i64;
        let p = json!({"line": line, "character": col});
        let p1 = json!({"line": line, "character": col + 1});
        let change = if i % 2 == 0 {
            json!([{"range": {"start": p, "end": p}, "text": "x"}])
        } else {
            json!([{"range": {"start": p, "end": p1}, "text": ""}])
        };
        let t = Instant::now();
        lsp.change(uri, version, change);
        lsp.diagnostics_until(uri, version);
        out.push(t.elapsed());
    }
    out.sort();
    (out, lsp)
}

fn report(name: &str, d: &[Duration]) {
    let q = |p: f64| d[((d.len() - 1) as f64 * p) as usize];
    println!(
        "{name}: median {:.2} ms, p90 {:.2} ms, max {:.2} ms over {} edits",
        q(0.5).as_secs_f64() * 1e3,
        q(0.9).as_secs_f64() * 1e3,
        q(1.0).as_secs_f64() * 1e3,
        d.len()
    );
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benchmarks; nothing to list
    }
    let (typical, lsp) = latencies(
        records::TYPICAL,
        "file:///bench/typical.bcdc.yaml",
        "Okanagan Lake Water",
        400,
    );
    report("typical record, edit → diagnostics", &typical);
    if let Some(kib) = rss_kib(lsp.pid()) {
        println!(
            "server RSS with the typical record open: {:.1} MB",
            kib as f64 / 1024.0
        );
    }
    lsp.shutdown();
    let large = records::large_record(1000);
    let (d, lsp) = latencies(&large, "file:///bench/large.bcdc.yaml", "Resource 500", 60);
    report("large record (~20,000 lines), edit → diagnostics", &d);
    if let Some(kib) = rss_kib(lsp.pid()) {
        println!(
            "server RSS with the large record open: {:.1} MB",
            kib as f64 / 1024.0
        );
    }
    lsp.shutdown();
    std::thread::sleep(Duration::from_millis(10));
}

//! Edit → publishDiagnostics latency of the real server over stdio, with no
//! debounce: each edit waits for the diagnostics of its own version. Also
//! the server's CPU time per edit (utime + stime from /proc/<pid>/stat) and
//! its resident memory.
//!
//! The typing session, on records of ~2,000 and ~20,000 lines (100 or
//! 1,000 contacts and resources): free text typed into the title and into
//! a resource name in the middle and at the end, a dropdown value deleted
//! and retyped character by character, a contact and a resource pasted in
//! and named. Set `BCDC_BENCH_ANCHORS=1` to also type into a large record
//! whose resources use a YAML anchor and aliases.
//!
//! `cargo bench --bench lsp_latency` measures the binary cargo builds with
//! the bench profile (optimised); `BCDC_LSP_BIN=path` measures another.
//!
//! Instruction counts, steady on a busy machine: run the server under
//! callgrind (`BCDC_LSP_BIN` a script that runs `exec valgrind
//! --tool=callgrind --callgrind-out-file=DIR/cg.%p bcdc-lsp "$@"`) and set
//! `BCDC_BENCH_CALLGRIND=1`: each session zeroes the counts once the record
//! is open and dumps them after its edits (`DIR/cg.<pid>.1`, read with
//! `callgrind_annotate`; the times are then meaningless).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/records.rs"]
mod records;

use common::Lsp;
use serde_json::json;
use std::time::{Duration, Instant};

/// An open document and the text the server should have.
struct Session {
    lsp: Lsp,
    uri: String,
    text: String,
    version: i64,
    latencies: Vec<Duration>,
}

impl Session {
    fn open(text: &str, uri: &str) -> Session {
        let (mut lsp, _) = Lsp::start(json!({}), json!({}));
        if std::env::var_os("BCDC_BENCH_CALLGRIND").is_some() {
            lsp.timeout = Duration::from_secs(600);
        }
        lsp.open(uri, "yaml", text);
        lsp.diagnostics(uri);
        let s = Session {
            lsp,
            uri: uri.to_string(),
            text: text.to_string(),
            version: 1,
            latencies: Vec::new(),
        };
        s.callgrind("--zero");
        s
    }

    /// Under callgrind (`BCDC_BENCH_CALLGRIND`): zeroes or dumps the
    /// server's counts.
    fn callgrind(&self, what: &str) {
        if std::env::var_os("BCDC_BENCH_CALLGRIND").is_some() {
            let pid = self.lsp.pid().to_string();
            let ok = std::process::Command::new("callgrind_control")
                .args([what, &pid])
                .stdout(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "callgrind_control {what} {pid} failed");
        }
    }

    /// LSP position of a byte offset (the records are ASCII).
    fn position(&self, at: usize) -> serde_json::Value {
        let line = self.text[..at].matches('\n').count();
        let col = at - self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        json!({"line": line, "character": col})
    }

    /// Replaces `range` with `new`, waits for its diagnostics.
    fn edit(&mut self, range: std::ops::Range<usize>, new: &str) {
        self.version += 1;
        let change = json!([{
            "range": {"start": self.position(range.start), "end": self.position(range.end)},
            "text": new,
        }]);
        self.text.replace_range(range, new);
        let t = Instant::now();
        self.lsp.change(&self.uri, self.version, change);
        self.lsp.diagnostics_until(&self.uri, self.version);
        self.latencies.push(t.elapsed());
    }

    /// Types `word` one character at a time after the first `after`
    /// (searched from `from`), then deletes it again one at a time.
    fn type_and_erase(&mut self, after: &str, from: usize, word: &str) {
        let at = self.text[from..].find(after).unwrap() + from + after.len();
        for (i, c) in word.char_indices() {
            self.edit(at + i..at + i, &c.to_string());
        }
        for i in (0..word.len()).rev() {
            self.edit(at + i..at + i + 1, "");
        }
    }

    /// Deletes the value after `key: ` (searched from `from`) character by
    /// character and types it again.
    fn retype_value(&mut self, key: &str, from: usize) {
        let at = self.text[from..].find(key).unwrap() + from + key.len();
        let end = at + self.text[at..].find('\n').unwrap();
        let value = self.text[at..end].to_string();
        for i in (0..value.len()).rev() {
            self.edit(at + i..at + i + 1, "");
        }
        for (i, c) in value.char_indices() {
            self.edit(at + i..at + i, &c.to_string());
        }
    }

    /// The server's CPU time so far.
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.lsp.pid())).unwrap();
        // fields after the command name (which may hold spaces)
        let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        // clock ticks are 1/100 s on Linux
        Duration::from_millis(ticks * 10)
    }

    fn rss_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.lsp.pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
    }
}

/// The typing session on a record with `n` contacts and resources.
fn typing(name: &str, text: &str, n: usize) {
    let file: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    let mut s = Session::open(text, &format!("file:///bench/{file}.bcdc.yaml"));
    let cpu = s.cpu();
    let middle = s.text.find(&format!("name: Resource {}\n", n / 2)).unwrap();
    let last = s.text.find(&format!("name: Resource {}\n", n - 1)).unwrap();
    s.type_and_erase("title: Okanagan Lake", 0, " and Kalamalka Lake");
    s.type_and_erase(&format!("Resource {}", n / 2), middle, " (revised)");
    s.type_and_erase(&format!("Resource {}", n - 1), last, " (final)");
    s.retype_value("resource_update_cycle: ", middle);
    s.retype_value("bcdc_type: ", last);
    let contacts = s
        .text
        .find(&format!("  - name: Contact {}\n", n / 2))
        .unwrap();
    s.edit(
        contacts..contacts,
        "  - name: New Contact\n    email: new@example.invalid\n    org: lsp-test-org\n    role: pointOfContact\n",
    );
    s.type_and_erase("New Contact", contacts, " Smith");
    let end = s.text.len();
    let resource = records::resource(n);
    s.edit(end..end, &resource);
    s.type_and_erase(&format!("Resource {n}"), end, " extra");
    let edits = s.latencies.len();
    s.callgrind("--dump");
    let cpu = (s.cpu() - cpu).as_secs_f64() * 1e3 / edits as f64;
    report(name, text, &mut s.latencies, cpu);
    if let Some(mb) = s.rss_mb() {
        println!("  server RSS afterwards: {mb:.1} MB");
    }
    s.lsp.shutdown();
}

fn report(name: &str, text: &str, d: &mut [Duration], cpu_ms: f64) {
    d.sort();
    let q = |p: f64| d[((d.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    println!(
        "{name} ({} lines): edit → diagnostics median {:.2} ms, p90 {:.2} ms, max {:.2} ms; \
         server CPU {cpu_ms:.2} ms per edit; {} edits",
        text.lines().count(),
        q(0.5),
        q(0.9),
        q(1.0),
        d.len()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benchmarks; nothing to list
    }
    // the typical record: one character typed and deleted, 400 times
    let mut s = Session::open(records::TYPICAL, "file:///bench/typical.bcdc.yaml");
    let cpu = s.cpu();
    for _ in 0..200 {
        s.type_and_erase("Okanagan Lake Water", 0, "x");
    }
    s.callgrind("--dump");
    let cpu = (s.cpu() - cpu).as_secs_f64() * 1e3 / s.latencies.len() as f64;
    report("typical record", records::TYPICAL, &mut s.latencies, cpu);
    if let Some(mb) = s.rss_mb() {
        println!("  server RSS with the typical record open: {mb:.1} MB");
    }
    s.lsp.shutdown();
    typing(
        "record of 100 contacts and resources",
        &records::large_record(100),
        100,
    );
    typing(
        "record of 1,000 contacts and resources",
        &records::large_record(1000),
        1000,
    );
    if std::env::var_os("BCDC_BENCH_ANCHORS").is_some() {
        typing(
            "record of 1,000 contacts and resources with anchors and aliases",
            &records::large_record_with_aliases(1000),
            1000,
        );
    }
    std::thread::sleep(Duration::from_millis(10));
}

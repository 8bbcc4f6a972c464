//! The in-process part of one keystroke in the language server — the edit,
//! the reparse, the check keeping the last check's results — on records of
//! ~2,000 and ~20,000 lines, typed at the top (every later value moves), in
//! the middle and at the end. It prints the time per edit; for instruction
//! counts, which stay steady on a busy machine, run it under callgrind and
//! collect only the typing:
//!
//! ```sh
//! cargo bench --bench edit_cost --no-run
//! valgrind --tool=callgrind --toggle-collect='edit_cost::typing*' target/release/deps/edit_cost-<hash>
//! ```
//!
//! (`typing` runs 100 edits per place and size, so the instructions per
//! edit are callgrind's total over `typing` / 300 per size; `BCDC_EDIT_SIZE`
//! picks one size.)

use bcdc_lsp::check::{check_with, Cache};
use bcdc_lsp::schema::Schema;
use bcdc_lsp::syntax::{Document, Format};
use std::hint::black_box;
use std::time::Instant;

#[path = "support/records.rs"]
mod records;

/// Types and deletes one character `rounds` times after each of `places`.
#[inline(never)]
fn typing(doc: &mut Document, schema: &Schema, cache: &mut Cache, places: &[usize], rounds: usize) {
    for &at in places {
        for _ in 0..rounds {
            for (range, text) in [(at..at, "x"), (at..at + 1, "")] {
                doc.edit(range, text);
                doc.reparse();
                black_box(check_with(doc, schema, cache));
            }
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benchmarks; nothing to list
    }
    let schema = Schema::embedded();
    let sizes: Vec<usize> = match std::env::var("BCDC_EDIT_SIZE") {
        Ok(n) => vec![n.parse().expect("BCDC_EDIT_SIZE is a number of resources")],
        Err(_) => vec![100, 1000],
    };
    for n in sizes {
        let text = records::large_record(n);
        let places = [
            text.find("title: Okanagan Lake").unwrap() + "title: Okanagan Lake".len(),
            text.find(&format!("name: Resource {}\n", n / 2)).unwrap() + 10,
            text.find(&format!("name: Resource {}\n", n - 1)).unwrap() + 10,
        ];
        let mut doc = Document::parse(&text, Format::Yaml);
        let mut cache = Cache::default();
        assert!(check_with(&doc, &schema, &mut cache).is_empty());
        let rounds = 50;
        let t = Instant::now();
        typing(&mut doc, &schema, &mut cache, &places, rounds);
        let edits = places.len() * rounds * 2;
        println!(
            "{n} contacts and resources ({} lines): {:.1} µs per edit ({edits} edits)",
            text.lines().count(),
            t.elapsed().as_secs_f64() * 1e6 / edits as f64
        );
    }
}

//! Parse + check speed: the typical example, a generated large record
//! (1,000 resources and 1,000 contacts, ~20,000 lines), and the re-check
//! after a one-character edit in the large record: from scratch, and as
//! the language server does it (keeping the last check's results), also
//! in a large record whose resources use YAML anchors and aliases.

use bcdc_lsp::check::{check, check_with, Cache};
use bcdc_lsp::schema::Schema;
use bcdc_lsp::syntax::{Document, Format};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

#[path = "support/records.rs"]
mod records;
use records::{large_record, large_record_with_aliases, TYPICAL};

fn bench(c: &mut Criterion) {
    let schema = Schema::embedded();
    c.bench_function("typical record: parse + check", |b| {
        b.iter(|| {
            let doc = Document::parse(black_box(TYPICAL), Format::Yaml);
            check(&doc, &schema)
        })
    });
    let large = large_record(1000);
    assert!(check(&Document::parse(&large, Format::Yaml), &schema).is_empty());
    let mut g = c.benchmark_group("large record (1,000 resources + 1,000 contacts)");
    g.sample_size(20);
    g.bench_function("parse + check from scratch", |b| {
        b.iter(|| {
            let doc = Document::parse(black_box(&large), Format::Yaml);
            check(&doc, &schema)
        })
    });
    // one character typed into a resource name in the middle of the file
    let at = large.find("Resource 500").unwrap() + "Resource 500".len();
    let mut doc = Document::parse(&large, Format::Yaml);
    let mut toggle = false;
    g.bench_function("re-check after a one-character edit", |b| {
        b.iter(|| {
            toggle = !toggle;
            if toggle {
                doc.edit(at..at, "x");
            } else {
                doc.edit(at..at + 1, "");
            }
            doc.reparse();
            check(&doc, &schema)
        })
    });
    for (name, text) in [
        ("", large.clone()),
        (
            ", with anchors and aliases",
            large_record_with_aliases(1000),
        ),
    ] {
        let at = text.find("Resource 500").unwrap() + "Resource 500".len();
        let mut doc = Document::parse(&text, Format::Yaml);
        let mut cache = Cache::default();
        check_with(&doc, &schema, &mut cache);
        let mut toggle = false;
        g.bench_function(
            format!("re-check after a one-character edit, keeping results{name}"),
            |b| {
                b.iter(|| {
                    toggle = !toggle;
                    if toggle {
                        doc.edit(at..at, "x");
                    } else {
                        doc.edit(at..at + 1, "");
                    }
                    doc.reparse();
                    check_with(&doc, &schema, &mut cache)
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

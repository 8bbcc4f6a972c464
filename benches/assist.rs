//! Completion, hover and inlay-hint latency on the typical record (the
//! budget is 1 ms median each), and on a large one for scale. The document is parsed once,
//! as the server keeps it parsed between requests.

use bcdc_lsp::assist::completion::complete;
use bcdc_lsp::assist::fixes::quick_fixes;
use bcdc_lsp::assist::hover::hover;
use bcdc_lsp::assist::inlay::{inlay_hints, Sources};
use bcdc_lsp::assist::outline::outline;
use bcdc_lsp::assist::Dynamic;
use bcdc_lsp::check::check;
use bcdc_lsp::record::convert::api_body;
use bcdc_lsp::record::plan::{plan_sync, Basis, Resolve, Written};
use bcdc_lsp::record::state::SyncState;
use bcdc_lsp::schema::{Choice, Schema};
use bcdc_lsp::syntax::{Document, Format};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

#[path = "support/records.rs"]
mod records;
use records::{large_record, TYPICAL};

/// Organizations and keywords as the server would have them cached.
fn dynamic() -> Dynamic {
    Dynamic {
        organizations: (0..300)
            .map(|i| Choice {
                value: format!("org-{i}"),
                label: format!("Ministry {i}"),
                next: Vec::new(),
            })
            .collect(),
        keywords: (0..500).map(|i| format!("keyword {i}")).collect(),
        publish_state: bcdc_lsp::assist::CatalogueState::Unknown,
    }
}

fn bench(c: &mut Criterion) {
    let schema = Schema::embedded();
    let extra = dynamic();
    let mut g = c.benchmark_group("typical record");
    // a value in the last resource: the YAML scan reads the whole file
    let typical = TYPICAL.replace("    format: csv", "    format: c");
    let doc = Document::parse(&typical, Format::Yaml);
    let value_at = typical.find("    format: c").unwrap() + "    format: c".len();
    g.bench_function("complete a resource value", |b| {
        b.iter(|| complete(&doc, &schema, black_box(value_at), &extra))
    });
    let key_text = format!("{typical}  - name: Report\n    ");
    let key_doc = Document::parse(&key_text, Format::Yaml);
    g.bench_function("complete a resource key", |b| {
        b.iter(|| complete(&key_doc, &schema, black_box(key_text.len()), &extra))
    });
    let top_text = format!("{typical}own");
    let top_doc = Document::parse(&top_text, Format::Yaml);
    g.bench_function("complete a top-level key", |b| {
        b.iter(|| complete(&top_doc, &schema, black_box(top_text.len()), &extra))
    });
    let org_at = typical.find("owner_org: ").unwrap() + "owner_org: ".len();
    g.bench_function("complete an organization (300 known)", |b| {
        b.iter(|| complete(&doc, &schema, black_box(org_at), &extra))
    });
    let hover_key = typical.find("resource_update_cycle").unwrap() + 3;
    g.bench_function("hover a resource key", |b| {
        b.iter(|| hover(&doc, &schema, black_box(hover_key), &extra))
    });
    let hover_value = typical.find("PUBLIC").unwrap() + 2;
    g.bench_function("hover a value", |b| {
        b.iter(|| hover(&doc, &schema, black_box(hover_value), &extra))
    });
    g.bench_function("outline", |b| b.iter(|| outline(black_box(&doc), &schema)));
    let sources = Sources::default();
    g.bench_function("inlay hints (300 organizations known)", |b| {
        b.iter(|| inlay_hints(black_box(&doc), &schema, &extra, &sources, 0..typical.len()))
    });
    let bad = TYPICAL.replace("security_class: PUBLIC", "security_class: Protected-A");
    let bad_doc = Document::parse(&bad, Format::Yaml);
    let diagnostics = check(&bad_doc, &schema);
    let range = diagnostics[0].range.clone();
    g.bench_function("quick fixes for an invalid value", |b| {
        b.iter(|| quick_fixes(&bad_doc, &schema, black_box(range.clone()), &diagnostics))
    });
    g.finish();

    let large = large_record(1000);
    let large_doc = Document::parse(&large, Format::Yaml);
    let mut g = c.benchmark_group("large record (1,000 resources + 1,000 contacts)");
    g.sample_size(20);
    let last_value = large.rfind("format: csv").unwrap() + "format: c".len();
    g.bench_function("complete a value in the last resource", |b| {
        b.iter(|| complete(&large_doc, &schema, black_box(last_value), &extra))
    });
    g.bench_function("hover a key in the last resource", |b| {
        b.iter(|| hover(&large_doc, &schema, black_box(last_value - 5), &extra))
    });
    // an editor asks for the visible lines: the last screenful
    let screen = large.len().saturating_sub(3000)..large.len();
    g.bench_function("inlay hints for the last screenful", |b| {
        b.iter(|| {
            inlay_hints(
                &large_doc,
                &schema,
                &extra,
                &sources,
                black_box(screen.clone()),
            )
        })
    });
    g.finish();

    // The code lens: the plan the server makes once per edit of a record with a catalogue
    // copy and a synchronisation state (one field edited since).
    let mut g = c.benchmark_group("code lens standing");
    g.sample_size(20);
    for (label, text) in [
        ("typical record", TYPICAL.to_string()),
        ("1,000 resources + 1,000 contacts", large),
    ] {
        let synced = Document::parse(&text, Format::Yaml);
        let mut package = api_body(synced.root().unwrap(), &schema);
        package.insert("id".into(), "abc".into());
        package.insert(
            "metadata_modified".into(),
            "2024-01-01T00:00:00.000000".into(),
        );
        let state = SyncState::after(
            "https://cat.data.gov.bc.ca",
            &api_body(synced.root().unwrap(), &schema),
            &package,
            None,
            &[],
            &[],
            &schema,
        );
        let edited = Document::parse(&text.replacen("title: ", "title: Edited ", 1), Format::Yaml);
        let basis = Basis {
            state: Some(&state),
            written: Written::Unknown,
            resolve: Resolve::Stop,
        };
        g.bench_function(label, |b| {
            b.iter(|| {
                plan_sync(black_box(edited.root().unwrap()), &package, basis, &schema)
                    .standing(Resolve::Stop)
            })
        });
        // all the server does under the document lock; the plan runs outside it
        g.bench_function(format!("{label}: copy of the tree"), |b| {
            b.iter(|| black_box(edited.root().unwrap()).clone())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

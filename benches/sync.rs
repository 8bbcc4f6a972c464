//! How long `plan` takes for 1,000 unchanged record files, and `apply` for 100 small
//! updates, on the local CKAN, through the built binary. Not part of CI: it seeds the
//! records (in an organization of its own, purged afterwards, also on failure) and needs
//! BCDC_TEST_CKAN_URL and BCDC_TEST_CKAN_TOKEN (`source tests/harness/ckan/env.sh`).
//! Run: `cargo bench --bench sync` (RECORDS=n and UPDATES=n to change the counts).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bcdc_lsp::catalogue::state_file;
use bcdc_lsp::catalogue::Catalogue;
use bcdc_lsp::record::pulled::pulled;
use bcdc_lsp::schema::Schema;
use bcdc_lsp::syntax::{Document, Format};
use serde_json::{json, Map, Value};
use tokio::task::JoinSet;

#[path = "support/ckan.rs"]
mod ckan;
use ckan::Ckan;

/// Purges what the bench made, whatever happens.
struct Seeded {
    ckan: Arc<Ckan>,
    datasets: Vec<String>,
    organization: String,
}

impl Drop for Seeded {
    fn drop(&mut self) {
        let ckan = self.ckan.clone();
        let datasets = std::mem::take(&mut self.datasets);
        let org = self.organization.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async move {
                let mut tasks = JoinSet::new();
                for id in datasets {
                    while tasks.len() >= 4 {
                        tasks.join_next().await;
                    }
                    let ckan = ckan.clone();
                    tasks.spawn(async move {
                        let _ = ckan.call("dataset_purge", json!({ "id": id })).await;
                    });
                }
                while tasks.join_next().await.is_some() {}
                let _ = ckan.call("organization_purge", json!({ "id": org })).await;
            })
        })
        .join();
    }
}

fn record(name: &str, org: &str, i: usize) -> Value {
    json!({
        "type": "bcdc_dataset", "name": name, "title": format!("Sync bench record {i}"),
        "owner_org": org, "notes": "Seeded by benches/sync.rs.", "purpose": "Bench.",
        "license_id": "2", "publish_state": "DRAFT", "security_class": "PUBLIC",
        "view_audience": "Public", "download_audience": "Public", "metadata_visibility": "Public",
        "resource_status": "onGoing", "tag_string": "lsp,sync bench",
        "contacts": [{"name": "Jane Doe", "email": "jane@example.invalid", "org": org,
                      "role": "pointOfContact", "displayed": ["displayed"]}],
        "dates": [{"type": "Created", "date": "2024-01-15"}],
        "resources": [
            {"name": "Samples (CSV)", "url": "https://example.invalid/samples.csv",
             "bcdc_type": "document", "resource_update_cycle": "monthly", "format": "csv",
             "resource_storage_location": "web or ftp site", "resource_type": "data",
             "resource_access_method": "direct access"}
        ]
    })
}

/// The binary with `args`; its wall time and exit code.
fn run(url: &str, token: &str, args: &[&str]) -> (Duration, Option<i32>) {
    let config = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
        .args(args)
        .args(["--host", url])
        .env("XDG_CONFIG_HOME", config.path())
        .env("HOME", config.path())
        .env("BCDC_API_KEY", token)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    (started.elapsed(), status.code())
}

fn write_pulled(dir: &Path, i: usize, package: &Map<String, Value>, schema: &Schema, url: &str) {
    let catalogue = Catalogue::parse(url).unwrap();
    let file = pulled(package, Format::Yaml, schema, &catalogue);
    let path = dir.join(format!("r{i:04}.bcdc.yaml"));
    std::fs::write(&path, &file.text).unwrap();
    let doc = Document::parse(&file.text, Format::Yaml);
    state_file::save_synced(&path, url, &doc, package, None, &[], &[], schema).unwrap();
}

fn main() {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let (Some(url), Some(token)) = (var("BCDC_TEST_CKAN_URL"), var("BCDC_TEST_CKAN_TOKEN")) else {
        eprintln!(
            "SKIPPED: set BCDC_TEST_CKAN_URL and BCDC_TEST_CKAN_TOKEN (tests/harness/ckan/env.sh)"
        );
        return;
    };
    let count: usize = var("RECORDS").and_then(|n| n.parse().ok()).unwrap_or(1000);
    let updates: usize = var("UPDATES").and_then(|n| n.parse().ok()).unwrap_or(100);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let org = format!("lsp-sync-bench-{}", std::process::id());
    let ckan = Arc::new(Ckan {
        url: url.clone(),
        token: token.clone(),
        http: reqwest::Client::new(),
    });
    let mut seeded = Seeded {
        ckan: ckan.clone(),
        datasets: Vec::new(),
        organization: org.clone(),
    };
    let dir = tempfile::tempdir().unwrap();
    let schema = Arc::new(Schema::embedded());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        ckan.call("organization_create", json!({"name": org, "title": org}))
            .await
            .expect("organization_create");
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        for i in 0..count {
            while tasks.len() >= 4 {
                let (i, made): (usize, Value) = tasks.join_next().await.unwrap().unwrap();
                seeded
                    .datasets
                    .push(made["id"].as_str().unwrap().to_string());
                write_pulled(dir.path(), i, made.as_object().unwrap(), &schema, &url);
            }
            let (ckan, org) = (ckan.clone(), org.clone());
            tasks.spawn(async move {
                let name = format!("{org}-{i}");
                let made = ckan
                    .call("package_create", record(&name, &org, i))
                    .await
                    .unwrap_or_else(|e| panic!("package_create {name}: {e}"));
                (i, made)
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (i, made) = done.unwrap();
            seeded
                .datasets
                .push(made["id"].as_str().unwrap().to_string());
            write_pulled(dir.path(), i, made.as_object().unwrap(), &schema, &url);
        }
        println!(
            "seeded {count} records and their files in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    });
    let folder = dir.path().to_str().unwrap();
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let (took, code) = run(&url, &token, &["plan", folder]);
            assert_eq!(code, Some(0), "all unchanged");
            took
        })
        .collect();
    times.sort();
    println!(
        "plan, {count} unchanged records: median {:.3} s (min {:.3} s, max {:.3} s, 5 runs)",
        times[2].as_secs_f64(),
        times[0].as_secs_f64(),
        times[4].as_secs_f64()
    );
    for i in 0..updates.min(count) {
        let path = dir.path().join(format!("r{i:04}.bcdc.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace("purpose: Bench.", "purpose: Bench, updated."),
        )
        .unwrap();
    }
    let (took, code) = run(&url, &token, &["plan", folder]);
    assert_eq!(code, Some(3));
    println!(
        "plan, {count} records of which {updates} changed in the file: {:.3} s",
        took.as_secs_f64()
    );
    let (took, code) = run(&url, &token, &["apply", folder, "--yes"]);
    assert_eq!(code, Some(0));
    println!(
        "apply, {updates} small updates among {count} records: {:.3} s ({:.1} ms per update)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / updates as f64
    );
    let (took, code) = run(&url, &token, &["apply", folder, "--yes"]);
    assert_eq!(code, Some(0));
    println!("apply again (nothing to do): {:.3} s", took.as_secs_f64());
    drop(seeded);
}

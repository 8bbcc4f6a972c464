//! How long an audit of 1,000 records on the local CKAN takes, and which part of it is the
//! checking. Not part of CI: it seeds 1,000 datasets (in an organization of its own, purged
//! afterwards, also on failure) and needs BCDC_TEST_CKAN_URL and BCDC_TEST_CKAN_TOKEN
//! (`source tests/harness/ckan/env.sh`). Run: `cargo bench --bench audit` (RECORDS=n to
//! change the count).

use std::time::{Duration, Instant};

use bcdc_lsp::audit::{audit_records, html, human, json, report::rfc3339_utc, Report};
use bcdc_lsp::catalogue::cache::RecordCache;
use bcdc_lsp::catalogue::search::{fetch_all, Fetched, Retry, Scope};
use bcdc_lsp::catalogue::{Catalogue, CatalogueClient};
use bcdc_lsp::record::pulled::pulled;
use bcdc_lsp::schema::Schema;
use bcdc_lsp::syntax::{Document, Format};
use serde_json::{json, Value};
use tokio::task::JoinSet;

#[path = "support/ckan.rs"]
mod ckan;
use ckan::Ckan;

/// Purges what the bench made, whatever happens (a thread of its own: drop cannot await).
struct Seeded {
    url: String,
    token: String,
    datasets: Vec<String>,
    organization: Option<String>,
}

impl Drop for Seeded {
    fn drop(&mut self) {
        let (url, token) = (self.url.clone(), self.token.clone());
        let datasets = std::mem::take(&mut self.datasets);
        let organization = self.organization.take();
        let started = Instant::now();
        let purged = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async move {
                let ckan = std::sync::Arc::new(Ckan {
                    url,
                    token,
                    http: reqwest::Client::new(),
                });
                let mut tasks = JoinSet::new();
                for id in datasets {
                    while tasks.len() >= 4 {
                        tasks.join_next().await;
                    }
                    let ckan = ckan.clone();
                    tasks.spawn(async move {
                        if let Err(e) = ckan.call("dataset_purge", json!({ "id": id })).await {
                            eprintln!("could not purge {id}: {e}");
                        }
                    });
                }
                while tasks.join_next().await.is_some() {}
                if let Some(org) = organization {
                    if let Err(e) = ckan.call("organization_purge", json!({ "id": org })).await {
                        eprintln!("could not purge organization {org}: {e}");
                    }
                }
            })
        })
        .join();
        if purged.is_ok() {
            eprintln!("purged in {:.1} s", started.elapsed().as_secs_f64());
        }
    }
}

fn record(name: &str, org: &str, i: usize) -> Value {
    let geographic = i % 3 == 0;
    json!({
        "type": "bcdc_dataset", "name": name, "title": format!("Audit bench record {i}"),
        "owner_org": org, "notes": "Seeded by benches/audit.rs.\n\nSecond paragraph.",
        "license_id": "2", "publish_state": "DRAFT", "security_class": "PUBLIC",
        "view_audience": "Public", "download_audience": "Public", "metadata_visibility": "Public",
        "resource_status": "onGoing", "tag_string": "lsp,audit bench",
        "contacts": [{"name": "Jane Doe",
                      "email": if i % 5 == 0 { "jane at example" } else { "jane@example.invalid" },
                      "org": org, "role": "pointOfContact", "displayed": ["displayed"]}],
        "dates": [{"type": "Created", "date": "2024-01-15"}],
        "more_info": [{"description": "Project page", "url": "https://example.invalid/lsp"}],
        "resources": [
            {"name": "Samples (CSV)", "url": "https://example.invalid/samples.csv",
             "bcdc_type": if geographic { "geographic" } else { "document" },
             "resource_update_cycle": "monthly", "format": "csv",
             "resource_storage_location": "web or ftp site", "resource_type": "data",
             "resource_access_method": "direct access"},
            {"name": "Samples API", "url": "https://example.invalid/api",
             "bcdc_type": "webservice", "resource_update_cycle": "continual", "format": "json",
             "resource_storage_location": "web or ftp site", "resource_type": "data",
             "resource_access_method": "service", "projection_name": "epsg3005"}
        ]
    })
}

fn seconds(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

struct Timed {
    fetched: Fetched,
    fetch: Duration,
    check: Duration,
    render: Duration,
}

async fn audit(client: &CatalogueClient, scope: &Scope, schema: &Schema) -> Timed {
    let cache = RecordCache::for_catalogue(client.catalogue());
    let started = Instant::now();
    let fetched = fetch_all(client, scope, cache.as_ref(), Retry::default(), &|_| {})
        .await
        .expect("the audit runs");
    let fetch = started.elapsed();
    let started = Instant::now();
    let records = audit_records(&fetched.packages, schema, client.catalogue());
    let check = started.elapsed();
    let started = Instant::now();
    let report = Report::new(
        client.catalogue().base_url().into(),
        rfc3339_utc(0),
        records,
        fetched.unfetched.clone(),
        fetched.from_cache,
    );
    let sizes = (
        human::render(&report).len(),
        json::render(&report).to_string().len(),
        html::render(&report).len(),
    );
    let render = started.elapsed();
    assert!(sizes.0 > 0 && sizes.1 > 0 && sizes.2 > 0);
    Timed {
        fetched,
        fetch,
        check,
        render,
    }
}

fn print(label: &str, timed: &Timed) {
    let total = timed.fetch + timed.check + timed.render;
    println!(
        "{label}: {} records ({} from the cache) in {} requests; total {}, fetching {}, \
         checking {} ({:.1} % of the total, {:.2} ms per record), report (3 formats) {}",
        timed.fetched.packages.len(),
        timed.fetched.from_cache,
        timed.fetched.requests,
        seconds(total),
        seconds(timed.fetch),
        seconds(timed.check),
        timed.check.as_secs_f64() * 100.0 / total.as_secs_f64(),
        timed.check.as_secs_f64() * 1000.0 / timed.fetched.packages.len().max(1) as f64,
        seconds(timed.render),
    );
}

/// Where the checking time of one record goes: the file form (as pull writes it), parsing
/// it, checking it. Offline, on the seeded record shape as the catalogue returns it.
fn checking_breakdown(schema: &Schema) {
    let capture: Value = serde_json::from_str(include_str!(
        "../tests/catalogue_fixtures/30_package_show.json"
    ))
    .unwrap();
    let mut package = capture["response"]["body"]["result"].clone();
    package["resources"] = record("x", "lsp-test-org", 0)["resources"].clone();
    let package = package.as_object().unwrap().clone();
    let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
    let n = 1000;
    for format in [Format::Yaml, Format::Json] {
        let (mut form, mut parse, mut check) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        for _ in 0..n {
            let t = Instant::now();
            let file = pulled(&package, format, schema, &catalogue);
            form += t.elapsed();
            let t = Instant::now();
            let doc = Document::parse(&file.text, format);
            parse += t.elapsed();
            let t = Instant::now();
            std::hint::black_box(bcdc_lsp::check::check(&doc, schema));
            check += t.elapsed();
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0 / n as f64;
        println!(
            "checking one record as {format:?}, one core: file form {:.3} ms, parse {:.3} ms, \
             check {:.3} ms",
            ms(form),
            ms(parse),
            ms(check)
        );
    }
}

fn main() {
    checking_breakdown(&Schema::embedded());
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let (Some(url), Some(token)) = (var("BCDC_TEST_CKAN_URL"), var("BCDC_TEST_CKAN_TOKEN")) else {
        eprintln!(
            "SKIPPED: set BCDC_TEST_CKAN_URL and BCDC_TEST_CKAN_TOKEN (tests/harness/ckan/env.sh)"
        );
        return;
    };
    let count: usize = var("RECORDS").and_then(|n| n.parse().ok()).unwrap_or(1000);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cache = tempfile::tempdir().unwrap();
    // SAFETY: set before any thread is started
    std::env::set_var("XDG_CACHE_HOME", cache.path());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let org = format!("lsp-audit-bench-{nanos}");
    let ckan = std::sync::Arc::new(Ckan {
        url: url.clone(),
        token: token.clone(),
        http: reqwest::Client::new(),
    });
    let mut seeded = Seeded {
        url: url.clone(),
        token,
        datasets: Vec::new(),
        organization: None,
    };
    runtime.block_on(async {
        let made = ckan
            .call("organization_create", json!({"name": org, "title": org}))
            .await
            .expect("organization_create");
        seeded.organization = made["id"].as_str().map(str::to_string);
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        for i in 0..count {
            while tasks.len() >= 4 {
                let id: String = tasks.join_next().await.unwrap().unwrap();
                seeded.datasets.push(id);
            }
            let (ckan, org) = (ckan.clone(), org.clone());
            tasks.spawn(async move {
                let name = format!("{org}-{i}");
                let made = ckan
                    .call("package_create", record(&name, &org, i))
                    .await
                    .unwrap_or_else(|e| panic!("package_create {name}: {e}"));
                made["id"].as_str().unwrap().to_string()
            });
        }
        while let Some(id) = tasks.join_next().await {
            seeded.datasets.push(id.unwrap());
        }
        println!("seeded {count} records in {}", seconds(started.elapsed()));

        let client = CatalogueClient::new(Catalogue::parse(&url).unwrap(), None).unwrap();
        let schema = Schema::embedded();
        let scope = Scope {
            dataset_type: schema.dataset_type.clone(),
            organizations: vec![org.clone()],
            include_private: false,
        };
        let cold = audit(&client, &scope, &schema).await;
        assert_eq!(cold.fetched.packages.len(), count);
        print("first audit (empty cache)", &cold);
        let warm = audit(&client, &scope, &schema).await;
        assert_eq!(warm.fetched.from_cache, count);
        print("second audit (nothing changed)", &warm);
    });
}

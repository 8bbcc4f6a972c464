//! How long `audit --links` takes for 10,000 links, and whether its limits hold: 10,000
//! URLs spread over 10 link servers (127.0.0.1–127.0.0.10, so ten hosts), each answering
//! after 50 ms as a remote server would, with the default limits (4 per host, 32 overall).
//! Prints the time and the peak number of requests in flight per host and overall, as the
//! servers saw them. Run: `cargo bench --bench audit_links` (LINKS=n to change the count).

#[path = "../tests/links_server/mod.rs"]
mod links_server;

use std::sync::Arc;
use std::time::Instant;

use bcdc_lsp::catalogue::links::{check_links, LinkOptions, LinkResult};
use links_server::{start, Gauge};

fn main() {
    let count: usize = std::env::var("LINKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let shared = Arc::new(Gauge::default());
        let mut servers = Vec::new();
        for i in 1..=10 {
            servers.push(start(&format!("127.0.0.{i}"), shared.clone()).await);
        }
        let urls: Vec<String> = (0..count)
            .map(|i| format!("{}/wait/{i}", servers[i % servers.len()].base))
            .collect();
        let options = LinkOptions::default();
        let started = Instant::now();
        let results = check_links(&urls, options, &|_, _| {}).await.unwrap();
        let took = started.elapsed();
        let alive = results
            .values()
            .filter(|r| matches!(r, LinkResult::Alive(_)))
            .count();
        let per_host = servers.iter().map(|s| s.gauge.peak()).max().unwrap();
        println!(
            "{count} links on {} hosts (50 ms each): {:.1} s, {alive} alive, {} requests; \
             peak in flight: {per_host} per host (limit {}), {} overall (limit {})",
            servers.len(),
            took.as_secs_f64(),
            shared.requests(),
            options.per_host,
            shared.peak(),
            options.in_flight
        );
        assert_eq!(alive, count);
        assert!(per_host <= options.per_host && shared.peak() <= options.in_flight);
    });
}

//! Records for the benchmarks.

pub const TYPICAL: &str = include_str!("../../examples/water-quality.bcdc.yaml");

/// A valid record with `n` contacts and `n` resources (~20 lines per pair).
pub fn large_record(n: usize) -> String {
    let head_end = TYPICAL.find("contacts:").unwrap();
    let mut s = TYPICAL[..head_end].to_string();
    s.push_str("contacts:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  - name: Contact {i}\n    email: contact{i}@example.invalid\n    org: lsp-test-org\n    role: pointOfContact\n    displayed: [displayed]\n"
        ));
    }
    s.push_str("resources:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  - name: Resource {i}\n    url: https://example.invalid/{i}.csv\n    description: Samples from station {i}, one row per parameter.\n    supplemental_info: Collected monthly.\n    object_name: WHSE_WATER.STATION_{i}\n    last_modified: 2024-01-01\n    bcdc_type: document\n    resource_update_cycle: monthly\n    format: csv\n    resource_storage_location: web or ftp site\n    resource_type: data\n    resource_access_method: direct access\n    temporal_extent:\n      - beginning_date: 1985-04-01\n        end_date: 2024-12-31\n"
        ));
    }
    s
}

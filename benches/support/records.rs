//! Records for the benchmarks.
#![allow(dead_code)] // each bench uses a different part of it

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
        s.push_str(&resource(i));
    }
    s
}

/// Resource `i` of [`large_record`].
pub fn resource(i: usize) -> String {
    format!(
        "  - name: Resource {i}\n    url: https://example.invalid/{i}.csv\n    description: Samples from station {i}, one row per parameter.\n    supplemental_info: Collected monthly.\n    object_name: WHSE_WATER.STATION_{i}\n    last_modified: 2024-01-01\n    bcdc_type: document\n    resource_update_cycle: monthly\n    format: csv\n    resource_storage_location: web or ftp site\n    resource_type: data\n    resource_access_method: direct access\n    temporal_extent:\n      - beginning_date: 1985-04-01\n        end_date: 2024-12-31\n"
    )
}

/// [`large_record`] whose resources take their storage location and
/// temporal extent from anchors on the first resource (the same values).
pub fn large_record_with_aliases(n: usize) -> String {
    let record = large_record(n);
    let first = record.find("  - name: Resource 0\n").unwrap();
    let (head, resources) = record.split_at(first);
    let mut out = head.to_string();
    for (i, r) in resources.split_inclusive("  - name: Resource ").enumerate() {
        let r = match i {
            0 => r.to_string(),
            1 => r
                .replace("location: web", "location: &location web")
                .replace("temporal_extent:\n", "temporal_extent: &extent\n"),
            _ => r
                .replace(
                    "resource_storage_location: web or ftp site",
                    "resource_storage_location: *location",
                )
                .replace(
                    "temporal_extent:\n      - beginning_date: 1985-04-01\n        end_date: 2024-12-31\n",
                    "temporal_extent: *extent\n",
                ),
        };
        out.push_str(&r);
    }
    out
}

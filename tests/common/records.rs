//! What the synchronisation tests share: a valid record and the command line against the
//! local CKAN.

#![allow(dead_code)] // each test binary uses a different part

use crate::common::ckan::Ckan;
use std::process::{Command, Output, Stdio};

/// A valid record named `name`, with two resources.
pub fn record(name: &str, org: &str) -> String {
    format!(
        r#"# Sync test record
type: bcdc_dataset
name: {name}
title: Sync test {name}
owner_org: {org}
notes: Made by tests/sync_ckan.rs.
purpose: Test synchronisation.
license_id: "2"
publish_state: DRAFT
security_class: PUBLIC
view_audience: Public
download_audience: Public
metadata_visibility: Public
resource_status: onGoing
tag_string: lsp, sync
contacts:
  - name: Jane Doe
    email: jane.doe@example.invalid
    org: {org}
    role: pointOfContact
    displayed: [displayed]
dates:
  - type: Created
    date: 2024-01-15
resources:
  - name: Samples (CSV)
    url: https://example.invalid/samples.csv
    bcdc_type: document
    resource_update_cycle: monthly
    format: csv
    resource_storage_location: web or ftp site
    resource_type: data
    resource_access_method: direct access
  - name: Samples API
    url: https://example.invalid/api
    bcdc_type: webservice
    resource_update_cycle: continual
    format: json
    resource_storage_location: web or ftp site
    resource_type: data
    resource_access_method: service
    projection_name: epsg3005
"#
    )
}

/// `bcdc-lsp ARGS --host <ckan>` with the sysadmin's key and no terminal.
pub fn cli(ckan: &Ckan, args: &[&str]) -> Output {
    let config = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
        .args(args)
        .args(["--host", &ckan.url])
        .env("XDG_CONFIG_HOME", config.path())
        .env("HOME", config.path())
        .env("BCDC_API_KEY", &ckan.token)
        .env("BCDC_API_KEY_HOST", "127.0.0.1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn ok(output: &Output) -> String {
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{out}{err}");
    format!("{out}{err}")
}

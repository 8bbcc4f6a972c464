//! `plan` and `apply` on folders of record files against the real local CKAN: every
//! action on one folder, a second apply that does nothing, applies killed at random
//! moments and run again, and two applies at once (skipped, saying so, when the
//! BCDC_TEST_CKAN_* variables are not set).

mod common;
#[path = "common/records.rs"]
mod records;
use common::ckan::Ckan;
use records::{cli, ok, record};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// `count` new records in `dir` (`r00.bcdc.yaml`, …): their names by file.
fn new_records(ckan: &Ckan, dir: &Path, tag: &str, count: usize) -> BTreeMap<PathBuf, String> {
    (0..count)
        .map(|i| {
            let name = ckan.name(&format!("lsp-apply-{tag}"));
            let path = dir.join(format!("{tag}{i:02}.bcdc.yaml"));
            std::fs::write(&path, record(&name, &ckan.org)).unwrap();
            (path, name)
        })
        .collect()
}

fn plan_json(ckan: &Ckan, dir: &Path) -> (Option<i32>, Value) {
    let out = cli(ckan, &["plan", dir.to_str().unwrap(), "--format", "json"]);
    let plan = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), plan)
}

fn actions(plan: &Value) -> BTreeMap<String, String> {
    plan["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let path = r["path"].as_str().unwrap_or_default();
            let file = Path::new(path).file_name().unwrap().to_string_lossy();
            (file.into_owned(), r["action"].as_str().unwrap().to_string())
        })
        .collect()
}

fn show(ckan: &Ckan, name: &str) -> Value {
    ckan.call("package_show", json!({"id": name})).unwrap()
}

fn file_id(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("id: "))
        .map(str::to_string)
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{from} in {text}");
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// Every file has the id of the one record with its name, and nothing is left to do.
fn assert_applied_once(ckan: &Ckan, records: &BTreeMap<PathBuf, String>) {
    for (path, name) in records {
        let stored = show(ckan, name);
        assert_eq!(
            file_id(path).as_deref(),
            stored["id"].as_str(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn plan_and_apply_a_folder_of_twenty_records() {
    let Some(ckan) = Ckan::from_env("plan_and_apply_a_folder_of_twenty_records") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let published = new_records(&ckan, dir.path(), "a", 14);
    let (status, plan) = plan_json(&ckan, dir.path());
    assert_eq!(status, Some(3), "changes to apply: {plan:#}");
    assert_eq!(plan["summary"]["create"], 14, "{plan:#}");
    ok(&cli(
        &ckan,
        &["apply", dir.path().to_str().unwrap(), "--yes"],
    ));
    assert_applied_once(&ckan, &published);
    // Right after: nothing to do, and a second apply sends nothing.
    let (status, plan) = plan_json(&ckan, dir.path());
    assert_eq!(
        (status, &plan["summary"]["unchanged"]),
        (Some(0), &json!(14))
    );
    let before: Vec<Value> = published
        .values()
        .map(|n| show(&ckan, n)["metadata_modified"].clone())
        .collect();
    let out = ok(&cli(
        &ckan,
        &["apply", dir.path().to_str().unwrap(), "--yes"],
    ));
    assert!(out.contains("nothing to apply"), "{out}");
    let after: Vec<Value> = published
        .values()
        .map(|n| show(&ckan, n)["metadata_modified"].clone())
        .collect();
    assert_eq!(before, after);

    // Now: 4 updated in the file, 3 changed on the catalogue, 1 of them in both places
    // (another field), 4 new files, 2 invalid ones.
    let files: Vec<&PathBuf> = published.keys().collect();
    for file in &files[0..4] {
        edit(
            file,
            "purpose: Test synchronisation.",
            "purpose: Updated in the file.",
        );
    }
    for (i, file) in files[3..6].iter().enumerate() {
        let name = &published[*file];
        ckan.call(
            "package_patch",
            json!({"id": name, "notes": format!("Changed on the catalogue {i}.")}),
        )
        .unwrap();
    }
    let created = new_records(&ckan, dir.path(), "b", 4);
    std::fs::write(
        dir.path().join("c00.bcdc.yaml"),
        record("bad name with spaces", &ckan.org),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c01.bcdc.yaml"),
        record(&ckan.name("lsp-apply-c"), &ckan.org).replace("license_id: \"2\"\n", ""),
    )
    .unwrap();
    let (status, plan) = plan_json(&ckan, dir.path());
    assert_eq!(status, Some(1), "invalid records: {plan:#}");
    let acts = actions(&plan);
    let expected: BTreeMap<String, String> = (0..14)
        .map(|i| {
            let action = match i {
                0..=3 => "update",
                4 | 5 => "pull",
                _ => "unchanged",
            };
            (format!("a{i:02}.bcdc.yaml"), action.to_string())
        })
        .chain((0..4).map(|i| (format!("b{i:02}.bcdc.yaml"), "create".to_string())))
        .chain((0..2).map(|i| (format!("c{i:02}.bcdc.yaml"), "invalid".to_string())))
        .collect();
    assert_eq!(acts, expected, "{plan:#}");
    // The fourth record's update sends purpose and keeps the catalogue's notes.
    let fourth = plan["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with("a03.bcdc.yaml"))
        .unwrap();
    assert_eq!(fourth["changes"][0]["field"], "purpose", "{fourth:#}");
    assert_eq!(fourth["theirs"][0]["field"], "notes", "{fourth:#}");
    // Markdown for a pull request.
    let md = cli(
        &ckan,
        &["plan", dir.path().to_str().unwrap(), "--format", "markdown"],
    );
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("| `") && md.contains("invalid"), "{md}");

    let out = cli(&ckan, &["apply", dir.path().to_str().unwrap(), "--yes"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the invalid ones are not applied"
    );
    assert_applied_once(&ckan, &created);
    for (i, file) in files[0..6].iter().enumerate() {
        let stored = show(&ckan, &published[*file]);
        if i < 4 {
            assert_eq!(stored["purpose"], "Updated in the file.");
        }
        if i >= 3 {
            assert_eq!(
                stored["notes"],
                format!("Changed on the catalogue {}.", i - 3)
            );
        }
    }
}

/// `apply` of `dir`, killed after `after`.
fn apply_killed(ckan: &Ckan, dir: &Path, after: Duration) {
    let config = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
        .args(["apply", dir.to_str().unwrap(), "--yes", "--host", &ckan.url])
        .env("XDG_CONFIG_HOME", config.path())
        .env("HOME", config.path())
        .env("BCDC_API_KEY", &ckan.token)
        .env("BCDC_API_KEY_HOST", "127.0.0.1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
}

#[test]
fn apply_killed_at_random_moments_then_run_again_finishes_the_work_once() {
    let Some(ckan) =
        Ckan::from_env("apply_killed_at_random_moments_then_run_again_finishes_the_work_once")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let records = new_records(&ckan, dir.path(), "k", 10);
    // A cheap pseudo-random sequence (the seed is printed, so a failure can be replayed).
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    eprintln!("kill seed {seed}");
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Duration::from_millis(50 + (seed >> 33) % 900)
    };
    for _ in 0..3 {
        apply_killed(&ckan, dir.path(), next());
    }
    ok(&cli(
        &ckan,
        &["apply", dir.path().to_str().unwrap(), "--yes"],
    ));
    assert_applied_once(&ckan, &records);
    // Updates killed too: every intended field arrives, none reverted.
    let files: Vec<&PathBuf> = records.keys().collect();
    for (i, file) in files.iter().enumerate() {
        edit(
            file,
            "purpose: Test synchronisation.",
            &format!("purpose: Killed run {i}."),
        );
    }
    let other = &records[files[0]];
    ckan.call("package_patch", json!({"id": other, "notes": "Theirs."}))
        .unwrap();
    for _ in 0..3 {
        apply_killed(&ckan, dir.path(), next());
    }
    ok(&cli(
        &ckan,
        &["apply", dir.path().to_str().unwrap(), "--yes"],
    ));
    for (i, file) in files.iter().enumerate() {
        let stored = show(&ckan, &records[*file]);
        assert_eq!(stored["purpose"], format!("Killed run {i}."));
    }
    assert_eq!(show(&ckan, other)["notes"], "Theirs.");
    let (status, plan) = plan_json(&ckan, dir.path());
    assert_eq!(status, Some(0), "{plan:#}");
}

#[test]
fn two_applies_at_once_create_nothing_twice() {
    let Some(ckan) = Ckan::from_env("two_applies_at_once_create_nothing_twice") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let records = new_records(&ckan, dir.path(), "t", 8);
    let path = dir.path().to_str().unwrap().to_string();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let path = path.clone();
            let (url, token) = (ckan.url.clone(), ckan.token.clone());
            std::thread::spawn(move || {
                let config = tempfile::tempdir().unwrap();
                Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
                    .args(["apply", &path, "--yes", "--host", &url])
                    .env("XDG_CONFIG_HOME", config.path())
                    .env("HOME", config.path())
                    .env("BCDC_API_KEY", token)
                    .env("BCDC_API_KEY_HOST", "127.0.0.1")
                    .stdin(Stdio::null())
                    .output()
                    .unwrap()
            })
        })
        .collect();
    for run in runs {
        let _ = run.join().unwrap();
    }
    // Whatever each run skipped as busy, a third finishes; every record exists once.
    ok(&cli(&ckan, &["apply", &path, "--yes"]));
    assert_applied_once(&ckan, &records);
    let found = ckan
        .call(
            "package_search",
            json!({"q": "name:lsp-apply-t*", "include_drafts": true, "include_private": true, "rows": 100}),
        )
        .unwrap();
    let names: Vec<&str> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .filter(|n| records.values().any(|m| m == n))
        .collect();
    let unique: std::collections::BTreeSet<&&str> = names.iter().collect();
    assert_eq!(names.len(), unique.len(), "{names:?}");
    let (status, _) = plan_json(&ckan, dir.path());
    assert_eq!(status, Some(0));
}

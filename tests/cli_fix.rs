//! `bcdc-lsp check --fix`: the legacy shapes rewritten in place, what was
//! fixed reported per file, a second run a no-op, a broken file untouched.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VALID: &str = include_str!("../examples/water-quality.bcdc.yaml");
const TEMPORAL: &str = "    temporal_extent:
      - beginning_date: 1985-04-01
        end_date: 2024-12-31
";

fn bcdc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bcdc-fix-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The valid example with old shapes: a resource list as JSON text, the
/// text `null` in an optional field, a junk entry.
fn legacy_record() -> String {
    VALID
        .replacen(
            TEMPORAL,
            "    temporal_extent: \"[{\\\"beginning_date\\\": \\\"1985-04-01\\\", \\\"end_date\\\": \\\"2024-12-31\\\"}]\"\n",
            1,
        )
        .replacen(
            "purpose: Track long-term trends in lake health and nutrient loading.\n",
            "purpose: \"null\"\n",
            1,
        )
        .replacen(
            "    url: https://example.invalid/okanagan\n",
            "    url: https://example.invalid/okanagan\n  - \"[object Object]\": \"\"\n",
            1,
        )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn fix_rewrites_the_file_says_what_it_did_and_a_second_run_changes_nothing() {
    let dir = folder("rewrite");
    let path = dir.join("lake.bcdc.yaml");
    std::fs::write(&path, legacy_record()).unwrap();
    let p = path.to_str().unwrap();

    // without --fix nothing is written
    let o = bcdc(&["check", p]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_eq!(read(&path), legacy_record());

    let o = bcdc(&["check", "--fix", p]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.starts_with(&format!("fixed 3 problems in {p}:\n")),
        "{out}"
    );
    assert!(out.contains("Write `temporal_extent` as a list (1 entry) (legacy-json-text at /resources/0/temporal_extent)"), "{out}");
    assert!(
        out.contains("Remove `purpose` (legacy-null-text at /purpose)"),
        "{out}"
    );
    assert!(
        out.contains("Remove the `[object Object]` entry (legacy-object-junk at /more_info/1)"),
        "{out}"
    );
    assert!(
        out.ends_with(
            "1 file checked: 0 errors, 0 warnings (1 without problems); 3 problems fixed\n"
        ),
        "{out}"
    );
    let expected = VALID.replacen(
        "purpose: Track long-term trends in lake health and nutrient loading.\n",
        "",
        1,
    );
    assert_eq!(read(&path), expected);
    // no temporary file is left behind
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);

    let o = bcdc(&["check", "--fix", p]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "1 file checked: 0 errors, 0 warnings (1 without problems)\n"
    );
    assert_eq!(read(&path), expected);
}

#[test]
fn fix_with_json_output_lists_the_fixes_and_what_remains() {
    let dir = folder("json");
    let path = dir.join("lake.bcdc.yaml");
    // a required dropdown's `null` is never guessed: it remains, as an error
    let text = legacy_record().replacen("security_class: PUBLIC", "security_class: \"null\"", 1);
    std::fs::write(&path, &text).unwrap();
    let o = bcdc(&["check", "--fix", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let file = &report["files"][0];
    let fixed: Vec<(&str, &str)> = file["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["pointer"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fixed,
        [
            ("legacy-null-text", "/purpose"),
            ("legacy-object-junk", "/more_info/1"),
            ("legacy-json-text", "/resources/0/temporal_extent"),
        ]
    );
    assert!(file["fixed"][0]["title"]
        .as_str()
        .unwrap()
        .starts_with("Remove"));
    let remaining = file["diagnostics"].as_array().unwrap();
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[0]["code"], "legacy-null-text");
    assert_eq!(remaining[0]["pointer"], "/security_class");
    assert!(read(&path).contains("security_class: \"null\""));

    // a file with nothing to fix says so with an empty list; without --fix there is no key
    let o = bcdc(&[
        "check",
        "--fix",
        "--format",
        "json",
        "examples/water-quality.bcdc.yaml",
    ]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["files"][0]["fixed"], serde_json::json!([]));
    let o = bcdc(&["check", "--format", "json", path.to_str().unwrap()]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report["files"][0].get("fixed").is_none());
}

#[test]
fn a_file_that_does_not_parse_is_never_rewritten() {
    let dir = folder("broken");
    let path = dir.join("broken.bcdc.yaml");
    let text = format!("{}title: [unclosed\n", legacy_record());
    std::fs::write(&path, &text).unwrap();
    let o = bcdc(&["check", "--fix", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(!out.contains("fixed"), "{out}");
    assert!(out.contains("error[syntax]"), "{out}");
    assert_eq!(read(&path), text);
}

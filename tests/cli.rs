//! `bcdc-lsp check`: exit codes, human and JSON output, and bad input.

use serde_json::Value;
use std::process::{Command, Output};

fn bcdc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bcdc-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_valid_record_passes() {
    let o = bcdc(&["check", "examples/water-quality.bcdc.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("1 file checked: 0 errors, 0 warnings"));
}

#[test]
fn the_problem_examples_show_every_code_in_json() {
    let o = bcdc(&["check", "--format", "json", "examples/"]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).expect("exactly one JSON object");
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    let mut codes: Vec<&str> = files
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap())
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    codes.sort();
    codes.dedup();
    for code in [
        "syntax",
        "missing-required",
        "conditional-required",
        "invalid-choice",
        "wrong-type",
        "invalid-format",
        "single-entry",
        "invalid-state",
        "unknown-field",
        "secret-in-record",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let d = &files[1]["diagnostics"][0];
    for key in ["code", "severity", "message", "pointer", "range"] {
        assert!(d.get(key).is_some(), "{key}");
    }
    assert!(d["range"]["start"]["line"].is_u64() && d["range"]["end"]["character"].is_u64());
    let valid = files
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .ends_with("water-quality.bcdc.yaml")
        })
        .unwrap();
    assert_eq!(valid["diagnostics"], serde_json::json!([]));
}

#[test]
fn human_output_is_rustc_style() {
    let o = bcdc(&["check", "examples/problems/choices-and-formats.bcdc.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains(
        "error[invalid-choice]: `Protected-A` is not an allowed value of Security Classification"
    ));
    assert!(
        out.contains("--> examples/problems/choices-and-formats.bcdc.yaml:10:17"),
        "{out}"
    );
    assert!(out.contains("10 | security_class: Protected-A"), "{out}");
    assert!(out.contains("   |                 ^^^^^^^^^^^\n"), "{out}");
    assert!(out.contains("warning[unknown-field]"));
}

#[test]
fn warnings_alone_exit_zero() {
    let text =
        std::fs::read_to_string("examples/water-quality.bcdc.yaml").unwrap() + "colour: blue\n";
    let path = temp_file("warn.bcdc.yaml", text.as_bytes());
    let o = bcdc(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("1 warning"));
}

#[test]
fn usage_and_io_problems_exit_two_with_one_line() {
    let o = bcdc(&["check", "no/such/file.bcdc.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read no/such/file.bcdc.yaml"));

    let path = temp_file("latin1.bcdc.yaml", b"title: caf\xe9\n");
    let o = bcdc(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not UTF-8"), "{}", stderr(&o));

    let o = bcdc(&["check", "--schema", "no/such/schema.json", "examples/"]);
    assert_eq!(o.status.code(), Some(2));
    let o = bcdc(&["check"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn another_schema_file_is_used_when_given() {
    let schema = r#"{"success": true, "result": {"dataset_type": "dataset", "dataset_fields": [
        {"field_name": "title", "label": "Title", "required": true}]}}"#;
    let schema_path = temp_file("schema.json", schema.as_bytes());
    let record = temp_file("r.bcdc.yaml", b"title: x\nnotes: y\n");
    let o = bcdc(&[
        "check",
        "--format",
        "json",
        "--schema",
        schema_path.to_str().unwrap(),
        record.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        report["files"][0]["diagnostics"][0]["code"],
        "unknown-field"
    );
}

#[test]
fn bad_input_gets_a_clear_report_not_a_crash() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "binary.bcdc.yaml",
            (0u8..=255)
                .cycle()
                .take(4096)
                .filter(|b| *b < 0x80)
                .collect(),
        ),
        (
            "deep.bcdc.yaml",
            format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ),
        (
            "deep.bcdc.json",
            format!("{{\"a\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ),
        ("bomb.bcdc.yaml", {
            let mut s = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
            for i in 1..9u8 {
                let (p, n) = ((b'a' + i - 1) as char, (b'a' + i) as char);
                s.push_str(&format!(
                    "{n}: &{n} [{}]\n",
                    vec![format!("*{p}"); 9].join(", ")
                ));
            }
            s.into_bytes()
        }),
        (
            "long-line.bcdc.yaml",
            format!("title: {}\n", "x".repeat(1_000_000)).into_bytes(),
        ),
        (
            "ten-mb.bcdc.yaml",
            "title: x\nnotes: |\n"
                .bytes()
                .chain("  some text here\n".repeat(640_000).into_bytes())
                .collect(),
        ),
    ];
    for (name, bytes) in cases {
        let path = temp_file(name, &bytes);
        let o = bcdc(&["check", "--format", "json", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let report: Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            report["files"][0]["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty()),
            "{name}"
        );
    }
}

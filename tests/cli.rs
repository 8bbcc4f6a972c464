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
    // CKAN core's owner_org is a field of every schema; `notes` is no field of this schema but
    // one of CKAN's own, which CKAN keeps
    let record = temp_file(
        "r.bcdc.yaml",
        b"title: x\nowner_org: o\nnotes: y\ncolour: z\n",
    );
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
    let diagnostics = &report["files"][0]["diagnostics"];
    assert_eq!(diagnostics.as_array().unwrap().len(), 1, "{diagnostics}");
    assert_eq!(diagnostics[0]["code"], "unknown-field");
    assert_eq!(diagnostics[0]["pointer"], "/colour");
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

const TYPICAL: &str = include_str!("../examples/water-quality.bcdc.yaml");

/// The typical record under its own name; every seventh has an error, every
/// fifth a warning.
fn numbered_record(i: usize) -> String {
    let mut text = TYPICAL.replacen(
        "name: okanagan-lake-water-quality",
        &format!("name: okanagan-lake-water-quality-{i}"),
        1,
    );
    if i % 7 == 0 {
        text = text.replacen("security_class: PUBLIC", "security_class: Public", 1);
    }
    if i % 5 == 0 {
        text.push_str("colour: blue\n");
    }
    text
}

fn write(dir: &std::path::Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn json_paths(report: &Value) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn jsonl_prints_one_object_per_file_as_in_the_json_report() {
    let json = bcdc(&["check", "--format", "json", "examples/"]);
    let jsonl = bcdc(&["check", "--format", "jsonl", "examples/"]);
    assert_eq!(jsonl.status.code(), json.status.code());
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let mut from_json: Vec<Value> = report["files"].as_array().unwrap().clone();
    let mut from_lines: Vec<Value> = stdout(&jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line one JSON object"))
        .collect();
    let by_path = |v: &Value| v["path"].as_str().unwrap().to_string();
    from_json.sort_by_key(by_path);
    from_lines.sort_by_key(by_path);
    assert_eq!(from_lines, from_json);
}

#[test]
fn many_files_are_reported_in_sorted_order_on_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for i in 0..600 {
        let rel = format!("d{}/r{:03}.bcdc.yaml", i % 3, (i * 37) % 600);
        write(dir.path(), &rel, numbered_record(i));
        paths.push(dir.path().join(rel).to_string_lossy().into_owned());
    }
    paths.sort();
    let root = dir.path().to_str().unwrap();
    let first = bcdc(&["check", "--format", "json", root]);
    assert_eq!(first.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(json_paths(&report), paths);
    let human = bcdc(&["check", root]);
    assert!(
        stdout(&human)
            .ends_with("600 files checked: 86 errors, 120 warnings (412 without problems)\n"),
        "{}",
        stdout(&human).lines().last().unwrap()
    );
    // errors are listed in path order too
    let human_out = stdout(&human);
    let located: Vec<&str> = human_out
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect();
    assert!(located.windows(2).all(|w| w[0] <= w[1]));
    for _ in 0..3 {
        assert_eq!(
            bcdc(&["check", "--format", "json", root]).stdout,
            first.stdout
        );
        assert_eq!(bcdc(&["check", root]).stdout, human.stdout);
    }
}

#[test]
fn folders_are_walked_as_git_sees_them() {
    let dir = tempfile::tempdir().unwrap();
    for rel in [
        "a.bcdc.yaml",
        "sub/b.bcdc.yaml",
        "sub/c.draft.bcdc.yaml",
        "sub/deeper/d.bcdc.yaml",
        "ignored/e.bcdc.yaml",
        ".hidden/f.bcdc.yaml",
        "node_modules/g.bcdc.yaml",
        "other.yaml",
    ] {
        write(dir.path(), rel, TYPICAL);
    }
    write(dir.path(), "not-a-record.json", "{\"a\": 1}");
    write(dir.path(), ".gitignore", "ignored/\n*.draft.bcdc.yaml\n");
    write(dir.path(), "sub/.gitignore", "deeper/\n");
    let root = dir.path().to_str().unwrap();
    let o = bcdc(&["check", "--format", "json", root]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rel: Vec<String> = json_paths(&report)
        .iter()
        .map(|p| p[root.len() + 1..].to_string())
        .collect();
    // a .yaml file without the record's `type` is not a record; this one has it
    assert_eq!(rel, ["a.bcdc.yaml", "other.yaml", "sub/b.bcdc.yaml"]);

    // a file named on the command line is checked even when ignored
    let ignored = dir.path().join("ignored/e.bcdc.yaml");
    let o = bcdc(&["check", "--format", "jsonl", ignored.to_str().unwrap()]);
    assert_eq!(stdout(&o).lines().count(), 1);
}

#[test]
fn an_unreadable_file_among_many_is_reported_and_the_rest_checked() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        write(
            dir.path(),
            &format!("r{i:02}.bcdc.yaml"),
            numbered_record(i + 1),
        );
    }
    write(dir.path(), "r10-latin1.bcdc.yaml", b"title: caf\xe9\n");
    std::os::unix::fs::symlink(
        "nowhere.bcdc.yaml",
        dir.path().join("r20-dangling.bcdc.yaml"),
    )
    .unwrap();
    let root = dir.path().to_str().unwrap();
    for format in ["human", "json", "jsonl"] {
        let o = bcdc(&["check", "--format", format, root]);
        assert_eq!(o.status.code(), Some(2), "{format}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 2, "{format}: {err}");
        assert!(err.contains("r10-latin1.bcdc.yaml is not UTF-8"), "{err}");
        assert!(
            err.contains("cannot read ") && err.contains("r20-dangling.bcdc.yaml: No such file"),
            "{err}"
        );
        let out = stdout(&o);
        match format {
            "human" => assert!(
                out.ends_with("40 files checked: 5 errors, 8 warnings (28 without problems); 2 files could not be read\n"),
                "{out}"
            ),
            "json" => {
                let report: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(json_paths(&report).len(), 40);
            }
            _ => assert_eq!(out.lines().count(), 40),
        }
    }
}

#[test]
fn a_minified_record_shows_a_window_around_each_problem() {
    use bcdc_lsp::syntax::{Document, Format};
    use unicode_width::UnicodeWidthStr;
    let mut record = Document::parse(TYPICAL, Format::Yaml)
        .root()
        .unwrap()
        .to_json();
    record["publish_state"] = "DRAFT 水質と湖の監視".into();
    record["notes"] = "n".repeat(200_000).into();
    record["security_class"] = "Protected-A".into();
    record["contacts"][0]["email"] = "not-an-email".into();
    record["colour"] = "blue".into();
    // wide characters and a tab just before a problem: carets count columns
    let text = serde_json::to_string(&record).unwrap().replacen(
        ",\"security_class\"",
        ",\t\"security_class\"",
        1,
    );
    assert_eq!(text.lines().count(), 1);
    let path = temp_file("minified.bcdc.json", text.as_bytes());
    let o = bcdc(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.len() < 4_000, "{} bytes:\n{}", out.len(), &out[..4_000]);
    let blocks: Vec<&str> = out.split("\n\n").filter(|b| b.contains("-->")).collect();
    assert!(blocks.len() >= 3, "{out}");
    let mut seen = Vec::new();
    for block in blocks {
        let lines: Vec<&str> = block.lines().collect();
        let (src, carets) = (lines[3], lines[4]);
        let src = &src[src.find(" | ").unwrap() + 3..];
        let carets = &carets[carets.find(" | ").unwrap() + 3..];
        let from = carets.find('^').unwrap();
        let marked: String = src
            .chars()
            .scan(0, |col, c| {
                let at = *col;
                *col += c.to_string().width();
                Some((at, c))
            })
            .filter(|(at, _)| *at >= from && *at < carets.len())
            .map(|(_, c)| c)
            .collect();
        assert!(src.chars().count() < 140, "{src}");
        seen.push(marked);
    }
    for expected in [
        "\"DRAFT 水質と湖の監視\"",
        "\"Protected-A\"",
        "\"not-an-email\"",
        "\"colour\"",
    ] {
        assert!(
            seen.iter().any(|m| m == expected),
            "{expected} not underlined: {seen:?}"
        );
    }
}

/// Records under two project files (two portals) are two runs of plan and apply: one run
/// must not send one portal's records to the other's host.
#[test]
fn plan_and_apply_refuse_paths_of_different_project_files() {
    let ws = tempfile::tempdir().unwrap();
    for (dir, host) in [
        ("a", "https://one.example.invalid"),
        ("b", "https://two.example.invalid"),
    ] {
        let dir = ws.path().join(dir);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("bcdc.toml"), format!("host = \"{host}\"\n")).unwrap();
    }
    let (a, b) = (ws.path().join("a"), ws.path().join("b"));
    for command in ["plan", "apply"] {
        let out = bcdc(&[command, a.to_str().unwrap(), b.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("belong to different bcdc.toml files"),
            "{}",
            stderr(&out)
        );
    }
}

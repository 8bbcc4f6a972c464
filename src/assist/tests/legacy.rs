//! The legacy shapes of real catalogue records, in YAML and JSON: each is
//! one finding with its own code, severity and message; its quick fix is
//! offered; `fix_text` (what `check --fix` writes) gives exactly the
//! expected text (the rest of the file byte for byte, comments kept), which
//! checks clean and has nothing left to fix.

use super::*;
use crate::assist::fixes::{fix_text, quick_fixes};
use crate::check::{check, check_with, legacy, Cache, Code, Severity};

const CONTACTS: &str = "contacts:
  - name: Jane Doe
    email: jane.doe@example.invalid
    org: lsp-test-org
    role: pointOfContact
    displayed: [displayed]
  - name: Water Data Team
    email: water.data@example.invalid
    org: lsp-test-org
    role: custodian
    displayed: []
";

const TEMPORAL: &str = "    temporal_extent:
      - beginning_date: 1985-04-01
        end_date: 2024-12-31
";

const MORE_INFO: &str = "    url: https://example.invalid/okanagan\n";

fn replaced(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?}");
    text.replacen(from, to, 1)
}

struct Shape<'a> {
    format: Format,
    before: String,
    code: Code,
    pointer: &'a str,
    severity: Severity,
    /// Parts of the message.
    says: &'a [&'a str],
    /// The quick fix offered.
    title: &'a str,
    /// What `check --fix` writes; `None`: it changes nothing.
    after: Option<String>,
}

impl Shape<'_> {
    fn assert(&self) {
        let doc = Document::parse(&self.before, self.format);
        let found = check(&doc, schema());
        assert_eq!(found.len(), 1, "one finding: {found:#?}");
        let d = &found[0];
        assert_eq!((d.code, d.pointer.as_str()), (self.code, self.pointer));
        assert_eq!(d.severity, self.severity, "{}", d.message);
        for part in self.says {
            assert!(d.message.contains(part), "{part:?} not in {:?}", d.message);
        }
        assert!(legacy::is_legacy(d.code));
        assert_eq!(
            legacy::refused_by_api(d),
            Some(self.severity == Severity::Error)
        );
        let fixes = quick_fixes(&doc, schema(), d.range.clone(), std::slice::from_ref(d));
        assert!(
            fixes.iter().any(|f| f.title == self.title),
            "no fix {:?} in {fixes:#?}",
            self.title
        );
        let fixed = fix_text(&self.before, self.format, schema());
        match &self.after {
            Some(after) => {
                let fixed = fixed.expect("a fix applied");
                assert_eq!(&fixed.text, after);
                assert_eq!(fixed.applied[0].code, self.code);
                let again = Document::parse(after, self.format);
                assert_eq!(check(&again, schema()), vec![], "{after}");
                assert_eq!(fix_text(after, self.format, schema()), None);
            }
            None => assert_eq!(fixed, None),
        }
    }
}

#[test]
fn a_list_kept_as_json_text_is_written_as_a_block_list() {
    let text = r#"contacts: "[{\"name\": \"Jane Doe\", \"email\": \"jane.doe@example.invalid\", \"org\": \"lsp-test-org\", \"role\": \"pointOfContact\", \"displayed\": [\"displayed\"]}, {\"name\": \"Water Data Team\", \"email\": \"water.data@example.invalid\", \"org\": \"lsp-test-org\", \"role\": \"custodian\", \"displayed\": []}]"
"#;
    Shape {
        format: Format::Yaml,
        before: replaced(VALID, CONTACTS, text),
        code: Code::LegacyJsonText,
        pointer: "/contacts",
        severity: Severity::Error,
        says: &["`contacts` holds its list as JSON text", "API refuses"],
        title: "Write `contacts` as a list (2 entries)",
        after: Some(VALID.to_string()),
    }
    .assert();
}

#[test]
fn json_text_with_the_old_true_false_checkbox_is_fixed_in_two_rounds() {
    let text = r#"contacts: '[{"name": "Jane Doe", "email": "jane.doe@example.invalid", "org": "lsp-test-org", "role": "pointOfContact", "displayed": true}, {"name": "Water Data Team", "email": "water.data@example.invalid", "org": "lsp-test-org", "role": "custodian", "displayed": false}]'  # from the old form
"#;
    let fixed = fix_text(&replaced(VALID, CONTACTS, text), Format::Yaml, schema()).unwrap();
    let comment = replaced(
        VALID,
        "    displayed: []\n",
        "    displayed: []  # from the old form\n",
    );
    assert_eq!(fixed.text, comment);
    let codes: Vec<Code> = fixed.applied.iter().map(|a| a.code).collect();
    assert_eq!(
        codes,
        [Code::LegacyJsonText, Code::WrongType, Code::WrongType]
    );
}

#[test]
fn a_resource_list_kept_as_json_text_keeps_its_indentation() {
    let text = r#"    temporal_extent: "[{\"beginning_date\": \"1985-04-01\", \"end_date\": \"2024-12-31\"}]"
"#;
    Shape {
        format: Format::Yaml,
        before: replaced(VALID, TEMPORAL, text),
        code: Code::LegacyJsonText,
        pointer: "/resources/0/temporal_extent",
        severity: Severity::Error,
        says: &[
            "Data Collection Period",
            "a list of entries (`- beginning_date: ...`)",
        ],
        title: "Write `temporal_extent` as a list (1 entry)",
        after: Some(VALID.to_string()),
    }
    .assert();
}

#[test]
fn json_text_follows_the_files_indentation_and_line_breaks() {
    let cases = [
        // indentless lists
        (
            "contacts:\n- name: A\nresources:\n- name: r\n  details: '[{\"column_name\": \"A\", \"data_type\": \"NUMBER\"}]'\n",
            "contacts:\n- name: A\nresources:\n- name: r\n  details:\n  - column_name: A\n    data_type: NUMBER\n",
        ),
        // four spaces, Windows line breaks
        (
            "contacts:\r\n    - name: A\r\nresources:\r\n    - name: r\r\n      details: '[{\"column_name\": \"A\", \"data_type\": \"NUMBER\"}]'\r\n",
            "contacts:\r\n    - name: A\r\nresources:\r\n    - name: r\r\n      details:\r\n          - column_name: A\r\n            data_type: NUMBER\r\n",
        ),
        // in a flow mapping: a flow list
        (
            "resources:\n  - {name: r, details: '[{\"column_name\": \"A, B\"}]'}\n",
            "resources:\n  - {name: r, details: [{\"column_name\": \"A, B\"}]}\n",
        ),
    ];
    for (before, after) in cases {
        let fixed = fix_text(before, Format::Yaml, schema()).expect(before);
        assert_eq!(fixed.text, after);
        let doc = Document::parse(&fixed.text, Format::Yaml);
        assert!(doc.syntax_errors().is_empty());
    }
}

#[test]
fn an_empty_list_and_a_list_of_values_kept_as_json_text() {
    let before = replaced(
        VALID,
        "dates:\n  - type: Created\n    date: 2024-01-15\n",
        "dates: \"[]\"\n",
    );
    Shape {
        format: Format::Yaml,
        before,
        code: Code::LegacyJsonText,
        pointer: "/dates",
        severity: Severity::Error,
        says: &["Lifecycle Event (`dates`)"],
        title: "Write `dates` as a list (0 entries)",
        after: Some(replaced(
            VALID,
            "dates:\n  - type: Created\n    date: 2024-01-15\n",
            "dates: []\n",
        )),
    }
    .assert();
    let before = replaced(
        VALID,
        "    displayed: []\n",
        "    displayed: '[\"displayed\"]'\n",
    );
    Shape {
        format: Format::Yaml,
        before,
        code: Code::LegacyJsonText,
        pointer: "/contacts/1/displayed",
        severity: Severity::Error,
        says: &["a list of values"],
        title: "Write `displayed` as a list (1 entry)",
        after: Some(replaced(
            VALID,
            "    displayed: []\n",
            "    displayed: [displayed]\n",
        )),
    }
    .assert();
}

#[test]
fn object_junk_entries_keys_and_values_are_removed() {
    let entry = format!("{MORE_INFO}  - \"[object Object]\": \"\"\n");
    Shape {
        format: Format::Yaml,
        before: replaced(VALID, MORE_INFO, &entry),
        code: Code::LegacyObjectJunk,
        pointer: "/more_info/1",
        severity: Severity::Warning,
        says: &[
            "Entry 2 of Related Links (`more_info`) holds only `[object Object]`",
            "drops it",
        ],
        title: "Remove the `[object Object]` entry",
        after: Some(VALID.to_string()),
    }
    .assert();
    let key = format!("{MORE_INFO}    \"[object Object]\": x\n");
    Shape {
        format: Format::Yaml,
        before: replaced(VALID, MORE_INFO, &key),
        code: Code::LegacyObjectJunk,
        pointer: "/more_info/0/[object Object]",
        severity: Severity::Warning,
        says: &["`[object Object]` is not a field"],
        title: "Remove `[object Object]`",
        after: Some(VALID.to_string()),
    }
    .assert();
    let before = VALID.replace(
        "purpose: Track long-term trends in lake health and nutrient loading.",
        "purpose: \"[object Object]\"",
    );
    Shape {
        format: Format::Yaml,
        before,
        code: Code::LegacyObjectJunk,
        pointer: "/purpose",
        severity: Severity::Warning,
        says: &["`purpose` holds the text `[object Object]`"],
        title: "Remove `purpose`",
        after: Some(VALID.replace(
            "purpose: Track long-term trends in lake health and nutrient loading.\n",
            "",
        )),
    }
    .assert();
}

#[test]
fn a_junk_contact_is_one_finding_not_four_missing_fields() {
    let before = replaced(VALID, "dates:\n", "  - \"[object Object]\": \"\"\ndates:\n");
    Shape {
        format: Format::Yaml,
        before,
        code: Code::LegacyObjectJunk,
        pointer: "/contacts/2",
        severity: Severity::Error,
        says: &["Entry 3 of `contacts`", "the catalogue refuses it"],
        title: "Remove the `[object Object]` entry",
        after: Some(VALID.to_string()),
    }
    .assert();
}

#[test]
fn the_text_null_goes_where_absent_is_the_same() {
    let purpose = "purpose: Track long-term trends in lake health and nutrient loading.\n";
    Shape {
        format: Format::Yaml,
        before: replaced(VALID, purpose, "purpose: \"null\"   # exported\n"),
        code: Code::LegacyNullText,
        pointer: "/purpose",
        severity: Severity::Warning,
        says: &["`purpose` holds the text `null`", "four letters"],
        title: "Remove `purpose`",
        after: Some(replaced(VALID, purpose, "")),
    }
    .assert();
    // required: emptied on request, never automatically
    Shape {
        format: Format::Yaml,
        before: replaced(VALID, "security_class: PUBLIC", "security_class: 'NULL'"),
        code: Code::LegacyNullText,
        pointer: "/security_class",
        severity: Severity::Error,
        says: &["Security Classification", "the catalogue refuses it"],
        title: "Empty `security_class` to type its value",
        after: None,
    }
    .assert();
}

#[test]
fn an_empty_optional_dropdown_is_removed_a_required_one_stays_missing() {
    let resource = "    resource_access_method: direct access\n";
    Shape {
        format: Format::Yaml,
        before: replaced(
            VALID,
            resource,
            &format!("{resource}    spatial_datatype: \"\"\n"),
        ),
        code: Code::EmptyChoice,
        pointer: "/resources/0/spatial_datatype",
        severity: Severity::Warning,
        says: &["Spatial Datatype (`spatial_datatype`) is an empty text"],
        title: "Remove the empty `spatial_datatype`",
        after: Some(VALID.to_string()),
    }
    .assert();
    let doc = Document::parse(
        &replaced(VALID, "security_class: PUBLIC", "security_class: \"\""),
        Format::Yaml,
    );
    let found = check(&doc, schema());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, Code::MissingRequired);
    // required when another field has a value: that rule says it, once
    let geographic = replaced(
        VALID,
        "bcdc_type: document",
        "bcdc_type: geographic\n    spatial_datatype: \"\"",
    );
    let found = check(&Document::parse(&geographic, Format::Yaml), schema());
    assert!(
        found.iter().all(|d| d.code == Code::ConditionalRequired),
        "{found:#?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|d| d.pointer == "/resources/0/spatial_datatype")
            .count(),
        1
    );
}

#[test]
fn true_false_as_text_becomes_the_checkbox_list() {
    Shape {
        format: Format::Yaml,
        before: replaced(VALID, "    displayed: []\n", "    displayed: \"False\"\n"),
        code: Code::LegacyBooleanText,
        pointer: "/contacts/1/displayed",
        severity: Severity::Error,
        says: &[
            "the old yes/no form of this checkbox",
            "`[]`",
            "unexpected choice",
        ],
        title: "Change to `[]`",
        after: Some(VALID.to_string()),
    }
    .assert();
}

#[test]
fn json_records_are_fixed_in_their_own_layout() {
    let base = valid_json();
    let contacts_json = r#""contacts": "[{\"name\": \"Jane Doe\", \"email\": \"jane.doe@example.invalid\", \"org\": \"lsp-test-org\", \"role\": \"pointOfContact\", \"displayed\": [\"displayed\"]}, {\"name\": \"Water Data Team\", \"email\": \"water.data@example.invalid\", \"org\": \"lsp-test-org\", \"role\": \"custodian\", \"displayed\": []}]","#;
    let start = base.find("  \"contacts\": [").unwrap() + 2;
    let end = base.find("  \"dates\"").unwrap();
    let before = format!("{}{contacts_json}\n{}", &base[..start], &base[end..]);
    Shape {
        format: Format::Json,
        before,
        code: Code::LegacyJsonText,
        pointer: "/contacts",
        severity: Severity::Error,
        says: &["holds its list as JSON text"],
        title: "Write `contacts` as a list (2 entries)",
        after: Some(base.clone()),
    }
    .assert();
    let purpose =
        "  \"purpose\": \"Track long-term trends in lake health and nutrient loading.\",\n";
    Shape {
        format: Format::Json,
        before: replaced(&base, purpose, "  \"purpose\": \"null\",\n"),
        code: Code::LegacyNullText,
        pointer: "/purpose",
        severity: Severity::Warning,
        says: &["holds the text `null`"],
        title: "Remove `purpose`",
        after: Some(replaced(&base, purpose, "")),
    }
    .assert();
    let name = "\"name\": \"Water Data Team\",";
    Shape {
        format: Format::Json,
        before: replaced(
            &base,
            name,
            &format!("{name}\n      \"[object Object]\": \"\","),
        ),
        code: Code::LegacyObjectJunk,
        pointer: "/contacts/1/[object Object]",
        severity: Severity::Warning,
        says: &["is not a field"],
        title: "Remove `[object Object]`",
        after: Some(base.clone()),
    }
    .assert();
    let displayed = "      \"displayed\": []\n";
    Shape {
        format: Format::Json,
        before: replaced(&base, displayed, "      \"displayed\": \"false\"\n"),
        code: Code::LegacyBooleanText,
        pointer: "/contacts/1/displayed",
        severity: Severity::Error,
        says: &["checkbox"],
        title: "Change to `[]`",
        after: Some(base.clone()),
    }
    .assert();
    let method = "      \"resource_access_method\": \"direct access\",\n";
    Shape {
        format: Format::Json,
        before: replaced(
            &base,
            method,
            &format!("{method}      \"spatial_datatype\": \"\",\n"),
        ),
        code: Code::EmptyChoice,
        pointer: "/resources/0/spatial_datatype",
        severity: Severity::Warning,
        says: &["empty text"],
        title: "Remove the empty `spatial_datatype`",
        after: Some(base.clone()),
    }
    .assert();
}

#[test]
fn a_minified_json_record_gets_its_list_on_one_line() {
    let mut record: serde_json::Value = serde_json::from_str(&valid_json()).unwrap();
    let contacts = record["contacts"].take();
    let one_line = serde_json::to_string(&record).unwrap();
    record["contacts"] = serde_json::Value::String(contacts.to_string());
    let before = serde_json::to_string(&record).unwrap();
    let fixed = fix_text(&before, Format::Json, schema()).unwrap().text;
    assert!(!fixed.contains('\n'));
    let fixed: serde_json::Value = serde_json::from_str(&fixed).unwrap();
    let mut expected: serde_json::Value = serde_json::from_str(&one_line).unwrap();
    expected["contacts"] = contacts;
    assert_eq!(fixed, expected);
}

#[test]
fn a_file_that_does_not_parse_is_never_fixed() {
    let before = replaced(
        VALID,
        "purpose: Track long-term trends in lake health and nutrient loading.",
        "purpose: \"null\"\nbroken: [",
    );
    assert_eq!(fix_text(&before, Format::Yaml, schema()), None);
}

#[test]
fn legacy_findings_in_list_entries_come_from_the_cache_as_from_a_fresh_check() {
    let text = replaced(VALID, "    displayed: []\n", "    displayed: \"true\"\n");
    let text = replaced(
        &text,
        TEMPORAL,
        "    temporal_extent: \"[]\"\n    details: 'null'\n",
    );
    let mut doc = Document::parse(&text, Format::Yaml);
    let mut cache = Cache::default();
    let first = check_with(&doc, schema(), &mut cache);
    assert_eq!(first, check(&doc, schema()));
    assert_eq!(first.len(), 3, "{first:#?}");
    let at = text.find("Jane Doe").unwrap();
    doc.edit(at..at + 4, "Joan");
    assert_eq!(
        check_with(&doc, schema(), &mut cache),
        check(&doc, schema())
    );
    assert_eq!(check_with(&doc, schema(), &mut cache).len(), 3);
}

#[test]
fn what_a_rewrite_from_the_colon_would_lose_is_kept() {
    let before = "contacts: |\n  [{\"name\": \"A\"}]\ndates: &d '[{\"type\": \"Created\"}]'\nmore_info:  # links\n  '[{\"url\": \"u\"}]'\nresources:\n  - name: s\n    preview_info:\n      -\n        \"[object Object]\": \"\"\n";
    let after = "contacts:\n  - name: A\ndates: &d [{\"type\": \"Created\"}]\nmore_info:  # links\n  [{\"url\": \"u\"}]\nresources:\n  - name: s\n    preview_info:\n      -\n        \"[object Object]\": \"\"\n";
    let fixed = fix_text(before, Format::Yaml, schema()).unwrap();
    assert_eq!(fixed.text, after);
    // a junk entry whose `-` is on a line of its own is reported, not removed
    let doc = Document::parse(after, Format::Yaml);
    let junk: Vec<_> = check(&doc, schema())
        .into_iter()
        .filter(|d| d.code == Code::LegacyObjectJunk)
        .collect();
    assert_eq!(junk.len(), 1);
    assert!(quick_fixes(&doc, schema(), junk[0].range.clone(), &junk).is_empty());
}

#[test]
fn another_portals_yes_no_field_and_list_of_texts() {
    let schema = Schema::from_json(
        &serde_json::json!({
            "scheming_version": 2,
            "dataset_type": "camel",
            "dataset_fields": [
                {"field_name": "title", "label": "Title", "preset": "title"},
                {"field_name": "name", "label": "URL", "preset": "dataset_slug"},
                {"field_name": "open", "label": "Open", "validators": "boolean_validator"},
                {"field_name": "authors", "label": "Authors", "preset": "multiple_text"}
            ],
            "resource_fields": []
        }),
        &serde_json::json!([]),
    )
    .unwrap();
    let before = "title: Camels\nname: camels\nowner_org: zoo\nopen: \"True\"\nauthors: '[\"Ann\", \"Bo, Jr.\"]'\n";
    let found = check(&Document::parse(before, Format::Yaml), &schema);
    let summary: Vec<_> = found
        .iter()
        .map(|d| (d.code, d.pointer.as_str(), d.severity))
        .collect();
    // the portal reads both (a text as a one-item list): warnings
    assert_eq!(
        summary,
        [
            (Code::LegacyBooleanText, "/open", Severity::Warning),
            (Code::LegacyJsonText, "/authors", Severity::Warning),
        ]
    );
    assert!(
        found[0].message.contains("write `true`"),
        "{}",
        found[0].message
    );
    assert!(
        found[1].message.contains("keep it as one text"),
        "{}",
        found[1].message
    );
    let fixed = fix_text(before, Format::Yaml, &schema).unwrap();
    assert_eq!(
        fixed.text,
        "title: Camels\nname: camels\nowner_org: zoo\nopen: true\nauthors: [Ann, \"Bo, Jr.\"]\n"
    );
    assert_eq!(
        check(&Document::parse(&fixed.text, Format::Yaml), &schema),
        vec![]
    );
}

#[test]
fn an_audit_counts_each_legacy_shape_by_its_code() {
    use crate::audit::report::{audit_record, tests::package};
    use crate::catalogue::Catalogue;
    let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
    let p = package("old-shapes", "org-a", |p| {
        let contacts = p["contacts"].to_string();
        p.insert("contacts".into(), serde_json::Value::String(contacts));
        p.insert("purpose".into(), "null".into());
        p.insert(
            "more_info".into(),
            serde_json::json!([{"[object Object]": ""}]),
        );
        p["resources"][0]["temporal_extent"] =
            r#"[{"beginning_date": "2020-01-01", "end_date": "2020-12-31"}]"#.into();
        p["resources"][0]["spatial_datatype"] = "".into();
    });
    let record = audit_record(&p, schema(), &catalogue);
    let mut codes: Vec<(&str, &str)> = record
        .problems
        .iter()
        .map(|d| (d.code, d.pointer.as_str()))
        .collect();
    codes.sort();
    // an empty dropdown is not there: `pull` writes the empty text as no value
    assert_eq!(
        codes,
        [
            ("legacy-json-text", "/contacts"),
            ("legacy-json-text", "/resources/0/temporal_extent"),
            ("legacy-null-text", "/purpose"),
            ("legacy-object-junk", "/more_info/0"),
        ]
    );
}

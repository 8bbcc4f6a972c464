//! Each fix applied end to end: the edits applied to the text, the text
//! parsed and checked again, the diagnostic gone and nothing else changed.

use super::*;
use crate::assist::fixes::{quick_fixes, Fix};
use crate::check::{check, Code, Diagnostic};
use serde_json::{json, Map, Value as J};

/// The valid example with the first line starting with `line_start`
/// replaced (removed when `replacement` is empty).
fn yaml_with(line_start: &str, replacement: &str) -> String {
    let mut found = false;
    let mut out = String::new();
    for l in VALID.lines() {
        if !found && l.starts_with(line_start) {
            found = true;
            if !replacement.is_empty() {
                out.push_str(replacement);
                out.push('\n');
            }
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    assert!(found, "no line starts with {line_start:?}");
    out
}

/// The valid example as JSON, changed by `edit`.
fn json_with(edit: impl FnOnce(&mut Map<String, J>)) -> String {
    let mut value: J = serde_json::from_str(&valid_json()).unwrap();
    edit(value.as_object_mut().unwrap());
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

fn contact(m: &mut Map<String, J>, i: usize) -> &mut Map<String, J> {
    m["contacts"][i].as_object_mut().unwrap()
}

/// Diagnostics compared without their ranges (which move with edits).
fn summary(ds: &[Diagnostic]) -> Vec<(Code, String, String)> {
    let mut out: Vec<_> = ds
        .iter()
        .map(|d| (d.code, d.pointer.clone(), d.message.clone()))
        .collect();
    out.sort_by(|a, b| (a.1.as_str(), a.2.as_str()).cmp(&(b.1.as_str(), b.2.as_str())));
    out
}

struct Case<'a> {
    code: Code,
    pointer: &'a str,
    title: &'a str,
    /// Other diagnostics the same fix removes (by pointer).
    also_fixed: &'a [&'a str],
    /// Fields the fix adds with no value yet (reported as such after it).
    added_empty: &'a [&'a str],
}

impl<'a> Case<'a> {
    fn new(code: Code, pointer: &'a str, title: &'a str) -> Case<'a> {
        Case {
            code,
            pointer,
            title,
            also_fixed: &[],
            added_empty: &[],
        }
    }

    fn added(self, added_empty: &'a [&'a str]) -> Case<'a> {
        Case {
            added_empty,
            also_fixed: added_empty,
            ..self
        }
    }

    /// Applies the fix to `text`; returns the new text.
    fn apply(&self, text: &str, format: Format) -> String {
        let doc = Document::parse(text, format);
        let before = check(&doc, schema());
        let d = before
            .iter()
            .find(|d| d.code == self.code && d.pointer == self.pointer)
            .unwrap_or_else(|| panic!("no {:?} at {}: {before:#?}", self.code, self.pointer));
        let fixes = quick_fixes(&doc, schema(), d.range.clone(), std::slice::from_ref(d));
        let fix = find(&fixes, self.title);
        assert_eq!(fix.diagnostic, Some(0));
        let fixed = apply(text, &fix.edits);
        let after_doc = Document::parse(&fixed, format);
        assert!(
            after_doc.syntax_errors().is_empty(),
            "{fixed}\n{:?}",
            after_doc.syntax_errors()
        );
        let after = check(&after_doc, schema());
        // a field added with no value is reported again, on its new key
        let on_new_key = |a: &Diagnostic| {
            let root = after_doc.root().unwrap();
            self.added_empty.contains(&a.pointer.as_str())
                && root
                    .pointer_entry(&a.pointer)
                    .is_some_and(|e| e.value.is_empty_value() && a.range.start == e.key_range.start)
        };
        assert!(
            !after.iter().any(|a| a.code == d.code
                && a.pointer == d.pointer
                && a.message == d.message
                && !on_new_key(a)),
            "still there after {:?}:\n{fixed}",
            fix.title
        );
        let gone = |b: &&Diagnostic| {
            b.pointer == d.pointer || self.also_fixed.contains(&b.pointer.as_str())
        };
        let expected: Vec<Diagnostic> = before.iter().filter(|b| !gone(b)).cloned().collect();
        let got: Vec<Diagnostic> = after.iter().filter(|a| !on_new_key(a)).cloned().collect();
        assert_eq!(summary(&got), summary(&expected), "{}:\n{fixed}", fix.title);
        // comments are kept (but for those on the lines of a removed key)
        let comments = |t: &str| {
            t.lines()
                .filter_map(|l| l.find(" #").map(|i| l[i..].to_string()))
                .collect::<Vec<_>>()
        };
        let mut kept = comments(text);
        if fix.title.starts_with("Remove") {
            kept.retain(|c| fixed.contains(c.as_str()));
        }
        assert_eq!(comments(&fixed), kept);
        fixed
    }
}

fn find<'a>(fixes: &'a [Fix], title: &str) -> &'a Fix {
    fixes
        .iter()
        .find(|f| f.title.contains(title))
        .unwrap_or_else(|| {
            let titles: Vec<&str> = fixes.iter().map(|f| f.title.as_str()).collect();
            panic!("no fix {title:?} in {titles:?}")
        })
}

#[test]
fn add_all_missing_required_fields_of_an_object() {
    let yaml = yaml_with("    email: jane", "").replace("    role: pointOfContact\n", "");
    let both = ["/contacts/0/email", "/contacts/0/role"];
    let case = Case::new(
        Code::MissingRequired,
        "/contacts/0/email",
        "Add all 2 missing",
    )
    .added(&both);
    let fixed = case.apply(&yaml, Format::Yaml);
    assert!(
        fixed.contains("    displayed: [displayed]\n    email: \n    role: \n"),
        "{fixed}"
    );
    let json = json_with(|m| {
        contact(m, 0).shift_remove("email");
        contact(m, 0).shift_remove("role");
    });
    let fixed = case.apply(&json, Format::Json);
    assert!(
        fixed.contains("      ],\n      \"email\": \"\",\n      \"role\": \"\"\n    },"),
        "{fixed}"
    );

    // the dataset's own fields, and a resource's dropdowns
    let yaml = yaml_with("security_class:", "").replace("view_audience: Public\n", "");
    let both = ["/security_class", "/view_audience"];
    let case = Case::new(Code::MissingRequired, "/view_audience", "Add all 2").added(&both);
    let fixed = case.apply(&yaml, Format::Yaml);
    assert!(
        fixed.ends_with("        end_date: 2024-12-31\nsecurity_class: \nview_audience: \n"),
        "{fixed}"
    );
    let json = json_with(|m| {
        m.shift_remove("security_class");
        m.shift_remove("view_audience");
    });
    case.apply(&json, Format::Json);

    let yaml = format!("{VALID}  - name: Report\n");
    let dropdowns = [
        "/resources/1/bcdc_type",
        "/resources/1/resource_update_cycle",
        "/resources/1/format",
        "/resources/1/resource_storage_location",
        "/resources/1/resource_type",
        "/resources/1/resource_access_method",
    ];
    let case =
        Case::new(Code::MissingRequired, "/resources/1/format", "Add all 6").added(&dropdowns);
    let fixed = case.apply(&yaml, Format::Yaml);
    assert!(fixed.ends_with("  - name: Report\n    bcdc_type: \n    resource_update_cycle: \n    format: \n    resource_storage_location: \n    resource_type: \n    resource_access_method: \n"), "{fixed}");
    let json = json_with(|m| {
        m["resources"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "Report"}))
    });
    case.apply(&json, Format::Json);
}

#[test]
fn add_one_missing_field_and_conditional_fields() {
    let case = Case::new(
        Code::MissingRequired,
        "/license_id",
        "Add Licence (`license_id`)",
    )
    .added(&["/license_id"]);
    let fixed = case.apply(&yaml_with("license_id:", ""), Format::Yaml);
    assert!(fixed.contains("license_id: \n"));
    case.apply(
        &json_with(|m| drop(m.shift_remove("license_id"))),
        Format::Json,
    );

    let case = Case::new(Code::MissingRequired, "/contacts/1/role", "Add `role`")
        .added(&["/contacts/1/role"]);
    case.apply(&yaml_with("    role: custodian", ""), Format::Yaml);
    case.apply(
        &json_with(|m| drop(contact(m, 1).shift_remove("role"))),
        Format::Json,
    );

    let case = Case::new(Code::ConditionalRequired, "/replacement_record", "Add")
        .added(&["/replacement_record"]);
    let yaml = yaml_with("resource_status:", "resource_status: obsolete");
    case.apply(&yaml, Format::Yaml);
    case.apply(
        &json_with(|m| drop(m.insert("resource_status".into(), json!("obsolete")))),
        Format::Json,
    );

    // a geographic resource needs more fields: one of them, then all
    let geographic: Vec<String> = schema()
        .resource_fields
        .iter()
        .filter(|f| {
            f.condition
                .as_ref()
                .is_some_and(|c| c.values.contains(&"geographic".into()))
        })
        .map(|f| format!("/resources/0/{}", f.name))
        .collect();
    let geographic: Vec<&str> = geographic.iter().map(String::as_str).collect();
    assert_eq!(geographic.len(), 5);
    let yaml = yaml_with("    bcdc_type:", "    bcdc_type: geographic");
    let json = json_with(|m| {
        drop(
            m["resources"][0]
                .as_object_mut()
                .unwrap()
                .insert("bcdc_type".into(), json!("geographic")),
        )
    });
    for format in [Format::Yaml, Format::Json] {
        let text = if format == Format::Yaml { &yaml } else { &json };
        Case::new(
            Code::ConditionalRequired,
            geographic[2],
            "Add ISO Topic Category",
        )
        .added(&geographic[2..3])
        .apply(text, format);
        Case::new(Code::ConditionalRequired, geographic[0], "Add all 5")
            .added(&geographic)
            .apply(text, format);
    }
}

#[test]
fn an_empty_file_gets_every_required_field() {
    let required: Vec<String> = schema()
        .dataset_fields
        .iter()
        .filter(|f| f.required)
        .map(|f| format!("/{}", f.name))
        .collect();
    let required: Vec<&str> = required.iter().map(String::as_str).collect();
    for (text, format) in [("# new record\n", Format::Yaml), ("", Format::Json)] {
        let fixed = Case::new(Code::MissingRequired, "/title", "Add all")
            .added(&required)
            .apply(text, format);
        assert!(fixed.contains("title"), "{fixed}");
    }
}

#[test]
fn invalid_values_change_to_the_closest_or_any_allowed_value() {
    let yaml = yaml_with("security_class:", "security_class: Protected-A");
    let json = json_with(|m| drop(m.insert("security_class".into(), json!("Protected-A"))));
    for (text, format) in [(&yaml, Format::Yaml), (&json, Format::Json)] {
        let doc = Document::parse(text, format);
        let d: Vec<Diagnostic> = check(&doc, schema());
        let fixes = quick_fixes(&doc, schema(), d[0].range.clone(), &d);
        assert!(fixes[0].preferred && fixes[0].title == "Change to `PROTECTED A` (Protected-A)");
        assert_eq!(
            fixes.len(),
            4,
            "the suggestion, then the other three values"
        );
        let fixed = Case::new(
            Code::InvalidChoice,
            "/security_class",
            "Change to `PROTECTED A`",
        )
        .apply(text, format);
        assert!(fixed.contains("PROTECTED A"));
        Case::new(
            Code::InvalidChoice,
            "/security_class",
            "Change to `PROTECTED C`",
        )
        .apply(text, format);
    }
    // an item of a list of choices, written in [...]
    let case = Case::new(
        Code::InvalidChoice,
        "/contacts/0/displayed/0",
        "Change to `displayed`",
    );
    let fixed = case.apply(
        &yaml_with("    displayed: [displayed]", "    displayed: [displayd]"),
        Format::Yaml,
    );
    assert!(fixed.contains("    displayed: [displayed]\n"));
    case.apply(
        &json_with(|m| drop(contact(m, 0).insert("displayed".into(), json!(["displayd"])))),
        Format::Json,
    );
    // a resource dropdown, and a licence typed as its title
    let case = Case::new(
        Code::InvalidChoice,
        "/resources/0/resource_update_cycle",
        "Change to `monthly`",
    );
    case.apply(
        &yaml_with(
            "    resource_update_cycle:",
            "    resource_update_cycle: Monthly",
        ),
        Format::Yaml,
    );
    let case = Case::new(Code::InvalidChoice, "/license_id", "Change to `2`");
    let fixed = case.apply(
        &yaml_with(
            "license_id:",
            "license_id: Open Government Licence - British Columbia  # x",
        ),
        Format::Yaml,
    );
    assert!(fixed.contains("license_id: \"2\"  # x"), "{fixed}");
    case.apply(
        &json_with(|m| {
            drop(m.insert(
                "license_id".into(),
                json!("Open Government Licence - British Columbia"),
            ))
        }),
        Format::Json,
    );
    // a new record starts as a draft
    let case = Case::new(Code::InvalidState, "/publish_state", "Change to `DRAFT`");
    case.apply(
        &yaml_with("publish_state:", "publish_state: PUBLISHED"),
        Format::Yaml,
    );
    case.apply(
        &json_with(|m| drop(m.insert("publish_state".into(), json!("PUBLISHED")))),
        Format::Json,
    );
}

#[test]
fn unknown_keys_rename_to_the_field_meant() {
    let renames = [
        ("notes", "description", "Rename `description` to `notes`"),
        (
            "owner_org",
            "published_by",
            "Rename `published_by` to `owner_org`",
        ),
    ];
    for (field, mistake, title) in renames {
        let yaml = VALID.replacen(&format!("\n{field}:"), &format!("\n{mistake}:"), 1);
        let pointer = format!("/{mistake}");
        let required = [format!("/{field}")];
        let required = [required[0].as_str()];
        let case = Case {
            also_fixed: &required,
            ..Case::new(Code::UnknownField, &pointer, title)
        };
        let fixed = case.apply(&yaml, Format::Yaml);
        assert_eq!(fixed, VALID);
        let json = valid_json().replacen(&format!("\"{field}\":"), &format!("\"{mistake}\":"), 1);
        assert_eq!(case.apply(&json, Format::Json), valid_json());
    }
    let case = Case::new(
        Code::UnknownField,
        "/package_id",
        "Rename `package_id` to `id`",
    );
    let fixed = case.apply(&format!("package_id: abc\n{VALID}"), Format::Yaml);
    assert!(fixed.starts_with("id: abc\n"));
    let json = valid_json().replacen('{', "{\n  \"package_id\": \"abc\",", 1);
    case.apply(&json, Format::Json);
    // no rename into a key that is already there
    let yaml = yaml_with("purpose:", "description: x");
    let doc = Document::parse(&yaml, Format::Yaml);
    let d: Vec<Diagnostic> = check(&doc, schema());
    assert!(quick_fixes(&doc, schema(), d[0].range.clone(), &d)
        .iter()
        .all(|f| !f.title.starts_with("Rename")));
}

#[test]
fn unknown_keys_and_credentials_are_removed_with_their_lines() {
    let yaml = VALID.replace(
        "purpose:",
        "custom:          # not in the schema\n  a: 1\n  b:\n    - x\npurpose:",
    );
    let fixed =
        Case::new(Code::UnknownField, "/custom", "Remove `custom`").apply(&yaml, Format::Yaml);
    assert_eq!(fixed, VALID);
    let json = json_with(|m| drop(m.insert("custom".into(), json!({"a": 1, "b": ["x"]}))));
    let fixed =
        Case::new(Code::UnknownField, "/custom", "Remove `custom`").apply(&json, Format::Json);
    assert_eq!(fixed, valid_json());
    // the first key of a list entry: the `- ` stays for the next key
    let yaml = VALID.replace(
        "  - name: Jane Doe\n",
        "  - nickname: JD\n    name: Jane Doe\n",
    );
    let fixed =
        Case::new(Code::UnknownField, "/contacts/0/nickname", "Remove").apply(&yaml, Format::Yaml);
    assert_eq!(fixed, VALID);
    // a credential
    let case = Case::new(Code::SecretInRecord, "/api_key", "Remove `api_key`");
    assert_eq!(
        case.apply(&format!("{VALID}api_key: abc\n"), Format::Yaml),
        VALID
    );
    let json = json_with(|m| drop(m.insert("api_key".into(), json!("abc"))));
    assert_eq!(case.apply(&json, Format::Json), valid_json());
    let json = valid_json().replacen('{', "{\n  \"api_key\": \"abc\",", 1);
    assert_eq!(case.apply(&json, Format::Json), valid_json());
}

#[test]
fn shapes_the_catalogue_rejects_are_rewritten() {
    let case = Case::new(
        Code::WrongType,
        "/contacts/0/displayed",
        "Change to `[displayed]`",
    );
    let fixed = case.apply(
        &yaml_with("    displayed: [displayed]", "    displayed: true"),
        Format::Yaml,
    );
    assert_eq!(fixed, VALID);
    case.apply(
        &json_with(|m| drop(contact(m, 0).insert("displayed".into(), json!(true)))),
        Format::Json,
    );
    let case = Case::new(Code::WrongType, "/contacts/1/displayed", "Change to `[]`");
    let fixed = case.apply(
        &yaml_with("    displayed: []", "    displayed: false"),
        Format::Yaml,
    );
    assert_eq!(fixed, VALID);
    case.apply(
        &json_with(|m| drop(contact(m, 1).insert("displayed".into(), json!(false)))),
        Format::Json,
    );

    // one contact written as a mapping, not a list
    let jane = "contacts:\n  - name: Jane Doe\n    email: jane.doe@example.invalid\n    org: lsp-test-org\n    role: pointOfContact\n    displayed: [displayed]\n";
    let start = VALID.find("contacts:").unwrap();
    let end = VALID.find("dates:").unwrap();
    let one = format!("{}{jane}{}", &VALID[..start], &VALID[end..]);
    let mapping = one.replace("  - name: Jane Doe\n    email: jane.doe@example.invalid\n    org: lsp-test-org\n    role: pointOfContact\n    displayed: [displayed]\n",
        "  name: Jane Doe   # the author\n\n  email: jane.doe@example.invalid\n  org: lsp-test-org\n  role: pointOfContact\n  displayed: [displayed]\n");
    let case = Case::new(
        Code::WrongType,
        "/contacts",
        "Make `contacts` a list of this one entry",
    );
    let fixed = case.apply(&mapping, Format::Yaml);
    assert_eq!(
        fixed,
        one.replace("Jane Doe\n", "Jane Doe   # the author\n\n")
    );
    let json = json_with(|m| {
        let first = m["contacts"][0].clone();
        m.insert("contacts".into(), first);
    });
    let fixed = case.apply(&json, Format::Json);
    assert!(fixed.contains("\"contacts\": [{\n"), "{fixed}");
    let yaml = VALID.replacen(
        "dates:\n  - type: Created\n    date: 2024-01-15",
        "dates: {type: Created, date: 2024-01-15}",
        1,
    );
    let fixed =
        Case::new(Code::WrongType, "/dates", "Make `dates` a list").apply(&yaml, Format::Yaml);
    assert!(fixed.contains("dates: [{type: Created, date: 2024-01-15}]"));

    // keywords as a comma-separated `tags` string
    let case = Case::new(
        Code::WrongType,
        "/tags",
        "Write the keywords as `tag_string: water quality, lakes`",
    );
    let fixed = case.apply(
        &yaml_with("tag_string:", "tags: water quality, lakes"),
        Format::Yaml,
    );
    assert!(fixed.contains("\ntag_string: water quality, lakes\n"));
    let json = json_with(|m| {
        m.shift_remove("tag_string");
        m.insert("tags".into(), json!("water quality, lakes"));
    });
    case.apply(&json, Format::Json);
}

#[test]
fn a_tags_list_is_rewritten_where_the_cursor_is() {
    let lists = [
        yaml_with(
            "tag_string:",
            "tags:\n  - name: water\n  - name: lakes  # two",
        ),
        yaml_with("tag_string:", "tags: [water, lakes]"),
    ];
    let json = json_with(|m| {
        m.shift_remove("tag_string");
        m.insert("tags".into(), json!([{"name": "water"}, {"name": "lakes"}]));
    });
    for (text, format) in [
        (&lists[0], Format::Yaml),
        (&lists[1], Format::Yaml),
        (&json, Format::Json),
    ] {
        let doc = Document::parse(text, format);
        assert!(check(&doc, schema()).is_empty());
        let at = text.find("tags").unwrap();
        let fixes = quick_fixes(&doc, schema(), at..at, &[]);
        let fix = find(&fixes, "Write the keywords as `tag_string: water, lakes`");
        assert_eq!(fix.diagnostic, None);
        let fixed = apply(text, &fix.edits);
        let after = Document::parse(&fixed, format);
        assert!(check(&after, schema()).is_empty(), "{fixed}");
        assert_eq!(
            after.root().unwrap().get("tag_string").unwrap().as_str(),
            Some("water, lakes")
        );
        // elsewhere, not offered
        assert!(quick_fixes(&doc, schema(), 0..0, &[]).is_empty());
    }
}

#[test]
fn crlf_files_keep_their_line_breaks() {
    let yaml = yaml_with("security_class:", "").replace('\n', "\r\n");
    let case =
        Case::new(Code::MissingRequired, "/security_class", "Add").added(&["/security_class"]);
    let fixed = case.apply(&yaml, Format::Yaml);
    assert!(
        fixed.ends_with("2024-12-31\r\nsecurity_class: \r\n"),
        "{fixed:?}"
    );
    assert!(!fixed.replace("\r\n", "").contains('\n'));
    let case = Case::new(Code::UnknownField, "/custom", "Remove `custom`");
    let yaml = VALID
        .replace("purpose:", "custom:\n  a: 1\npurpose:")
        .replace('\n', "\r\n");
    assert_eq!(case.apply(&yaml, Format::Yaml), VALID.replace('\n', "\r\n"));
}

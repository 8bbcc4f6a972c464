use super::*;

fn yaml(text: &str) -> Document {
    Document::parse(text, Format::Yaml)
}

#[test]
fn yaml_values_and_ranges() {
    let text = "# c\ntitle: \"Héllo 😀\"\nlicense_id:\ncontacts:\n  - name: x\n    displayed: [displayed]\n  - \n";
    let doc = yaml(text);
    assert!(doc.syntax_errors().is_empty(), "{:?}", doc.syntax_errors());
    let root = doc.root().unwrap();
    let title = root.entry("title").unwrap();
    assert_eq!(&text[title.key_range.clone()], "title");
    assert_eq!(title.value.as_str(), Some("Héllo 😀"));
    assert_eq!(&text[title.value.range.clone()], "\"Héllo 😀\"");
    assert_eq!(root.get("license_id").unwrap().value, Value::Missing);
    assert_eq!(
        root.pointer("/contacts/0/name").unwrap().as_str(),
        Some("x")
    );
    assert_eq!(root.pointer("/contacts/1").unwrap().value, Value::Missing);
    assert_eq!(
        root.to_json()["contacts"][0]["displayed"],
        serde_json::json!(["displayed"])
    );
}

#[test]
fn half_typed_yaml_keeps_the_rest() {
    let text = "title: x\ncontacts:\n  - name: a\n    ema\n  - role: \"abc\nlicense_id: 2\nlic";
    let doc = yaml(text);
    let root = doc.root().unwrap();
    assert_eq!(root.get("title").unwrap().as_str(), Some("x"));
    assert_eq!(
        root.pointer("/contacts/0/name").unwrap().as_str(),
        Some("a")
    );
    assert_eq!(
        root.get("license_id").unwrap().to_json(),
        serde_json::json!(2)
    );
    assert!(!doc.syntax_errors().is_empty());
    for e in doc.syntax_errors() {
        assert!(!text[e.range.clone()].contains('\n'), "{e:?}");
    }
}

#[test]
fn json_values_and_missing_value() {
    let text = r#"{"title": "x\u00e9", "license_id": , "contacts": [{"name": "a"}, ], "n": null, "num": 1.5"#;
    let doc = Document::parse(text, Format::Json);
    let root = doc.root().unwrap();
    assert_eq!(root.get("title").unwrap().as_str(), Some("xé"));
    assert_eq!(root.get("license_id").unwrap().value, Value::Missing);
    assert_eq!(
        root.pointer("/contacts/0/name").unwrap().as_str(),
        Some("a")
    );
    assert_eq!(root.get("num").unwrap().to_json(), serde_json::json!(1.5));
    assert!(!doc.syntax_errors().is_empty());
}

#[test]
fn duplicate_keys_are_reported() {
    let doc = yaml("a: 1\na: 2\n");
    assert_eq!(doc.syntax_errors()[0].kind, SyntaxErrorKind::DuplicateKey);
    assert_eq!(
        doc.root().unwrap().get("a").unwrap().to_json(),
        serde_json::json!(2)
    );
}

#[test]
fn alias_bombs_are_cut_off() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = (b'a' + i - 1) as char;
        let name = (b'a' + i) as char;
        let refs = vec![format!("*{prev}"); 10].join(", ");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let doc = yaml(&text);
    assert!(doc
        .syntax_errors()
        .iter()
        .any(|e| e.kind == SyntaxErrorKind::Limit));
}

#[test]
fn deep_nesting_is_bounded() {
    let depth = 10_000;
    let text = format!("a: {}{}", "[".repeat(depth), "]".repeat(depth));
    let doc = yaml(&text);
    assert!(doc
        .syntax_errors()
        .iter()
        .any(|e| e.kind == SyntaxErrorKind::Limit));
    let json = format!("{{\"a\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
    let doc = Document::parse(&json, Format::Json);
    assert!(doc
        .syntax_errors()
        .iter()
        .any(|e| e.kind == SyntaxErrorKind::Limit));
}

#[test]
fn incremental_edits_match_a_fresh_parse() {
    let text = "title: abc\nname: x\ncontacts:\n  - name: é\n";
    let mut doc = yaml(text);
    let at = text.find("abc").unwrap();
    doc.edit(at..at + 3, "dé😀f");
    doc.reparse();
    let fresh = yaml(&doc.text().to_string());
    assert_eq!(doc.root(), fresh.root());
    assert_eq!(
        doc.root().unwrap().get("title").unwrap().as_str(),
        Some("dé😀f")
    );
}

#[test]
fn records_past_tree_sitter_yaml_row_limit_parse_in_segments() {
    let mut text = String::from("contacts:\n");
    for i in 0..(MAX_YAML_LINES / 2 + 10) {
        text.push_str(&format!("  - name: n{i}\n    email: e{i}@x.ca\n"));
    }
    let doc = yaml(&text);
    assert!(
        doc.syntax_errors().is_empty(),
        "{:?}",
        &doc.syntax_errors()[..1]
    );
    let last = MAX_YAML_LINES / 2 + 9;
    assert_eq!(
        doc.root()
            .unwrap()
            .pointer(&format!("/contacts/{last}/name"))
            .unwrap()
            .as_str(),
        Some(format!("n{last}").as_str())
    );
    // one entry that long is refused, plainly
    let text = format!("notes: |\n{}", "  line\n".repeat(MAX_YAML_LINES + 5));
    let doc = yaml(&text);
    assert_eq!(doc.syntax_errors()[0].kind, SyntaxErrorKind::Limit);
}

/// Values, keys and scalar ranges (container ranges may differ in where
/// they end between the two parsers).
fn assert_same(a: &Node, b: &Node) {
    assert_eq!(a.to_json(), b.to_json());
    match (&a.value, &b.value) {
        (Value::Map(x), Value::Map(y)) => {
            for (e, f) in x.iter().zip(y) {
                assert_eq!((&e.key, &e.key_range), (&f.key, &f.key_range));
                assert_same(&e.value, &f.value);
            }
        }
        (Value::Seq(x), Value::Seq(y)) => x.iter().zip(y).for_each(|(m, n)| assert_same(m, n)),
        _ => assert_eq!(a.range, b.range),
    }
}

const RECORD: &str = include_str!("../../examples/water-quality.bcdc.yaml");

#[test]
fn segmented_and_whole_parses_agree() {
    let whole = yaml(RECORD);
    let seg = Document::parse_segmented(RECORD);
    assert_same(whole.root().unwrap(), seg.root().unwrap());
    assert_eq!(whole.syntax_errors(), seg.syntax_errors());
    let broken = RECORD
        .replace("purpose:", "lic\npurpose:")
        .replace("title:", "title: \"open\ntitle2:")
        + "a: 1\n";
    let seg = Document::parse_segmented(&broken);
    assert!(seg
        .syntax_errors()
        .iter()
        .any(|e| e.kind == SyntaxErrorKind::Syntax));
    assert_eq!(
        seg.root().unwrap().get("security_class").unwrap().as_str(),
        Some("PUBLIC")
    );
}

#[test]
fn segmented_edits_reuse_and_match_a_fresh_parse() {
    let mut doc = Document::parse_segmented(RECORD);
    let at = RECORD.find("Jane Doe").unwrap();
    doc.edit(at..at + 4, "Zoë 😀");
    doc.reparse();
    let fresh = Document::parse_segmented(&doc.text().to_string());
    assert_eq!(doc.root(), fresh.root());
    assert_eq!(doc.syntax_errors(), fresh.syntax_errors());
    assert_eq!(
        doc.root()
            .unwrap()
            .pointer("/contacts/0/name")
            .unwrap()
            .as_str(),
        Some("Zoë 😀 Doe")
    );
    // a new top-level key typed before the lists moves everything after it
    doc.edit(0..0, "id: abc\n");
    doc.reparse();
    let fresh = Document::parse_segmented(&doc.text().to_string());
    assert_eq!(doc.root(), fresh.root());
}

#[test]
fn aliases_may_use_anchors_of_earlier_segments() {
    let text = format!("{RECORD}x: &a {{k: 1}}\ny: *a\nz:\n  - *a\n");
    let doc = Document::parse_segmented(&text);
    let whole = yaml(&text);
    assert_eq!(
        doc.root().unwrap().to_json(),
        whole.root().unwrap().to_json()
    );
    assert_eq!(
        doc.root().unwrap().pointer("/z/0/k").unwrap().to_json(),
        serde_json::json!(1)
    );
    // an expansion stands where its alias is
    let y = doc.root().unwrap().pointer("/y/k").unwrap();
    assert_eq!(&text[y.range.clone()], "*a");
}

#[test]
fn editing_an_anchor_updates_every_alias() {
    let mut text = format!("{RECORD}x: &a one\n");
    for i in 0..5 {
        text.push_str(&format!("y{i}: *a\n"));
    }
    let mut doc = Document::parse_segmented(&text);
    let at = text.find("one").unwrap();
    doc.edit(at..at + 3, "two");
    doc.reparse();
    let now = doc.text().to_string();
    assert_eq!(doc.root(), Document::parse_segmented(&now).root());
    assert_eq!(doc.root().unwrap().get("y4").unwrap().as_str(), Some("two"));
    // an edit between the anchor and its aliases moves the aliases only
    let at = now.find("y2").unwrap();
    doc.edit(at..at, "w: 1\n");
    doc.reparse();
    let now = doc.text().to_string();
    assert_eq!(doc.root(), Document::parse_segmented(&now).root());
}

#[test]
fn alias_bombs_across_segments_are_cut_off() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = (b'a' + i - 1) as char;
        let name = (b'a' + i) as char;
        let refs = vec![format!("*{prev}"); 10].join(", ");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let doc = Document::parse_segmented(&text);
    assert!(doc
        .syntax_errors()
        .iter()
        .any(|e| e.kind == SyntaxErrorKind::Limit));
}

#[test]
fn locate_shows_each_spot() {
    let text = "# c\ntitle: T\nkeys: [a, b]\nempty:\nlist:\n  - name: A\n  - \n  - x\n";
    let doc = yaml(text);
    let at = |p: &str, spot| &text[doc.locate(p, spot)];
    // a scalar: its value, whatever the spot, but an object's key
    assert_eq!(at("/title", Spot::Value), "T");
    assert_eq!(at("/title", Spot::Field), "T");
    assert_eq!(at("/title", Spot::Object), "title");
    // a list: the whole value, or its key
    assert_eq!(at("/keys", Spot::Value), "[a, b]");
    assert_eq!(at("/keys", Spot::Field), "keys");
    // an empty value: its key
    assert_eq!(at("/empty", Spot::Value), "empty");
    // list items: the item, its first key, or the `-` of an empty one
    assert_eq!(at("/list/0", Spot::Value), "name: A");
    assert_eq!(at("/list/0", Spot::Field), "name");
    assert_eq!(at("/list/1", Spot::Object), "-");
    assert_eq!(at("/list/1", Spot::Field), "# c");
    assert_eq!(at("/list/2", Spot::Field), "x");
    // nothing there: the nearest ancestor, as an object or a field
    assert_eq!(at("/list/0/role", Spot::Value), "name");
    assert_eq!(at("/title/x", Spot::Object), "title");
    assert_eq!(at("/title/x", Spot::Field), "T");
    assert_eq!(at("/missing", Spot::Value), "# c");
}

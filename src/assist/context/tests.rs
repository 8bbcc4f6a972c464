use super::*;

/// The cursor at `‸` in `text`.
fn at(text: &str, format: Format) -> Option<Cursor> {
    let offset = text.find('‸').expect("a cursor mark");
    let clean = text.replace('‸', "");
    cursor(&Document::parse(&clean, format), offset)
}

fn yaml(text: &str) -> Cursor {
    at(text, Format::Yaml).unwrap_or_else(|| panic!("no cursor in {text:?}"))
}

fn json(text: &str) -> Cursor {
    at(text, Format::Json).unwrap_or_else(|| panic!("no cursor in {text:?}"))
}

fn value(pointer: &str) -> Place {
    Place::Value {
        pointer: pointer.into(),
    }
}

fn key(object: &str) -> Place {
    Place::Key {
        object: object.into(),
    }
}

const CONTACTS: &str = "title: x\ncontacts:\n  - name: Jane\n    email: j@x\n";

#[test]
fn yaml_values_empty_partial_and_quoted() {
    let c = yaml("title: x\nsecurity_class: ‸\n");
    assert_eq!(c.place, value("/security_class"));
    assert_eq!(
        (c.prefix.as_str(), c.token.is_empty(), c.pad),
        ("", true, false)
    );

    let c = yaml("security_class:‸");
    assert!(c.pad);

    let text = "security_class: PRO‸TE  # note\n";
    let c = yaml(text);
    assert_eq!(c.prefix, "PRO");
    assert_eq!(&text.replace('‸', "")[c.token.clone()], "PROTE");

    let text = "security_class: \"PRO‸\"\n";
    let c = yaml(text);
    assert_eq!(
        (c.quote, c.closed, c.prefix.as_str()),
        (Some('"'), true, "PRO")
    );
    assert_eq!(&text.replace('‸', "")[c.content()], "PRO");

    let c = yaml("security_class: 'it''s ‸");
    assert_eq!(
        (c.quote, c.closed, c.prefix.as_str()),
        (Some('\''), false, "it's ")
    );

    // in a comment, or after a finished quoted value: nothing
    assert_eq!(at("security_class: x # ‸", Format::Yaml), None);
    assert_eq!(at("security_class: \"x\" ‸", Format::Yaml), None);
}

#[test]
fn yaml_nested_keys_and_values_get_pointers() {
    let c = yaml(&format!("{CONTACTS}    role: ‸\n"));
    assert_eq!(c.place, value("/contacts/0/role"));
    let c = yaml(&format!("{CONTACTS}    ro‸\n"));
    assert_eq!(c.place, key("/contacts/0"));
    assert_eq!((c.prefix.as_str(), c.indent.len()), ("ro", 4));
    let c = yaml(&format!("{CONTACTS}  - name: B\n    ‸\n"));
    assert_eq!(c.place, key("/contacts/1"));
    let c = yaml(&format!("{CONTACTS}‸"));
    assert_eq!(c.place, key(""));
    // a new item of the list
    let c = yaml(&format!("{CONTACTS}  - ‸"));
    assert_eq!(
        c.place,
        Place::ItemStart {
            list: "/contacts".into(),
            index: 1
        }
    );
    // under the list's key, where `- ` would go
    let c = yaml("contacts:\n  ‸");
    assert_eq!(c.place, key("/contacts"));
    // an indentless list
    let c = yaml("contacts:\n- name: a\n- role: ‸");
    assert_eq!(c.place, value("/contacts/1/role"));
}

#[test]
fn yaml_skips_block_scalars_and_multi_line_values() {
    let text = "notes: |\n  line one\n  role: no\nsecurity_class: ‸";
    assert_eq!(yaml(text).place, value("/security_class"));
    assert_eq!(at("notes: |\n  some ‸", Format::Yaml), None);
    let text = "contacts: [\n  a,\n  b]\nlicense_id: ‸";
    assert_eq!(yaml(text).place, value("/license_id"));
    let text = "# c\n---\ntitle: x\n\n   # indented comment\nresources:\n  - name: r\n    description: >\n      text\n    format: ‸";
    assert_eq!(yaml(text).place, value("/resources/0/format"));
}

#[test]
fn yaml_list_items_in_flow_and_block_style() {
    let text = "contacts:\n  - displayed: [displayed, dis‸]\n";
    let c = yaml(text);
    assert_eq!(
        c.place,
        Place::Item {
            list: "/contacts/0/displayed".into(),
            index: 1
        }
    );
    assert_eq!((c.prefix.as_str(), c.flow), ("dis", true));
    let c = yaml("contacts:\n  - displayed: [‸]\n");
    assert!(c.token.is_empty() && c.flow);
    let c = yaml("iso_topic_category:\n  - biota\n  - \"cli‸\"");
    assert_eq!(
        c.place,
        Place::ItemStart {
            list: "/iso_topic_category".into(),
            index: 1
        }
    );
    assert_eq!((c.quote, c.prefix.as_str()), (Some('"'), "cli"));
}

#[test]
fn yaml_key_being_edited_has_a_colon() {
    let text = "titl‸e: x\n";
    let c = yaml(text);
    assert_eq!(c.place, key(""));
    assert!(c.has_colon);
    assert_eq!(&text.replace('‸', "")[c.token.clone()], "title");
}

#[test]
fn json_keys_values_and_items() {
    let c = json("{\"title\": \"x\", \"security_class\": ‸}");
    assert_eq!(c.place, value("/security_class"));
    assert!(c.token.is_empty());
    let c = json("{\"security_class\": \"PRO‸\"}");
    assert_eq!(
        (c.quote, c.closed, c.prefix.as_str()),
        (Some('"'), true, "PRO")
    );
    let c = json("{\"security_class\": \"PRO‸");
    assert!(!c.closed);
    let c = json("{\"contacts\": [{\"name\": \"a\"}, {\"role\": \"‸\"}]}");
    assert_eq!(c.place, value("/contacts/1/role"));
    let c = json("{\"contacts\": [{\"displayed\": [\"a\", ‸]}]}");
    assert_eq!(
        c.place,
        Place::Item {
            list: "/contacts/0/displayed".into(),
            index: 1
        }
    );
    let text = "{\n  \"title\": \"x\",\n  \"sec‸\"\n}";
    let c = json(text);
    assert_eq!((c.place.clone(), c.prefix.as_str()), (key(""), "sec"));
    assert_eq!(&text.replace('‸', "")[c.token.clone()], "\"sec\"");
    assert_eq!(c.indent, "  ");
    let c = json("{\"title\": \"x\", ‸");
    assert_eq!(c.place, key(""));
    let c = json("{\"ti‸tle\": \"x\"}");
    assert!(c.has_colon);
    // after a finished member, a new one; after an item, nothing
    assert_eq!(json("{\"title\": \"x\" ‸}").place, key(""));
    assert_eq!(at("{\"l\": [\"x\" ‸]}", Format::Json), None);
}

#[test]
fn hover_targets_keys_and_values() {
    let text = "title: x\ncontacts:\n  - name: Jane\n    displayed: [displayed]\n";
    let doc = Document::parse(text, Format::Yaml);
    let t = target(&doc, text.find("name").unwrap() + 1).unwrap();
    assert_eq!((t.pointer.as_str(), t.on_key), ("/contacts/0/name", true));
    let t = target(&doc, text.find("[displayed").unwrap() + 3).unwrap();
    assert_eq!(
        (t.pointer.as_str(), t.on_key),
        ("/contacts/0/displayed/0", false)
    );
    assert_eq!(&text[t.range], "displayed");
}

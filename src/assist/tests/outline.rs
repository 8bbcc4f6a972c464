use super::*;
use crate::assist::outline::{outline, Symbol, SymbolKind};

fn named<'a>(symbols: &'a [Symbol], name: &str) -> &'a Symbol {
    symbols
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no symbol {name}"))
}

#[test]
fn outline_nests_contacts_and_resources_named_by_name() {
    let doc = Document::parse(VALID, Format::Yaml);
    let symbols = outline(&doc, schema());
    assert_eq!(symbols[0].name, "type");
    let contacts = named(&symbols, "contacts");
    assert_eq!(contacts.kind, SymbolKind::Array);
    assert_eq!(contacts.detail.as_deref(), Some("Contacts"));
    let names: Vec<&str> = contacts.children.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Jane Doe", "Water Data Team"]);
    let jane = &contacts.children[0];
    assert!(VALID[jane.range.clone()].starts_with("- name: Jane Doe"));
    assert!(VALID[jane.range.clone()].ends_with("displayed: [displayed]"));
    assert_eq!(&VALID[jane.selection_range.clone()], "Jane Doe");
    assert_eq!(
        named(&jane.children, "role").detail.as_deref(),
        Some("pointOfContact")
    );
    let resources = named(&symbols, "resources");
    let r = &resources.children[0];
    assert_eq!(r.name, "Okanagan Lake samples (CSV)");
    assert!(VALID[r.range.clone()]
        .trim_end()
        .ends_with("end_date: 2024-12-31"));
    let extent = named(&r.children, "temporal_extent");
    assert_eq!(extent.children[0].name, "Data Collection Period 1");
    // ranges hold their selection ranges
    fn nested(s: &Symbol) {
        assert!(s.range.start <= s.selection_range.start && s.selection_range.end <= s.range.end);
        s.children.iter().for_each(nested);
    }
    symbols.iter().for_each(nested);
    let notes = named(&symbols, "notes");
    assert!(notes.detail.as_deref().unwrap().ends_with('…'));
}

#[test]
fn outline_of_json_and_of_nothing() {
    let json = valid_json();
    let doc = Document::parse(&json, Format::Json);
    let symbols = outline(&doc, schema());
    let contacts = named(&symbols, "contacts");
    assert_eq!(contacts.children[1].name, "Water Data Team");
    assert!(json[contacts.children[1].range.clone()].starts_with('{'));
    assert!(outline(&Document::parse("", Format::Yaml), schema()).is_empty());
}

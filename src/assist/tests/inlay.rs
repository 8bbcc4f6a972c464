use super::*;
use crate::assist::inlay::{inlay_hints, InlayHint, Sources};
use crate::assist::Dynamic;
use crate::schema::Choice;

fn orgs() -> Dynamic {
    let org = |value: &str, label: &str| Choice {
        value: value.into(),
        label: label.into(),
        next: Vec::new(),
    };
    Dynamic {
        organizations: vec![
            org("lsp-test-org", "Ministry of Water"),
            org("0a1b", "Ministry of Forests"),
            org("same", "same"),
        ],
        ..Dynamic::default()
    }
}

fn sources() -> Sources {
    Sources {
        licences: "the BCDC licence list".into(),
        organizations: "the organizations of the `test` catalogue".into(),
    }
}

fn all_hints(text: &str, format: Format, extra: &Dynamic) -> Vec<InlayHint> {
    let doc = Document::parse(text, format);
    inlay_hints(&doc, schema(), extra, &sources(), 0..text.len())
}

/// Each hint as (the text of its line up to the hint, its label).
fn hints(text: &str, format: Format, extra: &Dynamic) -> Vec<(String, String)> {
    all_hints(text, format, extra)
        .into_iter()
        .map(|h| {
            let line_start = text[..h.offset].rfind('\n').map_or(0, |i| i + 1);
            (text[line_start..h.offset].trim().to_string(), h.label)
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

const WATER: &str = "Ministry of Water";
const OGL: &str = "Open Government Licence - British Columbia";

#[test]
fn licence_and_organization_ids_show_their_titles_in_yaml() {
    assert_eq!(
        hints(VALID, Format::Yaml, &orgs()),
        pairs(&[
            ("owner_org: lsp-test-org", WATER),
            ("license_id: \"2\"", OGL),
            ("org: lsp-test-org", WATER),
            ("org: lsp-test-org", WATER),
        ])
    );
    let h = &all_hints(VALID, Format::Yaml, &orgs())[1];
    assert_eq!(
        h.tooltip,
        format!("Licence `2` is \"{OGL}\" in the BCDC licence list.")
    );
    let h = &all_hints(VALID, Format::Yaml, &orgs())[0];
    assert!(
        h.tooltip.ends_with(
            "`lsp-test-org` is \"Ministry of Water\" in the organizations of the `test` catalogue."
        ),
        "{}",
        h.tooltip
    );
}

#[test]
fn plain_single_quoted_and_json_values() {
    let text = VALID.replace("license_id: \"2\"", "license_id: 2");
    assert!(hints(&text, Format::Yaml, &Dynamic::default())
        .contains(&("license_id: 2".to_string(), OGL.to_string())));
    let text = VALID.replace("license_id: \"2\"", "license_id: '2'");
    assert!(hints(&text, Format::Yaml, &Dynamic::default())
        .contains(&("license_id: '2'".to_string(), OGL.to_string())));
    assert_eq!(
        hints(&valid_json(), Format::Json, &orgs()),
        pairs(&[
            ("\"owner_org\": \"lsp-test-org\"", WATER),
            ("\"license_id\": \"2\"", OGL),
            ("\"org\": \"lsp-test-org\"", WATER),
            ("\"org\": \"lsp-test-org\"", WATER),
        ])
    );
}

#[test]
fn unknown_ids_titles_and_values_that_are_their_title_get_nothing() {
    // no organization list yet: only the licence
    assert_eq!(
        hints(VALID, Format::Yaml, &Dynamic::default()),
        pairs(&[("license_id: \"2\"", OGL)])
    );
    let text = VALID
        .replace("license_id: \"2\"", "license_id: \"999\"")
        .replace("owner_org: lsp-test-org", "owner_org: same")
        .replace(
            "org: lsp-test-org\n    role: custodian",
            "org: nobody\n    role: custodian",
        );
    assert_eq!(
        hints(&text, Format::Yaml, &orgs()),
        pairs(&[("org: lsp-test-org", WATER)])
    );
    // an id-like value in a field that takes no id
    let text = "type: bcdc_dataset\ntitle: lsp-test-org\npurpose: 2\n";
    assert!(hints(text, Format::Yaml, &orgs()).is_empty());
}

#[test]
fn half_typed_documents_hint_what_parses() {
    let text = "owner_org: 0a1b\nlicense_id:\ncontacts:\n  - org: lsp-test-org\n  - org: \n  - \n";
    assert_eq!(
        hints(text, Format::Yaml, &orgs()),
        pairs(&[
            ("owner_org: 0a1b", "Ministry of Forests"),
            ("- org: lsp-test-org", WATER),
        ])
    );
    let text = "{\"license_id\": \"2\", \"owner_org\": \"0a";
    assert_eq!(
        hints(text, Format::Json, &orgs()),
        pairs(&[("{\"license_id\": \"2\"", OGL)])
    );
    assert!(hints("", Format::Yaml, &orgs()).is_empty());
    assert!(hints("- 2\n- [", Format::Yaml, &orgs()).is_empty());
}

#[test]
fn only_the_hints_in_the_range_asked() {
    let doc = Document::parse(VALID, Format::Yaml);
    let licence_end = VALID.find("license_id: \"2\"").unwrap() + "license_id: \"2\"".len();
    let got = inlay_hints(&doc, schema(), &orgs(), &sources(), 0..licence_end);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].offset, licence_end);
    let got = inlay_hints(
        &doc,
        schema(),
        &orgs(),
        &sources(),
        licence_end + 1..VALID.len(),
    );
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|h| h.label == WATER));
}

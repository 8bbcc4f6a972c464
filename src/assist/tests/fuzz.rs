//! Random edits (the checker's fuzz fragments: punctuation, non-ASCII,
//! half-typed lines): completion, hover, quick fixes and the outline never
//! panic, and every range they return lies on character boundaries inside
//! the text, at every cursor position.

use super::*;
use crate::assist::{completion, fixes, hover, outline, Dynamic};
use crate::check::fuzz_tests::{edits, FRAGMENTS, RECORD};
use proptest::prelude::*;

fn edited(base: &str, edits: &[(f64, usize, usize)]) -> String {
    let mut text = base.to_string();
    for &(at, del, frag) in edits {
        let mut start = (at * text.len() as f64) as usize;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + del).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text.replace_range(start..end, FRAGMENTS[frag]);
    }
    text
}

fn assert_range(text: &str, r: &std::ops::Range<usize>, what: &str) {
    assert!(
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end),
        "{what}: {r:?} in {} bytes",
        text.len()
    );
}

fn assist_everywhere(text: &str, format: Format) {
    let doc = Document::parse(text, format);
    let extra = Dynamic {
        organizations: vec![crate::schema::Choice {
            value: "o".into(),
            label: "Org é".into(),
            next: Vec::new(),
        }],
        keywords: vec!["water".into(), "lac é".into()],
        publish_state: crate::assist::CatalogueState::Unreachable,
    };
    for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
        for c in completion::complete(&doc, schema(), offset, &extra) {
            assert_range(text, &c.replace_range, "completion");
            assert!(
                c.replace_range.start <= offset && offset <= c.replace_range.end,
                "{offset} {:?} {:?} {:?} {:?}",
                c.replace_range,
                c.label,
                crate::assist::context::cursor(&doc, offset),
                &text[offset.saturating_sub(40)..(offset + 40).min(text.len())]
            );
            for e in &c.additional_edits {
                assert_range(text, &e.range, "completion edit");
            }
        }
        if let Some(h) = hover::hover(&doc, schema(), offset, &extra) {
            assert_range(text, &h.range, "hover");
        }
    }
    let diagnostics = crate::check::check(&doc, schema());
    for d in &diagnostics {
        for f in fixes::quick_fixes(&doc, schema(), d.range.clone(), std::slice::from_ref(d)) {
            for e in &f.edits {
                assert_range(text, &e.range, "fix");
            }
            // the fixed text parses and checks without trouble
            let fixed = apply(text, &f.edits);
            crate::check::check(&Document::parse(&fixed, format), schema());
        }
    }
    fn symbols(text: &str, s: &[outline::Symbol]) {
        for s in s {
            assert_range(text, &s.range, "symbol");
            assert_range(text, &s.selection_range, "symbol selection");
            symbols(text, &s.children);
        }
    }
    symbols(text, &outline::outline(&doc, schema()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_edits_to_a_yaml_record(edits in edits()) {
        assist_everywhere(&edited(RECORD, &edits), Format::Yaml);
    }

    #[test]
    fn random_edits_to_a_json_record(edits in edits()) {
        assist_everywhere(&edited(&valid_json(), &edits), Format::Json);
    }
}

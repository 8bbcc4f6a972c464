//! Reply classification against real CKAN 2.11 replies (captured from the local test
//! catalogue; copies in tests/catalogue_fixtures so the repo alone runs them).

use bcdc_lsp::catalogue::error::{classify_reply, Reply};
use bcdc_lsp::catalogue::{AuthProblem, CatalogueError};
use serde_json::Value;

fn replay(file: &str, key_sent: bool) -> Result<Value, CatalogueError> {
    let path = format!(
        "{}/tests/catalogue_fixtures/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let capture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let response = &capture["response"];
    let body = response["body"].to_string();
    let reply = Reply {
        status: response["status"].as_u64().unwrap() as u16,
        content_type: response["content_type"].as_str(),
        location: None,
        body: body.as_bytes(),
    };
    classify_reply("127.0.0.1:5000", &reply, key_sent, Some("the-id"))
}

#[test]
fn create_success_gives_the_package() {
    let result = replay("10_package_create_valid.json", true).unwrap();
    assert_eq!(result["id"], "9ffb4858-75aa-46b4-a645-7655a6ba9e72");
    assert_eq!(result["name"], "lsp-e2e-1795733796");
}

#[test]
fn multiple_errors_map_to_pointers() {
    let err = replay("12_package_create_multiple_errors.json", true).unwrap_err();
    let CatalogueError::Validation {
        fields, general, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(general.is_empty());
    let got: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.pointer.as_str(), f.messages[0].as_str()))
        .collect();
    assert!(fields.iter().all(|f| f.messages.len() == 1));
    assert_eq!(
        got,
        [
            (
                "/name",
                "Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"
            ),
            ("/notes", "Missing value"),
            (
                "/security_class",
                "must be one of PUBLIC, PROTECTED A, PROTECTED B, PROTECTED C"
            ),
            ("/contacts/0/email", "Missing value"),
            ("/dates/0/date", "Date format incorrect"),
        ]
    );
}

#[test]
fn invalid_choice_on_patch() {
    let err = replay("21_package_patch_invalid_choice.json", true).unwrap_err();
    assert!(err
        .to_string()
        .contains("publish_state: must be one of DRAFT, PENDING PUBLISH, PUBLISHED, PENDING ARCHIVE, ARCHIVED"));
}

#[test]
fn not_found() {
    let err = replay("31_package_show_not_found.json", true).unwrap_err();
    assert!(matches!(err, CatalogueError::NotFound { .. }), "{err:?}");
}

#[test]
fn bad_and_missing_tokens() {
    for (file, key_sent, want) in [
        (
            "40_package_create_bad_token.json",
            true,
            AuthProblem::KeyRejected,
        ),
        (
            "41_package_patch_bad_token.json",
            true,
            AuthProblem::KeyRejected,
        ),
        ("42_package_create_no_token.json", false, AuthProblem::NoKey),
    ] {
        match replay(file, key_sent).unwrap_err() {
            CatalogueError::Auth { problem, .. } => assert_eq!(problem, want, "{file}"),
            other => panic!("{file}: {other:?}"),
        }
    }
}

#[test]
fn search_index_down_is_a_server_error_and_nothing_was_created() {
    let err = replay("90_package_create_solr_down.json", true).unwrap_err();
    assert!(
        matches!(err, CatalogueError::Server { status: 500, .. }),
        "{err:?}"
    );
    // CKAN rolled the create back: a retry need not check for a half-made record.
    assert!(!err.outcome_unknown());
    assert!(err.to_string().contains("Search Index Error"));
}

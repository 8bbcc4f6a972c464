//! The stock ckanext-scheming presets, and ckanext-fluent's (common on
//! multilingual portals), for schemas read before expansion (a YAML/JSON file
//! as written, rather than what `scheming_dataset_schema_show` serves). ckanext-scheming merges a field over its preset: every key the
//! field has wins, so a field's own `validators` replace the preset's whole.
//! Only the keys that decide how a value is checked are listed.

use serde_json::{Map, Value as J};

struct Preset {
    name: &'static str,
    validators: &'static str,
    output_validators: &'static str,
    form_snippet: &'static str,
}

const fn preset(
    name: &'static str,
    validators: &'static str,
    output_validators: &'static str,
    form_snippet: &'static str,
) -> Preset {
    Preset {
        name,
        validators,
        output_validators,
        form_snippet,
    }
}

const STOCK: &[Preset] = &[
    preset(
        "title",
        "if_empty_same_as(name) unicode_safe",
        "",
        "large_text.html",
    ),
    preset(
        "dataset_slug",
        "not_empty unicode_safe name_validator package_name_validator",
        "",
        "slug.html",
    ),
    preset(
        "tag_string_autocomplete",
        "ignore_missing tag_string_convert",
        "",
        "",
    ),
    preset(
        "dataset_organization",
        "owner_org_validator unicode_safe",
        "",
        "organization.html",
    ),
    preset(
        "resource_url_upload",
        "ignore_missing unicode_safe remove_whitespace",
        "",
        "upload.html",
    ),
    preset(
        "organization_url_upload",
        "ignore_missing unicode_safe remove_whitespace",
        "",
        "organization_upload.html",
    ),
    preset(
        "resource_format_autocomplete",
        "if_empty_guess_format ignore_missing clean_format unicode_safe",
        "",
        "",
    ),
    preset(
        "select",
        "scheming_required scheming_choices",
        "",
        "select.html",
    ),
    preset(
        "radio",
        "scheming_required scheming_choices",
        "",
        "radio.html",
    ),
    preset(
        "multiple_checkbox",
        "scheming_multiple_choice",
        "scheming_multiple_choice_output",
        "multiple_checkbox.html",
    ),
    preset(
        "multiple_select",
        "scheming_multiple_choice",
        "scheming_multiple_choice_output",
        "multiple_select.html",
    ),
    preset(
        "date",
        "scheming_required isodate convert_to_json_if_date",
        "",
        "date.html",
    ),
    preset(
        "datetime",
        "scheming_isodatetime convert_to_json_if_datetime",
        "",
        "datetime.html",
    ),
    preset(
        "datetime_tz",
        "scheming_isodatetime_tz convert_to_json_if_datetime",
        "",
        "datetime_tz.html",
    ),
    preset(
        "json_object",
        "scheming_required scheming_valid_json_object",
        "scheming_load_json",
        "json.html",
    ),
    preset(
        "multiple_text",
        "scheming_multiple_text",
        "scheming_load_json",
        "multiple_text.html",
    ),
    preset("markdown", "", "", "markdown.html"),
    // ckanext-fluent (ckanext/fluent/presets.json)
    preset(
        "fluent_core_translated",
        "fluent_text",
        "fluent_core_translated_output",
        "fluent_text.html",
    ),
    preset(
        "fluent_text",
        "fluent_text",
        "fluent_text_output",
        "fluent_text.html",
    ),
    preset(
        "fluent_markdown",
        "fluent_text",
        "fluent_text_output",
        "fluent_markdown.html",
    ),
    preset(
        "fluent_link",
        "fluent_text",
        "fluent_text_output",
        "fluent_text.html",
    ),
    preset(
        "fluent_tags",
        "fluent_tags",
        "fluent_tags_output",
        "fluent_tags.html",
    ),
];

/// The field with its stock preset's keys added where the field has none
/// (a served schema is already expanded, so this changes nothing there).
pub(super) fn expand(field: &Map<String, J>) -> Map<String, J> {
    let name = field.get("preset").and_then(J::as_str);
    let Some(p) = STOCK.iter().find(|p| Some(p.name) == name) else {
        return field.clone();
    };
    let mut out = field.clone();
    for (key, value) in [
        ("validators", p.validators),
        ("output_validators", p.output_validators),
        ("form_snippet", p.form_snippet),
    ] {
        if !value.is_empty() && !out.contains_key(key) {
            out.insert(key.to_string(), J::String(value.to_string()));
        }
    }
    out
}

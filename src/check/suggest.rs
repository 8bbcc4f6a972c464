//! "Did you mean": labels typed for values, near spellings, and field names
//! typed the way another API or an old schema spelled them.

use crate::schema::{Choice, Field};

/// Lowercase letters and digits only: `Protected-A` ~ `PROTECTED A`,
/// `On Going` ~ `onGoing`, `published_by` ~ `Published By`.
pub fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The allowed value meant by `typed`: one whose value or label matches
/// when normalised, else the nearest value or label within a small edit
/// distance.
pub fn choice<'a>(typed: &str, choices: &'a [Choice]) -> Option<&'a Choice> {
    let t = normalise(typed);
    if t.is_empty() {
        return None;
    }
    if let Some(c) = choices
        .iter()
        .find(|c| normalise(&c.value) == t || normalise(&c.label) == t)
    {
        return Some(c);
    }
    nearest(
        &t,
        choices
            .iter()
            .flat_map(|c| [(normalise(&c.value), c), (normalise(&c.label), c)]),
    )
}

/// Keys that core CKAN's API spells differently from a record file.
const CKAN_KEY_MISTAKES: [(&str, &str); 2] = [("package_id", "id"), ("dataset_id", "id")];

/// The known key meant by an unknown one: a CKAN API spelling, a field's
/// label typed as a key (`description` → `notes`, whose label is
/// "Description"; `published_by` → `owner_org`), or a near spelling.
pub fn field_name(typed: &str, fields: &[Field], core: &[&str]) -> Option<String> {
    if let Some((_, to)) = CKAN_KEY_MISTAKES.iter().find(|(from, _)| *from == typed) {
        if core.contains(to) {
            return Some((*to).to_string());
        }
    }
    let t = normalise(typed);
    if let Some(f) = fields
        .iter()
        .find(|f| !f.system && normalise(&f.label) == t)
    {
        return Some(f.name.clone());
    }
    let names = fields
        .iter()
        .map(|f| f.name.as_str())
        .chain(core.iter().copied())
        .map(|n| (normalise(n), n));
    nearest(&t, names).map(str::to_string)
}

/// The candidate closest to `t` by edit distance, if close enough to be a
/// typo (one edit per four characters, at most three; none for short text,
/// where any value is "near": `99` is no typo of `49`).
fn nearest<T>(t: &str, candidates: impl Iterator<Item = (String, T)>) -> Option<T> {
    let len = t.chars().count();
    if len < 4 {
        return None;
    }
    let limit = (len / 4).clamp(1, 3);
    candidates
        .map(|(c, item)| (strsim::damerau_levenshtein(t, &c), item))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, item)| item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    #[test]
    fn labels_and_near_spellings_suggest_values() {
        let s = Schema::embedded();
        let class = s.field_at("/security_class").unwrap();
        assert_eq!(
            choice("Protected-A", &class.choices).unwrap().value,
            "PROTECTED A"
        );
        assert_eq!(choice("publc", &class.choices).unwrap().value, "PUBLIC");
        assert!(choice("zzzzzz", &class.choices).is_none());
        let status = s.field_at("/resource_status").unwrap();
        assert_eq!(
            choice("On Going", &status.choices).unwrap().value,
            "onGoing"
        );
    }

    #[test]
    fn known_mistakes_and_labels_suggest_fields() {
        let s = Schema::embedded();
        let core: Vec<&str> = crate::schema::ckan_core::dataset_keys().collect();
        let f = |k| field_name(k, &s.dataset_fields, &core);
        assert_eq!(f("description").as_deref(), Some("notes"));
        assert_eq!(f("published_by").as_deref(), Some("owner_org"));
        assert_eq!(f("package_id").as_deref(), Some("id"));
        assert_eq!(f("licence_id").as_deref(), Some("license_id"));
        assert_eq!(f("completely_unrelated"), None);
    }
}

//! Quality scores in the dimensions of the European data portal's Metadata Quality
//! Assessment (findability, accessibility, interoperability, reusability, context), with
//! points for what a scheming schema can tell. Every indicator finds its fields by the
//! schema's kinds, presets and names (documented in README.md, "Scores"), so another
//! portal gets a sensible score from its own schema. An indicator that does not apply
//! (the schema has no such field, links were not checked, no regular update cycle) is left
//! out of the record's maximum. Pure: the clock comes in as `today` (days since 1970).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};

use super::links::{links_of, LinkStatus};
use super::report::{name_and_org, AuditedRecord};
use crate::schema::{Field, FieldKind, Schema};

/// The five dimensions, in MQA's order.
pub const DIMENSIONS: [&str; 5] = [
    "findability",
    "accessibility",
    "interoperability",
    "reusability",
    "context",
];

/// One indicator: its dimension, points and what it asks, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indicator {
    pub id: &'static str,
    pub dimension: &'static str,
    pub points: u32,
    /// What a record lacks when it misses this: "no keywords".
    pub missing: &'static str,
}

const fn ind(
    id: &'static str,
    dimension: &'static str,
    points: u32,
    missing: &'static str,
) -> Indicator {
    Indicator {
        id,
        dimension,
        points,
        missing,
    }
}

/// Every indicator, with its points (documented in README.md, "Scores").
pub const INDICATORS: [Indicator; 17] = [
    ind("keywords", "findability", 30, "no keywords"),
    ind("topics", "findability", 30, "no topic category"),
    ind("spatial", "findability", 20, "no geographic extent"),
    ind("temporal", "findability", 20, "no temporal extent"),
    ind(
        "access_url",
        "accessibility",
        50,
        "a resource without a URL",
    ),
    ind(
        "links_alive",
        "accessibility",
        50,
        "a broken or failing link",
    ),
    ind(
        "format",
        "interoperability",
        20,
        "a resource without a format",
    ),
    ind(
        "machine_readable",
        "interoperability",
        20,
        "no machine-readable format",
    ),
    ind(
        "schema_valid",
        "interoperability",
        30,
        "errors against the schema",
    ),
    ind("licence", "reusability", 20, "no licence"),
    ind(
        "licence_known",
        "reusability",
        10,
        "a licence not in the catalogue's list",
    ),
    ind(
        "licence_open",
        "reusability",
        20,
        "a licence the list does not call open",
    ),
    ind("contact", "reusability", 20, "no contact e-mail"),
    ind("publisher", "reusability", 10, "no publishing organization"),
    ind("recommended", "context", 20, "optional fields empty"),
    ind("dates", "context", 10, "no dates"),
    ind("update_declared", "context", 10, "no update frequency"),
];

/// Declared and kept are two indicators: kept only applies to a regular cycle.
pub const UPDATE_KEPT: Indicator = ind(
    "update_kept",
    "context",
    20,
    "not updated as often as declared",
);

pub fn indicator(id: &str) -> Option<&'static Indicator> {
    INDICATORS
        .iter()
        .chain(std::iter::once(&UPDATE_KEPT))
        .find(|i| i.id == id)
}

/// Formats a program can read (csv, json, geospatial formats and services, spreadsheets):
/// the open and structured ones of the EU's file-type vocabulary that catalogues use.
pub const MACHINE_READABLE: [&str; 27] = [
    "csv",
    "tsv",
    "json",
    "geojson",
    "jsonld",
    "xml",
    "rdf",
    "ttl",
    "xlsx",
    "xls",
    "ods",
    "kml",
    "kmz",
    "gpkg",
    "shp",
    "gml",
    "fgdb",
    "atom",
    "georss",
    "wms",
    "wmts",
    "wfs",
    "arcgis_rest",
    "openapi-json",
    "parquet",
    "netcdf",
    "e00",
];

/// What the scoring needs besides the records: the licences the list calls open (`None`
/// when the list says nothing of openness), each link's verdict (`None` without
/// `--links`), and today.
pub struct ScoreInputs<'a> {
    pub schema: &'a Schema,
    pub open_licences: Option<&'a HashSet<String>>,
    pub links: Option<&'a HashMap<String, LinkStatus>>,
    /// Days since 1970-01-01.
    pub today: i64,
}

/// One record's score.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordScore {
    pub name: String,
    pub org: String,
    /// 0–100: points earned of the points that apply.
    pub score: f64,
    /// Per dimension: (earned, applicable).
    pub dimensions: [(f64, u32); 5],
    /// Indicators that apply and were not (fully) earned, with the points the record would
    /// gain on the 0–100 scale.
    pub missed: Vec<(&'static str, f64)>,
}

/// A fix that raises the portal's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub indicator: &'static Indicator,
    pub records: usize,
    /// Mean gain per record fixed, on the 0–100 scale.
    pub points_each: f64,
    /// Gain of the portal's score if every one were fixed.
    pub portal_gain: f64,
}

/// Scores of a catalogue.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scores {
    /// Mean of the records' scores.
    pub portal: f64,
    /// Per dimension, the share of applicable points earned over all records (0–100).
    pub dimensions: Vec<(&'static str, f64)>,
    /// (organization, mean score, records), lowest first.
    pub by_org: Vec<(String, f64, usize)>,
    pub records: Vec<RecordScore>,
    /// Most portal points first.
    pub fixes: Vec<Fix>,
}

/// The scores of every dataset, with `audited` the same datasets as checked (by id or name).
pub fn score_all(
    packages: &[Map<String, Value>],
    audited: &[AuditedRecord],
    inputs: &ScoreInputs,
) -> Scores {
    let errors: HashMap<&str, usize> = audited
        .iter()
        .flat_map(|r| [(r.id.as_str(), r.errors()), (r.name.as_str(), r.errors())])
        .collect();
    let records: Vec<RecordScore> = packages
        .iter()
        .map(|p| {
            let key = p
                .get("id")
                .and_then(Value::as_str)
                .or_else(|| p.get("name").and_then(Value::as_str))
                .unwrap_or_default();
            score_record(p, errors.get(key).copied().unwrap_or(0), inputs)
        })
        .collect();
    let n = records.len().max(1) as f64;
    // (a sum of no f64 is -0.0)
    let portal = records.iter().fold(0.0, |sum, r| sum + r.score) / n;
    let dimensions = DIMENSIONS
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (earned, max) = records.iter().fold((0.0, 0u64), |(e, m), r| {
                (e + r.dimensions[i].0, m + u64::from(r.dimensions[i].1))
            });
            (
                *d,
                if max == 0 {
                    100.0
                } else {
                    earned * 100.0 / max as f64
                },
            )
        })
        .collect();
    let mut orgs: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    for r in &records {
        let entry = orgs.entry(&r.org).or_default();
        entry.0 += r.score;
        entry.1 += 1;
    }
    let mut by_org: Vec<(String, f64, usize)> = orgs
        .into_iter()
        .map(|(org, (sum, count))| (org.to_string(), sum / count as f64, count))
        .collect();
    by_org.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut gains: BTreeMap<&'static str, (usize, f64)> = BTreeMap::new();
    for r in &records {
        for (id, gain) in &r.missed {
            let entry = gains.entry(id).or_default();
            entry.0 += 1;
            entry.1 += gain;
        }
    }
    let mut fixes: Vec<Fix> = gains
        .into_iter()
        .filter_map(|(id, (count, total))| {
            Some(Fix {
                indicator: indicator(id)?,
                records: count,
                points_each: total / count as f64,
                portal_gain: total / n,
            })
        })
        .collect();
    fixes.sort_by(|a, b| {
        b.portal_gain
            .total_cmp(&a.portal_gain)
            .then_with(|| a.indicator.id.cmp(b.indicator.id))
    });
    Scores {
        portal,
        dimensions,
        by_org,
        records,
        fixes,
    }
}

/// One dataset's score; `errors` is how many errors `check` found in it.
pub fn score_record(
    package: &Map<String, Value>,
    errors: usize,
    inputs: &ScoreInputs,
) -> RecordScore {
    let schema = inputs.schema;
    let resources: Vec<&Map<String, Value>> = package
        .get("resources")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let mut results: Vec<(&'static str, Option<f64>)> = Vec::new();
    let mut put = |id: &'static str, value: Option<f64>| results.push((id, value));
    let yes = |b: bool| Some(if b { 1.0 } else { 0.0 });
    // Findability
    let keywords = schema
        .dataset_fields
        .iter()
        .filter(|f| f.kind == FieldKind::Tags)
        .any(|f| filled(package.get(&f.name)))
        || filled(package.get("tags"));
    put("keywords", yes(keywords));
    for (id, wanted) in [
        ("topics", is_topic as fn(&Field) -> bool),
        ("spatial", is_spatial),
        ("temporal", is_temporal),
    ] {
        put(id, any_field(package, &resources, schema, wanted));
    }
    // Accessibility
    let url_field = schema
        .resource_fields
        .iter()
        .find(|f| f.preset.as_deref() == Some("resource_url_upload") || f.name == "url");
    put(
        "access_url",
        match url_field {
            Some(f) if !resources.is_empty() => {
                yes(resources.iter().all(|r| filled(r.get(&f.name))))
            }
            _ => None,
        },
    );
    put(
        "links_alive",
        inputs.links.and_then(|statuses| {
            let checked: Vec<&LinkStatus> = links_of(package, schema)
                .iter()
                .filter_map(|l| statuses.get(&l.url))
                .collect();
            if checked.is_empty() {
                None
            } else {
                yes(checked.iter().all(|s| !s.is_broken()))
            }
        }),
    );
    // Interoperability
    let format_field = schema.resource_fields.iter().find(|f| f.name == "format");
    let formats: Vec<String> = match format_field {
        Some(f) => resources
            .iter()
            .filter_map(|r| r.get(&f.name).and_then(Value::as_str))
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect(),
        None => Vec::new(),
    };
    let with_resources = format_field.is_some() && !resources.is_empty();
    put(
        "format",
        with_resources
            .then_some(())
            .and(yes(formats.len() == resources.len())),
    );
    put(
        "machine_readable",
        with_resources.then_some(()).and(yes(formats
            .iter()
            .any(|f| MACHINE_READABLE.contains(&f.as_str())))),
    );
    put("schema_valid", yes(errors == 0));
    // Reusability
    let licence_field = schema
        .dataset_fields
        .iter()
        .find(|f| f.kind == FieldKind::Licence);
    let licence = licence_field
        .and_then(|f| package.get(&f.name))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|l| !l.is_empty());
    put("licence", licence_field.and(yes(licence.is_some())));
    put(
        "licence_known",
        licence_field
            .filter(|_| !schema.licences.is_empty())
            .and(yes(licence.is_some_and(|l| {
                schema.licences.iter().any(|c| c.value == l)
            }))),
    );
    put(
        "licence_open",
        licence_field
            .and(inputs.open_licences)
            .and_then(|open| yes(licence.is_some_and(|l| open.contains(l)))),
    );
    put("contact", contact(package, schema));
    put(
        "publisher",
        schema
            .dataset_fields
            .iter()
            .find(|f| f.kind == FieldKind::Organization)
            .and(yes(
                filled(package.get("owner_org")) || filled(package.get("organization"))
            )),
    );
    // Context
    let recommended: Vec<&Field> = schema
        .dataset_fields
        .iter()
        .filter(|f| !f.required && !f.system && f.condition.is_none())
        // what another indicator already counts
        .filter(|f| !is_topic(f) && !is_spatial(f) && !is_temporal(f) && !is_date(f))
        .filter(|f| {
            !matches!(
                f.kind,
                FieldKind::Organization | FieldKind::Tags | FieldKind::Licence
            )
        })
        .collect();
    put(
        "recommended",
        (!recommended.is_empty()).then(|| {
            recommended
                .iter()
                .filter(|f| filled(package.get(&f.name)))
                .count() as f64
                / recommended.len() as f64
        }),
    );
    let last_change = last_change(package, &resources, schema);
    put("dates", any_field(package, &resources, schema, is_date));
    let cycles = update_cycles(package, &resources, schema);
    put(
        "update_declared",
        cycles
            .as_ref()
            .map(|c| if c.is_empty() { 0.0 } else { 1.0 }),
    );
    // kept: the shortest regular cycle declared, against the newest date of the record
    let shortest = cycles.iter().flatten().filter_map(|c| cycle_days(c)).min();
    put(
        "update_kept",
        shortest.map(|days| {
            let kept = last_change.is_some_and(|last| inputs.today - last <= 2 * days + 7);
            if kept {
                1.0
            } else {
                0.0
            }
        }),
    );
    let (name, org) = name_and_org(package);
    let max: u32 = results
        .iter()
        .filter(|(_, v)| v.is_some())
        .filter_map(|(id, _)| indicator(id))
        .map(|i| i.points)
        .sum();
    let mut dimensions = [(0.0, 0u32); 5];
    let mut earned = 0.0;
    let mut missed = Vec::new();
    for (id, value) in &results {
        let (Some(value), Some(ind)) = (value, indicator(id)) else {
            continue;
        };
        let d = DIMENSIONS
            .iter()
            .position(|d| *d == ind.dimension)
            .expect("known");
        let got = value * f64::from(ind.points);
        dimensions[d].0 += got;
        dimensions[d].1 += ind.points;
        earned += got;
        if *value < 1.0 {
            missed.push((
                ind.id,
                (f64::from(ind.points) - got) * 100.0 / f64::from(max.max(1)),
            ));
        }
    }
    RecordScore {
        name,
        org,
        score: if max == 0 {
            100.0
        } else {
            earned * 100.0 / f64::from(max)
        },
        dimensions,
        missed,
    }
}

/// A value that says something: not null, not blank, not an empty list or object.
fn filled(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty() && s.trim() != "[]" && s.trim() != "{}",
        Some(Value::Array(a)) => a.iter().any(|v| filled(Some(v))),
        Some(Value::Object(o)) => o.values().any(|v| filled(Some(v))),
        Some(_) => true,
    }
}

fn is_topic(f: &Field) -> bool {
    let n = f.name.as_str();
    matches!(
        f.kind,
        FieldKind::Select | FieldKind::MultipleChoice | FieldKind::MultipleText
    ) && (n.contains("topic") || n.contains("theme") || n.contains("categor"))
}

fn is_spatial(f: &Field) -> bool {
    let n = f.name.as_str();
    (n.contains("geographic") || n.contains("spatial") || n.contains("bbox"))
        && (n.contains("extent") || n.contains("coverage") || n == "spatial" || n.contains("bbox"))
}

fn is_temporal(f: &Field) -> bool {
    f.name.contains("temporal")
}

/// A date of the record: a date field (not an archive, expiry or retention date) or a list
/// of dates.
fn is_date(f: &Field) -> bool {
    let n = f.name.as_str();
    let date_kind = matches!(
        f.kind,
        FieldKind::Date | FieldKind::DateTime | FieldKind::DateTimeTz
    );
    let of_record = !(n.contains("archive") || n.contains("expir") || n.contains("retention"));
    (date_kind && of_record)
        || (f.kind == FieldKind::Repeating
            && f.subfields.iter().any(|s| {
                matches!(
                    s.kind,
                    FieldKind::Date | FieldKind::DateTime | FieldKind::DateTimeTz
                )
            })
            && !is_temporal(f))
}

/// Whether a field that `wanted` picks is filled on the dataset or on any resource; `None`
/// when the schema has no such field.
fn any_field(
    package: &Map<String, Value>,
    resources: &[&Map<String, Value>],
    schema: &Schema,
    wanted: fn(&Field) -> bool,
) -> Option<f64> {
    let dataset: Vec<&Field> = schema.dataset_fields.iter().filter(|f| wanted(f)).collect();
    let resource: Vec<&Field> = schema
        .resource_fields
        .iter()
        .filter(|f| wanted(f))
        .collect();
    if dataset.is_empty() && resource.is_empty() {
        return None;
    }
    let found = dataset.iter().any(|f| filled(package.get(&f.name)))
        || resources
            .iter()
            .any(|r| resource.iter().any(|f| filled(r.get(&f.name))));
    Some(if found { 1.0 } else { 0.0 })
}

fn contact(package: &Map<String, Value>, schema: &Schema) -> Option<f64> {
    let mut applies = false;
    let mut found = false;
    for f in &schema.dataset_fields {
        if f.kind == FieldKind::Email {
            applies = true;
            found |= package
                .get(&f.name)
                .and_then(Value::as_str)
                .is_some_and(looks_like_email);
        }
        let emails: Vec<&Field> = f
            .subfields
            .iter()
            .filter(|s| s.kind == FieldKind::Email)
            .collect();
        if !emails.is_empty() {
            applies = true;
            let value = package.get(&f.name);
            let decoded = value
                .and_then(Value::as_str)
                .and_then(|t| serde_json::from_str(t).ok());
            let entries = decoded.as_ref().or(value).and_then(Value::as_array);
            found |= entries.into_iter().flatten().any(|e| {
                emails.iter().any(|s| {
                    e.get(&s.name)
                        .and_then(Value::as_str)
                        .is_some_and(looks_like_email)
                })
            });
        }
    }
    applies.then_some(if found { 1.0 } else { 0.0 })
}

fn looks_like_email(text: &str) -> bool {
    let text = text.trim();
    text.split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !text.contains(' '))
}

/// The update cycles a record declares (values of select fields named like
/// `update_cycle`, `frequency` or `accrual_periodicity`); `None` when the schema has none.
fn update_cycles(
    package: &Map<String, Value>,
    resources: &[&Map<String, Value>],
    schema: &Schema,
) -> Option<Vec<String>> {
    let is_cycle = |f: &&Field| {
        let n = f.name.as_str();
        f.kind == FieldKind::Select
            && (n.contains("update_cycle") || n.contains("frequency") || n.contains("accrual"))
    };
    let dataset: Vec<&Field> = schema.dataset_fields.iter().filter(is_cycle).collect();
    let resource: Vec<&Field> = schema.resource_fields.iter().filter(is_cycle).collect();
    if dataset.is_empty() && resource.is_empty() {
        return None;
    }
    let text = |o: &Map<String, Value>, f: &Field| {
        o.get(&f.name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("unknown"))
            .map(str::to_string)
    };
    let mut cycles: Vec<String> = dataset.iter().filter_map(|f| text(package, f)).collect();
    for r in resources {
        cycles.extend(resource.iter().filter_map(|f| text(r, f)));
    }
    Some(cycles)
}

/// Days of a regular cycle; `None` for `continual`, `asNeeded`, `irregular` and the like.
pub fn cycle_days(cycle: &str) -> Option<i64> {
    let c = cycle.to_ascii_lowercase();
    Some(match c.as_str() {
        "daily" | "nightly" => 1,
        "weekly" => 7,
        "biweekly" | "fortnightly" => 14,
        "monthly" => 31,
        "quarterly" => 92,
        "biannually" | "semiannual" | "semi-annually" => 183,
        "annually" | "annual" | "yearly" => 366,
        _ => return None,
    })
}

/// The newest date the record gives for itself: its date fields and lists of dates (not
/// archive or expiry dates) and its resources' `last_modified`; CKAN's
/// `metadata_modified` when it gives none.
fn last_change(
    package: &Map<String, Value>,
    resources: &[&Map<String, Value>],
    schema: &Schema,
) -> Option<i64> {
    let mut dates: Vec<i64> = Vec::new();
    let mut push = |v: Option<&Value>| {
        if let Some(d) = v.and_then(Value::as_str).and_then(days_of) {
            dates.push(d);
        }
    };
    for f in schema.dataset_fields.iter().filter(|f| is_date(f)) {
        match f.kind {
            FieldKind::Repeating => {
                let value = package.get(&f.name);
                let decoded = value
                    .and_then(Value::as_str)
                    .and_then(|t| serde_json::from_str::<Value>(t).ok());
                for entry in decoded
                    .as_ref()
                    .or(value)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    for s in &f.subfields {
                        push(entry.get(&s.name));
                    }
                }
            }
            _ => push(package.get(&f.name)),
        }
    }
    for r in resources {
        push(r.get("last_modified"));
    }
    dates.into_iter().max().or_else(|| {
        package
            .get("metadata_modified")
            .and_then(Value::as_str)
            .and_then(days_of)
    })
}

/// `2024-05-01` (or a date-time starting so) as days since 1970-01-01.
pub fn days_of(text: &str) -> Option<i64> {
    let date = text.trim().get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // days_from_civil (H. Hinnant)
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::audit_records;
    use crate::audit::report::tests::package;
    use crate::catalogue::Catalogue;
    use serde_json::json;

    fn bcdc(today: &str) -> ScoreInputs<'static> {
        ScoreInputs {
            schema: Box::leak(Box::new(Schema::embedded())),
            open_licences: None,
            links: None,
            today: days_of(today).unwrap(),
        }
    }

    fn missed(r: &RecordScore) -> Vec<&str> {
        r.missed.iter().map(|(id, _)| *id).collect()
    }

    #[test]
    fn a_good_bcdc_record_and_what_it_misses() {
        let i = bcdc("2026-12-01");
        let p = package("good", "org-a", |p| {
            p["resources"][0]["iso_topic_category"] = json!(["inlandWaters"]);
            p["resources"][0]["temporal_extent"] = json!({"beginning_date": "2020-01-01"});
            p["resources"][0]["last_modified"] = json!("2026-11-20");
        });
        let r = score_record(&p, 0, &i);
        // the fixture has no geographic extent, no support URL, purpose, data quality or lineage
        assert_eq!(missed(&r), ["spatial", "recommended"]);
        assert!(r.score > 85.0 && r.score < 100.0, "{}", r.score);
        // links, licence openness: not applicable without --links and openness flags
        let max: u32 = r.dimensions.iter().map(|d| d.1).sum();
        assert_eq!(max, 410 - 50 - 20);
    }

    #[test]
    fn update_frequency_declared_and_kept() {
        let i = bcdc("2026-12-01");
        // monthly resource, last changed 100 days before: not kept
        let stale = package("stale", "org-a", |p| {
            p["resources"][0]["last_modified"] = json!("2026-08-23");
            p["dates"] = json!([{"type": "Created", "date": "2026-01-01"}]);
        });
        assert!(missed(&score_record(&stale, 0, &i)).contains(&"update_kept"));
        let fresh = package("fresh", "org-a", |p| {
            p["dates"] = json!([{"type": "Modified", "date": "2026-11-01"}]);
        });
        assert!(!missed(&score_record(&fresh, 0, &i)).contains(&"update_kept"));
        // only irregular cycles: kept does not apply
        let irregular = package("irregular", "org-a", |p| {
            for r in p["resources"].as_array_mut().unwrap() {
                r["resource_update_cycle"] = json!("asNeeded");
            }
            p["dates"] = json!([]);
        });
        let r = score_record(&irregular, 0, &i);
        assert!(!missed(&r).contains(&"update_kept"));
        assert!(missed(&r).contains(&"dates"));
        assert_eq!(cycle_days("quarterly"), Some(92));
        assert_eq!(days_of("1970-01-02T10:00:00"), Some(1));
        assert_eq!(days_of("2000-03-01"), Some(11_017));
    }

    #[test]
    fn fixes_are_ranked_and_organizations_lowest_first() {
        let schema = Schema::embedded();
        let catalogue = Catalogue::parse("http://127.0.0.1:5000").unwrap();
        let packages: Vec<Map<String, Value>> = (0..4)
            .map(|n| {
                package(
                    &format!("r{n}"),
                    if n < 3 { "org-a" } else { "org-b" },
                    |p| {
                        p.remove("tags");
                        p.insert(
                            "tag_string".into(),
                            json!(if n == 3 { "water" } else { "" }),
                        );
                        if n == 0 {
                            p["license_id"] = json!("");
                        }
                    },
                )
            })
            .collect();
        let audited = audit_records(&packages, &schema, &catalogue);
        let mut open = HashSet::new();
        open.insert("2".to_string());
        let mut statuses = HashMap::new();
        statuses.insert("https://example.invalid/api".to_string(), LinkStatus::Alive);
        let i = ScoreInputs {
            schema: &schema,
            open_licences: Some(&open),
            links: Some(&statuses),
            today: days_of("2026-12-01").unwrap(),
        };
        let scores = score_all(&packages, &audited, &i);
        assert_eq!(scores.by_org[0].0, "org-a");
        assert!(scores.by_org[0].1 < scores.by_org[1].1);
        let keywords = scores
            .fixes
            .iter()
            .find(|f| f.indicator.id == "keywords")
            .unwrap();
        assert_eq!(keywords.records, 3);
        assert!((keywords.portal_gain - keywords.points_each * 3.0 / 4.0).abs() < 1e-9);
        assert!(scores
            .fixes
            .windows(2)
            .all(|w| w[0].portal_gain >= w[1].portal_gain));
        let r0 = &scores.records[0];
        assert!(missed(r0).contains(&"licence") && missed(r0).contains(&"licence_open"));
        assert!(!missed(&scores.records[1]).contains(&"licence_open"));
        let portal = scores.records.iter().map(|r| r.score).sum::<f64>() / 4.0;
        assert!((scores.portal - portal).abs() < 1e-9);
    }

    #[test]
    fn another_portals_schema_scores_what_it_has() {
        let schema = Schema::from_json(
            &json!({"dataset_type": "dataset",
                "dataset_fields": [
                    {"field_name": "title", "label": "Title", "required": true},
                    {"field_name": "tag_string", "label": "Tags", "preset": "tag_string_autocomplete"},
                    {"field_name": "frequency", "label": "Frequency", "preset": "select",
                     "choices": [{"value": "weekly", "label": "Weekly"}]},
                    {"field_name": "maintainer_email", "label": "Maintainer e-mail",
                     "display_snippet": "email.html", "validators": "ignore_missing unicode_safe email_validator"}
                ],
                "resource_fields": [
                    {"field_name": "url", "label": "URL", "preset": "resource_url_upload"},
                    {"field_name": "format", "label": "Format"}
                ]}),
            &json!([]),
        )
        .unwrap();
        let i = ScoreInputs {
            schema: &schema,
            open_licences: None,
            links: None,
            today: days_of("2026-12-01").unwrap(),
        };
        let p = json!({"title": "T", "tag_string": "a,b", "frequency": "weekly",
            "maintainer_email": "a@b.org", "owner_org": "x", "metadata_modified": "2026-11-30T10:00:00",
            "resources": [{"url": "https://x.org/a.csv", "format": "CSV"}]});
        let r = score_record(p.as_object().unwrap(), 0, &i);
        assert_eq!(missed(&r), Vec::<&str>::new());
        assert_eq!(r.score, 100.0);
        let applicable: u32 = r.dimensions.iter().map(|d| d.1).sum();
        // keywords 30, access 50, format 20, machine-readable 20, valid 30, contact 20,
        // publisher 10, recommended 20, declared 10, kept 20
        assert_eq!(applicable, 230);
    }
}

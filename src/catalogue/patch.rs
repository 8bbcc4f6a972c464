//! Update: reads the catalogue's copy, plans three-way (`record::plan`) and sends the
//! plan with `package_patch`, after making sure the copy did not change meanwhile.

use serde_json::{Map, Value};

use super::client::CatalogueClient;
use super::publish::{id_edits, new_resource_ids, TextEdit};
use super::workflow::{record_root, require_valid, string_field, WorkflowError};
pub use crate::record::plan::plan_patch;
use crate::record::plan::{plan_sync, Basis, PatchPlan};
use crate::record::state::Key;
use crate::schema::Schema;
use crate::syntax::Document;

/// A sent update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patched {
    pub id: String,
    pub name: String,
    /// `<catalogue>/dataset/<name>`.
    pub url: String,
    /// The fields sent (empty when nothing differed and nothing was sent).
    pub fields: Vec<String>,
    /// Fields that still differ after the update: the catalogue stored them differently.
    pub not_stored: Vec<String>,
    /// The state keys the update did not synchronise (the plan's `pending`, as sent).
    pub pending: Vec<Key>,
    /// The ids the catalogue gave resources added in the file, in the file's order
    /// (`None` for the others); empty when there are none.
    pub resource_ids: Vec<Option<String>>,
    /// Write those ids into the file ([`super::apply_edits`]).
    pub edits: Vec<TextEdit>,
}

impl Patched {
    pub fn message(&self, catalogue: &str) -> String {
        if self.fields.is_empty() {
            return format!(
                "{} is up to date on {catalogue}: nothing to send",
                self.name
            );
        }
        let mut text = format!(
            "updated {} on {catalogue} ({}): {}",
            self.name,
            self.fields.join(", "),
            self.url
        );
        if !self.not_stored.is_empty() {
            text.push_str(&format!(
                "; the catalogue stored {} differently from the file (pull the record to see how)",
                self.not_stored.join(", ")
            ));
        }
        text
    }
}

/// Reads the stored record (by the file's `id`) and plans the update against it; sends
/// nothing. Without a state in `basis`, every difference is taken for the file's when
/// `basis.file_is_newer`, else for a conflict.
pub async fn prepare_update(
    client: &CatalogueClient,
    doc: &Document,
    schema: &Schema,
    basis: Basis<'_>,
) -> Result<(PatchPlan, Map<String, Value>), WorkflowError> {
    let root = record_root(doc)?;
    let id = string_field(root, "id").ok_or_else(|| {
        WorkflowError::Refused(
            "this record has no id, so it is not on the catalogue yet: use Publish".into(),
        )
    })?;
    require_valid(doc, schema)?;
    let package = client
        .package_show(id)
        .await
        .map_err(|e| WorkflowError::from_catalogue(e, doc))?;
    if package.get("state").and_then(Value::as_str) == Some("deleted") {
        return Err(WorkflowError::Refused(format!(
            "record {id} is deleted on {}; an update would not bring it back",
            client.catalogue().label()
        )));
    }
    Ok((plan_sync(root, &package, basis, schema), package))
}

/// How many times an update plans again when the record changed on the catalogue between
/// the plan and the send.
const REPLANS: usize = 3;

/// Sends a plan made by [`prepare_update`] with `package_patch`; sends nothing when the
/// plan is empty or blocked by conflicts. Just before sending, the record's
/// `metadata_modified` must still be the one the plan saw; if it moved (someone saved the
/// record meanwhile), the plan is made again against the new copy, and the update stops
/// if the new plan differs from the one the user confirmed. Returns the record as the
/// catalogue stored it, for the new synchronisation state.
pub async fn send_update(
    client: &CatalogueClient,
    plan: &PatchPlan,
    package: &Map<String, Value>,
    doc: &Document,
    schema: &Schema,
    basis: Basis<'_>,
) -> Result<(Patched, Map<String, Value>), WorkflowError> {
    let name_of = |p: &Map<String, Value>| {
        p.get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut patched = Patched {
        id: plan.id.clone(),
        name: name_of(package),
        url: client.catalogue().dataset_url(&name_of(package)),
        fields: Vec::new(),
        not_stored: Vec::new(),
        pending: plan.pending.clone(),
        resource_ids: Vec::new(),
        edits: Vec::new(),
    };
    if plan.blocked(basis.resolve) {
        return Err(WorkflowError::Refused(plan.conflict_message()));
    }
    if plan.is_empty() {
        return Ok((patched, package.clone()));
    }
    let root = record_root(doc)?;
    let mut plan = plan.clone();
    for attempt in 0..=REPLANS {
        let now = client
            .package_show(&plan.id)
            .await
            .map_err(|e| WorkflowError::from_catalogue(e, doc))?;
        let modified = now.get("metadata_modified").and_then(Value::as_str);
        if modified.unwrap_or_default() == plan.metadata_modified {
            break;
        }
        let again = plan_sync(root, &now, basis, schema);
        if again.body != plan.body || again.blocked(basis.resolve) || attempt == REPLANS {
            return Err(WorkflowError::Refused(format!(
                "the record changed on {} while this update was being prepared; nothing \
                 was sent. Run the update again to see what changed",
                client.catalogue().label()
            )));
        }
        plan = again;
    }
    let result = client
        .package_patch(&plan.body)
        .await
        .map_err(|e| WorkflowError::from_catalogue(e, doc))?;
    patched.fields = plan.fields().iter().map(|f| f.to_string()).collect();
    patched.pending = plan.pending.clone();
    patched.not_stored = plan_patch(root, &result, schema)
        .fields()
        .iter()
        .filter(|f| patched.fields.iter().any(|s| s == *f))
        .map(|f| f.to_string())
        .collect();
    patched.name = name_of(&result);
    patched.url = client.catalogue().dataset_url(&patched.name);
    patched.resource_ids = new_resource_ids(doc, &result, schema);
    if !patched.resource_ids.is_empty() {
        // only the resource ids: the record's id is in the file already
        patched.edits = id_edits(doc, &plan.id, &patched.resource_ids).unwrap_or_default();
    }
    Ok((patched, result))
}

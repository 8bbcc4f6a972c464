//! The code lens on a record's first line: where the record stands against the catalogue
//! ("Not published · Publish", "Published · unchanged", "3 fields to update · Update ·
//! Show diff", "Changed on the catalogue · Pull", "Conflict in `notes`"), and the commands
//! it offers. Pure: the language server finds out where the record stands (its catalogue
//! copy, its synchronisation state) and turns these into protocol code lenses.

use crate::record::plan::{FieldChange, Standing};

/// What the language server knows of the record on the catalogue.
#[derive(Debug, Clone)]
pub enum Remote {
    /// The record has no id: it is not on the catalogue yet.
    NotPublished,
    /// Asked, no answer yet.
    Checking,
    /// The catalogue could not be asked (offline, an error, not configured).
    Unreachable,
    /// The catalogue refused to show the record (a private record, and no key or a key
    /// without access).
    Refused,
    /// The catalogue has no record with the file's id.
    NotFound,
    Known(Standing),
}

/// What a lens does when clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LensCommand {
    Publish,
    Update,
    Pull,
    ShowDiff,
}

/// One lens: a title, and a command (none for a lens that only says something).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    pub title: String,
    pub command: Option<LensCommand>,
}

fn say(title: impl Into<String>) -> Lens {
    Lens {
        title: title.into(),
        command: None,
    }
}

fn act(title: &str, command: LensCommand) -> Lens {
    Lens {
        title: title.into(),
        command: Some(command),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The lenses for a record. `blocking` counts the errors the catalogue would refuse it
/// for: while there are some, Publish and Update are not offered (they would fail) and
/// the lens says why. `catalogue` names the catalogue ("test", a host).
pub fn lenses(remote: &Remote, blocking: usize, catalogue: &str) -> Vec<Lens> {
    let blocked = (blocking > 0).then(|| {
        say(format!(
            "{} to fix first",
            count(blocking, "error", "errors")
        ))
    });
    match remote {
        Remote::NotPublished => match blocked {
            None => vec![say("Not published"), act("Publish", LensCommand::Publish)],
            Some(fix) => vec![say("Not published"), fix],
        },
        Remote::Checking => vec![say(format!("Published · checking {catalogue}…"))],
        Remote::Unreachable => vec![say(format!("Published · {catalogue} cannot be reached"))],
        Remote::Refused => vec![say(format!(
            "Published · {catalogue} does not show it to you (check the API key)"
        ))],
        Remote::NotFound => vec![say(format!("Not on {catalogue}: no record has this id"))],
        Remote::Known(Standing::Unchanged) => vec![say("Published · unchanged")],
        Remote::Known(Standing::Update { changes, theirs }) => {
            let mut out = vec![say(format!(
                "{} to update",
                count(changes.len(), "field", "fields")
            ))];
            out.push(match blocked {
                None => act("Update", LensCommand::Update),
                Some(fix) => fix,
            });
            out.push(act("Show diff", LensCommand::ShowDiff));
            if !theirs.is_empty() {
                out.push(say(format!(
                    "{} changed on the catalogue",
                    count(theirs.len(), "field", "fields")
                )));
                out.push(act("Pull", LensCommand::Pull));
            }
            out
        }
        Remote::Known(Standing::Pull { theirs }) => vec![
            say(format!("Changed on the catalogue: {}", names(theirs))),
            act("Pull", LensCommand::Pull),
            act("Show diff", LensCommand::ShowDiff),
        ],
        Remote::Known(Standing::Conflict { conflicts }) => {
            let fields: Vec<String> = conflicts.iter().map(|c| format!("`{}`", c.field)).collect();
            vec![
                say(format!("Conflict in {}", short_list(&fields))),
                act("Show diff", LensCommand::ShowDiff),
            ]
        }
    }
}

fn names(changes: &[FieldChange]) -> String {
    let fields: Vec<String> = changes.iter().map(|c| format!("`{}`", c.field)).collect();
    short_list(&fields)
}

/// "`a`, `b`, `c`" or "`a`, `b` and 3 more".
fn short_list(items: &[String]) -> String {
    const SHOWN: usize = 3;
    if items.len() <= SHOWN {
        items.join(", ")
    } else {
        format!(
            "{} and {} more",
            items[..SHOWN - 1].join(", "),
            items.len() - (SHOWN - 1)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::plan::Conflict;
    use crate::record::state::Key;
    use serde_json::json;

    fn titles(lenses: &[Lens]) -> Vec<&str> {
        lenses.iter().map(|l| l.title.as_str()).collect()
    }

    fn change(field: &str) -> FieldChange {
        FieldChange {
            field: field.into(),
            before: Some(json!("old")),
            after: json!("new"),
        }
    }

    #[test]
    fn each_standing_says_where_the_record_is_and_offers_what_can_be_done() {
        let l = lenses(&Remote::NotPublished, 0, "test");
        assert_eq!(titles(&l), ["Not published", "Publish"]);
        assert_eq!(l[1].command, Some(LensCommand::Publish));
        let l = lenses(&Remote::NotPublished, 2, "test");
        assert_eq!(titles(&l), ["Not published", "2 errors to fix first"]);
        assert!(l.iter().all(|l| l.command.is_none()));

        let unchanged = Standing::Unchanged;
        assert_eq!(
            titles(&lenses(&Remote::Known(unchanged), 0, "test")),
            ["Published · unchanged"]
        );
        let update = Standing::Update {
            changes: vec![change("title"), change("notes"), change("purpose")],
            theirs: vec![],
        };
        let l = lenses(&Remote::Known(update.clone()), 0, "test");
        assert_eq!(titles(&l), ["3 fields to update", "Update", "Show diff"]);
        assert_eq!(l[1].command, Some(LensCommand::Update));
        assert_eq!(l[2].command, Some(LensCommand::ShowDiff));
        let l = lenses(&Remote::Known(update.clone()), 1, "test");
        assert_eq!(
            titles(&l),
            ["3 fields to update", "1 error to fix first", "Show diff"]
        );

        let pull = Standing::Pull {
            theirs: vec![change("notes")],
        };
        assert_eq!(
            titles(&lenses(&Remote::Known(pull), 0, "test")),
            ["Changed on the catalogue: `notes`", "Pull", "Show diff"]
        );
        let conflict = Standing::Conflict {
            conflicts: vec![Conflict {
                field: "notes".into(),
                pointer: "/notes".into(),
                mine: Some(json!("a")),
                theirs: Some(json!("b")),
                no_state: false,
                key: Key::Field("notes".into()),
            }],
        };
        assert_eq!(
            titles(&lenses(&Remote::Known(conflict), 0, "test")),
            ["Conflict in `notes`", "Show diff"]
        );
        assert_eq!(
            titles(&lenses(&Remote::Checking, 0, "test")),
            ["Published · checking test…"]
        );
    }

    #[test]
    fn long_lists_of_fields_are_shortened() {
        let items: Vec<String> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(short_list(&items), "a, b and 3 more");
        assert_eq!(short_list(&items[..3]), "a, b, c");
    }
}

//! The commands of the README's GitHub Actions workflow ("CI: check, plan on pull requests,
//! apply on merge"), run the same way against the local CKAN: a first merge creates the
//! records, a pull request that edits one plans its update as Markdown, its merge applies it,
//! and the plan after that is empty (skipped, saying so, when BCDC_TEST_CKAN_* are unset).

mod common;
#[path = "common/records.rs"]
mod records;
use common::ckan::Ckan;
use records::{cli, record};
use std::process::{Command, Output};

fn check(dir: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
        .args(["check", dir])
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn check_plan_apply_as_the_workflow_runs_them() {
    let Some(ckan) = Ckan::from_env("check_plan_apply_as_the_workflow_runs_them") else {
        return;
    };
    let repo = tempfile::tempdir().unwrap();
    let records = repo.path().join("records");
    std::fs::create_dir(&records).unwrap();
    for i in 0..3 {
        let name = ckan.name("lsp-ci");
        std::fs::write(
            records.join(format!("r{i}.bcdc.yaml")),
            record(&name, &ckan.org),
        )
        .unwrap();
    }
    let dir = records.to_str().unwrap();
    // The pull request that adds them: check passes, the plan comment says create.
    assert_eq!(check(dir).status.code(), Some(0));
    let plan = cli(&ckan, &["plan", dir, "--format", "markdown"]);
    assert_eq!(plan.status.code(), Some(3), "changes to apply");
    let comment = text(&plan);
    assert!(
        comment.contains("3 create") && comment.contains("| create |"),
        "{comment}"
    );
    // Its merge: apply; the files get their ids and states (committed by the workflow).
    let applied = cli(&ckan, &["apply", dir, "--yes"]);
    assert_eq!(
        applied.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    assert!(records.join(".bcdc-sync/r0.bcdc.yaml.json").exists());
    assert_eq!(check(dir).status.code(), Some(0));
    let plan = cli(&ckan, &["plan", dir, "--format", "markdown"]);
    assert_eq!(plan.status.code(), Some(0));
    assert!(
        text(&plan).contains("Nothing to change."),
        "{}",
        text(&plan)
    );
    // A pull request that edits one record: the comment shows the update.
    let file = records.join("r1.bcdc.yaml");
    let edited = std::fs::read_to_string(&file).unwrap().replace(
        "purpose: Test synchronisation.",
        "purpose: Changed in a pull request.",
    );
    std::fs::write(&file, edited).unwrap();
    let plan = cli(&ckan, &["plan", dir, "--format", "markdown"]);
    assert_eq!(plan.status.code(), Some(3));
    assert!(
        text(&plan).contains("| update | purpose |"),
        "{}",
        text(&plan)
    );
    assert_eq!(cli(&ckan, &["apply", dir, "--yes"]).status.code(), Some(0));
    assert_eq!(cli(&ckan, &["plan", dir]).status.code(), Some(0));
}

//! `bcdc-lsp --version`: the version and which schema is built in.

use std::process::Command;

#[test]
fn version_names_the_release_and_the_embedded_schema() {
    for flag in ["--version", "-V"] {
        let o = Command::new(env!("CARGO_BIN_EXE_bcdc-lsp"))
            .arg(flag)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        let text = String::from_utf8(o.stdout).unwrap();
        // the schema line comes from schema/bcdc_dataset.json and schema/README.md
        assert_eq!(
            text,
            format!(
                "bcdc-lsp {}\nschema: bcdc_dataset from bcgov/ckanext-bcgov-schema e6173da (2025-01-14)\n",
                env!("CARGO_PKG_VERSION")
            )
        );
    }
}

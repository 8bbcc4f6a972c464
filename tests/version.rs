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

/// The editor plugins install and carry the server of their own version: theirs must be
/// Cargo.toml's (the Neovim plugin's :BcdcInstall downloads exactly that release).
#[test]
fn the_editor_plugins_have_the_servers_version() {
    let root = env!("CARGO_MANIFEST_DIR");
    let nvim =
        std::fs::read_to_string(format!("{root}/editors/nvim/lua/bcdc/version.lua")).unwrap();
    assert!(
        nvim.lines()
            .any(|l| l == format!("return '{}'", env!("CARGO_PKG_VERSION"))),
        "editors/nvim/lua/bcdc/version.lua must return Cargo.toml's version {}:\n{nvim}",
        env!("CARGO_PKG_VERSION")
    );
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}/editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(package["version"], env!("CARGO_PKG_VERSION"));
}

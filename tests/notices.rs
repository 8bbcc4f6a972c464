//! THIRD-PARTY-NOTICES.txt, which the release assets and the VS Code extension carry, is
//! complete for the current Cargo.lock: it lists every crate the server is built from on
//! any release platform (a normal dependency, not a build script's or a test's, with the
//! features the build resolves), and only those, each under a licence `about.toml`
//! accepts. `bash scripts/notices.sh` regenerates it.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `about.toml`: the accepted licences and the release platforms.
fn about() -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(format!("{ROOT}/about.toml")).unwrap();
    let about: toml::Table = toml::from_str(&text).unwrap();
    let strings = |key: &str| -> Vec<String> {
        about[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    (strings("accepted"), strings("targets"))
}

/// Name and version of every crate the server is built from on one of `targets`: its
/// normal dependencies, transitively, with the features the build resolves (`cargo tree`).
fn linked_crates(targets: &[String]) -> BTreeSet<(String, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut crates = BTreeSet::new();
    for target in targets {
        let out = Command::new(&cargo)
            .args(["tree", "--locked", "--edges", "normal", "--prefix", "none"])
            .args(["--format", "{p}", "--target", target])
            .current_dir(ROOT)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cargo tree: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // `name vX.Y.Z`, maybe followed by ` (path)` or ` (*)`
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let mut words = line.split(' ');
            if let (Some(name), Some(version)) = (words.next(), words.next()) {
                let version = version.strip_prefix('v').unwrap_or(version);
                crates.insert((name.to_string(), version.to_string()));
            }
        }
    }
    crates
}

/// Whether an SPDX expression (`A OR B`, `A AND B`, parentheses, `A WITH exception`, the
/// old `A/B`) is satisfied by the accepted licences.
fn satisfied(expression: &str, accepted: &[String]) -> bool {
    let spaced = expression
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    let ok = or(&tokens, &mut at, accepted);
    ok && at == tokens.len()
}

fn or(t: &[&str], at: &mut usize, accepted: &[String]) -> bool {
    let mut ok = and(t, at, accepted);
    while t.get(*at) == Some(&"OR") {
        *at += 1;
        ok |= and(t, at, accepted);
    }
    ok
}

fn and(t: &[&str], at: &mut usize, accepted: &[String]) -> bool {
    let mut ok = term(t, at, accepted);
    while t.get(*at) == Some(&"AND") {
        *at += 1;
        ok &= term(t, at, accepted);
    }
    ok
}

fn term(t: &[&str], at: &mut usize, accepted: &[String]) -> bool {
    let ok = match t.get(*at) {
        Some(&"(") => {
            *at += 1;
            let ok = or(t, at, accepted);
            assert_eq!(
                t.get(*at),
                Some(&")"),
                "unbalanced licence expression {t:?}"
            );
            ok
        }
        Some(id) => accepted.iter().any(|a| a == id),
        None => false,
    };
    *at += 1;
    // an exception only widens what the licence allows
    if t.get(*at) == Some(&"WITH") {
        *at += 2;
    }
    ok
}

#[test]
fn licence_expressions() {
    let accepted = ["MIT".to_string(), "Unicode-3.0".to_string()];
    assert!(satisfied("MIT OR Apache-2.0", &accepted));
    assert!(satisfied("Apache-2.0/MIT", &accepted));
    assert!(satisfied("(MIT OR Apache-2.0) AND Unicode-3.0", &accepted));
    assert!(satisfied(
        "Apache-2.0 WITH LLVM-exception OR MIT",
        &accepted
    ));
    assert!(!satisfied("Apache-2.0 AND MIT", &accepted));
    assert!(!satisfied("GPL-3.0", &accepted));
}

#[test]
fn the_notices_list_every_linked_crate_under_an_accepted_licence() {
    let (accepted, targets) = about();
    let notices = std::fs::read_to_string(format!("{ROOT}/THIRD-PARTY-NOTICES.txt"))
        .expect("THIRD-PARTY-NOTICES.txt is missing: run bash scripts/notices.sh");
    // the list: `- name version: licence`, up to the first licence text
    let listed: BTreeMap<(String, String), String> = notices
        .lines()
        .take_while(|l| !l.starts_with("====="))
        .filter_map(|l| {
            let (crate_, licence) = l.strip_prefix("- ")?.split_once(": ")?;
            let (name, version) = crate_.split_once(' ')?;
            Some(((name.into(), version.into()), licence.into()))
        })
        .collect();
    let linked = linked_crates(&targets);
    let missing: Vec<_> = linked.iter().filter(|c| !listed.contains_key(c)).collect();
    let stale: Vec<_> = listed.keys().filter(|c| !linked.contains(c)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "THIRD-PARTY-NOTICES.txt is not the notices of Cargo.lock (run bash scripts/notices.sh): \
         missing {missing:?}, no longer used {stale:?}"
    );
    let refused: Vec<_> = listed
        .iter()
        .filter(|(_, licence)| !satisfied(licence, &accepted))
        .collect();
    assert!(
        refused.is_empty(),
        "licences not accepted in about.toml: {refused:?}"
    );
    // every licence text is there, not only the names
    assert!(notices.matches("\n=====").count() >= 5, "no licence texts");
}

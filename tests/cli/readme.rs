//! What the README promises about installing agrees with `Cargo.toml`.

use std::fs;
use std::path::Path;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// `(major, minor)` of a version written `1.88` or `1.88.0`.
fn version(text: &str) -> (u32, u32) {
    let mut parts = text.split('.').map(|part| part.parse::<u32>().unwrap());
    (parts.next().unwrap(), parts.next().unwrap())
}

/// Let-chains (`if let ... && ...`) are stable since Rust 1.88: a `rust-version` below that
/// promises an install that fails. The README names the same version.
#[test]
fn the_rust_version_is_the_one_the_code_needs_and_the_readme_names() {
    let manifest = fs::read_to_string(Path::new(REPO).join("Cargo.toml")).unwrap();
    let required = manifest
        .lines()
        .find_map(|line| line.strip_prefix("rust-version = "))
        .expect("Cargo.toml sets rust-version")
        .trim_matches('"');
    let uses_let_chains = walkdir::WalkDir::new(Path::new(REPO).join("src"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "rs"))
        .any(|entry| {
            let text = fs::read_to_string(entry.path()).unwrap();
            text.lines()
                .any(|line| line.trim_start().starts_with("&& let ") || line.contains(") && let "))
        });
    if uses_let_chains {
        assert!(
            version(required) >= (1, 88),
            "rust-version {required}: let-chains need 1.88"
        );
    }
    let readme = fs::read_to_string(Path::new(REPO).join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("Needs Rust ({required} or newer)")),
        "the README must name rust-version {required}"
    );
}

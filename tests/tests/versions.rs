//! One version for every package, set once: the workspace's `version` (crates inherit it, the
//! Python wheel takes it from its crate through maturin, `dynamic = ["version"]`); the npm
//! package repeats it and this test keeps the two equal. Also: the licence every package
//! declares is the one shipped in `LICENSE`.

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn one_version_and_one_licence() {
    let workspace = read("Cargo.toml");
    let version = workspace
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("the workspace version");
    let npm: serde_json::Value = serde_json::from_str(&read("bindings-wasm/package.json")).unwrap();
    assert_eq!(npm["version"], version, "bindings-wasm/package.json must carry the workspace version");
    assert!(
        read("bindings-python/pyproject.toml").contains("dynamic = [\"version\"]"),
        "the wheel's version comes from Cargo"
    );
    assert!(workspace.contains("license = \"EUPL-1.2\""));
    assert_eq!(npm["license"], "EUPL-1.2");
    assert!(read("LICENSE").starts_with("EUROPEAN UNION PUBLIC LICENCE v. 1.2"));
}

// Shared by the build scripts of bindings-ffi and bindings-ffi/uniffi (`include!`d): reads the
// error catalogue of core/src/error.rs as (variant name, stable code) pairs, in catalogue order.

/// The catalogue's entries, `Name = "CODE", "it", "en"` lines, in order.
fn catalogue(path: &str) -> Vec<(String, String)> {
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut variants = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some((name, rest)) = line.split_once(" = \"") {
            if name.chars().all(|c| c.is_ascii_alphanumeric()) && rest.contains("\", \"") {
                let code = rest.split('"').next().unwrap_or_default();
                variants.push((name.to_owned(), code.to_owned()));
            }
        }
    }
    variants
}

/// Writes a generated file only when its content changed (keeps mtimes, and rebuilds, quiet).
fn write_if_changed(path: &std::path::Path, content: &str) {
    if std::fs::read_to_string(path).unwrap_or_default() != content {
        let _ = std::fs::write(path, content);
    }
}

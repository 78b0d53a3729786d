//! Built-in templates, static files and locales, embedded in the binary; a theme directory may
//! override any of them file by file (`{theme}/templates/…`, `{theme}/static/…`, `{theme}/locales/…`).

use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(rust_embed::Embed)]
#[folder = "templates/"]
struct BuiltinTemplates;

#[derive(rust_embed::Embed)]
#[folder = "static/"]
struct BuiltinStatic;

#[derive(rust_embed::Embed)]
#[folder = "locales/"]
struct BuiltinLocales;

/// A static file ready to serve.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Contents.
    pub bytes: Cow<'static, [u8]>,
    /// MIME type.
    pub mime: String,
    /// Short content hash (ETag and cache-busting query).
    pub hash: String,
}

/// Where templates, static files and locales come from.
#[derive(Debug, Clone)]
pub struct Theme {
    dir: Option<PathBuf>,
}

/// A relative path without `..`, absolute parts or odd characters.
fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

fn short_hash(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..6])
}

impl Theme {
    /// A theme rooted at `dir` (or only the built-in files).
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self { dir }
    }

    fn theme_file(&self, kind: &str, path: &str) -> Option<Vec<u8>> {
        let dir = self.dir.as_ref()?;
        if !is_safe_relative(path) {
            return None;
        }
        std::fs::read(dir.join(kind).join(Path::new(path))).ok()
    }

    /// Names of every built-in template (`shop/home.html`, …).
    #[cfg(test)]
    pub fn builtin_template_names() -> Vec<String> {
        BuiltinTemplates::iter().map(|n| n.into_owned()).collect()
    }

    /// A template's source.
    pub fn template(&self, name: &str) -> Option<String> {
        if let Some(bytes) = self.theme_file("templates", name) {
            return String::from_utf8(bytes).ok();
        }
        BuiltinTemplates::get(name).and_then(|f| String::from_utf8(f.data.into_owned()).ok())
    }

    /// The name of every built-in template (a theme overrides them by name).
    pub fn template_names() -> impl Iterator<Item = Cow<'static, str>> {
        BuiltinTemplates::iter()
    }

    /// A locale file.
    pub fn locale_file(&self, name: &str) -> Option<Cow<'static, [u8]>> {
        if let Some(bytes) = self.theme_file("locales", name) {
            return Some(Cow::Owned(bytes));
        }
        BuiltinLocales::get(name).map(|f| f.data)
    }

    /// A static file.
    pub fn static_file(&self, path: &str) -> Option<StaticFile> {
        if !is_safe_relative(path) {
            return None;
        }
        let mime = mime_guess::from_path(path)
            .first_or_octet_stream()
            .essence_str()
            .to_owned();
        if let Some(bytes) = self.theme_file("static", path) {
            let hash = short_hash(&bytes);
            return Some(StaticFile {
                bytes: Cow::Owned(bytes),
                mime,
                hash,
            });
        }
        BuiltinStatic::get(path).map(|f| StaticFile {
            hash: hex::encode(&f.metadata.sha256_hash()[..6]),
            bytes: f.data,
            mime,
        })
    }

    /// Content hashes of every static file, for cache-busting URLs (computed once at start-up).
    pub fn static_hashes(&self) -> HashMap<String, String> {
        let mut hashes: HashMap<String, String> = BuiltinStatic::iter()
            .filter_map(|p| {
                BuiltinStatic::get(&p)
                    .map(|f| (p.to_string(), hex::encode(&f.metadata.sha256_hash()[..6])))
            })
            .collect();
        if let Some(dir) = &self.dir {
            let root = dir.join("static");
            let mut stack = vec![root.clone()];
            while let Some(current) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&current) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if let (Ok(rel), Ok(bytes)) =
                        (path.strip_prefix(&root), std::fs::read(&path))
                    {
                        let rel = rel.to_string_lossy().replace('\\', "/");
                        hashes.insert(rel, short_hash(&bytes));
                    }
                }
            }
        }
        hashes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_files_override_builtin_ones_and_paths_are_confined() {
        let dir = std::env::temp_dir().join(format!("jangteo-theme-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("static/css")).unwrap();
        std::fs::write(dir.join("static/css/shop.css"), "body{}").unwrap();
        let theme = Theme::new(Some(dir.clone()));
        assert_eq!(
            &*theme.static_file("css/shop.css").unwrap().bytes,
            b"body{}"
        );
        assert!(theme.static_file("js/shop.js").is_some());
        assert!(theme.static_file("../Cargo.toml").is_none());
        assert!(
            theme.template("base.html").unwrap().contains("<html"),
            "built-in template"
        );
        std::fs::create_dir_all(dir.join("templates/errors")).unwrap();
        std::fs::write(
            dir.join("templates/errors/error.html"),
            "themed {{ status }}",
        )
        .unwrap();
        assert_eq!(
            theme.template("errors/error.html").unwrap(),
            "themed {{ status }}"
        );
        assert!(theme.template("../../etc/passwd").is_none());
        assert_eq!(
            theme.static_hashes().get("css/shop.css").unwrap(),
            &short_hash(b"body{}")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}

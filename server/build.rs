//! Embeds the built web app (Trunk's `dist/`) into the server binary.
//!
//! For every file it records the raw bytes, the precompressed `.gz`/`.br` variants when the
//! build produced them, an ETag, whether the name carries a content hash (and may be cached
//! forever), and, for `index.html`, the SHA-256 of each inline script so the Content-Security-
//! Policy can allow exactly those. Without a `dist/` the table is empty and the server says the
//! app is not built.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

use base64::Engine as _;
use sha2::{Digest, Sha256};

fn main() {
    println!("cargo:rerun-if-env-changed=QIAO_DIST_DIR");
    let dist = env::var_os("QIAO_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
                .join("../dist")
        });
    println!("cargo:rerun-if-changed={}", dist.display());

    let mut files = Vec::new();
    if dist.is_dir() {
        collect(&dist, &dist, &mut files);
    }
    files.sort();

    let mut out = String::from("pub static ASSETS: &[Asset] = &[\n");
    let mut script_hashes = Vec::new();
    for rel in &files {
        if rel.ends_with(".gz") || rel.ends_with(".br") {
            continue;
        }
        let path = dist.join(rel);
        let bytes = fs::read(&path).expect("readable dist file");
        let digest = Sha256::digest(&bytes);
        let etag: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        let variant = |ext: &str| {
            let p = dist.join(format!("{rel}.{ext}"));
            if p.is_file() {
                format!("Some(include_bytes!({:?}))", p.display().to_string())
            } else {
                "None".to_owned()
            }
        };
        if rel == "index.html" {
            script_hashes = inline_script_hashes(&String::from_utf8_lossy(&bytes));
        }
        let _ = writeln!(
            out,
            "    Asset {{ path: {:?}, body: include_bytes!({:?}), gzip: {}, brotli: {}, etag: \"\\\"{etag}\\\"\", immutable: {} }},",
            format!("/{rel}"),
            path.display().to_string(),
            variant("gz"),
            variant("br"),
            is_content_hashed(rel),
        );
    }
    out.push_str("];\n");
    let _ = writeln!(
        out,
        "pub static INDEX_SCRIPT_HASHES: &[&str] = &{script_hashes:?};"
    );

    let target = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets.rs");
    fs::write(target, out).expect("writable OUT_DIR");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(rel) = path.strip_prefix(root) {
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// Trunk names hashed files `name-<hash>.ext` (and `name-<hash>_bg.wasm`), the hash a 64-bit
/// number in hex without leading zeros: 16 digits, fewer one time in sixteen (15) and more
/// rarely still. Ten or more hex digits after the last `-` count as a hash.
fn is_content_hashed(rel: &str) -> bool {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let stem = file.split('.').next().unwrap_or(file);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// `'sha256-…'` sources for every inline `<script>` (one without `src`).
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let body = &after[body_start..body_start + close];
        if !tag.contains(" src=") && !body.trim().is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after[body_start + close..];
    }
    hashes
}

//! The web app, embedded in the binary at build time (see `build.rs`): served with its content
//! type, precompressed when the client accepts it, cached forever when its name carries a
//! content hash and revalidated by ETag otherwise. App routes (paths without a file extension)
//! get `index.html`, so deep links and reloads work; `/api/*` never does. The sign-in page,
//! `/login`, is plain HTML without the app ([`login_page`]).

mod login_page;

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::api::error::ApiError;

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    pub path: &'static str,
    pub body: &'static [u8],
    pub gzip: Option<&'static [u8]>,
    pub brotli: Option<&'static [u8]>,
    pub etag: &'static str,
    pub immutable: bool,
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// The sign-in page, built once from its template and the app's `index.html` (the server's
/// compression layer compresses it per request).
static LOGIN: LazyLock<Option<Asset>> = LazyLock::new(|| {
    let template = std::str::from_utf8(find("/login.html")?.body).ok()?;
    let index = std::str::from_utf8(find("/index.html")?.body).ok()?;
    let extra: Vec<&str> = find("/echarts.min.js")
        .map(|a| a.path)
        .into_iter()
        .chain([shared::readings::URL])
        .collect();
    let page = login_page::render(template, index, &extra);
    let digest = Sha256::digest(page.as_bytes());
    let etag: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    Some(Asset {
        path: "/login.html",
        body: page.into_bytes().leak(),
        gzip: None,
        brotli: None,
        etag: format!("\"{etag}\"").leak(),
        immutable: false,
    })
});

/// The pinyin readings the app fetches after its first screen ([`shared::readings`]), built
/// from the `pinyin` crate on first request; its address names its version, so it is kept for
/// ever (the compression layer compresses it).
static READINGS: LazyLock<Asset> = LazyLock::new(|| {
    let body = shared::readings::Readings::from_crate().to_bytes();
    let digest = Sha256::digest(&body);
    let etag: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    Asset {
        path: shared::readings::URL,
        body: body.leak(),
        gzip: None,
        brotli: None,
        etag: format!("\"{etag}\"").leak(),
        immutable: true,
    }
});

/// Whether the app was built into this binary.
pub fn app_is_embedded() -> bool {
    find("/index.html").is_some()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            name.eq_ignore_ascii_case(encoding) && !refused
        })
}

/// The fallback handler: everything that is not an API route.
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound("API route").into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return ApiError::MethodNotAllowed.into_response();
    }
    let sign_in = (path == "/login" || path == "/login.html")
        .then(|| LOGIN.as_ref())
        .flatten();
    let readings = (path == shared::readings::URL).then(|| &*READINGS);
    let asset = match sign_in.or(readings).or_else(|| find(path)) {
        Some(asset) => asset,
        None if has_extension(path) => return ApiError::NotFound("file").into_response(),
        None => match find("/index.html") {
            Some(index) => index,
            None => return not_built(),
        },
    };
    respond(asset, &headers, method == Method::HEAD)
}

fn has_extension(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

fn respond(asset: &'static Asset, request: &HeaderMap, head: bool) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(asset.path)),
    );
    headers.insert(header::ETAG, HeaderValue::from_static(asset.etag));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if asset.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|t| t.trim() == asset.etag || t.trim() == "*")
        });
    if fresh {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let (body, encoding) = match (asset.brotli, asset.gzip) {
        (Some(br), _) if accepts(request, "br") => (br, Some("br")),
        (_, Some(gz)) if accepts(request, "gzip") => (gz, Some("gzip")),
        _ => (asset.body, None),
    };
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    if head {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        return (StatusCode::OK, headers).into_response();
    }
    (StatusCode::OK, headers, body).into_response()
}

fn not_built() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        "The Qiao web app is not built into this server. Build it with `make run` (or `trunk build --release` before `cargo build`).\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).expect("ascii"),
        );
        h
    }

    #[test]
    fn negotiates_encodings() {
        assert!(accepts(&headers("gzip, deflate, br"), "br"));
        assert!(accepts(&headers("gzip;q=0.5, br;q=1.0"), "br"));
        assert!(!accepts(&headers("gzip, br;q=0"), "br"));
        assert!(!accepts(&headers("identity"), "gzip"));
    }

    #[test]
    fn content_types_and_extensions() {
        assert_eq!(
            content_type("/frontend-0123456789abcdef_bg.wasm"),
            "application/wasm"
        );
        assert_eq!(content_type("/index.html"), "text/html; charset=utf-8");
        assert!(has_extension("/echarts.min.js"));
        assert!(!has_extension("/settings/users"));
    }
}

//! Security headers on every response, including a Content-Security-Policy that allows exactly
//! what the app needs: its own scripts and WebAssembly, Trunk's inline loader (by hash), and
//! ECharts, which is served from here like everything else.

use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::error::ApiError;

use crate::web::INDEX_SCRIPT_HASHES;

static CSP: LazyLock<HeaderValue> = LazyLock::new(|| {
    let scripts = INDEX_SCRIPT_HASHES.join(" ");
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
});

const FIXED: [(HeaderName, &str); 5] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "same-origin"),
    (
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(self)",
    ),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
];

/// Security headers on every answer. API answers are never stored by a browser or a proxy
/// (they carry the user's data); over HTTPS (`secure`), browsers are told to keep to HTTPS.
pub async fn headers(secure: bool, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, CSP.clone());
    for (name, value) in FIXED {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Refuse a write authenticated by the session cookie that another site's page sent (the
/// cookie is `SameSite=Lax`, which still lets some cross-site requests carry it, and a sibling
/// subdomain counts as the same site). Requests with an `Authorization` header (API clients)
/// do not carry the cookie's authority and are not checked.
pub async fn same_origin_writes(request: Request, next: Next) -> Response {
    if is_foreign_cookie_write(request.method(), request.headers()) {
        return ApiError::ForeignOrigin.into_response();
    }
    next.run(request).await
}

fn is_foreign_cookie_write(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || headers.contains_key(header::AUTHORIZATION)
        || !has_session_cookie(headers)
    {
        return false;
    }
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    match text(header::ORIGIN) {
        Some(origin) => {
            let host = text(HeaderName::from_static("x-forwarded-host")).or(text(header::HOST));
            let origin_host = origin
                .split_once("://")
                .map_or(origin, |(_, rest)| rest)
                .trim_end_matches('/');
            host.is_none_or(|host| !origin_host.eq_ignore_ascii_case(host))
        }
        // No Origin (older browsers): the fetch metadata still tells a cross-site request.
        None => text(HeaderName::from_static("sec-fetch-site")) == Some("cross-site"),
    }
}

fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            pair.trim_start()
                .starts_with(&format!("{}=", crate::auth::COOKIE))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn foreign(method: Method, headers: &[(&str, &str)]) -> bool {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        is_foreign_cookie_write(&method, &map)
    }

    const COOKIE: (&str, &str) = ("cookie", "qiao_session=abc");
    const HOST: (&str, &str) = ("host", "crm.example.cn:8080");

    #[test]
    fn cookie_writes_from_other_sites_are_refused() {
        let evil = ("origin", "https://evil.example");
        assert!(foreign(Method::POST, &[COOKIE, HOST, evil]));
        assert!(foreign(Method::DELETE, &[COOKIE, HOST, ("origin", "null")]));
        assert!(foreign(
            Method::PATCH,
            &[COOKIE, HOST, ("sec-fetch-site", "cross-site")]
        ));
        assert!(foreign(
            Method::POST,
            &[COOKIE, HOST, ("origin", "http://crm.example.cn:9090")]
        ));
    }

    #[test]
    fn same_site_reads_and_api_clients_pass() {
        let own = ("origin", "http://crm.example.cn:8080");
        assert!(!foreign(Method::POST, &[COOKIE, HOST, own]));
        assert!(
            !foreign(Method::POST, &[COOKIE, HOST]),
            "no Origin, no fetch metadata"
        );
        assert!(!foreign(
            Method::POST,
            &[COOKIE, HOST, ("sec-fetch-site", "same-origin")]
        ));
        let evil = ("origin", "https://evil.example");
        assert!(!foreign(Method::GET, &[COOKIE, HOST, evil]), "a read");
        assert!(!foreign(Method::POST, &[HOST, evil]), "no session cookie");
        assert!(
            !foreign(
                Method::POST,
                &[COOKIE, HOST, evil, ("authorization", "Bearer t")]
            ),
            "an API client"
        );
        assert!(!foreign(
            Method::POST,
            &[
                COOKIE,
                HOST,
                ("x-forwarded-host", "crm.example.cn"),
                ("origin", "https://crm.example.cn")
            ]
        ));
    }
}

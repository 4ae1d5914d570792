//! Every error status, in our JSON shape, and nothing changed by a refused request.

use reqwest::Method;
use serde_json::json;
use shared::api::UserView;

use crate::harness::{Backend, TestApp, both};

both!(
    oversized_and_malformed_bodies_are_refused,
    unknown_routes_and_methods,
    internal_errors_hide_their_cause
);

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> crate::harness::Reply {
    app.send_bytes(method.as_str(), path, token, content_type, body)
        .await
}

async fn oversized_and_malformed_bodies_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let before: Vec<UserView> = app.get("/api/users", Some(&admin)).await.json();

    let two_mb = |prefix: &str| {
        let mut body = format!("{{\"{prefix}\":\"").into_bytes();
        body.resize(2 * 1024 * 1024, b'x');
        body.extend_from_slice(b"\"}");
        body
    };
    raw(
        &app,
        Method::POST,
        "/api/auth/login",
        None,
        "application/json",
        two_mb("email"),
    )
    .await
    .assert_error(413, "payload_too_large");
    raw(
        &app,
        Method::POST,
        "/api/users",
        Some(&admin),
        "application/json",
        two_mb("email"),
    )
    .await
    .assert_error(413, "payload_too_large");
    // Small for sign-in: 20 KiB is already too much there.
    let mut twenty_kb = b"{\"email\":\"".to_vec();
    twenty_kb.resize(20 * 1024, b'x');
    twenty_kb.extend_from_slice(b"\",\"password\":\"x\"}");
    raw(
        &app,
        Method::POST,
        "/api/auth/login",
        None,
        "application/json",
        twenty_kb,
    )
    .await
    .assert_error(413, "payload_too_large");

    raw(
        &app,
        Method::POST,
        "/api/auth/login",
        None,
        "application/json",
        b"{\"email\": \"a@b.cn\",".to_vec(),
    )
    .await
    .assert_error(400, "malformed_json");
    raw(
        &app,
        Method::POST,
        "/api/users",
        Some(&admin),
        "application/json",
        b"{nope}".to_vec(),
    )
    .await
    .assert_error(400, "malformed_json");
    raw(
        &app,
        Method::POST,
        "/api/auth/login",
        None,
        "text/plain",
        b"{\"email\":\"a@b.cn\",\"password\":\"x\"}".to_vec(),
    )
    .await
    .assert_error(415, "unsupported_media_type");
    raw(
        &app,
        Method::POST,
        "/api/users",
        Some(&admin),
        "application/json",
        b"[]".to_vec(),
    )
    .await
    .assert_error(422, "validation_failed");

    let after: Vec<UserView> = app.get("/api/users", Some(&admin)).await.json();
    assert_eq!(before, after);
    app.finish().await;
}

async fn unknown_routes_and_methods(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.get("/api/nothing-here", None)
        .await
        .assert_error(404, "not_found");
    app.send(Method::DELETE, "/api/auth/me", None, None)
        .await
        .assert_error(405, "method_not_allowed");
    app.send(Method::POST, "/some/page", None, None)
        .await
        .assert_error(405, "method_not_allowed");
    app.get("/missing-file.js", None)
        .await
        .assert_error(404, "not_found");
    app.finish().await;
}

async fn internal_errors_hide_their_cause(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    // Damage the admin's row so that reading it fails inside the server.
    app.execute_sql("UPDATE users SET role = 'secret-internal-detail'")
        .await;
    let reply = app.get("/api/auth/me", Some(&admin)).await;
    reply.assert_error(500, "internal");
    assert!(
        !reply.body.to_string().contains("secret-internal-detail"),
        "{}",
        reply.body
    );
    app.finish().await;
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in ["/healthz", "/api/auth/me", "/"] {
        let reply = app.get(path, None).await;
        let csp = reply.headers["content-security-policy"]
            .to_str()
            .expect("ascii");
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(reply.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(reply.headers["x-frame-options"], "DENY", "{path}");
    }
    let _ = json!({});
    app.finish().await;
}

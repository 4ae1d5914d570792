//! Sign-in, sessions, expiry, rate limits.

use serde_json::json;
use shared::api::Me;

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(
    login_succeeds_and_fails_without_saying_why,
    logout_ends_the_session,
    sessions_expire,
    too_many_failures_lock_the_account,
    too_many_failures_from_one_address_are_refused,
    deactivation_ends_sessions_at_once,
    the_session_probe_never_fails_for_the_signed_out,
);

async fn login_succeeds_and_fails_without_saying_why(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.set_up().await;

    let ok = app.login("  ADMIN@qiao.example ", ADMIN_PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.headers["cache-control"], "no-store");

    let wrong_password = app.login(ADMIN_EMAIL, "not-the-password").await;
    wrong_password.assert_error(401, "bad_credentials");
    let unknown_email = app.login("nobody@qiao.example", "not-the-password").await;
    unknown_email.assert_error(401, "bad_credentials");
    assert_eq!(
        wrong_password.body, unknown_email.body,
        "the answer must not reveal whether the email exists"
    );

    let empty = app.login("", "").await;
    empty.assert_error(422, "validation_failed");
    assert_eq!(empty.field(), Some("email"));
    assert_eq!(empty.body["error"]["details"][1]["field"], "password");

    app.get("/api/auth/me", None)
        .await
        .assert_error(401, "unauthorized");
    app.get("/api/auth/me", Some("garbage"))
        .await
        .assert_error(401, "unauthorized");
    app.get("/api/auth/me", Some(&"A".repeat(43)))
        .await
        .assert_error(401, "unauthorized");
    app.finish().await;
}

async fn logout_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.set_up().await;
    let second = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let reply = app.post("/api/auth/logout", Some(&first), json!({})).await;
    assert_eq!(reply.status, 204);
    assert!(
        reply.headers["set-cookie"]
            .to_str()
            .expect("ascii")
            .contains("Max-Age=0")
    );
    app.get("/api/auth/me", Some(&first))
        .await
        .assert_error(401, "unauthorized");
    // Other sessions of the same user live on.
    assert_eq!(app.get("/api/auth/me", Some(&second)).await.status, 200);
    // Logging out twice is harmless.
    assert_eq!(
        app.post("/api/auth/logout", Some(&first), json!({}))
            .await
            .status,
        204
    );
    app.finish().await;
}

async fn sessions_expire(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.set_up().await;
    assert_eq!(app.get("/api/auth/me", Some(&token)).await.status, 200);
    app.execute_sql("UPDATE sessions SET expires_at = 1").await;
    app.get("/api/auth/me", Some(&token))
        .await
        .assert_error(401, "unauthorized");
    app.finish().await;
}

async fn too_many_failures_lock_the_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    app.create_user(&admin, "bystander@qiao.example", "sales", root.id)
        .await;

    for _ in 0..5 {
        app.login(ADMIN_EMAIL, "wrong-password")
            .await
            .assert_error(401, "bad_credentials");
    }
    // Even the right password is refused until the window passes.
    let locked = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    locked.assert_error(429, "rate_limited");
    let retry: u64 = locked.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    // Other accounts are not affected, and existing sessions keep working.
    assert_eq!(
        app.login("bystander@qiao.example", "user-pass-1")
            .await
            .status,
        200
    );
    assert_eq!(app.get("/api/auth/me", Some(&admin)).await.status, 200);
    app.finish().await;
}

async fn too_many_failures_from_one_address_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.set_up().await;
    for n in 0..30 {
        app.login(&format!("guess{n}@qiao.example"), "wrong-password")
            .await
            .assert_error(401, "bad_credentials");
    }
    app.login("guess-again@qiao.example", "wrong-password")
        .await
        .assert_error(429, "rate_limited");
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .assert_error(429, "rate_limited");
    app.finish().await;
}

async fn deactivation_ends_sessions_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    let sales = app
        .create_user(&admin, "sales@qiao.example", "sales", root.id)
        .await;
    let phone = app.token("sales@qiao.example", "user-pass-1").await;
    let laptop = app.token("sales@qiao.example", "user-pass-1").await;
    let me: Me = app.get("/api/auth/me", Some(&phone)).await.json();
    assert_eq!(me.user.id, sales.id);

    let reply = app
        .patch(
            &format!("/api/users/{}", sales.id),
            Some(&admin),
            json!({"active": false}),
        )
        .await;
    assert_eq!(
        (reply.status.as_u16(), reply.body["active"].as_bool()),
        (200, Some(false)),
        "{}",
        reply.body
    );
    app.get("/api/auth/me", Some(&phone))
        .await
        .assert_error(401, "unauthorized");
    app.get("/api/auth/me", Some(&laptop))
        .await
        .assert_error(401, "unauthorized");
    // With the right password they learn the account is disabled; with a wrong one, nothing.
    app.login("sales@qiao.example", "user-pass-1")
        .await
        .assert_error(409, "account_disabled");
    app.login("sales@qiao.example", "user-pass-2")
        .await
        .assert_error(401, "bad_credentials");

    // Reactivated, they can sign in again.
    app.patch(
        &format!("/api/users/{}", sales.id),
        Some(&admin),
        json!({"active": true}),
    )
    .await;
    assert_eq!(
        app.login("sales@qiao.example", "user-pass-1").await.status,
        200
    );
    app.finish().await;
}

async fn the_session_probe_never_fails_for_the_signed_out(backend: Backend) {
    use shared::api::SessionStatus;
    let app = TestApp::spawn(backend).await;
    let fresh: SessionStatus = app.get("/api/auth/session", None).await.json();
    assert_eq!((fresh.me, fresh.setup_needed), (None, true));
    let token = app.set_up().await;
    let anonymous: SessionStatus = app.get("/api/auth/session", None).await.json();
    assert_eq!((anonymous.me, anonymous.setup_needed), (None, false));
    let stale: SessionStatus = app.get("/api/auth/session", Some("garbage")).await.json();
    assert_eq!(stale.me, None);
    let signed_in: SessionStatus = app.get("/api/auth/session", Some(&token)).await.json();
    assert_eq!(
        signed_in.me.map(|m| m.user.email),
        Some(ADMIN_EMAIL.to_owned())
    );
    // Devices learn the largest file this server takes.
    assert_eq!(signed_in.max_upload_bytes, shared::files::MAX_UPLOAD_BYTES);
    app.finish().await;
    let roomy = TestApp::spawn_with(backend, |c| c.max_upload = 64 * 1024 * 1024).await;
    let told: SessionStatus = roomy.get("/api/auth/session", None).await.json();
    assert_eq!(told.max_upload_bytes, 64 * 1024 * 1024);
    roomy.finish().await;
}

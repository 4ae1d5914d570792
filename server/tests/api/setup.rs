//! The one-time setup, and health.

use serde_json::json;
use shared::Role;
use shared::api::{Health, LoginResponse, Me, SetupStatus};

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(
    health_names_the_backend,
    setup_creates_the_company_and_admin_once,
    restarting_keeps_everything
);

async fn health_names_the_backend(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reply = app.get("/healthz", None).await;
    assert_eq!(reply.status, 200);
    let health: Health = reply.json();
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(
        (health.status.as_str(), health.db.as_str()),
        ("ok", expected)
    );
    assert!(!health.version.is_empty());
    app.finish().await;
}

async fn setup_creates_the_company_and_admin_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert!(
        app.get("/api/setup", None)
            .await
            .json::<SetupStatus>()
            .needed
    );

    // Every bad field is reported, and nothing is created.
    let bad = app
        .post(
            "/api/setup",
            None,
            json!({"company_name": "", "display_name": " ", "email": "nope", "password": "short"}),
        )
        .await;
    bad.assert_error(422, "validation_failed");
    let fields: Vec<&str> = bad.body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        ["company_name", "display_name", "email", "password"]
    );
    assert!(
        app.get("/api/setup", None)
            .await
            .json::<SetupStatus>()
            .needed
    );

    let reply = app
        .post(
            "/api/setup",
            None,
            json!({"company_name": "桥科技", "display_name": "管理员", "email": "Admin@Qiao.example", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let cookie = reply.headers["set-cookie"].to_str().expect("ascii");
    assert!(
        cookie.starts_with("qiao_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let login: LoginResponse = reply.json();
    assert_eq!(
        (login.user.email.as_str(), login.user.role),
        (ADMIN_EMAIL, Role::Admin)
    );

    // The session works by bearer token and by cookie.
    let me: Me = app.get("/api/auth/me", Some(&login.token)).await.json();
    assert_eq!(
        (me.user.id, me.team_name.as_str()),
        (login.user.id, "桥科技")
    );
    let by_cookie = app
        .client
        .get(format!("{}/api/auth/me", app.url))
        .header("cookie", format!("qiao_session={}", login.token))
        .send()
        .await
        .expect("reaches server");
    assert_eq!(by_cookie.status(), 200);

    // Setup is closed for good.
    assert!(
        !app.get("/api/setup", None)
            .await
            .json::<SetupStatus>()
            .needed
    );
    app.post(
        "/api/setup",
        None,
        json!({"company_name": "Evil", "display_name": "x", "email": "evil@example.com", "password": "evil-pass-1"}),
    )
    .await
    .assert_error(409, "already_set_up");
    app.login("evil@example.com", "evil-pass-1")
        .await
        .assert_error(401, "bad_credentials");
    app.finish().await;
}

async fn restarting_keeps_everything(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.set_up().await;
    let db_url = app.db_url.clone();
    let cleanup = app.stop().await;
    // Starting again on the same database re-runs migrations harmlessly.
    for _ in 0..2 {
        let again = TestApp::start_on(backend, db_url.clone(), |_| {}).await;
        assert!(
            !again
                .get("/api/setup", None)
                .await
                .json::<SetupStatus>()
                .needed
        );
        again.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        again.stop().await;
    }
    if let Some(cleanup) = cleanup {
        cleanup.run().await;
    }
}

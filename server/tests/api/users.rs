//! User management by admins, and what other roles may not do.

use serde_json::json;
use shared::Role;
use shared::api::{Me, UserView};

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(
    admins_create_and_edit_users,
    bad_user_input_is_refused_field_by_field,
    admins_cannot_lock_themselves_out,
    other_roles_cannot_administer,
    password_reset_signs_the_user_out,
);

async fn admins_create_and_edit_users(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    let east = app.create_team(&admin, "华东销售", root.id).await;

    let reply = app
        .post(
            "/api/users",
            Some(&admin),
            json!({"email": "Zhang.San@Qiao.example", "display_name": "张三", "phone": "138 0013 8000",
                   "role": "sales", "team_id": east.id, "password": "zhangsan-pass"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: UserView = reply.json();
    assert_eq!(created.email, "zhang.san@qiao.example");
    assert_eq!(created.phone.as_deref(), Some("+8613800138000"));
    assert_eq!(
        (created.role, created.team_id, created.active),
        (Role::Sales, east.id, true)
    );
    assert!(
        reply.body.get("password_hash").is_none(),
        "never send the hash"
    );

    let listed: Vec<UserView> = app.get("/api/users", Some(&admin)).await.json();
    assert_eq!(listed.len(), 2);
    let shown: UserView = app
        .get(&format!("/api/users/{}", created.id), Some(&admin))
        .await
        .json();
    assert_eq!(shown, created);

    let edited: UserView = app
        .patch(
            &format!("/api/users/{}", created.id),
            Some(&admin),
            json!({"display_name": "张三丰", "role": "manager", "team_id": root.id, "phone": ""}),
        )
        .await
        .json();
    assert_eq!(
        (
            edited.display_name.as_str(),
            edited.role,
            edited.team_id,
            edited.phone
        ),
        ("张三丰", Role::Manager, root.id, None)
    );
    let me: Me = app
        .get(
            "/api/auth/me",
            Some(&app.token("zhang.san@qiao.example", "zhangsan-pass").await),
        )
        .await
        .json();
    assert_eq!(
        (me.user.role, me.team_name.as_str()),
        (Role::Manager, "桥科技")
    );

    app.get(
        "/api/users/0190f5a2-7c3b-7def-8a12-0123456789ab",
        Some(&admin),
    )
    .await
    .assert_error(404, "not_found");
    app.get("/api/users/not-an-id", Some(&admin))
        .await
        .assert_error(404, "not_found");
    app.finish().await;
}

async fn bad_user_input_is_refused_field_by_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    let before: Vec<UserView> = app.get("/api/users", Some(&admin)).await.json();

    let bad = app
        .post(
            "/api/users",
            Some(&admin),
            json!({"email": "not-an-email", "display_name": "", "phone": "12", "role": "sales", "team_id": root.id, "password": "short"}),
        )
        .await;
    bad.assert_error(422, "validation_failed");
    let details: Vec<(String, String)> = bad.body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| {
            (
                d["field"].as_str().unwrap_or("").to_owned(),
                d["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        details,
        [
            ("email", "invalid_email"),
            ("display_name", "required"),
            ("phone", "invalid_phone"),
            ("password", "too_short")
        ]
        .map(|(f, c)| (f.to_owned(), c.to_owned()))
    );

    let base = json!({"email": "li@qiao.example", "display_name": "李雷", "role": "sales", "team_id": root.id, "password": "lilei-pass-1"});
    let with = |key: &str, value: serde_json::Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    let duplicate = app
        .post(
            "/api/users",
            Some(&admin),
            with("email", json!("ADMIN@qiao.example")),
        )
        .await;
    duplicate.assert_error(409, "email_taken");
    assert_eq!(duplicate.field(), Some("email"));
    let bad_role = app
        .post("/api/users", Some(&admin), with("role", json!("boss")))
        .await;
    bad_role.assert_error(422, "validation_failed");
    assert_eq!(bad_role.field(), Some("role"));
    let no_team = app
        .post(
            "/api/users",
            Some(&admin),
            with("team_id", json!("0190f5a2-7c3b-7def-8a12-0123456789ab")),
        )
        .await;
    no_team.assert_error(422, "validation_failed");
    assert_eq!(
        (
            no_team.field(),
            no_team.body["error"]["details"][0]["code"].as_str()
        ),
        (Some("team_id"), Some("not_found"))
    );
    let common = app
        .post(
            "/api/users",
            Some(&admin),
            with("password", json!("password123")),
        )
        .await;
    assert_eq!(
        common.body["error"]["details"][0]["code"],
        "common_password"
    );

    let after: Vec<UserView> = app.get("/api/users", Some(&admin)).await.json();
    assert_eq!(before, after, "refused requests change nothing");

    // Editing to a taken email is refused the same way.
    let li: UserView = app.post("/api/users", Some(&admin), base).await.json();
    app.patch(
        &format!("/api/users/{}", li.id),
        Some(&admin),
        json!({"email": ADMIN_EMAIL}),
    )
    .await
    .assert_error(409, "email_taken");
    app.finish().await;
}

async fn admins_cannot_lock_themselves_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let me: Me = app.get("/api/auth/me", Some(&admin)).await.json();
    let path = format!("/api/users/{}", me.user.id);
    app.patch(&path, Some(&admin), json!({"active": false}))
        .await
        .assert_error(409, "cannot_deactivate_self");
    app.patch(&path, Some(&admin), json!({"role": "sales"}))
        .await
        .assert_error(409, "cannot_demote_self");

    // A second admin may not remove the last one either.
    let root = app.root_team(&admin).await;
    let other = app
        .create_user(&admin, "second@qiao.example", "admin", root.id)
        .await;
    let second = app.token("second@qiao.example", "user-pass-1").await;
    assert_eq!(
        app.patch(&path, Some(&second), json!({"role": "manager"}))
            .await
            .status,
        200
    );
    app.patch(
        &format!("/api/users/{}", other.id),
        Some(&admin),
        json!({"active": false}),
    )
    .await
    .assert_error(403, "forbidden");
    app.finish().await;
}

async fn other_roles_cannot_administer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    for role in ["manager", "sales", "marketing", "service", "finance"] {
        let email = format!("{role}@qiao.example");
        let user = app.create_user(&admin, &email, role, root.id).await;
        let token = app.token(&email, "user-pass-1").await;
        app.get("/api/users", Some(&token))
            .await
            .assert_error(403, "forbidden");
        app.post("/api/users", Some(&token), json!({"email": "x@y.cn"}))
            .await
            .assert_error(403, "forbidden");
        app.patch(
            &format!("/api/users/{}", user.id),
            Some(&token),
            json!({"role": "admin"}),
        )
        .await
        .assert_error(403, "forbidden");
        app.post(
            "/api/teams",
            Some(&token),
            json!({"name": "x", "parent_id": root.id}),
        )
        .await
        .assert_error(403, "forbidden");
        app.delete(&format!("/api/teams/{}", root.id), Some(&token))
            .await
            .assert_error(403, "forbidden");
        app.put("/api/roles/sales", Some(&token), json!({"scope": "all"}))
            .await
            .assert_error(403, "forbidden");
        // Reading the team tree and the chart data is open to everyone signed in.
        assert_eq!(app.get("/api/teams", Some(&token)).await.status, 200);
        assert_eq!(
            app.get("/api/stats/team-members", Some(&token))
                .await
                .status,
            200
        );
    }
    let me: Me = app
        .get(
            "/api/auth/me",
            Some(&app.token("sales@qiao.example", "user-pass-1").await),
        )
        .await
        .json();
    assert_eq!(me.user.role, Role::Sales, "nothing changed");
    app.get("/api/users", None)
        .await
        .assert_error(401, "unauthorized");
    app.finish().await;
}

async fn password_reset_signs_the_user_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    let user = app
        .create_user(&admin, "wang@qiao.example", "service", root.id)
        .await;
    let session = app.token("wang@qiao.example", "user-pass-1").await;
    let reply = app
        .patch(
            &format!("/api/users/{}", user.id),
            Some(&admin),
            json!({"password": "new-secret-9"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    app.get("/api/auth/me", Some(&session))
        .await
        .assert_error(401, "unauthorized");
    app.login("wang@qiao.example", "user-pass-1")
        .await
        .assert_error(401, "bad_credentials");
    assert_eq!(
        app.login("wang@qiao.example", "new-secret-9").await.status,
        200
    );
    // The admin resetting their own password keeps the session they are using.
    let me: Me = app.get("/api/auth/me", Some(&admin)).await.json();
    let other_admin_session = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.patch(
        &format!("/api/users/{}", me.user.id),
        Some(&admin),
        json!({"password": "admin-pass-2"}),
    )
    .await;
    assert_eq!(app.get("/api/auth/me", Some(&admin)).await.status, 200);
    app.get("/api/auth/me", Some(&other_admin_session))
        .await
        .assert_error(401, "unauthorized");
    app.finish().await;
}

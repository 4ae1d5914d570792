//! Role data scopes: stored, listed, and editable by admins.

use serde_json::json;
use shared::api::{Me, RoleView};
use shared::{DataScope, Role};

use crate::harness::{Backend, TestApp, both};

both!(role_scopes_start_at_defaults_and_can_be_changed);

async fn role_scopes_start_at_defaults_and_can_be_changed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let roles: Vec<RoleView> = app.get("/api/roles", Some(&admin)).await.json();
    assert_eq!(roles.len(), Role::ALL.len());
    for view in &roles {
        assert_eq!(view.scope, view.role.default_scope(), "{:?}", view.role);
    }

    let root = app.root_team(&admin).await;
    app.create_user(&admin, "rep@qiao.example", "sales", root.id)
        .await;
    let rep = app.token("rep@qiao.example", "user-pass-1").await;
    assert_eq!(
        app.get("/api/auth/me", Some(&rep)).await.json::<Me>().scope,
        DataScope::Own
    );

    let updated: RoleView = app
        .put("/api/roles/sales", Some(&admin), json!({"scope": "team"}))
        .await
        .json();
    assert_eq!(updated.scope, DataScope::Team);
    assert_eq!(
        app.get("/api/auth/me", Some(&rep)).await.json::<Me>().scope,
        DataScope::Team
    );

    let bad = app
        .put("/api/roles/sales", Some(&admin), json!({"scope": "galaxy"}))
        .await;
    bad.assert_error(422, "validation_failed");
    assert_eq!(bad.field(), Some("scope"));
    app.put("/api/roles/emperor", Some(&admin), json!({"scope": "all"}))
        .await
        .assert_error(404, "not_found");
    app.finish().await;
}

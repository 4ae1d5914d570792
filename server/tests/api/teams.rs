//! The team tree and its rules.

use serde_json::json;
use shared::api::{TeamMembers, TeamView};

use crate::harness::{Backend, TestApp, both};

both!(
    the_team_tree_keeps_its_shape,
    teams_with_people_or_sub_teams_stay
);

async fn the_team_tree_keeps_its_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    assert_eq!(root.name, "桥科技");
    let sales = app.create_team(&admin, "销售部", root.id).await;
    let east = app.create_team(&admin, "华东组", sales.id).await;
    let service = app.create_team(&admin, "客服部", root.id).await;
    assert_eq!(east.parent_id, Some(sales.id));

    // Rename and move.
    let renamed: TeamView = app
        .patch(
            &format!("/api/teams/{}", east.id),
            Some(&admin),
            json!({"name": "华东一组"}),
        )
        .await
        .json();
    assert_eq!(renamed.name, "华东一组");
    let moved: TeamView = app
        .patch(
            &format!("/api/teams/{}", east.id),
            Some(&admin),
            json!({"parent_id": service.id}),
        )
        .await
        .json();
    assert_eq!(moved.parent_id, Some(service.id));

    // Cycles, moving the company, unknown parents and duplicate sibling names are refused.
    app.patch(
        &format!("/api/teams/{}", service.id),
        Some(&admin),
        json!({"parent_id": east.id}),
    )
    .await
    .assert_error(409, "would_cycle");
    app.patch(
        &format!("/api/teams/{}", root.id),
        Some(&admin),
        json!({"parent_id": sales.id}),
    )
    .await
    .assert_error(409, "root_cannot_move");
    let unknown = app
        .post(
            "/api/teams",
            Some(&admin),
            json!({"name": "x", "parent_id": "0190f5a2-7c3b-7def-8a12-0123456789ab"}),
        )
        .await;
    unknown.assert_error(409, "unknown_parent");
    assert_eq!(unknown.field(), Some("parent_id"));
    let twin = app
        .post(
            "/api/teams",
            Some(&admin),
            json!({"name": "销售部", "parent_id": root.id}),
        )
        .await;
    twin.assert_error(409, "team_name_taken");
    assert_eq!(twin.field(), Some("name"));
    let empty = app
        .post(
            "/api/teams",
            Some(&admin),
            json!({"name": "  ", "parent_id": root.id}),
        )
        .await;
    empty.assert_error(422, "validation_failed");
    assert_eq!(empty.field(), Some("name"));
    app.patch("/api/teams/not-an-id", Some(&admin), json!({"name": "x"}))
        .await
        .assert_error(404, "not_found");

    let teams: Vec<TeamView> = app.get("/api/teams", Some(&admin)).await.json();
    assert_eq!(teams.len(), 4, "refusals created nothing");
    let east_now = teams.iter().find(|t| t.id == east.id).expect("east");
    assert_eq!(
        (east_now.name.as_str(), east_now.parent_id),
        ("华东一组", Some(service.id))
    );
    app.finish().await;
}

async fn teams_with_people_or_sub_teams_stay(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    let sales = app.create_team(&admin, "销售部", root.id).await;
    let east = app.create_team(&admin, "华东组", sales.id).await;
    let user = app
        .create_user(&admin, "east@qiao.example", "sales", east.id)
        .await;

    let reply = app
        .delete(&format!("/api/teams/{}", east.id), Some(&admin))
        .await;
    reply.assert_error(409, "team_has_members");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("1 members"),
        "{}",
        reply.body
    );
    app.delete(&format!("/api/teams/{}", sales.id), Some(&admin))
        .await
        .assert_error(409, "team_has_sub_teams");
    app.delete(&format!("/api/teams/{}", root.id), Some(&admin))
        .await
        .assert_error(409, "root_cannot_be_deleted");

    let chart: Vec<TeamMembers> = app
        .get("/api/stats/team-members", Some(&admin))
        .await
        .json();
    let count = |id| {
        chart
            .iter()
            .find(|t| t.team_id == id)
            .map(|t| t.active_users)
    };
    assert_eq!(
        (count(root.id), count(east.id), count(sales.id)),
        (Some(1), Some(1), Some(0))
    );

    // Once the member has moved, the team can go; then its parent can too.
    app.patch(
        &format!("/api/users/{}", user.id),
        Some(&admin),
        json!({"team_id": root.id}),
    )
    .await;
    assert_eq!(
        app.delete(&format!("/api/teams/{}", east.id), Some(&admin))
            .await
            .status,
        204
    );
    assert_eq!(
        app.delete(&format!("/api/teams/{}", sales.id), Some(&admin))
            .await
            .status,
        204
    );
    app.delete(&format!("/api/teams/{}", sales.id), Some(&admin))
        .await
        .assert_error(404, "not_found");
    let teams: Vec<TeamView> = app.get("/api/teams", Some(&admin)).await.json();
    assert_eq!(teams.len(), 1);
    app.finish().await;
}

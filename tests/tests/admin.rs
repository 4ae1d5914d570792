//! An administrator's day in Settings: editing and deactivating people, reshaping the team
//! tree, and changing what a role may see; with refusals explained on screen.

use tests::Result;
use tests::browser::{Browser, Viewport};
use tests::pages::{Person, login, settings, shell};
use tests::server::TestServer;

const ADMIN: Person = Person {
    name: "王管理",
    email: "admin@qiao.example",
    password: "admin-pass-1",
};
const REP: Person = Person {
    name: "赵销售",
    email: "zhao@qiao.example",
    password: "sales-pass-1",
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_manages_people_teams_and_roles() {
    let server = TestServer::start("admin").await;
    let seeded = seed(&server.url).await;
    let browser = Browser::start(&server.url, Viewport::Desktop).await;
    let outcome = match seeded {
        Ok(()) => flow(&browser).await,
        Err(e) => Err(e),
    };
    if outcome.is_err() {
        browser.screenshot("admin-flow").await;
    }
    browser.close().await;
    server.stop().await;
    if let Err(e) = outcome {
        panic!("admin flow failed: {e}");
    }
}

/// The setup screen's request, through the API (the first-run test drives the screen itself).
async fn seed(url: &str) -> Result {
    let reply = reqwest::Client::new()
        .post(format!("{url}/api/setup"))
        .json(&serde_json::json!({
            "company_name": "桥科技", "display_name": ADMIN.name, "email": ADMIN.email, "password": ADMIN.password
        }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if reply.status() == 201 {
        Ok(())
    } else {
        Err(format!("setup answered {}", reply.status()))
    }
}

async fn flow(b: &Browser) -> Result {
    b.open("/login").await?;
    login::sign_in(b, &ADMIN).await?;
    b.wait_text("[data-testid=greeting]", ADMIN.name).await?;
    shell::go_settings(b).await?;

    // A department with a group under it, and a rep in the group.
    settings::open_teams(b).await?;
    settings::create_team(b, "销售部", "桥科技").await?;
    settings::create_team(b, "华北组", "销售部").await?;
    expect_eq(settings::team_depth(b, "华北组").await?, 2)?;
    settings::open_users(b).await?;
    settings::fill_new_user(b, &REP, "", "销售", "华北组").await?;
    settings::save_user(b).await?;
    settings::wait_for_user(b, REP.email).await?;

    // Edit: a new name and the manager role; bad input is explained at the field.
    settings::edit_user(b, REP.email).await?;
    b.fill("#user-phone", "12345").await?;
    settings::save_user(b).await?;
    expect_contains(&settings::user_field_error(b, "phone").await?, "电话号码")?;
    b.fill("#user-phone", "139 1234 5678").await?;
    b.fill("#user-display_name", "赵经理").await?;
    b.choose("#user-role", "经理").await?;
    settings::save_user(b).await?;
    b.wait_text(
        &format!("[data-testid=users-table] tr[data-email='{}']", REP.email),
        "赵经理",
    )
    .await?;
    let row = settings::user_row_text(b, REP.email).await?;
    expect_contains(&row, "经理")?;
    expect_contains(&row, "139 1234 5678")?;

    // The admin cannot deactivate themselves; deactivating the rep works and shows.
    settings::toggle_active(b, ADMIN.email).await?;
    b.wait_text(settings::BANNER, "不能停用自己").await?;
    settings::toggle_active(b, REP.email).await?;
    b.wait_text(
        &format!("[data-testid=users-table] tr[data-email='{}']", REP.email),
        "已停用",
    )
    .await?;

    // Teams: rename, move, and deletes that are refused until the team is empty.
    settings::open_teams(b).await?;
    settings::rename_team(b, "华北组", "华北一组").await?;
    settings::delete_team(b, "销售部").await?;
    b.wait_text(settings::BANNER, "下级团队").await?;
    settings::delete_team(b, "华北一组").await?;
    b.wait_text(settings::BANNER, "还有成员").await?;
    settings::move_team(b, "华北一组", "桥科技").await?;
    wait_until(
        || async {
            settings::team_depth(b, "华北一组")
                .await
                .is_ok_and(|d| d == 1)
        },
        "华北一组 moved to the top level",
    )
    .await?;
    settings::delete_team(b, "销售部").await?;
    wait_until(
        || async { !settings::has_team(b, "销售部").await },
        "销售部 deleted",
    )
    .await?;

    // Roles: sales may now see their whole team's records.
    settings::open_roles(b).await?;
    settings::set_scope(b, "sales", "本团队的数据").await?;
    b.open("/settings/roles").await?;
    wait_until(
        || async { settings::scope_of(b, "sales").await.as_deref() == Ok("team") },
        "the sales role's scope reads 本团队的数据 after a reload",
    )
    .await?;
    Ok(())
}

async fn wait_until<F, Fut>(check: F, what: &str) -> Result
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err(format!("timed out waiting for: {what}"))
}

fn expect_contains(text: &str, needle: &str) -> Result {
    if text.contains(needle) {
        Ok(())
    } else {
        Err(format!("{text:?} does not contain {needle:?}"))
    }
}

fn expect_eq<T: PartialEq + std::fmt::Debug>(got: T, expected: T) -> Result {
    if got == expected {
        Ok(())
    } else {
        Err(format!("got {got:?}, expected {expected:?}"))
    }
}

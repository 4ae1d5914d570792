//! Settings: users and teams.

use super::Person;
use crate::Result;
use crate::browser::Browser;

pub const USERS_TABLE: &str = "[data-testid=users-table]";

pub async fn open_teams(b: &Browser) -> Result {
    b.click("[data-testid=tab-teams]").await?;
    b.find("[data-testid=team-tree]").await.map(drop)
}

pub async fn open_users(b: &Browser) -> Result {
    b.click("[data-testid=tab-users]").await?;
    b.find(USERS_TABLE).await.map(drop)
}

pub async fn create_team(b: &Browser, name: &str, parent: &str) -> Result {
    b.fill("#new-team-name", name).await?;
    b.choose("#new-team-parent_id", parent).await?;
    b.click("[data-testid=new-team-form] button[type=submit]")
        .await?;
    b.find(&format!("[data-testid=team-tree] [data-team='{name}']"))
        .await
        .map(drop)
}

/// Open the new-user form and fill it in (without saving).
pub async fn fill_new_user(
    b: &Browser,
    person: &Person,
    phone: &str,
    role_label: &str,
    team: &str,
) -> Result {
    if !b.is_visible("[data-testid=user-form]").await {
        b.click("[data-testid=new-user]").await?;
    }
    b.fill("#user-display_name", person.name).await?;
    b.fill("#user-email", person.email).await?;
    b.fill("#user-phone", phone).await?;
    b.choose("#user-role", role_label).await?;
    b.choose("#user-team_id", team).await?;
    b.fill("#user-password", person.password).await
}

pub async fn save_user(b: &Browser) -> Result {
    b.click("[data-testid=user-form] button[type=submit]").await
}

pub async fn user_field_error(b: &Browser, field: &str) -> Result<String> {
    b.find(&format!("#user-{field}-error"))
        .await?
        .text()
        .await
        .map_err(|e| e.to_string())
}

/// Wait until the users list shows `email`.
pub async fn wait_for_user(b: &Browser, email: &str) -> Result {
    b.find(&format!("{USERS_TABLE} tr[data-email='{email}']"))
        .await
        .map(drop)
}

fn user_row(email: &str) -> String {
    format!("{USERS_TABLE} tr[data-email='{email}']")
}

/// Open the edit form of the user with `email`.
pub async fn edit_user(b: &Browser, email: &str) -> Result {
    b.click(&format!("{} [data-testid=edit-user]", user_row(email)))
        .await?;
    b.find("[data-testid=user-form]").await.map(drop)
}

/// The text of a user's row (name, role, team, status …).
pub async fn user_row_text(b: &Browser, email: &str) -> Result<String> {
    b.find(&user_row(email))
        .await?
        .text()
        .await
        .map_err(|e| e.to_string())
}

/// Deactivate an active user, or reactivate an inactive one.
pub async fn toggle_active(b: &Browser, email: &str) -> Result {
    b.click(&format!("{} [data-testid=toggle-active]", user_row(email)))
        .await
}

fn team_row(name: &str) -> String {
    format!("[data-testid=team-tree] [data-team='{name}']")
}

pub async fn rename_team(b: &Browser, from: &str, to: &str) -> Result {
    b.click(&format!("{} [data-testid=rename-team]", team_row(from)))
        .await?;
    b.fill("#edit-team-name", to).await?;
    b.click(&format!("{} form button[type=submit]", team_row(from)))
        .await?;
    b.find(&team_row(to)).await.map(drop)
}

pub async fn move_team(b: &Browser, name: &str, new_parent: &str) -> Result {
    b.click(&format!("{} [data-testid=move-team]", team_row(name)))
        .await?;
    b.choose("#edit-team-parent_id", new_parent).await?;
    b.click(&format!("{} form button[type=submit]", team_row(name)))
        .await
}

/// Ask to delete a team and confirm the browser's question.
pub async fn delete_team(b: &Browser, name: &str) -> Result {
    b.click(&format!("{} [data-testid=delete-team]", team_row(name)))
        .await?;
    b.client
        .accept_alert()
        .await
        .map_err(|e| format!("confirm the deletion: {e}"))
}

pub async fn has_team(b: &Browser, name: &str) -> bool {
    b.is_visible(&team_row(name)).await
}

/// How deep a team is drawn in the tree (0 for the company).
pub async fn team_depth(b: &Browser, name: &str) -> Result<u32> {
    let style = b
        .find(&team_row(name))
        .await?
        .attr("style")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    style
        .trim()
        .strip_prefix("--depth:")
        .and_then(|d| d.trim_end_matches(';').trim().parse().ok())
        .ok_or(format!("no depth in {style:?}"))
}

/// Where the error of an action on a list (deactivate, delete …) is shown.
pub const BANNER: &str = ".card .banner.error";

pub async fn open_roles(b: &Browser) -> Result {
    b.click("[data-testid=tab-roles]").await?;
    b.find("#scope-sales").await.map(drop)
}

/// Set a role's data scope by the option's visible text; waits for "saved".
pub async fn set_scope(b: &Browser, role: &str, scope_label: &str) -> Result {
    b.choose(&format!("#scope-{role}"), scope_label).await?;
    b.find(".saved").await.map(drop)
}

/// The scope chosen for a role on the roles screen (its select's value), once it is on screen.
pub async fn scope_of(b: &Browser, role: &str) -> Result<String> {
    let script =
        format!("const s = document.querySelector('#scope-{role}'); return s ? s.value : null;");
    match b.run(&script).await? {
        serde_json::Value::String(value) => Ok(value),
        other => Err(format!("no scope select for {role} yet ({other})")),
    }
}

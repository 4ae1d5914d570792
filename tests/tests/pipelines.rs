//! An admin sets up the company's pipeline in Settings: a stage without a name is refused at
//! that stage and nothing is saved; then a stage renamed, a gate added (a contact before
//! "needs") and a new stage; then a second pipeline. A sales rep's phone follows by sync: the
//! board shows the new names and columns, the new gate refuses a card carried there by finger
//! with the field named,
//! the new stage takes the deal, and the board offers both pipelines. The admin cannot remove
//! a stage that still holds a deal. Both use phones (360 px).

use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::{Browser, Viewport};
use tests::cast::{self, ADMIN, REP};
use tests::pages::{contacts, login, records, shell};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admins_pipeline_reaches_the_reps_board() {
    cast::admin_and_rep("pipelines", Viewport::Phone, flow).await;
}

fn row(key: &str) -> String {
    format!("[data-testid=stage-row][data-key='{key}']")
}

async fn flow(server: &mut TestServer, admin: &Browser, rep: &Browser) -> Result {
    // The rep has an account and a deal (made through the REST API, as an integration would).
    let mut api = Api::new(&server.url);
    api.sign_in(REP.email, REP.password).await?;
    let account = api
        .post("/api/v1/accounts", json!({"fields": {"name": "华东贸易"}}))
        .await?;
    let account = account["id"].as_str().ok_or("no account id")?.to_owned();
    api.post(
        "/api/v1/deals",
        json!({"fields": {"name": "仓储系统", "account": account, "amount": 80000}}),
    )
    .await?;
    for name in ["王采购", "刘工"] {
        api.post(
            "/api/v1/contacts",
            json!({"fields": {"name": name, "account": account}}),
        )
        .await?;
    }

    admin.open("/login").await?;
    login::sign_in_with(admin, ADMIN.email, ADMIN.password).await?;
    admin.open("/settings/pipelines").await?;
    admin.find(&row("needs")).await?;
    shell::check_phone_layout(admin).await?;

    // A stage with no name in either language is refused there; nothing is saved.
    admin
        .erase(&format!("{} [data-testid=stage-name-zh]", row("needs")))
        .await?;
    admin
        .erase(&format!("{} [data-testid=stage-name-en]", row("needs")))
        .await?;
    admin
        .click("[data-testid=pipeline-settings] button[type=submit]")
        .await?;
    admin
        .wait_text(&format!("{} .field-error", row("needs")), "必填")
        .await?;
    if admin.is_visible("[data-testid=pipeline-saved]").await {
        return Err("a refused pipeline must not be saved".to_owned());
    }

    // Renamed, gated on a contact, and a new stage before the closing ones.
    admin
        .fill(
            &format!("{} [data-testid=stage-name-zh]", row("needs")),
            "需求调研",
        )
        .await?;
    admin
        .fill(
            &format!("{} [data-testid=stage-name-en]", row("needs")),
            "Discovery",
        )
        .await?;
    admin
        .click(&format!("{} [data-gate=contact]", row("needs")))
        .await?;
    admin.click("[data-testid=add-stage]").await?;
    admin
        .fill(
            &format!("{} [data-testid=stage-name-zh]", row("s1")),
            "试用",
        )
        .await?;
    admin
        .click("[data-testid=pipeline-settings] button[type=submit]")
        .await?;
    admin.find("[data-testid=pipeline-saved]").await?;
    admin.snap("pipeline-settings").await;

    // The rep's phone: new names and columns, the new gate, the new stage.
    rep.open("/login").await?;
    login::sign_in(rep, &REP).await?;
    records::open(rep, "pipeline").await?;
    rep.wait_text("[data-stage=needs] .stage-header", "需求调研")
        .await?;
    rep.find("[data-stage=s1]").await?;
    let card = records::card(rep, "仓储系统").await?;
    // Carried by finger to the gated column: refused there, with the field named.
    rep.touch_drag(&card, "[data-stage=needs]").await?;

    rep.wait_text(&format!("{card} [data-testid=gate-error]"), "联系人")
        .await?;
    if records::stage_of(rep, &card).await? != "qualify" {
        return Err("a move the gate refuses must not move the deal".to_owned());
    }
    // And carried to the new stage, four columns on: the board scrolls under the finger.
    rep.touch_drag(&card, "[data-stage=s1]").await?;
    rep.wait_until(
        &format!(
            "document.querySelector(\"{card}\").closest('[data-stage]').dataset.stage === 's1'"
        ),
        "the deal in the new stage",
    )
    .await?;

    // Several people are on the deal: added one by one, found by pinyin initials; the deal
    // shows in each one's timeline.
    rep.click(&format!("{card} a")).await?;
    rep.find("[data-testid=record-form]").await?;
    records::add_link(rep, "contacts", "wcg", "王采购").await?;
    records::add_link(rep, "contacts", "lg", "刘工").await?;
    records::save(rep).await?;
    rep.wait_path("/r/deals").await?;
    rep.wait_text("[data-testid=records-list]", "仓储系统")
        .await?;
    records::open_record(rep, "仓储系统").await?;
    rep.wait_text("[data-testid=contacts-chosen]", "王采购")
        .await?;
    rep.wait_text("[data-testid=contacts-chosen]", "刘工")
        .await?;
    rep.open("/contacts").await?;
    contacts::edit(rep, "刘工").await?;
    rep.click("[data-testid=tab-timeline]").await?;
    rep.wait_text("[data-testid=timeline]", "仓储系统").await?;

    // The admin cannot remove the stage that now holds the deal (once their device has it).
    admin
        .wait_until(
            "document.querySelector(\"[data-testid=stage-row][data-key='s1']\") !== null",
            "the new stage",
        )
        .await?;
    admin.open("/pipeline").await?;
    admin
        .wait_until(
            "(() => { const c = [...document.querySelectorAll('[data-testid=deal-card]')].find(c => c.textContent.includes('仓储系统')); return c && c.closest('[data-stage]').dataset.stage === 's1'; })()",
            "the rep's move on the admin's device",
        )
        .await?;
    admin.open("/settings/pipelines").await?;
    admin
        .click(&format!("{} [data-testid=remove-stage]", row("s1")))
        .await?;
    admin
        .wait_text(&format!("{} [role=alert]", row("s1")), "还有商机")
        .await?;

    // A second pipeline; the rep's board offers both.
    admin.click("[data-testid=new-pipeline]").await?;
    admin
        .fill("[data-testid=pipeline-name]", "续约流程")
        .await?;
    admin
        .click("[data-testid=pipeline-settings] button[type=submit]")
        .await?;
    admin.find("[data-testid=pipeline-saved]").await?;
    records::open(rep, "pipeline").await?;
    rep.wait_text("[data-testid=pipeline-picker]", "续约流程")
        .await?;
    rep.choose("[data-testid=pipeline-picker]", "续约流程")
        .await?;
    rep.wait_until(
        "document.querySelectorAll('[data-testid=deal-card]').length === 0",
        "the second pipeline's empty board",
    )
    .await?;
    Ok(())
}

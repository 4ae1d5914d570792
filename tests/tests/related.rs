//! A record page: its header and related lists. A sales rep opens an account on a phone: the
//! header names it above the tabs, on every tab; the "related"
//! tab (the address keeps it) shows its people,
//! deals, activities and tasks, each counted; "new" under the people opens a contact already
//! at the account, and once saved the account lists two people. Offline, the account opens
//! again from its address with its lists. A deal's header is a stage bar: a tap on a gated
//! stage is refused with the fields it needs, a tap on an open one moves the deal (the form
//! follows; saving the form afterwards keeps the stage), a reload keeps it, the server holds
//! it, and the manager at a desk sees the header, form, related lists and timeline at once.

use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::Browser;
use tests::cast::{self, BOSS, REP};
use tests::pages::{contacts, login, records, shell};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_page_lists_its_people_deals_and_tasks() {
    cast::rep_and_manager("related", flow).await;
}

async fn flow(server: &mut TestServer, rep: &Browser, desk: &Browser) -> Result {
    let mut api = Api::new(&server.url);
    api.sign_in(REP.email, REP.password).await?;
    let account = api
        .post("/api/v1/accounts", json!({"fields": {"name": "星河科技"}}))
        .await?;
    let account = account["id"].as_str().ok_or("an account id")?.to_owned();
    api.post(
        "/api/v1/contacts",
        json!({"fields": {"name": "钱总", "account": account}}),
    )
    .await?;
    let deal = api
        .post(
            "/api/v1/deals",
            json!({"fields": {"name": "星河云主机", "account": account, "stage": "qualify"}}),
        )
        .await?;
    let deal = deal["id"].as_str().ok_or("a deal id")?.to_owned();
    api.post(
        "/api/v1/tasks",
        json!({"fields": {"title": "寄送报价", "about": account}}),
    )
    .await?;

    rep.open("/login").await?;
    login::sign_in(rep, &REP).await?;
    contacts::wait_pending(rep, 0).await?;
    let page = format!("/r/accounts/{account}");
    rep.open(&page).await?;
    // On a phone the lists are a tab of their own, with the form and the timeline beside.
    rep.find("[data-testid=record-form]").await?;
    rep.wait_text("[data-testid=record-name]", "星河科技")
        .await?;
    rep.click("[data-testid=tab-related]").await?;
    rep.wait_until(
        "location.search === '?tab=related' && document.querySelector('[data-testid=record-form]').offsetParent === null",
        "the related tab, the form out of sight",
    )
    .await?;
    rep.wait_text("[data-testid=related-contact] h2", "(1)")
        .await?;
    rep.wait_text("[data-testid=related-contact]", "钱总")
        .await?;
    rep.wait_text("[data-testid=related-deal]", "星河云主机")
        .await?;
    rep.wait_text("[data-testid=related-task]", "寄送报价")
        .await?;
    rep.wait_text("[data-testid=related-activity] h2", "(0)")
        .await?;
    // The header stays above the tabs: the account's name on the related tab too.
    if !rep.is_visible("[data-testid=record-name]").await {
        return Err("the account's name is out of sight on the related tab".into());
    }

    // "New" under the people: a contact already at the account.
    rep.click("[data-testid=related-contact] [data-testid=related-new]")
        .await?;
    rep.find("[data-testid=record-form]").await?;
    rep.wait_until(
        &format!("location.search === '?account={account}'"),
        "the new contact linked to the account",
    )
    .await?;
    rep.fill("#record-name", "孙经理").await?;
    contacts::save(rep).await?;
    rep.wait_path("/contacts").await?;
    let related = format!("{page}?tab=related");
    rep.open(&related).await?;
    rep.wait_text("[data-testid=related-contact] h2", "(2)")
        .await?;
    rep.wait_text("[data-testid=related-contact]", "孙经理")
        .await?;

    stage_bar(rep, &mut api, &deal).await?;

    // Offline, the account opens again from its address with its lists.
    rep.wait_until(
        "navigator.serviceWorker.controller !== null",
        "the service worker",
    )
    .await?;
    contacts::wait_pending(rep, 0).await?;
    server.go_down().await;
    rep.open(&related).await?;
    rep.wait_text("[data-testid=related-contact] h2", "(2)")
        .await?;
    rep.wait_text("[data-testid=related-deal] h2", "(1)")
        .await?;
    rep.snap("related-lists").await;
    server.come_back().await;

    // At a desk the manager sees the whole page at once: header, stage bar, form, lists, timeline.
    desk.open("/login").await?;
    login::sign_in(desk, &BOSS).await?;
    desk.open(&format!("/r/deals/{deal}")).await?;
    desk.wait_text("[data-testid=record-name]", "星河云主机")
        .await?;
    desk.wait_until(
        "document.querySelector('[data-testid=stage-step][aria-current=step]')?.dataset.key === 'needs'",
        "the deal in needs analysis on the manager's screen",
    )
    .await?;
    for part in [
        "[data-testid=record-form]",
        "[data-testid=related-activity]",
        ".tab-timeline",
    ] {
        desk.find(part).await?;
        if !desk.is_visible(part).await {
            return Err(format!("{part} is out of sight at a desk"));
        }
    }
    if desk.is_visible("[data-testid=tab-related]").await {
        return Err("tabs shown at a desk".into());
    }
    desk.snap("record-header-desk").await;
    Ok(())
}

const CURRENT: &str =
    "document.querySelector('[data-testid=stage-step][aria-current=step]')?.dataset.key";

/// A deal's stage bar on the rep's phone.
async fn stage_bar(rep: &Browser, api: &mut Api, deal: &str) -> Result {
    let page = format!("/r/deals/{deal}");
    rep.open(&page).await?;
    rep.wait_text("[data-testid=record-name]", "星河云主机")
        .await?;
    rep.wait_until(
        &format!("{CURRENT} === 'qualify'"),
        "the deal in its first stage",
    )
    .await?;
    // A gated stage: refused, the fields it needs named, the deal where it was.
    rep.click("[data-testid=stage-step][data-key=proposal]")
        .await?;
    rep.wait_text("[data-testid=stage-error]", "进入该阶段前需填写")
        .await?;
    rep.wait_text("[data-testid=stage-error]", "金额").await?;
    rep.wait_until(
        &format!("{CURRENT} === 'qualify'"),
        "the deal still in qualify",
    )
    .await?;
    // An open stage: moved, the refusal gone, the form's stage follows.
    rep.click("[data-testid=stage-step][data-key=needs]")
        .await?;
    rep.wait_until(
        &format!("{CURRENT} === 'needs'"),
        "the deal in needs analysis",
    )
    .await?;
    rep.wait_until(
        "document.querySelector('[data-testid=stage-error]') === null && document.querySelector('#record-stage').value === 'needs'",
        "the refusal gone and the form's stage moved",
    )
    .await?;
    // Saving the form afterwards keeps the stage and saves the note.
    rep.fill("#record-notes", "客户下周演示").await?;
    records::save(rep).await?;
    rep.wait_path("/r/deals").await?;
    contacts::wait_pending(rep, 0).await?;
    rep.open(&page).await?;
    rep.wait_until(
        &format!("{CURRENT} === 'needs'"),
        "the stage kept after a reload",
    )
    .await?;
    let held = api.get(&format!("/api/v1/deals/{deal}")).await?;
    let fields = &held["fields"];
    if fields["stage"] != "needs" || fields["notes"] != "客户下周演示" {
        return Err(format!("the server holds {fields}"));
    }
    shell::check_phone_layout(rep).await?;
    rep.snap("record-header-stage-bar").await;
    Ok(())
}

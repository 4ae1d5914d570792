//! A record page's related lists: a sales rep opens an account on a phone, taps its "related"
//! tab (the address keeps it) and sees its people,
//! deals, activities and tasks, each counted; "new" under the people opens a contact already
//! at the account, and once saved the account lists two people. Offline, the account opens
//! again from its address with its lists.

use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::Browser;
use tests::cast::{self, REP};
use tests::pages::{contacts, login};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_page_lists_its_people_deals_and_tasks() {
    cast::rep_and_manager("related", flow).await;
}

async fn flow(server: &mut TestServer, rep: &Browser, _desk: &Browser) -> Result {
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
    api.post(
        "/api/v1/deals",
        json!({"fields": {"name": "星河云主机", "account": account, "stage": "qualify"}}),
    )
    .await?;
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
    Ok(())
}

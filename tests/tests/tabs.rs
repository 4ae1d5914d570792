//! Several tabs of one browser: one of them talks to the server, the others see every change at
//! once anyway, and when the syncing tab is closed another one takes over.

use fantoccini::wd::WindowHandle;
use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::{Browser, Viewport};
use tests::pages::{Person, contacts, login};
use tests::pusher::Pusher;
use tests::server::TestServer;
use uuid::Uuid;

const REP: Person = Person {
    name: "孙销售",
    email: "sun@qiao.example",
    password: "sales-pass-1",
};

/// Requests this tab made to the sync API so far.
const SYNC_REQUESTS: &str = "return performance.getEntriesByType('resource')\
    .filter(e => e.name.includes('/api/sync/push') || e.name.includes('/api/sync/pull')).length;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tabs_share_one_sync() {
    let server = TestServer::start("tabs").await;
    let browser = Browser::start(&server.url, Viewport::Desktop).await;
    let outcome = flow(&server.url, &browser).await;
    if outcome.is_err() {
        browser.screenshot("tabs").await;
    }
    browser.close().await;
    server.stop().await;
    if let Err(e) = outcome {
        panic!("tabs flow failed: {e}");
    }
}

async fn flow(url: &str, b: &Browser) -> Result {
    let mut api = Api::new(url);
    api.set_up("桥科技", "管理员", "admin@qiao.example", "admin-pass-1")
        .await?;
    let company = api.root_team().await?;
    api.create_user(REP.name, REP.email, REP.password, "sales", &company)
        .await?;
    api.sign_in(REP.email, REP.password).await?;
    let mut elsewhere = Pusher::new(url, api.token().ok_or("no session")?);

    // The first tab signs in and syncs.
    b.open("/login").await?;
    login::sign_in(b, &REP).await?;
    contacts::open(b).await?;
    contacts::create(b, "第一位", "甲公司", "").await?;
    contacts::wait_pending(b, 0).await?;
    let first = b.client.window().await.map_err(|e| e.to_string())?;

    // A second tab of the same browser opens the same copy.
    let second = new_tab(b).await?;
    b.open("/contacts").await?;
    b.wait_text("[data-testid=contacts-list]", "第一位").await?;

    // A change made in the second tab shows in the first at once and reaches the server.
    contacts::create(b, "第二位", "乙公司", "").await?;
    switch(b, &first).await?;
    b.wait_text("[data-testid=contacts-list]", "第二位").await?;
    contacts::wait_pending(b, 0).await?;
    switch(b, &second).await?;
    contacts::wait_pending(b, 0).await?;

    // A change made elsewhere reaches both tabs.
    push_contact(&mut elsewhere, "第三位").await?;
    b.wait_text("[data-testid=contacts-list]", "第三位").await?;
    switch(b, &first).await?;
    b.wait_text("[data-testid=contacts-list]", "第三位").await?;

    // Only the first tab talked to the server.
    switch(b, &second).await?;
    let requests = b.run(SYNC_REQUESTS).await?;
    if requests != json!(0) {
        return Err(format!(
            "the second tab made {requests} sync requests while the first one synced"
        ));
    }

    // The first tab closes: the second takes over and syncs by itself.
    switch(b, &first).await?;
    b.client.close_window().await.map_err(|e| e.to_string())?;
    switch(b, &second).await?;
    push_contact(&mut elsewhere, "第四位").await?;
    b.wait_text("[data-testid=contacts-list]", "第四位").await?;
    contacts::create(b, "第五位", "戊公司", "").await?;
    contacts::wait_pending(b, 0).await?;
    let requests = b.run(SYNC_REQUESTS).await?;
    if requests.as_u64().unwrap_or(0) == 0 {
        return Err("the remaining tab never synced".to_owned());
    }
    Ok(())
}

async fn new_tab(b: &Browser) -> Result<WindowHandle> {
    let tab = b.client.new_window(true).await.map_err(|e| e.to_string())?;
    switch(b, &tab.handle).await?;
    Ok(tab.handle)
}

async fn switch(b: &Browser, tab: &WindowHandle) -> Result {
    b.client
        .switch_to_window(tab.clone())
        .await
        .map_err(|e| e.to_string())
}

async fn push_contact(device: &mut Pusher, name: &str) -> Result {
    let reply = device
        .push(vec![(
            "contact.create".to_owned(),
            json!({"id": Uuid::now_v7(), "fields": {"name": name, "company": "别处公司"}}),
        )])
        .await?;
    if reply.applied == 1 {
        Ok(())
    } else {
        Err(format!("the server did not apply {name}: {reply:?}"))
    }
}

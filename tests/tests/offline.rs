//! Working without a network: a sales rep keeps creating and editing contacts while the server
//! is down, reloads the app offline (and the sign-in page lets them in), and everything syncs
//! when it is back; a manager in another browser sees it all; an edit that overwrote the
//! manager's change shows up as a sync issue.

use tests::Result;
use tests::browser::Browser;
use tests::cast::{self, BOSS, REP};
use tests::pages::{contacts, login};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_works_offline_and_everything_syncs() {
    cast::rep_and_manager("offline", flow).await;
}

async fn flow(server: &mut TestServer, rep: &Browser, boss: &Browser) -> Result {
    rep.open("/login").await?;
    login::sign_in(rep, &REP).await?;
    contacts::open(rep).await?;
    contacts::create(rep, "陈经理", "甲公司", "139 1234 5678").await?;
    contacts::create(rep, "王总", "乙公司", "").await?;
    contacts::wait_pending(rep, 0).await?;
    // The app shell is kept for offline use once the service worker controls the page.
    rep.wait_until(
        "navigator.serviceWorker.controller !== null",
        "the service worker",
    )
    .await?;

    // No network: the rep keeps working.
    server.go_down().await;
    contacts::create(rep, "离线客户", "丙公司", "").await?;
    contacts::edit(rep, "王总").await?;
    rep.fill("#record-company", "乙公司（新址）").await?;
    contacts::save(rep).await?;
    rep.wait_text("[data-testid=contacts-list]", "乙公司（新址）")
        .await?;
    contacts::wait_pending(rep, 2).await?;
    contacts::wait_online(rep, false).await?;

    // Reload with no network: the app opens from the service worker with the data and the
    // pending changes.
    rep.open("/contacts").await?;
    rep.wait_text("[data-testid=contacts-list]", "离线客户")
        .await?;
    rep.wait_text("[data-testid=contacts-list]", "乙公司（新址）")
        .await?;
    contacts::wait_pending(rep, 2).await?;
    rep.wait_text("[data-testid=sync-pending]", "2").await?;

    // The sign-in page, opened with no network, lets the remembered rep into the app.
    rep.open("/login").await?;
    rep.wait_path("/").await?;
    rep.wait_text("[data-testid=greeting]", REP.name).await?;
    contacts::open(rep).await?;

    // Search works offline too: by pinyin initials, by full pinyin, by a phone number as typed.
    for typed in ["cjl", "chenjingli", "139-1234-5678"] {
        contacts::search(rep, typed).await?;
        rep.wait_until(
            "document.querySelector('[data-testid=contact-count]').textContent.startsWith('1 ')",
            &format!("one match for {typed}"),
        )
        .await?;
        let list = contacts::list_text(rep).await?;
        if !list.contains("陈经理") || list.contains("王总") {
            return Err(format!("searching {typed} shows: {list}"));
        }
    }
    contacts::search(rep, "").await?;

    // The network is back: everything goes up by itself.
    server.come_back().await;
    contacts::wait_pending(rep, 0).await?;
    contacts::wait_online(rep, true).await?;

    // The manager, in another browser, sees all of it.
    boss.open("/login").await?;
    login::sign_in(boss, &BOSS).await?;
    contacts::open(boss).await?;
    boss.wait_text("[data-testid=contacts-list]", "离线客户")
        .await?;
    boss.wait_text("[data-testid=contacts-list]", "乙公司（新址）")
        .await?;
    let list = contacts::list_text(boss).await?;
    if !list.contains("陈经理") {
        return Err(format!("the manager's list lacks 陈经理: {list}"));
    }

    // Both edit 陈经理's company: the rep opened the form before the manager saved.
    contacts::edit(rep, "陈经理").await?;
    contacts::edit(boss, "陈经理").await?;
    boss.fill("#record-company", "经理改的公司").await?;
    contacts::save(boss).await?;
    contacts::wait_pending(boss, 0).await?;
    rep.fill("#record-company", "销售改的公司").await?;
    contacts::save(rep).await?;
    contacts::wait_pending(rep, 0).await?;

    // The rep is told, sees both values, and puts the manager's back.
    rep.click("[data-testid=sync-issues-link]").await?;
    rep.wait_text("[data-testid=sync-issue]", "陈经理").await?;
    rep.wait_text("[data-testid=issue-mine]", "销售改的公司")
        .await?;
    rep.wait_text("[data-testid=issue-theirs]", "经理改的公司")
        .await?;
    rep.click("[data-testid=issue-use-theirs]").await?;
    rep.find("[data-testid=no-sync-issues]").await?;
    contacts::wait_pending(rep, 0).await?;
    contacts::open(boss).await?;
    boss.wait_text("[data-testid=contacts-list]", "经理改的公司")
        .await
}

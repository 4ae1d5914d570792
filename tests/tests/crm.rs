//! A sales rep's day on a phone with no network: a new lead, converted into an account, a
//! contact and a deal; the deal dragged by finger, refused at the proposal gate until it has an
//! amount and a close date, then won; a visit logged; the contact found by pinyin initials, then by the WeChat id
//! and office number added to it. When the server is
//! back, the manager in another browser sees all of it (the deal's stage changes too, in the
//! account's timeline), and the dashboard counts it.

use tests::Result;
use tests::api::Api;
use tests::browser::Browser;
use tests::cast::{self, BOSS, REP};
use tests::pages::{contacts, login, records, shell};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reps_day_offline_reaches_the_manager() {
    cast::rep_and_manager("crm", flow).await;
}

async fn flow(server: &mut TestServer, rep: &Browser, boss: &Browser) -> Result {
    rep.open("/login").await?;
    login::sign_in(rep, &REP).await?;
    contacts::open(rep).await?;
    contacts::wait_pending(rep, 0).await?;
    rep.wait_until(
        "navigator.serviceWorker.controller !== null",
        "the service worker",
    )
    .await?;

    // No network from here on.
    server.go_down().await;

    // A new lead, then converted: the deal editor opens.
    records::open(rep, "leads").await?;
    records::new_record(rep).await?;
    records::fill(rep, "name", "周先生").await?;
    records::fill(rep, "company", "南方物流").await?;
    records::fill(rep, "phone", "139 8888 6666").await?;
    records::save(rep).await?;
    records::open_record(rep, "周先生").await?;
    rep.click("[data-testid=convert-lead]").await?;
    rep.wait_until("location.pathname.startsWith('/r/deals/')", "the new deal")
        .await?;

    // The pipeline: the proposal gate refuses until the amount and close date are there.
    records::open(rep, "pipeline").await?;
    let card = records::card(rep, "周先生").await?;
    if records::stage_of(rep, &card).await? != "qualify" {
        return Err("a converted deal starts in the first stage".to_owned());
    }
    // Dragged by finger, as on a phone.
    rep.touch_drag(&card, "[data-stage=proposal]").await?;

    rep.wait_text(&format!("{card} [data-testid=gate-error]"), "金额")
        .await?;
    rep.wait_text(&format!("{card} [data-testid=gate-error]"), "预计成交日期")
        .await?;
    if records::stage_of(rep, &card).await? != "qualify" {
        return Err("a refused move must not move the deal".to_owned());
    }
    rep.click(&format!("{card} a")).await?;
    rep.find("[data-testid=record-form]").await?;
    records::fill(rep, "amount", "300,000").await?;
    records::fill(rep, "close_date", "2026-12-31").await?;
    records::save(rep).await?;
    rep.wait_path("/r/deals").await?;
    records::open(rep, "pipeline").await?;
    let card = records::card(rep, "周先生").await?;
    rep.touch_drag(&card, "[data-stage=proposal]").await?;
    rep.wait_until(
        &format!("document.querySelector(\"{card}\") && document.querySelector(\"{card}\").closest('[data-stage]').dataset.stage === 'proposal'"),
        "the deal in proposal",
    )
    .await?;
    rep.wait_text(
        "[data-stage=proposal] [data-testid=stage-total]",
        "¥300,000",
    )
    .await?;
    // And won (from the card's stage menu, the way without dragging).
    records::move_deal(rep, &card, "won").await?;
    rep.wait_text("[data-stage=won] [data-testid=stage-total]", "¥300,000")
        .await?;
    shell::check_phone_layout(rep).await?;

    // A visit, logged from the quick-add button against the new account (the app opened
    // afresh, still offline); the phone knows where it is, and the visit notes it.
    rep.place_at(23.12908, 113.26436).await?;
    rep.open("/contacts").await?;
    rep.click("[data-testid=quick-add]").await?;
    rep.click("[data-testid=quick-visit]").await?;
    rep.find("[data-testid=record-form]").await?;
    rep.wait_until(
        "document.querySelector('#record-kind').value === 'visit'",
        "a visit, chosen by the quick-add menu",
    )
    .await?;
    rep.wait_until(
        "document.querySelector('#record-location').value.startsWith('23.12908, 113.26436')",
        "the visit's location from the phone",
    )
    .await?;
    shell::check_phone_layout(rep).await?;
    records::fill(rep, "subject", "拜访采购部").await?;
    records::link(rep, "about", "nfwl", "南方物流").await?;
    records::save(rep).await?;
    rep.wait_text("[data-testid=records-list]", "拜访采购部")
        .await?;
    shell::check_phone_layout(rep).await?;

    // The converted contact, found by pinyin initials.
    contacts::open(rep).await?;
    contacts::search(rep, "zxs").await?;
    rep.wait_until(
        "document.querySelector('[data-testid=contact-count]').textContent.startsWith('1 ')",
        "one contact for zxs",
    )
    .await?;
    rep.wait_text("[data-testid=contacts-list]", "周先生")
        .await?;
    shell::check_phone_layout(rep).await?;

    // The contact works at the new account; the rep adds what the visit taught. A number
    // that is not one is refused next to its field, and nothing typed is lost.
    contacts::edit(rep, "周先生").await?;
    rep.wait_until(
        "document.querySelector('#record-account').value === '南方物流'",
        "the contact at the converted account",
    )
    .await?;
    shell::check_phone_layout(rep).await?;
    records::fill(rep, "job_title", "物流总监").await?;
    records::fill(rep, "wechat", "zhou_wl").await?;
    records::fill(rep, "phones", "020-3888 6666, 12").await?;
    rep.run(
        "const b = document.querySelector('#record-birthday'); b.value = '1980-06-15'; b.dispatchEvent(new Event('input', {bubbles: true}));",
    )
    .await?;
    records::save(rep).await?;
    rep.wait_text(".field.invalid", "电话").await?;
    rep.wait_until(
        "document.querySelector('#record-wechat').value === 'zhou_wl'",
        "the form keeps what was typed",
    )
    .await?;
    records::fill(rep, "phones", "020-3888 6666").await?;
    records::save(rep).await?;
    rep.wait_path("/contacts").await?;
    contacts::search(rep, "zhou_wl").await?;
    rep.wait_text("[data-testid=contacts-list]", "物流总监 · 南方物流")
        .await?;
    contacts::search(rep, "38886666").await?;
    rep.wait_text("[data-testid=contacts-list]", "周先生")
        .await?;

    // The network is back: everything goes up; the manager sees it.
    server.come_back().await;
    contacts::wait_pending(rep, 0).await?;

    // A task due in two seconds (made through the REST API) reminds the rep when it is due, in
    // the app and as a system notification (turned on from the user menu).
    shell::enable_notifications(rep).await?;
    let mut api = Api::new(&server.url);
    api.sign_in(REP.email, REP.password).await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_millis();
    api.post(
        "/api/v1/tasks",
        serde_json::json!({"fields": {"title": "回电周先生", "due": (now + 2000).to_string()}}),
    )
    .await?;
    rep.wait_text("[data-testid=reminders]", "回电周先生")
        .await?;
    let started = std::time::Instant::now();
    while !shell::notifications(rep)
        .await?
        .iter()
        .any(|t| t.contains("回电周先生"))
    {
        if started.elapsed() > std::time::Duration::from_secs(10) {
            return Err("no system notification for the task".to_owned());
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    rep.click("[data-testid=reminder] button").await?;
    rep.wait_until(
        "!document.querySelector('[data-testid=reminders]').textContent.includes('回电周先生')",
        "the reminder dismissed",
    )
    .await?;
    boss.open("/login").await?;
    login::sign_in(boss, &BOSS).await?;
    boss.open("/pipeline").await?;
    let card = records::card(boss, "周先生").await?;
    if records::stage_of(boss, &card).await? != "won" {
        return Err("the manager sees the deal won".to_owned());
    }
    // The dashboard: the rep leads the board, and this week's visit is counted.
    boss.open("/").await?;
    boss.wait_until(
        "(document.querySelector('#chart-leaders') || {getAttribute: () => ''}).getAttribute('aria-label').includes('李销售 ¥300,000')",
        "the leaderboard",
    )
    .await?;
    boss.wait_until(
        "(document.querySelector('#chart-week') || {getAttribute: () => ''}).getAttribute('aria-label').includes('拜访 1')",
        "this week's visit",
    )
    .await?;
    boss.open("/r/activities").await?;
    boss.wait_text("[data-testid=records-list]", "拜访采购部")
        .await?;
    // The deal list, filtered by stage (combined with a text filter), then by another stage.
    boss.open("/r/deals").await?;
    boss.choose("[data-testid=filter-field]", "阶段").await?;
    boss.choose("select[data-testid=filter-value]", "赢单")
        .await?;
    boss.click("[data-testid=add-filter]").await?;
    boss.choose("[data-testid=filter-field]", "名称").await?;
    boss.fill("input[data-testid=filter-value]", "周").await?;
    boss.click("[data-testid=add-filter]").await?;
    boss.wait_text("[data-testid=record-count]", "1 ").await?;
    boss.wait_text("[data-testid=records-list]", "周先生")
        .await?;
    boss.click("[data-testid=filter-chip] button").await?;
    boss.click("[data-testid=filter-chip] button").await?;
    boss.choose("[data-testid=filter-field]", "阶段").await?;
    boss.choose("select[data-testid=filter-value]", "初步接洽")
        .await?;
    boss.click("[data-testid=add-filter]").await?;
    boss.wait_text("[data-testid=record-count]", "0 ").await?;

    // Search everything by pinyin initials; Enter opens the best match, the account, and its
    // 360° view shows the deal and the visit with who did them.
    boss.click("[data-testid=open-search]").await?;
    boss.fill("[data-testid=global-search]", "nfwl").await?;
    boss.wait_text("[data-testid=search-results]", "南方物流")
        .await?;
    boss.wait_text("[data-testid=search-results]", "周先生")
        .await?;
    boss.fill("[data-testid=global-search]", "nfwl\n").await?;
    boss.wait_until(
        "location.pathname.startsWith('/r/accounts/')",
        "the account",
    )
    .await?;
    boss.wait_until(
        "document.querySelector('#record-name').value === '南方物流'",
        "the account's form",
    )
    .await?;
    boss.wait_text("[data-testid=timeline]", "拜访采购部")
        .await?;
    boss.wait_text("[data-testid=timeline]", "周先生").await?;
    boss.wait_text("[data-testid=timeline]", REP.name).await?;
    // … and the deal's stage changes, made offline, with who made them.
    boss.wait_text("[data-testid=timeline]", "阶段: ").await?;
    boss.wait_text("[data-testid=timeline]", "→ 赢单").await?;

    // Money and dates are written for the reader's language, each in its column of the
    // manager's table.
    boss.open("/r/deals").await?;
    let cells = "[...document.querySelectorAll('[data-testid=records-list] li .cell')].map(e => e.textContent)";
    boss.wait_until(
        &format!("{cells}.includes('¥300,000') && {cells}.includes('2026年12月31日') && {cells}.includes('赢单')"),
        "the amount, close date and stage in Chinese",
    )
    .await?;
    shell::switch_language(boss).await?;
    boss.wait_until(
        &format!("{cells}.includes('CN¥300,000') && {cells}.includes('Dec 31, 2026')"),
        "the amount and close date in English",
    )
    .await
}

//! An admin, at a desk, adds four fields to contacts in Settings → Fields: a single select, a
//! money amount, an auto number and a formula over the amount (a mistaken formula is refused
//! where the mistake is, before anything is saved). A sales rep's phone, offline, fills them in
//! on a new contact (a wrong amount is named under its field; the formula follows the typing;
//! the number is provisional), and the contact syncs when the network is back, numbered. The manager, at a desk, filters contacts by the select and
//! sorts them by the amount; the settings page and the list open again from their addresses.

use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::{Browser, Viewport};
use tests::cast::{self, ADMIN, BOSS, REP};
use tests::pages::{contacts, login, shell};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_fields_from_settings_to_a_phone_offline_and_a_managers_list() {
    cast::admin_rep_and_manager("custom-fields", Viewport::Desktop, flow).await;
}

/// Add a field in the designer: names, type, and what the type needs (`extra`: `(css, text)`
/// to fill), then wait until the list shows it.
async fn add_field(
    admin: &Browser,
    zh: &str,
    en: &str,
    kind: &str,
    extra: &[(&str, &str)],
    key: &str,
) -> Result {
    admin.fill("#field-label-zh", zh).await?;
    admin.fill("#field-label-en", en).await?;
    admin.choose("[data-testid=field-kind]", kind).await?;
    for (css, text) in extra {
        admin.fill(css, text).await?;
    }
    admin
        .click("[data-testid=add-field] button[type=submit]")
        .await?;
    admin.find("[data-testid=field-added]").await?;
    admin
        .find(&format!("[data-testid=field-list] [data-key={key}]"))
        .await
        .map(drop)
}

async fn flow(server: &mut TestServer, admin: &Browser, rep: &Browser, boss: &Browser) -> Result {
    admin.open("/login").await?;
    login::sign_in_with(admin, ADMIN.email, ADMIN.password).await?;
    admin.open("/settings/fields?object=contacts").await?;
    admin
        .find("[data-testid=field-list] [data-key=phone]")
        .await?;

    add_field(
        admin,
        "等级",
        "Grade",
        "单选",
        &[("#field-choices", "A\nB\nC")],
        "grade",
    )
    .await?;
    add_field(admin, "预算", "Budget", "金额", &[], "budget").await?;
    // An auto number: each new contact gets one from the server.
    add_field(
        admin,
        "客户编号",
        "Customer code",
        "自动编号",
        &[("#field-prefix", "KH-")],
        "customer_code",
    )
    .await?;
    // A formula that mixes an amount with a choice is refused as it is typed, the mistake
    // named; saving it anyway is refused too, and nothing is added.
    admin.fill("#field-label-zh", "折后预算").await?;
    admin.fill("#field-label-en", "Discounted").await?;
    admin.choose("[data-testid=field-kind]", "公式").await?;
    admin
        .fill("[data-testid=field-expression]", "budget * grade")
        .await?;
    admin
        .wait_text("[data-testid=formula-error]", "grade")
        .await?;
    admin
        .click("[data-testid=add-field] button[type=submit]")
        .await?;
    admin
        .wait_text("[data-testid=add-field] [role=alert]", "请修改")
        .await?;
    if admin
        .is_visible("[data-testid=field-list] [data-key=discounted]")
        .await
    {
        return Err("a formula with a mistake must not be added".to_owned());
    }
    admin
        .fill("[data-testid=field-expression]", "budget * 0.9")
        .await?;
    admin.find("[data-testid=formula-ok]").await?;
    admin
        .click("[data-testid=add-field] button[type=submit]")
        .await?;
    admin
        .find("[data-testid=field-list] [data-key=discounted]")
        .await?;
    // The page opens again from its address with the object chosen.
    admin.open("/settings/fields?object=contacts").await?;
    admin
        .wait_text("[data-testid=field-list] [data-key=discounted]", "折后预算")
        .await?;
    admin.snap("field-settings").await;

    // The rep's phone has the fields, then loses the network.
    rep.open("/login").await?;
    login::sign_in(rep, &REP).await?;
    contacts::open(rep).await?;
    contacts::wait_pending(rep, 0).await?;
    rep.wait_until(
        "navigator.serviceWorker.controller !== null",
        "the service worker",
    )
    .await?;
    server.go_down().await;
    rep.click("[data-testid=new-contact]").await?;
    rep.find("[data-testid=record-form]").await?;
    shell::check_phone_layout(rep).await?;
    rep.fill("#record-name", "孙总").await?;
    // A new record says its number comes once it is saved.
    rep.wait_text("#record-customer_code", "保存后自动编号")
        .await?;
    rep.choose("#record-grade", "A").await?;
    // A wrong amount is named under its field, and nothing is saved.
    rep.fill("#record-budget", "一万二").await?;
    rep.find("[data-field=budget] .field-error").await?;
    contacts::save(rep).await?;
    rep.wait_text("[data-testid=record-form] [role=alert]", "请修改")
        .await?;
    // The formula follows what is typed.
    rep.fill("#record-budget", "12000").await?;
    rep.wait_text("[data-testid=formula-discounted]", "10,800")
        .await?;
    rep.fill("#record-budget", "20000").await?;
    rep.wait_text("[data-testid=formula-discounted]", "18,000")
        .await?;
    rep.snap("custom-fields-form").await;
    contacts::save(rep).await?;
    rep.wait_path("/contacts").await?;
    rep.wait_text("[data-testid=contacts-list]", "孙总").await?;
    contacts::wait_pending(rep, 1).await?;
    // Offline, the new contact's number is provisional.
    contacts::edit(rep, "孙总").await?;
    rep.wait_text("#record-customer_code", "KH-…").await?;
    contacts::open(rep).await?;
    server.come_back().await;
    contacts::wait_pending(rep, 0).await?;
    // The contact opens again from its address (a reload), with its values.
    contacts::edit(rep, "孙总").await?;
    let path = rep.path().await?;
    rep.open(&path).await?;
    rep.wait_until(
        "document.querySelector('#record-budget').value === '20000' \
         && document.querySelector('#record-grade').value === 'a'",
        "the contact's own fields after a reload",
    )
    .await?;
    rep.wait_text("[data-testid=formula-discounted]", "18,000")
        .await?;
    // Synced, it carries the server's number: the first of its prefix.
    rep.wait_text("#record-customer_code", "KH-0001").await?;

    // Two more contacts arrive through the REST API, as an integration would send them.
    let mut api = Api::new(&server.url);
    api.sign_in(REP.email, REP.password).await?;
    for (name, grade, budget) in [("钱经理", "a", "5000"), ("赵主任", "b", "90000")] {
        api.post(
            "/api/v1/contacts",
            json!({"fields": {"name": name, "grade": grade, "budget": budget}}),
        )
        .await?;
    }

    // The manager filters by the select and sorts by the amount, largest first.
    boss.open("/login").await?;
    login::sign_in(boss, &BOSS).await?;
    contacts::open(boss).await?;
    boss.wait_text("[data-testid=contacts-list]", "赵主任")
        .await?;
    boss.choose("[data-testid=filter-field]", "等级").await?;
    boss.choose("[data-testid=filter-value]", "A").await?;
    boss.click("[data-testid=add-filter]").await?;
    boss.wait_text("[data-testid=filter-chip]", "等级 等于 A")
        .await?;
    // The chip is in the address: opened again from it, the list is filtered the same way.
    let filtered = boss
        .run("return location.pathname + location.search;")
        .await?;
    let filtered = filtered.as_str().unwrap_or_default().to_owned();
    if !filtered.contains("where=") {
        return Err(format!("the chip is not in the address: {filtered}"));
    }
    boss.open(&filtered).await?;
    boss.wait_text("[data-testid=filter-chip]", "等级 等于 A")
        .await?;
    boss.wait_until(
        "(() => { const t = document.querySelector('[data-testid=contacts-list]').innerText; \
          return t.indexOf('孙总') >= 0 && t.indexOf('赵主任') < 0; })()",
        "the filtered list after opening its address",
    )
    .await?;
    boss.choose("[data-testid=sort-field]", "预算").await?;
    boss.click("[data-testid=sort-direction]").await?;
    boss.wait_until(
        "(() => { const t = document.querySelector('[data-testid=contacts-list]').innerText; \
          return t.indexOf('孙总') >= 0 && t.indexOf('孙总') < t.indexOf('钱经理') \
          && t.indexOf('赵主任') < 0; })()",
        "孙总 before 钱经理, 赵主任 filtered out",
    )
    .await?;
    // The amounts show as columns of the list.
    boss.click("[data-testid=list-settings] summary").await?;
    boss.click("[data-testid=column][value=budget]").await?;
    boss.wait_text("[data-testid=contacts-list]", "20,000")
        .await?;
    boss.snap("custom-fields-list").await;
    // Opened again from its address, the list still offers the new fields.
    boss.open("/contacts").await?;
    boss.wait_text("[data-testid=contacts-list]", "赵主任")
        .await?;
    boss.wait_until(
        "Array.from(document.querySelectorAll('[data-testid=sort-field] option')).some(o => o.value === 'budget')",
        "the amount offered for sorting after a reload",
    )
    .await?;
    Ok(())
}

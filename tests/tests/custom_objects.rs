//! An admin, at a desk, makes a custom object "项目" in Settings → Fields, gives it a link to
//! accounts and a budget, and adds to accounts a rollup that sums their projects' budgets. A
//! sales rep's phone, offline, opens the projects' list from its address, adds two projects
//! linked to an account, sees the account's rollup follow, and syncs when the network is back.
//! The manager, at a desk, finds the projects in the navigation, sorts them by budget and
//! searches them; an integration reads them over REST. The account's page lists its projects
//! (a related tab on the phone), and "new" there makes one already linked to the account.

use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::{Browser, Viewport};
use tests::cast::{self, ADMIN, BOSS, REP};
use tests::pages::{contacts, login, records, shell};
use tests::server::TestServer;

const ENTER: &str = "\u{E007}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_object_from_settings_to_a_phone_offline_and_a_managers_list() {
    cast::admin_rep_and_manager("custom-objects", Viewport::Desktop, flow).await;
}

/// Add a field in the designer (as in the custom fields' test), and wait until it is listed.
async fn add_field(
    admin: &Browser,
    (zh, en, kind): (&str, &str, &str),
    choices: &[(&str, &str)],
    key: &str,
) -> Result {
    admin.fill("#field-label-zh", zh).await?;
    admin.fill("#field-label-en", en).await?;
    admin.choose("[data-testid=field-kind]", kind).await?;
    for (css, label) in choices {
        admin.choose(css, label).await?;
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

/// Make a project on the open form of a new one.
async fn add_project(rep: &Browser, name: &str, budget: &str) -> Result {
    rep.click("[data-testid=new-record]").await?;
    rep.find("[data-testid=record-form]").await?;
    records::fill(rep, "name", name).await?;
    records::link(rep, "account", "huawei", "华为").await?;
    records::fill(rep, "budget", budget).await?;
    records::save(rep).await?;
    rep.wait_path("/o/projects").await?;
    rep.wait_text("[data-testid=records-list]", name).await
}

async fn flow(server: &mut TestServer, admin: &Browser, rep: &Browser, boss: &Browser) -> Result {
    // The account the projects are for, as an integration would send it.
    let mut api = Api::new(&server.url);
    api.sign_in(REP.email, REP.password).await?;
    let account = api
        .post(
            "/api/v1/accounts",
            json!({"fields": {"name": "华为", "industry": "通信"}}),
        )
        .await?;
    let account = account["id"].as_str().ok_or("an account id")?.to_owned();

    admin.open("/login").await?;
    login::sign_in_with(admin, ADMIN.email, ADMIN.password).await?;
    admin.open("/settings/fields").await?;
    // A name is needed; then the object is made and its fields page opens.
    admin
        .click("[data-testid=new-object] button[type=submit]")
        .await?;
    admin
        .wait_text("[data-testid=new-object] .field-error", "必填")
        .await?;
    admin.fill("#object-name-zh", "项目").await?;
    admin.fill("#object-name-en", "Projects").await?;
    admin
        .click("[data-testid=new-object] button[type=submit]")
        .await?;
    admin.wait_path("/settings/fields").await?;
    admin
        .wait_until(
            "location.search === '?object=projects'",
            "the new object's fields",
        )
        .await?;
    admin
        .find("[data-testid=field-list] [data-key=name]")
        .await?;
    // The same key again is refused.
    admin.fill("#object-name-en", "Projects").await?;
    admin
        .click("[data-testid=new-object] button[type=submit]")
        .await?;
    admin
        .find("[data-testid=new-object] .field-error:not(:empty)")
        .await?;
    add_field(
        admin,
        ("客户", "Account", "关联记录"),
        &[("#field-target", "客户")],
        "account",
    )
    .await?;
    add_field(admin, ("预算", "Budget", "金额"), &[], "budget").await?;
    admin.fill("#field-label-zh", "阶段").await?;
    admin.fill("#field-label-en", "Phase").await?;
    admin.choose("[data-testid=field-kind]", "单选").await?;
    admin.fill("#field-choices", "规划\n实施\n验收").await?;
    admin
        .click("[data-testid=add-field] button[type=submit]")
        .await?;
    admin
        .find("[data-testid=field-list] [data-key=phase]")
        .await?;
    // A lookup of the linked account's industry.
    add_field(
        admin,
        ("客户行业", "Account industry", "引用"),
        &[
            ("[data-testid=lookup-link]", "客户"),
            ("[data-testid=lookup-field]", "行业"),
        ],
        "account_industry",
    )
    .await?;
    // A sub-table of the project's items, and a formula that sums their amounts.
    admin.fill("#field-label-zh", "明细").await?;
    admin.fill("#field-label-en", "Items").await?;
    admin.choose("[data-testid=field-kind]", "子表").await?;
    admin.fill("#field-columns", "内容\n金额:金额").await?;
    admin
        .click("[data-testid=add-field] button[type=submit]")
        .await?;
    admin
        .find("[data-testid=field-list] [data-key=items]")
        .await?;
    admin.fill("#field-label-zh", "明细合计").await?;
    admin.fill("#field-label-en", "Items total").await?;
    admin.choose("[data-testid=field-kind]", "公式").await?;
    admin
        .fill("[data-testid=field-expression]", "SUM(items.c2)")
        .await?;
    admin.find("[data-testid=formula-ok]").await?;
    admin
        .click("[data-testid=add-field] button[type=submit]")
        .await?;
    admin
        .find("[data-testid=field-list] [data-key=items_total]")
        .await?;
    // On accounts, a rollup of their projects' budgets.
    admin.open("/settings/fields?object=accounts").await?;
    admin
        .find("[data-testid=field-list] [data-key=name]")
        .await?;
    add_field(
        admin,
        ("项目预算", "Project budget", "汇总"),
        &[
            ("[data-testid=rollup-via]", "项目 · 客户"),
            ("[data-testid=rollup-fn]", "求和"),
            ("[data-testid=rollup-field]", "预算"),
        ],
        "project_budget",
    )
    .await?;
    admin.snap("custom-object-settings").await;

    // The rep's phone has the object, then loses the network.
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
    // The list opens from its address, offline.
    rep.open("/o/projects").await?;
    rep.wait_text("[data-testid=list-title]", "项目").await?;
    rep.find("[data-testid=list-empty]").await?;
    // A project without its name is refused at the name, nothing saved.
    rep.click("[data-testid=new-record]").await?;
    rep.find("[data-testid=record-form]").await?;
    shell::check_phone_layout(rep).await?;
    records::save(rep).await?;
    rep.find("[data-field=name] .field-error").await?;
    rep.open("/o/projects").await?;
    // The first project's items, the total following what is typed.
    rep.click("[data-testid=new-record]").await?;
    rep.find("[data-testid=record-form]").await?;
    records::fill(rep, "name", "园区一期").await?;
    records::link(rep, "account", "huawei", "华为").await?;
    // The account's industry shows as soon as the account is picked.
    rep.wait_text("[data-testid=computed-account_industry]", "通信")
        .await?;
    records::fill(rep, "budget", "120000").await?;
    rep.click("[data-testid=add-row]").await?;
    rep.click("[data-testid=add-row]").await?;
    rep.fill("#record-items-0-c1", "服务器").await?;
    rep.fill("#record-items-0-c2", "3000").await?;
    rep.wait_text("[data-testid=formula-items_total]", "3,000")
        .await?;
    rep.fill("#record-items-1-c1", "安装").await?;
    rep.fill("#record-items-1-c2", "500").await?;
    rep.wait_text("[data-testid=formula-items_total]", "3,500")
        .await?;
    shell::check_phone_layout(rep).await?;
    rep.snap("custom-object-sub-table").await;
    records::save(rep).await?;
    rep.wait_path("/o/projects").await?;
    rep.wait_text("[data-testid=records-list]", "园区一期")
        .await?;
    add_project(rep, "园区二期", "50000").await?;
    shell::check_phone_layout(rep).await?;
    contacts::wait_pending(rep, 2).await?;
    rep.snap("custom-object-list-phone").await;
    // The account's rollup follows its projects, offline.
    rep.open(&format!("/r/accounts/{account}")).await?;
    rep.wait_text("[data-testid=computed-project_budget]", "170,000")
        .await?;
    // The account's timeline names its projects (a tab of its own on a phone).
    rep.click("[data-testid=tab-timeline]").await?;
    rep.wait_text("[aria-labelledby=timeline-title]", "园区二期")
        .await?;
    // Its projects are a related list, on the related tab.
    rep.click("[data-testid=tab-related]").await?;
    rep.wait_text("[data-testid=related-projects-account]", "园区二期")
        .await?;
    rep.wait_text("[data-testid=related-projects-account] h2", "(2)")
        .await?;
    // A project opens from its address (a reload), offline, with its values.
    rep.open("/o/projects").await?;
    rep.click("[data-testid=records-list] li a.record-link")
        .await?;
    rep.find("[data-testid=record-form]").await?;
    let path = rep.path().await?;
    rep.open(&path).await?;
    rep.wait_until(
        "document.querySelector('#record-name') && document.querySelector('#record-name').value === '园区一期' \
         && document.querySelector('#record-account').value === '华为' \
         && document.querySelector('#record-items-1-c1').value === '安装'",
        "the project's values after a reload",
    )
    .await?;
    rep.wait_text("[data-testid=formula-items_total]", "3,500")
        .await?;
    // Its header names it above the tabs; the timeline is a tab of its own.
    rep.wait_text("[data-testid=record-name]", "园区一期")
        .await?;
    rep.click("[data-testid=tab-timeline]").await?;
    rep.wait_until(
        "location.search === '?tab=timeline' && document.querySelector('[data-testid=record-form]').offsetParent === null \
         && document.querySelector('[aria-labelledby=timeline-title]').offsetParent !== null",
        "the project's timeline tab, the form out of sight",
    )
    .await?;
    if !rep.is_visible("[data-testid=record-name]").await {
        return Err("the project's name is out of sight on its timeline tab".into());
    }
    server.come_back().await;
    rep.open("/o/projects").await?;
    contacts::wait_pending(rep, 0).await?;
    // Nothing links to projects yet, so the project's page has no related tab; a link to
    // projects that an admin adds to contacts while the page is open brings it, no reload.
    rep.open(&path).await?;
    rep.find("[data-testid=tab-timeline]").await?;
    if rep.is_visible("[data-testid=tab-related]").await {
        return Err("a related tab while nothing links to projects".into());
    }
    let mut admin_api = Api::new(&server.url);
    admin_api.sign_in(ADMIN.email, ADMIN.password).await?;
    admin_api
        .post(
            "/api/v1/objects/contacts/fields",
            json!({"key": "project", "label": {"zh": "所属项目", "en": "Project"},
                   "field_type": {"type": "link", "object": "projects"}}),
        )
        .await?;
    rep.wait_until(
        "document.querySelector('[data-testid=tab-related]') !== null",
        "the related tab once contacts link to projects",
    )
    .await?;

    // The manager finds the projects in the navigation, sorts them by budget and searches.
    boss.open("/login").await?;
    login::sign_in(boss, &BOSS).await?;
    boss.click("[data-testid=nav-o-projects]").await?;
    boss.wait_path("/o/projects").await?;
    boss.wait_text("[data-testid=records-list]", "园区二期")
        .await?;
    boss.wait_text("[data-testid=records-list]", "华为").await?;
    // A lookup is worked out in its cell: each project's account's industry.
    boss.wait_until(
        "(() => { const head = [...document.querySelectorAll('[data-testid=table-head] [data-field]')].map(e => e.dataset.field); \
           const col = head.indexOf('account_industry') + 1; \
           const cells = [...document.querySelectorAll(`[data-testid=records-list] li [data-col='${col}']`)]; \
           return col > 0 && cells.length === 2 && cells.every(c => c.textContent.trim() === '通信'); })()",
        "the account's industry in each project's row",
    )
    .await?;
    // Worked-out fields are shown, not ordered by: the sort offers the budget, not them.
    let offered = boss
        .run("return [...document.querySelectorAll('[data-testid=sort-field] option')].map(o => o.value);")
        .await?;
    let offered: Vec<&str> = offered
        .as_array()
        .ok_or("the sort's choices")?
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    if !offered.contains(&"budget")
        || offered.contains(&"items_total")
        || offered.contains(&"account_industry")
    {
        return Err(format!("the sort offers {offered:?}"));
    }
    // The same table as every list: a column per usual field, sorted by its header.
    let budget = "[data-testid=table-head] [data-field=budget] [data-testid=column-head]";
    boss.click(budget).await?;
    boss.click(budget).await?;
    boss.wait_until(
        "(() => { const rows = Array.from(document.querySelectorAll('[data-testid=records-list] li .record-title')) \
           .map(t => t.textContent.trim()); \
           return rows.length === 2 && rows[0] === '园区一期' && rows[1] === '园区二期'; })()",
        "the larger budget first",
    )
    .await?;
    boss.fill("[data-testid=record-search]", "二期").await?;
    boss.wait_until(
        "document.querySelectorAll('[data-testid=records-list] li').length === 1",
        "one project found",
    )
    .await?;
    boss.snap("custom-object-list").await;
    // On a board by phase, a project moves to another column from its menu (the keyboard's
    // way), and stays there after a reload.
    boss.erase("[data-testid=record-search]").await?;
    // A filter chip by budget: a value that is not an amount is named, nothing is lost; a
    // good one keeps the larger project, also after a reload of the list's address.
    let rows = "document.querySelectorAll('[data-testid=records-list] li').length";
    boss.wait_until(&format!("{rows} === 2"), "both projects again")
        .await?;
    // A cell edited where it stands, as on every list: 园区二期's budget, Enter to begin and
    // Enter to save; the server holds it.
    let cell = boss
        .run(
            "const head = [...document.querySelectorAll('[data-testid=table-head] [data-field]')].map(e => e.dataset.field); \
             const row = [...document.querySelectorAll('[data-testid=records-list] li')] \
               .find(li => li.querySelector('.record-title').textContent.trim() === '园区二期'); \
             return `li[data-id='${row.dataset.id}'] [data-col='${head.indexOf('budget') + 1}']`;",
        )
        .await?;
    let cell = cell.as_str().ok_or("the budget's cell")?.to_owned();
    boss.wait_text(&cell, "50,000").await?;
    boss.click(&cell).await?;
    boss.press(ENTER).await?;
    boss.find("[data-testid=cell-input]").await?;
    boss.erase("[data-testid=cell-input]").await?;
    boss.press(&format!("60000{ENTER}")).await?;
    boss.wait_text(&cell, "60,000").await?;
    contacts::wait_pending(boss, 0).await?;
    let held = api
        .get("/api/v1/projects?filter=budget%20%3D%2060000")
        .await?;
    if held["items"].as_array().map(Vec::len) != Some(1) {
        return Err(format!("the server does not hold the new budget: {held}"));
    }
    boss.choose("[data-testid=filter-field]", "预算").await?;
    boss.choose("[data-testid=filter-op]", "≥").await?;
    boss.fill("[data-testid=filter-value]", "很多").await?;
    boss.click("[data-testid=add-filter]").await?;
    boss.wait_text("[data-testid=filter-error]", "数字").await?;
    boss.fill("[data-testid=filter-value]", "100000").await?;
    boss.click("[data-testid=add-filter]").await?;
    boss.wait_text("[data-testid=filter-chip]", "预算 ≥")
        .await?;
    boss.wait_until(&format!("{rows} === 1"), "one project of 100,000 or more")
        .await?;
    boss.wait_text("[data-testid=records-list]", "园区一期")
        .await?;
    let filtered = boss
        .run("return location.pathname + location.search")
        .await?;
    let filtered = filtered.as_str().ok_or("the list's address")?.to_owned();
    if !filtered.contains("where=") {
        return Err(format!("the chips are not in the address: {filtered}"));
    }
    boss.open(&filtered).await?;
    boss.wait_text("[data-testid=filter-chip]", "100,000")
        .await?;
    boss.wait_until(&format!("{rows} === 1"), "still one project after a reload")
        .await?;
    boss.snap("custom-object-filtered").await;
    // Saved as a view, the chip comes back with it.
    boss.fill("[data-testid=view-name]", "大项目").await?;
    boss.click("[data-testid=save-view]").await?;
    boss.wait_text("[data-testid=view-select]", "大项目")
        .await?;
    boss.click("[data-testid=filter-chip] button").await?;
    boss.wait_until(&format!("{rows} === 2"), "both projects without the chip")
        .await?;
    boss.wait_until(
        "document.querySelector('[data-testid=view-select]').value === ''",
        "no view marked once its chip is gone",
    )
    .await?;
    boss.choose("[data-testid=view-select]", "大项目").await?;
    boss.wait_text("[data-testid=filter-chip]", "预算 ≥")
        .await?;
    boss.wait_until(&format!("{rows} === 1"), "the view's one project")
        .await?;
    // The board keeps the chips, and so does the way back to the table.
    let cards = "document.querySelectorAll('[data-testid=object-card]').length";
    boss.click("[data-testid=view-board]").await?;
    boss.wait_until(
        &format!("location.search.includes('view=board') && location.search.includes('where=') && {cards} === 1"),
        "the board with the chip's one project",
    )
    .await?;
    boss.wait_text("[data-testid=filter-chip]", "预算 ≥")
        .await?;
    boss.click("[data-testid=view-table]").await?;
    boss.wait_until(
        &format!("!location.search.includes('view=board') && {rows} === 1"),
        "the table with the chip again",
    )
    .await?;
    boss.click("[data-testid=filter-chip] button").await?;
    boss.wait_until(&format!("{rows} === 2"), "both projects again")
        .await?;
    boss.click("[data-testid=view-board]").await?;
    boss.wait_until(
        "location.search.includes('view=board') && location.search.includes('by=phase')",
        "the board's address",
    )
    .await?;
    boss.wait_until(
        "document.querySelectorAll('[data-testid=board-column]').length === 4 \
         && document.querySelectorAll('[data-testid=object-card]').length === 2",
        "three phases and one for none, two cards",
    )
    .await?;
    let card = "//article[@data-testid='object-card'][.//a[normalize-space()='园区一期']]//select";
    let menu = boss
        .client
        .find(fantoccini::Locator::XPath(card))
        .await
        .map_err(|e| format!("no card for 园区一期: {e}"))?;
    menu.select_by_label("实施")
        .await
        .map_err(|e| e.to_string())?;
    let in_build = "(() => { const c = document.querySelector('[data-testid=board-column][data-stage=o2]'); \
         return c && c.innerText.includes('园区一期'); })()";
    boss.wait_until(in_build, "园区一期 under 实施").await?;
    boss.snap("custom-object-board").await;
    boss.open("/o/projects?view=board&by=phase").await?;
    boss.wait_until(in_build, "园区一期 under 实施 after a reload")
        .await?;
    // The list opens again from its address.
    boss.open("/o/projects").await?;
    boss.wait_text("[data-testid=records-list]", "园区一期")
        .await?;

    // Global search finds a project and says what it is.
    boss.open("/search").await?;
    boss.fill("[data-testid=global-search]", "二期").await?;
    boss.wait_text("[data-testid=search-results]", "园区二期")
        .await?;
    boss.wait_text("[data-testid=search-results]", "项目")
        .await?;
    // A bulk deletion from the table (with a moment to undo), then synced.
    boss.open("/o/projects").await?;
    boss.wait_text("[data-testid=records-list]", "园区二期")
        .await?;
    boss.click("[data-testid=select-rows]").await?;
    let tick = "//ul[@data-testid='records-list']/li[.//strong[normalize-space()='园区二期']]//input[@data-testid='select-row']";
    boss.client
        .find(fantoccini::Locator::XPath(tick))
        .await
        .map_err(|e| format!("no tick box for 园区二期: {e}"))?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    boss.wait_text("[data-testid=selected-count]", "1").await?;
    boss.click("[data-testid=bulk-delete]").await?;
    boss.wait_until(
        "document.querySelectorAll('[data-testid=records-list] li').length === 1",
        "the deleted project hidden at once",
    )
    .await?;
    boss.find("[data-testid=undo-banner]").await?;
    // Past the moment to undo, the deletion is made and sent.
    boss.wait_until(
        "document.querySelector('[data-testid=undo-banner]') === null",
        "the deletion made",
    )
    .await?;
    contacts::wait_pending(boss, 0).await?;

    // An integration reads them over REST, filtered in the query language.
    let found = api
        .get("/api/v1/projects?sort=-budget&filter=budget%20%3E%3D%20100000")
        .await?;
    let names: Vec<&str> = found["items"]
        .as_array()
        .ok_or("items")?
        .iter()
        .filter_map(|i| i["fields"]["name"].as_str())
        .collect();
    if names != ["园区一期"] {
        return Err(format!("REST found {names:?}"));
    }
    let all = api.get("/api/v1/projects").await?;
    if all["items"].as_array().map(Vec::len) != Some(1) {
        return Err(format!("the deleted project is still listed: {all}"));
    }

    // On the account's page its projects are a related list; "new" there opens a project
    // already linked to the account, which then joins the list.
    boss.open(&format!("/r/accounts/{account}")).await?;
    let related = "[data-testid=related-projects-account]";
    boss.wait_text(&format!("{related} h2"), "(1)").await?;
    boss.wait_text(related, "园区一期").await?;
    boss.click(&format!("{related} [data-testid=related-new]"))
        .await?;
    boss.wait_path("/o/projects/new").await?;
    boss.wait_until(
        "document.querySelector('#record-account') && document.querySelector('#record-account').value === '华为'",
        "the new project linked to the account",
    )
    .await?;
    records::fill(boss, "name", "园区三期").await?;
    records::fill(boss, "budget", "30000").await?;
    records::save(boss).await?;
    boss.wait_path("/o/projects").await?;
    boss.open(&format!("/r/accounts/{account}")).await?;
    boss.wait_text(&format!("{related} h2"), "(2)").await?;
    boss.wait_text(related, "园区三期").await?;
    contacts::wait_pending(boss, 0).await?;
    // The manager made it: their own key reads it.
    let mut theirs = Api::new(&server.url);
    theirs.sign_in(BOSS.email, BOSS.password).await?;
    let all = theirs.get("/api/v1/projects").await?;
    let third = all["items"]
        .as_array()
        .ok_or("items")?
        .iter()
        .find(|i| i["fields"]["name"] == "园区三期")
        .ok_or_else(|| format!("REST does not list the new project: {all}"))?;
    if third["fields"]["account"] != account.as_str() {
        return Err(format!(
            "the new project is not linked to the account: {third}"
        ));
    }
    Ok(())
}

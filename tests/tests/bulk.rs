//! Lists beyond scrolling: a manager filters the contacts of the demo company, ticks some, tags
//! them, hands them to a rep, deletes them, takes the deletion back, then deletes them for
//! good (every change reaches the server); then saves a view of the accounts list (filter,
//! sort, shown fields) and brings it back on a fresh page.

use tests::Result;
use tests::browser::{Browser, Viewport};
use tests::cast;
use tests::pages::{contacts, login};

const CONTACTS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_changes_many_contacts_at_once() {
    cast::demo_company("bulk", CONTACTS, Viewport::Desktop, flow).await;
}

/// The number at the start of the list's count ("12 位联系人").
async fn listed(b: &Browser) -> Result<usize> {
    let text = b
        .run("return document.querySelector('[data-testid=contact-count]').textContent;")
        .await?;
    text.as_str()
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no count in {text}"))
}

async fn wait_listed(b: &Browser, n: usize) -> Result {
    b.wait_text("[data-testid=contact-count]", &format!("{n} "))
        .await
}

async fn flow(b: &Browser) -> Result {
    b.open("/login").await?;
    login::sign_in_with(b, "manager@demo.local", "demo-pass-1").await?;
    b.open("/contacts").await?;
    wait_listed(b, CONTACTS).await?;

    // Contacts filtered by job title, like any list.
    b.choose("[data-testid=filter-field]", "职务").await?;
    b.fill("input[data-testid=filter-value]", "董事长").await?;
    b.click("[data-testid=add-filter]").await?;
    b.wait_until(
        &format!("!document.querySelector('[data-testid=contact-count]').textContent.startsWith('{CONTACTS} ')"),
        "the filter applied",
    )
    .await?;
    let chairs = listed(b).await?;
    if chairs == 0 {
        return Err("no 董事长 among the demo contacts".to_owned());
    }
    b.wait_text("[data-testid=contacts-list]", "董事长").await?;

    // Tick the first two and tag them.
    b.click("[data-testid=select-rows]").await?;
    b.click("[data-testid=contacts-list] li:nth-child(1) [data-testid=select-row]")
        .await?;
    b.click("[data-testid=contacts-list] li:nth-child(2) [data-testid=select-row]")
        .await?;
    b.wait_text("[data-testid=selected-count]", "2").await?;
    b.fill("[data-testid=bulk-tag]", "展会客户").await?;
    b.click("[data-testid=bulk-add-tag]").await?;
    b.wait_text("[data-testid=bulk-outcome]", "2 条已更改")
        .await?;

    // The tag finds exactly them; hand both to a rep.
    b.click("[data-testid=filter-chip] button").await?;
    contacts::search(b, "展会客户").await?;
    wait_listed(b, 2).await?;
    b.click("[data-testid=select-all]").await?;
    b.wait_text("[data-testid=selected-count]", "2").await?;
    b.choose("[data-testid=bulk-owner]", "李销售").await?;
    b.click("[data-testid=bulk-assign]").await?;
    b.wait_text("[data-testid=bulk-outcome]", "2 条已更改")
        .await?;
    b.wait_until(
        "[...document.querySelectorAll('[data-testid=contacts-list] li')].every(li => li.textContent.includes('李销售'))",
        "both rows owned by 李销售",
    )
    .await?;

    // Deleted, then taken back within the grace period: nothing is lost.
    b.click("[data-testid=select-all]").await?;
    b.click("[data-testid=bulk-delete]").await?;
    wait_listed(b, 0).await?;
    b.click("[data-testid=undo]").await?;
    wait_listed(b, 2).await?;
    contacts::wait_pending(b, 0).await?;

    // Deleted for good: once the grace period is over the change goes to the server.
    b.click("[data-testid=select-all]").await?;
    b.click("[data-testid=bulk-delete]").await?;
    wait_listed(b, 0).await?;
    b.wait_until(
        "!document.querySelector('[data-testid=undo-banner]')",
        "the grace period over",
    )
    .await?;
    contacts::wait_pending(b, 0).await?;
    // Nothing is left to send, and a fresh start shows two fewer.
    b.open("/contacts").await?;
    wait_listed(b, CONTACTS - 2).await?;
    saved_view(b).await
}

/// The accounts list filtered (grade A), sorted (biggest first) and showing each account's
/// source, saved as a view; a fresh page starts on the default view, and choosing the saved
/// one brings all of it back.
async fn saved_view(b: &Browser) -> Result {
    let accounts = CONTACTS / 5;
    let count = "[data-testid=record-count]";
    b.open("/r/accounts").await?;
    b.wait_text(count, &format!("{accounts} ")).await?;
    b.choose("[data-testid=filter-field]", "等级").await?;
    b.choose("select[data-testid=filter-value]", "A").await?;
    b.click("[data-testid=add-filter]").await?;
    b.wait_until(
        &format!("!document.querySelector('{count}').textContent.startsWith('{accounts} ')"),
        "grade A only",
    )
    .await?;
    let grade_a = b
        .run(&format!(
            "return document.querySelector('{count}').textContent;"
        ))
        .await?;
    let grade_a = grade_a.as_str().unwrap_or_default().to_owned();
    b.choose("[data-testid=sort-field]", "人数").await?;
    b.click("[data-testid=sort-direction]").await?;
    b.click("[data-testid=list-settings] summary").await?;
    b.click("[data-testid=column][value=source]").await?;
    let shows_sources = "[...document.querySelectorAll('[data-testid=records-list] li')].every(li =>
        ['官网表单', '展会', '老客户介绍', '电话营销', '合作伙伴', '广告'].some(s => li.querySelector('.muted').textContent.includes(s)))";
    b.wait_until(shows_sources, "every row showing its source")
        .await?;
    b.fill("[data-testid=view-name]", "A 类大客户").await?;
    b.click("[data-testid=save-view]").await?;
    b.wait_text("[data-testid=view-select]", "A 类大客户")
        .await?;

    b.open("/r/accounts").await?;
    b.wait_text(count, &format!("{accounts} ")).await?;
    b.choose("[data-testid=view-select]", "A 类大客户").await?;
    b.wait_text(count, &grade_a).await?;
    b.wait_text("[data-testid=filter-chip]", "等级 等于 A")
        .await?;
    b.wait_until(shows_sources, "the view's fields").await?;
    b.wait_until(
        "document.querySelector('#sort-field').value === 'size'",
        "the view's sort",
    )
    .await?;
    // Deleted, the view is gone and the list is back to all accounts.
    b.click("[data-testid=delete-view]").await?;
    b.wait_text(count, &format!("{accounts} ")).await?;
    b.wait_until(
        "![...document.querySelectorAll('[data-testid=view-select] option')].some(o => o.textContent.includes('A 类大客户'))",
        "the view deleted",
    )
    .await
}

//! Records opened by their address, on a laptop and on a phone: a link opened by someone who
//! still has to sign in (the record is not on the device: the first download brings it), and a
//! reload on a deal's and an account's page (the device reads its copy again). The page waits
//! for the record and shows it; it says a record does not exist only when it really does not,
//! once the device has read everything.

use tests::Result;
use tests::api::Api;
use tests::browser::{Browser, Viewport};
use tests::cast;
use tests::pages::login;

const CONTACTS: usize = 1000;
const MANAGER: &str = "manager@demo.local";
const PASSWORD: &str = "demo-pass-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_open_by_address_on_a_desktop() {
    let name = "deep-links-desktop";
    cast::demo_company(name, CONTACTS, Viewport::Desktop, flow).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_open_by_address_on_a_phone() {
    let name = "deep-links-phone";
    cast::demo_company(name, CONTACTS, Viewport::Phone, flow).await;
}

/// The first record of `collection` the API lists for the manager: its id and name.
async fn some_record(api: &Api, collection: &str) -> Result<(String, String)> {
    let list = api.get(&format!("/api/v1/{collection}?limit=1")).await?;
    let item = &list["items"][0];
    match (item["id"].as_str(), item["fields"]["name"].as_str()) {
        (Some(id), Some(name)) => Ok((id.to_owned(), name.to_owned())),
        _ => Err(format!("no {collection} in {list}")),
    }
}

/// The record page shows the record called `name` (the editor, filled in), not "not found".
async fn shows_record(b: &Browser, name: &str) -> Result {
    b.find("[data-testid=record-form]").await?;
    b.wait_until(
        &format!("document.querySelector('#record-name').value === {name:?}"),
        &format!("the editor of {name}"),
    )
    .await?;
    if b.is_visible("[data-testid=record-missing]").await {
        return Err(format!("{name}'s page says it does not exist"));
    }
    Ok(())
}

async fn flow(b: &Browser) -> Result {
    let mut api = Api::new(&b.base);
    api.sign_in(MANAGER, PASSWORD).await?;
    let (deal, deal_name) = some_record(&api, "deals").await?;
    let (account, account_name) = some_record(&api, "accounts").await?;

    // A link to a deal, opened before signing in: the sign-in page, then the deal, which the
    // first download brings.
    let deal_page = format!("/r/deals/{deal}");
    b.open(&deal_page).await?;
    b.wait_path("/login").await?;
    login::sign_in_as(b, MANAGER, PASSWORD).await?;
    b.wait_path(&deal_page).await?;
    shows_record(b, &deal_name).await?;

    // Reload on the deal's page: the device reads its copy again, and the deal comes back.
    b.open(&deal_page).await?;
    shows_record(b, &deal_name).await?;

    // An account found in its list and opened, then reloaded.
    b.open("/r/accounts").await?;
    b.fill("[data-testid=record-search]", &account_name).await?;
    b.click(&format!(
        "[data-testid=records-list] a[href='/r/accounts/{account}']"
    ))
    .await?;
    b.wait_path(&format!("/r/accounts/{account}")).await?;
    shows_record(b, &account_name).await?;
    b.open(&format!("/r/accounts/{account}")).await?;
    shows_record(b, &account_name).await?;

    // A deal that does not exist is said not to, once everything is read.
    b.open(&format!("/r/deals/{}", uuid::Uuid::now_v7()))
        .await?;
    b.find("[data-testid=record-missing]").await?;
    if b.is_visible("[data-testid=record-form]").await {
        return Err("an editor is shown for a deal that does not exist".into());
    }
    Ok(())
}

//! Contacts: the list, the editor, and the sync state shown in the top bar.

use crate::Result;
use crate::browser::Browser;

pub async fn open(b: &Browser) -> Result {
    b.click("[data-testid=nav-contacts]").await?;
    b.wait_path("/contacts").await
}

/// Create a contact through the form and wait until the list shows it.
pub async fn create(b: &Browser, name: &str, company: &str, phone: &str) -> Result {
    b.click("[data-testid=new-contact]").await?;
    b.find("[data-testid=record-form]").await?;
    b.fill("#record-name", name).await?;
    b.fill("#record-company", company).await?;
    b.fill("#record-phone", phone).await?;
    b.click("[data-testid=record-form] button[type=submit]")
        .await?;
    b.wait_path("/contacts").await?;
    b.wait_text("[data-testid=contacts-list]", name).await
}

/// Open a contact's editor from the list.
pub async fn edit(b: &Browser, name: &str) -> Result {
    let link =
        format!("//ul[@data-testid='contacts-list']//a[.//strong[normalize-space()='{name}']]");
    let started = std::time::Instant::now();
    loop {
        if let Ok(element) = b.client.find(fantoccini::Locator::XPath(&link)).await {
            element.click().await.map_err(|e| e.to_string())?;
            break;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            return Err(format!("no contact {name} in the list"));
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    b.find("[data-testid=record-form]").await.map(drop)
}

pub async fn save(b: &Browser) -> Result {
    b.click("[data-testid=record-form] button[type=submit]")
        .await
}

/// Type into the search box (replacing what is there).
pub async fn search(b: &Browser, typed: &str) -> Result {
    b.fill("[data-testid=contact-search]", typed).await
}

/// The text of the whole list.
pub async fn list_text(b: &Browser) -> Result<String> {
    b.find("[data-testid=contacts-list]")
        .await?
        .text()
        .await
        .map_err(|e| e.to_string())
}

/// Wait until the top bar says `n` changes are waiting to be sent.
pub async fn wait_pending(b: &Browser, n: usize) -> Result {
    b.wait_until(
        &format!("document.querySelector('[data-testid=sync-status]').dataset.pending === '{n}'"),
        &format!("{n} pending changes"),
    )
    .await
}

pub async fn wait_online(b: &Browser, online: bool) -> Result {
    b.wait_until(
        &format!(
            "document.querySelector('[data-testid=sync-status]').dataset.online === '{online}'"
        ),
        if online { "online" } else { "offline" },
    )
    .await
}

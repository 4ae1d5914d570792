//! Accounts, leads, deals, activities and tasks: lists, the editor, and the deal pipeline.

use crate::Result;
use crate::browser::Browser;

/// Open a section from the navigation (`accounts`, `leads`, `pipeline`, `activities`, `tasks`).
pub async fn open(b: &Browser, section: &str) -> Result {
    crate::pages::shell::reveal(b, &format!("nav-{section}")).await?;
    let nav = match b.viewport {
        crate::browser::Viewport::Desktop => ".sidebar",
        crate::browser::Viewport::Phone => ".tabbar",
    };
    b.click(&format!("{nav} [data-testid=nav-{section}]"))
        .await?;
    let path = if section == "pipeline" {
        "/pipeline".to_owned()
    } else {
        format!("/r/{section}")
    };
    b.wait_path(&path).await
}

/// Start a new record from the open list.
pub async fn new_record(b: &Browser) -> Result {
    b.click("[data-testid=new-record]").await?;
    b.find("[data-testid=record-form]").await.map(drop)
}

/// Type into one field of the editor.
pub async fn fill(b: &Browser, field: &str, value: &str) -> Result {
    b.fill(&format!("#record-{field}"), value).await
}

/// Pick an option of a choice field by its visible text.
pub async fn choose(b: &Browser, field: &str, label: &str) -> Result {
    b.choose(&format!("#record-{field}"), label).await
}

/// Point a link field at a record: type `typed` (part of a name, pinyin, initials …) and pick
/// the match called `label`.
pub async fn link(b: &Browser, field: &str, typed: &str, label: &str) -> Result {
    pick(b, field, typed, label).await?;
    b.wait_until(
        &format!("document.querySelector('#record-{field}').value === {label:?}"),
        &format!("{field} set to {label}"),
    )
    .await
}

/// Type into a link field and pick the match called `label`.
async fn pick(b: &Browser, field: &str, typed: &str, label: &str) -> Result {
    b.fill(&format!("#record-{field}"), typed).await?;
    b.wait_text(".link-options", label).await?;
    let option =
        format!("//ul[contains(@class,'link-options')]/li[span[normalize-space()='{label}']]");
    b.client
        .find(fantoccini::Locator::XPath(&option))
        .await
        .map_err(|e| format!("no match {label} for {typed}: {e}"))?
        .click()
        .await
        .map_err(|e| e.to_string())
}

/// Add one more record to a field that holds several (a deal's other contacts): type, pick the
/// match called `label`, and see it join the chosen ones.
pub async fn add_link(b: &Browser, field: &str, typed: &str, label: &str) -> Result {
    pick(b, field, typed, label).await?;
    b.wait_text(&format!("[data-testid={field}-chosen]"), label)
        .await
}

pub async fn save(b: &Browser) -> Result {
    b.click("[data-testid=record-form] button[type=submit]")
        .await
}

/// Open the record whose title in the list contains `title`.
pub async fn open_record(b: &Browser, title: &str) -> Result {
    b.wait_text("[data-testid=records-list]", title).await?;
    let link = format!("//ul[@data-testid='records-list']//a[.//strong[contains(., '{title}')]]");
    let element = b
        .client
        .find(fantoccini::Locator::XPath(&link))
        .await
        .map_err(|e| format!("no record {title}: {e}"))?;
    element.click().await.map_err(|e| e.to_string())?;
    b.find("[data-testid=record-form]").await.map(drop)
}

/// The CSS selector of the pipeline card of the deal named `name` (waits for it).
pub async fn card(b: &Browser, name: &str) -> Result<String> {
    b.wait_text("[data-testid=pipeline]", name).await?;
    let id = b
        .run(&format!(
            "const c = [...document.querySelectorAll('[data-testid=deal-card]')].find(c => c.textContent.includes({name:?})); return c ? c.dataset.id : null;"
        ))
        .await?;
    id.as_str()
        .map(|id| format!("[data-testid=deal-card][data-id='{id}']"))
        .ok_or_else(|| format!("no card for {name}"))
}

/// The stage column a card is in.
pub async fn stage_of(b: &Browser, card: &str) -> Result<String> {
    let stage = b
        .run(&format!(
            "const c = document.querySelector(\"{card}\"); return c ? c.closest('[data-stage]').dataset.stage : null;"
        ))
        .await?;
    stage
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{card} is on no column"))
}

/// Pick another stage in a card's stage menu (on a phone the menu is the system's own picker,
/// so the choice is made the way the picker makes it: value set, `change` fired).
pub async fn move_deal(b: &Browser, card: &str, stage: &str) -> Result {
    b.find(&format!("{card} [data-testid=move-deal]")).await?;
    b.run(&format!(
        "const s = document.querySelector(\"{card} [data-testid=move-deal]\"); s.value = {stage:?}; s.dispatchEvent(new Event('change', {{bubbles: true}})); return null;"
    ))
    .await
    .map(drop)
}

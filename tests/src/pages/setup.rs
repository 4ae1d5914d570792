//! The one-time setup screen.

use super::Person;
use crate::Result;
use crate::browser::Browser;

pub const FORM: &str = "[data-testid=setup-form]";

pub async fn is_shown(b: &Browser) -> Result {
    b.find(FORM).await.map(drop)
}

pub async fn fill(b: &Browser, company: &str, admin: &Person, password: &str) -> Result {
    b.fill("#setup-company_name", company).await?;
    b.fill("#setup-display_name", admin.name).await?;
    b.fill("#setup-email", admin.email).await?;
    b.fill("#setup-password", password).await
}

pub async fn submit(b: &Browser) -> Result {
    b.click(&format!("{FORM} button[type=submit]")).await
}

/// The message under a field, e.g. `field_error(b, "password")`.
pub async fn field_error(b: &Browser, field: &str) -> Result<String> {
    let element = b.find(&format!("#setup-{field}-error")).await?;
    element.text().await.map_err(|e| e.to_string())
}

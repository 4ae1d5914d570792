//! The sign-in screen: a plain page (`/login`), not part of the app.

use super::Person;
use crate::Result;
use crate::browser::Browser;

pub const FORM: &str = "[data-testid=login-form]";

pub async fn sign_in_as(b: &Browser, email: &str, password: &str) -> Result {
    b.find(FORM).await?;
    b.fill("#login-email", email).await?;
    b.fill("#login-password", password).await?;
    b.click(&format!("{FORM} button[type=submit]")).await
}

/// Sign in and wait until the app has let the person in (it leaves the sign-in page), so that
/// a test may open another address straight away without cutting the request short.
pub async fn sign_in(b: &Browser, person: &Person) -> Result {
    sign_in_with(b, person.email, person.password).await
}

/// [`sign_in`] by email and password.
pub async fn sign_in_with(b: &Browser, email: &str, password: &str) -> Result {
    sign_in_as(b, email, password).await?;
    b.wait_until(
        "location.pathname !== '/login'",
        &format!("{email} signed in"),
    )
    .await
}

/// The form-level error (wrong credentials, rate limit …).
pub async fn error(b: &Browser) -> Result<String> {
    b.find(&format!("{FORM} .banner.error"))
        .await?
        .text()
        .await
        .map_err(|e| e.to_string())
}

/// The message under a field of the sign-in form (`email`, `password`).
pub async fn field_error(b: &Browser, field: &str) -> Result<String> {
    b.find(&format!("#login-{field}-error"))
        .await?
        .text()
        .await
        .map_err(|e| e.to_string())
}

/// The page's heading.
pub async fn title(b: &Browser) -> Result<String> {
    b.find("h1").await?.text().await.map_err(|e| e.to_string())
}

/// Switch the sign-in page between Chinese and English.
pub async fn switch_language(b: &Browser) -> Result {
    b.click("[data-testid=switch-language]").await
}

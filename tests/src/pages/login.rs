//! The sign-in screen.

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

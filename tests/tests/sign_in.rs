//! The sign-in page on a phone: a plain page that opens without the app. Its texts come in the
//! person's language (and the choice carries into the app), mistakes are explained in that
//! language, it lets the person in where the app sent them from, and a person already signed
//! in never sees it.

use tests::Result;
use tests::browser::{Browser, Viewport};
use tests::cast::{self, REP};
use tests::pages::{home, login, shell};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_on_a_phone() {
    let server = TestServer::start("sign-in").await;
    let seeded = cast::seed(&server.url).await;
    let b = Browser::start(&server.url, Viewport::Phone).await;
    let outcome = match seeded {
        Ok(()) => flow(&b).await,
        Err(e) => Err(e),
    };
    if outcome.is_err() {
        b.screenshot("sign-in").await;
    }
    b.close().await;
    server.stop().await;
    if let Err(e) = outcome {
        panic!("sign-in flow failed: {e}");
    }
}

async fn flow(b: &Browser) -> Result {
    // The page is not the app: the app's script does not run on it (it only fetches the app's
    // files into the cache, for after signing in).
    b.open("/login").await?;
    expect_contains(&login::title(b).await?, "登录桥 CRM")?;
    let app = b
        .run("return document.querySelectorAll('script[type=module]').length + (window.wasmBindings ? 1 : 0)")
        .await?;
    if app.as_u64() != Some(0) {
        return Err("the app runs on the sign-in page".into());
    }
    // It is laid out for the phone like the app: no sideways scrolling, no small tap targets.
    shell::check_phone_layout(b).await?;

    // English, then mistakes: each explained in English.
    login::switch_language(b).await?;
    b.wait_text("h1", "Sign in to Qiao").await?;
    expect_contains(&shell::language(b).await?, "en")?;
    login::sign_in_as(b, "", "").await?;
    expect_contains(
        &login::field_error(b, "email").await?,
        "This field is required.",
    )?;
    expect_contains(
        &login::field_error(b, "password").await?,
        "This field is required.",
    )?;
    login::sign_in_as(b, REP.email, "not-the-password").await?;
    b.wait_text(
        "[data-testid=login-form] .banner.error",
        "Wrong email or password.",
    )
    .await?;

    // The app sent the person here from the contacts: they sign in and are back there, and the
    // app speaks English too.
    b.open("/contacts").await?;
    b.wait_path("/login").await?;
    login::sign_in_as(b, REP.email, REP.password).await?;
    b.wait_path("/contacts").await?;
    b.find("[data-testid=contact-search]").await?;
    expect_contains(&shell::home_label(b).await?, "Home")?;

    // Signed in, the sign-in page sends the person home.
    b.open("/login").await?;
    b.wait_path("/").await?;
    home::greeting(b).await.map(drop)
}

fn expect_contains(text: &str, needle: &str) -> Result {
    if text.contains(needle) {
        Ok(())
    } else {
        Err(format!("{text:?} does not contain {needle:?}"))
    }
}

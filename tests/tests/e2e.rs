//! The first run of a fresh installation, as people live it, in headless Chromium: on a laptop
//! and on a phone.

use tests::Result;
use tests::browser::{Browser, Viewport};
use tests::pages::{Person, home, login, settings, setup, shell};
use tests::server::TestServer;

const ADMIN: Person = Person {
    name: "王管理",
    email: "admin@qiao.example",
    password: "admin-pass-1",
};
const REP: Person = Person {
    name: "李销售",
    email: "li.sales@qiao.example",
    password: "sales-pass-1",
};
const TEAM: &str = "华东销售组";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_on_a_desktop() {
    first_run(Viewport::Desktop).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_on_a_phone() {
    first_run(Viewport::Phone).await;
}

async fn first_run(viewport: Viewport) {
    let server = TestServer::start(viewport.name()).await;
    let browser = Browser::start(&server.url, viewport).await;
    let outcome = flow(&browser).await;
    if outcome.is_err() {
        browser
            .screenshot(&format!("first-run-{}", viewport.name()))
            .await;
    }
    browser.close().await;
    server.stop().await;
    if let Err(e) = outcome {
        panic!("{} flow failed: {e}", viewport.name());
    }
}

async fn flow(b: &Browser) -> Result {
    // A fresh server shows the setup screen, whatever address is opened.
    b.open("/").await?;
    setup::is_shown(b).await?;
    b.wait_path("/setup").await?;
    b.snap("setup").await;

    // Mistakes are explained next to the fields, and nothing is created.
    setup::submit(b).await?;
    expect_contains(&setup::field_error(b, "email").await?, "必填")?;
    setup::fill(b, "桥科技", &ADMIN, "short").await?;
    setup::submit(b).await?;
    expect_contains(&setup::field_error(b, "password").await?, "8")?;
    b.snap("setup-errors").await;

    // The company and its admin are created; the admin is signed in.
    setup::fill(b, "桥科技", &ADMIN, ADMIN.password).await?;
    setup::submit(b).await?;
    b.wait_text("[data-testid=greeting]", ADMIN.name).await?;
    shell::check_phone_layout(b).await?;

    // Sign out, a wrong password is refused, the right one lets the admin in.
    shell::sign_out(b).await?;
    b.wait_path("/login").await?;
    login::sign_in_as(b, ADMIN.email, "wrong-password").await?;
    expect_contains(&login::error(b).await?, "邮箱或密码不正确")?;
    b.snap("login-error").await;
    login::sign_in(b, &ADMIN).await?;
    b.wait_text("[data-testid=greeting]", ADMIN.name).await?;

    // Settings: a team, then a sales rep in it.
    shell::go_settings(b).await?;
    settings::open_teams(b).await?;
    settings::create_team(b, TEAM, "桥科技").await?;
    b.snap("teams").await;
    settings::open_users(b).await?;
    let taken = Person {
        email: ADMIN.email,
        ..REP
    };
    settings::fill_new_user(b, &taken, "138 0013 8000", "销售", TEAM).await?;
    settings::save_user(b).await?;
    expect_contains(&settings::user_field_error(b, "email").await?, "已被使用")?;
    b.snap("user-form-error").await;
    settings::fill_new_user(b, &REP, "138 0013 8000", "销售", TEAM).await?;
    settings::save_user(b).await?;
    settings::wait_for_user(b, REP.email).await?;
    b.snap("users").await;
    shell::check_phone_layout(b).await?;
    shell::sign_out(b).await?;

    // The rep signs in: no settings for them, not even by typing the address.
    login::sign_in(b, &REP).await?;
    b.wait_text("[data-testid=greeting]", REP.name).await?;
    if shell::has_settings_link(b).await {
        return Err("a sales rep sees the settings link".into());
    }
    b.open("/settings/users").await?;
    b.find("[data-testid=forbidden]").await?;
    b.snap("forbidden").await;
    if b.is_visible(settings::USERS_TABLE).await {
        return Err("a sales rep sees the users list".into());
    }
    shell::go_home(b).await?;

    // English and back; the choice changes every label.
    expect_eq(&shell::language(b).await?, "zh-CN")?;
    expect_contains(&shell::home_label(b).await?, "首页")?;
    shell::switch_language(b).await?;
    b.wait_text("[data-testid=greeting]", "Hello").await?;
    expect_eq(&shell::language(b).await?, "en")?;
    expect_contains(&shell::home_label(b).await?, "Home")?;
    b.snap("english").await;
    shell::switch_language(b).await?;
    b.wait_text("[data-testid=greeting]", "您好").await?;
    expect_eq(&shell::language(b).await?, "zh-CN")?;

    // The home chart is drawn (two teams with active people: the company and the new team).
    home::wait_for_chart(b).await?;
    b.snap("home-chart").await;
    shell::check_phone_layout(b).await?;
    let violations = shell::csp_violations(b).await?;
    if violations > 0 {
        return Err(format!("{violations} Content-Security-Policy violations"));
    }
    Ok(())
}

fn expect_contains(text: &str, needle: &str) -> Result {
    if text.contains(needle) {
        Ok(())
    } else {
        Err(format!("{text:?} does not contain {needle:?}"))
    }
}

fn expect_eq(got: &str, expected: &str) -> Result {
    if got == expected {
        Ok(())
    } else {
        Err(format!("got {got:?}, expected {expected:?}"))
    }
}

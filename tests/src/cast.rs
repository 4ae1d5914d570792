//! The cast of the field tests: a company with a sales rep on a phone and their manager at a
//! desk, each in their own browser, against a server the test may stop and start.

use crate::Result;
use crate::api::Api;
use crate::browser::{Browser, Viewport};
use crate::pages::Person;
use crate::server::TestServer;

pub const ADMIN: Person = Person {
    name: "管理员",
    email: "admin@qiao.example",
    password: "admin-pass-1",
};

pub const REP: Person = Person {
    name: "李销售",
    email: "li@qiao.example",
    password: "sales-pass-1",
};

pub const BOSS: Person = Person {
    name: "周经理",
    email: "zhou@qiao.example",
    password: "boss-pass-1",
};

/// The company, its admin, the rep and the manager, through the HTTP API.
pub async fn seed(url: &str) -> Result {
    let mut api = Api::new(url);
    api.set_up("桥科技", ADMIN.name, ADMIN.email, ADMIN.password)
        .await?;
    let company = api.root_team().await?;
    api.create_user(REP.name, REP.email, REP.password, "sales", &company)
        .await?;
    api.create_user(BOSS.name, BOSS.email, BOSS.password, "manager", &company)
        .await
}

/// Run `flow` with a fresh server (seeded), the rep's phone and the manager's desktop; keep
/// screenshots named after `name` when it fails, tear everything down, and fail the test with
/// the flow's error.
pub async fn rep_and_manager(
    name: &str,
    flow: impl AsyncFnOnce(&mut TestServer, &Browser, &Browser) -> Result,
) {
    let cast = [("rep", Viewport::Phone), ("boss", Viewport::Desktop)];
    with_browsers(name, &cast, async |server, b| match b {
        [rep, boss] => flow(server, rep, boss).await,
        _ => Err("two browsers".into()),
    })
    .await;
}

/// As [`rep_and_manager`], with the admin at a screen of `admin` too (Settings).
pub async fn admin_rep_and_manager(
    name: &str,
    admin: Viewport,
    flow: impl AsyncFnOnce(&mut TestServer, &Browser, &Browser, &Browser) -> Result,
) {
    let cast = [
        ("admin", admin),
        ("rep", Viewport::Phone),
        ("boss", Viewport::Desktop),
    ];
    with_browsers(name, &cast, async |server, b| match b {
        [admin, rep, boss] => flow(server, admin, rep, boss).await,
        _ => Err("three browsers".into()),
    })
    .await;
}

/// The admin (at a screen of `admin`) and the rep's phone.
pub async fn admin_and_rep(
    name: &str,
    admin: Viewport,
    flow: impl AsyncFnOnce(&mut TestServer, &Browser, &Browser) -> Result,
) {
    let cast = [("admin", admin), ("rep", Viewport::Phone)];
    with_browsers(name, &cast, async |server, b| match b {
        [admin, rep] => flow(server, admin, rep).await,
        _ => Err("two browsers".into()),
    })
    .await;
}

/// Run `flow` with a fresh server (seeded) and a browser per `(role, viewport)` of `cast`, in
/// that order; keep a screenshot of each, named after `name` and its role, when it fails, tear
/// everything down, and fail the test with the flow's error.
async fn with_browsers(
    name: &str,
    cast: &[(&str, Viewport)],
    flow: impl AsyncFnOnce(&mut TestServer, &[Browser]) -> Result,
) {
    let mut server = TestServer::start(name).await;
    let seeded = seed(&server.url).await;
    let mut browsers = Vec::new();
    for (_, viewport) in cast {
        browsers.push(Browser::start(&server.url, *viewport).await);
    }
    let outcome = match seeded {
        Ok(()) => flow(&mut server, &browsers).await,
        Err(e) => Err(e),
    };
    if outcome.is_err() {
        for ((role, _), b) in cast.iter().zip(&browsers) {
            b.screenshot(&format!("{name}-{role}")).await;
        }
    }
    for b in browsers {
        b.close().await;
    }
    server.stop().await;
    if let Err(e) = outcome {
        panic!("{name} flow failed: {e}");
    }
}

/// Run `flow` with a fresh server holding the demo company (`contacts` contacts, password
/// `demo-pass-1`) and one browser on a `viewport` screen; a screenshot named after `name` when
/// it fails, everything torn down, and the test failed with the flow's error.
pub async fn demo_company(
    name: &str,
    contacts: usize,
    viewport: Viewport,
    flow: impl AsyncFnOnce(&Browser) -> Result,
) {
    let server = TestServer::start(name).await;
    let filled = server.fill_demo(contacts, "demo-pass-1").await;
    let b = Browser::start(&server.url, viewport).await;
    let outcome = match filled {
        Ok(()) => flow(&b).await,
        Err(e) => Err(e),
    };
    if outcome.is_err() {
        b.screenshot(name).await;
    }
    b.close().await;
    server.stop().await;
    if let Err(e) = outcome {
        panic!("{name} flow failed: {e}");
    }
}

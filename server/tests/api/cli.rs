//! The `qiao-server` binary, run as a real process: `admin create`, and `serve` until SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use shared::Role;
use shared::api::{Me, SetupStatus};

use crate::device::Device;
use crate::harness::{Backend, TestApp, both, fresh_database};
use shared::sync::Collection;

both!(
    admin_create_makes_the_first_admin_and_closes_setup,
    serve_runs_until_sigterm_and_stops_cleanly,
    demo_fills_an_empty_database_once,
    a_demo_with_custom_fields_fills_each_with_a_value_it_accepts
);

fn qiao(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_qiao-server"))
        .args(args)
        .env_remove("QIAO_DB")
        .output()
        .expect("qiao-server runs")
}

async fn admin_create_makes_the_first_admin_and_closes_setup(backend: Backend) {
    let (db_url, cleanup) = fresh_database(backend).await;

    let weak = qiao(&[
        "admin",
        "create",
        "--db",
        &db_url,
        "--email",
        "boss@qiao.example",
        "--password",
        "short",
    ]);
    assert_eq!(weak.status.code(), Some(2));
    let message = String::from_utf8_lossy(&weak.stderr);
    assert!(
        message.contains("--password") && message.contains("at least 8"),
        "{message}"
    );

    let ok = qiao(&[
        "admin",
        "create",
        "--db",
        &db_url,
        "--email",
        "Boss@Qiao.example",
        "--password",
        "boss-pass-1",
        "--name",
        "老板",
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let again = qiao(&[
        "admin",
        "create",
        "--db",
        &db_url,
        "--email",
        "boss@qiao.example",
        "--password",
        "boss-pass-1",
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let app = TestApp::start_on(backend, db_url, |_| {}).await;
    assert!(
        !app.get("/api/setup", None)
            .await
            .json::<SetupStatus>()
            .needed
    );
    let token = app.token("boss@qiao.example", "boss-pass-1").await;
    let me: Me = app.get("/api/auth/me", Some(&token)).await.json();
    assert_eq!(
        (
            me.user.display_name.as_str(),
            me.user.role,
            me.team_name.as_str()
        ),
        ("老板", Role::Admin, "公司")
    );
    app.stop().await;
    cleanup.run().await;
}

async fn serve_runs_until_sigterm_and_stops_cleanly(backend: Backend) {
    let (db_url, cleanup) = fresh_database(backend).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_qiao-server"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("QIAO_DB", &db_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("qiao-server starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the server says where it listens")
            .expect("utf-8 output");
        if let Some(url) = line.strip_prefix("Qiao is running at ") {
            break url.trim().to_owned();
        }
    };

    let health: shared::api::Health = reqwest::get(format!("{url}/healthz"))
        .await
        .expect("reachable")
        .json()
        .await
        .expect("health json");
    let expected = if backend == Backend::Sqlite {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(health.db, expected);

    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(term.success());
    let mut waited = Duration::ZERO;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait works") {
            break status;
        }
        assert!(
            waited < Duration::from_secs(10),
            "the server did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += Duration::from_millis(50);
    };
    assert!(status.success(), "exit status {status}");
    assert!(
        reqwest::get(format!("{url}/healthz")).await.is_err(),
        "nothing listens any more"
    );
    cleanup.run().await;
}

async fn demo_fills_an_empty_database_once(backend: Backend) {
    let (db_url, cleanup) = fresh_database(backend).await;
    let weak = qiao(&[
        "demo",
        "--db",
        &db_url,
        "--records",
        "10",
        "--password",
        "short",
    ]);
    assert_eq!(weak.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("--password"));

    let made = qiao(&["demo", "--db", &db_url, "--records", "200"]);
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(
        said.contains("200 contacts") && said.contains("40 deals"),
        "{said}"
    );
    let again = qiao(&["demo", "--db", &db_url, "--records", "200"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty database"));

    // The demo people sign in with the default password; each sees what their role allows.
    let app = TestApp::start_on(backend, db_url, |_| {}).await;
    let count = |d: &Device, c: Collection| d.core.collection(c).count();
    let mut manager = Device::new(&app.token("manager@demo.local", "demo-pass-1").await);
    manager.pull(&app).await;
    let everything = [
        (Collection::Account, 40),
        (Collection::Contact, 200),
        (Collection::Lead, 20),
        (Collection::Deal, 40),
        (Collection::Activity, 200),
    ];
    for (collection, n) in everything {
        assert_eq!(count(&manager, collection), n, "{collection:?}");
    }
    let mut rep = Device::new(&app.token("sales1@demo.local", "demo-pass-1").await);
    rep.pull(&app).await;
    let me = rep.core.directory().map(|d| d.me.user).expect("directory");
    let mine = count(&rep, Collection::Contact);
    assert!(
        mine > 0 && mine < 200,
        "a rep sees part of the contacts: {mine}"
    );
    assert!(
        rep.core
            .records()
            .all(|r| r.owner == me || r.collection() == Collection::Issue)
    );
    // Deals of every stage, with Chinese names.
    let stages: std::collections::BTreeSet<String> = manager
        .core
        .records()
        .filter_map(|r| r.as_deal().map(|d| d.stage.clone()))
        .collect();
    assert_eq!(stages.len(), 6, "{stages:?}");
    app.stop().await;
    cleanup.run().await;
}

async fn a_demo_with_custom_fields_fills_each_with_a_value_it_accepts(backend: Backend) {
    let (db_url, cleanup) = fresh_database(backend).await;
    let too_many = qiao(&["demo", "--db", &db_url, "--custom-fields", "21"]);
    assert_eq!(too_many.status.code(), Some(2));
    let made = qiao(&[
        "demo",
        "--db",
        &db_url,
        "--records",
        "60",
        "--custom-fields",
        "20",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let app = TestApp::start_on(backend, db_url, |_| {}).await;
    let token = app.token("manager@demo.local", "demo-pass-1").await;
    let mut manager = Device::new(&token);
    manager.pull(&app).await;
    let schema = manager.core.company_schema();
    let fields: Vec<&str> = schema
        .custom_fields("contacts")
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(fields.len(), 20, "{fields:?}");
    // Every contact's values read under their fields' types, as a new record's would; the
    // fields people fill in are filled in every contact (the formula is worked out).
    let mut filled = std::collections::BTreeMap::<String, usize>::new();
    for contact in manager.core.collection(Collection::Contact) {
        let read = shared::sync::schema::custom_values(
            &schema,
            "contacts",
            &serde_json::Map::new,
            &serde_json::Map::new(),
            &contact.custom.to_map(),
            true,
        );
        assert!(read.is_ok(), "{read:?}");
        for key in contact.custom.keys() {
            *filled.entry(key.clone()).or_default() += 1;
        }
    }
    assert_eq!(filled.len(), 19, "{filled:?}");
    assert!(filled.values().all(|n| *n == 60), "{filled:?}");
    // And REST filters by them.
    let reply = app
        .get(
            "/api/v1/contacts?limit=500&filter=grade%20%3D%20a",
            Some(&token),
        )
        .await;
    let some = reply.body["items"].as_array().map_or(0, Vec::len);
    assert!(some > 0 && some < 60, "{}", reply.body);
    app.stop().await;
    cleanup.run().await;
}

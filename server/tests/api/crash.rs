//! Crashes: `kill -9` of a real `qiao-server` process in the middle of a burst of pushes and in
//! the middle of pulls. After a restart, devices retry and nothing is lost or doubled.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use shared::RecordId;
use shared::records::patch;
use shared::sync::{CreateContact, Mutation};
use uuid::Uuid;

use crate::device::Device;
use crate::harness::{Backend, TestApp, both, fresh_database};

both!(a_killed_server_loses_and_doubles_nothing);

const CHANGES: usize = 400;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn spawn(db_url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_qiao-server"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("QIAO_DB", db_url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("qiao-server starts")
}

async fn wait_up(url: &str) {
    for _ in 0..200 {
        if reqwest::get(format!("{url}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up at {url}");
}

fn kill_9(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

async fn a_killed_server_loses_and_doubles_nothing(backend: Backend) {
    let (db_url, cleanup) = fresh_database(backend).await;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut child = spawn(&db_url, port);
    wait_up(&url).await;
    let app = TestApp::attach(backend, db_url.clone(), url.clone());
    let admin = app.set_up().await;
    let mut phone = Device::new(&admin);
    phone.pull(&app).await;
    for i in 0..CHANGES {
        phone.mutate(&Mutation::CreateContact(CreateContact {
            id: RecordId::from_uuid(Uuid::now_v7()),
            owner: None,
            fields: patch(&[("name", &format!("客户{i:04}"))]),
        }));
    }

    // A burst of small pushes; the server dies in the middle of it.
    let outbox = phone.core.pending().to_vec();
    let burst = {
        let app = TestApp::attach(backend, db_url.clone(), url.clone());
        let (group, client, token) = (phone.group, phone.client, admin.clone());
        tokio::spawn(async move {
            let mut sent = 0;
            for chunk in outbox.chunks(5) {
                let request = shared::sync::PushRequest {
                    client_group: group,
                    client,
                    schema_version: shared::sync::SCHEMA_VERSION,
                    mutations: chunk.to_vec(),
                };
                let reply = app
                    .client
                    .post(format!("{}/api/sync/push", app.url))
                    .bearer_auth(&token)
                    .json(&request)
                    .send()
                    .await;
                if reply.is_err() {
                    break;
                }
                sent += chunk.len();
            }
            sent
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    kill_9(&mut child);
    let sent = burst.await.expect("burst task");
    assert!(sent < CHANGES, "the server died before the burst ended");

    // Restarted: the device pushes everything again; what was committed is skipped.
    let mut child = spawn(&db_url, port);
    wait_up(&url).await;
    phone.sync(&app).await;
    assert!(phone.core.pending().is_empty());

    // A second device downloads everything; the server dies in the middle of its pull.
    let mut laptop = Device::new(&admin);
    let pulling = {
        let app = TestApp::attach(backend, db_url.clone(), url.clone());
        let request = laptop.pull_request();
        let token = admin.clone();
        tokio::spawn(async move {
            for _ in 0..50 {
                let _ = app.post("/api/sync/pull", Some(&token), &request).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(30)).await;
    kill_9(&mut child);
    pulling.abort();
    let mut child = spawn(&db_url, port);
    wait_up(&url).await;
    laptop.pull(&app).await;

    let names = laptop.contact_names();
    assert_eq!(names.len(), CHANGES, "every change exactly once");
    let expected: Vec<String> = (0..CHANGES).map(|i| format!("客户{i:04}")).collect();
    assert_eq!(names, expected);
    assert_eq!(laptop.contacts(), phone.contacts());
    kill_9(&mut child);
    cleanup.run().await;
}

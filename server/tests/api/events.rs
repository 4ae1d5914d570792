//! Pokes over server-sent events: a device listening hears about a change made elsewhere.

use std::time::Duration;

use shared::RecordId;
use shared::records::patch;
use shared::sync::{CreateContact, Mutation, Poke};
use uuid::Uuid;

use crate::device::Device;
use crate::harness::{Backend, TestApp, both};

both!(a_listening_device_is_poked);

/// An open `GET /api/sync/events` stream.
pub struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    pub async fn open(app: &TestApp, token: &str) -> Self {
        let response = app
            .client
            .get(format!("{}/api/sync/events", app.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("events stream opens");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("text/event-stream")
        );
        Events {
            response,
            buffer: String::new(),
        }
    }

    /// The next poke, or `None` after `wait` without one.
    pub async fn next(&mut self, wait: Duration) -> Option<Poke> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                    return serde_json::from_str(data).ok();
                }
                continue;
            }
            let chunk = tokio::time::timeout(wait, self.response.chunk())
                .await
                .ok()?;
            let bytes = chunk.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
}

pub fn create(name: &str) -> Mutation {
    Mutation::CreateContact(CreateContact {
        id: RecordId::from_uuid(Uuid::now_v7()),
        owner: None,
        fields: patch(&[("name", name)]),
    })
}

async fn a_listening_device_is_poked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.set_up().await;
    let mut writer = Device::new(&admin);
    writer.pull(&app).await;
    let unauthorized = app.get("/api/sync/events", None).await;
    unauthorized.assert_error(401, "unauthorized");

    let mut events = Events::open(&app, &admin).await;
    let hello = events
        .next(Duration::from_secs(5))
        .await
        .expect("a poke on connect");
    writer.mutate(&create("郑总"));
    let pushed = writer.push(&app).await;
    assert_eq!(pushed.applied, 1);
    let poke = events
        .next(Duration::from_secs(5))
        .await
        .expect("a poke after the push");
    assert!(poke.version > hello.version, "{poke:?} after {hello:?}");
    // The server still stops promptly with a listener connected.
    app.finish().await;
}

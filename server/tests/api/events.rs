//! Pokes over server-sent events: a device listening hears about a change made elsewhere.

use std::time::Duration;

use shared::RecordId;
use shared::records::patch;
use shared::sync::{CreateContact, Mutation, Poke};
use uuid::Uuid;

use crate::device::Device;
use crate::harness::{Backend, TestApp, both};

both!(
    a_listening_device_is_poked,
    pokes_reach_only_those_who_see_the_change
);

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

/// A rep's change pokes their own devices and their manager's, not another team's rep; a
/// change to the teams pokes everyone (scopes may have changed).
async fn pokes_reach_only_those_who_see_the_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, far] = app.two_sales_teams().await;
    let admin = app
        .token(crate::harness::ADMIN_EMAIL, crate::harness::ADMIN_PASSWORD)
        .await;
    let wait = Duration::from_secs(5);
    let quiet = Duration::from_millis(800);
    let mut listeners = Vec::new();
    for token in [&rep, &boss, &far] {
        let mut events = Events::open(&app, token).await;
        events.next(wait).await.expect("a poke on connect");
        listeners.push(events);
    }
    let mut phone = Device::new(&rep);
    phone.pull(&app).await;
    phone.mutate(&create("郑总"));
    assert_eq!(phone.push(&app).await.applied, 1);
    let [rep_events, boss_events, far_events] = &mut listeners[..] else {
        unreachable!("three listeners")
    };
    assert!(
        rep_events.next(wait).await.is_some(),
        "the rep's other devices"
    );
    assert!(boss_events.next(wait).await.is_some(), "the manager");
    assert!(far_events.next(quiet).await.is_none(), "not the other team");

    let root = app.root_team(&admin).await;
    app.create_team(&admin, "西部", root.id).await;
    for events in &mut listeners {
        assert!(
            events.next(wait).await.is_some(),
            "everyone, after the teams changed"
        );
    }
    app.finish().await;
}

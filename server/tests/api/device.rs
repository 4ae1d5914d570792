//! A simulated device: the real `shared` sync core, pushing and pulling over HTTP.

use serde_json::Value;
use shared::sync::{
    ClientCore, Collection, Mutation, PullRequest, PullResponse, PushRequest, PushResponse, Record,
    SCHEMA_VERSION,
};
use uuid::Uuid;

use crate::harness::{Reply, TestApp};

pub struct Device {
    pub token: String,
    pub group: Uuid,
    pub client: Uuid,
    pub core: ClientCore,
    /// Pull pages seen so far (for paging assertions).
    pub pages: Vec<PullResponse>,
}

impl Device {
    pub fn new(token: &str) -> Self {
        Device {
            token: token.to_owned(),
            group: Uuid::now_v7(),
            client: Uuid::now_v7(),
            core: ClientCore::default(),
            pages: Vec::new(),
        }
    }

    /// Make a change on the device (it must be valid here).
    pub fn mutate(&mut self, mutation: &Mutation) -> u64 {
        self.core
            .mutate(mutation, shared_now())
            .unwrap_or_else(|e| panic!("device refused {mutation:?}: {e}"))
            .id
    }

    pub fn push_request(&self, max: usize) -> PushRequest {
        PushRequest {
            client_group: self.group,
            client: self.client,
            schema_version: SCHEMA_VERSION,
            mutations: self.core.outbox(max).to_vec(),
        }
    }

    /// Push the whole outbox once.
    pub async fn push(&self, app: &TestApp) -> PushResponse {
        let reply = self.send_push(app, &self.push_request(usize::MAX)).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()
    }

    pub async fn send_push(&self, app: &TestApp, request: &PushRequest) -> Reply {
        app.post("/api/sync/push", Some(&self.token), request).await
    }

    pub fn pull_request(&self) -> PullRequest {
        PullRequest {
            client_group: self.group,
            client: self.client,
            schema_version: SCHEMA_VERSION,
            cursor: self.core.cursor().cloned(),
        }
    }

    /// Pull until the server has nothing more; returns the number of requests made.
    pub async fn pull(&mut self, app: &TestApp) -> usize {
        let mut requests = 1;
        while self.pull_page(app).await {
            requests += 1;
        }
        requests
    }

    /// Pull one page; whether more follow.
    pub async fn pull_page(&mut self, app: &TestApp) -> bool {
        let reply = app
            .post("/api/sync/pull", Some(&self.token), self.pull_request())
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let page: PullResponse = reply.json();
        let more = page.more;
        self.pages.push(page.clone());
        self.core.apply_pull(page, shared_now());
        more
    }

    /// Push then pull.
    pub async fn sync(&mut self, app: &TestApp) {
        if !self.core.pending().is_empty() {
            self.push(app).await;
        }
        self.pull(app).await;
    }

    pub fn contacts(&self) -> Vec<Record> {
        let mut all: Vec<Record> = self.core.collection(Collection::Contact).cloned().collect();
        all.sort_by_key(|r| r.id);
        all
    }

    pub fn contact_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.contacts().iter().map(|r| r.body.label()).collect();
        names.sort();
        names
    }

    pub fn issues(&self) -> Vec<Record> {
        self.core.collection(Collection::Issue).cloned().collect()
    }
}

pub fn shared_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0))
}

/// A raw envelope, bypassing the device's own checks (what a buggy or hostile client sends).
pub fn raw(id: u64, name: &str, args: Value) -> shared::sync::MutationEnvelope {
    shared::sync::MutationEnvelope {
        id,
        name: name.to_owned(),
        args,
        created_at: 0,
    }
}

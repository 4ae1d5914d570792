//! A device without a screen: pushes mutations to `/api/sync/push` as one sync client, the way
//! the app does, for changes "made elsewhere" and for benchmarks.

use serde_json::Value;
use shared::sync::{MutationEnvelope, PushRequest, PushResponse, SCHEMA_VERSION};
use uuid::Uuid;

use crate::Result;

pub struct Pusher {
    url: String,
    token: String,
    client: reqwest::Client,
    id: Uuid,
    next: u64,
}

impl Pusher {
    /// A new sync client of the user whose session `token` is.
    pub fn new(url: &str, token: &str) -> Self {
        Pusher {
            url: url.to_owned(),
            token: token.to_owned(),
            client: reqwest::Client::new(),
            id: Uuid::now_v7(),
            next: 1,
        }
    }

    /// Push `(mutator name, args)` pairs as the next mutations of this client.
    pub async fn push(&mut self, mutations: Vec<(String, Value)>) -> Result<PushResponse> {
        let envelopes: Vec<MutationEnvelope> = mutations
            .into_iter()
            .map(|(name, args)| {
                let id = self.next;
                self.next += 1;
                MutationEnvelope {
                    id,
                    name,
                    args,
                    created_at: 0,
                }
            })
            .collect();
        let request = PushRequest {
            client_group: self.id,
            client: self.id,
            schema_version: SCHEMA_VERSION,
            mutations: envelopes,
        };
        let reply = self
            .client
            .post(format!("{}/api/sync/push", self.url))
            .bearer_auth(&self.token)
            .json(&request)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !reply.status().is_success() {
            return Err(format!("push answered {}", reply.status()));
        }
        reply.json().await.map_err(|e| e.to_string())
    }
}

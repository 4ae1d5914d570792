//! Seeding through the HTTP API, the way an integration would: the first admin, teams, people.

use serde_json::{Value, json};

use crate::Result;

pub struct Api {
    pub url: String,
    client: reqwest::Client,
    token: Option<String>,
}

impl Api {
    pub fn new(url: &str) -> Self {
        Api {
            url: url.to_owned(),
            client: reqwest::Client::new(),
            token: None,
        }
    }

    /// A request as the signed-in person, with `body` as JSON unless it is null; the answer's body.
    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> Result<Value> {
        let mut request = self.client.request(method, format!("{}{path}", self.url));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if !body.is_null() {
            request = request.json(&body);
        }
        let reply = request.send().await.map_err(|e| e.to_string())?;
        let status = reply.status();
        let body: Value = reply.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(body)
        } else {
            Err(format!("{path} answered {status}: {body}"))
        }
    }

    /// The one-time setup; keeps the admin's session for the calls that follow.
    pub async fn set_up(
        &mut self,
        company: &str,
        name: &str,
        email: &str,
        password: &str,
    ) -> Result {
        let body = self
            .send(
                reqwest::Method::POST,
                "/api/setup",
                json!({"company_name": company, "display_name": name, "email": email, "password": password}),
            )
            .await?;
        self.token = body["token"].as_str().map(str::to_owned);
        Ok(())
    }

    /// Sign in as someone else; the calls that follow are theirs.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Result {
        let body = self
            .send(
                reqwest::Method::POST,
                "/api/auth/login",
                json!({"email": email, "password": password}),
            )
            .await?;
        self.token = body["token"].as_str().map(str::to_owned);
        Ok(())
    }

    /// `POST` a JSON body as the signed-in person; the answer's body.
    pub async fn post(&self, path: &str, body: Value) -> Result<Value> {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// `PATCH` a JSON body as the signed-in person; the answer's body.
    pub async fn patch(&self, path: &str, body: Value) -> Result<Value> {
        self.send(reqwest::Method::PATCH, path, body).await
    }

    /// `GET` as the signed-in person; the answer's body.
    pub async fn get(&self, path: &str) -> Result<Value> {
        self.send(reqwest::Method::GET, path, Value::Null).await
    }

    /// `GET` as the signed-in person: the status and the answer's bytes (files).
    pub async fn get_bytes(&self, path: &str) -> Result<(u16, Vec<u8>)> {
        let mut request = self.client.get(format!("{}{path}", self.url));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let reply = request.send().await.map_err(|e| e.to_string())?;
        let status = reply.status().as_u16();
        let bytes = reply.bytes().await.map_err(|e| e.to_string())?;
        Ok((status, bytes.to_vec()))
    }

    /// The signed-in person's session token.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The id of the company (the root team).
    pub async fn root_team(&self) -> Result<String> {
        let teams = self.get("/api/teams").await?;
        teams
            .as_array()
            .and_then(|ts| ts.iter().find(|t| t["parent_id"].is_null()))
            .and_then(|t| t["id"].as_str())
            .map(str::to_owned)
            .ok_or_else(|| "no company team".to_owned())
    }

    pub async fn create_user(
        &self,
        name: &str,
        email: &str,
        password: &str,
        role: &str,
        team: &str,
    ) -> Result {
        self.send(
            reqwest::Method::POST,
            "/api/users",
            json!({"display_name": name, "email": email, "password": password, "role": role, "team_id": team}),
        )
        .await
        .map(drop)
    }
}

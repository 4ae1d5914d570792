//! Start a server on a fresh database, and talk to it.
//!
//! Postgres is reached at `QIAO_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432`);
//! each test creates its own database there and drops it afterwards. When Postgres is not
//! available, run with `-- --skip postgres::` (the Makefile does, and says so).

use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use server::{Config, Running};
use shared::api::{LoginResponse, SetupRequest, TeamView, UserView};
use sqlx::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declare an async test that runs once per backend: `both!(name);` for `async fn name(b: Backend)`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::harness::Backend::Sqlite).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::harness::Backend::Postgres).await;
            })*
        }
    };
}
pub(crate) use both;

pub const ADMIN_EMAIL: &str = "admin@qiao.example";
pub const ADMIN_PASSWORD: &str = "admin-pass-1";

fn postgres_server() -> String {
    std::env::var("QIAO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty database URL for one test.
pub async fn fresh_database(backend: Backend) -> (String, Cleanup) {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let pid = std::process::id();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("qiao-test-{pid}-{n}"));
            let _ = std::fs::remove_dir_all(&dir);
            let url = format!("sqlite://{}/qiao.db", dir.display());
            (url, Cleanup::Dir(dir))
        }
        Backend::Postgres => {
            let server = postgres_server();
            let name = format!("qiao_test_{pid}_{n}");
            let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
                .await
                .unwrap_or_else(|e| panic!("Postgres is not reachable at {server} ({e}); set QIAO_TEST_POSTGRES or skip the postgres:: tests"));
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut admin)
                .await
                .expect("drop old test database");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("create test database");
            (
                format!("{server}/{name}"),
                Cleanup::Postgres { server, name },
            )
        }
    }
}

/// What to remove once a test is over.
#[derive(Debug)]
pub enum Cleanup {
    Dir(std::path::PathBuf),
    Postgres { server: String, name: String },
}

impl Cleanup {
    pub async fn run(self) {
        match self {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { server, name } => {
                if let Ok(mut admin) =
                    sqlx::PgConnection::connect(&format!("{server}/postgres")).await
                {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            }
        }
    }
}

/// A running server and an HTTP client for it.
pub struct TestApp {
    pub backend: Backend,
    pub db_url: String,
    pub url: String,
    pub client: reqwest::Client,
    running: Option<Running>,
    cleanup: Option<Cleanup>,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("unexpected body {}: {e}", self.body))
    }

    /// The `error.code` of an error body.
    pub fn code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error body: {}", self.body))
    }

    pub fn field(&self) -> Option<&str> {
        self.body["error"]["field"].as_str()
    }

    /// Assert status and error code in one go.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> &Self {
        assert_eq!(
            (self.status.as_u16(), self.code()),
            (status, code),
            "body: {}",
            self.body
        );
        let message = self.body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty(),
            "an error must explain itself: {}",
            self.body
        );
        self
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let (db_url, cleanup) = fresh_database(backend).await;
        let mut app = Self::start_on(backend, db_url, configure).await;
        app.cleanup = Some(cleanup);
        app
    }

    /// Talk to a server this test did not start in-process (e.g. a `qiao-server` process).
    pub fn attach(backend: Backend, db_url: String, url: String) -> Self {
        Self {
            backend,
            db_url,
            url,
            client: reqwest::Client::builder().build().expect("http client"),
            running: None,
            cleanup: None,
        }
    }

    /// Start a server on an existing database (e.g. to restart one).
    pub async fn start_on(
        backend: Backend,
        db_url: String,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config::new(db_url.clone(), "127.0.0.1:0");
        configure(&mut config);
        let running = server::start(config, std::future::pending())
            .await
            .expect("server starts");
        Self {
            backend,
            db_url,
            url: running.url(),
            client: reqwest::Client::builder().build().expect("http client"),
            running: Some(running),
            cleanup: None,
        }
    }

    /// Send a request over a plain TCP connection, reading the answer while the body is still
    /// being written. A server may answer an oversized body (413) before reading it and close the
    /// connection; an HTTP client library then reports a broken pipe instead of the answer.
    pub async fn send_bytes(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.url.trim_start_matches("http://").to_owned();
        let stream = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect to the server");
        let auth = token.map_or_else(String::new, |t| format!("Authorization: Bearer {t}\r\n"));
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\n\
             Content-Length: {}\r\nConnection: close\r\n{auth}\r\n",
            body.len()
        );
        let (mut reader, mut writer) = stream.into_split();
        let sending = tokio::spawn(async move {
            if writer.write_all(head.as_bytes()).await.is_ok() {
                let _ = writer.write_all(&body).await;
            }
            writer
        });
        let mut answer = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
        sending.abort();
        let text = String::from_utf8_lossy(&answer).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|code| code.parse().ok())
            .expect("a status line");
        let mut headers = reqwest::header::HeaderMap::new();
        for line in lines {
            if let Some((name, value)) = line.split_once(':')
                && let (Ok(name), Ok(value)) = (
                    reqwest::header::HeaderName::from_bytes(name.trim().as_bytes()),
                    reqwest::header::HeaderValue::from_str(value.trim()),
                )
            {
                headers.append(name, value);
            }
        }
        Reply {
            status: StatusCode::from_u16(status).expect("a valid status"),
            headers,
            body: serde_json::from_str(body).unwrap_or(Value::Null),
        }
    }

    /// The running server's database handle.
    pub fn db(&self) -> &server::db::Db {
        &self.running.as_ref().expect("server is running").db
    }

    /// Hear of the writes the running server commits from now on.
    pub fn changes(&self) -> tokio::sync::broadcast::Receiver<server::sync::changes::Batch> {
        self.running
            .as_ref()
            .expect("server is running")
            .changes
            .subscribe()
    }

    /// Stop the server, keeping the database; returns what to clean up later.
    pub async fn stop(mut self) -> Option<Cleanup> {
        if let Some(running) = self.running.take() {
            running.shutdown().await.expect("clean shutdown");
        }
        self.cleanup.take()
    }

    /// Stop the server and remove its database.
    pub async fn finish(self) {
        if let Some(cleanup) = self.stop().await {
            cleanup.run().await;
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = self.client.request(method, format!("{}{path}", self.url));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        read(req.send().await.expect("request reaches the server")).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: impl Serialize) -> Reply {
        let body = serde_json::to_value(body).expect("serializable");
        self.send(Method::POST, path, token, Some(&body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: impl Serialize) -> Reply {
        let body = serde_json::to_value(body).expect("serializable");
        self.send(Method::PATCH, path, token, Some(&body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: impl Serialize) -> Reply {
        let body = serde_json::to_value(body).expect("serializable");
        self.send(Method::PUT, path, token, Some(&body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::DELETE, path, token, None).await
    }

    /// Run the setup screen's request; returns the admin's token.
    /// Two sales teams under the company: tokens of a rep and their manager in one, and of a
    /// rep in the other (`[rep, manager, far]`).
    pub async fn two_sales_teams(&self) -> [String; 3] {
        let admin = self.set_up().await;
        let root = self.root_team(&admin).await;
        let north = self.create_team(&admin, "华北", root.id).await;
        let south = self.create_team(&admin, "华南", root.id).await;
        let people = [
            ("rep@qiao.example", "sales", north.id),
            ("boss@qiao.example", "manager", north.id),
            ("far@qiao.example", "sales", south.id),
        ];
        for (email, role, team) in people {
            self.create_user(&admin, email, role, team).await;
        }
        [
            self.token("rep@qiao.example", "user-pass-1").await,
            self.token("boss@qiao.example", "user-pass-1").await,
            self.token("far@qiao.example", "user-pass-1").await,
        ]
    }

    pub async fn set_up(&self) -> String {
        let reply = self
            .post(
                "/api/setup",
                None,
                SetupRequest {
                    company_name: "桥科技".into(),
                    display_name: "管理员".into(),
                    email: ADMIN_EMAIL.into(),
                    password: ADMIN_PASSWORD.into(),
                },
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.json::<LoginResponse>().token
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post(
            "/api/auth/login",
            None,
            serde_json::json!({"email": email, "password": password}),
        )
        .await
    }

    /// Sign in and return the token; panics if refused.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let reply = self.login(email, password).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json::<LoginResponse>().token
    }

    pub async fn root_team(&self, token: &str) -> TeamView {
        let teams: Vec<TeamView> = self.get("/api/teams", Some(token)).await.json();
        teams
            .into_iter()
            .find(|t| t.parent_id.is_none())
            .expect("a company team")
    }

    pub async fn create_team(&self, token: &str, name: &str, parent: shared::TeamId) -> TeamView {
        let reply = self
            .post(
                "/api/teams",
                Some(token),
                serde_json::json!({"name": name, "parent_id": parent}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.json()
    }

    pub async fn create_user(
        &self,
        token: &str,
        email: &str,
        role: &str,
        team: shared::TeamId,
    ) -> UserView {
        let reply = self
            .post(
                "/api/users",
                Some(token),
                serde_json::json!({
                    "email": email, "display_name": email.split('@').next(), "role": role,
                    "team_id": team, "password": "user-pass-1"
                }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.json()
    }

    /// Run raw SQL on the server's database (to age sessions, damage rows …).
    pub async fn execute_sql(&self, sql: &str) {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.db_url)
                    .await
                    .expect("open sqlite");
                sqlx::query(sql).execute(&mut conn).await.expect("sql runs");
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.db_url)
                    .await
                    .expect("open postgres");
                sqlx::query(sql).execute(&mut conn).await.expect("sql runs");
            }
        }
    }
}

pub async fn read(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body arrives");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Reply {
        status,
        headers,
        body,
    }
}

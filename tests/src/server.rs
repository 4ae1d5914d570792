//! A Qiao server for one test: in-process, on `127.0.0.1:0`, with its own SQLite file.

use server::{Config, Running};

pub struct TestServer {
    running: Option<Running>,
    pub url: String,
    dir: std::path::PathBuf,
    addr: std::net::SocketAddr,
}

impl TestServer {
    /// Start on a fresh, empty database. Panics if the web app was not built into the server.
    pub async fn start(name: &str) -> Self {
        assert!(
            server::web::app_is_embedded(),
            "the web app is not built into the server: run `make test` (it builds dist/ with Trunk first)"
        );
        let dir = std::env::temp_dir().join(format!("qiao-e2e-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let config = Config::new(format!("sqlite://{}/qiao.db", dir.display()), "127.0.0.1:0");
        let running = server::start(config, std::future::pending())
            .await
            .expect("server starts");
        Self {
            url: running.url(),
            addr: running.addr,
            running: Some(running),
            dir,
        }
    }

    /// Fill the database with the demo company (`qiao-server demo --records n`); its people
    /// sign in with `password`.
    pub async fn fill_demo(&self, n: usize, password: &str) -> crate::Result {
        let running = self.running.as_ref().ok_or("the server is down")?;
        server::demo::fill(&running.db, n, password)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn config(&self, listen: String) -> Config {
        Config::new(format!("sqlite://{}/qiao.db", self.dir.display()), listen)
    }

    /// Take the server down, keeping its data (the network is gone for every browser).
    pub async fn go_down(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.shutdown().await;
        }
    }

    /// Bring it back on the same address, with the same data.
    pub async fn come_back(&mut self) {
        let config = self.config(self.addr.to_string());
        let mut tries = 0;
        let running = loop {
            match server::start(config.clone(), std::future::pending()).await {
                Ok(running) => break running,
                Err(e) if tries < 50 => {
                    tries += 1;
                    let _ = e;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("server restarts on {}: {e}", self.addr),
            }
        };
        self.running = Some(running);
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.shutdown().await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A benchmark's own database, made empty and dropped afterwards.
pub struct FreshDatabase {
    /// The URL to give the server.
    pub url: String,
    /// Postgres: the server and the database's name; SQLite: the directory of the file.
    place: Place,
}

enum Place {
    Postgres { server: String, name: String },
    Sqlite(std::path::PathBuf),
}

impl FreshDatabase {
    /// An empty database called after `tag`: `sqlite` (a file in a new temporary directory) or
    /// `postgres` (a new database on `QIAO_TEST_POSTGRES`, by default
    /// `postgres://postgres@127.0.0.1:5432`).
    pub async fn new(engine: &str, tag: &str) -> crate::Result<Self> {
        use sqlx::Connection;
        let tag = format!("{tag}_{}", std::process::id());
        if engine == "postgres" {
            let server = std::env::var("QIAO_TEST_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
            let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
                .await
                .map_err(|e| format!("Postgres at {server}: {e}"))?;
            for sql in [
                format!("DROP DATABASE IF EXISTS {tag}"),
                format!("CREATE DATABASE {tag}"),
            ] {
                sqlx::query(&sql)
                    .execute(&mut admin)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Ok(FreshDatabase {
                url: format!("{server}/{tag}"),
                place: Place::Postgres { server, name: tag },
            })
        } else {
            let dir = std::env::temp_dir().join(tag);
            let _ = std::fs::remove_dir_all(&dir);
            Ok(FreshDatabase {
                url: format!("sqlite://{}/qiao.db", dir.display()),
                place: Place::Sqlite(dir),
            })
        }
    }

    /// Drop the database (its server must have let go of it).
    pub async fn drop(self) {
        use sqlx::Connection;
        match self.place {
            Place::Postgres { server, name } => {
                if let Ok(mut admin) =
                    sqlx::PgConnection::connect(&format!("{server}/postgres")).await
                {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            }
            Place::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

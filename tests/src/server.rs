//! A Qiao server for one test: in-process, on `127.0.0.1:0`, with its own SQLite file.

use server::{Config, Running};

pub struct TestServer {
    running: Option<Running>,
    pub url: String,
    dir: std::path::PathBuf,
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
            running: Some(running),
            dir,
        }
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.shutdown().await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

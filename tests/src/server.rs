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

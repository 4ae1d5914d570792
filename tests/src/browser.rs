//! Headless Chromium through chromedriver, with the waits a person does without thinking:
//! "until the button is there", "until the text says so".

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::Result;

/// How long to wait for the page to reach a state before calling it a failure.
const PATIENCE: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewport {
    /// A laptop window: sidebar layout.
    Desktop,
    /// A 360×780 phone with touch (the narrowest common Android screen): tab bar layout.
    Phone,
}

impl Viewport {
    pub fn name(self) -> &'static str {
        match self {
            Viewport::Desktop => "desktop",
            Viewport::Phone => "phone",
        }
    }
}

pub struct Browser {
    pub client: Client,
    pub base: String,
    pub viewport: Viewport,
    driver: Child,
    profile: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Start chromedriver and a fresh Chromium profile, pointed at `base`.
    pub async fn start(base: &str, viewport: Viewport) -> Self {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver runs (apt-get install chromium-driver; `make test` does)");
        let profile =
            std::env::temp_dir().join(format!("qiao-chromium-{}-{port}", std::process::id()));
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            format!("--user-data-dir={}", profile.display()),
        ];
        // QIAO_E2E_BROWSER_LOG=FILE keeps Chromium's log, the page's console included.
        if let Ok(file) = std::env::var("QIAO_E2E_BROWSER_LOG") {
            args.push("--enable-logging".to_owned());
            args.push(format!("--log-file={file}"));
        }
        let mut options = json!({"binary": chromium_binary(), "args": []});
        match viewport {
            Viewport::Desktop => args.push("--window-size=1280,900".to_owned()),
            Viewport::Phone => {
                options["mobileEmulation"] = json!({"deviceMetrics": {"width": 360, "height": 780, "pixelRatio": 3.0, "touch": true}});
            }
        }
        options["args"] = json!(args);
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".to_owned(), options);

        let webdriver = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() < PATIENCE => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot start Chromium through chromedriver: {e}"),
            }
        };
        Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            viewport,
            driver,
            profile,
        }
    }

    pub async fn open(&self, path: &str) -> Result {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .map_err(|e| format!("open {path}: {e}"))
    }

    pub async fn path(&self) -> Result<String> {
        self.client
            .current_url()
            .await
            .map(|u| u.path().to_owned())
            .map_err(|e| e.to_string())
    }

    /// Wait until `css` matches a displayed element and return it.
    pub async fn find(&self, css: &str) -> Result<Element> {
        let started = Instant::now();
        loop {
            if let Ok(elements) = self.client.find_all(Locator::Css(css)).await {
                for element in elements {
                    if element.is_displayed().await.unwrap_or(false) {
                        return Ok(element);
                    }
                }
            }
            if started.elapsed() > PATIENCE {
                return Err(format!(
                    "nothing visible matches {css:?} at {}",
                    self.path().await.unwrap_or_default()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether a displayed element matches `css` right now.
    pub async fn is_visible(&self, css: &str) -> bool {
        match self.client.find_all(Locator::Css(css)).await {
            Ok(elements) => {
                for element in elements {
                    if element.is_displayed().await.unwrap_or(false) {
                        return true;
                    }
                }
                false
            }
            Err(_) => false,
        }
    }

    /// Wait until the displayed element `css` has text containing `expected`.
    pub async fn wait_text(&self, css: &str, expected: &str) -> Result {
        let started = Instant::now();
        let mut last = String::new();
        loop {
            if let Ok(element) = self.find(css).await {
                last = element.text().await.unwrap_or_default();
                if last.contains(expected) {
                    return Ok(());
                }
            }
            if started.elapsed() > PATIENCE {
                return Err(format!(
                    "{css:?} says {last:?}, expected it to contain {expected:?}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Wait until the browser is at `path`.
    pub async fn wait_path(&self, expected: &str) -> Result {
        let started = Instant::now();
        loop {
            let path = self.path().await?;
            if path == expected {
                return Ok(());
            }
            if started.elapsed() > PATIENCE {
                return Err(format!("at {path}, expected {expected}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Replace the text of an input, the way typing does.
    pub async fn fill(&self, css: &str, value: &str) -> Result {
        let input = self.find(css).await?;
        input
            .clear()
            .await
            .map_err(|e| format!("clear {css}: {e}"))?;
        input
            .send_keys(value)
            .await
            .map_err(|e| format!("type into {css}: {e}"))
    }

    /// Empty an input the way a person does (select all, delete), so that the page hears it.
    pub async fn erase(&self, css: &str) -> Result {
        let input = self.find(css).await?;
        // Control+A (the modifier held until the null key), then Backspace.
        input
            .send_keys("\u{E009}a\u{E000}\u{E003}")
            .await
            .map_err(|e| format!("erase {css}: {e}"))
    }

    /// Click an element, scrolled to the middle of the screen first (as a person scrolls to a
    /// button hidden under the phone's tab bar).
    ///
    /// An element that the app draws anew between finding it and clicking it (a sync arriving
    /// re-renders a list) is found again and clicked, as a finger would tap what is there now.
    pub async fn click(&self, css: &str) -> Result {
        let mut attempt = 0;
        loop {
            let element = self.find(css).await?;
            if let Ok(arg) = serde_json::to_value(&element) {
                let _ = self
                    .client
                    .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
                    .await;
            }
            match element.click().await {
                Ok(()) => return Ok(()),
                Err(e) if attempt < 3 && e.to_string().contains("stale element") => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(format!("click {css}: {e}")),
            }
        }
    }

    /// Choose the option whose visible text contains `label`.
    pub async fn choose(&self, select_css: &str, label: &str) -> Result {
        let select = self.find(select_css).await?;
        let options = select
            .find_all(Locator::Css("option"))
            .await
            .map_err(|e| e.to_string())?;
        for option in options {
            if option.text().await.unwrap_or_default().contains(label) {
                return option
                    .click()
                    .await
                    .map_err(|e| format!("choose {label} in {select_css}: {e}"));
            }
        }
        Err(format!("{select_css} has no option {label:?}"))
    }

    /// Wait until the JavaScript expression `condition` is true in the page.
    pub async fn wait_until(&self, condition: &str, what: &str) -> Result {
        let started = Instant::now();
        let script = format!("try {{ return !!({condition}); }} catch (e) {{ return false; }}");
        loop {
            if self.run(&script).await? == Value::Bool(true) {
                return Ok(());
            }
            if started.elapsed() > PATIENCE {
                return Err(format!("timed out waiting for {what} ({condition})"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn run(&self, script: &str) -> Result<Value> {
        self.client
            .execute(script, vec![])
            .await
            .map_err(|e| format!("script failed: {e}"))
    }

    /// Let the app learn where the device is, as a phone with GPS would tell it: geolocation
    /// allowed for the app, and the position set (Chromium's own device emulation).
    pub async fn place_at(&self, latitude: f64, longitude: f64) -> Result {
        let origin = self.base.trim_end_matches('/').to_owned();
        self.devtools(
            "Browser.grantPermissions",
            serde_json::json!({"permissions": ["geolocation"], "origin": origin}),
        )
        .await?;
        self.devtools(
            "Emulation.setGeolocationOverride",
            serde_json::json!({"latitude": latitude, "longitude": longitude, "accuracy": 15}),
        )
        .await
    }

    /// Carry `from` to `to` with a finger, as a person does on a phone: press and hold near
    /// `from`'s top (a card's title, not its menu), then move towards `to` (kept within the box that holds `to`, which may
    /// scroll on the way) until the finger is over it, and let go.
    pub async fn touch_drag(&self, from: &str, to: &str) -> Result {
        let point = |css: &str| {
            format!(
                "const r = document.querySelector({css:?}).getBoundingClientRect();
                 const scroller = document.querySelector({css:?}).parentElement.getBoundingClientRect();
                 const x = Math.min(Math.max(r.left + r.width / 2, scroller.left + 4, 4), scroller.right - 4, innerWidth - 4);
                 const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 16), 4), innerHeight - 4);
                 const under = document.elementFromPoint(x, y);
                 return [x, y, !!under && under.closest({css:?}) === document.querySelector({css:?})];"
            )
        };
        let at = |v: &serde_json::Value, i: usize| v[i].as_f64().unwrap_or(0.0);
        let start = self.run(&point(from)).await?;
        let touch = |kind: &'static str, x: f64, y: f64| {
            let points = if kind == "touchEnd" {
                serde_json::json!([])
            } else {
                serde_json::json!([{"x": x, "y": y}])
            };
            serde_json::json!({"type": kind, "touchPoints": points})
        };
        self.devtools(
            "Input.dispatchTouchEvent",
            touch("touchStart", at(&start, 0), at(&start, 1)),
        )
        .await?;
        // Held long enough to lift the card.
        tokio::time::sleep(Duration::from_millis(600)).await;
        let mut last = (at(&start, 0), at(&start, 1));
        for _ in 0..120 {
            let target = self.run(&point(to)).await?;
            last = (at(&target, 0), at(&target, 1));
            self.devtools(
                "Input.dispatchTouchEvent",
                touch("touchMove", last.0, last.1),
            )
            .await?;
            if target[2].as_bool() == Some(true) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        self.devtools(
            "Input.dispatchTouchEvent",
            touch("touchEnd", last.0, last.1),
        )
        .await
    }

    /// Carry `from` to `to` with the mouse: press on `from`'s middle, move in steps to the
    /// upper part of `to` (so that it lands before it), and let go.
    pub async fn mouse_drag(&self, from: &str, to: &str) -> Result {
        let start = self.run(&Self::point(from)).await?;
        let end = self.run(&Self::point(to)).await?;
        let at = |v: &serde_json::Value, i: usize| v[i].as_f64().unwrap_or(0.0);
        self.drag_between((at(&start, 0), at(&start, 1)), (at(&end, 0), at(&end, 1)))
            .await
    }

    /// Press the mouse on `css`'s middle, move it `dx` pixels sideways in steps, and let go.
    pub async fn mouse_drag_by(&self, css: &str, dx: f64) -> Result {
        let start = self.run(&Self::point(css)).await?;
        let (x, y) = (
            start[0].as_f64().unwrap_or(0.0),
            start[1].as_f64().unwrap_or(0.0),
        );
        self.drag_between((x, y), (x + dx, y)).await
    }

    /// A script giving the point a drag of `css` starts from or goes to.
    fn point(css: &str) -> String {
        format!(
            "const r = document.querySelector({css:?}).getBoundingClientRect();
             return [r.left + r.width / 2, r.top + Math.min(r.height / 2, 12)];"
        )
    }

    /// Send `keys` (WebDriver key codes, `\u{E015}` for the down arrow) to the focused element.
    pub async fn press(&self, keys: &str) -> Result {
        self.client
            .active_element()
            .await
            .map_err(|e| e.to_string())?
            .send_keys(keys)
            .await
            .map_err(|e| e.to_string())
    }

    async fn drag_between(&self, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> Result {
        let mouse = |kind: &'static str, x: f64, y: f64| {
            serde_json::json!({"type": kind, "x": x, "y": y, "button": "left",
                "buttons": if kind == "mouseReleased" { 0 } else { 1 }, "clickCount": 1})
        };
        self.devtools("Input.dispatchMouseEvent", mouse("mousePressed", x0, y0))
            .await?;
        for step in 1..=10 {
            let t = f64::from(step) / 10.0;
            self.devtools(
                "Input.dispatchMouseEvent",
                mouse("mouseMoved", x0 + (x1 - x0) * t, y0 + (y1 - y0) * t),
            )
            .await?;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.devtools("Input.dispatchMouseEvent", mouse("mouseReleased", x1, y1))
            .await
    }

    /// Choose `files` in the file input `css` (as a person picks them in the chooser).
    pub async fn attach(&self, css: &str, files: &[&std::path::Path]) -> Result {
        let started = Instant::now();
        let input = loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(input) => break input,
                Err(e) if started.elapsed() > PATIENCE => return Err(format!("{css}: {e}")),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        input
            .send_keys(&paths.join("\n"))
            .await
            .map_err(|e| format!("attach to {css}: {e}"))
    }

    /// Draw with a finger over `css` through `points` (fractions of its width and height), as
    /// a person signs on a phone's screen.
    pub async fn touch_draw(&self, css: &str, points: &[(f64, f64)]) -> Result {
        let rect = self
            .run(&format!(
                "const r = document.querySelector({css:?}).getBoundingClientRect(); \
                 return [r.left, r.top, r.width, r.height];"
            ))
            .await?;
        let at = |i: usize| rect[i].as_f64().unwrap_or(0.0);
        let point = |(x, y): (f64, f64)| serde_json::json!([{"x": at(0) + x * at(2), "y": at(1) + y * at(3)}]);
        let Some((first, rest)) = points.split_first() else {
            return Ok(());
        };
        self.devtools(
            "Input.dispatchTouchEvent",
            serde_json::json!({"type": "touchStart", "touchPoints": point(*first)}),
        )
        .await?;
        // At a finger's pace (moves all at once would be a fling, after which the phone
        // ignores the next tap for a moment).
        for p in rest {
            tokio::time::sleep(Duration::from_millis(30)).await;
            self.devtools(
                "Input.dispatchTouchEvent",
                serde_json::json!({"type": "touchMove", "touchPoints": point(*p)}),
            )
            .await?;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        self.devtools(
            "Input.dispatchTouchEvent",
            serde_json::json!({"type": "touchEnd", "touchPoints": []}),
        )
        .await
    }

    /// Notifications neither allowed nor refused yet, as on a fresh phone (headless Chromium
    /// refuses them unless told otherwise).
    pub async fn notifications_undecided(&self) -> Result {
        let origin = self.base.trim_end_matches('/').to_owned();
        self.devtools(
            "Browser.setPermission",
            serde_json::json!({"permission": {"name": "notifications"}, "setting": "prompt", "origin": origin}),
        )
        .await
    }

    /// Answer "allow" for the app when it asks to show notifications (what a person taps in the
    /// browser's prompt, which headless Chromium does not draw).
    pub async fn allow_notifications(&self) -> Result {
        let origin = self.base.trim_end_matches('/').to_owned();
        self.devtools(
            "Browser.grantPermissions",
            serde_json::json!({"permissions": ["notifications"], "origin": origin}),
        )
        .await
    }

    /// Run the page's CPU `rate` times slower, as Lighthouse does to stand for a phone
    /// (Chromium's own emulation; 1 turns it off).
    pub async fn slow_cpu(&self, rate: f64) -> Result {
        self.devtools(
            "Emulation.setCPUThrottlingRate",
            serde_json::json!({"rate": rate}),
        )
        .await
    }

    /// One Chrome DevTools command, through chromedriver.
    async fn devtools(&self, cmd: &'static str, params: serde_json::Value) -> Result {
        self.client
            .issue_cmd(DevTools { cmd, params })
            .await
            .map(drop)
            .map_err(|e| format!("{cmd}: {e}"))
    }

    /// Save a screenshot under `target/e2e-screenshots/` (for a person looking at a failure).
    pub async fn screenshot(&self, name: &str) {
        if let Ok(png) = self.client.screenshot().await {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// With `QIAO_E2E_SCREENSHOTS=1`, keep a screenshot of this moment (for reviewing screens).
    pub async fn snap(&self, moment: &str) {
        if std::env::var_os("QIAO_E2E_SCREENSHOTS").is_some() {
            self.screenshot(&format!("{}-{moment}", self.viewport.name()))
                .await;
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn chromium_binary() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// chromedriver's bridge to the Chrome DevTools protocol (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

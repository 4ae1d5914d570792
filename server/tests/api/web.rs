//! The embedded web app: content types, compression, caching, SPA fallback.

use crate::harness::{Backend, TestApp};

async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(format!("{}{path}", app.url));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.expect("reaches server")
}

#[tokio::test]
async fn the_app_is_served_compressed_cached_and_for_every_app_route() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // reqwest here has no decompression: bodies arrive exactly as sent.
    let index = fetch(&app, "/", &[("accept-encoding", "br, gzip")]).await;
    if !server::web::app_is_embedded() {
        assert_eq!(index.status(), 503);
        assert!(index.text().await.unwrap_or_default().contains("make run"));
        app.finish().await;
        return;
    }
    assert_eq!(index.status(), 200);
    assert_eq!(index.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(index.headers()["content-encoding"], "br");
    assert_eq!(index.headers()["cache-control"], "no-cache");
    let csp = index.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("'sha256-"),
        "the loader script is allowed by hash: {csp}"
    );
    let etag = index.headers()["etag"].to_str().expect("ascii").to_owned();

    // Revalidation answers 304 without a body.
    let again = fetch(&app, "/", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), 304);

    // Deep links get the app; unknown files and API routes do not.
    let plain = fetch(&app, "/settings/users", &[]).await;
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let html = plain.text().await.expect("body");
    assert!(html.contains("<script type=\"module\">"), "{html}");
    assert_eq!(fetch(&app, "/nope.png", &[]).await.status(), 404);
    assert_eq!(fetch(&app, "/api/nope", &[]).await.status(), 404);

    // Hashed assets are cached forever, and served with their type, gzip when br is not accepted.
    let wasm_path = html
        .split("module_or_path: '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the loader names the wasm file")
        .to_owned();
    let wasm = fetch(&app, &wasm_path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["content-encoding"], "gzip");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    // ECharts is ours to serve (no CDN), revalidated by ETag.
    let echarts = fetch(&app, "/echarts.min.js", &[("accept-encoding", "br")]).await;
    assert_eq!(echarts.status(), 200);
    assert_eq!(
        echarts.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(echarts.headers()["cache-control"], "no-cache");
    app.finish().await;
}

#[tokio::test]
async fn api_answers_are_compressed_when_asked() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.set_up().await;
    let root = app.root_team(&token).await;
    for n in 0..20 {
        app.create_team(&token, &format!("销售{n}组"), root.id)
            .await;
    }
    let reply = app
        .client
        .get(format!("{}/api/teams", app.url))
        .bearer_auth(&token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("reaches server");
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.headers()["content-encoding"], "gzip");
    app.finish().await;
}

#[tokio::test]
async fn the_pinyin_table_is_served_for_ever_and_the_service_worker_keeps_it() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let url = shared::readings::URL;
    // reqwest here has no decompression: the body is asked for plain.
    let table = fetch(&app, url, &[("accept-encoding", "identity")]).await;
    assert_eq!(table.status(), 200);
    assert_eq!(
        table.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(table.headers().get("etag").is_some());
    let bytes = table.bytes().await.expect("body");
    let readings = shared::readings::Readings::from_bytes(&bytes).expect("a table");
    assert_eq!(readings.of('张'), Some("zhang"));
    assert_eq!(readings.of('李'), Some("li"));
    assert_eq!(readings.of('a'), None);
    // Compressed for browsers that ask.
    let gzipped = fetch(&app, url, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert!(gzipped.bytes().await.expect("body").len() < bytes.len() / 2);
    // The service worker keeps it for offline search, under the same address.
    let worker = include_str!("../../../public/sw.js");
    assert!(worker.contains(url), "sw.js names {url}");
    app.finish().await;
}

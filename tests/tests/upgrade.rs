//! Upgrading the app keeps what a device saved: a copy written by the earlier layout (one row per
//! record) opens after the upgrade with every record and the pending change, with no network,
//! and syncs when the server is back; segments saved as text (before they were kept as bytes)
//! read as before, beside the bytes written next.

use tests::Result;
use tests::browser::{Browser, Viewport};
use tests::cast::{self, REP};
use tests::pages::{contacts, login};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_saved_by_the_earlier_layout_opens_after_the_upgrade() {
    let mut server = TestServer::start("upgrade").await;
    cast::seed(&server.url).await.expect("seeded");
    let outcome = flow(&mut server).await;
    server.stop().await;
    if let Err(e) = outcome {
        panic!("upgrade: {e}");
    }
}

/// A script run on this origin's copy: `db` open, `req` awaiting a request, `name` the
/// database's name; the body's `return` is the script's answer.
macro_rules! in_copy {
    ($body:literal) => {
        concat!(
            "const req = r => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
             return (async () => {
               const name = (await indexedDB.databases()).map(d => d.name).find(n => n.startsWith('qiao-'));
               const db = await req(indexedDB.open(name));",
            $body,
            "})();"
        )
    };
}

/// This origin's copy: its database name, records (replayed from the segments, as JSON texts),
/// outbox rows and meta rows.
const READ_COPY: &str = in_copy!("
      const tx = db.transaction(['segments', 'pending', 'meta']);
      const all = store => Promise.all([req(tx.objectStore(store).getAllKeys()), req(tx.objectStore(store).getAll())]);
      const [, segments] = await all('segments');
      const [pendingKeys, pending] = await all('pending');
      const [metaKeys, meta] = await all('meta');
      db.close();
      const records = new Map();
      for (const stored of segments) {
        const s = JSON.parse(typeof stored === 'string' ? stored : new TextDecoder().decode(stored));
        (s.deletes || []).forEach(id => records.delete(id));
        (s.puts || []).forEach(r => records.set(r.id, JSON.stringify(r)));
      }
      return JSON.stringify({
        name,
        records: [...records.entries()],
        pending: pendingKeys.map((k, i) => [k, pending[i]]),
        meta: metaKeys.filter(k => k !== 'next_segment').map(k => [k, meta[metaKeys.indexOf(k)]]),
      });
    ");

/// Rewrite every segment saved as bytes as the text it holds (as the app saved segments before
/// it kept them as bytes); how many were rewritten.
const SEGMENTS_AS_TEXT: &str = in_copy!("
      const tx = db.transaction('segments', 'readwrite');
      const store = tx.objectStore('segments');
      const [keys, values] = [await req(store.getAllKeys()), await req(store.getAll())];
      let rewritten = 0;
      values.forEach((v, i) => {
        if (typeof v !== 'string') { store.put(new TextDecoder().decode(v), keys[i]); rewritten += 1; }
      });
      await new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = () => fail(tx.error); });
      db.close();
      return rewritten;
    ");

/// How many segments are kept as text and how many as bytes.
const SEGMENT_KINDS: &str = in_copy!(
    "
      const values = await req(db.transaction('segments').objectStore('segments').getAll());
      db.close();
      const texts = values.filter(v => typeof v === 'string').length;
      return [texts, values.filter(v => v instanceof Uint8Array).length];
    "
);

/// Write a copy (from `READ_COPY`, the first argument) as the earlier layout kept it: database
/// version 1 with stores `records` (one JSON text per record, keyed by id), `pending`, `meta`.
const WRITE_EARLIER_LAYOUT: &str = "
    const copy = JSON.parse(arguments[0]);
    const req = r => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    return (async () => {
      const open = indexedDB.open(copy.name, 1);
      open.onupgradeneeded = () => ['records', 'pending', 'meta'].forEach(s => open.result.createObjectStore(s));
      const db = await req(open);
      const w = db.transaction(['records', 'pending', 'meta'], 'readwrite');
      copy.records.forEach(([id, json]) => w.objectStore('records').put(json, id));
      copy.pending.forEach(([k, v]) => w.objectStore('pending').put(v, k));
      copy.meta.forEach(([k, v]) => w.objectStore('meta').put(v, k));
      await new Promise((ok, fail) => { w.oncomplete = ok; w.onerror = () => fail(w.error); });
      db.close();
      return [copy.records.length, copy.pending.length];
    })();";

/// The database's version, and how many rows its `records`, `segments` and `files` stores
/// hold (-1: no such store).
const LAYOUT: &str = in_copy!("
      const count = async store => db.objectStoreNames.contains(store)
        ? await req(db.transaction(store).objectStore(store).count()) : -1;
      const out = [db.version, await count('records'), await count('segments'), await count('files')];
      db.close();
      return out;
    ");

async fn flow(server: &mut TestServer) -> Result {
    // A phone saves two contacts, then one more with no network.
    let phone = Browser::start(&server.url, Viewport::Phone).await;
    let copy = saved_copy(server, &phone).await;
    phone.close().await;
    let copy = copy?;
    server.come_back().await;

    // The same copy, as the earlier layout kept it, on a device where the app has not run yet.
    let b = Browser::start(&server.url, Viewport::Phone).await;
    let outcome = upgrade(&b, &copy).await;
    if outcome.is_err() {
        b.screenshot("upgrade").await;
    }
    b.close().await;
    outcome
}

async fn saved_copy(server: &mut TestServer, b: &Browser) -> Result<String> {
    b.open("/login").await?;
    login::sign_in(b, &REP).await?;
    contacts::open(b).await?;
    contacts::create(b, "陈经理", "甲公司", "139 1234 5678").await?;
    contacts::create(b, "王总", "乙公司", "").await?;
    contacts::wait_pending(b, 0).await?;
    server.go_down().await;
    contacts::create(b, "离线客户", "丙公司", "").await?;
    contacts::wait_pending(b, 1).await?;
    let copy = b.run(READ_COPY).await?;
    copy.as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no copy: {copy}"))
}

async fn upgrade(b: &Browser, copy: &str) -> Result {
    b.open("/favicon.svg").await?;
    let written = b
        .client
        .execute(WRITE_EARLIER_LAYOUT, vec![copy.into()])
        .await
        .map_err(|e| e.to_string())?;
    if written[0].as_u64() != Some(2) || written[1].as_u64() != Some(1) {
        return Err(format!(
            "the earlier layout holds {written} (records, pending)"
        ));
    }

    // The upgraded app opens it: the records are there, the pending change goes out.
    b.open("/login").await?;
    login::sign_in(b, &REP).await?;
    contacts::open(b).await?;
    for name in ["陈经理", "王总", "离线客户"] {
        b.wait_text("[data-testid=contacts-list]", name).await?;
    }
    contacts::wait_pending(b, 0).await?;
    let layout = b.run(LAYOUT).await?;
    // Version 4: segments (as bytes since version 4), and a store for files attached on the
    // device (empty).
    if layout[0].as_u64() != Some(4)
        || layout[1].as_u64() != Some(0)
        || layout[2].as_u64().unwrap_or(0) == 0
        || layout[3].as_i64() != Some(0)
    {
        return Err(format!(
            "after the upgrade: version, records, segments, files = {layout}"
        ));
    }
    // The copy keeps working: one more contact, synced, and all four after a reload.
    contacts::create(b, "新客户", "丁公司", "").await?;
    contacts::wait_pending(b, 0).await?;
    b.open("/contacts").await?;
    b.wait_text("[data-testid=contact-count]", "4 ").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segments_saved_as_text_read_beside_bytes() {
    let server = TestServer::start("upgrade-text").await;
    cast::seed(&server.url).await.expect("seeded");
    let b = Browser::start(&server.url, Viewport::Desktop).await;
    let outcome = text_segments(&b).await;
    if outcome.is_err() {
        b.screenshot("upgrade-text").await;
    }
    b.close().await;
    server.stop().await;
    if let Err(e) = outcome {
        panic!("segments as text: {e}");
    }
}

async fn text_segments(b: &Browser) -> Result {
    b.open("/login").await?;
    login::sign_in(b, &REP).await?;
    contacts::open(b).await?;
    contacts::create(b, "陈经理", "甲公司", "139 1234 5678").await?;
    contacts::create(b, "王总", "乙公司", "").await?;
    contacts::wait_pending(b, 0).await?;
    let kinds = b.run(SEGMENT_KINDS).await?;
    if kinds[0].as_u64() != Some(0) || kinds[1].as_u64().unwrap_or(0) == 0 {
        return Err(format!("segments saved (texts, bytes): {kinds}"));
    }
    let rewritten = b.run(SEGMENTS_AS_TEXT).await?;
    if rewritten.as_u64().unwrap_or(0) == 0 {
        return Err(format!("no segment rewritten as text: {rewritten}"));
    }
    // The app opened again reads the texts: both contacts, and the seeded ones.
    b.open("/contacts").await?;
    for name in ["陈经理", "王总"] {
        b.wait_text("[data-testid=contacts-list]", name).await?;
    }
    let before = count_text(b).await?;
    // One more, saved as bytes beside the texts; all of them after another reload.
    contacts::create(b, "新客户", "丁公司", "").await?;
    contacts::wait_pending(b, 0).await?;
    let kinds = b.run(SEGMENT_KINDS).await?;
    if kinds[0].as_u64().unwrap_or(0) == 0 || kinds[1].as_u64().unwrap_or(0) == 0 {
        return Err(format!("segments now (texts, bytes): {kinds}"));
    }
    b.open("/contacts").await?;
    b.wait_text("[data-testid=contacts-list]", "新客户").await?;
    b.wait_text("[data-testid=contacts-list]", "陈经理").await?;
    let after = count_text(b).await?;
    let number = |t: &str| {
        t.split_whitespace()
            .next()
            .and_then(|n| n.parse::<u32>().ok())
    };
    match (number(&before), number(&after)) {
        (Some(n), Some(m)) if m == n + 1 => Ok(()),
        _ => Err(format!("contacts before and after: {before:?}, {after:?}")),
    }
}

async fn count_text(b: &Browser) -> Result<String> {
    let text = b
        .run("return document.querySelector('[data-testid=contact-count]').textContent;")
        .await?;
    Ok(text.as_str().unwrap_or_default().to_owned())
}

//! Upgrading the app keeps what a device saved: a copy written by the earlier layout (one row per
//! record) opens after the upgrade with every record and the pending change, with no network,
//! and syncs when the server is back.

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

/// This origin's copy: its database name, records (replayed from the segments, as JSON texts),
/// outbox rows and meta rows.
const READ_COPY: &str = "
    const req = r => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    return (async () => {
      const name = (await indexedDB.databases()).map(d => d.name).find(n => n.startsWith('qiao-'));
      const db = await req(indexedDB.open(name));
      const tx = db.transaction(['segments', 'pending', 'meta']);
      const all = store => Promise.all([req(tx.objectStore(store).getAllKeys()), req(tx.objectStore(store).getAll())]);
      const [, segments] = await all('segments');
      const [pendingKeys, pending] = await all('pending');
      const [metaKeys, meta] = await all('meta');
      db.close();
      const records = new Map();
      for (const text of segments) {
        const s = JSON.parse(text);
        (s.deletes || []).forEach(id => records.delete(id));
        (s.puts || []).forEach(r => records.set(r.id, JSON.stringify(r)));
      }
      return JSON.stringify({
        name,
        records: [...records.entries()],
        pending: pendingKeys.map((k, i) => [k, pending[i]]),
        meta: metaKeys.filter(k => k !== 'next_segment').map(k => [k, meta[metaKeys.indexOf(k)]]),
      });
    })();";

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
const LAYOUT: &str = "
    const req = r => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    return (async () => {
      const name = (await indexedDB.databases()).map(d => d.name).find(n => n.startsWith('qiao-'));
      const db = await req(indexedDB.open(name));
      const count = async store => db.objectStoreNames.contains(store)
        ? await req(db.transaction(store).objectStore(store).count()) : -1;
      const out = [db.version, await count('records'), await count('segments'), await count('files')];
      db.close();
      return out;
    })();";

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
    // Version 3: segments, and a store for files attached on the device (empty).
    if layout[0].as_u64() != Some(3)
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

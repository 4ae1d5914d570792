//! Long lists on a phone: thousands of records from the demo company, of which only those near
//! the screen are in the page, wherever one scrolls; search and sort work over all of them.

use tests::Result;
use tests::browser::{Browser, Viewport};
use tests::cast;
use tests::pages::login;

const CONTACTS: usize = 3000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_lists_render_only_what_is_on_screen() {
    cast::demo_company("lists", CONTACTS, Viewport::Phone, flow).await;
}

/// Rows in the page, and whether the middle of the screen shows one of them (no blank gap).
const ROWS_ON_SCREEN: &str = "
    const list = document.querySelector(arguments[0]);
    const rows = list ? list.querySelectorAll('li').length : -1;
    const hit = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2);
    const row = hit && hit.closest('li');
    return [rows, !!row && list.contains(row), row ? row.getAttribute('data-id') : null];";

async fn rows_on_screen(b: &Browser, list: &str) -> Result<(u64, bool, String)> {
    let v = b
        .client
        .execute(ROWS_ON_SCREEN, vec![list.into()])
        .await
        .map_err(|e| e.to_string())?;
    Ok((
        v[0].as_u64().unwrap_or(0),
        v[1].as_bool().unwrap_or(false),
        v[2].as_str().unwrap_or_default().to_owned(),
    ))
}

async fn scroll_to(b: &Browser, fraction: f64) -> Result {
    b.run(&format!(
        "window.scrollTo(0, (document.documentElement.scrollHeight - window.innerHeight) * {fraction});"
    ))
    .await?;
    // Two frames: the scroll event, then the rows it asked for.
    b.run(
        "return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));",
    )
    .await
    .map(drop)
}

async fn flow(b: &Browser) -> Result {
    b.open("/login").await?;
    login::sign_in_with(b, "manager@demo.local", "demo-pass-1").await?;
    b.open("/contacts").await?;
    b.wait_text("[data-testid=contact-count]", &format!("{CONTACTS} "))
        .await?;

    // The top of the list: a screenful and some more, not 3,000 rows.
    let list = "[data-testid=contacts-list]";
    let (rows, _, _) = rows_on_screen(b, list).await?;
    if rows == 0 || rows > 60 {
        return Err(format!("{rows} rows in the page at the top of {CONTACTS}"));
    }
    let first = b
        .run("return document.querySelector('[data-testid=contacts-list] li').getAttribute('data-id');")
        .await?;

    // Halfway and at the very end, the screen shows rows (others than at the top), and the page
    // still holds only a few dozen.
    let mut seen = vec![first.as_str().unwrap_or_default().to_owned()];
    for fraction in [0.5, 1.0] {
        scroll_to(b, fraction).await?;
        let (rows, on_screen, id) = rows_on_screen(b, list).await?;
        if rows == 0 || rows > 60 || !on_screen {
            return Err(format!(
                "scrolled to {fraction}: {rows} rows, a row on screen: {on_screen}"
            ));
        }
        if seen.contains(&id) {
            return Err(format!("scrolled to {fraction}: still row {id}"));
        }
        seen.push(id);
    }

    // The row under a finger far down the list opens its contact.
    let name = b
        .run(
            "const row = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2).closest('li');
             return row.querySelector('strong').textContent;",
        )
        .await?;
    let name = name.as_str().unwrap_or_default().to_owned();
    b.run(
        "document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2).closest('a').click(); return true;",
    )
    .await?;
    b.find("[data-testid=record-form]").await?;
    let shown = b
        .run("return document.querySelector('#record-name').value;")
        .await?;
    if shown.as_str() != Some(name.as_str()) {
        return Err(format!("tapped {name}, the editor shows {shown}"));
    }

    // Searching looks at all of them: the contact just opened is found by its name.
    b.open("/contacts").await?;
    b.wait_text("[data-testid=contact-count]", &format!("{CONTACTS} "))
        .await?;
    b.fill("[data-testid=contact-search]", &name).await?;
    b.wait_until(
        &format!(
            "(() => {{ const first = document.querySelector('[data-testid=contacts-list] li strong');
               return !!first && first.textContent === {name:?}; }})()"
        ),
        "the contact found by name, first",
    )
    .await?;

    // Accounts by name, Z to A: the rows on screen come in that order, and the other end of
    // the list is at the bottom.
    b.open("/r/accounts").await?;
    b.wait_text("[data-testid=record-count]", &format!("{} ", CONTACTS / 5))
        .await?;
    let titles = "return [...document.querySelectorAll('[data-testid=records-list] li strong')].map(s => s.textContent);";
    let ascending = b.run(titles).await?;
    b.choose("[data-testid=sort-field]", "名称").await?;
    b.click("[data-testid=sort-direction]").await?;
    b.wait_until(
        &format!(
            "(() => {{ const first = document.querySelector('[data-testid=records-list] li strong');
               return !!first && first.textContent !== {:?}; }})()",
            ascending[0].as_str().unwrap_or_default()
        ),
        "the accounts in the other order",
    )
    .await?;
    let descending = b.run(titles).await?;
    let names: Vec<&str> = descending
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    if names.is_empty() || names.windows(2).any(|w| w[0] < w[1]) {
        return Err(format!("accounts not Z to A: {names:?}"));
    }
    scroll_to(b, 1.0).await?;
    let (rows, on_screen, _) = rows_on_screen(b, "[data-testid=records-list]").await?;
    let last = b
        .run("const all = document.querySelectorAll('[data-testid=records-list] li strong'); return all[all.length - 1].textContent;")
        .await?;
    if rows == 0 || rows > 60 || !on_screen || last != ascending[0] {
        return Err(format!(
            "the bottom of the Z-to-A accounts: {rows} rows, on screen {on_screen}, last {last}, expected {}",
            ascending[0]
        ));
    }
    Ok(())
}

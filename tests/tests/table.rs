//! A list on a desk is a table: the manager (1280 px) sees the accounts with a column per usual
//! field under a header; ticks "employees" and moves it earlier with the keyboard, drags the
//! city's header to the front, sorts by a header (twice: the other way), resizes a column by
//! keyboard and by mouse; a reload keeps the columns and widths. A cell is edited where it
//! stands: Enter, a new city, Enter saves it (the server holds it); ↓ moves the cursor to the
//! next row; Esc leaves a cell as it was; words typed into the employees' number are refused in
//! the cell and nothing changes; a grade is chosen from its cell's select. With every column
//! ticked the rows scroll sideways under the header (End, Home; or by the scroll bar kept at
//! the window's foot), the name kept at the left.
//! Enter on a name opens the record. On the rep's phone the same list is cards, no header.

use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::Browser;
use tests::cast::{self, BOSS, REP};
use tests::pages::{contacts, login};
use tests::server::TestServer;

const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const DOWN: &str = "\u{E015}";
const UP: &str = "\u{E013}";
const RIGHT: &str = "\u{E014}";
const HOME: &str = "\u{E011}";
const END: &str = "\u{E010}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_list_is_a_table_edited_in_place() {
    cast::rep_and_manager("table", flow).await;
}

/// The fields of the table's header, in order.
const HEAD: &str = "[...document.querySelectorAll('[data-testid=table-head] [data-field]')].map(e => e.dataset.field).join()";

/// The names of the listed accounts, in order.
const NAMES: &str = "[...document.querySelectorAll('[data-testid=records-list] li .record-title')].map(e => e.textContent).join()";

async fn flow(server: &mut TestServer, rep: &Browser, desk: &Browser) -> Result {
    let mut api = Api::new(&server.url);
    api.sign_in(REP.email, REP.password).await?;
    let mut ids = Vec::new();
    for (name, industry, city, size, grade) in [
        ("甲公司", "制造", "上海", "500", "A"),
        ("乙公司", "零售", "北京", "20", "B"),
        ("丙公司", "物流", "广州", "120", "C"),
    ] {
        let made = api
            .post(
                "/api/v1/accounts",
                json!({"fields": {"name": name, "industry": industry, "city": city, "size": size, "grade": grade}}),
            )
            .await?;
        ids.push(made["id"].as_str().ok_or("an account id")?.to_owned());
    }
    let first = ids[0].clone();

    desk.open("/login").await?;
    login::sign_in(desk, &BOSS).await?;
    contacts::wait_pending(desk, 0).await?;
    desk.open("/r/accounts").await?;
    desk.wait_text("[data-testid=record-count]", "3").await?;
    desk.wait_text("[data-testid=table-head]", "城市").await?;
    desk.wait_until(
        &format!("{HEAD} === 'industry,province,city'"),
        "the usual columns",
    )
    .await?;
    desk.wait_text(&format!("li[data-id='{first}'] .cell"), "制造")
        .await?;

    // Columns: "employees" ticked and moved earlier with the keyboard's buttons; the city's
    // header dragged to the front.
    desk.click("[data-testid=list-settings] summary").await?;
    desk.click("[data-testid=column][value=size]").await?;
    desk.wait_until(
        &format!("{HEAD} === 'industry,province,city,size'"),
        "employees added at the end",
    )
    .await?;
    desk.click("[data-field=size] [data-testid=column-earlier]")
        .await?;
    desk.wait_until(
        &format!("{HEAD} === 'industry,province,size,city'"),
        "employees moved before the city",
    )
    .await?;
    desk.click("[data-testid=list-settings] summary").await?;
    desk.mouse_drag(
        "[data-testid=table-head] [data-field=city] [data-testid=column-head]",
        "[data-testid=table-head] [data-field=industry] [data-testid=column-head]",
    )
    .await?;
    desk.wait_until(
        &format!("{HEAD} === 'city,industry,province,size'"),
        "the city dragged to the front",
    )
    .await?;

    // A header sorts; again, the other way.
    desk.click("[data-testid=table-head] [data-field=size] [data-testid=column-head]")
        .await?;
    desk.wait_until(
        &format!("{NAMES} === '乙公司,丙公司,甲公司'"),
        "fewest employees first",
    )
    .await?;
    desk.click("[data-testid=table-head] [data-field=size] [data-testid=column-head]")
        .await?;
    desk.wait_until(
        &format!("{NAMES} === '甲公司,丙公司,乙公司'"),
        "most employees first",
    )
    .await?;
    // For assistive technology it is a grid named by the list's heading: a header row and a
    // row per account, each saying its place; the sorted column says how.
    desk.wait_until(
        "(() => { const g = document.querySelector('[role=grid]'); \
           if (!g || g.getAttribute('aria-rowcount') !== '4' || g.getAttribute('aria-colcount') !== '5') return false; \
           if (document.getElementById(g.getAttribute('aria-labelledby')).textContent.trim() !== '客户') return false; \
           const rows = [...g.querySelectorAll('[role=row]')]; \
           const places = rows.map(r => r.getAttribute('aria-rowindex')).join(); \
           const heads = g.querySelectorAll('[role=row] [role=columnheader]').length; \
           const size = g.querySelector('[role=columnheader][data-field=size]').getAttribute('aria-sort'); \
           const city = g.querySelector('[role=columnheader][data-field=city]').getAttribute('aria-sort'); \
           const first = rows[1].querySelectorAll('[role=gridcell]').length, named = rows[1].querySelector('[role=rowheader] a'); \
           return places === '1,2,3,4' && heads === 5 && size === 'descending' && city === 'none' && first === 4 && named !== null; })()",
        "a grid of a header row and three rows, sorted by employees going down",
    )
    .await?;

    // Resized by keyboard (two steps of 16 px), then by mouse (60 px wider).
    let handle = "[data-testid=table-head] [data-field=industry] [data-testid=col-resize]";
    desk.run(&format!(
        "document.querySelector({handle:?}).focus(); return null;"
    ))
    .await?;
    desk.press(&RIGHT.repeat(2)).await?;
    desk.wait_until(
        &format!("document.querySelector({handle:?}).getAttribute('aria-valuenow') === '192'"),
        "the column 192 px wide",
    )
    .await?;
    desk.mouse_drag_by(handle, 60.0).await?;
    let width = "Math.round(document.querySelector('[data-testid=table-head] [data-field=industry]').getBoundingClientRect().width)";
    desk.wait_until(
        &format!("Math.abs({width} - 252) <= 2"),
        "the column about 252 px wide",
    )
    .await?;

    // A reload keeps the columns and their widths.
    desk.open("/r/accounts").await?;
    desk.wait_until(
        &format!("{HEAD} === 'city,industry,province,size'"),
        "the columns after a reload",
    )
    .await?;
    desk.wait_until(
        &format!("Math.abs({width} - 252) <= 2"),
        "the width after a reload",
    )
    .await?;

    // A cell edited in place: the city is the first column after the name.
    let city = format!("li[data-id='{first}'] [data-col='1']");
    desk.wait_text(&city, "上海").await?;
    desk.click(&city).await?;
    desk.press(ENTER).await?;
    desk.wait_until(
        "document.activeElement.dataset.testid === 'cell-input' && document.activeElement.value === '上海'",
        "the city's editor, focused, holding the city",
    )
    .await?;
    desk.erase("[data-testid=cell-input]").await?;
    desk.press(&format!("苏州{ENTER}")).await?;
    desk.wait_until(
        "document.querySelector('[data-testid=cell-editor]') === null",
        "the editor closed",
    )
    .await?;
    desk.wait_text(&city, "苏州").await?;
    desk.wait_until(
        &format!("document.activeElement === document.querySelector(\"{city}\")"),
        "the cursor back on the cell",
    )
    .await?;
    contacts::wait_pending(desk, 0).await?;
    let held = api.get(&format!("/api/v1/accounts/{first}")).await?;
    if held["fields"]["city"] != "苏州" {
        return Err(format!("the server holds {}", held["fields"]));
    }

    // ↓ moves the cursor to the next row's city (↑ to the one before when it is the last);
    // Esc there leaves it as it was.
    let pos: usize = desk
        .run(&format!(
            "return document.querySelector(\"li[data-id='{first}']\").dataset.pos;"
        ))
        .await?
        .as_str()
        .and_then(|p| p.parse().ok())
        .ok_or("the row's position")?;
    let (key, next) = if pos + 1 < ids.len() {
        (DOWN, pos + 1)
    } else {
        (UP, pos - 1)
    };
    desk.press(key).await?;
    desk.wait_until(
        &format!(
            "document.activeElement.dataset.col === '1' && document.activeElement.closest('li').dataset.pos === '{next}'"
        ),
        "the cursor on the next row's city",
    )
    .await?;
    let second_city: String = desk
        .run("return document.activeElement.textContent;")
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    desk.press(ENTER).await?;
    desk.find("[data-testid=cell-input]").await?;
    desk.erase("[data-testid=cell-input]").await?;
    desk.press(&format!("杭州{ESCAPE}")).await?;
    desk.wait_until(
        "document.querySelector('[data-testid=cell-editor]') === null",
        "the editor closed by Esc",
    )
    .await?;
    desk.wait_until(
        &format!(
            "document.activeElement.dataset.col === '1' && document.activeElement.textContent === {second_city:?}"
        ),
        "the second city unchanged",
    )
    .await?;

    // Words for a number of employees: refused in the cell, what was typed kept; Esc, nothing
    // changed.
    let size = format!("li[data-id='{first}'] [data-col='4']");
    desk.click(&size).await?;
    desk.press(ENTER).await?;
    desk.find("[data-testid=cell-input]").await?;
    desk.erase("[data-testid=cell-input]").await?;
    desk.press(&format!("很多{ENTER}")).await?;
    desk.find("[data-testid=cell-error]").await?;
    desk.wait_until(
        "document.querySelector('[data-testid=cell-input]').value === '很多'",
        "what was typed kept",
    )
    .await?;
    desk.press(ESCAPE).await?;
    desk.wait_text(&size, "500").await?;

    // A choice from its cell's select.
    desk.click("[data-testid=list-settings] summary").await?;
    desk.click("[data-testid=column][value=grade]").await?;
    let grade = format!("li[data-id='{first}'] [data-col='5']");
    desk.wait_text(&grade, "A").await?;
    desk.click(&grade).await?;
    desk.press(ENTER).await?;
    desk.choose("[data-testid=cell-input]", "B").await?;
    desk.wait_text(&grade, "B").await?;
    contacts::wait_pending(desk, 0).await?;
    let held = api.get(&format!("/api/v1/accounts/{first}")).await?;
    if held["fields"]["grade"] != "B" {
        return Err(format!(
            "the server holds grade {}",
            held["fields"]["grade"]
        ));
    }

    // Every column ticked: wider than the card, the rows scroll sideways under the header. End
    // takes the cursor to the last column, which comes into sight under its own header while
    // the name stays at the left; Home brings the first column back.
    let unticked = desk
        .run("return [...document.querySelectorAll('[data-testid=column]')].filter(c => !c.checked).map(c => c.value);")
        .await?;
    for value in unticked.as_array().ok_or("the columns to tick")? {
        let value = value.as_str().ok_or("a column's field")?;
        desk.click(&format!("[data-testid=column][value={value}]"))
            .await?;
    }
    desk.click("[data-testid=list-settings] summary").await?;
    desk.wait_until(
        "(() => { const b = document.querySelector('[data-testid=table-body]'); return b.scrollWidth > b.clientWidth + 100; })()",
        "a table wider than its card",
    )
    .await?;
    desk.click(&grade).await?;
    desk.press(END).await?;
    // The cursor on column `n` (a script's expression), in sight beside the name and under its
    // own header; the name at the table's left.
    let lined_up = |n: &str| {
        format!(
            "(() => {{ const a = document.activeElement, body = document.querySelector('[data-testid=table-body]'); \
             const heads = [...document.querySelectorAll('[data-testid=table-head] [data-field]')]; \
             const n = {n}, h = heads[n - 1]; \
             if (!a || !a.classList.contains('cell') || a.dataset.col !== String(n)) return false; \
             const ar = a.getBoundingClientRect(), hr = h.getBoundingClientRect(), br = body.getBoundingClientRect(); \
             const name = a.closest('li').querySelector('.record-link').getBoundingClientRect(); \
             return ar.left >= name.right - 1 && ar.right <= br.right + 1 && Math.abs(ar.left - hr.left) <= 1 \
             && Math.abs(ar.width - hr.width) <= 1 && name.left >= br.left - 1 && name.left <= br.left + 24; }})()"
        )
    };
    desk.wait_until(
        &lined_up("heads.length"),
        "the last column in sight under its header, the name at the left",
    )
    .await?;
    if desk
        .run("return document.querySelector('[data-testid=table-body]').scrollLeft;")
        .await?
        .as_f64()
        .unwrap_or(0.0)
        <= 0.0
    {
        return Err("the rows did not scroll sideways".into());
    }
    desk.snap("table-wide").await;
    desk.press(HOME).await?;
    desk.press(RIGHT).await?;
    desk.wait_until(
        &lined_up("1"),
        "the first column back in sight under its header",
    )
    .await?;
    desk.snap("table").await;
    // The scroll bar kept at the window's foot is as wide as the rows and moves them, and the
    // header, with it.
    desk.run(
        "const bar = document.querySelector('[data-testid=table-scrollbar]'); bar.scrollLeft = 150; return null;",
    )
    .await?;
    desk.wait_until(
        "(() => { const bar = document.querySelector('[data-testid=table-scrollbar]'), \
           body = document.querySelector('[data-testid=table-body]'), head = document.querySelector('.table-head-clip'); \
           const r = bar.getBoundingClientRect(); \
           return bar.scrollLeft === 150 && body.scrollLeft === 150 && head.scrollLeft === 150 \
             && Math.abs(bar.scrollWidth - body.scrollWidth) <= 1 && r.height > 0 && r.bottom <= innerHeight + 1; })()",
        "the rows and the header scrolled by the bar at the foot",
    )
    .await?;

    // Enter on a name opens its record.
    desk.run(&format!(
        "document.querySelector(\"li[data-id='{first}'] [data-col='0']\").focus(); return null;"
    ))
    .await?;
    desk.press(ENTER).await?;
    desk.wait_path(&format!("/r/accounts/{first}")).await?;
    desk.wait_text("[data-testid=record-name]", "甲公司")
        .await?;

    // On the rep's phone the list is cards: no header, no cells.
    rep.open("/login").await?;
    login::sign_in(rep, &REP).await?;
    rep.open("/r/accounts").await?;
    rep.wait_text("[data-testid=records-list]", "甲公司")
        .await?;
    if rep.is_visible("[data-testid=table-head]").await || rep.is_visible(".cell").await {
        return Err("a table on a phone".into());
    }
    let roles = rep
        .run("return document.querySelectorAll('[role=grid], [role=row]').length;")
        .await?;
    if roles.as_u64() != Some(0) {
        return Err(format!("{roles} grid roles on a phone's cards"));
    }
    Ok(())
}

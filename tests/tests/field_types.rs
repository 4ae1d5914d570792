//! An admin, at a desk, changes a custom field's type in Settings → Fields. "Other phone" was
//! plain text: changing it to a phone number first shows, from the server, which value would
//! not convert and whose it is; confirmed, the numbers become phone numbers everywhere while
//! the odd value keeps its text. A rep's phone, which held the old values, shows the contact's
//! number as a phone number once it has synced, opening the page from its address. A change
//! that would lose nothing (visits from whole to decimal numbers) applies at once, and free
//! text (regions) becomes a single select whose choices are the values held.

use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::{Browser, Viewport};
use tests::cast::{self, ADMIN, REP};
use tests::pages::{login, shell};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_changes_type_after_a_preview_and_every_device_follows() {
    cast::admin_and_rep("field-types", Viewport::Desktop, flow).await;
}

/// The row of field `key` in the settings' list.
fn row(key: &str) -> String {
    format!("[data-testid=field-list] [data-key={key}]")
}

async fn flow(server: &mut TestServer, admin: &Browser, rep: &Browser) -> Result {
    let mut api = Api::new(&server.url);
    api.sign_in(ADMIN.email, ADMIN.password).await?;
    for field in [
        json!({"key": "other_phone", "label": {"zh": "备用电话", "en": "Other phone"},
               "field_type": {"type": "text"}}),
        json!({"key": "visits", "label": {"zh": "拜访次数", "en": "Visits"},
               "field_type": {"type": "integer"}}),
        json!({"key": "region", "label": {"zh": "区域", "en": "Region"},
               "field_type": {"type": "text"}}),
    ] {
        api.post("/api/v1/objects/contacts/fields", field).await?;
    }
    let mut as_rep = Api::new(&server.url);
    as_rep.sign_in(REP.email, REP.password).await?;
    let mut ids = Vec::new();
    for (name, other, region) in [
        ("王芳", "138 0013 8000", "华东"),
        ("李雷", "前台转", "华北"),
    ] {
        let made = as_rep
            .post(
                "/api/v1/contacts",
                json!({"fields": {"name": name, "other_phone": other, "visits": 3, "region": region}}),
            )
            .await?;
        ids.push(made["id"].as_str().ok_or("no id")?.to_owned());
    }
    let page = format!("/contacts/{}", ids[0]);
    let field_value = "document.querySelector('#record-other_phone')";

    // The rep's phone holds the contact with the number as text.
    rep.open("/login").await?;
    login::sign_in(rep, &REP).await?;
    rep.open(&page).await?;
    rep.wait_until(
        &format!("{field_value} && {field_value}.value === '138 0013 8000'"),
        "the number as the text it was typed",
    )
    .await?;

    admin.open("/login").await?;
    login::sign_in_with(admin, ADMIN.email, ADMIN.password).await?;
    admin.open("/settings/fields?object=contacts").await?;
    let other = row("other_phone");
    admin
        .click(&format!("{other} [data-testid=retype-field]"))
        .await?;
    // Only the types its values can move to are offered: not a link, not a sub-table.
    admin
        .wait_until(
            &format!(
                "(() => {{ const t = document.querySelector('{other} [data-testid=retype-to]').innerText; \
                  return t.includes('电话') && !t.includes('子表') && !t.includes('关联'); }})()"
            ),
            "phone offered, sub-tables and links not",
        )
        .await?;
    admin
        .choose(&format!("{other} [data-testid=retype-to]"), "电话")
        .await?;
    // The server's preview: one value of two will not convert, and whose it is.
    admin
        .wait_text(&format!("{other} [data-testid=retype-summary]"), "1 / 2")
        .await?;
    admin
        .wait_text(&format!("{other} [data-testid=retype-failing]"), "李雷")
        .await?;
    admin
        .wait_text(&format!("{other} [data-testid=retype-failing]"), "前台转")
        .await?;
    admin.snap("field-retype-preview").await;
    admin
        .click(&format!("{other} [data-testid=retype-apply]"))
        .await?;
    admin
        .wait_text(&format!("{other} span.muted.small"), "电话")
        .await?;

    // A change that loses nothing applies without a preview.
    let visits = row("visits");
    admin
        .click(&format!("{visits} [data-testid=retype-field]"))
        .await?;
    admin
        .choose(&format!("{visits} [data-testid=retype-to]"), "小数")
        .await?;
    admin
        .wait_text(&format!("{visits} .retype"), "所有值都能转换")
        .await?;
    admin
        .click(&format!("{visits} [data-testid=retype-apply]"))
        .await?;
    admin
        .wait_text(&format!("{visits} span.muted.small"), "小数")
        .await?;
    // Free text becomes a single select whose choices are the values held.
    let region = row("region");
    admin
        .click(&format!("{region} [data-testid=retype-field]"))
        .await?;
    admin
        .choose(&format!("{region} [data-testid=retype-to]"), "单选")
        .await?;
    admin
        .wait_text(&format!("{region} [data-testid=retype-choices]"), "华东")
        .await?;
    admin
        .wait_text(&format!("{region} [data-testid=retype-choices]"), "华北")
        .await?;
    admin
        .wait_text(&format!("{region} [data-testid=retype-summary]"), "0 / 2")
        .await?;
    admin
        .click(&format!("{region} [data-testid=retype-apply]"))
        .await?;
    admin
        .wait_text(&format!("{region} span.muted.small"), "单选")
        .await?;
    // The settings open again from their address with the new types.
    admin.open("/settings/fields?object=contacts").await?;
    admin
        .wait_text(&format!("{other} span.muted.small"), "电话")
        .await?;

    // The server converted the stored values: the number is a phone number, the odd one kept.
    let read = |id: &str| format!("/api/v1/contacts/{id}");
    let first = as_rep.get(&read(&ids[0])).await?;
    if first["fields"]["other_phone"] != json!("+8613800138000") {
        return Err(format!("the number did not convert: {first}"));
    }
    let second = as_rep.get(&read(&ids[1])).await?;
    if second["fields"]["other_phone"] != json!("前台转") {
        return Err(format!("the odd value did not keep its text: {second}"));
    }
    // Each region is now its choice (by key), shown by its label.
    let schema = api.get("/api/v1/objects/contacts").await?;
    let choice_of = |label: &str| {
        schema["fields"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["key"] == "region"))
            .and_then(|f| f["field_type"]["options"].as_array())
            .and_then(|o| o.iter().find(|c| c["label"]["zh"] == label))
            .map(|c| c["key"].clone())
    };
    if Some(&first["fields"]["region"]) != choice_of("华东").as_ref()
        || Some(&second["fields"]["region"]) != choice_of("华北").as_ref()
    {
        return Err(format!(
            "the regions did not become their choices: {first} {second} {schema}"
        ));
    }

    // The rep's phone pulls the schema and the converted values together (one version); an
    // editor already open keeps what it shows, so the page is opened again until the change
    // has arrived.
    let arrived = format!(
        "return !!{field_value} && {field_value}.type === 'tel' && {field_value}.value === '+8613800138000'"
    );
    let mut seen = false;
    for _ in 0..40 {
        rep.open(&page).await?;
        rep.find("#record-other_phone").await?;
        if rep.run(&arrived).await? == json!(true) {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    if !seen {
        let shown = rep
            .run(&format!("return [{field_value}.type, {field_value}.value]"))
            .await?;
        return Err(format!(
            "the rep's phone shows {shown} for the converted number"
        ));
    }
    rep.snap("field-retyped-phone").await;
    // The phone's top bar is one line.
    let height = rep
        .run("return document.querySelector('.topbar').getBoundingClientRect().height")
        .await?;
    if height.as_f64().is_none_or(|h| h > 61.0) {
        return Err(format!(
            "the phone's top bar is {height} px high: more than one line"
        ));
    }
    shell::check_phone_layout(rep).await?;
    Ok(())
}

//! An admin shapes the contact form in Settings → Form layout: a second section "企业信息"
//! in two columns, a field dragged into it with the mouse, another moved there and up with
//! the keyboard (the focus stays on the moved field), a phone preview, and a condition: the
//! tax number shows, and must be filled, only for a company (a condition comparing a date
//! with words is refused where it was typed). On a phone the admin drags one more field in
//! with a finger. A sales rep's phone, offline, gets the form in its sections: the tax number
//! appears when "企业" is chosen, is refused empty, and the contact opens again from its
//! address, offline (at the end of the form the quick-add button covers no control); at a
//! desk the section is two columns.

use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::{Browser, Viewport};
use tests::cast::{self, ADMIN, REP};
use tests::pages::{contacts, login};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_lays_out_the_contact_form_and_a_phone_follows_it_offline() {
    cast::rep_and_manager("form-layout", flow).await;
}

/// The field keys of section `index` in the designer, in order, comma separated.
fn section_keys(index: usize) -> String {
    format!(
        "Array.from(document.querySelectorAll('.layout-section[data-section=\"{index}\"] .layout-field'))\
         .map(e => e.dataset.key).join(',')"
    )
}

async fn flow(server: &mut TestServer, rep: &Browser, desk: &Browser) -> Result {
    let mut admin = Api::new(&server.url);
    admin.sign_in(ADMIN.email, ADMIN.password).await?;
    for field in [
        json!({"key": "kind", "label": {"zh": "客户类型", "en": "Kind"},
               "field_type": {"type": "single_select", "options": [
                   {"key": "person", "label": {"zh": "个人", "en": "Person"}},
                   {"key": "company", "label": {"zh": "企业", "en": "Company"}}]}}),
        json!({"key": "tax_no", "label": {"zh": "企业税号", "en": "Tax number"},
               "field_type": {"type": "text"}}),
    ] {
        admin.post("/api/v1/objects/contacts/fields", field).await?;
    }

    // The admin, at a desk, opens the designer from its address.
    desk.open("/login").await?;
    login::sign_in_with(desk, ADMIN.email, ADMIN.password).await?;
    desk.open("/settings/layout?object=contacts").await?;
    desk.find("[data-testid=layout-sections] [data-key=tax_no]")
        .await?;
    desk.click("[data-testid=add-section]").await?;
    desk.fill("#section-1-zh", "企业信息").await?;
    desk.fill("#section-1-en", "Company").await?;
    desk.choose("#section-1-columns", "两列").await?;
    // The mouse carries the tax number into the new section.
    desk.mouse_drag(
        "[data-key=tax_no] .handle",
        ".layout-section[data-section=\"1\"] .layout-fields",
    )
    .await?;
    desk.wait_until(
        &format!("{} === 'tax_no'", section_keys(1)),
        "the tax number dragged into the new section",
    )
    .await?;
    // The keyboard's way: "move to section", then up; the focus stays on the moved field.
    desk.choose("[data-key=company] .to-section", "分区 2")
        .await?;
    desk.wait_until(
        &format!("{} === 'tax_no,company'", section_keys(1)),
        "the company moved to the new section",
    )
    .await?;
    desk.click("[data-key=company] .move-up").await?;
    desk.wait_until(
        &format!("{} === 'company,tax_no'", section_keys(1)),
        "the company moved up",
    )
    .await?;
    desk.wait_until(
        "document.activeElement && document.activeElement.closest('[data-key]') \
         && document.activeElement.closest('[data-key]').dataset.key === 'company'",
        "the focus on the moved field",
    )
    .await?;
    desk.click("[data-testid=phone-preview-toggle]").await?;
    desk.wait_text("[data-testid=phone-preview]", "企业信息")
        .await?;
    desk.wait_text("[data-testid=phone-preview]", "企业税号")
        .await?;
    desk.click("[data-testid=save-layout]").await?;
    desk.find("[data-testid=layout-saved]").await?;
    desk.snap("layout-designer").await;

    // Conditions on the tax number: a date compared with words is refused where it is typed.
    desk.click("[data-key=tax_no] [data-testid=field-conditions]")
        .await?;
    desk.find("[data-testid=conditions-editor]").await?;
    let shown = "[data-testid=condition-shown_when]";
    let required = "[data-testid=condition-required_when]";
    desk.choose(&format!("{shown} .condition-field"), "生日")
        .await?;
    desk.fill(&format!("{shown} .condition-value"), "下周")
        .await?;
    desk.click("[data-testid=save-conditions]").await?;
    desk.wait_text(&format!("{shown} .field-error"), "有效日期")
        .await?;
    desk.choose(&format!("{shown} .condition-field"), "客户类型")
        .await?;
    desk.choose(&format!("{shown} .condition-value"), "企业")
        .await?;
    desk.choose(&format!("{required} .condition-field"), "客户类型")
        .await?;
    desk.choose(&format!("{required} .condition-value"), "企业")
        .await?;
    desk.click("[data-testid=save-conditions]").await?;
    desk.wait_until(
        "document.querySelector('[data-testid=conditions-editor]') === null",
        "the conditions saved",
    )
    .await?;
    desk.wait_text("[data-key=tax_no]", "条件").await?;

    // The designer opens again from its address with all of it.
    desk.open("/settings/layout?object=contacts").await?;
    desk.wait_until(
        &format!(
            "{} === 'company,tax_no' && document.querySelector('#section-1-zh').value === '企业信息' \
             && document.querySelector('#section-1-columns').value === '2'",
            section_keys(1)
        ),
        "the saved layout",
    )
    .await?;

    // On a phone the admin drags the email into the section with a finger.
    let pocket = Browser::start(&server.url, Viewport::Phone).await;
    let dragged = drag_on_a_phone(&pocket).await;
    if dragged.is_err() {
        pocket.screenshot("form-layout-admin-phone").await;
    }
    pocket.close().await;
    dragged?;

    // The rep's phone gets the layout, then loses the network.
    rep.open("/login").await?;
    login::sign_in(rep, &REP).await?;
    contacts::open(rep).await?;
    contacts::wait_pending(rep, 0).await?;
    rep.wait_until(
        "navigator.serviceWorker.controller !== null",
        "the service worker",
    )
    .await?;
    server.go_down().await;
    rep.click("[data-testid=new-contact]").await?;
    rep.find("[data-testid=record-form]").await?;
    rep.wait_text(".form-section[data-section=\"1\"] legend", "企业信息")
        .await?;
    rep.wait_until(
        "Array.from(document.querySelectorAll('.form-section[data-section=\"1\"] input'))\
         .map(e => e.id).join(',') === 'record-company,record-email,record-tax_no'",
        "the section's fields in the layout's order",
    )
    .await?;
    // At the end of the form no control lies under the quick-add button.
    rep.wait_until(
        "(() => { window.scrollTo(0, document.documentElement.scrollHeight); \
         const f = document.querySelector('[data-testid=quick-add]').getBoundingClientRect(); \
         return Array.from(document.querySelectorAll('[data-testid=record-form] :is(input, select, textarea, button)')) \
         .filter(e => e.offsetParent !== null).every(e => { const r = e.getBoundingClientRect(); \
         return r.bottom <= f.top || r.top >= f.bottom || r.right <= f.left || r.left >= f.right; }); })()",
        "the quick-add button clear of every control at the end of the form",
    )
    .await?;
    if rep.is_visible("#record-tax_no").await {
        return Err("the tax number must wait until a company is chosen".to_owned());
    }
    rep.fill("#record-name", "赵总").await?;
    rep.choose("#record-kind", "企业").await?;
    rep.find("#record-tax_no").await?;
    rep.wait_until(
        "document.querySelector('#record-tax_no').closest('.laid').classList.contains('required')",
        "the tax number marked required",
    )
    .await?;
    contacts::save(rep).await?;
    rep.wait_text("[data-field=tax_no] .field-error", "必填")
        .await?;
    rep.fill("#record-tax_no", "91330106MA2GL8XX1Q").await?;
    contacts::save(rep).await?;
    rep.wait_path("/contacts").await?;
    contacts::wait_pending(rep, 1).await?;
    contacts::edit(rep, "赵总").await?;
    let path = rep.path().await?;
    rep.open(&path).await?;
    rep.wait_until(
        "document.querySelector('#record-tax_no') !== null \
         && document.querySelector('#record-tax_no').value === '91330106MA2GL8XX1Q'",
        "the contact opened again offline with its tax number",
    )
    .await?;
    rep.snap("form-layout-phone").await;

    // Back online the contact syncs; at a desk the section is two columns.
    server.come_back().await;
    contacts::wait_pending(rep, 0).await?;
    let listed = admin
        .get("/api/v1/contacts?filter=tax_no%20%3D%20%2291330106MA2GL8XX1Q%22")
        .await?;
    let found = &listed["items"][0];
    if found["fields"]["name"] != json!("赵总") || found["fields"]["kind"] != json!("company") {
        return Err(format!("the server holds {listed}"));
    }
    desk.open(&path).await?;
    desk.wait_until(
        "document.querySelector('#record-tax_no') !== null && getComputedStyle(\
         document.querySelector('.form-section[data-section=\"1\"] .section-fields'))\
         .gridTemplateColumns.split(' ').length === 2",
        "two columns at a desk",
    )
    .await?;
    desk.snap("form-layout-desk").await;
    Ok(())
}

async fn drag_on_a_phone(pocket: &Browser) -> Result {
    pocket.open("/login").await?;
    login::sign_in_with(pocket, ADMIN.email, ADMIN.password).await?;
    pocket.open("/settings/layout?object=contacts").await?;
    pocket
        .find("[data-testid=layout-sections] [data-key=tax_no]")
        .await?;
    // The email is far down the first section: scrolled to, then carried down to the new
    // section (the page scrolls while the finger rests over the bottom tabs).
    pocket
        .run("document.querySelector('[data-key=email]').scrollIntoView({block: 'center'}); return true;")
        .await?;
    pocket
        .touch_drag("[data-key=email] .handle", "[data-key=tax_no]")
        .await?;
    pocket
        .wait_until(
            &format!("{} === 'company,email,tax_no'", section_keys(1)),
            "the email carried by a finger before the tax number",
        )
        .await?;
    pocket.click("[data-testid=save-layout]").await?;
    pocket.find("[data-testid=layout-saved]").await.map(drop)
}

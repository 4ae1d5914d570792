//! Files, people and places on records, the way people fill them in: an admin gives contacts
//! a business-card picture, a field of papers, the customer's signature, people who follow
//! the contact up, a team, an address and a place. A sales rep's phone, offline, picks the
//! address from the province / city / district lists, the place from where the phone is, a
//! colleague and the team by name, and (files)
//! a "picture" that is not one (refused at the field, nothing attached), then the real
//! card (its thumbnail shows at once, waiting to upload), two papers (and removes one), and
//! has the customer sign with a finger; the contact opens again from its address, offline,
//! with all of it. When the network is back the files upload under the ids the phone chose
//! (the card with the thumbnail the phone drew beside it), and the manager, at a desk, sees
//! the card's thumbnail from the server, through the contact.

use std::path::{Path, PathBuf};

use serde_json::json;
use tests::Result;
use tests::api::Api;
use tests::browser::Browser;
use tests::cast::{self, ADMIN, BOSS, REP};
use tests::pages::{contacts, login, shell};
use tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_attached_offline_upload_and_reach_the_manager() {
    cast::rep_and_manager("attachments", flow).await;
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

async fn flow(server: &mut TestServer, rep: &Browser, boss: &Browser) -> Result {
    let mut admin = Api::new(&server.url);
    admin.sign_in(ADMIN.email, ADMIN.password).await?;
    for (key, zh, en, field_type) in [
        ("card", "名片", "Business card", json!({"type": "image"})),
        (
            "papers",
            "资料",
            "Papers",
            json!({"type": "file", "many": true}),
        ),
        (
            "signature",
            "客户签名",
            "Signature",
            json!({"type": "signature"}),
        ),
        (
            "followers",
            "协同人",
            "Followers",
            json!({"type": "user", "many": true}),
        ),
        ("unit", "所属团队", "Team", json!({"type": "team"})),
        ("home", "地址", "Address", json!({"type": "address"})),
        ("spot", "位置", "Place", json!({"type": "geo"})),
    ] {
        admin
            .post(
                "/api/v1/objects/contacts/fields",
                json!({"key": key, "label": {"zh": zh, "en": en}, "field_type": field_type}),
            )
            .await?;
    }

    // The rep's phone has the fields, then loses the network.
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
    rep.fill("#record-name", "陈总").await?;

    // The address from the lists, offline (the region table is kept by the service worker).
    rep.choose("[data-field=home] [data-testid=address-province]", "浙江省")
        .await?;
    rep.choose("[data-field=home] [data-testid=address-city]", "杭州市")
        .await?;
    rep.choose("[data-field=home] [data-testid=address-district]", "西湖区")
        .await?;
    rep.fill(
        "[data-field=home] [data-testid=address-street]",
        "文三路 90 号",
    )
    .await?;
    // Where the phone is, and a colleague and the team by name.
    rep.place_at(30.27415, 120.15515).await?;
    rep.click("[data-field=spot] [data-testid=locate]").await?;
    rep.wait_until(
        "document.querySelector('#record-spot').value === '30.274150, 120.155150'",
        "the place filled in from the phone",
    )
    .await?;
    rep.choose("#record-followers", BOSS.name).await?;
    rep.wait_text(
        "[data-field=followers] [data-testid=person-chip]",
        BOSS.name,
    )
    .await?;
    rep.choose("#record-unit", "桥科技").await?;

    // A "picture" that is a text file is refused at its field, and nothing is attached.
    let card_input = "[data-field=card] input[type=file]";
    rep.attach(card_input, &[&fixture("not-a-picture.png")])
        .await?;
    rep.wait_text("[data-field=card] [data-testid=file-refused]", "请选择图片")
        .await?;
    if rep.is_visible("[data-field=card] [data-testid=file]").await {
        return Err("a file that is not a picture must not be attached".to_owned());
    }
    // The real card: its thumbnail shows at once, from the phone's own copy, waiting to upload.
    rep.attach(card_input, &[&fixture("business-card.png")])
        .await?;
    rep.find("[data-field=card] [data-testid=upload-queued]")
        .await?;
    wait_picture(rep, "[data-field=card] [data-testid=file-thumb]", "blob:").await?;
    if rep
        .is_visible("[data-field=card] [data-testid=file-refused]")
        .await
    {
        return Err("the refusal stays after a good picture".to_owned());
    }
    // Two papers at once, then one removed.
    rep.attach(
        "[data-field=papers] input[type=file]",
        &[&fixture("visit-notes.txt"), &fixture("business-card.png")],
    )
    .await?;
    rep.wait_until(
        "document.querySelectorAll('[data-field=papers] [data-testid=file]').length === 2",
        "two papers attached",
    )
    .await?;
    rep.click("[data-field=papers] [data-testid=file]:last-child [data-testid=remove-file]")
        .await?;
    rep.wait_until(
        "document.querySelectorAll('[data-field=papers] [data-testid=file]').length === 1",
        "one paper left",
    )
    .await?;
    rep.wait_text("[data-field=papers] [data-testid=file]", "visit-notes.txt")
        .await?;
    // The customer signs with a finger.
    let pad = "[data-field=signature] [data-testid=signature-pad]";
    rep.find(pad).await?;
    rep.touch_draw(
        pad,
        &[
            (0.1, 0.6),
            (0.25, 0.3),
            (0.4, 0.7),
            (0.55, 0.3),
            (0.7, 0.7),
            (0.9, 0.4),
        ],
    )
    .await?;
    rep.click("[data-field=signature] [data-testid=use-signature]")
        .await?;
    taken(rep, "signature").await?;
    wait_picture(
        rep,
        "[data-field=signature] [data-testid=file-thumb]",
        "blob:",
    )
    .await?;
    shell::check_phone_layout(rep).await?;
    rep.snap("attachments-form").await;
    contacts::save(rep).await?;
    rep.wait_path("/contacts").await?;
    rep.wait_text("[data-testid=contacts-list]", "陈总").await?;
    contacts::wait_pending(rep, 1).await?;

    // The contact opens again from its address (a reload), offline, with its files.
    contacts::edit(rep, "陈总").await?;
    let path = rep.path().await?;
    rep.open(&path).await?;
    wait_picture(rep, "[data-field=card] [data-testid=file-thumb]", "blob:").await?;
    wait_picture(
        rep,
        "[data-field=signature] [data-testid=file-thumb]",
        "blob:",
    )
    .await?;
    rep.wait_text("[data-field=papers] [data-testid=file]", "visit-notes.txt")
        .await?;
    rep.find("[data-field=card] [data-testid=upload-queued]")
        .await?;
    rep.wait_until(
        "document.querySelector('[data-field=home] [data-testid=address-district]').value === '西湖区' \
         && document.querySelector('[data-field=home] [data-testid=address-street]').value === '文三路 90 号'",
        "the address after a reload",
    )
    .await?;
    rep.wait_text(
        "[data-field=followers] [data-testid=person-chip]",
        BOSS.name,
    )
    .await?;

    // Back online: the contact syncs and the files upload.
    server.come_back().await;
    contacts::wait_pending(rep, 0).await?;
    rep.wait_until(
        "document.querySelector('[data-field=card] [data-testid=file]') !== null \
         && document.querySelectorAll('[data-testid=upload-queued]').length === 0",
        "every file uploaded",
    )
    .await?;

    // The server holds them under the phone's ids: the card as sent, with the thumbnail the
    // phone drew (a JPEG), the signature as a PNG, the paper as text.
    let mut api = Api::new(&server.url);
    api.sign_in(REP.email, REP.password).await?;
    let id = path.rsplit('/').next().unwrap_or_default().to_owned();
    let contact = api.get(&format!("/api/v1/contacts/{id}")).await?;
    let fields = &contact["fields"];
    let card_id = fields["card"][0]["id"].as_str().unwrap_or_default();
    let thumb_id = fields["card"][0]["thumb"].as_str().unwrap_or_default();
    let (status, bytes) = api.get_bytes(&format!("/api/v1/files/{card_id}")).await?;
    let card = std::fs::read(fixture("business-card.png")).map_err(|e| e.to_string())?;
    if status != 200 || bytes != card {
        return Err(format!(
            "the card reached the server as {status}, {} bytes",
            bytes.len()
        ));
    }
    let (status, thumb) = api.get_bytes(&format!("/api/v1/files/{thumb_id}")).await?;
    if status != 200 || !thumb.starts_with(&[0xFF, 0xD8, 0xFF]) || thumb.len() >= card.len() {
        return Err(format!(
            "the card's thumbnail: {status}, {} bytes, not a smaller JPEG",
            thumb.len()
        ));
    }
    let signature_id = fields["signature"][0]["id"].as_str().unwrap_or_default();
    let (status, signature) = api
        .get_bytes(&format!("/api/v1/files/{signature_id}"))
        .await?;
    if status != 200 || !signature.starts_with(b"\x89PNG") {
        return Err(format!("the signature reached the server as {status}"));
    }
    let expected = json!({"province": "浙江省", "city": "杭州市", "district": "西湖区",
                          "street": "文三路 90 号"});
    if fields["home"] != expected || fields["spot"] != json!({"lat": 30.27415, "lng": 120.15515}) {
        return Err(format!(
            "address and place as kept: {} {}",
            fields["home"], fields["spot"]
        ));
    }
    let company = admin.root_team().await?;
    let followers = fields["followers"].as_array().cloned().unwrap_or_default();
    if followers.len() != 1 || fields["unit"] != json!(company) {
        return Err(format!(
            "people and team as kept: {} {}",
            fields["followers"], fields["unit"]
        ));
    }
    let papers = fields["papers"].as_array().cloned().unwrap_or_default();
    if papers.len() != 1 || papers[0]["name"] != "visit-notes.txt" {
        return Err(format!("papers as kept: {}", fields["papers"]));
    }

    // The manager, at a desk, opens the contact from its address: the card's thumbnail comes
    // from the server, through the contact.
    boss.open("/login").await?;
    login::sign_in(boss, &BOSS).await?;
    boss.open(&path).await?;
    wait_picture(
        boss,
        "[data-field=card] [data-testid=file-thumb]",
        &format!("/api/v1/files/{thumb_id}?record={id}"),
    )
    .await?;
    boss.wait_text("[data-field=papers] [data-testid=file]", "visit-notes.txt")
        .await?;
    boss.wait_text(
        "[data-field=followers] [data-testid=person-chip]",
        BOSS.name,
    )
    .await?;
    // The list shows people and teams by name.
    boss.open("/contacts").await?;
    boss.click("[data-testid=list-settings] summary").await?;
    boss.click("[data-testid=column][value=unit]").await?;
    boss.wait_text("[data-testid=contacts-list]", "桥科技")
        .await?;
    boss.snap("attachments-manager").await;
    Ok(())
}

/// Wait until the field `key` holds a file, and fail with its refusal if it refused one.
async fn taken(b: &Browser, key: &str) -> Result {
    let field = format!("[data-field={key}]");
    b.wait_until(
        &format!(
            "!!document.querySelector('{field} [data-testid=file]') \
             || !!document.querySelector('{field} [data-testid=file-refused]')"
        ),
        &format!("a file in {key}"),
    )
    .await?;
    let refused = b
        .run(&format!(
            "const r = document.querySelector('{field} [data-testid=file-refused]'); \
             return r ? r.textContent : '';"
        ))
        .await?;
    match refused.as_str() {
        Some(text) if !text.is_empty() => Err(format!("{key} refused a file: {text}")),
        _ => Ok(()),
    }
}

/// Wait until the picture `css` has loaded from an address that holds `from`.
async fn wait_picture(b: &Browser, css: &str, from: &str) -> Result {
    b.wait_until(
        &format!(
            "(() => {{ const i = document.querySelector({css:?}); \
               return !!i && i.complete && i.naturalWidth > 0 && i.src.includes({from:?}); }})()"
        ),
        &format!("the picture {css} from {from}"),
    )
    .await
}

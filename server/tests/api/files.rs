//! Files on both engines: an upload is refused when it is too large, not what it says, or
//! nameless; what is stored is read back by the uploader and by those who see a record
//! holding it, and by nobody else (404 alike whether the file exists or not); a server told
//! to keep files in a directory keeps them there. A picture sent over REST gets a thumbnail
//! that a record's value carries and its readers read; a broken one is refused.

use serde_json::json;

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, both};

both!(
    uploads_are_checked_and_read_back_only_by_those_who_may,
    files_can_live_in_a_directory,
    a_picture_uploaded_over_rest_gets_a_thumbnail
);

/// The smallest PNG there is (1×1, transparent).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\x0bIDATx\xdac`\0\x02\0\0\x05\0\x01\xe9\xfa\xdc\xd8\0\0\0\0IEND\xaeB`\x82";

/// `GET path` with `token`: the status, the content type and the bytes.
async fn fetch(app: &TestApp, path: &str, token: &str) -> (u16, String, Vec<u8>) {
    let response = app
        .client
        .get(format!("{}{path}", app.url))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response.bytes().await.expect("a body").to_vec();
    (status, kind, bytes)
}

async fn uploads_are_checked_and_read_back_only_by_those_who_may(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, far] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let upload = |name: &str| format!("/api/v1/files?name={name}");

    // Nobody signed in, no name, nothing sent: refused, each with its reason.
    let reply = app
        .send_bytes("POST", &upload("a.png"), None, "image/png", PNG.to_vec())
        .await;
    reply.assert_error(401, "unauthorized");
    let reply = app
        .send_bytes(
            "POST",
            "/api/v1/files",
            Some(&rep),
            "image/png",
            PNG.to_vec(),
        )
        .await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.body["error"]["field"], "name");
    let reply = app
        .send_bytes(
            "POST",
            &upload("a.png"),
            Some(&rep),
            "image/png",
            Vec::new(),
        )
        .await;
    assert_eq!(reply.body["error"]["field"], "file", "{}", reply.body);
    // An "image" that is not one, and an SVG (scripts), are no images.
    for (kind, bytes) in [
        ("image/jpeg", b"MZ\x90\0 not a picture".to_vec()),
        ("image/svg+xml", b"<svg onload=\"alert(1)\"/>".to_vec()),
    ] {
        let reply = app
            .send_bytes("POST", &upload("x.jpg"), Some(&rep), kind, bytes)
            .await;
        reply.assert_error(422, "validation_failed");
        assert_eq!(reply.body["error"]["details"][0]["code"], "not_an_image");
    }
    // 30 MB is more than the 20 MB a file may be.
    let reply = app
        .send_bytes(
            "POST",
            &upload("big.bin"),
            Some(&rep),
            "application/octet-stream",
            vec![7u8; 30 * 1024 * 1024],
        )
        .await;
    reply.assert_error(413, "payload_too_large");

    // A good one: stored under the type its bytes show, named as its last part.
    let reply = app
        .send_bytes(
            "POST",
            &upload("..%2F%E5%90%8D%E7%89%87.png"),
            Some(&rep),
            "image/png",
            PNG.to_vec(),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let file = reply.body.clone();
    assert_eq!(file["name"], "名片.png");
    assert_eq!(file["type"], "image/png");
    assert_eq!(file["size"], PNG.len());
    let id = file["id"].as_str().expect("an id").to_owned();
    let path = format!("/api/v1/files/{id}");
    let (status, kind, bytes) = fetch(&app, &path, &rep).await;
    assert_eq!(
        (status, kind.as_str(), bytes.as_slice()),
        (200, "image/png", PNG)
    );

    // Others: not without a record they see holding it, the same 404 as for no file at all.
    assert_eq!(fetch(&app, &path, &boss).await.0, 404);
    let nothing = format!("/api/v1/files/{}", uuid::Uuid::new_v4());
    assert_eq!(fetch(&app, &nothing, &rep).await.0, 404);
    assert_eq!(fetch(&app, "/api/v1/files/not-an-id", &rep).await.0, 404);

    // The rep puts it on a contact's photo: the manager, who sees the contact, reads it
    // through it; the rep of the other team does not, naming it or not.
    let photo = json!({"key": "photo", "label": {"zh": "照片", "en": "Photo"},
                       "field_type": {"type": "image"}});
    let reply = app
        .post("/api/v1/objects/contacts/fields", Some(&admin), photo)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let made = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "王芳", "photo": file}}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let contact = made.body["id"].as_str().expect("an id").to_owned();
    let through = format!("{path}?record={contact}");
    let (status, _, bytes) = fetch(&app, &through, &boss).await;
    assert_eq!((status, bytes.as_slice()), (200, PNG));
    assert_eq!(fetch(&app, &through, &far).await.0, 404);
    assert_eq!(fetch(&app, &path, &far).await.0, 404);
    // Another record the reader sees does not open a file it does not hold.
    let other = app
        .post(
            "/api/v1/contacts",
            Some(&far),
            json!({"fields": {"name": "李雷"}}),
        )
        .await;
    let other = other.body["id"].as_str().expect("an id").to_owned();
    assert_eq!(
        fetch(&app, &format!("{path}?record={other}"), &far).await.0,
        404
    );
    // Nobody names another person's file in a record of their own to reach it (the same
    // refusal whether the file exists or not would tell too much: it is told as the field's
    // problem); a file not uploaded yet may be named (attached offline, sent later).
    let stolen = app
        .post(
            "/api/v1/contacts",
            Some(&far),
            json!({"fields": {"name": "赵六", "photo": file}}),
        )
        .await;
    stolen.assert_error(422, "validation_failed");
    assert_eq!(stolen.body["error"]["field"], "photo");
    let later = uuid::Uuid::new_v4();
    let pending = app
        .post(
            "/api/v1/contacts",
            Some(&far),
            json!({"fields": {"name": "赵六", "photo": {"id": later, "name": "a.png", "size": 3, "type": "image/png"}}}),
        )
        .await;
    assert_eq!(pending.status, 201, "{}", pending.body);
    // A device that attached a file offline sends it under the id it chose; sending it again
    // (a retry) is harmless; the id is the sender's alone.
    let chosen = uuid::Uuid::new_v4();
    let put = format!("/api/v1/files/{chosen}?name=visit.jpg");
    let jpeg = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0".to_vec();
    let first = app
        .send_bytes("PUT", &put, Some(&rep), "image/jpeg", jpeg.clone())
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["id"], json!(chosen));
    let again = app
        .send_bytes("PUT", &put, Some(&rep), "image/jpeg", jpeg.clone())
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body, first.body);
    app.send_bytes("PUT", &put, Some(&far), "image/jpeg", jpeg.clone())
        .await
        .assert_error(409, "exists");
    app.send_bytes(
        "PUT",
        "/api/v1/files/nope?name=a.jpg",
        Some(&rep),
        "image/jpeg",
        jpeg,
    )
    .await
    .assert_error(422, "validation_failed");
    // An image's thumbnail travels beside it: read through the record like the image, and
    // guarded like it (naming another's thumbnail is refused even beside a file of one's own).
    let thumb = uuid::Uuid::new_v4();
    let small = app
        .send_bytes(
            "PUT",
            &format!("/api/v1/files/{thumb}?name=visit-thumb.jpg"),
            Some(&rep),
            "image/jpeg",
            b"\xFF\xD8\xFF\xE0small".to_vec(),
        )
        .await;
    assert_eq!(small.status, 201, "{}", small.body);
    let mut photo = first.body.clone();
    photo["thumb"] = json!(thumb);
    let visit = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "周杰", "photo": photo}}),
        )
        .await;
    assert_eq!(visit.status, 201, "{}", visit.body);
    assert_eq!(visit.body["fields"]["photo"][0]["thumb"], json!(thumb));
    let visit = visit.body["id"].as_str().expect("an id").to_owned();
    let thumb_path = format!("/api/v1/files/{thumb}?record={visit}");
    let (status, _, bytes) = fetch(&app, &thumb_path, &boss).await;
    assert_eq!(
        (status, bytes.as_slice()),
        (200, &b"\xFF\xD8\xFF\xE0small"[..])
    );
    assert_eq!(fetch(&app, &thumb_path, &far).await.0, 404);
    let borrowed = json!({"id": uuid::Uuid::new_v4(), "name": "b.jpg", "size": 3,
                          "type": "image/jpeg", "thumb": thumb});
    let reply = app
        .post(
            "/api/v1/contacts",
            Some(&far),
            json!({"fields": {"name": "吴七", "photo": borrowed}}),
        )
        .await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.body["error"]["field"], "photo");
    // An image field takes only images.
    let reply = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "韩梅梅", "photo": {"id": id, "name": "a.pdf", "size": 3, "type": "application/pdf"}}}),
        )
        .await;
    reply.assert_error(422, "validation_failed");
    app.finish().await;
}

async fn files_can_live_in_a_directory(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("qiao-files-{}", uuid::Uuid::new_v4()));
    let kept = dir.clone();
    let app = TestApp::spawn_with(backend, move |c| c.files_dir = Some(kept)).await;
    let [rep, ..] = app.two_sales_teams().await;
    let text = "报价 v2\n".repeat(1000).into_bytes();
    let reply = app
        .send_bytes(
            "POST",
            "/api/v1/files?name=%E6%8A%A5%E4%BB%B7.txt",
            Some(&rep),
            "text/plain; charset=utf-8",
            text.clone(),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["type"], "text/plain");
    let id = reply.body["id"].as_str().expect("an id").to_owned();
    let on_disk = std::fs::read(dir.join(&id)).expect("the file is in the directory");
    assert_eq!(on_disk, text);
    let (status, _, bytes) = fetch(&app, &format!("/api/v1/files/{id}"), &rep).await;
    assert_eq!((status, bytes), (200, text));
    let _ = std::fs::remove_dir_all(&dir);
    app.finish().await;
}

/// A `width` × `height` PNG of one colour, half transparent.
fn picture(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbaImage::from_pixel(width, height, image::Rgba([20, 120, 200, 128]))
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG written");
    out.into_inner()
}

async fn a_picture_uploaded_over_rest_gets_a_thumbnail(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let [rep, boss, far] = app.two_sales_teams().await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let big = picture(1200, 600);
    let reply = app
        .send_bytes(
            "POST",
            "/api/v1/files?name=%E9%97%A8%E5%BA%97.png",
            Some(&rep),
            "image/png",
            big.clone(),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let made = reply.body.clone();
    let thumb = made["thumb"].as_str().expect("a thumbnail").to_owned();
    assert_ne!(made["id"], made["thumb"]);
    // The picture as sent; its thumbnail a JPEG 320 px wide, the shape kept.
    let id = made["id"].as_str().expect("an id").to_owned();
    let (status, kind, bytes) = fetch(&app, &format!("/api/v1/files/{id}"), &rep).await;
    assert_eq!((status, kind.as_str()), (200, "image/png"));
    assert_eq!(bytes, big);
    let (status, kind, small) = fetch(&app, &format!("/api/v1/files/{thumb}"), &rep).await;
    assert_eq!((status, kind.as_str()), (200, "image/jpeg"));
    let shown = image::load_from_memory(&small).expect("the thumbnail is a picture");
    assert_eq!((shown.width(), shown.height()), (320, 160));

    // Put on a contact's photo as the answer gave it, both are read through the record by
    // those who see it, and by nobody else.
    let photo = json!({"key": "photo", "label": {"zh": "照片", "en": "Photo"},
                       "field_type": {"type": "image"}});
    let reply = app
        .post("/api/v1/objects/contacts/fields", Some(&admin), photo)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let contact = app
        .post(
            "/api/v1/contacts",
            Some(&rep),
            json!({"fields": {"name": "钱七", "photo": made}}),
        )
        .await;
    assert_eq!(contact.status, 201, "{}", contact.body);
    assert_eq!(contact.body["fields"]["photo"][0]["thumb"], thumb.as_str());
    let record = contact.body["id"]
        .as_str()
        .expect("a contact id")
        .to_owned();
    let through = format!("/api/v1/files/{thumb}?record={record}");
    assert_eq!(fetch(&app, &through, &boss).await.0, 200);
    assert_eq!(fetch(&app, &through, &far).await.0, 404);

    // A picture that breaks off is no picture: refused at the file, nothing stored.
    let mut broken = picture(50, 50);
    broken.truncate(60);
    let reply = app
        .send_bytes(
            "POST",
            "/api/v1/files?name=broken.png",
            Some(&rep),
            "image/png",
            broken,
        )
        .await;
    reply.assert_error(422, "validation_failed");
    assert_eq!(reply.body["error"]["details"][0]["code"], "not_an_image");
    assert_eq!(reply.body["error"]["details"][0]["field"], "file");
    // A file that is no picture gets no thumbnail.
    let reply = app
        .send_bytes(
            "POST",
            "/api/v1/files?name=notes.txt",
            Some(&rep),
            "text/plain",
            b"notes".to_vec(),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert!(
        reply
            .body
            .get("thumb")
            .is_none_or(serde_json::Value::is_null),
        "{}",
        reply.body
    );
    app.finish().await;
}

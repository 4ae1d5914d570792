//! Case tables per field type: what typing gives, how it reads back from JSON, shows and
//! orders.

use std::cmp::Ordering;

use serde_json::json;

use super::*;
use crate::schema::{Choice, Labels};

fn stages() -> FieldType {
    let choice = |key: &str, zh: &str, en: &str, retired: bool| Choice {
        key: key.into(),
        label: Labels::new(zh, en),
        color: None,
        retired,
    };
    FieldType::SingleSelect {
        options: vec![
            choice("new", "新建", "New", false),
            choice("won", "赢单", "Won", false),
            choice("old", "旧阶段", "Old stage", true),
        ],
    }
}

fn multi() -> FieldType {
    FieldType::MultiSelect {
        options: stages().choices().to_vec(),
    }
}

/// `(type, typed, expected)`: one line per case.
fn check(field_type: &FieldType, typed: &str, expected: Result<Value, Problem>) {
    assert_eq!(
        Value::parse(field_type, typed),
        expected,
        "{:?} typed {typed:?}",
        field_type.kind()
    );
}

fn dec(units: i64, scale: u8) -> Value {
    Value::Decimal { units, scale }
}

#[test]
fn typing_numbers() {
    let int = FieldType::Integer;
    check(&int, "1200", Ok(Value::Integer(1200)));
    check(&int, " 1,200 ", Ok(Value::Integer(1200)));
    check(&int, "１２００", Ok(Value::Integer(1200)));
    check(&int, "-7", Ok(Value::Integer(-7)));
    check(&int, "3.0", Ok(Value::Integer(3)));
    check(&int, "3.5", Err(Problem::TooPrecise { max: 0 }));
    check(&int, "12a", Err(Problem::InvalidNumber));
    check(&int, "-", Err(Problem::InvalidNumber));
    check(&int, "", Ok(Value::Empty));
    check(
        &int,
        "99999999999999999999",
        Err(Problem::OutOfRange {
            min: -NUMBER_MAX,
            max: NUMBER_MAX,
        }),
    );

    let two = FieldType::Decimal { precision: 2 };
    check(&two, "3.14", Ok(dec(314, 2)));
    check(&two, "3.1", Ok(dec(310, 2)));
    check(&two, ".5", Ok(dec(50, 2)));
    check(&two, "-0.25", Ok(dec(-25, 2)));
    check(&two, "3.141", Err(Problem::TooPrecise { max: 2 }));
    check(&two, "3.14.1", Err(Problem::InvalidNumber));

    let percent = FieldType::Percent { precision: 1 };
    check(&percent, "12.5%", Ok(dec(125, 1)));
    check(&percent, "12.5 ％", Ok(dec(125, 1)));

    let money = FieldType::Money {
        currency: "CNY".into(),
    };
    let cny = |hundredths| Value::Money {
        hundredths,
        currency: "CNY".into(),
    };
    check(&money, "¥1,200.50", Ok(cny(120_050)));
    check(&money, "1200", Ok(cny(120_000)));
    check(&money, "1200.505", Err(Problem::TooPrecise { max: 2 }));

    let rating = FieldType::Rating { max: 5 };
    check(&rating, "4", Ok(Value::Rating(4)));
    check(&rating, "6", Err(Problem::OutOfRange { min: 1, max: 5 }));
    check(&rating, "0", Err(Problem::OutOfRange { min: 1, max: 5 }));
}

#[test]
fn typing_days_times_and_durations() {
    let date = FieldType::Date;
    check(&date, "2026-12-31", Ok(Value::Date("2026-12-31".into())));
    check(&date, "2026/1/5", Ok(Value::Date("2026-01-05".into())));
    check(&date, "2026年2月28日", Ok(Value::Date("2026-02-28".into())));
    check(&date, "2028-02-29", Ok(Value::Date("2028-02-29".into())));
    check(&date, "2026-02-29", Err(Problem::InvalidDate));
    check(&date, "2026-13-01", Err(Problem::InvalidDate));
    check(&date, "tomorrow", Err(Problem::InvalidDate));

    let time = FieldType::Time;
    check(&time, "9:30", Ok(Value::Time(570)));
    check(&time, "21:05", Ok(Value::Time(1265)));
    check(&time, "9点30分", Ok(Value::Time(570)));
    check(&time, "9点", Ok(Value::Time(540)));
    check(&time, "24:00", Err(Problem::InvalidTime));
    check(&time, "9:60", Err(Problem::InvalidTime));

    let duration = FieldType::Duration;
    check(&duration, "90", Ok(Value::Duration(90)));
    check(&duration, "1:30", Ok(Value::Duration(90)));
    check(&duration, "1h30m", Ok(Value::Duration(90)));
    check(&duration, "2h", Ok(Value::Duration(120)));
    check(&duration, "45m", Ok(Value::Duration(45)));
    check(&duration, "1小时30分钟", Ok(Value::Duration(90)));
    check(&duration, "1:75", Err(Problem::InvalidDuration));
    check(&duration, "-5", Err(Problem::InvalidDuration));
    check(&duration, "soon", Err(Problem::InvalidDuration));
}

#[test]
fn typing_texts_and_codes() {
    check(
        &FieldType::Text,
        "  华东区  ",
        Ok(Value::Text("华东区".into())),
    );
    check(
        &FieldType::Text,
        &"长".repeat(201),
        Err(Problem::TooLong { max: 200 }),
    );
    check(
        &FieldType::LongText,
        "第一行\n第二行",
        Ok(Value::Text("第一行\n第二行".into())),
    );
    check(
        &FieldType::Phone,
        "138 0013 8000",
        Ok(Value::Text("+8613800138000".into())),
    );
    check(&FieldType::Phone, "call me", Err(Problem::InvalidPhone));
    check(
        &FieldType::Email,
        "Li.Lei@Example.com",
        Value::parse(&FieldType::Email, "li.lei@example.com").map_err(|_| Problem::InvalidEmail),
    );
    check(&FieldType::Email, "li.lei@", Err(Problem::InvalidEmail));
    check(
        &FieldType::Url,
        "example.com/about",
        Ok(Value::Text("https://example.com/about".into())),
    );
    check(
        &FieldType::Url,
        "http://例子.中国",
        Ok(Value::Text("http://例子.中国".into())),
    );
    check(
        &FieldType::Url,
        "ftp://example.com",
        Err(Problem::InvalidUrl),
    );
    check(&FieldType::Url, "not a url", Err(Problem::InvalidUrl));
    check(&FieldType::Url, "localhost", Err(Problem::InvalidUrl));
    check(
        &FieldType::Wechat,
        "wxid_lilei88",
        Ok(Value::Text("wxid_lilei88".into())),
    );
    // Ids made from a phone number are digits only.
    check(
        &FieldType::Wechat,
        "13800138000",
        Ok(Value::Text("13800138000".into())),
    );
    check(&FieldType::Wechat, "li lei", Err(Problem::InvalidWechat));
    check(&FieldType::Wechat, "李雷", Err(Problem::InvalidWechat));
    check(
        &FieldType::Wechat,
        &"w".repeat(41),
        Err(Problem::TooLong { max: 40 }),
    );
    check(
        &FieldType::IdCard,
        "11010519491231002x",
        Ok(Value::Text("11010519491231002X".into())),
    );
    check(
        &FieldType::IdCard,
        "110105194912310021",
        Err(Problem::InvalidIdCard),
    );
    check(
        &FieldType::CreditCode,
        "91350100M000100Y43",
        Ok(Value::Text("91350100M000100Y43".into())),
    );
    check(
        &FieldType::CreditCode,
        "91350100M000100Y44",
        Err(Problem::InvalidCreditCode),
    );
}

#[test]
fn typing_choices_tags_and_checkboxes() {
    let stages = stages();
    check(&stages, "won", Ok(Value::Choice("won".into())));
    check(&stages, "赢单", Ok(Value::Choice("won".into())));
    check(&stages, "WON", Ok(Value::Choice("won".into())));
    // A retired choice stays in old records but is no longer offered.
    check(&stages, "old", Err(Problem::UnknownOption));
    check(&stages, "lost", Err(Problem::UnknownOption));
    check(
        &multi(),
        "新建，won、new",
        Ok(Value::List(vec!["new".into(), "won".into()])),
    );
    check(&multi(), "new, lost", Err(Problem::UnknownOption));
    check(
        &FieldType::Tags,
        "重点, VIP，重点",
        Ok(Value::List(vec!["重点".into(), "VIP".into()])),
    );
    for yes in ["是", "true", "Yes", "1", "✓"] {
        check(&FieldType::Checkbox, yes, Ok(Value::Bool(true)));
    }
    for no in ["否", "false", "No", "0"] {
        check(&FieldType::Checkbox, no, Ok(Value::Bool(false)));
    }
    check(&FieldType::Checkbox, "maybe", Err(Problem::Invalid));
    // An unticked box is "no", never empty.
    check(&FieldType::Checkbox, "", Ok(Value::Bool(false)));
    assert_eq!(
        Value::from_json(&FieldType::Checkbox, &json!(null)),
        Ok(Value::Bool(false))
    );
    // Values that are picked or worked out, not typed.
    check(&FieldType::Address, "北京", Err(Problem::Invalid));
}

#[test]
fn json_forms_round_trip_and_refuse_wrong_types() {
    let money = FieldType::Money {
        currency: "CNY".into(),
    };
    let cases: Vec<(FieldType, &str)> = vec![
        (FieldType::Integer, "1200"),
        (FieldType::Decimal { precision: 3 }, "-2.125"),
        (money.clone(), "1200.5"),
        (FieldType::Date, "2026-12-31"),
        (FieldType::Time, "09:30"),
        (FieldType::Duration, "90"),
        (FieldType::Checkbox, "是"),
        (stages(), "won"),
        (multi(), "new,won"),
        (FieldType::Tags, "a,b"),
        (FieldType::Phone, "13800138000"),
        (FieldType::Rating { max: 5 }, "3"),
    ];
    for (field_type, typed) in cases {
        let value = Value::parse(&field_type, typed).expect("typed value parses");
        let json = value.to_json();
        assert_eq!(
            Value::from_json(&field_type, &json),
            Ok(value),
            "{:?}: {json}",
            field_type.kind()
        );
    }
    assert_eq!(
        Value::parse(&money, "1200.5").map(|v| v.to_json()),
        Ok(json!({"amount": "1200.5", "currency": "CNY"}))
    );
    // A REST client or an older device sends the wrong type: refused, not stored.
    let refused = [
        (FieldType::Integer, json!("twelve")),
        (FieldType::Integer, json!(1.5)),
        (FieldType::Checkbox, json!("perhaps")),
        (FieldType::Checkbox, json!(1.5)),
        (money.clone(), json!(12)),
        (money.clone(), json!({"amount": "12", "currency": "yuan"})),
        (money, json!({"currency": "CNY"})),
        (multi(), json!("new")),
        (multi(), json!([1, 2])),
        (stages(), json!(["won"])),
        (FieldType::Date, json!(20261231)),
        (FieldType::Text, json!({"text": "hi"})),
    ];
    for (field_type, json) in refused {
        assert!(
            Value::from_json(&field_type, &json).is_err(),
            "{:?} took {json}",
            field_type.kind()
        );
    }
    assert_eq!(
        Value::from_json(&FieldType::Text, &json!(null)),
        Ok(Value::Empty)
    );
}

#[test]
fn values_as_people_read_them() {
    let show = |field_type: &FieldType, typed: &str, locale| {
        Value::parse(field_type, typed)
            .expect("parses")
            .format(field_type, locale)
    };
    use Locale::{En, ZhCn};
    assert_eq!(show(&FieldType::Integer, "1234567", ZhCn), "1,234,567");
    assert_eq!(
        show(&FieldType::Decimal { precision: 2 }, "-1234.5", En),
        "-1,234.5"
    );
    assert_eq!(
        show(&FieldType::Percent { precision: 1 }, "12.5", En),
        "12.5%"
    );
    let money = FieldType::Money {
        currency: "CNY".into(),
    };
    assert_eq!(show(&money, "1200.5", ZhCn), "¥1,200.50");
    assert_eq!(show(&FieldType::Checkbox, "1", ZhCn), "是");
    assert_eq!(show(&FieldType::Checkbox, "0", En), "No");
    assert_eq!(show(&FieldType::Duration, "90", ZhCn), "1 小时 30 分钟");
    assert_eq!(show(&FieldType::Duration, "45", En), "45 min");
    assert_eq!(show(&FieldType::Time, "9:05", En), "09:05");
    assert_eq!(show(&stages(), "won", ZhCn), "赢单");
    assert_eq!(show(&stages(), "won", En), "Won");
    assert_eq!(show(&multi(), "won,new", ZhCn), "赢单、新建");
    assert_eq!(show(&FieldType::Rating { max: 5 }, "3", En), "★★★");
    assert_eq!(
        show(&FieldType::Phone, "13800138000", ZhCn),
        "138 0013 8000"
    );
}

#[test]
fn ordering_values_of_a_field() {
    let sorted = |field_type: &FieldType, typed: &[&str]| -> Vec<String> {
        let mut values: Vec<Value> = typed
            .iter()
            .map(|t| Value::parse(field_type, t).expect("parses"))
            .collect();
        values.sort_by(|a, b| a.compare(b, field_type));
        values
            .iter()
            .map(|v| v.format(field_type, Locale::En))
            .collect()
    };
    // Numbers by size, not by their text; empty last.
    assert_eq!(
        sorted(
            &FieldType::Decimal { precision: 2 },
            &["10", "", "9.5", "-1"]
        ),
        ["-1", "9.5", "10", ""]
    );
    // Choices in the order the field offers them.
    assert_eq!(sorted(&stages(), &["won", "new"]), ["New", "Won"]);
    assert_eq!(
        sorted(&FieldType::Date, &["2026-12-01", "2026-02-01"]),
        ["Feb 1, 2026", "Dec 1, 2026"]
    );
    // Decimals of different scales (a precision changed under old records) compare by value.
    assert_eq!(
        dec(15, 1).compare(&dec(150, 2), &FieldType::Integer),
        Ordering::Equal
    );
    assert_eq!(
        dec(15, 1).compare(&dec(149, 2), &FieldType::Integer),
        Ordering::Greater
    );
    // Amounts of different currencies are never compared as numbers.
    let usd = Value::Money {
        hundredths: 1,
        currency: "USD".into(),
    };
    let cny = Value::Money {
        hundredths: 1_000_000,
        currency: "CNY".into(),
    };
    assert_eq!(cny.compare(&usd, &FieldType::Integer), Ordering::Less);
}

#[test]
fn search_texts() {
    let phone = Value::parse(&FieldType::Phone, "138 0013 8000").expect("parses");
    let text = phone.search_text(&FieldType::Phone);
    assert!(text.contains("13800138000") && text.contains("+8613800138000"));
    let won = Value::Choice("won".into());
    let text = won.search_text(&stages());
    assert!(text.contains("赢单") && text.contains("Won"));
    let amount = Value::parse(&FieldType::Integer, "1200").expect("parses");
    assert_eq!(amount.search_text(&FieldType::Integer), "1200");
}

#[test]
fn moments_people_records_places_rows_and_files() {
    use crate::schema::{FieldDef, ObjectKey};
    // A moment typed in China's time, or sent with its offset, is one instant.
    let typed = Value::parse(&FieldType::DateTime, "2026-12-31 09:30").expect("parses");
    for sent in [
        json!("2026-12-31T09:30:00+08:00"),
        json!("2026-12-31T01:30:00Z"),
        json!("2026-12-30T20:30:45.5-05:00"),
    ] {
        assert_eq!(
            Value::from_json(&FieldType::DateTime, &sent),
            Ok(typed.clone()),
            "{sent}"
        );
    }
    assert_eq!(typed.to_json(), json!("2026-12-31T01:30:00Z"));
    assert_eq!(
        typed.format(&FieldType::DateTime, Locale::ZhCn),
        crate::format::date_time(Locale::ZhCn, 2026, 12, 31, 9, 30)
    );
    for bad in [
        "2026-12-31",
        "2026-12-31 25:00",
        "2026-02-30 09:00",
        "2026-12-31T09:30+99:00",
    ] {
        assert_eq!(
            Value::parse(&FieldType::DateTime, bad),
            Err(Problem::InvalidDateTime),
            "{bad}"
        );
    }

    let a = "0190f7a4-0000-7000-8000-000000000001";
    let b = "0190f7a4-0000-7000-8000-000000000002";
    let link = FieldType::Link {
        object: ObjectKey::parse("accounts").expect("key"),
    };
    let links = FieldType::Links {
        object: ObjectKey::parse("accounts").expect("key"),
    };
    assert!(matches!(
        Value::from_json(&link, &json!(a)),
        Ok(Value::Id(_))
    ));
    assert_eq!(
        Value::from_json(&link, &json!("not-an-id")),
        Err(Problem::Invalid)
    );
    assert_eq!(Value::from_json(&link, &json!([a])), Err(Problem::Invalid));
    let both = Value::from_json(&links, &json!([a, b, a])).expect("ids");
    assert_eq!(both.to_json(), json!([a, b]), "a repeated id counts once");
    // What a picker holds reads the same way, and back.
    let picked = Value::parse(&link, &format!(" {a} ")).expect("a picked id");
    assert_eq!(picked.to_json(), json!(a));
    assert_eq!(picked.edit_text(&link), a);
    assert_eq!(Value::parse(&link, "华为"), Err(Problem::Invalid));
    let several = Value::parse(&links, &format!("{a}, {b}，{a}")).expect("picked ids");
    assert_eq!(several.to_json(), json!([a, b]));
    let too_many: Vec<String> = (0..=MANY_MAX)
        .map(|i| format!("0190f7a4-0000-7000-8000-{i:012}"))
        .collect();
    assert_eq!(
        Value::from_json(&links, &json!(too_many)),
        Err(Problem::TooMany { max: MANY_MAX })
    );
    let people = FieldType::User { many: true };
    assert!(matches!(
        Value::from_json(&people, &json!([a])),
        Ok(Value::Ids(_))
    ));

    // A sub-table's rows as a form sends them (JSON text), read back the same.
    let lines = FieldType::SubTable {
        columns: vec![
            crate::schema::fixtures::field("item", FieldType::Text),
            crate::schema::fixtures::field(
                "price",
                FieldType::Money {
                    currency: "CNY".into(),
                },
            ),
        ],
    };
    let typed = r#"[{"item": "服务器", "price": {"amount": "12000", "currency": "CNY"}}, {"item": "安装"}]"#;
    let rows = Value::parse(&lines, typed).expect("rows");
    assert_eq!(
        Value::parse(&lines, &rows.edit_text(&lines)),
        Ok(rows.clone())
    );
    assert_eq!(rows.format(&lines, Locale::ZhCn), "2 行");
    assert_eq!(
        Value::parse(&lines, "[{\"colour\": \"red\"}]"),
        Err(Problem::UnknownField)
    );
    assert_eq!(Value::parse(&lines, "两行"), Err(Problem::Invalid));

    let address = json!({"province": "浙江省", "city": "杭州市", "district": "西湖区", "street": "文三路 90 号"});
    let value = Value::from_json(&FieldType::Address, &address).expect("address");
    assert_eq!(value.to_json(), address);
    assert_eq!(
        value.format(&FieldType::Address, Locale::ZhCn),
        "浙江省杭州市西湖区文三路 90 号"
    );
    assert_eq!(
        value.format(&FieldType::Address, Locale::En),
        "文三路 90 号, 西湖区, 杭州市, 浙江省"
    );
    assert!(value.search_text(&FieldType::Address).contains("西湖区"));
    assert_eq!(
        Value::from_json(&FieldType::Address, &json!({"city": 12})),
        Err(Problem::Invalid)
    );

    let place = Value::from_json(&FieldType::Geo, &json!({"lat": 30.2741, "lng": 120.1551}))
        .expect("place");
    assert_eq!(place.to_json(), json!({"lat": 30.2741, "lng": 120.1551}));
    assert_eq!(
        Value::from_json(&FieldType::Geo, &json!({"lat": 91, "lng": 0})),
        Err(Problem::OutOfRange { min: -90, max: 90 })
    );

    let lines = FieldType::SubTable {
        columns: vec![
            FieldDef {
                required: true,
                ..FieldDef::new("item", Labels::new("产品", "Item"), FieldType::Text).expect("key")
            },
            FieldDef::new(
                "price",
                Labels::new("单价", "Price"),
                FieldType::Money {
                    currency: "CNY".into(),
                },
            )
            .expect("key"),
        ],
    };
    let rows = json!([
        {"item": "云服务", "price": {"amount": "100", "currency": "CNY"}},
        {"item": "实施"},
    ]);
    let value = Value::from_json(&lines, &rows).expect("rows");
    assert_eq!(value.to_json(), rows);
    assert_eq!(value.format(&lines, Locale::En), "2 rows");
    assert!(value.search_text(&lines).contains("云服务"));
    assert_eq!(
        Value::from_json(
            &lines,
            &json!([{"price": {"amount": "1", "currency": "CNY"}}])
        ),
        Err(Problem::Required)
    );
    assert_eq!(
        Value::from_json(&lines, &json!([{"item": "x", "colour": "red"}])),
        Err(Problem::UnknownField)
    );
    assert_eq!(
        Value::from_json(&lines, &json!([{"item": "x", "price": 12}])),
        Err(Problem::Invalid)
    );

    let file = json!({"id": a, "name": "合同.pdf", "size": 1024, "type": "application/pdf"});
    let files = FieldType::File { many: true };
    let value = Value::from_json(&files, &json!([file])).expect("files");
    assert_eq!(value.to_json(), json!([file]));
    assert_eq!(value.format(&files, Locale::ZhCn), "合同.pdf");
    assert_eq!(
        Value::from_json(&FieldType::Image, &file),
        Err(Problem::NotAnImage)
    );
    assert_eq!(
        Value::from_json(&FieldType::File { many: false }, &json!([file, file])),
        Err(Problem::TooMany { max: 1 })
    );
    // A form holds files as their JSON text, which reads back to the same files; an image
    // carries its thumbnail's id, which `file_ids` names beside the image's.
    assert_eq!(
        Value::parse(&files, &value.edit_text(&files)),
        Ok(value.clone())
    );
    let thumb = uuid::Uuid::from_u128(0x77);
    let photo =
        json!({"id": a, "name": "名片.png", "size": 2048, "type": "image/png", "thumb": thumb});
    let image = Value::from_json(&FieldType::Image, &photo).expect("an image");
    assert_eq!(image.to_json(), json!([photo]));
    assert_eq!(
        Value::parse(&FieldType::Image, &image.edit_text(&FieldType::Image)),
        Ok(image.clone())
    );
    assert_eq!(
        crate::sync::file_ids(&photo),
        vec![a.parse::<uuid::Uuid>().expect("an id"), thumb]
    );
    assert_eq!(
        Value::parse(&FieldType::Signature, "not json"),
        Err(Problem::Invalid)
    );
    // A place is typed (or filled in by the device) as latitude, longitude; an address as
    // its parts' JSON; each reads back from its form text.
    let place = Value::parse(&FieldType::Geo, "31.230416， 121.473701").expect("a place");
    assert_eq!(
        place.to_json(),
        json!({"lat": 31.230416, "lng": 121.473701})
    );
    assert_eq!(
        Value::parse(&FieldType::Geo, &place.edit_text(&FieldType::Geo)),
        Ok(place)
    );
    for wrong in ["31.2", "north, east", "31, 121, 5", "NaN, 1"] {
        assert_eq!(
            Value::parse(&FieldType::Geo, wrong),
            Err(Problem::Invalid),
            "{wrong}"
        );
    }
    assert!(matches!(
        Value::parse(&FieldType::Geo, "95, 121"),
        Err(Problem::OutOfRange { .. })
    ));
    let home = Value::parse(
        &FieldType::Address,
        r#"{"province": "浙江省", "city": "杭州市", "district": "西湖区", "street": "文三路 90 号"}"#,
    )
    .expect("an address");
    assert_eq!(
        Value::parse(&FieldType::Address, &home.edit_text(&FieldType::Address)),
        Ok(home)
    );

    // Worked-out fields are never written; an auto number reads back as the server wrote it.
    assert_eq!(
        Value::from_json(
            &FieldType::Formula {
                expression: "1".into()
            },
            &json!(1)
        ),
        Err(Problem::ReadOnly)
    );
    let number = FieldType::AutoNumber {
        prefix: "HT-".into(),
        date: true,
        digits: 4,
    };
    assert_eq!(
        Value::from_json(&number, &json!("HT-20261130-0001")),
        Ok(Value::Text("HT-20261130-0001".into()))
    );
}

/// What a form shows for editing reads back to the same value, for every type a person types.
#[test]
fn edit_texts_read_back() {
    let money = FieldType::Money {
        currency: "CNY".into(),
    };
    let cases: Vec<(FieldType, &str)> = vec![
        (FieldType::Text, "华北大区"),
        (FieldType::LongText, "第一行\n第二行"),
        (FieldType::Integer, "-1,234"),
        (FieldType::Decimal { precision: 3 }, "12.345"),
        (money, "¥12,000.50"),
        (FieldType::Percent { precision: 1 }, "12.5%"),
        (FieldType::Rating { max: 5 }, "4"),
        (FieldType::Date, "2026-11-30"),
        (FieldType::DateTime, "2026-11-30 09:30"),
        (FieldType::Time, "9点30"),
        (FieldType::Duration, "1小时30分钟"),
        (FieldType::Checkbox, "是"),
        (FieldType::Checkbox, ""),
        (stages(), "won"),
        (multi(), "new, won"),
        (FieldType::Tags, "老客户, 华北"),
        (FieldType::Phone, "138 0013 8000"),
        (FieldType::Email, "Wang@Example.com"),
        (FieldType::Url, "qiao.example/path"),
        (FieldType::IdCard, "11010519491231002X"),
    ];
    for (field_type, typed) in cases {
        let value = Value::parse(&field_type, typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
        let text = value.edit_text(&field_type);
        assert_eq!(
            Value::parse(&field_type, &text),
            Ok(value.clone()),
            "{typed} → {text}"
        );
    }
}

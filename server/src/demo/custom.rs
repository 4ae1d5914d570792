//! The demo company's own fields on contacts (`qiao-server demo --custom-fields N`): up to
//! twenty of mixed types (choices, amounts, numbers, dates, times, texts, people's details and
//! a formula), with a value of each in every contact, written as the schema mutators and a
//! device would write them. Benchmarks measure lists and REST with them.

use serde_json::{Map, Value as Json, json};
use shared::records::Pipelines;
use shared::schema::company::CompanySchema;
use shared::schema::{FieldDef, FieldType, ObjectKey, Value};

use super::{DemoError, Dice, PLACES};

/// How many custom fields the demo can give contacts.
pub const MAX: usize = 20;

/// The fields, in the order they are added (the first `n` are used).
fn definitions() -> Vec<Json> {
    let choices = |items: &[(&str, &str, &str)]| -> Json {
        items
            .iter()
            .map(|(key, zh, en)| json!({"key": key, "label": {"zh": zh, "en": en}}))
            .collect()
    };
    let field = |key: &str, zh: &str, en: &str, field_type: Json| json!({"key": key, "label": {"zh": zh, "en": en}, "field_type": field_type});
    vec![
        field(
            "grade",
            "等级",
            "Grade",
            json!({"type": "single_select", "options": choices(&[("a", "A 级", "A"), ("b", "B 级", "B"), ("c", "C 级", "C")])}),
        ),
        field(
            "budget",
            "预算",
            "Budget",
            json!({"type": "money", "currency": "CNY"}),
        ),
        field("region", "区域", "Region", json!({"type": "text"})),
        field("visits", "拜访次数", "Visits", json!({"type": "integer"})),
        field(
            "score",
            "评分值",
            "Score",
            json!({"type": "decimal", "precision": 1}),
        ),
        field(
            "discount",
            "折扣",
            "Discount",
            json!({"type": "percent", "precision": 0}),
        ),
        field(
            "discounted",
            "折后预算",
            "Discounted budget",
            json!({"type": "formula", "expression": "budget * (1 - discount / 100)"}),
        ),
        field(
            "stars",
            "星级",
            "Stars",
            json!({"type": "rating", "max": 5}),
        ),
        field(
            "first_met",
            "初次见面",
            "First met",
            json!({"type": "date"}),
        ),
        field("vip", "重点客户", "VIP", json!({"type": "checkbox"})),
        field(
            "interests",
            "关注产品",
            "Interests",
            json!({"type": "multi_select", "options": choices(&[("crm", "CRM", "CRM"), ("erp", "ERP", "ERP"), ("bi", "报表", "BI")])}),
        ),
        field("labels", "标记", "Labels", json!({"type": "tags"})),
        field("hotline", "座机", "Desk phone", json!({"type": "phone"})),
        field(
            "backup_email",
            "备用邮箱",
            "Other email",
            json!({"type": "email"}),
        ),
        field("site", "网站", "Website", json!({"type": "url"})),
        field(
            "next_call",
            "下次回访",
            "Next call",
            json!({"type": "date_time"}),
        ),
        field(
            "call_time",
            "方便时段",
            "Best time",
            json!({"type": "time"}),
        ),
        field(
            "meeting_length",
            "会谈时长",
            "Meeting length",
            json!({"type": "duration"}),
        ),
        field("remark", "跟进备忘", "Remark", json!({"type": "long_text"})),
        field(
            "wechat_alt",
            "备用微信",
            "Other WeChat",
            json!({"type": "wechat"}),
        ),
    ]
}

/// The company's schema with the first `n` demo fields on contacts.
pub fn schema(n: usize, now: i64) -> Result<(CompanySchema, Vec<FieldDef>), DemoError> {
    let contacts =
        ObjectKey::parse("contacts").map_err(|p| DemoError::Generated("schema", p.to_string()))?;
    let fields: Vec<FieldDef> = definitions()
        .into_iter()
        .take(n.min(MAX))
        .map(serde_json::from_value)
        .collect::<Result<_, _>>()
        .map_err(|e| DemoError::Generated("field", e.to_string()))?;
    let pipelines = Pipelines::default();
    let schema = CompanySchema::default()
        .changed(now, |s| {
            fields
                .iter()
                .try_for_each(|f| s.save_field(&contacts, f, &pipelines))
        })
        .map_err(|errors| DemoError::Generated("schema", format!("{errors:?}")))?;
    Ok((schema, fields))
}

/// What a person might have typed into each field for contact `i`, read by the field's type.
pub(super) fn values(fields: &[FieldDef], dice: &mut Dice, i: usize) -> Map<String, Json> {
    let mut out = Map::new();
    for field in fields {
        let typed = match field.key.as_str() {
            "grade" => ["a", "b", "c"][dice.below(3)].to_owned(),
            "budget" => ((1 + dice.below(400)) * 500).to_string(),
            "region" => PLACES[dice.below(PLACES.len())].1.to_owned(),
            "visits" => dice.below(60).to_string(),
            "score" => format!("{}.{}", dice.below(10), dice.below(10)),
            "discount" => (dice.below(7) * 5).to_string(),
            "stars" => (1 + dice.below(5)).to_string(),
            "first_met" => format!(
                "{}-{:02}-{:02}",
                2015 + dice.below(11),
                1 + dice.below(12),
                1 + dice.below(28)
            ),
            "vip" => if i.is_multiple_of(7) { "是" } else { "" }.to_owned(),
            "interests" => ["CRM", "ERP", "CRM, 报表", "ERP, 报表"][dice.below(4)].to_owned(),
            "labels" => ["老客户", "华北, 重点", "展会"][dice.below(3)].to_owned(),
            "hotline" => format!("010-{:08}", dice.next() % 100_000_000),
            "backup_email" => format!("b{i}@mail.example.cn"),
            "site" => format!("https://c{}.example.cn", i % 977),
            "next_call" => format!(
                "2026-12-{:02} {:02}:{:02}",
                1 + dice.below(28),
                9 + dice.below(9),
                [0, 15, 30, 45][dice.below(4)]
            ),
            "call_time" => format!("{:02}:30", 9 + dice.below(9)),
            "meeting_length" => (15 * (1 + dice.below(8))).to_string(),
            "remark" => "下周再约一次".to_owned(),
            "wechat_alt" => format!("wx_demo_{i}"),
            _ => continue,
        };
        if let Ok(value) = Value::parse(&field.field_type, &typed)
            && value != Value::Empty
            && !matches!(field.field_type, FieldType::Formula { .. })
        {
            out.insert(field.key.as_str().to_owned(), value.to_json());
        }
    }
    out
}

//! What the screens call the records' fields and choices, in both languages.

use crate::i18n::Locale;
use crate::records::Pipelines;
use crate::sync::record::Collection;

/// `(field, 中文, English)`, for every field name any kind uses.
const FIELDS: &[(&str, &str, &str)] = &[
    ("name", "名称", "Name"),
    ("company", "公司", "Company"),
    ("phone", "电话", "Phone"),
    ("email", "邮箱", "Email"),
    ("notes", "备注", "Notes"),
    ("industry", "行业", "Industry"),
    ("province", "省份", "Province"),
    ("city", "城市", "City"),
    ("address", "地址", "Address"),
    ("website", "网站", "Website"),
    ("size", "人数", "Employees"),
    ("grade", "等级", "Grade"),
    ("source", "来源", "Source"),
    ("tags", "标签（逗号分隔）", "Tags (comma separated)"),
    ("stage", "阶段", "Stage"),
    ("campaign", "市场活动", "Campaign"),
    ("status", "状态", "Status"),
    ("account", "客户", "Account"),
    ("contact", "联系人", "Contact"),
    ("contacts", "其他联系人", "Other contacts"),
    ("amount", "金额", "Amount"),
    ("currency", "币种", "Currency"),
    ("close_date", "预计成交日期", "Expected close date"),
    ("probability", "赢率（%）", "Probability (%)"),
    ("products", "产品", "Products"),
    ("kind", "类型", "Type"),
    ("subject", "主题", "Subject"),
    ("about", "关联记录", "About"),
    ("at", "时间", "When"),
    ("location", "地点", "Location"),
    ("title", "标题", "Title"),
    ("due", "截止时间", "Due"),
    ("done", "已完成", "Done"),
    ("job_title", "职务", "Job title"),
    (
        "phones",
        "其他电话（逗号分隔）",
        "Other phones (comma separated)",
    ),
    ("wechat", "微信号", "WeChat ID"),
    ("birthday", "生日", "Birthday"),
    ("owner", "负责人", "Owner"),
    ("pipeline", "销售流程", "Pipeline"),
];

pub fn field_label(field: &str, locale: Locale) -> &'static str {
    FIELDS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map_or("", |(_, zh, en)| match locale {
            Locale::ZhCn => zh,
            Locale::En => en,
        })
}

/// A collection's name as a screen title.
pub fn collection_label(collection: Collection, locale: Locale) -> &'static str {
    let (zh, en) = match collection {
        Collection::Account => ("客户", "Accounts"),
        Collection::Contact => ("联系人", "Contacts"),
        Collection::Lead => ("线索", "Leads"),
        Collection::Deal => ("商机", "Deals"),
        Collection::Activity => ("活动记录", "Activities"),
        Collection::Task => ("任务", "Tasks"),
        Collection::Issue => ("同步问题", "Sync issues"),
        Collection::View => ("视图", "Views"),
        Collection::Change => ("变更", "Changes"),
        Collection::Pipeline => ("销售流程", "Pipelines"),
        Collection::Schema => ("对象与字段", "Objects and fields"),
        Collection::Object => ("自定义对象", "Custom objects"),
    };
    match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    }
}

/// The allowed values of a choice field as `(key, label)`, or `None` for free fields; deal
/// stages and pipelines as `pipelines` has them (every pipeline's stages, each key once).
pub fn choices_with(
    collection: Collection,
    field: &str,
    locale: Locale,
    pipelines: &Pipelines,
) -> Option<Vec<(String, String)>> {
    let en = locale == Locale::En;
    match (collection, field) {
        (Collection::Deal, "stage") => Some(pipelines.all_stages(en)),
        (Collection::Deal, "pipeline") => {
            let main = if en { "Main pipeline" } else { "默认流程" };
            let mut list = vec![(String::new(), main.to_owned())];
            list.extend(
                pipelines
                    .list()
                    .iter()
                    .skip(1)
                    .map(|(id, _)| (id.to_string(), pipelines.name_of(*id, main))),
            );
            Some(list)
        }
        _ => choices(collection, field, locale),
    }
}

/// The allowed values of a choice field as `(key, label)`, or `None` for free fields (deal
/// stages: the standard pipeline's; see [`choices_with`]).
pub fn choices(
    collection: Collection,
    field: &str,
    locale: Locale,
) -> Option<Vec<(String, String)>> {
    let pick = |zh: &str, en: &str| match locale {
        Locale::ZhCn => zh.to_owned(),
        Locale::En => en.to_owned(),
    };
    let list = |items: &[(&str, &str, &str)]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, zh, en)| ((*k).to_owned(), pick(zh, en)))
            .collect()
    };
    let lifecycle = [
        ("lead", "线索", "Lead"),
        ("mql", "市场认可线索", "MQL"),
        ("sql", "销售认可线索", "SQL"),
        ("opportunity", "商机", "Opportunity"),
        ("customer", "客户", "Customer"),
        ("advocate", "推荐者", "Advocate"),
    ];
    Some(match (collection, field) {
        (Collection::Account, "grade") => {
            let mut grades = vec![(String::new(), String::new())];
            grades.extend(["A", "B", "C", "D"].map(|g| (g.to_owned(), g.to_owned())));
            grades
        }
        (Collection::Account, "stage") => list(&lifecycle),
        (Collection::Lead, "stage") => list(&lifecycle[..3]),
        (Collection::Lead, "status") => list(&[
            ("new", "新线索", "New"),
            ("contacted", "已联系", "Contacted"),
            ("qualified", "合格", "Qualified"),
            ("unqualified", "不合格", "Unqualified"),
        ]),
        (Collection::Activity, "kind") => list(&[
            ("call", "电话", "Call"),
            ("visit", "拜访", "Visit"),
            ("meeting", "会议", "Meeting"),
            ("email", "邮件", "Email"),
            ("note", "笔记", "Note"),
        ]),
        (Collection::Deal, "stage" | "pipeline") => {
            return choices_with(collection, field, locale, &Pipelines::default());
        }
        (Collection::Task, "done") => list(&[("false", "否", "No"), ("true", "是", "Yes")]),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Account, Activity, Deal, Kind, Lead, Task};

    #[test]
    fn every_field_has_a_label_in_both_languages() {
        let all = [
            Account::FIELDS,
            Lead::FIELDS,
            Deal::FIELDS,
            Activity::FIELDS,
            Task::FIELDS,
        ];
        for field in all.iter().flat_map(|f| f.iter()) {
            for locale in Locale::ALL {
                assert!(!field_label(field, locale).is_empty(), "{field}");
            }
        }
    }

    #[test]
    fn choices_are_values_the_fields_accept() {
        type Accepts = fn(&str) -> bool;
        let cases: [(Collection, &str, Accepts); 5] = [
            (Collection::Deal, "stage", |v| {
                let mut d = Deal::blank();
                d.set("stage", v).is_ok()
            }),
            (Collection::Lead, "status", |v| {
                Lead::blank().set("status", v).is_ok()
            }),
            (Collection::Lead, "stage", |v| {
                Lead::blank().set("stage", v).is_ok()
            }),
            (Collection::Account, "grade", |v| {
                Account::blank().set("grade", v).is_ok()
            }),
            (Collection::Activity, "kind", |v| {
                Activity::blank().set("kind", v).is_ok()
            }),
        ];
        for (collection, field, accepts) in cases {
            for (key, _) in choices(collection, field, Locale::En).unwrap_or_default() {
                assert!(accepts(&key), "{field} {key}");
            }
        }
        assert!(Task::blank().set("done", "true").is_ok());
    }
}

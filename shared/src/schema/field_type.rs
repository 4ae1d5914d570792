//! The types a field can have, with the options each carries. The set is the product's own
//! language, so it is a closed enum: every place that works per type (form widget, list cell,
//! filter operators, REST form) matches on [`FieldKind`] and the compiler finds the places a
//! new type must reach.

use serde::{Deserialize, Serialize};

use super::{FieldDef, FieldKey, Labels, ObjectKey};

/// One choice of a single or multiple select. Its `key` is stored in records and never changes;
/// the labels and colour may. A retired choice stays readable in the records that hold it but is
/// no longer offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub key: String,
    pub label: Labels,
    /// A colour for chips and board columns, `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

/// A key made from what a person wrote: lower-case ASCII words joined by `_`, or `None` when
/// the text has none to offer (Chinese only, say).
pub fn slug(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out: String = out.trim_matches('_').chars().take(30).collect();
    FieldKey::parse(&out).ok().map(|k| k.as_str().to_owned())
}

/// Choices labelled with `labels` (blank ones skipped): each keyed by its label where that
/// makes a key (`A`, `VIP`), else by its place (`o3`), never twice.
pub fn choices_of<'a>(labels: impl IntoIterator<Item = &'a str>) -> Vec<Choice> {
    let mut out: Vec<Choice> = Vec::new();
    for (i, label) in labels
        .into_iter()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let mut key = slug(label).unwrap_or_else(|| format!("o{}", i + 1));
        if out.iter().any(|c| c.key == key) {
            key = format!("o{}", i + 1);
        }
        out.push(Choice {
            key,
            label: Labels::new(label, label),
            color: None,
            retired: false,
        });
    }
    out
}

/// How a rollup folds the linked records' values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollupFn {
    Count,
    Sum,
    Min,
    Max,
    Avg,
}

/// A field's type and its options, serialized as `{"type": "money", "currency": "CNY"}`.
/// Do not rename the variants or options: they are stored in schemas and sent over REST.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines of plain text.
    LongText,
    /// Formatted text (sanitised HTML).
    RichText,
    Integer,
    /// A decimal number with `precision` digits after the point.
    Decimal {
        precision: u8,
    },
    /// An amount and its ISO 4217 currency; `currency` is the one offered first.
    Money {
        currency: String,
    },
    /// A percentage with `precision` digits after the point (`12.5` is 12.5 %).
    Percent {
        precision: u8,
    },
    /// Stars from 1 to `max`.
    Rating {
        max: u8,
    },
    Date,
    DateTime,
    /// A time of day.
    Time,
    /// A length of time (stored in minutes).
    Duration,
    Checkbox,
    SingleSelect {
        options: Vec<Choice>,
    },
    MultiSelect {
        options: Vec<Choice>,
    },
    /// Free tags.
    Tags,
    Phone,
    Email,
    Url,
    /// A WeChat id.
    Wechat,
    /// A resident identity card number (checked).
    IdCard,
    /// A unified social credit code (checked).
    CreditCode,
    /// Province, city, district and street.
    Address,
    /// A place on the map (latitude and longitude).
    Geo,
    /// One person of the company, or several.
    User {
        #[serde(default)]
        many: bool,
    },
    Team,
    /// One record of `object`.
    Link {
        object: ObjectKey,
    },
    /// Several records of `object`.
    Links {
        object: ObjectKey,
    },
    /// Rows with typed columns of their own (e.g. a quote's lines).
    SubTable {
        columns: Vec<FieldDef>,
    },
    File {
        #[serde(default)]
        many: bool,
    },
    /// An image, shown as a thumbnail.
    Image,
    /// A signature drawn on the screen.
    Signature,
    /// A number the server assigns: `prefix`, the date when `date`, and a sequence of `digits`.
    AutoNumber {
        prefix: String,
        #[serde(default)]
        date: bool,
        digits: u8,
    },
    /// Computed from the record's other fields.
    Formula {
        expression: String,
    },
    /// Folds `field` of the records of `object` whose link field `link` points to this record
    /// (an account's deals: `{"object": "deals", "link": "account", "field": "amount"}`), those
    /// passing `filter` (the query language, over `object`) only.
    Rollup {
        object: ObjectKey,
        link: FieldKey,
        field: FieldKey,
        function: RollupFn,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<String>,
    },
    /// A field of the record linked through `link`.
    Lookup {
        link: FieldKey,
        field: FieldKey,
    },
    CreatedBy,
    ModifiedBy,
    CreatedAt,
    ModifiedAt,
}

macro_rules! kinds {
    ($($kind:ident => $key:literal, $zh:literal, $en:literal;)*) => {
        /// A field type without its options: what the type pickers and `/api/v1/field-types`
        /// list.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FieldKind { $($kind),* }

        impl FieldKind {
            pub const ALL: &'static [FieldKind] = &[$(FieldKind::$kind),*];

            /// The stable key, as in `{"type": …}`.
            pub fn key(self) -> &'static str {
                match self { $(FieldKind::$kind => $key),* }
            }

            /// The type's name for people.
            pub fn name(self) -> Labels {
                match self { $(FieldKind::$kind => Labels::new($zh, $en)),* }
            }
        }
    };
}

kinds! {
    Text => "text", "单行文本", "Text";
    LongText => "long_text", "多行文本", "Long text";
    RichText => "rich_text", "富文本", "Rich text";
    Integer => "integer", "整数", "Integer";
    Decimal => "decimal", "小数", "Decimal";
    Money => "money", "金额", "Money";
    Percent => "percent", "百分比", "Percent";
    Rating => "rating", "评分", "Rating";
    Date => "date", "日期", "Date";
    DateTime => "date_time", "日期时间", "Date and time";
    Time => "time", "时间", "Time";
    Duration => "duration", "时长", "Duration";
    Checkbox => "checkbox", "勾选", "Checkbox";
    SingleSelect => "single_select", "单选", "Single select";
    MultiSelect => "multi_select", "多选", "Multiple select";
    Tags => "tags", "标签", "Tags";
    Phone => "phone", "电话", "Phone";
    Email => "email", "邮箱", "Email";
    Url => "url", "网址", "URL";
    Wechat => "wechat", "微信号", "WeChat ID";
    IdCard => "id_card", "身份证号", "ID card number";
    CreditCode => "credit_code", "统一社会信用代码", "Unified social credit code";
    Address => "address", "地址", "Address";
    Geo => "geo", "地理位置", "Location";
    User => "user", "人员", "Person";
    Team => "team", "团队", "Team";
    Link => "link", "关联记录", "Link to a record";
    Links => "links", "关联多条记录", "Links to records";
    SubTable => "sub_table", "子表", "Sub-table";
    File => "file", "附件", "File";
    Image => "image", "图片", "Image";
    Signature => "signature", "手写签名", "Signature";
    AutoNumber => "auto_number", "自动编号", "Auto number";
    Formula => "formula", "公式", "Formula";
    Rollup => "rollup", "汇总", "Rollup";
    Lookup => "lookup", "引用", "Lookup";
    CreatedBy => "created_by", "创建人", "Created by";
    ModifiedBy => "modified_by", "修改人", "Modified by";
    CreatedAt => "created_at", "创建时间", "Created at";
    ModifiedAt => "modified_at", "修改时间", "Modified at";
}

impl FieldKind {
    /// The kind of the type named `key`.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.key() == key)
    }

    /// The options a type of this kind carries (`{"type": "money", "currency": …}`).
    pub fn options(self) -> &'static [&'static str] {
        match self {
            FieldKind::Decimal | FieldKind::Percent => &["precision"],
            FieldKind::Money => &["currency"],
            FieldKind::Rating => &["max"],
            FieldKind::SingleSelect | FieldKind::MultiSelect => &["options"],
            FieldKind::User | FieldKind::File => &["many"],
            FieldKind::Link | FieldKind::Links => &["object"],
            FieldKind::SubTable => &["columns"],
            FieldKind::AutoNumber => &["prefix", "date", "digits"],
            FieldKind::Formula => &["expression"],
            FieldKind::Rollup => &["object", "link", "field", "function", "filter"],
            FieldKind::Lookup => &["link", "field"],
            _ => &[],
        }
    }

    /// Whether people never type the value: the device or the server works it out.
    pub fn is_computed(self) -> bool {
        matches!(
            self,
            FieldKind::AutoNumber
                | FieldKind::Formula
                | FieldKind::Rollup
                | FieldKind::Lookup
                | FieldKind::CreatedBy
                | FieldKind::ModifiedBy
                | FieldKind::CreatedAt
                | FieldKind::ModifiedAt
        )
    }
}

impl FieldType {
    pub fn kind(&self) -> FieldKind {
        match self {
            FieldType::Text => FieldKind::Text,
            FieldType::LongText => FieldKind::LongText,
            FieldType::RichText => FieldKind::RichText,
            FieldType::Integer => FieldKind::Integer,
            FieldType::Decimal { .. } => FieldKind::Decimal,
            FieldType::Money { .. } => FieldKind::Money,
            FieldType::Percent { .. } => FieldKind::Percent,
            FieldType::Rating { .. } => FieldKind::Rating,
            FieldType::Date => FieldKind::Date,
            FieldType::DateTime => FieldKind::DateTime,
            FieldType::Time => FieldKind::Time,
            FieldType::Duration => FieldKind::Duration,
            FieldType::Checkbox => FieldKind::Checkbox,
            FieldType::SingleSelect { .. } => FieldKind::SingleSelect,
            FieldType::MultiSelect { .. } => FieldKind::MultiSelect,
            FieldType::Tags => FieldKind::Tags,
            FieldType::Phone => FieldKind::Phone,
            FieldType::Email => FieldKind::Email,
            FieldType::Url => FieldKind::Url,
            FieldType::Wechat => FieldKind::Wechat,
            FieldType::IdCard => FieldKind::IdCard,
            FieldType::CreditCode => FieldKind::CreditCode,
            FieldType::Address => FieldKind::Address,
            FieldType::Geo => FieldKind::Geo,
            FieldType::User { .. } => FieldKind::User,
            FieldType::Team => FieldKind::Team,
            FieldType::Link { .. } => FieldKind::Link,
            FieldType::Links { .. } => FieldKind::Links,
            FieldType::SubTable { .. } => FieldKind::SubTable,
            FieldType::File { .. } => FieldKind::File,
            FieldType::Image => FieldKind::Image,
            FieldType::Signature => FieldKind::Signature,
            FieldType::AutoNumber { .. } => FieldKind::AutoNumber,
            FieldType::Formula { .. } => FieldKind::Formula,
            FieldType::Rollup { .. } => FieldKind::Rollup,
            FieldType::Lookup { .. } => FieldKind::Lookup,
            FieldType::CreatedBy => FieldKind::CreatedBy,
            FieldType::ModifiedBy => FieldKind::ModifiedBy,
            FieldType::CreatedAt => FieldKind::CreatedAt,
            FieldType::ModifiedAt => FieldKind::ModifiedAt,
        }
    }

    /// The choices of a single or multiple select (none for other types).
    pub fn choices(&self) -> &[Choice] {
        match self {
            FieldType::SingleSelect { options } | FieldType::MultiSelect { options } => options,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_over_thirty_kinds_each_with_its_own_key() {
        assert!(FieldKind::ALL.len() >= 32);
        for kind in FieldKind::ALL {
            assert_eq!(FieldKind::from_key(kind.key()), Some(*kind));
            assert!(!kind.name().zh.is_empty() && !kind.name().en.is_empty());
        }
        let mut keys: Vec<&str> = FieldKind::ALL.iter().map(|k| k.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), FieldKind::ALL.len());
    }

    #[test]
    fn a_type_is_written_with_its_kind_key_and_options() {
        let cases: Vec<FieldType> = vec![
            FieldType::Text,
            FieldType::Money {
                currency: "CNY".into(),
            },
            FieldType::Decimal { precision: 2 },
            FieldType::User { many: true },
            FieldType::AutoNumber {
                prefix: "HT-".into(),
                date: true,
                digits: 4,
            },
            FieldType::Rollup {
                object: ObjectKey::parse("deals").expect("key"),
                link: FieldKey::parse("account").expect("key"),
                field: FieldKey::parse("amount").expect("key"),
                function: RollupFn::Sum,
                filter: None,
            },
        ];
        for field_type in cases {
            let json = serde_json::to_value(&field_type).expect("serializes");
            assert_eq!(json["type"], field_type.kind().key(), "{json}");
            let back: FieldType = serde_json::from_value(json).expect("reads back");
            assert_eq!(back, field_type);
        }
        let money: FieldType =
            serde_json::from_str(r#"{"type":"money","currency":"USD"}"#).expect("reads");
        assert_eq!(
            money,
            FieldType::Money {
                currency: "USD".into()
            }
        );
        assert!(serde_json::from_str::<FieldType>(r#"{"type":"hologram"}"#).is_err());
    }

    #[test]
    fn choices_are_keyed_by_their_labels_where_they_can_be() {
        assert_eq!(slug(" VIP Customer! ").as_deref(), Some("vip_customer"));
        assert_eq!(slug("华东"), None);
        let made = choices_of(["A", "华东", " ", "a", "华北"]);
        let keys: Vec<&str> = made.iter().map(|c| c.key.as_str()).collect();
        // Blank lines are skipped; a key taken already falls back to the place.
        assert_eq!(keys, ["a", "o2", "o3", "o4"]);
        assert_eq!(made[1].label, Labels::new("华东", "华东"));
    }
}

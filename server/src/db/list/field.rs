//! How a field of a record is reached in SQL: where it is stored in the record's JSON, how its
//! value compares (as text, as a number, as an amount in a currency), and the expressions that
//! read it on each engine. The same expression text is used by queries and by the indexes made
//! for them, so that each engine's planner matches the two.

use shared::schema::{FieldDef, FieldKind, FieldType};
use shared::sync::Collection;

use crate::db::Backend;

/// Where a field's value is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A number of the record itself (`created_at`, `updated_at`).
    Envelope(&'static str),
    /// The owner column.
    Owner,
    /// A field of the typed body (`body.<collection>.<key>`), as the product stores it.
    Typed(String),
    /// A custom field (`custom.<key>`), in its type's JSON form.
    Custom(String),
}

/// How a stored value compares in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Text, compared byte by byte (dates, times and moments in fixed-width ISO text too).
    Text,
    /// A number.
    Num,
    /// An amount and its currency (`{"amount": "12.50", "currency": "CNY"}`): by currency,
    /// then amount, as [`shared::schema::Value::compare`] orders money.
    Money,
    /// Anything else (lists, objects, flags): sorted by its JSON text, never filtered in SQL.
    Json,
}

/// The kind of one sort key's value (how a cursor carries it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Text,
    Num,
    Id,
}

/// The value numbers take where a record has none: below every amount a person types, so
/// empty values sort first going up and last going down, like an empty text.
pub const NO_NUMBER: f64 = -1e300;

/// A field of one collection, as SQL reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub collection: Collection,
    /// The custom object whose records the list holds (`None` for a built-in collection).
    pub object: Option<String>,
    pub source: Source,
    pub shape: Shape,
    /// On Postgres, read the record's JSON parsed once per row (`doc`, see
    /// [`super::window_sql`]) rather than parsing `body` for each expression: for expressions
    /// no index is asked to match (what a walk decides of each record it passes).
    pub parsed: bool,
}

/// Keys of fields are lower-case ASCII words (`FieldKey`); anything else is never put into SQL.
fn plain(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Field {
    /// `created_at`, `updated_at` or `owner` of `collection`'s records.
    pub fn envelope(collection: Collection, name: &str) -> Option<Field> {
        let (source, shape) = match name {
            "created_at" => (Source::Envelope("created_at"), Shape::Num),
            "updated_at" => (Source::Envelope("updated_at"), Shape::Num),
            "owner" => (Source::Owner, Shape::Text),
            _ => return None,
        };
        Some(Field {
            collection,
            object: None,
            source,
            shape,
            parsed: false,
        })
    }

    /// A field of the typed body, by its definition.
    pub fn typed(collection: Collection, def: &FieldDef) -> Option<Field> {
        let key = def.key.as_str();
        if !plain(key) {
            return None;
        }
        if key == "owner" {
            return Field::envelope(collection, key);
        }
        let shape = match def.field_type.kind() {
            // Amounts are kept in hundredths (the currency apart), moments in milliseconds.
            FieldKind::Integer | FieldKind::Percent | FieldKind::Money | FieldKind::DateTime => {
                Shape::Num
            }
            FieldKind::Checkbox | FieldKind::Tags | FieldKind::Links => Shape::Json,
            _ if key == "phones" => Shape::Json,
            _ => Shape::Text,
        };
        Some(Field {
            collection,
            object: None,
            source: Source::Typed(key.to_owned()),
            shape,
            parsed: false,
        })
    }

    /// A custom field, by its definition.
    pub fn custom(collection: Collection, def: &FieldDef) -> Option<Field> {
        let key = def.key.as_str();
        if !plain(key) {
            return None;
        }
        Some(Field {
            collection,
            object: None,
            source: Source::Custom(key.to_owned()),
            shape: custom_shape(&def.field_type),
            parsed: false,
        })
    }

    /// The field of the records of the custom object `key` (kept in [`Collection::Object`]);
    /// `None` for a key that is not a plain key.
    pub fn of_object(self, key: &str) -> Option<Field> {
        plain(key).then(|| Field {
            object: Some(key.to_owned()),
            ..self
        })
    }

    /// The records a list of this field's collection (or custom object) holds: the live ones,
    /// and of a custom object only its own. Literals only, so that partial indexes apply.
    pub fn live(&self, backend: Backend) -> String {
        let live = live_of(self.collection);
        match &self.object {
            None => live,
            Some(key) => {
                let named = Field {
                    collection: Collection::Object,
                    object: None,
                    source: Source::Typed("object".to_owned()),
                    shape: Shape::Text,
                    parsed: false,
                };
                format!("{live} AND {} = '{key}'", named.text(backend, None))
            }
        }
    }

    /// The list's name in index names: the collection, or `o_<key>` for a custom object.
    pub fn list_name(&self) -> String {
        match &self.object {
            None => self.collection.as_str().to_owned(),
            Some(key) => format!("o_{key}"),
        }
    }

    /// The same field read from the row's parsed JSON (see [`Field::parsed`]).
    pub fn parsed(&self) -> Field {
        Field {
            parsed: true,
            ..self.clone()
        }
    }

    /// The record's JSON on Postgres.
    fn doc(&self) -> &'static str {
        if self.parsed { "doc" } else { "body::jsonb" }
    }

    /// The path of the value (or of one part of it) in the stored record.
    fn path(&self, part: Option<&str>) -> Vec<String> {
        let mut path: Vec<String> = match &self.source {
            Source::Envelope(name) => vec![(*name).to_owned()],
            Source::Owner => Vec::new(),
            Source::Typed(key) => vec![
                "body".to_owned(),
                self.collection.as_str().to_owned(),
                key.clone(),
            ],
            Source::Custom(key) => vec!["custom".to_owned(), key.clone()],
        };
        path.extend(part.map(str::to_owned));
        path
    }

    /// The value as text ('' when there is none).
    pub fn text(&self, backend: Backend, part: Option<&str>) -> String {
        if self.source == Source::Owner {
            return "owner_id".to_owned();
        }
        let path = self.path(part);
        match backend {
            Backend::Sqlite => {
                format!("COALESCE(json_extract(body, '{}'), '')", sqlite_path(&path))
            }
            Backend::Postgres => format!(
                "(COALESCE({} #>> '{}', '') COLLATE \"C\")",
                self.doc(),
                postgres_path(&path)
            ),
        }
    }

    /// The value as a number ([`NO_NUMBER`] when there is none or it is not a number).
    pub fn num(&self, backend: Backend, part: Option<&str>) -> String {
        let path = self.path(part);
        match backend {
            Backend::Sqlite => format!(
                "COALESCE(CAST(json_extract(body, '{}') AS REAL), {NO_NUMBER:e})",
                sqlite_path(&path)
            ),
            Backend::Postgres => {
                let raw = format!("({} #>> '{}')", self.doc(), postgres_path(&path));
                format!(
                    "COALESCE(CASE WHEN {raw} ~ '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$' \
                     THEN CAST({raw} AS DOUBLE PRECISION) END, {NO_NUMBER:e})"
                )
            }
        }
    }

    /// The value's JSON text ('' when there is none).
    fn json(&self, backend: Backend) -> String {
        let path = self.path(None);
        match backend {
            Backend::Sqlite => format!("COALESCE(body -> '{}', '')", sqlite_path(&path)),
            Backend::Postgres => format!(
                "(COALESCE(CAST({} #> '{}' AS TEXT), '') COLLATE \"C\")",
                self.doc(),
                postgres_path(&path)
            ),
        }
    }

    /// The expressions a list sorted by this field orders by, in order, with their kinds.
    pub fn sort_keys(&self, backend: Backend) -> Vec<(KeyKind, String)> {
        match (&self.source, self.shape) {
            (Source::Owner, _) => vec![(KeyKind::Id, "owner_id".to_owned())],
            (_, Shape::Text) => vec![(KeyKind::Text, self.text(backend, None))],
            (_, Shape::Num) => vec![(KeyKind::Num, self.num(backend, None))],
            (_, Shape::Money) => vec![
                (KeyKind::Text, self.text(backend, Some("currency"))),
                (KeyKind::Num, self.num(backend, Some("amount"))),
            ],
            (_, Shape::Json) => vec![(KeyKind::Text, self.json(backend))],
        }
    }

    /// A stable name for this field's index (at most 63 bytes, Postgres's limit).
    pub fn index_name(&self) -> String {
        let (kind, key) = match &self.source {
            Source::Envelope(name) => ("e", (*name).to_owned()),
            Source::Owner => ("e", "owner".to_owned()),
            Source::Typed(key) => ("t", key.clone()),
            // A custom field may change type: its index says which shape it orders by, so
            // that the new shape gets an index of its own.
            Source::Custom(key) => (
                match self.shape {
                    Shape::Text => "c",
                    Shape::Num => "cn",
                    Shape::Money => "cm",
                    Shape::Json => "cj",
                },
                key.clone(),
            ),
        };
        let name = format!("records_by_{}_{kind}_{key}", self.list_name());
        if name.len() <= 63 {
            return name;
        }
        // Long keys: a prefix and a hash of the whole name keep names apart.
        let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{}_{hash:016x}", &name[..46])
    }

    /// `CREATE INDEX` for lists of this field's collection sorted or filtered by it (`None` for
    /// the owner, which has its own index).
    pub fn index_sql(&self, backend: Backend) -> Option<String> {
        if self.source == Source::Owner {
            return None;
        }
        let keys: Vec<String> = self
            .sort_keys(backend)
            .into_iter()
            .map(|(_, expr)| format!("({expr})"))
            .collect();
        // The collection leads (a list says which it reads, and the planner then walks this
        // index in the list's order rather than sorting what another index finds).
        Some(format!(
            "CREATE INDEX IF NOT EXISTS {} ON records (collection, {}, id) WHERE {}",
            self.index_name(),
            keys.join(", "),
            self.live(backend)
        ))
    }
}

/// The condition that picks the live records of `collection` (a literal, so that partial
/// indexes apply).
pub fn live_of(collection: Collection) -> String {
    format!("collection = '{}' AND NOT deleted", collection.as_str())
}

fn custom_shape(field_type: &FieldType) -> Shape {
    match field_type {
        FieldType::Integer
        | FieldType::Decimal { .. }
        | FieldType::Percent { .. }
        | FieldType::Rating { .. }
        | FieldType::Duration => Shape::Num,
        FieldType::Money { .. } => Shape::Money,
        FieldType::User { many: true } => Shape::Json,
        other => match other.kind() {
            FieldKind::Text
            | FieldKind::LongText
            | FieldKind::RichText
            | FieldKind::Date
            | FieldKind::DateTime
            | FieldKind::Time
            | FieldKind::SingleSelect
            | FieldKind::Phone
            | FieldKind::Email
            | FieldKind::Url
            | FieldKind::Wechat
            | FieldKind::IdCard
            | FieldKind::CreditCode
            | FieldKind::User
            | FieldKind::Team
            | FieldKind::Link
            | FieldKind::AutoNumber => Shape::Text,
            _ => Shape::Json,
        },
    }
}

fn sqlite_path(path: &[String]) -> String {
    let mut out = "$".to_owned();
    for part in path {
        out.push('.');
        out.push_str(part);
    }
    out
}

fn postgres_path(path: &[String]) -> String {
    format!("{{{}}}", path.join(","))
}

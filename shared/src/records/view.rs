//! Saved views: a list's sort, filters and shown fields under a name, kept for the person who
//! saved them (a private collection, like sync issues) and synced to their other devices.

use serde::{Deserialize, Serialize};

use super::fields::line;
use super::{Kind, fields_of};
use crate::problem::{FieldError, Problem};
use crate::sync::record::{Body, Collection};

/// Most filters and shown fields in one view.
pub const VIEW_PARTS_MAX: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    /// The list it belongs to.
    pub list: Option<Collection>,
    /// The field sorted by; empty: by name.
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub descending: bool,
    /// `(field, value)`: every one must hold.
    #[serde(default)]
    pub filters: Vec<(String, String)>,
    /// The fields shown under each row's name; empty: the list's usual ones.
    #[serde(default)]
    pub columns: Vec<String>,
    /// For a list of a custom object (`list` is `object`): the object's key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub object: String,
    /// Filter chips, one per line, each a condition in the query language's text form
    /// (`budget >= "100000"`); every one must hold.
    #[serde(default, rename = "where", skip_serializing_if = "String::is_empty")]
    pub chips: String,
}

impl SavedView {
    /// The lists a view can be saved for.
    pub fn can_list(collection: Collection) -> bool {
        !matches!(collection, Collection::Issue | Collection::View)
    }
}

impl Kind for SavedView {
    const COLLECTION: Collection = Collection::View;
    const FIELDS: &'static [&'static str] = &[
        "name",
        "list",
        "sort",
        "descending",
        "filters",
        "columns",
        "object",
        "where",
    ];
    const REQUIRED: &'static [&'static str] = &["name", "list"];

    fn blank() -> Self {
        SavedView {
            name: String::new(),
            list: None,
            sort: String::new(),
            descending: false,
            filters: Vec::new(),
            columns: Vec::new(),
            object: String::new(),
            chips: String::new(),
        }
    }

    /// `filters` is a JSON list of `[field, value]` pairs; `columns` field names separated by
    /// commas.
    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem> {
        match field {
            "name" => self.name = line(raw)?,
            "list" => {
                self.list = match raw.trim() {
                    "" => None,
                    s => Some(
                        Collection::parse(s)
                            .filter(|c| SavedView::can_list(*c))
                            .ok_or(Problem::Invalid)?,
                    ),
                }
            }
            "sort" => self.sort = raw.trim().to_owned(),
            "descending" => {
                self.descending = match raw.trim() {
                    "true" => true,
                    "false" | "" => false,
                    _ => return Err(Problem::Invalid),
                }
            }
            "filters" => {
                let s = raw.trim();
                self.filters = if s.is_empty() {
                    Vec::new()
                } else {
                    serde_json::from_str(s).map_err(|_| Problem::Invalid)?
                };
                if self.filters.len() > VIEW_PARTS_MAX {
                    return Err(Problem::TooMany {
                        max: VIEW_PARTS_MAX,
                    });
                }
            }
            "columns" => {
                self.columns = raw
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect();
                if self.columns.len() > VIEW_PARTS_MAX {
                    return Err(Problem::TooMany {
                        max: VIEW_PARTS_MAX,
                    });
                }
            }
            "object" => {
                self.object = match raw.trim() {
                    "" => String::new(),
                    key => crate::schema::ObjectKey::parse(key)?.as_str().to_owned(),
                }
            }
            "where" => {
                let lines: Vec<&str> = raw
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                if lines.len() > VIEW_PARTS_MAX {
                    return Err(Problem::TooMany {
                        max: VIEW_PARTS_MAX,
                    });
                }
                if lines.iter().any(|l| l.chars().any(char::is_control)) {
                    return Err(Problem::ControlCharacters);
                }
                if raw.len() > 4000 {
                    return Err(Problem::TooLong { max: 4000 });
                }
                self.chips = lines.join("\n");
            }
            _ => return Err(Problem::UnknownField),
        }
        Ok(())
    }

    fn get(&self, field: &str) -> String {
        match field {
            "name" => self.name.clone(),
            "list" => self.list.map(|c| c.as_str().to_owned()).unwrap_or_default(),
            "sort" => self.sort.clone(),
            "descending" => self.descending.to_string(),
            "filters" if self.filters.is_empty() => String::new(),
            "filters" => serde_json::to_string(&self.filters).unwrap_or_default(),
            "columns" => self.columns.join(","),
            "object" => self.object.clone(),
            "where" => self.chips.clone(),
            _ => String::new(),
        }
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    super::body_variant!(View);

    /// Every field a view names must be a field of its list.
    fn settle(
        &mut self,
        _before: Option<&Self>,
        _env: &dyn super::Env,
    ) -> Result<(), Vec<FieldError>> {
        let Some(list) = self.list else {
            return Ok(());
        };
        // A custom object's list names its object; its fields are the company's own (a chip
        // naming one deleted since simply holds for no record).
        if list == Collection::Object || !self.object.is_empty() {
            return if list != Collection::Object {
                Err(vec![Problem::Invalid.at("object")])
            } else if self.object.is_empty() {
                Err(vec![Problem::Required.at("object")])
            } else if !self.filters.is_empty() || !self.columns.is_empty() {
                Err(vec![Problem::UnknownField.at("filters")])
            } else {
                Ok(())
            };
        }
        let known = fields_of(list);
        let unknown = |f: &str| !f.is_empty() && !known.contains(&f);
        let mut errors = Vec::new();
        if unknown(&self.sort) {
            errors.push(Problem::UnknownField.at("sort"));
        }
        if self.filters.iter().any(|(f, _)| unknown(f) || f.is_empty()) {
            errors.push(Problem::UnknownField.at("filters"));
        }
        if self.columns.iter().any(|f| unknown(f)) {
            errors.push(Problem::UnknownField.at("columns"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::create;
    use crate::records::tests::{patch, problems, round_trips};

    #[test]
    fn a_view_keeps_a_lists_sort_filters_and_fields() {
        let view: SavedView = create(&patch(&[
            ("name", "华东 A 类客户"),
            ("list", "account"),
            ("sort", "size"),
            ("descending", "true"),
            ("filters", r#"[["grade","A"],["province","江苏"]]"#),
            ("columns", "city, industry"),
        ]))
        .expect("valid");
        assert_eq!(view.list, Some(Collection::Account));
        assert_eq!(view.filters[1], ("province".to_owned(), "江苏".to_owned()));
        assert_eq!(view.columns, ["city", "industry"]);
        round_trips(&view);
    }

    #[test]
    fn a_view_of_a_custom_objects_list_names_the_object_and_keeps_its_chips() {
        let view: SavedView = create(&patch(&[
            ("name", "大项目"),
            ("list", "object"),
            ("object", "projects"),
            ("where", "budget >= \"100000\"\n\n phase = build "),
        ]))
        .expect("valid");
        assert_eq!(view.object, "projects");
        assert_eq!(view.chips, "budget >= \"100000\"\nphase = build");
        round_trips(&view);
        assert_eq!(
            problems::<SavedView>(&patch(&[("name", "x"), ("list", "object")])),
            [("object".to_owned(), "required")]
        );
        assert_eq!(
            problems::<SavedView>(&patch(&[
                ("name", "x"),
                ("list", "account"),
                ("object", "projects")
            ])),
            [("object".to_owned(), "invalid")]
        );
        let many = vec!["a = 1"; VIEW_PARTS_MAX + 1].join("\n");
        assert_eq!(
            problems::<SavedView>(&patch(&[
                ("name", "x"),
                ("list", "object"),
                ("object", "projects"),
                ("where", &many)
            ])),
            [("where".to_owned(), "too_many")]
        );
    }

    #[test]
    fn a_view_names_only_fields_its_list_has() {
        assert_eq!(
            problems::<SavedView>(&patch(&[
                ("name", "x"),
                ("list", "deal"),
                ("sort", "grade"),
                ("filters", r#"[["colour","red"]]"#),
                ("columns", "amount,wechat"),
            ])),
            [
                ("sort".to_owned(), "unknown_field"),
                ("filters".to_owned(), "unknown_field"),
                ("columns".to_owned(), "unknown_field"),
            ]
        );
        assert_eq!(
            problems::<SavedView>(&patch(&[
                ("name", ""),
                ("list", "issue"),
                ("filters", "not json"),
            ])),
            [
                ("filters".to_owned(), "invalid"),
                ("list".to_owned(), "invalid"),
                ("name".to_owned(), "required"),
            ]
        );
    }
}

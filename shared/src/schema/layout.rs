//! How an object's form is laid out: its fields placed into titled sections of one or two
//! columns (Settings → object → layout). The same layout drives the create and edit forms and
//! the record page; a field the layout does not place (one added after the layout was made)
//! goes at the end of the last section, so no field is ever lost from a form.
//!
//! The designer's moves (drag and drop, or the keyboard's up/down and "to section") are pure
//! functions here over a layout that places every field ([`Layout::complete`]).

use serde::{Deserialize, Serialize};

use super::{FieldDef, FieldKey, Labels, ObjectDef};

/// Most sections a form may have.
pub const MAX_SECTIONS: usize = 30;
/// Longest section title (characters), in each language.
pub const MAX_TITLE: usize = 60;

/// An object's form: its sections in order. Empty: one untitled section with every field in
/// the object's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// One titled part of a form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    #[serde(default)]
    pub title: Labels,
    /// 1 or 2 (a phone always shows one).
    #[serde(default = "one")]
    pub columns: u8,
    #[serde(default)]
    pub fields: Vec<FieldKey>,
}

fn one() -> u8 {
    1
}

/// A section as a form shows it: the fields it places, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed<'a> {
    pub title: Labels,
    pub columns: u8,
    pub fields: Vec<&'a FieldDef>,
}

/// Why a layout cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("the layout places {0}, which is not a field of the object")]
    UnknownField(String),
    #[error("the layout places {0} twice")]
    Twice(String),
    #[error("a section has {0} columns (1 or 2)")]
    Columns(u8),
    #[error("a section title is longer than {MAX_TITLE} characters")]
    LongTitle,
    #[error("a form has at most {MAX_SECTIONS} sections")]
    TooManySections,
}

impl Layout {
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// Whether the layout holds together for `object`: every placed key one of its fields,
    /// none placed twice, one or two columns, short titles.
    pub fn check(&self, object: &ObjectDef) -> Result<(), LayoutError> {
        if self.sections.len() > MAX_SECTIONS {
            return Err(LayoutError::TooManySections);
        }
        let mut seen = std::collections::HashSet::new();
        for section in &self.sections {
            if !(1..=2).contains(&section.columns) {
                return Err(LayoutError::Columns(section.columns));
            }
            let long = |t: &str| t.chars().count() > MAX_TITLE;
            if long(&section.title.zh) || long(&section.title.en) {
                return Err(LayoutError::LongTitle);
            }
            for key in &section.fields {
                if object.field(key.as_str()).is_none() {
                    return Err(LayoutError::UnknownField(key.as_str().to_owned()));
                }
                if !seen.insert(key.as_str()) {
                    return Err(LayoutError::Twice(key.as_str().to_owned()));
                }
            }
        }
        Ok(())
    }

    /// The layout without keys `object` does not have (a field deleted for good, or a layout
    /// saved by another version of the product).
    pub fn kept_for(&self, object: &ObjectDef) -> Layout {
        let mut out = self.clone();
        for section in &mut out.sections {
            section
                .fields
                .retain(|k| object.field(k.as_str()).is_some());
        }
        out
    }

    /// The sections of a form showing `object`'s fields that `keep` keeps, in the layout's
    /// order; fields it does not place follow in the last section, in the object's order.
    /// Sections left empty are dropped.
    pub fn arrange<'a>(
        &self,
        object: &'a ObjectDef,
        keep: impl Fn(&FieldDef) -> bool,
    ) -> Vec<Placed<'a>> {
        let mut placed: Vec<Placed<'a>> = self
            .sections
            .iter()
            .map(|s| Placed {
                title: s.title.clone(),
                columns: s.columns.clamp(1, 2),
                fields: s
                    .fields
                    .iter()
                    .filter_map(|k| object.field(k.as_str()))
                    .filter(|f| keep(f))
                    .collect(),
            })
            .collect();
        let placed_keys: std::collections::HashSet<&str> = self
            .sections
            .iter()
            .flat_map(|s| s.fields.iter().map(FieldKey::as_str))
            .collect();
        let rest: Vec<&FieldDef> = object
            .fields
            .iter()
            .filter(|f| !placed_keys.contains(f.key.as_str()) && keep(f))
            .collect();
        match placed.last_mut() {
            Some(last) => last.fields.extend(rest),
            None => placed.push(Placed {
                title: Labels::default(),
                columns: 1,
                fields: rest,
            }),
        }
        placed.retain(|s| !s.fields.is_empty());
        placed
    }

    /// The layout placing every field `keep` keeps (those it does not place at the end of the
    /// last section, or in one new section): what the designer edits.
    pub fn complete(&self, object: &ObjectDef, keep: impl Fn(&FieldDef) -> bool) -> Layout {
        let mut out = self.kept_for(object);
        for section in &mut out.sections {
            section
                .fields
                .retain(|k| object.field(k.as_str()).is_some_and(&keep));
        }
        let placed: std::collections::HashSet<FieldKey> = out
            .sections
            .iter()
            .flat_map(|s| s.fields.iter().cloned())
            .collect();
        let rest: Vec<FieldKey> = object
            .fields
            .iter()
            .filter(|f| keep(f) && !placed.contains(&f.key))
            .map(|f| f.key.clone())
            .collect();
        if out.sections.is_empty() {
            out.sections.push(Section {
                title: Labels::default(),
                columns: 1,
                fields: Vec::new(),
            });
        }
        if let Some(last) = out.sections.last_mut() {
            last.fields.extend(rest);
        }
        out
    }

    /// Where `key` is: (section, position).
    pub fn position(&self, key: &str) -> Option<(usize, usize)> {
        self.sections.iter().enumerate().find_map(|(s, section)| {
            section
                .fields
                .iter()
                .position(|k| k.as_str() == key)
                .map(|p| (s, p))
        })
    }

    /// Put `key` into section `section` before position `before` (counted without the field
    /// itself; past the end: last). A drop onto its own place changes nothing.
    pub fn place(&mut self, key: &str, section: usize, before: usize) -> bool {
        if section >= self.sections.len() {
            return false;
        }
        let Some((from, at)) = self.position(key) else {
            return false;
        };
        let field = self.sections[from].fields.remove(at);
        let target = &mut self.sections[section].fields;
        let before = before.min(target.len());
        target.insert(before, field);
        from != section || at != before
    }

    /// Move `key` one place up (`-1`) or down (`1`); past a section's edge it goes to the end
    /// of the section before or the start of the one after (the keyboard's way to move).
    pub fn step(&mut self, key: &str, by: i8) -> bool {
        let Some((section, at)) = self.position(key) else {
            return false;
        };
        let len = self.sections[section].fields.len();
        if by < 0 {
            if at > 0 {
                self.place(key, section, at - 1)
            } else if section > 0 {
                let end = self.sections[section - 1].fields.len();
                self.place(key, section - 1, end)
            } else {
                false
            }
        } else if at + 1 < len {
            self.place(key, section, at + 1)
        } else if section + 1 < self.sections.len() {
            self.place(key, section + 1, 0)
        } else {
            false
        }
    }

    /// A new section at the end, untitled, one column.
    pub fn add_section(&mut self, title: Labels) -> bool {
        if self.sections.len() >= MAX_SECTIONS {
            return false;
        }
        self.sections.push(Section {
            title,
            columns: 1,
            fields: Vec::new(),
        });
        true
    }

    /// Remove section `index`: its fields join the section before (or after, for the first).
    /// The last section stays.
    pub fn remove_section(&mut self, index: usize) -> bool {
        if self.sections.len() < 2 || index >= self.sections.len() {
            return false;
        }
        let gone = self.sections.remove(index);
        let into = index.saturating_sub(1);
        if index == 0 {
            let first = &mut self.sections[0].fields;
            let mut fields = gone.fields;
            fields.append(first);
            *first = fields;
        } else {
            self.sections[into].fields.extend(gone.fields);
        }
        true
    }

    /// Move section `index` up (`-1`) or down (`1`).
    pub fn step_section(&mut self, index: usize, by: i8) -> bool {
        let other = if by < 0 {
            index.checked_sub(1)
        } else {
            index.checked_add(1)
        };
        match other {
            Some(other) if other < self.sections.len() && index < self.sections.len() => {
                self.sections.swap(index, other);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FieldType;
    use crate::schema::fixtures::field;

    fn object() -> ObjectDef {
        ObjectDef {
            key: crate::schema::ObjectKey::parse("projects").expect("key"),
            name: Labels::new("项目", "Projects"),
            name_field: FieldKey::parse("name").expect("key"),
            list_columns: Vec::new(),
            icon: String::new(),
            system: false,
            fields: ["name", "budget", "stage", "notes", "start"]
                .into_iter()
                .map(|k| field(k, FieldType::Text))
                .collect(),
            layout: Layout::default(),
        }
    }

    fn key(k: &str) -> FieldKey {
        FieldKey::parse(k).expect("key")
    }

    fn section(title: &str, columns: u8, fields: &[&str]) -> Section {
        Section {
            title: Labels::new(title, title),
            columns,
            fields: fields.iter().map(|k| key(k)).collect(),
        }
    }

    fn keys(layout: &Layout) -> Vec<Vec<&str>> {
        layout
            .sections
            .iter()
            .map(|s| s.fields.iter().map(FieldKey::as_str).collect())
            .collect()
    }

    #[test]
    fn an_empty_layout_shows_every_field_in_one_section() {
        let object = object();
        let placed = Layout::default().arrange(&object, |_| true);
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].columns, 1);
        let shown: Vec<&str> = placed[0].fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(shown, ["name", "budget", "stage", "notes", "start"]);
    }

    #[test]
    fn unplaced_fields_follow_in_the_last_section_and_empty_sections_go() {
        let object = object();
        let layout = Layout {
            sections: vec![
                section("基本", 2, &["stage", "name"]),
                section("空", 1, &[]),
                section("其他", 1, &["notes"]),
            ],
        };
        let placed = layout.arrange(&object, |f| f.key.as_str() != "start");
        let shown: Vec<Vec<&str>> = placed
            .iter()
            .map(|s| s.fields.iter().map(|f| f.key.as_str()).collect())
            .collect();
        assert_eq!(shown, vec![vec!["stage", "name"], vec!["notes", "budget"]]);
        assert_eq!(placed[0].columns, 2);
        assert_eq!(placed[1].title.zh, "其他");
    }

    #[test]
    fn check_refuses_unknown_and_twice_placed_fields_and_odd_columns() {
        let object = object();
        let unknown = Layout {
            sections: vec![section("a", 1, &["name", "ghost"])],
        };
        assert_eq!(
            unknown.check(&object),
            Err(LayoutError::UnknownField("ghost".into()))
        );
        let twice = Layout {
            sections: vec![section("a", 1, &["name"]), section("b", 1, &["name"])],
        };
        assert_eq!(twice.check(&object), Err(LayoutError::Twice("name".into())));
        let wide = Layout {
            sections: vec![section("a", 3, &["name"])],
        };
        assert_eq!(wide.check(&object), Err(LayoutError::Columns(3)));
        let long = Layout {
            sections: vec![section(&"长".repeat(MAX_TITLE + 1), 1, &[])],
        };
        assert_eq!(long.check(&object), Err(LayoutError::LongTitle));
        assert!(unknown.kept_for(&object).check(&object).is_ok());
    }

    #[test]
    fn the_designer_moves_fields_by_drop_and_by_keyboard() {
        let object = object();
        let mut layout = Layout::default().complete(&object, |_| true);
        assert_eq!(
            keys(&layout),
            vec![vec!["name", "budget", "stage", "notes", "start"]]
        );
        assert!(layout.add_section(Labels::new("财务", "Finance")));
        assert!(layout.place("budget", 1, 0));
        assert!(layout.place("start", 1, 9));
        assert_eq!(
            keys(&layout),
            vec![vec!["name", "stage", "notes"], vec!["budget", "start"]]
        );
        // Dropping a field on its own place changes nothing.
        assert!(!layout.place("name", 0, 0));
        // Down past the section's end: the next section's start; up from the first: nothing.
        assert!(layout.step("notes", 1));
        assert_eq!(
            keys(&layout),
            vec![vec!["name", "stage"], vec!["notes", "budget", "start"]]
        );
        assert!(layout.step("notes", -1));
        assert_eq!(keys(&layout)[0], vec!["name", "stage", "notes"]);
        assert!(!layout.step("name", -1));
        assert!(!layout.step("start", 1));
        assert!(layout.step("stage", -1));
        assert_eq!(keys(&layout)[0], vec!["stage", "name", "notes"]);
        // Sections swap; a removed one's fields join the one before.
        assert!(layout.step_section(1, -1));
        assert_eq!(layout.sections[0].title.en, "Finance");
        assert!(layout.remove_section(1));
        assert_eq!(
            keys(&layout),
            vec![vec!["budget", "start", "stage", "name", "notes"]]
        );
        assert!(!layout.remove_section(0));
        assert!(layout.check(&object).is_ok());
    }

    #[test]
    fn removing_the_first_section_keeps_its_fields_first() {
        let object = object();
        let mut layout = Layout {
            sections: vec![section("a", 1, &["name"]), section("b", 2, &["budget"])],
        }
        .complete(&object, |_| true);
        assert!(layout.remove_section(0));
        assert_eq!(
            keys(&layout),
            vec![vec!["name", "budget", "stage", "notes", "start"]]
        );
    }

    #[test]
    fn an_old_layout_reads_and_a_section_defaults_to_one_column() {
        let layout: Layout =
            serde_json::from_str(r#"{"sections":[{"fields":["name"]}]}"#).expect("layout");
        assert_eq!(layout.sections[0].columns, 1);
        let none: ObjectDef = serde_json::from_value(serde_json::json!({
            "key": "projects", "name": {"zh": "项目", "en": "Projects"},
            "name_field": "name",
            "fields": [{"key": "name", "label": {"zh": "名称", "en": "Name"},
                        "field_type": {"type": "text"}}]
        }))
        .expect("an object saved before layouts");
        assert!(none.layout.is_empty());
        assert!(
            !serde_json::to_string(&none)
                .expect("json")
                .contains("layout")
        );
    }
}

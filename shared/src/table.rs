//! A list as a table on a desk: which cell a key moves to, the columns' widths as a device
//! keeps them, a column moved, and which field types are edited in their cell (the rest open
//! the record).

use std::collections::BTreeMap;

use crate::schema::FieldType;

/// The narrowest and widest a column may be made, in CSS pixels.
pub const MIN_WIDTH: u16 = 72;
pub const MAX_WIDTH: u16 = 640;
/// A column's width until someone resizes it.
pub const DEFAULT_WIDTH: u16 = 160;
/// How far one press of ← or → resizes a column.
pub const WIDTH_STEP: u16 = 16;

/// A move of the table's cursor: by a key, within `rows` rows and `columns` columns (the
/// name's column is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    Left,
    Right,
    /// The row's first and last cells.
    Home,
    End,
    /// A screen's worth of rows.
    PageUp,
    PageDown,
}

impl Move {
    /// The move a key (`KeyboardEvent.key`) asks for.
    pub fn of_key(key: &str) -> Option<Move> {
        Some(match key {
            "ArrowUp" => Move::Up,
            "ArrowDown" => Move::Down,
            "ArrowLeft" => Move::Left,
            "ArrowRight" => Move::Right,
            "Home" => Move::Home,
            "End" => Move::End,
            "PageUp" => Move::PageUp,
            "PageDown" => Move::PageDown,
            _ => return None,
        })
    }

    /// The cell (row, column) the cursor at `at` moves to; it stops at the table's edges.
    /// `page` is how many rows a screen shows.
    pub fn from(
        self,
        at: (usize, usize),
        rows: usize,
        columns: usize,
        page: usize,
    ) -> (usize, usize) {
        if rows == 0 || columns == 0 {
            return (0, 0);
        }
        let (row, column) = (at.0.min(rows - 1), at.1.min(columns - 1));
        let page = page.max(1);
        match self {
            Move::Up => (row.saturating_sub(1), column),
            Move::Down => ((row + 1).min(rows - 1), column),
            Move::Left => (row, column.saturating_sub(1)),
            Move::Right => (row, (column + 1).min(columns - 1)),
            Move::Home => (row, 0),
            Move::End => (row, columns - 1),
            Move::PageUp => (row.saturating_sub(page), column),
            Move::PageDown => (row.saturating_add(page).min(rows - 1), column),
        }
    }
}

/// A width kept within the bounds.
pub fn clamp_width(width: i64) -> u16 {
    width.clamp(i64::from(MIN_WIDTH), i64::from(MAX_WIDTH)) as u16
}

/// Column widths as a device keeps them (`field=width;…`); parts that do not read are skipped,
/// widths out of bounds brought within them.
pub fn widths_from(text: &str) -> BTreeMap<String, u16> {
    text.split(';')
        .filter_map(|part| {
            let (field, width) = part.split_once('=')?;
            let field = field.trim();
            let width: i64 = width.trim().parse().ok()?;
            (!field.is_empty() && field.len() <= 64).then(|| (field.to_owned(), clamp_width(width)))
        })
        .collect()
}

/// The text [`widths_from`] reads.
pub fn widths_text(widths: &BTreeMap<String, u16>) -> String {
    widths
        .iter()
        .map(|(field, width)| format!("{field}={width}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// `columns` with `field` moved to position `to` (past the end: last); unchanged when it is
/// not among them.
pub fn moved(columns: &[String], field: &str, to: usize) -> Vec<String> {
    let mut out = columns.to_vec();
    if let Some(from) = out.iter().position(|c| c == field) {
        let taken = out.remove(from);
        out.insert(to.min(out.len()), taken);
    }
    out
}

/// How a cell of a field's type is edited where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InPlace {
    /// A one-line input of this HTML type and input mode.
    Input {
        kind: &'static str,
        mode: &'static str,
    },
    /// A select of the field's choices.
    Choice,
    /// Ticked or not by Enter or Space, at once.
    Check,
}

/// How a cell of `field_type` is edited in place; `None`: it opens the record (links, files,
/// sub-tables, long texts, addresses, people, computed values: they need the whole form).
pub fn in_place(field_type: &FieldType) -> Option<InPlace> {
    let input = |kind, mode| Some(InPlace::Input { kind, mode });
    match field_type {
        FieldType::Text | FieldType::Wechat | FieldType::IdCard | FieldType::CreditCode => {
            input("text", "text")
        }
        FieldType::Integer
        | FieldType::Decimal { .. }
        | FieldType::Money { .. }
        | FieldType::Percent { .. }
        | FieldType::Rating { .. } => input("text", "decimal"),
        FieldType::Phone => input("tel", "tel"),
        FieldType::Email => input("email", "email"),
        FieldType::Url => input("url", "url"),
        FieldType::Date => input("date", "text"),
        FieldType::Time => input("time", "text"),
        FieldType::SingleSelect { .. } => Some(InPlace::Choice),
        FieldType::Checkbox => Some(InPlace::Check),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_stops_at_the_edges() {
        let at = (3, 2);
        assert_eq!(Move::Up.from(at, 10, 4, 5), (2, 2));
        assert_eq!(Move::Down.from(at, 10, 4, 5), (4, 2));
        assert_eq!(Move::Left.from(at, 10, 4, 5), (3, 1));
        assert_eq!(Move::Right.from(at, 10, 4, 5), (3, 3));
        assert_eq!(Move::Right.from((3, 3), 10, 4, 5), (3, 3));
        assert_eq!(Move::Up.from((0, 0), 10, 4, 5), (0, 0));
        assert_eq!(Move::Down.from((9, 0), 10, 4, 5), (9, 0));
        assert_eq!(Move::Home.from(at, 10, 4, 5), (3, 0));
        assert_eq!(Move::End.from(at, 10, 4, 5), (3, 3));
        assert_eq!(Move::PageDown.from(at, 10, 4, 5), (8, 2));
        assert_eq!(Move::PageDown.from((8, 2), 10, 4, 5), (9, 2));
        assert_eq!(Move::PageUp.from(at, 10, 4, 5), (0, 2));
        // A cursor left past a list that shrank comes back inside it; an empty table has none.
        assert_eq!(Move::Up.from((50, 9), 10, 4, 5), (8, 3));
        assert_eq!(Move::Down.from((0, 0), 0, 4, 5), (0, 0));
        assert_eq!(Move::of_key("ArrowDown"), Some(Move::Down));
        assert_eq!(Move::of_key("Enter"), None);
    }

    #[test]
    fn widths_read_leniently_and_stay_in_bounds() {
        let widths = widths_from("phone=200;grade=10;amount=9999;bad;=5;x=wide;job_title= 180 ");
        assert_eq!(
            widths.into_iter().collect::<Vec<_>>(),
            vec![
                ("amount".to_owned(), MAX_WIDTH),
                ("grade".to_owned(), MIN_WIDTH),
                ("job_title".to_owned(), 180),
                ("phone".to_owned(), 200),
            ]
        );
        let kept: BTreeMap<String, u16> = [("a".to_owned(), 90), ("b".to_owned(), 300)].into();
        assert_eq!(widths_from(&widths_text(&kept)), kept);
        assert!(widths_from("").is_empty());
        assert_eq!(clamp_width(-5), MIN_WIDTH);
    }

    #[test]
    fn a_column_moves_and_the_others_keep_their_order() {
        let columns: Vec<String> = ["a", "b", "c", "d"].map(str::to_owned).to_vec();
        assert_eq!(moved(&columns, "c", 0), ["c", "a", "b", "d"]);
        assert_eq!(moved(&columns, "a", 2), ["b", "c", "a", "d"]);
        assert_eq!(moved(&columns, "b", 99), ["a", "c", "d", "b"]);
        assert_eq!(moved(&columns, "z", 0), columns);
    }

    #[test]
    fn simple_types_edit_in_place_the_rest_open_the_record() {
        assert_eq!(
            in_place(&FieldType::Phone),
            Some(InPlace::Input {
                kind: "tel",
                mode: "tel"
            })
        );
        assert_eq!(
            in_place(&FieldType::SingleSelect { options: vec![] }),
            Some(InPlace::Choice)
        );
        assert_eq!(in_place(&FieldType::Checkbox), Some(InPlace::Check));
        assert_eq!(in_place(&FieldType::LongText), None);
        assert_eq!(in_place(&FieldType::Address), None);
        assert_eq!(in_place(&FieldType::DateTime), None);
    }
}

//! A pull page's JSON text cut into its parts without parsing the records: the page with an
//! empty `puts` list (small: cursor, deletes, directory), and each record of `puts` as its own
//! text. A device then parses the records a few at a time, letting the page run in between,
//! and keeps each record's text as it came (its saved copy needs no second serialization).
//!
//! The cut reads only JSON's structure (strings, brackets, commas), never the values, so it
//! goes over a page of a few megabytes in a few milliseconds.

use std::ops::Range;

/// Why a page's text could not be cut.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable pull page at byte {at}")]
pub struct PageTextError {
    pub at: usize,
}

/// A page's text, cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageText<'a> {
    /// The page with `"puts":[]`: parse it as a [`crate::sync::PullResponse`].
    pub rest: String,
    /// Each record of `puts`, in order.
    pub puts: Vec<&'a str>,
}

/// Cut `text`, a JSON object with a `puts` array (anywhere among its members, or absent).
pub fn split_page(text: &str) -> Result<PageText<'_>, PageTextError> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, 0);
    expect(bytes, at, b'{')?;
    at += 1;
    let mut puts: Option<(Range<usize>, Vec<&str>)> = None;
    at = skip_space(bytes, at);
    if bytes.get(at) == Some(&b'}') {
        at += 1;
    } else {
        at = members(text, at, &mut puts)?;
    }
    if skip_space(bytes, at) != bytes.len() {
        return Err(PageTextError { at });
    }
    Ok(match puts {
        Some((span, items)) => {
            let mut rest = String::with_capacity(text.len() - span.len() + 2);
            rest.push_str(&text[..span.start]);
            rest.push_str("[]");
            rest.push_str(&text[span.end..]);
            PageText { rest, puts: items }
        }
        None => PageText {
            rest: text.to_owned(),
            puts: Vec::new(),
        },
    })
}

/// The members of the object whose first member starts at `at`, up to its closing brace;
/// notes where `puts` is and its items. Returns the position after the brace.
fn members<'a>(
    text: &'a str,
    mut at: usize,
    puts: &mut Option<(Range<usize>, Vec<&'a str>)>,
) -> Result<usize, PageTextError> {
    let bytes = text.as_bytes();
    loop {
        at = skip_space(bytes, at);
        expect(bytes, at, b'"')?;
        let key = at;
        at = skip_string(bytes, at)?;
        let is_puts = &text[key..at] == "\"puts\"";
        at = skip_space(bytes, at);
        expect(bytes, at, b':')?;
        at = skip_space(bytes, at + 1);
        let value = at;
        if is_puts && bytes.get(at) == Some(&b'[') {
            let (end, items) = array_items(text, at)?;
            *puts = Some((value..end, items));
            at = end;
        } else {
            at = skip_value(bytes, at)?;
        }
        at = skip_space(bytes, at);
        match bytes.get(at) {
            Some(b',') => at += 1,
            Some(b'}') => return Ok(at + 1),
            _ => return Err(PageTextError { at }),
        }
    }
}

/// A JSON array of the given element texts (`[a,b,c]`), each already JSON.
pub fn join_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

fn expect(bytes: &[u8], at: usize, byte: u8) -> Result<(), PageTextError> {
    if bytes.get(at) == Some(&byte) {
        Ok(())
    } else {
        Err(PageTextError { at })
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(at) {
        at += 1;
    }
    at
}

/// `at` is on a `"`; returns the position after the closing one.
fn skip_string(bytes: &[u8], at: usize) -> Result<usize, PageTextError> {
    let mut i = at + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return Ok(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    Err(PageTextError { at })
}

/// Skip one value of any kind; returns the position after it.
fn skip_value(bytes: &[u8], at: usize) -> Result<usize, PageTextError> {
    match bytes.get(at) {
        Some(b'"') => skip_string(bytes, at),
        Some(b'{' | b'[') => skip_nested(bytes, at),
        Some(_) => {
            // A number, true, false or null: up to the next delimiter.
            let mut i = at;
            while let Some(&b) = bytes.get(i) {
                if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                    break;
                }
                i += 1;
            }
            if i == at {
                Err(PageTextError { at })
            } else {
                Ok(i)
            }
        }
        None => Err(PageTextError { at }),
    }
}

/// Skip an object or array (`at` on its opening bracket), strings inside included.
fn skip_nested(bytes: &[u8], at: usize) -> Result<usize, PageTextError> {
    let mut depth = 0usize;
    let mut i = at;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i = skip_string(bytes, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err(PageTextError { at })
}

/// The elements of the array at `at` (on its `[`), and the position after it.
fn array_items(text: &str, at: usize) -> Result<(usize, Vec<&str>), PageTextError> {
    let bytes = text.as_bytes();
    let mut items = Vec::new();
    let mut i = skip_space(bytes, at + 1);
    if bytes.get(i) == Some(&b']') {
        return Ok((i + 1, items));
    }
    loop {
        let start = i;
        i = skip_value(bytes, i)?;
        items.push(&text[start..i]);
        i = skip_space(bytes, i);
        match bytes.get(i) {
            Some(b',') => i = skip_space(bytes, i + 1),
            Some(b']') => return Ok((i + 1, items)),
            _ => return Err(PageTextError { at: i }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` cut: the rest, and the record texts.
    fn check(text: &str, rest: &str, puts: &[&str]) {
        let cut = split_page(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(cut.rest, rest, "rest of {text}");
        assert_eq!(cut.puts, puts, "puts of {text}");
    }

    #[test]
    fn cuts_the_records_out() {
        check(r#"{"puts":[]}"#, r#"{"puts":[]}"#, &[]);
        check(r#"{"puts":[{"a":1}]}"#, r#"{"puts":[]}"#, &[r#"{"a":1}"#]);
        check(
            r#"{"cursor":{"version":3},"puts":[{"a":1},{"b":[1,2,{"c":"]"}]}],"more":true}"#,
            r#"{"cursor":{"version":3},"puts":[],"more":true}"#,
            &[r#"{"a":1}"#, r#"{"b":[1,2,{"c":"]"}]}"#],
        );
        // Brackets, commas, quotes and escapes inside strings are text.
        check(
            r#"{"puts":[{"n":"a\"},{["},{"n":"\\"}],"x":"puts"}"#,
            r#"{"puts":[],"x":"puts"}"#,
            &[r#"{"n":"a\"},{["}"#, r#"{"n":"\\"}"#],
        );
        // Whitespace anywhere, Chinese text, members in any order, no puts at all.
        check(
            "{ \"more\" : false ,\n \"puts\" : [ {\"名\":\"桥\"} , {\"x\":null} ] }",
            "{ \"more\" : false ,\n \"puts\" : [] }",
            &["{\"名\":\"桥\"}", "{\"x\":null}"],
        );
        check(
            r#"{"reset":true,"deletes":["a"]}"#,
            r#"{"reset":true,"deletes":["a"]}"#,
            &[],
        );
        check("{}", "{}", &[]);
        // A member called puts that is not a list is left alone.
        check(r#"{"puts":null}"#, r#"{"puts":null}"#, &[]);
    }

    #[test]
    fn refuses_what_is_not_a_page() {
        for text in [
            "",
            "[]",
            r#"{"puts":[{"a":1}"#,
            r#"{"puts":[{"a":"1}]}"#,
            r#"{"puts":[1,]}"#,
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{"a":1} x"#,
            r#"{"a":}"#,
        ] {
            assert!(split_page(text).is_err(), "{text:?} was cut");
        }
    }

    #[test]
    fn joins_texts_as_a_list() {
        assert_eq!(join_array([]), "[]");
        assert_eq!(join_array([r#"{"a":1}"#]), r#"[{"a":1}]"#);
        assert_eq!(join_array(["1", "\"x\""]), r#"[1,"x"]"#);
    }
}

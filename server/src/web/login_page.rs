//! The sign-in page, `/login`: plain HTML and a small script (`public/login.js`), without the
//! app's WebAssembly, so that it opens at once on a phone. Built once from its template
//! (`public/login.html`, copied into the app by Trunk) and the app's `index.html`:
//!
//! - `{{Name}}` becomes the Chinese text of `shared::i18n::Text::Name` (the default language;
//!   the script switches to English when that is the person's choice);
//! - `{{stylesheet}}` the app's stylesheet, `{{app}}` the files the app starts with (its
//!   script and WebAssembly, named by the build with their hashes), which the page fetches in
//!   the background while the person types;
//! - `{{texts}}` every text the script may show, in both languages, as JSON.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use shared::Problem;
use shared::i18n::{ERROR_CODES, Locale, Text, error_text, problem_text};

/// Texts the script shows besides those written into the page.
const SCRIPT_TEXTS: [Text; 5] = [
    Text::ErrOffline,
    Text::ErrUnexpected,
    Text::ErrServer,
    Text::ErrCheckFields,
    Text::Working,
];

/// Field problems the script may have to show (the sign-in form's own, and a fallback).
const PROBLEMS: [Problem; 3] = [Problem::Required, Problem::InvalidEmail, Problem::Invalid];

/// The page from its `template` and the app's `index.html`; `extra` are more files to fetch
/// ahead (ECharts, which the home screen loads).
pub fn render(template: &str, index: &str, extra: &[&str]) -> String {
    let links = links(index);
    let stylesheet = links
        .iter()
        .find(|(rel, _)| rel == "stylesheet")
        .map(|(_, href)| href.clone())
        .unwrap_or_default();
    let mut app: Vec<String> = links
        .into_iter()
        .filter(|(rel, _)| rel == "modulepreload" || rel == "preload")
        .map(|(_, href)| href)
        .collect();
    app.extend(extra.iter().map(|s| (*s).to_owned()));

    let mut named = Vec::new();
    let mut out = String::with_capacity(template.len() + 4096);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let name = &rest[start + 2..start + 2 + len];
        match name {
            "stylesheet" => out.push_str(&escape(&stylesheet)),
            "app" => out.push_str(&escape(&app.join(" "))),
            "texts" => out.push_str("\u{0}texts\u{0}"),
            _ => {
                if let Some(text) = text_named(name) {
                    out.push_str(&escape(text.get(Locale::ZhCn)));
                    named.push(text);
                } else {
                    // Left as written, so that a misspelt name shows (and fails the tests).
                    out.push_str(&rest[start..start + 2 + len + 2]);
                }
            }
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    named.extend(SCRIPT_TEXTS);
    out.replace("\u{0}texts\u{0}", &catalog(&named))
}

/// `Text::Name` by its name.
fn text_named(name: &str) -> Option<Text> {
    Text::ALL.iter().copied().find(|t| format!("{t:?}") == name)
}

/// The texts, error messages and problems the script shows, per language, as JSON that may
/// stand inside `<script>` (no `<`).
fn catalog(texts: &[Text]) -> String {
    let mut all = BTreeMap::new();
    for locale in Locale::ALL {
        let texts: BTreeMap<String, &str> = texts
            .iter()
            .map(|t| (format!("{t:?}"), t.get(locale)))
            .collect();
        let errors: BTreeMap<&str, &str> = ERROR_CODES
            .iter()
            .filter_map(|code| Some((*code, error_text(code, locale)?)))
            .collect();
        let problems: BTreeMap<String, String> = PROBLEMS
            .iter()
            .filter_map(|p| {
                let code = serde_json::to_value(p)
                    .ok()?
                    .get("code")?
                    .as_str()?
                    .to_owned();
                Some((code, problem_text(p, locale)))
            })
            .collect();
        all.insert(
            locale.tag(),
            json!({"texts": texts, "errors": errors, "problems": problems}),
        );
    }
    script_json(&Value::from(serde_json::Map::from_iter(
        all.into_iter().map(|(k, v)| (k.to_owned(), v)),
    )))
}

/// `value` as JSON that can stand inside a `<script>` element (no `</script>` in it).
fn script_json(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// `(rel, href)` of every `<link>` in `html`.
fn links(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<link") {
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start..tag_end];
        if let (Some(rel), Some(href)) = (attribute(tag, "rel"), attribute(tag, "href")) {
            out.push((rel.to_owned(), href.to_owned()));
        }
        rest = &rest[tag_end..];
    }
    out
}

/// The value of `name="…"` (or `'…'`) in a tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    loop {
        let at = rest.find(name)?;
        let before = rest[..at].chars().last();
        let after = &rest[at + name.len()..];
        rest = after;
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let value = &value[1..];
        return value.find(quote).map(|end| &value[..end]);
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = r#"<!DOCTYPE html><html><head>
        <link rel="stylesheet" href="/main-0123456789abcdef.css" integrity="sha384-x" crossorigin="anonymous"/>
        <link rel="modulepreload" href="/frontend-0123456789abcdef.js" crossorigin="anonymous" integrity="sha384-y">
        <link rel="preload" href="/frontend-0123456789abcdef_bg.wasm" crossorigin="anonymous" as="fetch" type="application/wasm">
        <link rel="icon" href="/favicon.svg" type="image/svg+xml"></head></html>"#;

    fn texts_of(page: &str) -> Value {
        let open = page
            .find("<script type=\"application/json\"")
            .expect("texts");
        let start = open + page[open..].find('>').expect("end of tag") + 1;
        let end = start + page[start..].find("</script>").expect("end of texts");
        serde_json::from_str(&page[start..end]).expect("JSON texts")
    }

    #[test]
    fn fills_in_texts_and_the_app_files() {
        let template = "<title>{{AppName}}</title><link href=\"{{stylesheet}}\"><body data-app=\"{{app}}\">\
            <h1>{{SignInTitle}}</h1><script type=\"application/json\">{{texts}}</script>";
        let page = render(template, INDEX, &["/echarts.min.js"]);
        assert!(
            page.starts_with("<title>桥 CRM</title><link href=\"/main-0123456789abcdef.css\">")
        );
        assert!(page.contains(
            "data-app=\"/frontend-0123456789abcdef.js /frontend-0123456789abcdef_bg.wasm /echarts.min.js\""
        ));
        assert!(page.contains("<h1>登录桥 CRM</h1>"));
        let texts = texts_of(&page);
        assert_eq!(texts["en"]["texts"]["SignInTitle"], "Sign in to Qiao");
        assert_eq!(
            texts["zh-CN"]["texts"]["ErrOffline"],
            Text::ErrOffline.get(Locale::ZhCn)
        );
        assert_eq!(
            texts["en"]["errors"]["bad_credentials"],
            "Wrong email or password."
        );
        assert_eq!(
            texts["en"]["errors"]["rate_limited"],
            Text::ErrRateLimited.get(Locale::En)
        );
        assert_eq!(texts["zh-CN"]["problems"]["required"], "此项必填。");
    }

    #[test]
    fn the_real_template_has_every_text_it_names() {
        let template = include_str!("../../../public/login.html");
        let page = render(template, INDEX, &[]);
        assert!(!page.contains("{{"), "a placeholder is left: {page}");
        let texts = texts_of(&page);
        // Every text the page marks for its script (data-t) is in both languages.
        for part in page.split("data-t=\"").skip(1) {
            let name = &part[..part.find('"').expect("closing quote")];
            for locale in ["zh-CN", "en"] {
                assert!(
                    texts[locale]["texts"][name].is_string(),
                    "{name} in {locale}"
                );
            }
        }
    }

    #[test]
    fn a_misspelt_name_is_left_in_sight() {
        let page = render("<p>{{SignInTitel}}</p><h1>{{SignInTitle}}</h1>", INDEX, &[]);
        assert!(
            page.starts_with("<p>{{SignInTitel}}</p><h1>登录桥 CRM</h1>"),
            "{page}"
        );
    }

    #[test]
    fn escapes_what_it_writes() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        let script = script_json(&json!({"name": "</script><script>alert(1)</script>"}));
        assert!(!script.contains('<'), "{script}");
        assert_eq!(
            serde_json::from_str::<Value>(&script).expect("still JSON")["name"],
            "</script><script>alert(1)</script>"
        );
        assert_eq!(
            attribute("<link rel='x' data-href=\"no\" href=\"/y\">", "href"),
            Some("/y")
        );
        assert_eq!(attribute("<link rel=\"x\">", "href"), None);
    }
}

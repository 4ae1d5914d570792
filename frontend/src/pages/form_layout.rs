//! A record's form laid out as its object's layout says (Settings → Fields → layout): titled
//! sections of one or two columns (one on a phone), each field shown while its show-when
//! condition holds over what the form holds now and marked while it must have a value. The
//! create and edit forms of built-in and custom objects all go through [`FormSections`].

use std::collections::HashMap;

use leptos::prelude::*;
use serde_json::{Map, Value as Json};
use shared::schema::ObjectDef;

use crate::i18n::use_i18n;

/// The form's inputs (`items`: each one's view by field key) in `object`'s sections. A field
/// the layout does not place comes last; one whose condition does not hold over `now` is out
/// of sight but keeps its value.
#[component]
pub fn FormSections(
    object: ObjectDef,
    items: Vec<(String, AnyView)>,
    now: Memo<Map<String, Json>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut items: HashMap<String, AnyView> = items.into_iter().collect();
    let sections: Vec<_> = object
        .layout
        .arrange(&object, |f| items.contains_key(f.key.as_str()))
        .into_iter()
        .map(|s| {
            let keys: Vec<String> = s.fields.iter().map(|f| f.key.as_str().to_owned()).collect();
            (s.title, s.columns, keys)
        })
        .collect();
    let object = StoredValue::new(object);
    sections
        .into_iter()
        .enumerate()
        .map(|(index, (title, columns, keys))| {
            let fields = keys
                .into_iter()
                .filter_map(|key| items.remove(&key).map(|view| (key, view)))
                .map(|(key, view)| {
                    let state = Memo::new(move |_| {
                        object.with_value(|o| {
                            o.field(&key).map_or((true, false), |f| {
                                now.with(|n| (f.is_shown(o, n), f.is_required(o, n)))
                            })
                        })
                    });
                    view! {
                        <div
                            class="laid"
                            class:required=move || state.get().1
                            class:out-of-sight=move || !state.get().0
                        >
                            {view}
                        </div>
                    }
                })
                .collect_view();
            let has_title = !title.zh.trim().is_empty() || !title.en.trim().is_empty();
            let legend = has_title.then(|| {
                view! { <legend>{move || title.get(i18n.locale()).to_owned()}</legend> }
            });
            view! {
                <fieldset class="form-section" class:two=columns == 2 data-section=index.to_string()>
                    {legend}
                    <div class="section-fields">{fields}</div>
                </fieldset>
            }
        })
        .collect_view()
}

/// Which of `object`'s fields its form has: a built-in object's typed fields (the owner is
/// chosen apart) and every custom field.
pub fn on_form(object: &ObjectDef) -> impl Fn(&shared::schema::FieldDef) -> bool + use<> {
    let typed =
        shared::schema::builtin::collection_of(object.key.as_str()).map(shared::records::fields_of);
    move |f| match typed {
        Some(typed) => !f.system || typed.contains(&f.key.as_str()),
        None => true,
    }
}

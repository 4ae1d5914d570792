//! Settings → Fields: a custom field changes type. Only the types its values can move to are
//! offered; where some values may not convert, the server's preview (it sees every record)
//! lists them before the admin confirms, and they keep their old value until someone fixes
//! them. The change is a `field.save` like any other (`lossy` once confirmed); the server
//! converts the stored values with it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Value as Json, json};
use shared::i18n::{Locale, Text, problem_text};
use shared::schema::convert::{Conversion, conversion};
use shared::schema::{FieldDef, FieldKind, FieldType, ObjectKey};
use shared::sync::{Mutation, SaveField};

use crate::i18n::use_i18n;
use crate::sync::use_sync;

/// The type a field of type `from` gets when changed to `kind`: the kind's usual options (two
/// decimals, yuan, five stars; a link's object kept). `None` for kinds that need choices, a
/// formula or another object named first.
fn target(kind: FieldKind, from: &FieldType) -> Option<FieldType> {
    use FieldKind as K;
    Some(match kind {
        K::Text => FieldType::Text,
        K::LongText => FieldType::LongText,
        K::Integer => FieldType::Integer,
        K::Decimal => FieldType::Decimal { precision: 2 },
        K::Percent => FieldType::Percent { precision: 2 },
        K::Money => FieldType::Money {
            currency: "CNY".to_owned(),
        },
        K::Rating => FieldType::Rating { max: 5 },
        K::Date => FieldType::Date,
        K::DateTime => FieldType::DateTime,
        K::Time => FieldType::Time,
        K::Duration => FieldType::Duration,
        K::Checkbox => FieldType::Checkbox,
        K::Tags => FieldType::Tags,
        K::Phone => FieldType::Phone,
        K::Email => FieldType::Email,
        K::Url => FieldType::Url,
        K::Wechat => FieldType::Wechat,
        K::IdCard => FieldType::IdCard,
        K::CreditCode => FieldType::CreditCode,
        // Their choices come from the values held (the server's preview makes them).
        K::SingleSelect => FieldType::SingleSelect {
            options: Vec::new(),
        },
        K::MultiSelect => FieldType::MultiSelect {
            options: Vec::new(),
        },
        K::Links => match from {
            FieldType::Link { object } => FieldType::Links {
                object: object.clone(),
            },
            _ => return None,
        },
        _ => return None,
    })
}

/// The types `field` may change to, each with what becomes of its values.
fn offered(field: &FieldDef) -> Vec<(FieldType, Conversion)> {
    super::fields::OFFERED
        .iter()
        .filter_map(|kind| target(*kind, &field.field_type))
        .map(|to| {
            let how = conversion(&field.field_type, &to);
            (to, how)
        })
        .filter(|(_, how)| matches!(how, Conversion::Safe | Conversion::Lossy))
        .collect()
}

/// "Change type" under a custom field's row.
#[component]
pub fn RetypeField(object: ObjectKey, field: FieldDef) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let targets = offered(&field);
    if targets.is_empty() {
        return ().into_any();
    }
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(None::<usize>);
    // The server's preview of a lossy change: `Err` holds the message when it could not be had.
    let preview = RwSignal::new(None::<Result<Json, String>>);
    let outcome = RwSignal::new(None::<String>);
    let targets = StoredValue::new(targets);
    let path = format!(
        "/api/v1/objects/{}/fields/{}/preview",
        object.as_str(),
        field.key.as_str()
    );
    let field = StoredValue::new(field);
    let object = StoredValue::new(object);
    // The change to the chosen type, as the mutation that makes it.
    let change = move |i: usize| {
        let (to, how) = targets.with_value(|t| t.get(i).cloned())?;
        Some((
            Mutation::SaveField(SaveField {
                object: object.get_value(),
                field: Box::new(FieldDef {
                    field_type: to,
                    ..field.get_value()
                }),
                adding: false,
                lossy: how == Conversion::Lossy,
            }),
            how,
        ))
    };
    let field_path = StoredValue::new(path.trim_end_matches("/preview").to_owned());
    let pick = move |ev: leptos::ev::Event| {
        let index = event_target_value(&ev).parse::<usize>().ok();
        chosen.set(index);
        preview.set(None);
        outcome.set(None);
        let Some((mutation, Conversion::Lossy)) = index.and_then(change) else {
            return;
        };
        let path = path.clone();
        spawn_local(async move {
            // The type in the JSON form the change's mutation carries.
            let body = json!({"field_type": mutation.args()["field"]["field_type"]});
            let got = crate::api::post::<_, Json>(&path, &body)
                .await
                .map_err(|e| e.message(i18n.locale()));
            if chosen.get_untracked() == index {
                preview.set(Some(got));
            }
        });
    };
    let apply = move |_| {
        let Some((mutation, _)) = chosen.get_untracked().and_then(change) else {
            return;
        };
        // A select gets the choices the preview made from the values held: the server takes
        // the change as previewed, and every device hears of it.
        let previewed = preview.with_untracked(|p| match p {
            Some(Ok(p)) if !p["field_type"]["options"].is_null() => Some(p["field_type"].clone()),
            _ => None,
        });
        if let Some(field_type) = previewed {
            let path = field_path.get_value();
            spawn_local(async move {
                let body = json!({"field_type": field_type, "lossy": true});
                match crate::api::patch::<_, Json>(&path, &body).await {
                    Ok(_) => open.set(false),
                    Err(e) => outcome.set(Some(e.message(i18n.locale()))),
                }
            });
            return;
        }
        spawn_local(async move {
            let locale = i18n.locale();
            outcome.set(Some(match sync.mutate(mutation).await {
                Ok(()) => {
                    open.set(false);
                    return;
                }
                Err(shared::sync::MutateError::Rejected(shared::sync::Rejection::Invalid {
                    errors,
                })) => errors
                    .iter()
                    .map(|e| problem_text(&e.problem, locale))
                    .collect::<Vec<_>>()
                    .join(" "),
                Err(_) => i18n.t(Text::ErrUnexpected).to_owned(),
            }));
        });
    };
    // Whether the change can be confirmed: a safe one at once, a lossy one once previewed.
    let ready = move || match chosen
        .get()
        .and_then(|i| targets.with_value(|t| t.get(i).map(|(_, h)| *h)))
    {
        Some(Conversion::Safe) => true,
        Some(_) => matches!(preview.get(), Some(Ok(_))),
        None => false,
    };
    let summary = move || {
        let locale = i18n.locale();
        let how = chosen
            .get()
            .and_then(|i| targets.with_value(|t| t.get(i).map(|(_, h)| *h)))?;
        Some(match (how, preview.get()) {
            (Conversion::Safe, _) => {
                view! { <p class="hint">{i18n.t(Text::RetypeSafe)}</p> }.into_any()
            }
            (_, None) => view! { <p class="hint">{i18n.t(Text::Loading)}</p> }.into_any(),
            (_, Some(Err(message))) => view! { <p class="field-error">{message}</p> }.into_any(),
            (_, Some(Ok(p))) => {
                let line = format!(
                    "{} {} / {}",
                    i18n.t(Text::RetypeFailing),
                    p["failing"],
                    p["values"]
                );
                let lang = if locale == Locale::En { "en" } else { "zh" };
                let choices: Vec<String> = p["field_type"]["options"]
                    .as_array()
                    .map(|all| {
                        all.iter()
                            .filter_map(|c| c["label"][lang].as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                let choices = (!choices.is_empty())
                    .then(|| format!("{} {}", i18n.t(Text::RetypeChoices), choices.join("、")));
                let text = |v: &Json| v.as_str().unwrap_or_default().to_owned();
                let examples: Vec<[String; 3]> = p["examples"]
                    .as_array()
                    .map(|all| {
                        all.iter()
                            .map(|f| {
                                [
                                    text(&f["name"]),
                                    text(&f["value"]),
                                    text(&f["messages"][lang]),
                                ]
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                view! {
                    <p class="hint" data-testid="retype-choices">{choices}</p>
                    <p class="hint" data-testid="retype-summary">{line}</p>
                    <ul class="retype-failing" data-testid="retype-failing">
                        {examples.into_iter().map(|[name, value, why]| view! {
                            <li><strong>{name}</strong>" · "{value}" · "<span class="muted">{why}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        })
    };
    view! {
        <button type="button" class="secondary" data-testid="retype-field"
            on:click=move |_| open.update(|o| *o = !*o)>{move || i18n.t(Text::RetypeField)}</button>
        <Show when=move || open.get()>
            <div class="retype" data-testid="retype">
                <select data-testid="retype-to" aria-label=move || i18n.t(Text::RetypeField) on:change=pick.clone()>
                    <option value="">{move || i18n.t(Text::NoneChosen)}</option>
                    {targets.with_value(|t| t.iter().enumerate().map(|(i, (to, _))| {
                        let name = to.kind().name().get(i18n.locale()).to_owned();
                        view! { <option value=i.to_string()>{name}</option> }
                    }).collect_view())}
                </select>
                {summary}
                <p class="field-error" role="alert">{move || outcome.get()}</p>
                <button type="button" data-testid="retype-apply" disabled=move || !ready() on:click=apply>
                    {move || i18n.t(Text::RetypeApply)}
                </button>
            </div>
        </Show>
    }
    .into_any()
}

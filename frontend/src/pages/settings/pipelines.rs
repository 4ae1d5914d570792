//! Settings → Pipelines: the admin sets up deal pipelines (stages in order, names in both
//! languages, probability, won/lost, the fields each stage requires). Saving is a
//! `pipeline.save` change like any other: it works offline and reaches every device by sync;
//! the device and the server check it the same way.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::RecordId;
use shared::i18n::Text;
use shared::records::labels::field_label;
use shared::records::pipeline::GATE_FIELDS;
use shared::records::{DEFAULT_PIPELINE, Pipeline};
use shared::sync::{Collection, Mutation, SavePipeline};

use crate::components::ErrorBanner;
use crate::components::form::{FormFooter, FormState};
use crate::i18n::use_i18n;
use crate::sync::{new_uuid, use_sync};

/// Deals on this device in stage `key` of pipeline `id`.
fn deals_in(id: RecordId, key: &str) -> usize {
    use_sync()
        .with_core_untracked(|core| {
            core.collection(Collection::Deal)
                .filter_map(|r| r.as_deal())
                .filter(|d| d.pipeline.unwrap_or(DEFAULT_PIPELINE) == id && d.stage == key)
                .count()
        })
        .unwrap_or(0)
}

#[component]
pub fn PipelinesPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let all = sync.pipelines();
    let editing = RwSignal::new(DEFAULT_PIPELINE);
    let draft = RwSignal::new(Pipeline::standard().clone());
    let form = FormState::default();
    let saved = RwSignal::new(false);
    let banner = RwSignal::new(None::<String>);
    // The draft starts as the pipeline being edited, again when another is picked, and follows
    // the saved pipeline (read from the device's copy, or changed by another admin) for as long
    // as nothing was typed into it.
    let base = StoredValue::new(None::<(RecordId, Pipeline)>);
    Effect::new(move |_| {
        let id = editing.get();
        let current = all.with(|a| {
            a.list()
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, p)| p.clone())
        });
        let current = current.unwrap_or_else(|| Pipeline {
            name: i18n.t(Text::NewPipeline).to_owned(),
            stages: Pipeline::standard().stages.clone(),
        });
        let untouched = base.with_value(|b| {
            b.as_ref()
                .is_some_and(|(was, p)| *was == id && draft.with_untracked(|d| d == p))
        });
        let other = base.with_value(|b| b.as_ref().is_none_or(|(was, _)| *was != id));
        if other || untouched {
            base.set_value(Some((id, current.clone())));
            draft.set(current);
            if other {
                form.done();
                saved.set(false);
            }
        }
    });

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        saved.set(false);
        banner.set(None);
        let mutation = Mutation::SavePipeline(SavePipeline {
            id: editing.get_untracked(),
            pipeline: draft.get_untracked(),
        });
        spawn_local(async move {
            match sync.mutate(mutation).await {
                Ok(()) => {
                    form.done();
                    saved.set(true);
                    // What was saved is the new starting point.
                    base.set_value(Some((editing.get_untracked(), draft.get_untracked())));
                }
                Err(e) => banner.set(form.refused(e, i18n.locale())),
            }
        });
    };
    let new_pipeline = move |_| editing.set(RecordId::from_uuid(new_uuid()));
    let add_stage = move |_| {
        draft.update(|d| {
            let key = d.new_key();
            // New stages go before the closing (won/lost) ones.
            let at = d
                .stages
                .iter()
                .position(|s| !s.is_open())
                .unwrap_or(d.stages.len());
            d.stages.insert(
                at,
                shared::records::Stage {
                    key,
                    name_zh: String::new(),
                    name_en: String::new(),
                    probability: 50,
                    won: false,
                    lost: false,
                    required: Vec::new(),
                },
            );
        });
    };
    let picker = move || {
        let list = all.get();
        let main = i18n.t(Text::MainPipeline);
        let mut options: Vec<(RecordId, String)> = list
            .list()
            .iter()
            .map(|(id, _)| (*id, list.name_of(*id, main)))
            .collect();
        let current = editing.get();
        if !options.iter().any(|(id, _)| *id == current) {
            options.push((current, i18n.t(Text::NewPipeline).to_owned()));
        }
        options
            .into_iter()
            .map(|(id, name)| {
                view! { <option value=id.to_string() selected=id == current>{name}</option> }
            })
            .collect_view()
    };
    let message = Signal::derive(move || banner.get());
    let top_error = move || form.field_error("stages", i18n.locale());

    view! {
        <section class="card" data-testid="pipeline-settings">
            <div class="section-header">
                <h2>{move || i18n.t(Text::PipelineSettings)}</h2>
                <button type="button" class="secondary" data-testid="new-pipeline" on:click=new_pipeline>
                    {move || i18n.t(Text::NewPipeline)}
                </button>
            </div>
            <div class="field">
                <label for="pipeline-pick" class="sr-only">{move || i18n.t(Text::PipelineSettings)}</label>
                <select id="pipeline-pick" data-testid="pipeline-pick" on:change=move |ev| {
                    if let Ok(id) = event_target_value(&ev).parse() {
                        editing.set(id);
                    }
                }>
                    {picker}
                </select>
            </div>
            <ErrorBanner message=message />
            <form on:submit=save novalidate>
                <div class="field" class:invalid=move || form.field_error("name", i18n.locale()).is_some()>
                    <label for="pipeline-name">{move || i18n.t(Text::PipelineName)}</label>
                    <input id="pipeline-name" type="text" data-testid="pipeline-name"
                        placeholder=move || if editing.get() == DEFAULT_PIPELINE { i18n.t(Text::MainPipeline) } else { "" }
                        prop:value=move || draft.with(|d| d.name.clone())
                        on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev)) />
                    <p class="field-error">{move || form.field_error("name", i18n.locale())}</p>
                </div>
                <h3>{move || i18n.t(Text::Stages)}</h3>
                <p class="field-error" role="alert">{top_error}</p>
                <ol class="stage-list" data-testid="stage-list">
                    <For
                        each=move || draft.with(|d| d.stages.iter().map(|s| s.key.clone()).collect::<Vec<_>>())
                        key=|key| key.clone()
                        children=move |key| view! { <StageRow key=key draft=draft form=form pipeline=editing /> }
                    />
                </ol>
                <button type="button" class="secondary" data-testid="add-stage" on:click=add_stage>
                    {move || i18n.t(Text::AddStage)}
                </button>
                <FormFooter form=form submit=Text::SavePipeline />
                <Show when=move || saved.get()>
                    <p class="muted" role="status" data-testid="pipeline-saved">{move || i18n.t(Text::PipelineSaved)}</p>
                </Show>
            </form>
        </section>
    }
}

/// One stage of the draft: its names, probability, won/lost and gate, and buttons to move or
/// remove it. Errors show at the stage's fields, by its place in the list.
#[component]
fn StageRow(
    key: String,
    draft: RwSignal<Pipeline>,
    form: FormState,
    pipeline: RwSignal<RecordId>,
) -> impl IntoView {
    let i18n = use_i18n();
    let blocked = RwSignal::new(false);
    let index = {
        let key = key.clone();
        Memo::new(move |_| draft.with(|d| d.stages.iter().position(|s| s.key == key)))
    };
    let edit = {
        let key = key.clone();
        move |f: &dyn Fn(&mut shared::records::Stage)| {
            draft.update(|d| {
                if let Some(stage) = d.stages.iter_mut().find(|s| s.key == key) {
                    f(stage);
                }
            });
        }
    };
    let read = {
        let key = key.clone();
        move |f: fn(&shared::records::Stage) -> String| {
            draft.with(|d| {
                d.stages
                    .iter()
                    .find(|s| s.key == key)
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let flag = {
        let key = key.clone();
        move |f: fn(&shared::records::Stage) -> bool| {
            draft.with(|d| d.stages.iter().find(|s| s.key == key).is_some_and(f))
        }
    };
    let error = move |field: &str| {
        index
            .get()
            .and_then(|i| form.field_error(&format!("stages.{i}.{field}"), i18n.locale()))
    };
    let shift = move |by: isize| {
        if let Some(i) = index.get_untracked() {
            draft.update(|d| {
                let j = i.checked_add_signed(by).filter(|j| *j < d.stages.len());
                if let Some(j) = j {
                    d.stages.swap(i, j);
                }
            });
        }
    };
    let remove = {
        let key = key.clone();
        move |_| {
            if deals_in(pipeline.get_untracked(), &key) > 0 {
                blocked.set(true);
            } else {
                draft.update(|d| d.stages.retain(|s| s.key != key));
            }
        }
    };
    let gates = GATE_FIELDS
        .iter()
        .map(|field| {
            let field: &'static str = field;
            let (edit, key) = (edit.clone(), key.clone());
            let checked = move || {
                draft.with(|d| {
                    d.stages
                        .iter()
                        .find(|s| s.key == key)
                        .is_some_and(|s| s.required.iter().any(|r| r == field))
                })
            };
            view! {
                <label class="check">
                    <input type="checkbox" data-gate=field prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            edit(&|s| {
                                s.required.retain(|r| r != field);
                                if on {
                                    s.required.push(field.to_owned());
                                }
                            });
                        } />
                    {move || field_label(field, i18n.locale())}
                </label>
            }
        })
        .collect_view();
    let (e1, e2, e3, e4, e5) = (edit.clone(), edit.clone(), edit.clone(), edit.clone(), edit);
    let (r1, r2, r3) = (read.clone(), read.clone(), read);
    let (f1, f2) = (flag.clone(), flag);
    view! {
        <li class="stage-row" data-testid="stage-row" data-key=key.clone()>
            <div class="stage-fields">
                <div class="field" class:invalid=move || error("name_zh").is_some()>
                    <label>{move || i18n.t(Text::StageNameZh)}
                        <input type="text" data-testid="stage-name-zh" prop:value=move || r1(|s| s.name_zh.clone())
                            on:input=move |ev| { let v = event_target_value(&ev); e1(&|s| s.name_zh = v.clone()) } />
                    </label>
                    <p class="field-error">{move || error("name_zh")}</p>
                </div>
                <div class="field" class:invalid=move || error("name_en").is_some()>
                    <label>{move || i18n.t(Text::StageNameEn)}
                        <input type="text" data-testid="stage-name-en" prop:value=move || r2(|s| s.name_en.clone())
                            on:input=move |ev| { let v = event_target_value(&ev); e2(&|s| s.name_en = v.clone()) } />
                    </label>
                    <p class="field-error">{move || error("name_en")}</p>
                </div>
                <div class="field" class:invalid=move || error("probability").is_some()>
                    <label>{move || i18n.t(Text::StageProbability)}
                        <input type="number" min="0" max="100" inputmode="numeric" data-testid="stage-probability"
                            prop:value=move || r3(|s| s.probability.to_string())
                            on:input=move |ev| {
                                // Out-of-range numbers are kept as 255 so that saving names them.
                                let v = event_target_value(&ev).trim().parse::<u16>().map_or(255, |n| n.min(255) as u8);
                                e3(&|s| s.probability = v)
                            } />
                    </label>
                    <p class="field-error">{move || error("probability")}</p>
                </div>
                <label class="check">
                    <input type="checkbox" data-testid="stage-won" prop:checked=move || f1(|s| s.won)
                        on:change=move |ev| { let on = event_target_checked(&ev); e4(&|s| s.won = on) } />
                    {move || i18n.t(Text::StageWon)}
                </label>
                <p class="field-error">{move || error("won")}</p>
                <label class="check">
                    <input type="checkbox" data-testid="stage-lost" prop:checked=move || f2(|s| s.lost)
                        on:change=move |ev| { let on = event_target_checked(&ev); e5(&|s| s.lost = on) } />
                    {move || i18n.t(Text::StageLost)}
                </label>
                <p class="field-error">{move || error("lost")}</p>
            </div>
            <fieldset class="stage-gate">
                <legend>{move || i18n.t(Text::StageGate)}</legend>
                {gates}
                <p class="field-error">{move || error("required")}</p>
            </fieldset>
            <div class="row-actions">
                <button type="button" class="secondary" aria-label=move || i18n.t(Text::MoveUp) on:click=move |_| shift(-1)>"↑"</button>
                <button type="button" class="secondary" aria-label=move || i18n.t(Text::MoveDown) on:click=move |_| shift(1)>"↓"</button>
                <button type="button" class="danger" data-testid="remove-stage" on:click=remove>{move || i18n.t(Text::RemoveStage)}</button>
            </div>
            <Show when=move || blocked.get()>
                <p class="field-error" role="alert">{move || i18n.t(Text::StageHasDeals)}</p>
            </Show>
        </li>
    }
}

//! Contacts: the list (instant search over the device's copy) and the editor. Everything works
//! offline: changes are mutations queued by [`crate::sync`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::i18n::Text;
use shared::search::{Query, Rank};
use shared::sync::{
    AssignContact, ClientCore, Collection, CreateContact, DeleteContact, MutateError, Mutation,
    Record, UpdateContact,
};
use shared::{Contact, ContactField, ContactInput, RecordId, UserId};

use crate::components::ErrorBanner;
use crate::components::form::{FormFooter, FormState, SelectField, TextField};
use crate::i18n::use_i18n;
use crate::sync::{new_uuid, use_sync};

/// Most contacts the list renders at once.
const SHOWN: usize = 200;

/// A contact as the list shows it.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: RecordId,
    version: i64,
    updated_at: i64,
    contact: Contact,
    owner: String,
}

/// How many matched, and the best [`SHOWN`] rows by rank then name; only those rows are looked
/// up in the records.
fn best_rows(core: &ClientCore, mut matching: Vec<(Rank, &str, RecordId)>) -> (usize, Vec<Row>) {
    let count = matching.len();
    if matching.len() > SHOWN {
        matching.select_nth_unstable(SHOWN);
        matching.truncate(SHOWN);
    }
    matching.sort_unstable();
    let name_of = |id: UserId| {
        core.directory()
            .and_then(|d| d.member(id))
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    let rows = matching
        .into_iter()
        .filter_map(|(_, _, id)| {
            let r = core.get(id)?;
            Some(Row {
                id: r.id,
                version: r.version,
                updated_at: r.updated_at,
                contact: r.as_contact()?.clone(),
                owner: name_of(r.owner),
            })
        })
        .collect();
    (count, rows)
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let query = RwSignal::new(String::new());
    // Every contact as search sees it (pinyin worked out once), rebuilt when the records
    // change, not on every keystroke.
    // Which index entries the last query matched, so that typing one more character only
    // looks at those: (index generation, query, positions).
    let generation = StoredValue::new(0u64);
    let last = StoredValue::new((0u64, Query::new(""), Vec::<usize>::new()));
    let index = Memo::new_with_compare(
        move |_| {
            generation.update_value(|g| *g += 1);
            sync.with_core(|core| {
                core.collection(Collection::Contact)
                    .filter_map(|r| {
                        let c = r.as_contact()?;
                        Some((r.id, c.name.as_str().to_owned(), c.search_entry()))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        },
        |_, _| true,
    );
    // How many match, and the best ones, by rank then name (a phone shows a screenful, not
    // 100,000).
    // With nothing typed the index is not needed (nor built: memos are lazy), which keeps
    // opening the app fast.
    let listing = Memo::new(move |_| {
        let q = Query::new(&query.get());
        if q.is_empty() {
            return sync
                .with_core(|core| {
                    let all = core
                        .collection(Collection::Contact)
                        .filter_map(|r| Some((Rank::Other, r.as_contact()?.name.as_str(), r.id)))
                        .collect();
                    best_rows(core, all)
                })
                .unwrap_or_default();
        }
        index
            .with(|entries| {
                let current = generation.get_value();
                let earlier = last.with_value(|(g, earlier, positions)| {
                    (*g == current && q.narrows(earlier)).then(|| positions.clone())
                });
                let candidates = earlier.unwrap_or_else(|| (0..entries.len()).collect());
                let mut positions = Vec::new();
                let result = sync.with_core(|core| {
                    let matching = candidates
                        .into_iter()
                        .filter_map(|i| {
                            let (id, name, entry) = entries.get(i)?;
                            let rank = q.rank(entry)?;
                            positions.push(i);
                            Some((rank, name.as_str(), *id))
                        })
                        .collect();
                    best_rows(core, matching)
                });
                last.set_value((current, q.clone(), positions));
                result
            })
            .unwrap_or_default()
    });
    let count = Memo::new(move |_| listing.with(|l| l.0));
    let shown = Memo::new(move |_| listing.with(|l| l.1.clone()));
    view! {
        <div class="page">
            <section class="card">
                <div class="section-header">
                    <h1>{move || i18n.t(Text::Contacts)}</h1>
                    <A href="/contacts/new" attr:class="button primary" attr:data-testid="new-contact">
                        {move || i18n.t(Text::NewContact)}
                    </A>
                </div>
                <div class="field">
                    <label for="contact-search" class="sr-only">{move || i18n.t(Text::Search)}</label>
                    <input
                        id="contact-search"
                        type="search"
                        data-testid="contact-search"
                        placeholder=move || i18n.t(Text::SearchContacts)
                        bind:value=query
                    />
                </div>
                <p class="muted" data-testid="contact-count">
                    {move || format!("{} {}", count.get(), i18n.t(Text::ContactCount))}
                </p>
                <Show
                    when=move || { count.get() > 0 }
                    fallback=move || view! {
                        <p class="muted">
                            {move || if query.with(String::is_empty) { i18n.t(Text::NoContacts) } else { i18n.t(Text::NoMatches) }}
                        </p>
                    }
                >
                    <ul class="records" data-testid="contacts-list">
                        <For
                            each=move || shown.get()
                            key=|row| (row.id, row.version, row.updated_at, row.owner.clone())
                            children=move |row| {
                                let href = format!("/contacts/{}", row.id);
                                let detail = [row.contact.company.clone(), row.contact.text(ContactField::Phone)]
                                    .into_iter()
                                    .filter(|s| !s.is_empty())
                                    .collect::<Vec<_>>()
                                    .join(" · ");
                                view! {
                                    <li data-id=row.id.to_string()>
                                        <A href=href attr:class="record-link">
                                            <strong class="record-title">{row.contact.name.to_string()}</strong>
                                            <span class="muted">{detail}</span>
                                            <span class="muted small">{row.owner}</span>
                                        </A>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </Show>
            </section>
        </div>
    }
}

/// `/contacts/new` and `/contacts/:id`.
#[component]
pub fn ContactEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|raw| raw.parse::<RecordId>().ok())
    });
    move || view! { <ContactEditor id=id.get() /> }
}

#[component]
fn ContactEditor(id: Option<RecordId>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let form = FormState::default();
    let banner = RwSignal::new(None::<String>);
    let existing: Option<Record> =
        id.and_then(|id| sync.with_core(|c| c.get(id).cloned()).flatten());
    let missing = id.is_some() && existing.is_none();
    let start = existing
        .as_ref()
        .and_then(Record::as_contact)
        .map(Contact::to_input)
        .unwrap_or_default();
    let field = |f: ContactField| RwSignal::new(start.get(f).unwrap_or_default().to_owned());
    let (name, company, phone, email, notes) = (
        field(ContactField::Name),
        field(ContactField::Company),
        field(ContactField::Phone),
        field(ContactField::Email),
        field(ContactField::Notes),
    );
    let owner = RwSignal::new(
        existing
            .as_ref()
            .map(|r| r.owner.to_string())
            .unwrap_or_default(),
    );
    let owners = Signal::derive(move || {
        sync.with_core(|c| {
            c.directory()
                .map(|d| {
                    d.users
                        .iter()
                        .filter(|m| m.active)
                        .map(|m| (m.id.to_string(), m.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default()
    });
    let seen = existing.as_ref().map_or(0, |r| r.version);
    let original = start.clone();
    let original_owner = existing.as_ref().map(|r| r.owner);

    // Back to the list once a change is queued.
    let finished = RwSignal::new(false);
    Effect::new(move |_| {
        if finished.get() {
            navigate("/contacts", Default::default());
        }
    });
    let done = move || finished.set(true);
    let on_refused = move |e: MutateError| banner.set(form.refused(e, i18n.locale()));
    let submit = {
        let original = original.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            form.begin();
            banner.set(None);
            let input = ContactInput {
                name: Some(name.get_untracked()),
                company: Some(company.get_untracked()),
                phone: Some(phone.get_untracked()),
                email: Some(email.get_untracked()),
                notes: Some(notes.get_untracked()),
            };
            // The same rules the server applies, before anything is queued.
            if let Err(errors) = input.parse() {
                form.invalid(errors);
                return;
            }
            let mut mutations = Vec::new();
            match id {
                None => mutations.push(Mutation::CreateContact(CreateContact {
                    id: RecordId::from_uuid(new_uuid()),
                    owner: owner.get_untracked().parse::<UserId>().ok(),
                    fields: input,
                })),
                Some(id) => {
                    let mut set = ContactInput::default();
                    let mut was = ContactInput::default();
                    for f in ContactField::ALL {
                        let (now, before) = (
                            input.get(f).unwrap_or_default(),
                            original.get(f).unwrap_or_default(),
                        );
                        if now.trim() != before.trim() {
                            set.set(f, now.to_owned());
                            was.set(f, before.to_owned());
                        }
                    }
                    if !set.fields().is_empty() {
                        mutations.push(Mutation::UpdateContact(UpdateContact {
                            id,
                            set,
                            was,
                            seen,
                        }));
                    }
                    if let Ok(new_owner) = owner.get_untracked().parse::<UserId>()
                        && Some(new_owner) != original_owner
                    {
                        mutations.push(Mutation::AssignContact(AssignContact {
                            id,
                            owner: new_owner,
                        }));
                    }
                }
            }
            spawn_local(async move {
                for m in mutations {
                    if let Err(e) = sync.mutate(m).await {
                        on_refused(e);
                        return;
                    }
                }
                form.done();
                done();
            });
        }
    };
    let delete = move |_| {
        let Some(id) = id else { return };
        let confirmed = window()
            .confirm_with_message(i18n.t(Text::ConfirmDeleteContact))
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        spawn_local(async move {
            match sync
                .mutate(Mutation::DeleteContact(DeleteContact { id }))
                .await
            {
                Ok(()) => done(),
                Err(e) => on_refused(e),
            }
        });
    };
    let title = if id.is_some() {
        Text::EditContact
    } else {
        Text::NewContact
    };
    let message = Signal::derive(move || banner.get());
    view! {
        <div class="page">
            <section class="card">
                <div class="section-header">
                    <h1>{move || i18n.t(title)}</h1>
                    <A href="/contacts" attr:class="button secondary">{move || i18n.t(Text::Back)}</A>
                </div>
                <Show when=move || missing>
                    <div class="banner error" role="alert">{move || i18n.t(Text::ErrNotFound)}</div>
                </Show>
                <ErrorBanner message=message />
                <Show when=move || !missing>
                    <form class="form" data-testid="contact-form" on:submit=submit.clone() novalidate>
                        <TextField form=form name="name" id_prefix="contact" label=Text::ContactName value=name />
                        <TextField form=form name="company" id_prefix="contact" label=Text::CompanyOptional value=company />
                        <TextField form=form name="phone" id_prefix="contact" label=Text::PhoneOptional value=phone kind="tel" />
                        <TextField form=form name="email" id_prefix="contact" label=Text::EmailOptional value=email kind="email" />
                        <div class="field">
                            <label for="contact-notes">{move || i18n.t(Text::Notes)}</label>
                            <textarea id="contact-notes" name="notes" rows="4" bind:value=notes></textarea>
                            <Show when=move || form.field_error("notes", i18n.locale()).is_some()>
                                <p class="field-error">{move || form.field_error("notes", i18n.locale())}</p>
                            </Show>
                        </div>
                        <Show when=move || id.is_some()>
                            <SelectField form=form name="owner" id_prefix="contact" label=Text::Owner value=owner options=owners />
                        </Show>
                        <FormFooter form=form submit=Text::Save>
                            <Show when=move || id.is_some()>
                                <button type="button" class="danger" data-testid="delete-contact" on:click=delete>
                                    {move || i18n.t(Text::Delete)}
                                </button>
                            </Show>
                        </FormFooter>
                    </form>
                </Show>
            </section>
        </div>
    }
}

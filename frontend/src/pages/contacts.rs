//! Contacts: the list (instant search over the device's copy) and the editor. Everything works
//! offline: changes are mutations queued by [`crate::sync`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::i18n::Text;
use shared::search::{Found, Query};
use shared::sync::{
    AssignContact, ClientCore, Collection, CreateContact, DeleteContact, MutateError, Mutation,
    Record, UpdateContact,
};
use shared::{Contact, ContactField, ContactInput, RecordId, UserId};

use crate::components::ErrorBanner;
use crate::components::form::{FormFooter, FormState, SelectField, TextField};
use crate::components::search_index::{BackgroundIndex, use_order};
use crate::components::virtual_rows::{ListRow, VirtualList};
use crate::i18n::use_i18n;
use crate::sync::{new_uuid, use_sync};

/// A contact as the list shows it: name; company and phone; owner.
fn list_row(core: &ClientCore, id: RecordId) -> Option<ListRow> {
    let r = core.get(id)?;
    let contact = r.as_contact()?;
    let owner = core
        .directory()
        .and_then(|d| d.member(r.owner))
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let detail = [contact.company.clone(), contact.text(ContactField::Phone)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    Some(ListRow {
        id: r.id,
        href: format!("/contacts/{}", r.id),
        title: contact.name.to_string(),
        lines: vec![detail, owner],
    })
}

/// The list: every contact by name, or, once something is typed, the matches best first. Only
/// the rows on or near the screen are in the page.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let query = RwSignal::new(String::new());
    // Every contact by name: the list's order with nothing typed, and the search index's.
    let order = use_order(sync, vec![Collection::Contact], |r| {
        r.as_contact()
            .map(|c| c.name.as_str().to_owned())
            .unwrap_or_default()
    });
    // Every contact as search sees it (pinyin worked out once per change of the contacts, in
    // the background).
    let index = BackgroundIndex::new(sync, order, |r| {
        r.as_contact()
            .map(Contact::search_entry)
            .unwrap_or_default()
    });
    // The previous search, which a longer query narrows.
    let earlier = StoredValue::new(None::<Found>);
    // Positions in `order`, best first; `None` while nothing is typed (every contact, by name).
    let found = Memo::new_with_compare(
        move |_| {
            let q = Query::new(&query.get());
            if q.is_empty() {
                earlier.set_value(None);
                return None;
            }
            let found = index.with(|index| earlier.with_value(|e| index.search(&q, e.as_ref())));
            let ranked = found.ranked.clone();
            earlier.set_value(Some(found));
            Some(ranked)
        },
        |_, _| true,
    );
    let count = Memo::new(move |_| match found.with(|f| f.as_ref().map(Vec::len)) {
        Some(n) => n,
        None => order.with(|(_, ids)| ids.len()),
    });
    let rows = move |range: std::ops::Range<usize>| {
        order.with(|(_, ids)| {
            let ids: Vec<RecordId> = found.with(|found| match found {
                Some(ranked) => ranked
                    .get(range.clone())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|p| ids.get(*p as usize).copied())
                    .collect(),
                None => ids.get(range.clone()).unwrap_or_default().to_vec(),
            });
            sync.with_core(|core| {
                ids.into_iter()
                    .filter_map(|id| list_row(core, id))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    };
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
                <Show when=move || { count.get() == 0 }>
                    <p class="muted">
                        {move || if query.with(String::is_empty) { i18n.t(Text::NoContacts) } else { i18n.t(Text::NoMatches) }}
                    </p>
                </Show>
                <VirtualList testid="contacts-list" count=count rows=rows />
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

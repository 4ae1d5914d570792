//! The sync-issues panel: changes the server refused, and values a change replaced although
//! someone else had changed them meanwhile. Each can be applied again, reverted or dismissed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::i18n::Text;
use shared::sync::{Collection, DismissIssue, IssueKind, Mutation, Record, UpdateRecord};
use shared::{RecordId, UserId};

use crate::i18n::use_i18n;
use crate::sync::{new_uuid, use_sync};
use shared::i18n::rejection_text;

fn mutation_text(name: &str) -> Text {
    match name.split('.').nth(1) {
        Some("create") => Text::MutationCreate,
        Some("update") => Text::MutationUpdate,
        Some("delete") => Text::MutationDelete,
        Some("assign") => Text::MutationAssign,
        _ => Text::MutationOther,
    }
}

#[component]
pub fn SyncIssuesPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let issues = Memo::new(move |_| {
        sync.with_core(|core| {
            let mut all: Vec<Record> = core.collection(Collection::Issue).cloned().collect();
            all.sort_by_key(|r| std::cmp::Reverse(r.created_at));
            all
        })
        .unwrap_or_default()
    });
    // A user keeps a bounded number of issues; the server counts those it removed.
    let pruned = move || {
        issues.with(|all| {
            all.iter()
                .filter_map(Record::as_issue)
                .map(|i| u64::from(i.pruned))
                .sum::<u64>()
        })
    };
    view! {
        <div class="page">
            <section class="card">
                <h1>{move || i18n.t(Text::SyncIssues)}</h1>
                <p class="muted">{move || i18n.t(Text::SyncIssuesIntro)}</p>
                <Show when=move || { pruned() > 0 }>
                    <p class="muted" data-testid="sync-issues-pruned">
                        {move || format!("{} {}", pruned(), i18n.t(Text::IssuesPruned))}
                    </p>
                </Show>
                <Show
                    when=move || issues.with(|i| !i.is_empty())
                    fallback=move || view! { <p class="muted" data-testid="no-sync-issues">{move || i18n.t(Text::NoSyncIssues)}</p> }
                >
                    <ul class="issues" data-testid="sync-issues">
                        <For each=move || issues.get() key=|r| r.id children=move |r| view! { <IssueItem record=r /> } />
                    </ul>
                </Show>
            </section>
        </div>
    }
}

#[component]
fn IssueItem(record: Record) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let Some(issue) = record.as_issue().cloned() else {
        return ().into_any();
    };
    let issue_id = record.id;
    let who = move |id: UserId| {
        sync.with_core(|c| {
            c.directory()
                .and_then(|d| d.member(id))
                .map(|m| m.name.clone())
        })
        .flatten()
        .unwrap_or_default()
    };
    let dismiss = move || Mutation::DismissIssue(DismissIssue { id: issue_id });
    let run = move |mutations: Vec<Mutation>| {
        spawn_local(async move {
            for m in mutations {
                if sync.mutate(m).await.is_err() {
                    break;
                }
            }
        });
    };
    let heading = format!(
        "{} · {}",
        i18n.t(mutation_text(&issue.mutation)),
        if issue.hidden {
            i18n.t(Text::IssueHiddenRecord).to_owned()
        } else {
            issue.label.clone()
        }
    );
    match issue.kind.clone() {
        IssueKind::Rejected { reason } => {
            let again = again(&issue.mutation, &issue.args, sync, issue.record);
            view! {
                <li class="issue" data-testid="sync-issue" data-kind="rejected">
                    <p><strong>{move || i18n.t(Text::IssueRejected)}</strong>" · "{heading}</p>
                    <p class="muted">{move || i18n.t(rejection_text(&reason))}</p>
                    <div class="form-actions">
                        {again.map(|m| view! {
                            <button type="button" class="primary" data-testid="issue-reapply"
                                on:click=move |_| run(vec![m.clone(), dismiss()])>
                                {move || i18n.t(Text::ReApply)}
                            </button>
                        })}
                        <button type="button" class="secondary" data-testid="issue-discard" on:click=move |_| run(vec![dismiss()])>
                            {move || i18n.t(Text::Discard)}
                        </button>
                    </div>
                </li>
            }
            .into_any()
        }
        IssueKind::Overwritten {
            field,
            mine,
            theirs,
            original,
            theirs_by,
        } => {
            let revert = issue
                .record
                .and_then(|id| revert_to(sync, id, &field, &theirs));
            view! {
                <li class="issue" data-testid="sync-issue" data-kind="overwritten">
                    <p><strong>{move || i18n.t(Text::IssueOverwritten)}</strong>" · "{heading}</p>
                    <dl class="compare">
                        <dt>{move || i18n.t(Text::IssueMine)}</dt><dd data-testid="issue-mine">{mine}</dd>
                        <dt>{move || i18n.t(Text::IssueTheirs)}</dt><dd data-testid="issue-theirs">{theirs.clone()}</dd>
                        <dt>{move || i18n.t(Text::IssueOriginal)}</dt><dd>{original}</dd>
                        <dt>{move || i18n.t(Text::IssueBy)}</dt><dd>{move || who(theirs_by)}</dd>
                    </dl>
                    <div class="form-actions">
                        <button type="button" class="primary" data-testid="issue-keep" on:click=move |_| run(vec![dismiss()])>
                            {move || i18n.t(Text::KeepMine)}
                        </button>
                        {revert.map(|m| view! {
                            <button type="button" class="secondary" data-testid="issue-use-theirs"
                                on:click=move |_| run(vec![m.clone(), dismiss()])>
                                {move || i18n.t(Text::UseTheirs)}
                            </button>
                        })}
                    </div>
                </li>
            }
            .into_any()
        }
    }
}

/// The refused change, ready to be made again over the record as it is now.
fn again(
    name: &str,
    args: &serde_json::Value,
    sync: crate::sync::Sync,
    record: Option<RecordId>,
) -> Option<Mutation> {
    let mutation = Mutation::parse(name, args).ok()?;
    Some(match mutation {
        // A create whose id is taken gets a new id.
        Mutation::CreateContact(mut create) => {
            create.id = RecordId::from_uuid(new_uuid());
            Mutation::CreateContact(create)
        }
        Mutation::CreateRecord(mut create) => {
            create.id = RecordId::from_uuid(new_uuid());
            Mutation::CreateRecord(create)
        }
        Mutation::UpdateContact(mut update) => {
            update.seen = version_now(sync, record).unwrap_or(update.seen);
            Mutation::UpdateContact(update)
        }
        Mutation::UpdateRecord(mut update) => {
            update.seen = version_now(sync, record).unwrap_or(update.seen);
            Mutation::UpdateRecord(update)
        }
        other => other,
    })
}

fn version_now(sync: crate::sync::Sync, record: Option<RecordId>) -> Option<i64> {
    record.and_then(|id| sync.with_core(|c| c.get(id).map(|r| r.version)).flatten())
}

/// Put `theirs` back into `field` (a typed field, or a custom field's key).
fn revert_to(sync: crate::sync::Sync, id: RecordId, field: &str, theirs: &str) -> Option<Mutation> {
    let current = sync.with_core(|c| c.get(id).cloned()).flatten()?;
    if !current.body.fields().contains(&field) {
        // A custom value: kept as text when a text, else as its JSON text.
        let shown = current.custom.get(field);
        let value = match (theirs.trim().is_empty(), shown) {
            (true, _) => serde_json::Value::Null,
            (false, Some(serde_json::Value::String(_)) | None) => {
                match serde_json::from_str::<serde_json::Value>(theirs) {
                    Ok(json @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => json,
                    _ => serde_json::Value::String(theirs.to_owned()),
                }
            }
            (false, Some(_)) => serde_json::from_str(theirs)
                .unwrap_or_else(|_| serde_json::Value::String(theirs.to_owned())),
        };
        let was = [(field.to_owned(), shared::sync::crm::custom_text(shown))]
            .into_iter()
            .collect();
        return Some(Mutation::UpdateRecord(UpdateRecord {
            custom: [(field.to_owned(), value)].into_iter().collect(),
            id,
            set: Default::default(),
            was,
            seen: current.version,
        }));
    }
    let set = [(field.to_owned(), theirs.to_owned())]
        .into_iter()
        .collect();
    let was = [(field.to_owned(), current.body.text(field))]
        .into_iter()
        .collect();
    Some(Mutation::UpdateRecord(UpdateRecord {
        custom: Default::default(),
        id,
        set,
        was,
        seen: current.version,
    }))
}

//! The signed-in layout: a sidebar on wide screens, a bottom tab bar on phones, and the user
//! menu (language, sign-out) in the top bar.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Outlet, Redirect};
use shared::i18n::{Text, role_text};

use crate::components::Loading;
use crate::components::sync_status::SyncStatus;
use crate::i18n::use_i18n;
use crate::session::{Auth, open_sign_in, use_session};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Checking,
    Unreachable,
    NeedsSetup,
    SignedOut,
    SignedIn,
}

#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let stage = Memo::new(move |_| match session.auth.get() {
        Auth::Checking => Stage::Checking,
        Auth::Unreachable => Stage::Unreachable,
        Auth::SignedOut { setup_needed: true } => Stage::NeedsSetup,
        Auth::SignedOut { .. } => Stage::SignedOut,
        Auth::SignedIn(_) => Stage::SignedIn,
    });
    move || match stage.get() {
        Stage::Checking => view! { <main class="centered"><Loading /></main> }.into_any(),
        Stage::Unreachable => view! { <Unreachable /> }.into_any(),
        Stage::NeedsSetup => view! { <Redirect path="/setup" /> }.into_any(),
        Stage::SignedOut => view! { <SignInFirst /> }.into_any(),
        Stage::SignedIn => view! { <Layout /> }.into_any(),
    }
}

/// Nobody is signed in: off to the sign-in page, and back here afterwards.
#[component]
fn SignInFirst() -> impl IntoView {
    let here = web_sys::window()
        .map(|w| {
            let location = w.location();
            format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    open_sign_in(Some(&here));
    view! { <main class="centered"><Loading /></main> }
}

/// The server cannot be reached and nobody was signed in on this device.
#[component]
pub fn Unreachable() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <main class="centered">
            <div class="card narrow" role="alert">
                <h1>{move || i18n.t(Text::ErrOffline)}</h1>
                <button class="primary" on:click=move |_| session.refresh()>{move || i18n.t(Text::TryAgain)}</button>
            </div>
        </main>
    }
}

/// A place the navigation leads to.
#[derive(Debug, Clone, Copy)]
struct Destination {
    href: &'static str,
    testid: &'static str,
    icon: &'static str,
    text: Text,
}

const HOME: Destination = Destination {
    href: "/",
    testid: "nav-home",
    icon: "⌂",
    text: Text::NavHome,
};
const CONTACTS: Destination = Destination {
    href: "/contacts",
    testid: "nav-contacts",
    icon: "☎",
    text: Text::NavContacts,
};
const ACCOUNTS: Destination = Destination {
    href: "/r/accounts",
    testid: "nav-accounts",
    icon: "▦",
    text: Text::NavAccounts,
};
const LEADS: Destination = Destination {
    href: "/r/leads",
    testid: "nav-leads",
    icon: "✦",
    text: Text::NavLeads,
};
const PIPELINE: Destination = Destination {
    href: "/pipeline",
    testid: "nav-pipeline",
    icon: "▤",
    text: Text::NavPipeline,
};
const ACTIVITIES: Destination = Destination {
    href: "/r/activities",
    testid: "nav-activities",
    icon: "✎",
    text: Text::NavActivities,
};
const TASKS: Destination = Destination {
    href: "/r/tasks",
    testid: "nav-tasks",
    icon: "☑",
    text: Text::NavTasks,
};
const SETTINGS: Destination = Destination {
    href: "/settings",
    testid: "nav-settings",
    icon: "⚙",
    text: Text::NavSettings,
};

/// The links to `destinations`, in order.
fn nav_items(destinations: &[Destination]) -> impl IntoView + use<> {
    let i18n = use_i18n();
    destinations
        .iter()
        .copied()
        .map(|to| {
            let text = to.text;
            view! {
                <A href=to.href exact=to.href == "/" attr:class="nav-link" attr:data-testid=to.testid>
                    <span class="nav-icon" aria-hidden="true">{to.icon}</span>
                    <span>{move || i18n.t(text)}</span>
                </A>
            }
        })
        .collect_view()
}

/// Every destination, for the desktop's sidebar.
#[component]
fn NavLinks() -> impl IntoView {
    let session = use_session();
    view! {
        {nav_items(&[HOME, CONTACTS, ACCOUNTS, LEADS, PIPELINE, ACTIVITIES, TASKS])}
        <CustomObjectLinks />
        <Show when=move || session.is_admin()>{nav_items(&[SETTINGS])}</Show>
    }
}

/// A link to each object the company made, by its name and icon.
#[component]
fn CustomObjectLinks() -> impl IntoView {
    let i18n = use_i18n();
    let sync = crate::sync::use_sync();
    let schema_changed = sync.changes(shared::sync::Collection::Schema);
    let objects = Memo::new(move |_| {
        schema_changed.get();
        crate::pages::objects::custom_objects()
    });
    view! {
        <For each=move || objects.get() key=|o| (o.key.clone(), o.name.zh.clone(), o.name.en.clone(), o.icon.clone()) children=move |object| {
            let key = object.key.as_str().to_owned();
            let name = object.name.clone();
            let icon = if object.icon.trim().is_empty() { "◇".to_owned() } else { object.icon.clone() };
            view! {
                <A href=crate::pages::objects::list_path(&key) attr:class="nav-link" attr:data-testid=format!("nav-o-{key}")>
                    <span class="nav-icon" aria-hidden="true">{icon}</span>
                    <span>{move || name.get(i18n.locale()).to_owned()}</span>
                </A>
            }
        } />
    }
}

/// The phone's tab bar: four destinations and "more", which opens the others (leads,
/// activities, tasks, the custom objects, settings) above the bar; going anywhere closes it.
#[component]
fn PhoneTabs() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let _ = (location.pathname.get(), location.search.get());
        open.set(false);
    });
    view! {
        {nav_items(&[HOME, CONTACTS, ACCOUNTS, PIPELINE])}
        <button type="button" class="nav-link" data-testid="nav-more" aria-controls="more-sheet"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)>
            <span class="nav-icon" aria-hidden="true">"⋯"</span>
            <span>{move || i18n.t(Text::NavMore)}</span>
        </button>
        <Show when=move || open.get()>
            <div class="more-sheet" id="more-sheet" data-testid="more-sheet">
                {nav_items(&[LEADS, ACTIVITIES, TASKS])}
                <CustomObjectLinks />
                <Show when=move || session.is_admin()>{nav_items(&[SETTINGS])}</Show>
            </div>
        </Show>
    }
}

#[component]
fn Layout() -> impl IntoView {
    let i18n = use_i18n();
    // The frame (navigation, top bar) is drawn first and the screen in a task of its own just
    // after, so that neither holds the page still for long while the app starts on a phone.
    let framed = RwSignal::new(false);
    spawn_local(async move {
        crate::sync::pause(0).await;
        framed.try_set(true);
    });
    view! {
        <a class="skip-link" href="#content">{move || i18n.t(Text::SkipToContent)}</a>
        <div class="app">
            <aside class="sidebar">
                <p class="brand"><span class="brand-mark" aria-hidden="true">{move || i18n.t(Text::BrandMark)}</span>{move || i18n.t(Text::AppName)}</p>
                <nav aria-label=move || i18n.t(Text::MainNavigation)>
                    <NavLinks />
                </nav>
            </aside>
            <div class="main-column">
                <header class="topbar">
                    <p class="brand compact"><span class="brand-mark" aria-hidden="true">{move || i18n.t(Text::BrandMark)}</span>{move || i18n.t(Text::AppName)}</p>
                    <SyncStatus />
                    <A href="/search" attr:class="icon-button" attr:data-testid="open-search" attr:aria-label=move || i18n.t(Text::GlobalSearch)>
                        <span aria-hidden="true">"⌕"</span>
                    </A>
                    <UserMenu />
                </header>
                <main id="content" class="content">
                    <Show when=move || framed.get()>
                        <Outlet />
                    </Show>
                </main>
                <QuickAdd />
                <Reminders />
            </div>
            <nav class="tabbar" aria-label=move || i18n.t(Text::MainNavigation)>
                <PhoneTabs />
            </nav>
        </div>
    }
}

/// Tasks of mine whose due time has passed, shown until dismissed (remembered on this device).
/// It runs on the device's clock and copy, so reminders come offline too.
#[component]
fn Reminders() -> impl IntoView {
    use gloo_storage::{LocalStorage, Storage};
    use shared::records::Task;
    use shared::sync::{Body, Collection};

    const KEY: &str = "qiao.reminded";
    let i18n = use_i18n();
    let session = use_session();
    let sync = crate::sync::use_sync();
    let now = RwSignal::new(crate::sync::now_ms());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(crate::sync::now_ms()),
        std::time::Duration::from_secs(5),
    ) {
        on_cleanup(move || handle.clear());
    }
    let dismissed = RwSignal::new(LocalStorage::get::<Vec<String>>(KEY).unwrap_or_default());
    let due = Memo::new(move |_| {
        let t = now.get();
        let Some(me) = session.me().map(|m| m.user.id) else {
            return Vec::new();
        };
        let gone = dismissed.get();
        sync.with_core(|core| {
            core.collection(Collection::Task)
                .filter(|r| r.owner == me && !gone.contains(&r.id.to_string()))
                .filter_map(|r| match &r.body {
                    Body::Task(task) if Task::is_overdue(task, t) => {
                        Some((r.id, task.title.clone()))
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    });
    // Each reminder also as a system notification, once per task on this device (when the
    // person turned them on), so that it reaches them with the app in the background.
    const NOTIFIED: &str = "qiao.notified";
    Effect::new(move |_| {
        let due = due.get();
        if due.is_empty() || !crate::notify::allowed() {
            return;
        }
        let mut notified = LocalStorage::get::<Vec<String>>(NOTIFIED).unwrap_or_default();
        for (id, title) in due {
            let key = id.to_string();
            if notified.contains(&key) {
                continue;
            }
            notified.push(key.clone());
            let heading = format!("{}{title}", i18n.t(Text::TaskDue));
            spawn_local(async move {
                crate::notify::show(&heading, "", &key, &format!("/r/tasks/{key}")).await;
            });
        }
        // The most recent few hundred are enough to never notify twice.
        let keep = notified.len().saturating_sub(500);
        let _ = LocalStorage::set(NOTIFIED, &notified[keep..]);
    });
    view! {
        <div class="reminders" role="status" aria-live="polite" data-testid="reminders">
            <For
                each=move || due.get()
                key=|(id, _)| *id
                children=move |(id, title)| {
                    view! {
                        <p class="reminder" data-testid="reminder">
                            <A href=format!("/r/tasks/{id}")>{move || i18n.t(Text::TaskDue)}{title.clone()}</A>
                            <button type="button" class="secondary" on:click=move |_| {
                                dismissed.update(|d| d.push(id.to_string()));
                                let _ = LocalStorage::set(KEY, dismissed.get_untracked());
                            }>{move || i18n.t(Text::DismissReminder)}</button>
                        </p>
                    }
                }
            />
        </div>
    }
}

/// The thumb's button on phones (bottom right, above the tab bar): log a visit, a call or a
/// note, or add a lead, from any screen.
#[component]
fn QuickAdd() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let item = move |href: &'static str, text: Text, id: &'static str| {
        view! {
            <A href=href attr:class="quick-item" attr:data-testid=id on:click=move |_| open.set(false)>
                {move || i18n.t(text)}
            </A>
        }
    };
    view! {
        <div class="quick-add">
            <Show when=move || open.get()>
                <div class="quick-menu" role="menu">
                    {item("/r/activities/new?kind=visit", Text::QuickVisit, "quick-visit")}
                    {item("/r/activities/new?kind=call", Text::QuickCall, "quick-call")}
                    {item("/r/activities/new?kind=note", Text::QuickNote, "quick-note")}
                    {item("/r/leads/new", Text::QuickLead, "quick-lead")}
                </div>
            </Show>
            <button type="button" class="quick-button" data-testid="quick-add"
                aria-label=move || i18n.t(Text::QuickAdd) aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                "+"
            </button>
        </div>
    }
}

/// Switches between Chinese and English.
#[component]
pub fn LanguageButton() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="secondary" data-testid="switch-language" on:click=move |_| i18n.toggle()>
            <span aria-hidden="true">"文 "</span>
            {move || i18n.t(Text::SwitchLanguage)}
        </button>
    }
}

/// Turns system notifications on (browsers ask only after a tap), or says they are on.
#[component]
fn NotificationsButton() -> impl IntoView {
    let i18n = use_i18n();
    let (may_ask, allowed) = (
        RwSignal::new(crate::notify::may_ask()),
        RwSignal::new(crate::notify::allowed()),
    );
    let turn_on = move |_| {
        spawn_local(async move {
            allowed.set(crate::notify::ask().await);
            may_ask.set(crate::notify::may_ask());
        });
    };
    view! {
        <Show when=move || may_ask.get()>
            <button type="button" class="secondary" data-testid="enable-notifications" on:click=turn_on>
                {move || i18n.t(Text::EnableNotifications)}
            </button>
        </Show>
        <Show when=move || allowed.get()>
            <span class="muted" data-testid="notifications-on">{move || i18n.t(Text::NotificationsOn)}</span>
        </Show>
    }
}

#[component]
fn UserMenu() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let me = Memo::new(move |_| session.me());
    let name = move || me.get().map(|m| m.user.display_name).unwrap_or_default();
    let initial = move || name().chars().next().map(String::from).unwrap_or_default();
    let sign_out = move |_| {
        open.set(false);
        spawn_local(async move { session.sign_out().await });
    };
    view! {
        <div class="user-menu">
            <button
                type="button"
                class="user-button"
                data-testid="user-menu"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="avatar" aria-hidden="true">{initial}</span>
                <span class="user-name">{name}</span>
            </button>
            <Show when=move || open.get()>
                <div class="menu-backdrop" on:click=move |_| open.set(false)></div>
                <div class="menu" data-testid="user-menu-panel">
                    <div class="menu-who">
                        <strong>{name}</strong>
                        <span class="muted">{move || me.get().map(|m| m.user.email).unwrap_or_default()}</span>
                        <span class="muted">
                            {move || me.get().map(|m| format!("{} · {}", i18n.t(role_text(m.user.role)), m.team_name)).unwrap_or_default()}
                        </span>
                    </div>
                    <LanguageButton />
                    <NotificationsButton />
                    <button type="button" class="secondary" data-testid="sign-out" on:click=sign_out>
                        {move || i18n.t(Text::SignOut)}
                    </button>
                </div>
            </Show>
        </div>
    }
}

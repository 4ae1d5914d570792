//! The root component: language and session state, and the routes.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;
use shared::sync::Collection;

use crate::i18n::I18n;
use crate::pages::home::HomePage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFound;
use crate::pages::objects::{ObjectListPage, ObjectRecordPage};
use crate::pages::records::{ListOf, PipelinePage, RecordEditorPage, RecordList, RecordsPage};
use crate::pages::search::SearchPage;
use crate::pages::settings::{SettingsPage, SettingsTab};
use crate::pages::setup::SetupPage;
use crate::pages::shell::Shell;
use crate::pages::sync_issues::SyncIssuesPage;
use crate::session::Session;
use crate::sync::Sync;

#[component]
pub fn App() -> impl IntoView {
    I18n::provide();
    Sync::provide();
    Session::provide();
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/setup") view=SetupPage />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("/contacts") view=|| view! { <RecordList list=ListOf::builtin(Collection::Contact) /> } />
                    <Route path=path!("/contacts/:id") view=|| view! { <RecordEditorPage collection=Collection::Contact /> } />
                    <Route path=path!("/sync-issues") view=SyncIssuesPage />
                    <Route path=path!("/pipeline") view=PipelinePage />
                    <Route path=path!("/search") view=SearchPage />
                    <Route path=path!("/r/:collection") view=RecordsPage />
                    <Route path=path!("/r/:collection/:id") view=|| view! { <RecordEditorPage /> } />
                    <Route path=path!("/o/:object") view=ObjectListPage />
                    <Route path=path!("/o/:object/:id") view=ObjectRecordPage />
                    <ParentRoute path=path!("/settings") view=SettingsPage>
                        <Route path=path!("") view=|| view! { <Redirect path="/settings/users" /> } />
                        <Route path=path!("/:tab") view=SettingsTab />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

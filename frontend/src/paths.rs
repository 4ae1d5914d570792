//! Where each built-in collection lives in the app's addresses, mapped once: the pages link
//! with these, and the device's store reads first what the address's screen shows.

use shared::sync::Collection;

/// The collection a path segment names.
pub fn collection_of(segment: &str) -> Option<Collection> {
    Some(match segment {
        "accounts" => Collection::Account,
        "leads" => Collection::Lead,
        "deals" => Collection::Deal,
        "activities" => Collection::Activity,
        "tasks" => Collection::Task,
        _ => return None,
    })
}

/// Where a collection's list lives.
pub fn list_path(collection: Collection) -> String {
    match collection {
        Collection::Contact => "/contacts".to_owned(),
        c => format!("/r/{}", segment_of(c)),
    }
}

/// Where one record's page lives (`new` for a new one).
pub fn record_path(collection: Collection, id: impl std::fmt::Display) -> String {
    format!("{}/{id}", list_path(collection))
}

fn segment_of(collection: Collection) -> &'static str {
    match collection {
        Collection::Account => "accounts",
        Collection::Lead => "leads",
        Collection::Deal => "deals",
        Collection::Activity => "activities",
        Collection::Task => "tasks",
        Collection::Contact => "contacts",
        Collection::Issue => "sync-issues",
        Collection::View => "views",
        Collection::Change => "changes",
        Collection::Pipeline => "pipelines",
        Collection::Schema => "schema",
        Collection::Object => "o",
    }
}

//! A record's related lists (an account's contacts, deals, activities and tasks; a contact's
//! deals, activities and tasks; a lead's or deal's activities and tasks): which kinds of record
//! a record page lists, which of them belong, and the link a new one is made with.

use crate::ids::RecordId;
use crate::sync::record::{Body, Collection, Record};

/// The kinds of record listed on a page of `collection`, each with the field a new one of them
/// names the record in (`/contacts/new?account={id}`).
pub fn lists(collection: Collection) -> &'static [(Collection, &'static str)] {
    const ABOUT: [(Collection, &str); 2] =
        [(Collection::Activity, "about"), (Collection::Task, "about")];
    match collection {
        Collection::Account => &[
            (Collection::Contact, "account"),
            (Collection::Deal, "account"),
            ABOUT[0],
            ABOUT[1],
        ],
        Collection::Contact => &[(Collection::Deal, "contact"), ABOUT[0], ABOUT[1]],
        Collection::Lead | Collection::Deal => &ABOUT,
        _ => &[],
    }
}

/// Whether `record` belongs on the page of record `id` (of `collection`).
pub fn belongs(collection: Collection, id: RecordId, record: &Record) -> bool {
    if record.id == id {
        return false;
    }
    match (&record.body, collection) {
        (Body::Activity(a), _) => a.about == Some(id),
        (Body::Task(t), _) => t.about == Some(id),
        (Body::Contact(c), Collection::Account) => c.account == Some(id),
        (Body::Deal(d), Collection::Account) => d.account == Some(id),
        (Body::Deal(d), Collection::Contact) => d.contact == Some(id) || d.contacts.contains(&id),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Kind;

    fn record(n: u128, body: Body) -> Record {
        let id = RecordId::from_uuid(uuid::Uuid::from_u128(n));
        let user = crate::ids::UserId::from_uuid(uuid::Uuid::from_u128(100));
        let team = crate::ids::TeamId::from_uuid(uuid::Uuid::from_u128(200));
        Record::created(id, user, team, user, 0, body)
    }

    #[test]
    fn an_accounts_people_deals_and_what_is_about_it_belong() {
        let account = RecordId::from_uuid(uuid::Uuid::from_u128(1));
        let person = RecordId::from_uuid(uuid::Uuid::from_u128(2));
        let mut contact: crate::contact::Contact = Kind::blank();
        contact.account = Some(account);
        let mut deal: crate::records::Deal = Kind::blank();
        deal.account = Some(account);
        deal.contacts = vec![person];
        let mut visit: crate::records::Activity = Kind::blank();
        visit.about = Some(person);
        let mut task: crate::records::Task = Kind::blank();
        task.about = Some(account);
        let contact = record(10, Body::Contact(contact));
        let deal = record(11, Body::Deal(deal));
        let visit = record(12, Body::Activity(visit));
        let task = record(13, Body::Task(task));
        let on = |c, id, r: &Record| belongs(c, id, r);
        assert!(on(Collection::Account, account, &contact));
        assert!(on(Collection::Account, account, &deal));
        assert!(on(Collection::Account, account, &task));
        assert!(!on(Collection::Account, account, &visit));
        assert!(on(Collection::Contact, person, &deal));
        assert!(on(Collection::Contact, person, &visit));
        assert!(!on(Collection::Contact, person, &contact));
        assert!(!on(Collection::Lead, account, &deal));
        let kinds: Vec<Collection> = lists(Collection::Account).iter().map(|l| l.0).collect();
        assert_eq!(
            kinds,
            [
                Collection::Contact,
                Collection::Deal,
                Collection::Activity,
                Collection::Task
            ]
        );
        assert!(lists(Collection::Task).is_empty());
    }
}

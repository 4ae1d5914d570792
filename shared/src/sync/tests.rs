//! Case tables for the mutators and the device core.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::*;
use crate::ids::{RecordId, TeamId, UserId};
use crate::problem::Problem;
use crate::records::{Patch, patch};
use crate::role::{Actor, DataScope, Role};

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}
fn team(n: u128) -> TeamId {
    TeamId::from_uuid(Uuid::from_u128(0x100 + n))
}
fn rid(n: u128) -> RecordId {
    RecordId::from_uuid(Uuid::from_u128(0x1000 + n))
}

/// Company (0) → sales (1) → north (2); users 1 and 2 in north, 3 in sales, 9 inactive.
fn directory(me: u128, role: Role, scope: DataScope) -> Directory {
    let member = |id: u128, t: u128, active: bool| Member {
        id: user(id),
        name: format!("u{id}"),
        team: team(t),
        active,
    };
    let users = vec![
        member(1, 2, true),
        member(2, 2, true),
        member(3, 1, true),
        member(9, 2, false),
    ];
    let my_team = users
        .iter()
        .find(|m| m.id == user(me))
        .map_or(team(0), |m| m.team);
    Directory {
        me: Actor {
            user: user(me),
            role,
            team: my_team,
            scope,
        },
        users,
        teams: vec![
            TeamEntry {
                id: team(0),
                name: "公司".into(),
                parent: None,
            },
            TeamEntry {
                id: team(1),
                name: "销售部".into(),
                parent: Some(team(0)),
            },
            TeamEntry {
                id: team(2),
                name: "华北组".into(),
                parent: Some(team(1)),
            },
        ],
    }
}

fn fields(name: &str) -> Patch {
    patch(&[("name", name), ("phone", "13912345678")])
}

fn create(n: u128, name: &str) -> Mutation {
    Mutation::CreateContact(CreateContact {
        id: rid(n),
        owner: None,
        fields: fields(name),
    })
}

/// Records in memory, with stamps, as a server would hold them.
#[derive(Default, Clone)]
struct Store {
    records: BTreeMap<RecordId, Record>,
    stamps: BTreeMap<(RecordId, String), Stamp>,
}

impl Source for Store {
    fn record(&self, id: RecordId) -> Option<Record> {
        self.records.get(&id).cloned()
    }
    fn stamp(&self, id: RecordId, field: &str) -> Option<Stamp> {
        self.stamps
            .iter()
            .find(|((r, f), _)| *r == id && *f == field)
            .map(|(_, s)| *s)
    }
}

fn apply(
    store: &mut Store,
    dir: &Directory,
    m: &Mutation,
    version: i64,
) -> Result<Effects, Rejection> {
    apply_at(store, dir, m, version, 1_000)
}

/// [`apply`] at the time `now`.
fn apply_at(
    store: &mut Store,
    dir: &Directory,
    m: &Mutation,
    version: i64,
    now: i64,
) -> Result<Effects, Rejection> {
    let scope = dir.scope();
    let ctx = Ctx {
        actor: &dir.me,
        scope: &scope,
        directory: dir,
        now,
        journal: Some(change_id),
    };
    let effects = run(m, store, &ctx)?;
    for (id, written) in &effects.writes {
        match written {
            Some(r) => {
                let before = store.records.get(id);
                let changed = crate::sync::event::changed_fields(before, r);
                for f in changed {
                    store.stamps.insert(
                        (*id, f),
                        Stamp {
                            version,
                            by: dir.me.user,
                        },
                    );
                }
                let mut r = r.clone();
                r.version = version;
                store.records.insert(*id, r);
            }
            None => {
                store.records.remove(id);
            }
        }
    }
    Ok(effects)
}

#[test]
fn names_and_arguments_round_trip() {
    let m = create(1, "陈");
    assert_eq!(Mutation::parse(m.name(), &m.args()), Ok(m));
    assert_eq!(
        Mutation::parse("contact.explode", &serde_json::json!({})),
        Err(Rejection::UnknownMutation)
    );
    assert!(matches!(
        Mutation::parse("contact.create", &serde_json::json!({"id": 3})),
        Err(Rejection::Malformed { .. })
    ));
    // Every name in the registry is known, once, and reads its own arguments only.
    let names = crate::sync::mutators::MUTATOR_NAMES;
    for (i, name) in names.iter().enumerate() {
        assert!(!names[..i].contains(name), "{name} twice");
        assert!(
            matches!(
                Mutation::parse(name, &serde_json::json!("not arguments")),
                Err(Rejection::Malformed { .. })
            ),
            "{name}"
        );
    }
    assert!(names.contains(&"object.update") && names.len() >= 16);
}

#[test]
fn creating_checks_values_owner_and_id() {
    let rep = directory(1, Role::Sales, DataScope::Own);
    let mut store = Store::default();
    let bad = Mutation::CreateContact(CreateContact {
        id: rid(1),
        owner: None,
        fields: fields(" "),
    });
    assert_eq!(
        apply(&mut store, &rep, &bad, 1),
        Err(Rejection::Invalid {
            errors: vec![Problem::Required.at("name")]
        })
    );
    apply(&mut store, &rep, &create(1, "陈"), 2).expect("created");
    let made = store.records.get(&rid(1)).expect("stored");
    assert_eq!((made.owner, made.team), (user(1), team(2)));
    assert_eq!(
        apply(&mut store, &rep, &create(1, "again"), 3),
        Err(Rejection::Exists)
    );
    let for_other = Mutation::CreateContact(CreateContact {
        id: rid(2),
        owner: Some(user(2)),
        fields: fields("x"),
    });
    assert_eq!(
        apply(&mut store, &rep, &for_other, 4),
        Err(Rejection::Forbidden)
    );
    let for_inactive = Mutation::CreateContact(CreateContact {
        id: rid(2),
        owner: Some(user(9)),
        fields: fields("x"),
    });
    assert!(matches!(
        apply(&mut store, &rep, &for_inactive, 4),
        Err(Rejection::Invalid { .. })
    ));
}

#[test]
fn scope_decides_what_can_be_changed() {
    let mut store = Store::default();
    let rep1 = directory(1, Role::Sales, DataScope::Own);
    let rep2 = directory(2, Role::Sales, DataScope::Own);
    let lead = directory(3, Role::Manager, DataScope::TeamAndSubTeams);
    apply(&mut store, &rep1, &create(1, "陈"), 1).expect("created");
    let delete = Mutation::DeleteContact(DeleteContact { id: rid(1) });
    assert_eq!(
        apply(&mut store, &rep2, &delete, 2),
        Err(Rejection::NotFound)
    );
    // The manager sees the sub-team and hands the contact to rep 2.
    let assign = Mutation::AssignContact(AssignContact {
        id: rid(1),
        owner: user(2),
    });
    assert_eq!(
        apply(&mut store, &rep1, &assign, 2),
        Err(Rejection::Forbidden)
    );
    apply(&mut store, &lead, &assign, 3).expect("assigned");
    assert_eq!(store.records[&rid(1)].owner, user(2));
    assert_eq!(
        apply(&mut store, &rep1, &delete, 4),
        Err(Rejection::NotFound)
    );
    apply(&mut store, &rep2, &delete, 5).expect("deleted");
    // Only the journal of the move is left.
    assert!(
        store
            .records
            .values()
            .all(|r| r.collection() == Collection::Change)
    );
}

#[test]
fn the_server_journals_what_edits_and_moves_changed() {
    let mut store = Store::default();
    let rep = directory(1, Role::Sales, DataScope::Own);
    let boss = directory(3, Role::Manager, DataScope::TeamAndSubTeams);
    account_and_deal(&mut store, &rep, "ERP");
    assert!(
        journal_of(&store, rid(2)).is_empty(),
        "creating is not a change"
    );
    let update = Mutation::UpdateRecord(UpdateRecord {
        custom: Default::default(),
        id: rid(2),
        set: patch(&[("stage", "needs"), ("name", "ERP 一期")]),
        was: Patch::new(),
        seen: 2,
    });
    apply(&mut store, &rep, &update, 3).expect("moved on");
    let entries = journal_of(&store, rid(2));
    assert_eq!(entries.len(), 1);
    let (entry, record) = &entries[0];
    assert_eq!(
        (record.owner, record.created_by, entry.label.as_str()),
        (user(1), user(1), "ERP 一期")
    );
    let fields: Vec<(&str, &str, &str)> = entry
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.from.as_str(), f.to.as_str()))
        .collect();
    assert!(
        fields.contains(&("stage", "qualify", "needs")),
        "{fields:?}"
    );
    assert!(fields.contains(&("name", "ERP", "ERP 一期")), "{fields:?}");
    // A move is journaled under the new owner; an edit that changes nothing is not.
    let assign = Mutation::AssignRecord(AssignRecord {
        id: rid(2),
        owner: user(2),
    });
    apply(&mut store, &boss, &assign, 4).expect("assigned");
    let entries = journal_of(&store, rid(2));
    let moved = entries
        .iter()
        .find(|(e, _)| e.fields[0].field == "owner")
        .expect("the move");
    assert_eq!(
        (moved.1.owner, moved.0.fields[0].to.clone()),
        (user(2), user(2).to_string())
    );
    let same = Mutation::UpdateRecord(UpdateRecord {
        custom: Default::default(),
        id: rid(2),
        set: patch(&[("name", "ERP 一期")]),
        was: Patch::new(),
        seen: 4,
    });
    apply(&mut store, &boss, &same, 5).expect("no change");
    assert_eq!(journal_of(&store, rid(2)).len(), 2);
}

/// `rep` makes account 1 and, at it, deal 2 called `deal` (versions 1 and 2).
fn account_and_deal(store: &mut Store, rep: &Directory, deal: &str) {
    apply(
        store,
        rep,
        &create_record(Collection::Account, 1, &[("name", "甲公司")]),
        1,
    )
    .expect("account");
    let account = rid(1).to_string();
    let deal = create_record(
        Collection::Deal,
        2,
        &[("name", deal), ("account", &account)],
    );
    apply(store, rep, &deal, 2).expect("deal");
}

/// The change entries about `id`, with their records.
fn journal_of(store: &Store, id: RecordId) -> Vec<(crate::records::history::Change, Record)> {
    store
        .records
        .values()
        .filter_map(|r| match &r.body {
            Body::Change(c) if c.record == id => Some((c.clone(), r.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn an_edit_over_someone_elses_newer_value_is_noted() {
    let mut store = Store::default();
    let rep = directory(1, Role::Sales, DataScope::Own);
    let lead = directory(3, Role::Manager, DataScope::All);
    apply(&mut store, &rep, &create(1, "陈"), 1).expect("created");
    let edit = |company: &str, was: &str, seen: i64| {
        Mutation::UpdateContact(UpdateContact {
            id: rid(1),
            set: patch(&[("company", company)]),
            was: patch(&[("company", was)]),
            seen,
        })
    };
    // The manager edits first; the rep's edit was made on version 1 and overwrites it.
    let theirs = apply(&mut store, &lead, &edit("甲公司", "", 1), 2).expect("applied");
    assert!(theirs.overwrites.is_empty());
    let mine = apply(&mut store, &rep, &edit("乙公司", "", 1), 3).expect("applied");
    assert_eq!(
        mine.overwrites,
        vec![Overwrite {
            record: rid(1),
            label: "陈".into(),
            field: "company".to_owned(),
            mine: "乙公司".into(),
            theirs: "甲公司".into(),
            original: String::new(),
            theirs_by: user(3),
        }]
    );
    // An edit made after seeing version 3, or over one's own value, overwrites nothing.
    assert!(
        apply(&mut store, &rep, &edit("丙公司", "乙公司", 3), 4)
            .expect("ok")
            .overwrites
            .is_empty()
    );
    assert!(
        apply(&mut store, &rep, &edit("丁公司", "乙公司", 1), 5)
            .expect("ok")
            .overwrites
            .is_empty()
    );
}

#[test]
fn the_device_runs_changes_at_once_and_rebases_on_pull() {
    let dir = directory(1, Role::Sales, DataScope::Own);
    let mut core = ClientCore::default();
    assert_eq!(core.mutate(&create(1, "陈"), 1), Err(MutateError::NotReady));
    let cursor = Cursor {
        version: 0,
        scope: dir.scope(),
        directory: dir.fingerprint(),
        moving: None,
        sig: String::new(),
    };
    let page = |puts: Vec<Record>,
                last: Option<u64>,
                version: i64,
                directory: Option<Directory>| PullResponse {
        cursor: Cursor {
            version,
            ..cursor.clone()
        },
        reset: false,
        puts,
        deletes: vec![],
        last_mutation_id: last,
        more: false,
        directory,
    };
    core.apply_pull(page(vec![], None, 0, Some(dir.clone())), 1);
    let first = core.mutate(&create(1, "陈"), 1).expect("queued");
    let second = core.mutate(&create(2, "李"), 1).expect("queued");
    assert_eq!((first.id, second.id), (1, 2));
    assert!(core.mutate(&create(3, ""), 1).is_err());
    assert_eq!(core.pending().len(), 2);
    assert_eq!(core.collection(Collection::Contact).count(), 2);

    // The server confirms the first (with its own timestamps); the second is still pending.
    let mut confirmed = core.get(rid(1)).expect("visible").clone();
    confirmed.version = 7;
    let pulled = core.apply_pull(page(vec![confirmed], Some(1), 7, None), 2);
    assert_eq!(pulled.done, vec![1]);
    assert_eq!(core.pending().len(), 1);
    assert_eq!(core.get(rid(1)).map(|r| r.version), Some(7));
    assert!(core.get(rid(2)).is_some());
    assert!(core.confirmed(rid(2)).is_none());

    // Restoring from what was saved gives the same view and continues the ids.
    let saved: Vec<Record> = core.confirmed(rid(1)).into_iter().cloned().collect();
    let mut again = ClientCore::restore(
        saved,
        core.pending().to_vec(),
        core.cursor().cloned(),
        Some(dir),
        1,
    );
    assert_eq!(again.collection(Collection::Contact).count(), 2);
    assert_eq!(again.mutate(&create(4, "王"), 3).map(|m| m.id), Ok(3));
}

#[test]
fn a_device_reads_its_copy_one_collection_at_a_time_and_says_what_changed() {
    let dir = directory(1, Role::Sales, DataScope::Own);
    let cursor = Cursor {
        version: 5,
        scope: dir.scope(),
        directory: dir.fingerprint(),
        moving: None,
        sig: String::new(),
    };
    // Two contacts were saved; one more is pending.
    let mut saved = ClientCore::default();
    saved.apply_pull(
        PullResponse {
            cursor: cursor.clone(),
            reset: false,
            puts: vec![],
            deletes: vec![],
            last_mutation_id: None,
            more: false,
            directory: Some(dir.clone()),
        },
        1,
    );
    saved.mutate(&create(1, "陈"), 1).expect("valid");
    saved.mutate(&create(2, "李"), 1).expect("valid");
    let records: std::collections::HashMap<RecordId, Record> = [rid(1), rid(2)]
        .into_iter()
        .filter_map(|id| saved.get(id).cloned().map(|r| (id, r)))
        .collect();
    let pending = create(3, "王");

    let mut core = ClientCore::restore(Vec::new(), vec![], Some(cursor), Some(dir), 1);
    let before = (
        core.changes(Collection::Contact),
        core.changes(Collection::Deal),
    );
    core.mutate(&pending, 2).expect("valid");
    assert_eq!(core.collection(Collection::Contact).count(), 1);
    let after_mutation = core.changes(Collection::Contact);
    assert!(after_mutation > before.0);
    // Records of another collection given by mistake are left out.
    core.load_collection(Collection::Deal, records.clone().into_iter().collect());
    assert_eq!(core.collection(Collection::Deal).count(), 0);
    core.load_collection(Collection::Contact, records.into_iter().collect());
    assert_eq!(core.collection(Collection::Contact).count(), 3);
    assert!(core.changes(Collection::Contact) > after_mutation);
    // Reading contacts says nothing changed among the accounts.
    assert_eq!(core.changes(Collection::Account), 0);
    assert!(core.changes(Collection::Deal) > before.1);
    for (i, collection) in Collection::ALL.into_iter().enumerate() {
        assert_eq!(collection.index(), i);
    }
}

#[test]
fn changes_from_another_tab_join_the_outbox_in_id_order() {
    let dir = directory(1, Role::Sales, DataScope::Own);
    let cursor = Cursor {
        version: 0,
        scope: dir.scope(),
        directory: dir.fingerprint(),
        moving: None,
        sig: String::new(),
    };
    let mut core = ClientCore::default();
    core.apply_pull(
        PullResponse {
            cursor,
            reset: false,
            puts: vec![],
            deletes: vec![],
            last_mutation_id: Some(0),
            more: false,
            directory: Some(dir),
        },
        1,
    );
    let mut third = core.prepare(&create(3, "丙"), 1).expect("valid");
    third.id = 3;
    let mut first = core.prepare(&create(1, "甲"), 1).expect("valid");
    first.id = 1;
    assert!(
        core.prepare(&create(9, ""), 1).is_err(),
        "checked, not queued"
    );
    core.add_pending(third, 1);
    core.add_pending(first.clone(), 1);
    core.add_pending(first, 1);
    let ids: Vec<u64> = core.pending().iter().map(|m| m.id).collect();
    assert_eq!(ids, [1, 3]);
    assert_eq!(core.collection(Collection::Contact).count(), 2);
    assert_eq!(core.next_mutation_id(), 4);
}

/// Ids of change entries, as the server makes them (far from the ids the tests choose).
fn change_id() -> RecordId {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    rid((1 << 100) + u128::from(n))
}

fn create_record(collection: Collection, n: u128, pairs: &[(&str, &str)]) -> Mutation {
    Mutation::CreateRecord(CreateRecord {
        custom: Default::default(),
        collection,
        id: rid(n),
        owner: None,
        fields: patch(pairs),
    })
}

fn update_record(n: u128, pairs: &[(&str, &str)], seen: i64) -> Mutation {
    Mutation::UpdateRecord(UpdateRecord {
        custom: Default::default(),
        id: rid(n),
        set: patch(pairs),
        was: crate::records::Patch::new(),
        seen,
    })
}

fn codes(result: Result<Effects, Rejection>) -> Vec<(String, &'static str)> {
    match result {
        Err(Rejection::Invalid { errors }) => errors
            .into_iter()
            .map(|e| (e.field, e.problem.code()))
            .collect(),
        other => panic!("expected invalid values, got {other:?}"),
    }
}

#[test]
fn record_mutations_round_trip_by_name() {
    let account = rid(1).to_string();
    let all = [
        create_record(Collection::Account, 1, &[("name", "甲")]),
        update_record(1, &[("city", "上海")], 3),
        Mutation::DeleteRecord(DeleteRecord { id: rid(1) }),
        Mutation::AssignRecord(AssignRecord {
            id: rid(1),
            owner: user(2),
        }),
        Mutation::ConvertLead(ConvertLead {
            lead: rid(1),
            account: rid(2),
            contact: rid(3),
            deal: Some(ConvertDeal {
                id: rid(4),
                fields: patch(&[("name", "首单"), ("account", &account)]),
            }),
        }),
    ];
    for m in all {
        assert_eq!(Mutation::parse(m.name(), &m.args()), Ok(m.clone()));
    }
}

#[test]
fn deals_link_to_visible_accounts_and_pass_stage_gates() {
    let mut store = Store::default();
    let rep = directory(1, Role::Sales, DataScope::Own);
    let other = directory(2, Role::Sales, DataScope::Own);
    apply(
        &mut store,
        &rep,
        &create_record(Collection::Account, 1, &[("name", "甲公司")]),
        1,
    )
    .expect("account");
    apply(
        &mut store,
        &other,
        &create_record(Collection::Account, 2, &[("name", "乙公司")]),
        2,
    )
    .expect("someone else's account");
    let mine = rid(1).to_string();
    let theirs = rid(2).to_string();
    let missing = rid(99).to_string();
    // A deal must point at an account the author sees.
    for account in [&theirs, &missing] {
        assert_eq!(
            codes(apply(
                &mut store,
                &rep,
                &create_record(
                    Collection::Deal,
                    10,
                    &[("name", "单"), ("account", account)]
                ),
                3,
            )),
            [("account".to_owned(), "not_found")]
        );
    }
    apply(
        &mut store,
        &rep,
        &create_record(Collection::Deal, 10, &[("name", "ERP"), ("account", &mine)]),
        3,
    )
    .expect("deal");
    // The gate names what is missing, on the device as on the server.
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &update_record(10, &[("stage", "proposal")], 3),
            4
        )),
        [
            ("amount".to_owned(), "required_for_stage"),
            ("close_date".to_owned(), "required_for_stage"),
        ]
    );
    apply(
        &mut store,
        &rep,
        &update_record(
            10,
            &[
                ("stage", "proposal"),
                ("amount", "50000"),
                ("close_date", "2026-12-31"),
            ],
            3,
        ),
        5,
    )
    .expect("through the gate");
    let deal = store.records[&rid(10)].as_deal().cloned().expect("a deal");
    assert_eq!(
        (deal.stage.as_str(), deal.amount, deal.probability),
        ("proposal", Some(5_000_000), Some(60))
    );
    // Someone without sight of it can neither change nor delete it.
    assert_eq!(
        apply(
            &mut store,
            &other,
            &update_record(10, &[("stage", "won")], 5),
            6
        )
        .err(),
        Some(Rejection::NotFound)
    );
    assert_eq!(
        apply(
            &mut store,
            &other,
            &Mutation::DeleteRecord(DeleteRecord { id: rid(10) }),
            6
        )
        .err(),
        Some(Rejection::NotFound)
    );
    // A contact's account must be an account the author sees (not a deal, not someone
    // else's); sync issues are not made through `record.create`.
    for account in [&theirs, &rid(10).to_string()] {
        assert_eq!(
            codes(apply(
                &mut store,
                &rep,
                &create_record(
                    Collection::Contact,
                    11,
                    &[("name", "陈"), ("account", account)]
                ),
                6,
            )),
            [("account".to_owned(), "not_found")]
        );
    }
    apply(
        &mut store,
        &rep,
        &create_record(
            Collection::Contact,
            11,
            &[("name", "陈"), ("account", &mine)],
        ),
        6,
    )
    .expect("a contact at my account");
    assert_eq!(
        apply(
            &mut store,
            &rep,
            &create_record(Collection::Issue, 12, &[("name", "陈")]),
            7
        )
        .err(),
        Some(Rejection::Forbidden)
    );
}

#[test]
fn an_edit_over_a_newer_deal_value_is_noted() {
    let mut store = Store::default();
    let rep = directory(1, Role::Sales, DataScope::Own);
    let boss = directory(3, Role::Manager, DataScope::All);
    account_and_deal(&mut store, &rep, "单");
    apply(
        &mut store,
        &boss,
        &update_record(2, &[("amount", "800")], 2),
        3,
    )
    .expect("boss edits");
    let mine = apply(
        &mut store,
        &rep,
        &update_record(2, &[("amount", "900")], 2),
        4,
    )
    .expect("rep edits");
    assert_eq!(
        mine.overwrites
            .iter()
            .map(|o| (
                o.field.as_str(),
                o.mine.as_str(),
                o.theirs.as_str(),
                o.theirs_by
            ))
            .collect::<Vec<_>>(),
        [("amount", "900", "800", user(3))]
    );
}

#[test]
fn converting_a_lead_makes_an_account_a_contact_and_a_deal_at_once() {
    let mut store = Store::default();
    let rep = directory(1, Role::Sales, DataScope::Own);
    let other = directory(2, Role::Sales, DataScope::Own);
    apply(
        &mut store,
        &rep,
        &create_record(
            Collection::Lead,
            1,
            &[
                ("name", "周先生"),
                ("company", "南方物流"),
                ("phone", "13912345678"),
                ("city", "广州"),
            ],
        ),
        1,
    )
    .expect("lead");
    let convert = |deal: Option<&[(&str, &str)]>| {
        Mutation::ConvertLead(ConvertLead {
            lead: rid(1),
            account: rid(2),
            contact: rid(3),
            deal: deal.map(|pairs| ConvertDeal {
                id: rid(4),
                fields: patch(pairs),
            }),
        })
    };
    assert_eq!(
        apply(&mut store, &other, &convert(None), 2).err(),
        Some(Rejection::NotFound)
    );
    // A deal that fails its checks stops the whole conversion.
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &convert(Some(&[("name", "首单"), ("amount", "-1")])),
            2
        )),
        [("amount".to_owned(), "negative")]
    );
    assert_eq!(store.records.len(), 1);
    apply(
        &mut store,
        &rep,
        &convert(Some(&[("name", "首单"), ("amount", "30000")])),
        2,
    )
    .expect("converted");
    let account = &store.records[&rid(2)];
    assert_eq!(account.body.label(), "南方物流");
    assert_eq!(account.body.text("city"), "广州");
    assert_eq!(account.body.text("stage"), "opportunity");
    assert_eq!(account.owner, user(1));
    let contact = store.records[&rid(3)]
        .as_contact()
        .cloned()
        .expect("a contact");
    assert_eq!(contact.name.as_str(), "周先生");
    assert_eq!(
        contact.account,
        Some(rid(2)),
        "the contact works at the new account"
    );
    assert_eq!(
        contact.phone.map(|p| p.display()),
        Some("139 1234 5678".to_owned())
    );
    let deal = store.records[&rid(4)].as_deal().cloned().expect("a deal");
    assert_eq!(
        (deal.account, deal.stage.as_str()),
        (Some(rid(2)), "qualify")
    );
    let lead = store.records[&rid(1)]
        .as_lead()
        .cloned()
        .expect("the lead stays");
    assert_eq!(
        (lead.status, lead.converted),
        (crate::records::LeadStatus::Converted, Some(rid(2)))
    );
    // Once is enough.
    assert!(matches!(
        apply(&mut store, &rep, &convert(None), 3),
        Err(Rejection::Invalid { .. } | Rejection::Exists)
    ));
}

/// A pipeline the way an admin might set one up: the standard one with a gate on the contact
/// before "needs" and "proposal" renamed.
fn company_pipeline() -> crate::records::Pipeline {
    let mut p = crate::records::Pipeline::standard().clone();
    p.stages[1].required = vec!["contact".into()];
    p.stages[2].name_zh = "报价".into();
    p
}

#[test]
fn only_admins_save_pipelines_and_deals_follow_the_saved_one_everywhere() {
    use crate::records::DEFAULT_PIPELINE;
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let rep = directory(1, Role::Sales, DataScope::Own);
    let save = |id, pipeline| Mutation::SavePipeline(SavePipeline { id, pipeline });
    let main = save(DEFAULT_PIPELINE, company_pipeline());
    assert_eq!(Mutation::parse(main.name(), &main.args()), Ok(main.clone()));
    // A sales rep may not; an admin's bad pipeline is refused at its stages.
    assert_eq!(apply(&mut store, &rep, &main, 1), Err(Rejection::Forbidden));
    let mut bad = company_pipeline();
    bad.stages[3].probability = 101;
    bad.stages[4].key = "qualify".into();
    assert_eq!(
        codes(apply(&mut store, &admin, &save(DEFAULT_PIPELINE, bad), 1)),
        [
            ("stages.3.probability".to_owned(), "out_of_range"),
            ("stages.4.key".to_owned(), "taken"),
        ]
    );
    apply(&mut store, &admin, &main, 1).expect("saved");
    // Everyone sees it, and nobody changes it through record.*.
    let saved = store
        .records
        .get(&DEFAULT_PIPELINE)
        .cloned()
        .expect("stored");
    assert!(rep.scope().sees(&saved));
    assert_eq!(
        apply(
            &mut store,
            &rep,
            &Mutation::DeleteRecord(DeleteRecord {
                id: DEFAULT_PIPELINE
            }),
            2
        ),
        Err(Rejection::NotFound)
    );
    // The rep's deal meets the new gate.
    account_and_deal(&mut store, &rep, "首单");
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &update_record(2, &[("stage", "needs")], 3),
            3
        )),
        [("contact".to_owned(), "required_for_stage")]
    );
    // A second pipeline: deals name it, start in its first stage and use its stages only.
    let mut renewals = company_pipeline();
    renewals.name = "续约".into();
    renewals.stages.retain(|s| s.key != "needs");
    renewals.stages[0].key = "due".into();
    apply(&mut store, &admin, &save(rid(50), renewals), 4).expect("second pipeline");
    let account = rid(1).to_string();
    let on = rid(50).to_string();
    let deal = create_record(
        Collection::Deal,
        51,
        &[("name", "续约单"), ("account", &account), ("pipeline", &on)],
    );
    apply(&mut store, &rep, &deal, 5).expect("deal on the second pipeline");
    let stage = |store: &Store, n| {
        store
            .records
            .get(&rid(n))
            .and_then(|r| r.as_deal())
            .map(|d| d.stage.clone())
    };
    assert_eq!(stage(&store, 51).as_deref(), Some("due"));
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &update_record(51, &[("stage", "needs")], 5),
            6
        )),
        [("stage".to_owned(), "invalid")]
    );
    // A deal cannot name something that is not a pipeline.
    let not_a_pipeline = create_record(
        Collection::Deal,
        52,
        &[
            ("name", "错"),
            ("account", &account),
            ("pipeline", &account),
        ],
    );
    assert_eq!(
        codes(apply(&mut store, &rep, &not_a_pipeline, 7)),
        [("pipeline".to_owned(), "not_found")]
    );
    // Saving over a record of another collection is refused.
    assert_eq!(
        apply(&mut store, &admin, &save(rid(1), company_pipeline()), 8),
        Err(Rejection::Exists)
    );
}

#[test]
fn a_page_cut_into_its_records_reads_as_the_whole_page() {
    let dir = directory(1, Role::Sales, DataScope::Own);
    let mut core = ClientCore::default();
    let cursor = Cursor {
        version: 3,
        scope: dir.scope(),
        directory: dir.fingerprint(),
        moving: None,
        sig: "00ff".repeat(16),
    };
    let empty = PullResponse {
        cursor,
        reset: false,
        puts: vec![],
        deletes: vec![rid(9)],
        last_mutation_id: Some(2),
        more: true,
        directory: Some(dir),
    };
    core.apply_pull(empty.clone(), 1);
    core.mutate(&create(1, "陈 \"老\" [总]"), 1)
        .expect("queued");
    core.mutate(&create(2, "李}{,"), 1).expect("queued");
    let page = PullResponse {
        puts: core.records().cloned().collect(),
        ..empty
    };
    let text = serde_json::to_string(&page).expect("json");
    let cut = page_text::split_page(&text).expect("a page");
    let mut again: PullResponse = serde_json::from_str(&cut.rest).expect("the rest reads");
    assert!(again.puts.is_empty());
    for record in &cut.puts {
        again
            .puts
            .push(serde_json::from_str(record).expect("a record reads"));
    }
    assert_eq!(again, page);
}

#[test]
fn a_record_is_absent_only_once_everything_is_read() {
    use Presence::{Absent, Present, Waiting};
    // (found, collection read, download complete) → presence
    let cases = [
        ((true, false, false), Present),
        ((true, true, false), Present),
        ((true, true, true), Present),
        ((false, false, false), Waiting),
        ((false, false, true), Waiting),
        ((false, true, false), Waiting),
        ((false, true, true), Absent),
    ];
    for ((found, read, complete), expected) in cases {
        assert_eq!(
            Presence::of(found, read, complete),
            expected,
            "found {found}, read {read}, complete {complete}"
        );
    }
    // Once shown, a record stays on its screen; a record waited for may arrive or not.
    assert_eq!(Present.then(Absent), Present);
    assert_eq!(Waiting.then(Present), Present);
    assert_eq!(Waiting.then(Absent), Absent);
    assert_eq!(Absent.then(Present), Present);
}

mod schema;

//! The schema's mutators and custom values on records, as an admin and a rep use them.

use serde_json::{Map, Value as Json, json};

use super::*;
use crate::schema::company::{CompanySchema, ObjectUpdate, SCHEMA_ID};
use crate::schema::fixtures::{field, object};
use crate::schema::{Choice, FieldDef, FieldKey, FieldType, Labels, ObjectDef, ObjectKey};

fn key(k: &str) -> ObjectKey {
    ObjectKey::parse(k).expect("key")
}

fn choice(k: &str) -> Choice {
    Choice {
        key: k.into(),
        label: Labels::new(k, k),
        color: None,
        retired: false,
    }
}

fn grade() -> FieldDef {
    field(
        "grade",
        FieldType::SingleSelect {
            options: vec![choice("a"), choice("b")],
        },
    )
}

fn save(object: &str, field: FieldDef) -> Mutation {
    Mutation::SaveField(SaveField {
        object: key(object),
        field: Box::new(field),
        adding: false,
        lossy: false,
    })
}

fn schema_of(store: &Store) -> CompanySchema {
    match store.records.get(&SCHEMA_ID).map(|r| &r.body) {
        Some(Body::Schema(s)) => s.clone(),
        other => panic!("no schema record: {other:?}"),
    }
}

fn custom(pairs: &[(&str, Json)]) -> Map<String, Json> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn create_with(n: u128, name: &str, values: Map<String, Json>) -> Mutation {
    Mutation::CreateRecord(CreateRecord {
        collection: Collection::Contact,
        id: rid(n),
        owner: None,
        fields: patch(&[("name", name)]),
        custom: values,
    })
}

fn update_with(n: u128, values: Map<String, Json>) -> Mutation {
    Mutation::UpdateRecord(UpdateRecord {
        id: rid(n),
        set: Patch::new(),
        was: Patch::new(),
        seen: 0,
        custom: values,
    })
}

#[test]
fn only_admins_shape_the_schema_and_every_change_is_checked() {
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let rep = directory(1, Role::Sales, DataScope::Own);
    let add = save("contacts", grade());
    assert_eq!(Mutation::parse(add.name(), &add.args()), Ok(add.clone()));
    assert_eq!(apply(&mut store, &rep, &add, 1), Err(Rejection::Forbidden));
    apply(&mut store, &admin, &add, 1).expect("added");
    // Adding a key the object has (the same field, or a system one) is refused.
    for taken in ["grade", "phone"] {
        let again = Mutation::SaveField(SaveField {
            object: key("contacts"),
            field: Box::new(field(taken, FieldType::Text)),
            adding: true,
            lossy: false,
        });
        assert_eq!(
            Mutation::parse(again.name(), &again.args()),
            Ok(again.clone())
        );
        assert_eq!(
            codes(apply(&mut store, &admin, &again, 1)),
            [("key".to_owned(), "taken")]
        );
    }
    let saved = schema_of(&store);
    assert_eq!(saved.revision, 1);
    assert_eq!(
        saved
            .custom_fields("contacts")
            .map(|f| f.key.as_str())
            .collect::<Vec<_>>(),
        ["grade"]
    );
    // Everyone sees the schema; nobody edits it through record.*.
    assert!(rep.scope().sees(&store.records[&SCHEMA_ID]));
    assert_eq!(
        apply(
            &mut store,
            &rep,
            &Mutation::DeleteRecord(DeleteRecord { id: SCHEMA_ID }),
            2
        ),
        Err(Rejection::NotFound)
    );

    let refused = |store: &mut Store, m: Mutation| codes(apply(store, &admin, &m, 2));
    // A key the object has, a key every record has, a system field retyped, a choice removed,
    // a type change that loses values, a formula with a mistake.
    let mut phone = field("phone", FieldType::Text);
    phone.label = Labels::new("手机", "Mobile");
    assert_eq!(
        refused(&mut store, save("contacts", phone)),
        [("field_type".to_owned(), "system_field")]
    );
    assert_eq!(
        refused(
            &mut store,
            save("contacts", field("created_at", FieldType::Text))
        ),
        [("key".to_owned(), "reserved")]
    );
    let fewer = field(
        "grade",
        FieldType::SingleSelect {
            options: vec![choice("a")],
        },
    );
    assert_eq!(
        refused(&mut store, save("contacts", fewer)),
        [("field_type".to_owned(), "choice_removed")]
    );
    assert_eq!(
        refused(&mut store, save("contacts", field("grade", FieldType::Geo))),
        [("field_type".to_owned(), "unsafe_conversion")]
    );
    let wrong = field(
        "score",
        FieldType::Formula {
            expression: "grade + 1".into(),
        },
    );
    let errors = match apply(&mut store, &admin, &save("contacts", wrong), 2) {
        Err(Rejection::Invalid { errors }) => errors,
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        &errors[0].problem,
        Problem::Formula {
            start: 0,
            end: 5,
            ..
        }
    ));
    // A system field may be relabelled and hidden, not deleted.
    let mut relabelled = crate::schema::builtin::object(Collection::Contact)
        .and_then(|o| o.field("company").cloned())
        .expect("contacts have a company");
    relabelled.label = Labels::new("单位", "Employer");
    relabelled.hidden = true;
    apply(&mut store, &admin, &save("contacts", relabelled), 2).expect("relabelled");
    let objects = schema_of(&store).objects(&Default::default());
    let contacts = objects
        .iter()
        .find(|o| o.key.as_str() == "contacts")
        .expect("contacts");
    let company = contacts.field("company").expect("still there");
    assert_eq!((company.label.zh.as_str(), company.hidden), ("单位", true));
    assert_eq!(company.field_type, FieldType::Text);
    let delete = |f: &str| {
        Mutation::DeleteField(FieldRef {
            object: key("contacts"),
            field: FieldKey::parse(f).expect("key"),
        })
    };
    assert_eq!(
        refused(&mut store, delete("company")),
        [("field".to_owned(), "system_field")]
    );
    assert_eq!(schema_of(&store).revision, 2, "refusals change nothing");
}

#[test]
fn custom_objects_get_their_own_key_and_fields() {
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let projects = object(
        "projects",
        "name",
        vec![
            field("name", FieldType::Text),
            field(
                "account",
                FieldType::Link {
                    object: key("accounts"),
                },
            ),
        ],
    );
    let create = |o: ObjectDef| {
        Mutation::CreateObject(CreateObject {
            object: Box::new(o),
        })
    };
    apply(&mut store, &admin, &create(projects.clone()), 1).expect("created");
    assert_eq!(
        codes(apply(&mut store, &admin, &create(projects.clone()), 2)),
        [("key".to_owned(), "taken")]
    );
    let mut clash = projects.clone();
    clash.key = key("deals");
    assert_eq!(
        codes(apply(&mut store, &admin, &create(clash), 2)),
        [("key".to_owned(), "taken")]
    );
    let mut reserved = projects.clone();
    reserved.key = key("objects");
    assert_eq!(
        codes(apply(&mut store, &admin, &create(reserved), 2)),
        [("key".to_owned(), "reserved")]
    );
    let mut dangling = projects.clone();
    dangling.key = key("visits");
    dangling.fields[1].field_type = FieldType::Link {
        object: key("stores"),
    };
    assert_eq!(
        codes(apply(&mut store, &admin, &create(dangling), 2)),
        [("field_type".to_owned(), "invalid_schema")]
    );
    // A rollup on accounts over the projects that link to them.
    let mut budget = field(
        "budget",
        FieldType::Money {
            currency: "CNY".into(),
        },
    );
    budget.required = true;
    apply(&mut store, &admin, &save("projects", budget), 2).expect("budget");
    let rollup = field(
        "project_budget",
        FieldType::Rollup {
            object: key("projects"),
            link: FieldKey::parse("account").expect("key"),
            field: FieldKey::parse("budget").expect("key"),
            function: crate::schema::RollupFn::Sum,
            filter: None,
        },
    );
    apply(&mut store, &admin, &save("accounts", rollup), 3).expect("rollup");
    // The rollup's source cannot be deleted while the rollup reads it.
    let delete = Mutation::DeleteField(FieldRef {
        object: key("projects"),
        field: FieldKey::parse("budget").expect("key"),
    });
    assert_eq!(
        codes(apply(&mut store, &admin, &delete, 4)),
        [("field_type".to_owned(), "invalid_schema")]
    );
    let rename = Mutation::UpdateObject(ObjectUpdate {
        key: key("projects"),
        name: Some(Labels::new("项目", "Projects")),
        icon: None,
        list_columns: Some(vec![FieldKey::parse("budget").expect("key")]),
        name_field: None,
        layout: None,
    });
    assert_eq!(
        Mutation::parse(rename.name(), &rename.args()),
        Ok(rename.clone())
    );
    apply(&mut store, &admin, &rename, 4).expect("renamed");
    let schema = schema_of(&store).schema(&Default::default());
    assert_eq!(schema.check(), Ok(()));
    let projects = schema.object("projects").expect("projects");
    assert_eq!(projects.name.zh, "项目");
    assert_eq!(projects.list_columns[0].as_str(), "budget");
}

#[test]
fn records_hold_custom_values_checked_by_their_type() {
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let rep = directory(1, Role::Sales, DataScope::Own);
    let mut grade = grade();
    grade.default = Some(json!("b"));
    apply(&mut store, &admin, &save("contacts", grade), 1).expect("grade");
    let budget = field(
        "budget",
        FieldType::Money {
            currency: "CNY".into(),
        },
    );
    apply(&mut store, &admin, &save("contacts", budget), 2).expect("budget");

    // Wrong values are refused at their fields, with the typed fields' problems alongside.
    let bad = Mutation::CreateRecord(CreateRecord {
        collection: Collection::Contact,
        id: rid(1),
        owner: None,
        fields: patch(&[("name", ""), ("phone", "12")]),
        custom: custom(&[("grade", json!("z")), ("nope", json!(1))]),
    });
    let mut got = codes(apply(&mut store, &rep, &bad, 3));
    got.sort();
    assert_eq!(
        got,
        [
            ("grade".to_owned(), "unknown_option"),
            ("name".to_owned(), "required"),
            ("nope".to_owned(), "unknown_field"),
            ("phone".to_owned(), "invalid_phone"),
        ]
    );
    assert!(!store.records.contains_key(&rid(1)));

    // A default fills in; a value is kept in its canonical form.
    let good = create_with(
        1,
        "王芳",
        custom(&[("budget", json!({"amount": "12000.5", "currency": "CNY"}))]),
    );
    apply(&mut store, &rep, &good, 3).expect("created");
    let record = store.records[&rid(1)].clone();
    assert_eq!(record.custom.get("grade"), Some(&json!("b")));
    assert!(record.custom.contains_key("budget"));
    // An edit sets one, empties another; the history says what changed.
    apply(
        &mut store,
        &rep,
        &update_with(1, custom(&[("grade", json!("a")), ("budget", Json::Null)])),
        4,
    )
    .expect("edited");
    let record = store.records[&rid(1)].clone();
    assert_eq!(record.custom.get("grade"), Some(&json!("a")));
    assert!(!record.custom.contains_key("budget"));
    let history: Vec<String> = store
        .records
        .values()
        .filter_map(|r| match &r.body {
            Body::Change(c) if c.record == rid(1) => Some(c.fields.iter().map(|f| f.field.clone())),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(history, ["budget", "grade"]);

    // A field made required later does not block edits that leave it alone; a new record
    // must fill it in.
    let mut required = crate::schema::fixtures::field("region", FieldType::Text);
    required.required = true;
    apply(&mut store, &admin, &save("contacts", required), 5).expect("region");
    apply(
        &mut store,
        &rep,
        &update_record(1, &[("company", "甲公司")], 5),
        6,
    )
    .expect("an old record stays editable");
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &create_with(2, "李雷", Map::new()),
            7
        )),
        [("region".to_owned(), "required")]
    );

    // A deleted field's values stay, out of sight; restored, they are back.
    let field_ref = FieldRef {
        object: key("contacts"),
        field: FieldKey::parse("grade").expect("key"),
    };
    apply(
        &mut store,
        &admin,
        &Mutation::DeleteField(field_ref.clone()),
        8,
    )
    .expect("deleted");
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &update_with(1, custom(&[("grade", json!("b"))])),
            9
        )),
        [("grade".to_owned(), "unknown_field")]
    );
    assert_eq!(
        store.records[&rid(1)].custom.get("grade"),
        Some(&json!("a"))
    );
    // Its key is not free while it can be restored.
    assert_eq!(
        codes(apply(
            &mut store,
            &admin,
            &save("contacts", self::grade()),
            9
        )),
        [("key".to_owned(), "taken")]
    );
    apply(&mut store, &admin, &Mutation::RestoreField(field_ref), 9).expect("restored");
    apply(
        &mut store,
        &rep,
        &update_with(1, custom(&[("grade", json!("b"))])),
        10,
    )
    .expect("writable again");
}

#[test]
fn custom_links_point_only_at_records_the_writer_sees() {
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let rep = directory(1, Role::Sales, DataScope::Own);
    let other = directory(2, Role::Sales, DataScope::Own);
    let partner = field(
        "partner",
        FieldType::Link {
            object: key("accounts"),
        },
    );
    apply(&mut store, &admin, &save("contacts", partner), 1).expect("partner");
    apply(
        &mut store,
        &other,
        &create_record(Collection::Account, 50, &[("name", "别人的客户")]),
        2,
    )
    .expect("someone else's account");
    apply(
        &mut store,
        &rep,
        &create_record(Collection::Account, 51, &[("name", "我的客户")]),
        3,
    )
    .expect("my account");
    let link = |n: u128| custom(&[("partner", json!(rid(n).to_string()))]);
    let hidden = create_with(1, "王芳", link(50));
    assert!(hidden.touches().contains(&rid(50)));
    assert_eq!(
        codes(apply(&mut store, &rep, &hidden, 4)),
        [("partner".to_owned(), "not_found")]
    );
    // A contact is not an account.
    apply(&mut store, &rep, &create_with(2, "李雷", Map::new()), 4).expect("contact");
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &create_with(3, "韩梅梅", link(2)),
            5
        )),
        [("partner".to_owned(), "not_found")]
    );
    apply(&mut store, &rep, &create_with(3, "韩梅梅", link(51)), 5).expect("linked");
}

#[test]
fn a_custom_fields_condition_reads_the_typed_fields() {
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let rep = directory(1, Role::Sales, DataScope::Own);
    // A manager's contact needs a note on who decides; nobody else's does.
    let mut decides = field("decides", FieldType::Text);
    decides.required_when = Some(crate::schema::Condition {
        field: FieldKey::parse("job_title").expect("key"),
        op: crate::schema::ConditionOp::Is,
        value: json!("经理"),
    });
    apply(&mut store, &admin, &save("contacts", decides), 1).expect("saved");
    let contact = |n: u128, title: &str, values: Map<String, Json>| {
        Mutation::CreateRecord(CreateRecord {
            collection: Collection::Contact,
            id: rid(n),
            owner: None,
            fields: patch(&[("name", "王芳"), ("job_title", title)]),
            custom: values,
        })
    };
    assert_eq!(
        codes(apply(&mut store, &rep, &contact(1, "经理", Map::new()), 2)),
        [("decides".to_owned(), "required")]
    );
    apply(&mut store, &rep, &contact(1, "工程师", Map::new()), 2).expect("not needed");
    apply(
        &mut store,
        &rep,
        &contact(2, "经理", custom(&[("decides", json!("董事会"))])),
        3,
    )
    .expect("given");
    // The typed field stays the record kind's: it is not copied among the custom values.
    assert!(!store.records[&rid(2)].custom.contains_key("job_title"));
    // An edit emptying it on a manager is refused there.
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &update_with(2, custom(&[("decides", Json::Null)])),
            4
        )),
        [("decides".to_owned(), "required")]
    );
}

#[test]
fn a_converted_lead_hands_its_custom_values_to_the_new_records() {
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let rep = directory(1, Role::Sales, DataScope::Own);
    let money = || FieldType::Money {
        currency: "CNY".into(),
    };
    let mut tier = field("tier", FieldType::Text);
    tier.default = Some(json!("银牌"));
    for (object, f) in [
        ("leads", field("budget", money())),
        ("leads", field("region", FieldType::Text)),
        ("leads", field("visits", FieldType::Text)),
        ("accounts", field("budget", money())),
        ("contacts", field("region", FieldType::Text)),
        ("contacts", tier),
        // The same key under another type is not carried.
        ("deals", field("visits", FieldType::Integer)),
    ] {
        apply(&mut store, &admin, &save(object, f), 1).expect("added");
    }
    let lead = Mutation::CreateRecord(CreateRecord {
        collection: Collection::Lead,
        id: rid(1),
        owner: None,
        fields: patch(&[("name", "周先生"), ("company", "南方物流")]),
        custom: custom(&[
            ("budget", json!({"amount": "50000", "currency": "CNY"})),
            ("region", json!("华南")),
            ("visits", json!("3")),
        ]),
    });
    apply(&mut store, &rep, &lead, 2).expect("lead");
    let convert = |n: u128| {
        Mutation::ConvertLead(ConvertLead {
            lead: rid(1),
            account: rid(n),
            contact: rid(n + 1),
            deal: Some(ConvertDeal {
                id: rid(n + 2),
                fields: patch(&[("name", "物流系统")]),
            }),
        })
    };
    // A field the new contact must have and the lead cannot give refuses the conversion,
    // named with its object.
    apply(
        &mut store,
        &admin,
        &save(
            "contacts",
            FieldDef {
                required: true,
                ..field("wechat_group", FieldType::Text)
            },
        ),
        3,
    )
    .expect("added");
    assert_eq!(
        codes(apply(&mut store, &rep, &convert(10), 4)),
        [("contacts.wechat_group".to_owned(), "required")]
    );
    let mut optional = field("wechat_group", FieldType::Text);
    optional.required = false;
    apply(&mut store, &admin, &save("contacts", optional), 5).expect("relaxed");

    apply(&mut store, &rep, &convert(10), 6).expect("converted");
    let custom_of = |n: u128| store.records[&rid(n)].custom.to_map();
    assert_eq!(
        custom_of(10),
        custom(&[("budget", json!({"amount": "50000", "currency": "CNY"}))])
    );
    assert_eq!(
        custom_of(11),
        custom(&[("region", json!("华南")), ("tier", json!("银牌"))])
    );
    assert_eq!(custom_of(12), Map::new());
}

#[test]
fn a_custom_value_written_over_someone_elses_is_reported_like_a_field() {
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let rep = directory(1, Role::Sales, DataScope::Team);
    let boss = directory(2, Role::Manager, DataScope::Team);
    apply(&mut store, &admin, &save("contacts", grade()), 1).expect("added");
    let made = create_with(5, "王芳", custom(&[("grade", json!("a"))]));
    apply(&mut store, &rep, &made, 2).expect("created");
    // The manager sets grade b at version 3; the rep, who saw a at version 2, empties it while
    // offline.
    apply(
        &mut store,
        &boss,
        &update_with(5, custom(&[("grade", json!("b"))])),
        3,
    )
    .expect("edited");
    let mut offline = Mutation::UpdateRecord(UpdateRecord {
        id: rid(5),
        set: Patch::new(),
        was: [("grade".to_owned(), "a".to_owned())].into_iter().collect(),
        seen: 2,
        custom: custom(&[("grade", Json::Null)]),
    });
    let effects = apply(&mut store, &rep, &offline, 4).expect("applied");
    assert_eq!(effects.overwrites.len(), 1, "{:?}", effects.overwrites);
    let notice = &effects.overwrites[0];
    assert_eq!(
        (
            notice.field.as_str(),
            notice.mine.as_str(),
            notice.theirs.as_str()
        ),
        ("grade", "", "b")
    );
    assert_eq!(notice.original, "a");
    assert_eq!(notice.theirs_by, boss.me.user);
    // Having seen the manager's value, the same change overwrites nothing of theirs.
    if let Mutation::UpdateRecord(update) = &mut offline {
        update.seen = 3;
        update.custom = custom(&[("grade", json!("a"))]);
    }
    let effects = apply(&mut store, &rep, &offline, 5).expect("applied");
    assert!(effects.overwrites.is_empty());
}

fn create_object_record(n: u128, object: &str, values: Map<String, Json>) -> Mutation {
    Mutation::CreateRecord(CreateRecord {
        collection: Collection::Object,
        id: rid(n),
        owner: None,
        fields: patch(&[("object", object)]),
        custom: values,
    })
}

#[test]
fn a_custom_objects_records_are_checked_named_and_linked_by_their_object() {
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let rep = directory(1, Role::Sales, DataScope::Own);
    let other = directory(2, Role::Sales, DataScope::Own);
    let mut name = field("title", FieldType::Text);
    name.required = true;
    let projects = object(
        "projects",
        "title",
        vec![
            name,
            field(
                "account",
                FieldType::Link {
                    object: key("accounts"),
                },
            ),
            field(
                "parent",
                FieldType::Link {
                    object: key("projects"),
                },
            ),
        ],
    );
    apply(
        &mut store,
        &admin,
        &Mutation::CreateObject(CreateObject {
            object: Box::new(projects),
        }),
        1,
    )
    .expect("object");
    // No record of an object the company has not made, nor of a built-in one this way.
    for missing in ["rivals", "contacts"] {
        let made = create_object_record(10, missing, custom(&[("title", json!("x"))]));
        let codes = codes(apply(&mut store, &rep, &made, 2));
        assert!(
            codes.contains(&("object".to_owned(), "not_found")),
            "{codes:?}"
        );
    }
    // The object's fields are checked: the name field is required, unknown keys refused.
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &create_object_record(10, "projects", Map::new()),
            2
        )),
        [("title".to_owned(), "required")]
    );
    assert_eq!(
        codes(apply(
            &mut store,
            &rep,
            &create_object_record(
                10,
                "projects",
                custom(&[("title", json!("a")), ("grade", json!("a"))])
            ),
            2
        )),
        [("grade".to_owned(), "unknown_field")]
    );
    apply(
        &mut store,
        &rep,
        &create_object_record(10, "projects", custom(&[("title", json!("  新园区  "))])),
        2,
    )
    .expect("made");
    let made = store.records.get(&rid(10)).expect("stored").clone();
    assert_eq!(made.object_key(), Some("projects"));
    assert_eq!(made.body.label(), "新园区");
    assert_eq!(made.owner, rep.me.user);
    // Renaming through the name field renames the record; the object cannot change.
    apply(
        &mut store,
        &rep,
        &update_with(10, custom(&[("title", json!("一期"))])),
        3,
    )
    .expect("renamed");
    assert_eq!(store.records[&rid(10)].body.label(), "一期");
    let moved = Mutation::UpdateRecord(UpdateRecord {
        id: rid(10),
        set: patch(&[("object", "leads")]),
        was: Patch::new(),
        seen: 0,
        custom: Map::new(),
    });
    assert_eq!(
        codes(apply(&mut store, &rep, &moved, 4)),
        [("object".to_owned(), "read_only")]
    );
    // Links to a project must be to a project the writer sees.
    let child = |n: u128, parent: u128| {
        create_object_record(
            n,
            "projects",
            custom(&[
                ("title", json!("二期")),
                ("parent", json!(rid(parent).to_string())),
            ]),
        )
    };
    apply(
        &mut store,
        &rep,
        &create_record(Collection::Account, 51, &[("name", "我的客户")]),
        4,
    )
    .expect("account");
    assert_eq!(
        codes(apply(&mut store, &rep, &child(11, 51), 5)),
        [("parent".to_owned(), "not_found")]
    );
    assert_eq!(
        codes(apply(&mut store, &other, &child(12, 10), 5)),
        [("parent".to_owned(), "not_found")]
    );
    apply(&mut store, &rep, &child(11, 10), 5).expect("linked");
    // Others do not see the rep's projects; the rep deletes one.
    assert_eq!(
        apply(
            &mut store,
            &other,
            &update_with(10, custom(&[("title", json!("x"))])),
            6
        ),
        Err(Rejection::NotFound)
    );
    apply(
        &mut store,
        &rep,
        &Mutation::DeleteRecord(DeleteRecord { id: rid(11) }),
        6,
    )
    .expect("deleted");
}

#[test]
fn a_field_changes_type_safely_or_after_a_preview_and_its_values_follow() {
    let mut store = Store::default();
    let admin = directory(3, Role::Admin, DataScope::All);
    let code = field("code", FieldType::Text);
    apply(&mut store, &admin, &save("contacts", code), 1).expect("added");
    let before = schema_of(&store);
    let retype = |to: FieldType, lossy: bool| {
        Mutation::SaveField(SaveField {
            object: key("contacts"),
            field: Box::new(field("code", to)),
            adding: false,
            lossy,
        })
    };
    // Text to long text: every value converts, no confirmation asked.
    apply(&mut store, &admin, &retype(FieldType::LongText, false), 2).expect("safe");
    // Long text to a phone: some may not; refused until the admin confirms.
    assert_eq!(
        codes(apply(
            &mut store,
            &admin,
            &retype(FieldType::Phone, false),
            3
        )),
        [("field_type".to_owned(), "lossy_conversion")]
    );
    let m = retype(FieldType::Phone, true);
    assert_eq!(Mutation::parse(m.name(), &m.args()), Ok(m.clone()));
    apply(&mut store, &admin, &m, 3).expect("confirmed");
    // To a sub-table: never offered.
    assert_eq!(
        codes(apply(&mut store, &admin, &retype(FieldType::Geo, true), 4)),
        [("field_type".to_owned(), "unsafe_conversion")]
    );
    let after = schema_of(&store);
    let retyped = after.retyped_since(&before, 5);
    assert_eq!(retyped.len(), 1);
    assert_eq!(
        (retyped[0].field.as_str(), &retyped[0].from, &retyped[0].to),
        ("code", &FieldType::Text, &Some(FieldType::Phone))
    );
    // What the records hold: a phone number converts, other text keeps its old form.
    let record = |value: &str| {
        let mut r = Record::created(
            rid(9),
            admin.me.user,
            admin.me.team,
            admin.me.user,
            0,
            Body::Contact(crate::records::Kind::blank()),
        );
        r.custom.insert("code".into(), json!(value));
        r
    };
    let mut phone = record("138 0013 8000");
    assert_eq!(retype_values(&mut phone, &retyped), ["code"]);
    assert_eq!(phone.custom["code"], json!("+8613800138000"));
    let mut word = record("VIP");
    assert!(retype_values(&mut word, &retyped).is_empty());
    assert_eq!(word.custom["code"], json!("VIP"));
    // Another object's record with a field of that key is not touched.
    let mut other = word.clone();
    other.body = Body::Account(crate::records::Kind::blank());
    other.custom.insert("code".into(), json!("138 0013 8000"));
    assert!(retype_values(&mut other, &retyped).is_empty());

    // A deleted field forgotten after thirty days takes its values with it, even when its key
    // is taken again by a new field.
    let delete = Mutation::DeleteField(FieldRef {
        object: key("contacts"),
        field: FieldKey::parse("code").expect("key"),
    });
    let deleted_at = 10_000;
    let mut ctx_store = store.clone();
    apply_at(&mut ctx_store, &admin, &delete, 6, deleted_at).expect("deleted");
    let deleted = schema_of(&ctx_store);
    let late = deleted_at + crate::schema::company::KEEP_DELETED_MS + 1;
    apply_at(
        &mut ctx_store,
        &admin,
        &Mutation::SaveField(SaveField {
            object: key("contacts"),
            field: Box::new(field("code", FieldType::Integer)),
            adding: true,
            lossy: false,
        }),
        7,
        late,
    )
    .expect("the key is free again");
    let gone = schema_of(&ctx_store).retyped_since(&deleted, late);
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].to, None);
    let mut held = record("12");
    assert_eq!(retype_values(&mut held, &gone), ["code"]);
    assert!(!held.custom.contains_key("code"));
}

#[test]
fn a_write_brings_in_the_files_it_names_anew() {
    let admin = directory(3, Role::Admin, DataScope::All);
    let file = |id: u128| json!({"id": uuid::Uuid::from_u128(id), "name": "a.png", "size": 3, "type": "image/png"});
    let mut before = Record::created(
        rid(9),
        admin.me.user,
        admin.me.team,
        admin.me.user,
        0,
        Body::Contact(crate::records::Kind::blank()),
    );
    before.custom.insert("photo".into(), file(1));
    before.custom.insert("note".into(), json!({"id": "x"}));
    let mut after = before.clone();
    after.custom.insert(
        "files".into(),
        json!([file(1), file(2), {"id": "not a file"}]),
    );
    assert_eq!(file_ids(&after.custom["files"]).len(), 2);
    assert!(file_ids(&json!("text")).is_empty());
    // Only what the record did not name before, by field.
    let mut brought = new_files(Some(&before), &after);
    brought.sort();
    assert_eq!(
        brought,
        [
            ("files".to_owned(), uuid::Uuid::from_u128(1)),
            ("files".to_owned(), uuid::Uuid::from_u128(2)),
        ]
    );
    assert_eq!(
        new_files(None, &before),
        [("photo".to_owned(), uuid::Uuid::from_u128(1))]
    );
}

#[test]
fn a_built_in_list_filters_its_typed_and_custom_fields_with_the_query_language() {
    let admin = directory(3, Role::Admin, DataScope::All);
    let mut contact: crate::contact::Contact = crate::records::Kind::blank();
    contact.name = "王经理".into();
    contact.job_title = "采购经理".into();
    let mut record = Record::created(
        rid(7),
        admin.me.user,
        admin.me.team,
        admin.me.user,
        0,
        Body::Contact(contact),
    );
    record.custom.insert("grade".into(), json!("a"));
    let mut object = crate::schema::builtin::object(Collection::Contact).expect("contacts");
    object.fields.push(grade());
    let context = crate::query::Context {
        me: admin.me.user.as_uuid(),
        my_team: Vec::new(),
        now_ms: 0,
        offset_minutes: crate::query::COMPANY_OFFSET_MINUTES,
    };
    let passes = |record: &Record, text: &str| {
        let filter = crate::query::parse(text, &object).expect("a filter");
        // The same answer through the record's values as JSON (as REST reads them) and
        // through the prepared filter asking for each value it needs.
        let prepared = filter.prepare(&object, &context);
        let asked = prepared.matches(&mut |def| crate::sync::linked::value_for(record, def));
        let values = crate::sync::linked::values_of(&object, record);
        assert_eq!(asked, filter.matches(&object, &values, &context), "{text}");
        // And through the record as stored (a choice compared by its key).
        assert_eq!(asked, prepared.matches_record(record), "{text} as stored");
        asked
    };
    assert!(passes(&record, r#"job_title contains "经理""#));
    assert!(passes(
        &record,
        r#"grade = "a" and job_title contains "采购""#
    ));
    assert!(!passes(&record, r#"grade = "b""#));
    assert!(!passes(&record, r#"job_title contains "总监""#));
    assert!(passes(&record, "owner is me"));
    assert!(passes(&record, "email is empty"));
    assert!(!passes(&record, "email is not empty"));
    assert!(passes(&record, r#"grade in ("a", "b")"#));
    assert!(passes(&record, r#"grade != "b""#));
    assert!(!passes(&record, "grade is empty"));
    // A choice the field no longer offers, a value of another shape and none at all read as
    // empty both ways.
    for stored in [json!("gone"), json!(7), json!(null)] {
        record.custom.insert("grade".into(), stored);
        assert!(!passes(&record, r#"grade = "a""#));
        assert!(passes(&record, r#"grade != "a""#));
        assert!(passes(&record, "grade is empty"));
    }
    record.custom.remove("grade");
    assert!(!passes(&record, r#"grade in ("a", "b")"#));
}

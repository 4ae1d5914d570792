//! Mutators for the CRM records of [`crate::records`]: `record.create`, `record.update`,
//! `record.delete` and `record.assign` for every [`Kind`], and `lead.convert`, which turns a
//! lead into an account, a contact and maybe a deal in one step.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::ids::{RecordId, UserId};
use crate::problem::{FieldError, Problem};
use crate::records::history::{Change, FieldChange};
use crate::records::{
    self, Account, Activity, Contact, Deal, Kind, Lead, LeadStatus, Lifecycle, ObjectRecord, Patch,
    SavedView, Task,
};
use crate::schema::FieldType;
use crate::sync::issue::Rejection;
use crate::sync::mutators::{Ctx, Overwrite, Tx, assignable, visible};
use crate::sync::pipelines::TxEnv;
use crate::sync::record::{Body, Collection, Record};

/// `record.create`: a new record of `collection`, owned by `owner` (the author when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateRecord {
    pub collection: Collection,
    pub id: RecordId,
    #[serde(default)]
    pub owner: Option<UserId>,
    pub fields: Patch,
    /// Custom fields' values in their JSON form (see [`Record::custom`]); absent from older
    /// devices' mutations, which still apply.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub custom: Map<String, Json>,
}

/// `record.update`: set the fields `set` carries. `was` holds what the device showed in those
/// fields and `seen` the version it showed, so that overwrites of newer values are reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateRecord {
    pub id: RecordId,
    pub set: Patch,
    #[serde(default)]
    pub was: Patch,
    #[serde(default)]
    pub seen: i64,
    /// Custom fields to set (JSON `null` empties one), as in [`CreateRecord::custom`].
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub custom: Map<String, Json>,
}

/// `record.delete`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeleteRecord {
    pub id: RecordId,
}

/// `record.assign`: hand the record to a colleague (it moves to their team).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignRecord {
    pub id: RecordId,
    pub owner: UserId,
}

/// `lead.convert`: the lead becomes an account (`account`), a contact (`contact`) and, when
/// `deal` is given, a deal in the pipeline's first stage; the lead stays, marked converted and
/// pointing at the account, so its history is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvertLead {
    pub lead: RecordId,
    pub account: RecordId,
    pub contact: RecordId,
    #[serde(default)]
    pub deal: Option<ConvertDeal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvertDeal {
    pub id: RecordId,
    /// Deal fields (`name`, `amount`, `close_date`, …); the account is filled in.
    pub fields: Patch,
}

/// The collections `record.*` works on: every one but sync issues, change entries and
/// pipelines (saved whole by `pipeline.save`).
pub fn is_generic(collection: Collection) -> bool {
    !matches!(
        collection,
        Collection::Issue | Collection::Change | Collection::Pipeline | Collection::Schema
    )
}

/// The live record `id` of a `record.*` collection, if the actor may see it.
fn generic(tx: &dyn Tx, ctx: &Ctx, id: RecordId) -> Result<Record, Rejection> {
    tx.record(id)
        .filter(|r| is_generic(r.collection()) && ctx.scope.sees(r))
        .ok_or(Rejection::NotFound)
}

/// Ids in custom values (links to other records), for loading them up front.
pub fn custom_ids(custom: &Map<String, Json>) -> impl Iterator<Item = RecordId> + '_ {
    custom
        .values()
        .flat_map(|v| match v {
            Json::Array(items) => items.iter().collect::<Vec<_>>(),
            one => vec![one],
        })
        .filter_map(|v| v.as_str()?.parse().ok())
}

/// Ids in a patch's values (links to other records), for loading them up front.
pub fn linked_ids(patch: &Patch) -> impl Iterator<Item = RecordId> + '_ {
    patch
        .values()
        .flat_map(|v| records::link_pieces(v))
        .filter_map(|v| v.parse().ok())
}

fn invalid(errors: Vec<FieldError>) -> Rejection {
    Rejection::Invalid { errors }
}

/// Every link in `fields` must point at a live record the actor sees, of the right collection.
/// The one check of links: every mutator that writes a record's fields calls it.
fn check_links<K: Kind>(
    record: &K,
    fields: &Patch,
    tx: &dyn Tx,
    ctx: &Ctx,
) -> Result<(), Rejection> {
    links_seen(record.links(), fields, tx, ctx)
}

/// [`check_links`] over a record's links, whatever its kind.
fn links_seen(
    links: Vec<(&'static str, RecordId, Option<Collection>)>,
    fields: &Patch,
    tx: &dyn Tx,
    ctx: &Ctx,
) -> Result<(), Rejection> {
    let errors: Vec<FieldError> = links
        .into_iter()
        .filter(|(field, _, _)| fields.contains_key(*field))
        .filter(|(_, id, collection)| {
            !tx.record(*id).is_some_and(|r| {
                ctx.scope.sees(&r) && collection.is_none_or(|c| r.collection() == c)
            })
        })
        .map(|(field, _, _)| Problem::NotFound.at(field))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(invalid(errors))
    }
}

pub fn create(a: &CreateRecord, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    if !is_generic(a.collection) {
        return Err(Rejection::Forbidden);
    }
    if tx.exists(a.id) {
        return Err(Rejection::Exists);
    }
    // Only reading the typed fields is the kind's own; the rest is the same for every kind.
    let env = TxEnv(&*tx);
    let typed = match a.collection {
        Collection::Contact => made::<Contact>(&env, &a.fields),
        Collection::Account => made::<Account>(&env, &a.fields),
        Collection::Lead => made::<Lead>(&env, &a.fields),
        Collection::Deal => made::<Deal>(&env, &a.fields),
        Collection::Activity => made::<Activity>(&env, &a.fields),
        Collection::Task => made::<Task>(&env, &a.fields),
        Collection::View => made::<SavedView>(&env, &a.fields),
        Collection::Object => made::<ObjectRecord>(&env, &a.fields),
        Collection::Issue | Collection::Change | Collection::Pipeline | Collection::Schema => {
            return Err(Rejection::Forbidden);
        }
    };
    create_body(a, typed, tx, ctx)
}

/// A new typed body of kind `K` from a form's fields.
fn made<K: Kind>(env: &TxEnv, fields: &Patch) -> Result<Body, Vec<FieldError>> {
    records::create_in::<K>(env, fields).map(Kind::into_body)
}

/// An edited typed body of kind `K` (the record's body is of that kind).
fn edited<K: Kind>(env: &TxEnv, before: &Body, set: &Patch) -> Result<Body, Vec<FieldError>> {
    let before = K::from_body(before).ok_or_else(|| vec![Problem::NotFound.at("id")])?;
    records::apply_in(env, before, set).map(Kind::into_body)
}

fn create_body(
    a: &CreateRecord,
    typed: Result<Body, Vec<FieldError>>,
    tx: &mut dyn Tx,
    ctx: &Ctx,
) -> Result<(), Rejection> {
    let owner = a.owner.unwrap_or(ctx.actor.user);
    // A custom object's record names its object even when another of its fields is wrong, so
    // that its custom values are checked against the right fields.
    let key = object_of(a.collection, a.fields.get("object").map(|o| o.trim()));
    let values = || body_values(typed.as_ref().ok(), owner);
    let custom = match made_object(tx, a.collection, &key) {
        Ok(()) => custom_write(tx, ctx, (&key, &values), &Map::new(), &a.custom, true),
        Err(e) => Err(vec![e]),
    };
    let (body, custom) = both(typed, custom)?;
    links_seen(body.links(), &a.fields, tx, ctx)?;
    // A private collection (saved views) is written by its owner alone.
    if a.collection.is_private() && owner != ctx.actor.user {
        return Err(Rejection::Forbidden);
    }
    let team = assignable(ctx, owner)?;
    let mut record = Record::created(a.id, owner, team, ctx.actor.user, ctx.now, body);
    name_object(tx, &mut record.body, &custom);
    record.custom = custom.into();
    tx.put(record);
    Ok(())
}

/// The object key whose custom fields a record of `collection` has (a custom object's record
/// names it; empty for collections that are no object's).
fn object_of(collection: Collection, named: Option<&str>) -> String {
    match collection {
        Collection::Object => named.unwrap_or_default().to_owned(),
        other => crate::schema::builtin::object_key(other)
            .unwrap_or_default()
            .to_owned(),
    }
}

/// A custom object's record must name an object the company made (and still has).
fn made_object(tx: &dyn Tx, collection: Collection, key: &str) -> Result<(), FieldError> {
    if collection != Collection::Object || key.is_empty() {
        return Ok(());
    }
    let schema = crate::sync::schema::company(tx);
    let made = schema
        .objects
        .iter()
        .any(|o| o.key.as_str() == key && !o.system)
        && crate::schema::builtin::collection_of(key).is_none();
    if made {
        Ok(())
    } else {
        Err(Problem::NotFound.at("object"))
    }
}

/// A custom object's record keeps its name field's value as its label.
fn name_object(tx: &dyn Tx, body: &mut Body, custom: &Map<String, Json>) {
    if let Body::Object(record) = body {
        let schema = crate::sync::schema::company(tx);
        record.name = schema
            .objects
            .iter()
            .find(|o| o.key.as_str() == record.object)
            .map(|o| name_text(custom.get(o.name_field.as_str())))
            .unwrap_or_default();
    }
}

/// A name field's value as a record's label (a list's first item, an amount's figure).
fn name_text(value: Option<&Json>) -> String {
    value
        .map(|v| crate::sync::record::plain(v).into_owned())
        .unwrap_or_default()
}

pub fn update(a: &UpdateRecord, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    let mut record = generic(tx, ctx, a.id)?;
    // Only reading the typed fields is the kind's own; the rest is the same for every kind.
    let env = TxEnv(&*tx);
    let typed = match record.collection() {
        Collection::Contact => edited::<Contact>(&env, &record.body, &a.set),
        Collection::Account => edited::<Account>(&env, &record.body, &a.set),
        Collection::Lead => edited::<Lead>(&env, &record.body, &a.set),
        Collection::Deal => edited::<Deal>(&env, &record.body, &a.set),
        Collection::Activity => edited::<Activity>(&env, &record.body, &a.set),
        Collection::Task => edited::<Task>(&env, &record.body, &a.set),
        Collection::View => edited::<SavedView>(&env, &record.body, &a.set),
        Collection::Object => edited::<ObjectRecord>(&env, &record.body, &a.set),
        Collection::Issue | Collection::Change | Collection::Pipeline | Collection::Schema => {
            return Err(Rejection::NotFound);
        }
    };
    let values = || body_values(typed.as_ref().ok(), record.owner);
    let key = object_of(record.collection(), record.object_key());
    let before_custom = record.custom.to_map();
    let custom = custom_write(tx, ctx, (&key, &values), &before_custom, &a.custom, false);
    let (after, custom) = both(typed, custom)?;
    links_seen(after.links(), &a.set, tx, ctx)?;
    let before = &record.body;
    let changed = before.changed_fields(&after);
    for field in &changed {
        let (mine, theirs) = (after.text(field), before.text(field));
        let original = a.was.get(*field).cloned();
        note_overwrite(
            tx, ctx, a.id, a.seen, &record, field, mine, theirs, original,
        );
    }
    // Custom values too: `was` carries what the device showed of them, as `custom_text`.
    for key in a.custom.keys() {
        let (mine, theirs) = (custom.get(key), record.custom.get(key));
        if mine != theirs {
            let original = a.was.get(key).cloned();
            let (mine, theirs) = (custom_text(mine), custom_text(theirs));
            note_overwrite(tx, ctx, a.id, a.seen, &record, key, mine, theirs, original);
        }
    }
    let fields = changed
        .iter()
        .map(|f| FieldChange {
            field: (*f).to_owned(),
            from: record.body.text(f),
            to: after.text(f),
        })
        .chain(custom_changes(&before_custom, &custom))
        .collect();
    record.body = after;
    name_object(tx, &mut record.body, &custom);
    journal(tx, ctx, &record, record.body.label(), fields);
    record.custom = custom.into();
    record.updated_at = ctx.now;
    tx.put(record);
    Ok(())
}

/// Report an overwrite when `field` was written by someone else after version `seen`, unless
/// the device had shown that very value (`original`, when it says what it showed).
#[allow(clippy::too_many_arguments)]
pub(crate) fn note_overwrite(
    tx: &mut dyn Tx,
    ctx: &Ctx,
    id: RecordId,
    seen: i64,
    record: &Record,
    field: &str,
    mine: String,
    theirs: String,
    original: Option<String>,
) {
    let Some(stamp) = tx.stamp(id, field) else {
        return;
    };
    let saw_theirs = original.as_ref().is_some_and(|o| *o == theirs);
    if stamp.version > seen && stamp.by != ctx.actor.user && mine != theirs && !saw_theirs {
        tx.overwrote(Overwrite {
            record: id,
            label: record.body.label(),
            field: field.to_owned(),
            mine,
            theirs,
            original: original.unwrap_or_default(),
            theirs_by: stamp.by,
        });
    }
}

/// A typed body's fields in the schema's JSON form (what custom fields' conditions read).
fn body_values(body: Option<&Body>, owner: UserId) -> Map<String, Json> {
    match (
        body,
        body.and_then(|b| crate::schema::builtin::object(b.collection())),
    ) {
        (Some(body), Some(object)) => {
            crate::schema::builtin::values(&object, |f| body.text(f), owner.as_uuid())
        }
        _ => Map::new(),
    }
}

/// A typed write's and a custom write's results together: both problems lists when both fail.
fn both<K>(
    typed: Result<K, Vec<FieldError>>,
    custom: Result<Map<String, Json>, Vec<FieldError>>,
) -> Result<(K, Map<String, Json>), Rejection> {
    match (typed, custom) {
        (Ok(k), Ok(c)) => Ok((k, c)),
        (Err(mut a), Err(b)) => {
            a.extend(b);
            Err(invalid(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(invalid(e)),
    }
}

/// The custom values of a record a lead's conversion makes: the lead's values of the fields
/// the new record's object has under the same key and type, then the object's defaults (and
/// provisional numbers). A required field left empty refuses the conversion at
/// `<object>.<field>` (`contacts.tier`), so the person knows which new record lacks it.
fn converted_custom<K: Kind>(
    tx: &dyn Tx,
    ctx: &Ctx,
    (collection, record): (Collection, &K),
    lead: &Map<String, Json>,
    owner: UserId,
) -> Result<Map<String, Json>, Rejection> {
    let key = crate::schema::builtin::object_key(collection).unwrap_or_default();
    let schema = crate::sync::schema::company(tx);
    let leads: Vec<&crate::schema::FieldDef> = schema.custom_fields("leads").collect();
    let carried: Map<String, Json> = schema
        .custom_fields(key)
        .filter(|f| !f.read_only && !f.field_type.kind().is_computed())
        .filter_map(|f| {
            leads
                .iter()
                .find(|l| l.key == f.key && l.field_type == f.field_type)?;
            let value = lead.get(f.key.as_str())?;
            Some((f.key.as_str().to_owned(), value.clone()))
        })
        .collect();
    let body = record.clone().into_body();
    let values = || body_values(Some(&body), owner);
    custom_write(tx, ctx, (key, &values), &Map::new(), &carried, true).map_err(|errors| {
        invalid(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: format!("{key}.{}", e.field),
                    ..e
                })
                .collect(),
        )
    })
}

/// The custom values after a write to a record of `collection` (see
/// [`crate::sync::schema::custom_values`]), their links checked like the typed fields' links.
fn custom_write(
    tx: &dyn Tx,
    ctx: &Ctx,
    (key, typed): (&str, &dyn Fn() -> Map<String, Json>),
    before: &Map<String, Json>,
    changes: &Map<String, Json>,
    creating: bool,
) -> Result<Map<String, Json>, Vec<FieldError>> {
    // An edit of the typed fields alone leaves the custom values as they are.
    if !creating && changes.is_empty() {
        return Ok(before.clone());
    }
    // Collections that are not objects (saved views) have no custom fields (`key` is empty).
    let schema = crate::sync::schema::company(tx);
    let mut after =
        crate::sync::schema::custom_values(&schema, key, typed, before, changes, creating)?;
    if creating {
        crate::schema::auto_number::provide(schema.custom_fields(key), &mut after, ctx.now);
    }
    let mut errors = Vec::new();
    for field in schema.custom_fields(key) {
        let name = field.key.as_str();
        let Some(value) = changes.get(name).and_then(|_| after.get(name)) else {
            continue;
        };
        if !links_resolve(tx, ctx, &field.field_type, value) {
            errors.push(Problem::NotFound.at(name));
        }
    }
    if errors.is_empty() {
        Ok(after)
    } else {
        Err(errors)
    }
}

/// Whether every record or person a custom value names exists and is one the actor sees.
fn links_resolve(tx: &dyn Tx, ctx: &Ctx, field_type: &FieldType, value: &Json) -> bool {
    let ids = || -> Vec<&str> {
        match value {
            Json::Array(items) => items.iter().filter_map(Json::as_str).collect(),
            one => one.as_str().into_iter().collect(),
        }
    };
    match field_type {
        FieldType::Link { object } | FieldType::Links { object } => ids().iter().all(|raw| {
            raw.parse::<RecordId>()
                .ok()
                .and_then(|id| tx.record(id))
                .is_some_and(|r| {
                    ctx.scope.sees(&r)
                        && (object.as_str() == crate::schema::builtin::ANY_OBJECT
                            || r.object_key() == Some(object.as_str()))
                })
        }),
        FieldType::User { .. } => ids().iter().all(|raw| {
            raw.parse::<UserId>()
                .is_ok_and(|id| ctx.directory.member(id).is_some())
        }),
        _ => true,
    }
}

/// A custom value as text, the way the history and sync issues keep it (and an edit's `was`
/// says what the device showed): a text as it is, any other value as its JSON text.
pub fn custom_text(value: Option<&Json>) -> String {
    match value {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// What a write changed in the custom values, for the record's history.
fn custom_changes(
    before: &Map<String, Json>,
    after: &Map<String, Json>,
) -> impl Iterator<Item = FieldChange> {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            from: custom_text(before.get(k)),
            to: custom_text(after.get(k)),
        })
        .collect::<Vec<_>>()
        .into_iter()
}

pub fn delete(a: &DeleteRecord, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    let record = generic(tx, ctx, a.id)?;
    tx.delete(record.id);
    Ok(())
}

/// Write what an edit changed, where edits are journaled (not for saved views).
fn journal(tx: &mut dyn Tx, ctx: &Ctx, record: &Record, label: String, fields: Vec<FieldChange>) {
    let Some(new_id) = ctx.journal else {
        return;
    };
    if fields.is_empty() || record.collection() == Collection::View {
        return;
    }
    let change = Change {
        record: record.id,
        collection: record.collection(),
        label,
        fields,
    };
    tx.put(Record::created(
        new_id(),
        record.owner,
        record.team,
        ctx.actor.user,
        ctx.now,
        Body::Change(change),
    ));
}

pub fn assign(a: &AssignRecord, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    let mut record = generic(tx, ctx, a.id)?;
    let before = record.owner;
    if record.collection().is_private() && a.owner != before {
        return Err(Rejection::Forbidden);
    }
    record.team = assignable(ctx, a.owner)?;
    record.owner = a.owner;
    record.updated_at = ctx.now;
    if before != a.owner {
        // Filed under the new owner, so that whoever sees the record now sees its move.
        let moved = FieldChange {
            field: "owner".to_owned(),
            from: before.to_string(),
            to: a.owner.to_string(),
        };
        journal(tx, ctx, &record, record.body.label(), vec![moved]);
    }
    tx.put(record);
    Ok(())
}

pub fn convert_lead(a: &ConvertLead, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    let mut lead_record = visible(tx, ctx, a.lead, Collection::Lead)?;
    let Body::Lead(lead) = &lead_record.body else {
        return Err(Rejection::NotFound);
    };
    if lead.status == LeadStatus::Converted {
        return Err(invalid(vec![Problem::Invalid.at("status")]));
    }
    let new_ids = [
        Some(a.account),
        Some(a.contact),
        a.deal.as_ref().map(|d| d.id),
    ];
    if new_ids.iter().flatten().any(|id| tx.exists(*id)) {
        return Err(Rejection::Exists);
    }
    let account_name = if lead.company.is_empty() {
        lead.name.clone()
    } else {
        lead.company.clone()
    };
    let account_fields: Patch = [
        ("name", account_name),
        ("industry", lead.industry.clone()),
        ("province", lead.province.clone()),
        ("city", lead.city.clone()),
        ("source", lead.source.clone()),
        ("stage", Lifecycle::Opportunity.as_str().to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let account: Account = records::create(&account_fields).map_err(invalid)?;
    let contact_fields = records::patch(&[
        ("name", &lead.name),
        ("account", &a.account.to_string()),
        ("company", &lead.company),
        (
            "phone",
            lead.phone.as_ref().map(|p| p.as_str()).unwrap_or_default(),
        ),
        (
            "email",
            lead.email.as_ref().map(|e| e.as_str()).unwrap_or_default(),
        ),
        ("notes", &lead.notes),
    ]);
    let contact: Contact = records::create(&contact_fields).map_err(invalid)?;
    let (owner, team) = (lead_record.owner, lead_record.team);
    let lead_custom = lead_record.custom.to_map();
    let new = |id, body, custom: Map<String, Json>| {
        let mut record = Record::created(id, owner, team, ctx.actor.user, ctx.now, body);
        record.custom = custom.into();
        record
    };
    // The account first: the contact and the deal link to it, and their links are checked
    // like any others (a deal may name only people the actor sees).
    let custom = converted_custom(
        &*tx,
        ctx,
        (Collection::Account, &account),
        &lead_custom,
        owner,
    )?;
    tx.put(new(a.account, account.into_body(), custom));
    check_links(&contact, &contact_fields, tx, ctx)?;
    let custom = converted_custom(
        &*tx,
        ctx,
        (Collection::Contact, &contact),
        &lead_custom,
        owner,
    )?;
    tx.put(new(a.contact, contact.into_body(), custom));
    if let Some(d) = &a.deal {
        let mut fields = d.fields.clone();
        fields.insert("account".to_owned(), a.account.to_string());
        let deal: Deal = records::create_in(&TxEnv(&*tx), &fields).map_err(invalid)?;
        check_links(&deal, &fields, tx, ctx)?;
        let custom = converted_custom(&*tx, ctx, (Collection::Deal, &deal), &lead_custom, owner)?;
        tx.put(new(d.id, deal.into_body(), custom));
    }
    let mut converted = lead.clone();
    converted.status = LeadStatus::Converted;
    converted.converted = Some(a.account);
    lead_record.body = Body::Lead(converted);
    lead_record.updated_at = ctx.now;
    tx.put(lead_record);
    Ok(())
}

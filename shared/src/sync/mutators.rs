//! Mutators: every change to synced data is a named [`Mutation`] whose `apply` runs on the
//! device at once (over the local store) and again on the server (inside the database
//! transaction), with the same permission checks and validation on both sides.
//!
//! A mutator reads and writes through the small [`Tx`] trait. [`Layer`] is the in-memory
//! implementation both sides use: it records writes over a read-only [`Source`] so that a
//! refused mutation leaves nothing behind. Changing a mutator's arguments means a new name
//! (`contact.update.2`); the old one stays while old devices may still replay it.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ids::{RecordId, UserId};
use crate::records::Patch;
use crate::role::Actor;
use crate::schema::company::{ObjectUpdate, SCHEMA_ID};
use crate::sync::crm::{self, AssignRecord, ConvertLead, CreateRecord, DeleteRecord, UpdateRecord};
use crate::sync::issue::Rejection;
use crate::sync::pipelines::{self, SavePipeline};
use crate::sync::record::{Collection, Record};
use crate::sync::schema::{self, CreateObject, FieldRef, SaveField};
use crate::sync::scope::{Directory, Scope};

/// Who last wrote a field, and in which server version. Known only on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub version: i64,
    pub by: UserId,
}

/// A value this mutation replaced although someone else wrote it after the device last saw the
/// record. The server turns each into a sync issue for the mutation's author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overwrite {
    pub record: RecordId,
    pub label: String,
    /// A typed field's name or a custom field's key.
    pub field: String,
    pub mine: String,
    pub theirs: String,
    pub original: String,
    pub theirs_by: UserId,
}

/// Read access to records, as they stand before a mutation runs.
pub trait Source {
    /// A live record (deleted records are `None`).
    fn record(&self, id: RecordId) -> Option<Record>;
    /// Whether the id was ever used (a live or a deleted record): ids are never reused.
    fn exists(&self, id: RecordId) -> bool {
        self.record(id).is_some()
    }
    fn stamp(&self, _id: RecordId, _field: &str) -> Option<Stamp> {
        None
    }
}

/// What a mutator may do.
pub trait Tx: Source {
    fn put(&mut self, record: Record);
    fn delete(&mut self, id: RecordId);
    fn overwrote(&mut self, notice: Overwrite);
}

/// Everything a mutator knows besides the records.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub actor: &'a Actor,
    pub scope: &'a Scope,
    pub directory: &'a Directory,
    /// Now, UTC ms (the server's clock on the server, the device's on the device).
    pub now: i64,
    /// Where edits are journaled (the server): makes the id of each change entry. A device
    /// leaves it `None`; the server's entries reach it with the next pull.
    pub journal: Option<fn() -> RecordId>,
}

/// Writes recorded over a [`Source`].
pub struct Layer<'a> {
    below: &'a dyn Source,
    writes: BTreeMap<RecordId, Option<Record>>,
    overwrites: Vec<Overwrite>,
}

/// What a mutation did: the records it wrote (`None` = deleted) and the values it overwrote.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Effects {
    pub writes: BTreeMap<RecordId, Option<Record>>,
    pub overwrites: Vec<Overwrite>,
}

impl<'a> Layer<'a> {
    pub fn new(below: &'a dyn Source) -> Self {
        Layer {
            below,
            writes: BTreeMap::new(),
            overwrites: Vec::new(),
        }
    }

    pub fn into_effects(self) -> Effects {
        Effects {
            writes: self.writes,
            overwrites: self.overwrites,
        }
    }
}

impl Source for Layer<'_> {
    fn record(&self, id: RecordId) -> Option<Record> {
        match self.writes.get(&id) {
            Some(written) => written.clone(),
            None => self.below.record(id),
        }
    }

    fn exists(&self, id: RecordId) -> bool {
        self.writes.contains_key(&id) || self.below.exists(id)
    }

    fn stamp(&self, id: RecordId, field: &str) -> Option<Stamp> {
        self.below.stamp(id, field)
    }
}

impl Tx for Layer<'_> {
    fn put(&mut self, record: Record) {
        self.writes.insert(record.id, Some(record));
    }

    fn delete(&mut self, id: RecordId) {
        self.writes.insert(id, None);
    }

    fn overwrote(&mut self, notice: Overwrite) {
        self.overwrites.push(notice);
    }
}

/// Run one mutation over `below`; on success, what it did.
pub fn run(mutation: &Mutation, below: &dyn Source, ctx: &Ctx) -> Result<Effects, Rejection> {
    let mut layer = Layer::new(below);
    mutation.apply(&mut layer, ctx)?;
    Ok(layer.into_effects())
}

/// `contact.create`: a new contact, owned by `owner` (the author when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateContact {
    pub id: RecordId,
    #[serde(default)]
    pub owner: Option<UserId>,
    pub fields: Patch,
}

/// `contact.update`: set the fields `set` carries. `was` holds what the device showed in those
/// fields and `seen` the record version it showed, so that the server can tell when the change
/// replaces a newer value written by someone else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateContact {
    pub id: RecordId,
    pub set: Patch,
    #[serde(default)]
    pub was: Patch,
    #[serde(default)]
    pub seen: i64,
}

/// `contact.delete`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeleteContact {
    pub id: RecordId,
}

/// `contact.assign`: hand the contact to another colleague (it moves to their team).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignContact {
    pub id: RecordId,
    pub owner: UserId,
}

/// `issue.dismiss`: the user has dealt with a sync issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DismissIssue {
    pub id: RecordId,
}

/// What a mutator's arguments say about the records it concerns: the one it is about, and
/// the others it may read (so that a driver loads them up front, besides the pipelines, which
/// a driver always loads: see [`crate::sync::pipelines::TxEnv`]).
pub trait Subject {
    fn record(&self) -> RecordId;
    fn reads(&self, _ids: &mut Vec<RecordId>) {}
}

/// The registry: each mutator's variant, arguments, name on the wire and what runs it. A new
/// mutator is its arguments (with [`Subject`]), a function and one line here.
macro_rules! registry {
    ($($variant:ident($args:ty) $name:literal => $run:path,)*) => {
        /// Every mutator the server accepts.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Mutation {
            $($variant($args),)*
        }

        /// Every mutator's name, as devices and the server say it.
        pub const MUTATOR_NAMES: &[&str] = &[$($name,)*];

        impl Mutation {
            /// The mutation a name and its arguments stand for.
            pub fn parse(name: &str, value: &serde_json::Value) -> Result<Self, Rejection> {
                match name {
                    $($name => Ok(Mutation::$variant(args(value)?)),)*
                    _ => Err(Rejection::UnknownMutation),
                }
            }

            pub fn name(&self) -> &'static str {
                match self {
                    $(Mutation::$variant(_) => $name,)*
                }
            }

            pub fn args(&self) -> serde_json::Value {
                let value = match self {
                    $(Mutation::$variant(a) => serde_json::to_value(a),)*
                };
                value.unwrap_or(serde_json::Value::Null)
            }

            fn subject(&self) -> &dyn Subject {
                match self {
                    $(Mutation::$variant(a) => a,)*
                }
            }

            pub fn apply(&self, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
                match self {
                    $(Mutation::$variant(a) => $run(a, tx, ctx),)*
                }
            }
        }
    };
}

registry! {
    CreateContact(CreateContact) "contact.create" => create_contact,
    UpdateContact(UpdateContact) "contact.update" => update_contact,
    DeleteContact(DeleteContact) "contact.delete" => delete_contact,
    AssignContact(AssignContact) "contact.assign" => assign_contact,
    DismissIssue(DismissIssue) "issue.dismiss" => dismiss_issue,
    CreateRecord(CreateRecord) "record.create" => crm::create,
    UpdateRecord(UpdateRecord) "record.update" => crm::update,
    DeleteRecord(DeleteRecord) "record.delete" => crm::delete,
    AssignRecord(AssignRecord) "record.assign" => crm::assign,
    ConvertLead(ConvertLead) "lead.convert" => crm::convert_lead,
    SavePipeline(SavePipeline) "pipeline.save" => pipelines::save,
    CreateObject(CreateObject) "object.create" => schema::create_object,
    UpdateObject(ObjectUpdate) "object.update" => schema::update_object,
    SaveField(SaveField) "field.save" => schema::save_field,
    DeleteField(FieldRef) "field.delete" => schema::delete_field,
    RestoreField(FieldRef) "field.restore" => schema::restore_field,
}

fn args<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, Rejection> {
    T::deserialize(value).map_err(|e| Rejection::Malformed {
        message: e.to_string(),
    })
}

impl Mutation {
    /// The record this mutation is about.
    pub fn record(&self) -> RecordId {
        self.subject().record()
    }

    /// Every record the mutation may read, so that a driver can load them up front. The
    /// schema is among them: record mutators check custom fields against it.
    pub fn touches(&self) -> Vec<RecordId> {
        let mut ids = vec![self.record(), SCHEMA_ID];
        self.subject().reads(&mut ids);
        ids
    }
}

macro_rules! about {
    ($($args:ty => |$a:ident| $id:expr;)*) => {
        $(impl Subject for $args {
            fn record(&self) -> RecordId {
                let $a = self;
                $id
            }
        })*
    };
}

about! {
    CreateContact => |a| a.id;
    UpdateContact => |a| a.id;
    DeleteContact => |a| a.id;
    AssignContact => |a| a.id;
    DismissIssue => |a| a.id;
    DeleteRecord => |a| a.id;
    AssignRecord => |a| a.id;
    SavePipeline => |a| a.id;
    CreateObject => |_a| SCHEMA_ID;
    ObjectUpdate => |_a| SCHEMA_ID;
    SaveField => |_a| SCHEMA_ID;
    FieldRef => |_a| SCHEMA_ID;
}

impl Subject for CreateRecord {
    fn record(&self) -> RecordId {
        self.id
    }
    fn reads(&self, ids: &mut Vec<RecordId>) {
        ids.extend(crm::linked_ids(&self.fields));
        ids.extend(crm::custom_ids(&self.custom));
    }
}

impl Subject for UpdateRecord {
    fn record(&self) -> RecordId {
        self.id
    }
    fn reads(&self, ids: &mut Vec<RecordId>) {
        ids.extend(crm::linked_ids(&self.set));
        ids.extend(crm::custom_ids(&self.custom));
    }
}

impl Subject for ConvertLead {
    fn record(&self) -> RecordId {
        self.lead
    }
    fn reads(&self, ids: &mut Vec<RecordId>) {
        ids.extend([self.account, self.contact]);
        if let Some(deal) = &self.deal {
            ids.push(deal.id);
            ids.extend(crm::linked_ids(&deal.fields));
        }
    }
}

fn delete_contact(a: &DeleteContact, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    visible(tx, ctx, a.id, Collection::Contact)?;
    tx.delete(a.id);
    Ok(())
}

fn dismiss_issue(a: &DismissIssue, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    let issue = visible(tx, ctx, a.id, Collection::Issue)?;
    if issue.owner != ctx.actor.user {
        return Err(Rejection::Forbidden);
    }
    tx.delete(a.id);
    Ok(())
}

/// The live record `id` of `collection`, if the actor may see it.
pub(crate) fn visible(
    tx: &dyn Tx,
    ctx: &Ctx,
    id: RecordId,
    collection: Collection,
) -> Result<Record, Rejection> {
    tx.record(id)
        .filter(|r| r.collection() == collection && ctx.scope.sees(r))
        .ok_or(Rejection::NotFound)
}

/// An active colleague the actor may hand records to: themselves, or anyone in their scope.
pub(crate) fn assignable(ctx: &Ctx, owner: UserId) -> Result<crate::ids::TeamId, Rejection> {
    let member = ctx
        .directory
        .member(owner)
        .filter(|m| m.active)
        .ok_or(Rejection::Invalid {
            errors: vec![crate::problem::Problem::NotFound.at("owner")],
        })?;
    if owner == ctx.actor.user || ctx.scope.sees_at(Collection::Contact, owner, member.team) {
        Ok(member.team)
    } else {
        Err(Rejection::Forbidden)
    }
}

// `contact.*` are the names the first devices used; they run as `record.*` on contacts.

fn create_contact(a: &CreateContact, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    let create = CreateRecord {
        collection: Collection::Contact,
        id: a.id,
        owner: a.owner,
        fields: a.fields.clone(),
        custom: Default::default(),
    };
    crm::create(&create, tx, ctx)
}

fn update_contact(a: &UpdateContact, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    visible(tx, ctx, a.id, Collection::Contact)?;
    let update = UpdateRecord {
        id: a.id,
        set: a.set.clone(),
        was: a.was.clone(),
        seen: a.seen,
        custom: Default::default(),
    };
    crm::update(&update, tx, ctx)
}

fn assign_contact(a: &AssignContact, tx: &mut dyn Tx, ctx: &Ctx) -> Result<(), Rejection> {
    visible(tx, ctx, a.id, Collection::Contact)?;
    crm::assign(
        &AssignRecord {
            id: a.id,
            owner: a.owner,
        },
        tx,
        ctx,
    )
}

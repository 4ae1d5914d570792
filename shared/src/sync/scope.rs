//! Who sees which records: a user's [`Scope`] resolved from their role's data scope and the team
//! tree, and the [`Directory`] of colleagues and teams that devices keep for offline work.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ids::{TeamId, UserId};
use crate::role::{Actor, Visibility};
use crate::sync::record::{Collection, Record};
use crate::team::TeamTree;

/// The records a user may see: their own, and those filed under `teams` (or under any team when
/// `everything`). Private collections are only ever seen by their owner, public ones (company
/// settings such as pipelines) by everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub user: UserId,
    #[serde(default)]
    pub everything: bool,
    #[serde(default)]
    pub teams: BTreeSet<TeamId>,
}

impl Scope {
    pub fn of(actor: &Actor, tree: &TeamTree) -> Self {
        let (everything, teams) = match actor.visibility(tree) {
            Visibility::OwnOnly => (false, BTreeSet::new()),
            Visibility::Teams(teams) => (false, teams),
            Visibility::Everything => (true, BTreeSet::new()),
        };
        Scope {
            user: actor.user,
            everything,
            teams,
        }
    }

    pub fn sees(&self, record: &Record) -> bool {
        self.sees_at(record.collection(), record.owner, record.team)
    }

    /// Whether a record of `collection`, owned by `owner` and filed under `team`, is visible.
    pub fn sees_at(&self, collection: Collection, owner: UserId, team: TeamId) -> bool {
        if owner == self.user || collection.is_public() {
            return true;
        }
        !collection.is_private() && (self.everything || self.teams.contains(&team))
    }
}

/// Whose devices a change concerns: those of a user who may see one of the records it wrote,
/// or saw one where it stood before a move (to drop it). A server pokes only those devices,
/// so that a push by one rep does not make every device of the company pull.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reach {
    /// Everyone (people, teams or roles changed: scopes and directories may have).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub everyone: bool,
    /// A record of a public collection changed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
    /// Owners of the changed records.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub owners: BTreeSet<UserId>,
    /// Teams of the changed records that others may see (not of private ones).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub teams: BTreeSet<TeamId>,
}

impl Reach {
    pub fn everyone() -> Self {
        Reach {
            everyone: true,
            ..Reach::default()
        }
    }

    /// A record of `collection` owned by `owner` and filed under `team` changed (or stood
    /// there before it moved).
    pub fn add(&mut self, collection: Collection, owner: UserId, team: TeamId) {
        if collection.is_public() {
            self.public = true;
        }
        self.owners.insert(owner);
        if !collection.is_private() {
            self.teams.insert(team);
        }
    }

    /// Whether a device whose user sees `scope` may have something to pull.
    pub fn concerns(&self, scope: &Scope) -> bool {
        self.everyone
            || self.public
            || self.owners.contains(&scope.user)
            || (scope.everything && !self.teams.is_empty())
            || self.teams.iter().any(|t| scope.teams.contains(t))
    }

    /// Nobody: the change wrote nothing.
    pub fn is_empty(&self) -> bool {
        !self.everyone && !self.public && self.owners.is_empty() && self.teams.is_empty()
    }
}

/// A colleague, as every device knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: UserId,
    pub name: String,
    pub team: TeamId,
    pub active: bool,
}

/// A team, as every device knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamEntry {
    pub id: TeamId,
    pub name: String,
    pub parent: Option<TeamId>,
}

/// The signed-in user, their colleagues and the team tree: what mutators need to check
/// permissions and assignments on a device with no network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub me: Actor,
    /// Sorted by id.
    pub users: Vec<Member>,
    /// Sorted by id.
    pub teams: Vec<TeamEntry>,
}

impl Directory {
    pub fn member(&self, id: UserId) -> Option<&Member> {
        self.users
            .binary_search_by_key(&id, |m| m.id)
            .ok()
            .and_then(|i| self.users.get(i))
    }

    pub fn team_name(&self, id: TeamId) -> Option<&str> {
        self.teams
            .binary_search_by_key(&id, |t| t.id)
            .ok()
            .and_then(|i| self.teams.get(i))
            .map(|t| t.name.as_str())
    }

    pub fn tree(&self) -> TeamTree {
        TeamTree::new(self.teams.iter().map(|t| (t.id, t.parent)))
    }

    pub fn scope(&self) -> Scope {
        Scope::of(&self.me, &self.tree())
    }

    /// Who asks and when, for the query language's `me`, `my team` and periods.
    pub fn query_context(&self, now_ms: i64) -> crate::query::Context {
        crate::query::Context {
            me: self.me.user.as_uuid(),
            my_team: self
                .users
                .iter()
                .filter(|m| m.team == self.me.team)
                .map(|m| m.id.as_uuid())
                .collect(),
            now_ms,
            offset_minutes: crate::query::COMPANY_OFFSET_MINUTES,
        }
    }

    /// A stable fingerprint of the content (FNV-1a over the JSON form), so that a pull sends
    /// the directory only when it changed.
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in json.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::record::Collection::{Contact, Issue, Pipeline};

    fn user(n: u128) -> UserId {
        UserId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn team(n: u128) -> TeamId {
        TeamId::from_uuid(uuid::Uuid::from_u128(100 + n))
    }

    fn scope(me: u128, everything: bool, teams: &[u128]) -> Scope {
        Scope {
            user: user(me),
            everything,
            teams: teams.iter().map(|t| team(*t)).collect(),
        }
    }

    /// A change concerns exactly the scopes that see one of its records.
    #[test]
    fn a_change_reaches_those_who_see_it() {
        let cases: &[(Collection, u128, u128, Scope, bool)] = &[
            (Contact, 1, 1, scope(1, false, &[]), true),
            (Contact, 1, 1, scope(2, false, &[]), false),
            (Contact, 1, 1, scope(2, false, &[1]), true),
            (Contact, 1, 1, scope(2, false, &[2]), false),
            (Contact, 1, 1, scope(2, true, &[]), true),
            (Issue, 1, 1, scope(2, true, &[1]), false),
            (Issue, 1, 1, scope(1, false, &[]), true),
            (Pipeline, 1, 1, scope(3, false, &[]), true),
        ];
        for (collection, owner, at, who, expected) in cases {
            let mut reach = Reach::default();
            reach.add(*collection, user(*owner), team(*at));
            assert_eq!(
                reach.concerns(who),
                *expected,
                "{collection:?} of {owner} in {at} for {who:?}"
            );
            assert_eq!(
                who.sees_at(*collection, user(*owner), team(*at)),
                *expected,
                "the same as seeing it"
            );
        }
        assert!(Reach::everyone().concerns(&scope(9, false, &[])));
        assert!(!Reach::default().concerns(&scope(9, true, &[])));
        assert!(Reach::default().is_empty());
    }
}

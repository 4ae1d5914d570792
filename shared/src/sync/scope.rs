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

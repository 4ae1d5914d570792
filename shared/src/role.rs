//! Roles, what each may do, and how far each may see.
//!
//! A role grants capabilities (what screens and actions are open) and carries a **data scope**
//! (which records are visible): only the user's own, their team's, their team's and every team
//! below it, or everything. The scope of each role is stored by the server and editable by an
//! admin; [`Role::default_scope`] is where a new installation starts.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{TeamId, UserId};
use crate::problem::Problem;
use crate::team::TeamTree;

/// What a user does in the company. Serialized in snake case; do not rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Sales,
    Marketing,
    Service,
    Finance,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Manager,
        Role::Sales,
        Role::Marketing,
        Role::Service,
        Role::Finance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Sales => "sales",
            Role::Marketing => "marketing",
            Role::Service => "service",
            Role::Finance => "finance",
        }
    }

    /// The scope a fresh installation gives this role.
    pub fn default_scope(self) -> DataScope {
        match self {
            Role::Admin | Role::Finance => DataScope::All,
            Role::Manager => DataScope::TeamAndSubTeams,
            Role::Marketing | Role::Service => DataScope::Team,
            Role::Sales => DataScope::Own,
        }
    }

    /// Whether this role may do `capability`.
    pub fn can(self, capability: Capability) -> bool {
        match capability {
            Capability::ManageUsers
            | Capability::ManageTeams
            | Capability::ManageRoles
            | Capability::ManagePipelines
            | Capability::ManageSchema => self == Role::Admin,
        }
    }
}

impl FromStr for Role {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Problem> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or(Problem::Invalid)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action guarded by role. Grows as features arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    ManageUsers,
    ManageTeams,
    ManageRoles,
    /// Set up deal pipelines: stages, probabilities, won/lost, stage gates.
    ManagePipelines,
    /// Shape objects and fields: custom objects, custom fields, labels, hidden fields.
    ManageSchema,
}

/// Which records a role may see. Serialized in snake case; do not rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataScope {
    /// Records the user owns.
    Own,
    /// Records owned by anyone in the user's team.
    Team,
    /// Records of the user's team and every team below it.
    TeamAndSubTeams,
    /// Every record.
    All,
}

impl DataScope {
    pub const ALL: [DataScope; 4] = [
        DataScope::Own,
        DataScope::Team,
        DataScope::TeamAndSubTeams,
        DataScope::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DataScope::Own => "own",
            DataScope::Team => "team",
            DataScope::TeamAndSubTeams => "team_and_sub_teams",
            DataScope::All => "all",
        }
    }
}

impl FromStr for DataScope {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Problem> {
        DataScope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or(Problem::Invalid)
    }
}

/// The signed-in user as the permission rules see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: UserId,
    pub role: Role,
    pub team: TeamId,
    pub scope: DataScope,
}

/// The set of teams whose records an actor sees, for scopes that are about teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Only records the actor owns.
    OwnOnly,
    /// Records of these teams (and the actor's own records wherever they are).
    Teams(BTreeSet<TeamId>),
    /// Everything.
    Everything,
}

impl Actor {
    pub fn can(&self, capability: Capability) -> bool {
        self.role.can(capability)
    }

    /// Resolve the actor's scope against the current team tree.
    pub fn visibility(&self, tree: &TeamTree) -> Visibility {
        match self.scope {
            DataScope::Own => Visibility::OwnOnly,
            DataScope::Team => Visibility::Teams(BTreeSet::from([self.team])),
            DataScope::TeamAndSubTeams => Visibility::Teams(tree.subtree(self.team)),
            DataScope::All => Visibility::Everything,
        }
    }

    /// Whether a record owned by `owner` and filed under `team` is visible to this actor.
    pub fn sees(&self, owner: UserId, team: TeamId, tree: &TeamTree) -> bool {
        if owner == self.user {
            return true;
        }
        match self.visibility(tree) {
            Visibility::OwnOnly => false,
            Visibility::Teams(teams) => teams.contains(&team),
            Visibility::Everything => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn team(n: u128) -> TeamId {
        TeamId::from_uuid(Uuid::from_u128(n))
    }
    fn user(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(1000 + n))
    }

    /// company(1) → sales(2) → east(3), west(4); company → service(5)
    fn tree() -> TeamTree {
        TeamTree::new([
            (team(1), None),
            (team(2), Some(team(1))),
            (team(3), Some(team(2))),
            (team(4), Some(team(2))),
            (team(5), Some(team(1))),
        ])
    }

    fn actor(scope: DataScope, at: TeamId) -> Actor {
        Actor {
            user: user(1),
            role: Role::Sales,
            team: at,
            scope,
        }
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_value(role).expect("json"), role.as_str());
        }
        assert_eq!("boss".parse::<Role>(), Err(Problem::Invalid));
        for scope in DataScope::ALL {
            assert_eq!(scope.as_str().parse::<DataScope>(), Ok(scope));
            assert_eq!(serde_json::to_value(scope).expect("json"), scope.as_str());
        }
    }

    #[test]
    fn only_admins_administer() {
        for role in Role::ALL {
            let admin = role == Role::Admin;
            assert_eq!(role.can(Capability::ManageUsers), admin, "{role}");
            assert_eq!(role.can(Capability::ManageTeams), admin, "{role}");
            assert_eq!(role.can(Capability::ManageRoles), admin, "{role}");
        }
    }

    #[test]
    fn default_scopes() {
        assert_eq!(Role::Admin.default_scope(), DataScope::All);
        assert_eq!(Role::Manager.default_scope(), DataScope::TeamAndSubTeams);
        assert_eq!(Role::Sales.default_scope(), DataScope::Own);
    }

    /// (scope, actor's team, record owner, record team, visible?)
    #[test]
    fn visibility_by_scope() {
        let cases = [
            (DataScope::Own, team(3), user(1), team(4), true),
            (DataScope::Own, team(3), user(2), team(3), false),
            (DataScope::Team, team(3), user(2), team(3), true),
            (DataScope::Team, team(3), user(2), team(4), false),
            (DataScope::Team, team(2), user(2), team(3), false),
            (DataScope::TeamAndSubTeams, team(2), user(2), team(3), true),
            (DataScope::TeamAndSubTeams, team(2), user(2), team(2), true),
            (DataScope::TeamAndSubTeams, team(2), user(2), team(5), false),
            (DataScope::TeamAndSubTeams, team(3), user(2), team(2), false),
            (DataScope::All, team(3), user(2), team(5), true),
        ];
        let tree = tree();
        for (scope, at, owner, record_team, expected) in cases {
            assert_eq!(
                actor(scope, at).sees(owner, record_team, &tree),
                expected,
                "{scope:?} at {at} seeing {owner} in {record_team}"
            );
        }
    }

    #[test]
    fn visibility_sets() {
        let tree = tree();
        assert_eq!(
            actor(DataScope::TeamAndSubTeams, team(2)).visibility(&tree),
            Visibility::Teams(BTreeSet::from([team(2), team(3), team(4)]))
        );
        assert_eq!(
            actor(DataScope::Own, team(2)).visibility(&tree),
            Visibility::OwnOnly
        );
        assert_eq!(
            actor(DataScope::All, team(2)).visibility(&tree),
            Visibility::Everything
        );
    }
}

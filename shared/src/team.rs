//! The team tree: company → departments → groups (and deeper if a company needs it).
//!
//! The tree has exactly one root, the company. These rules decide whether a team may be created
//! under a parent, moved, or deleted; the server checks them before it writes, and the settings
//! screen checks them before it asks.

use std::collections::{BTreeSet, HashMap};

use crate::ids::TeamId;

/// How many levels a tree may have, the company included.
pub const MAX_DEPTH: usize = 8;

/// Why a change to the tree is refused. Each carries what a person needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TeamRuleError {
    #[error("team {0} does not exist")]
    UnknownTeam(TeamId),
    #[error("the parent team does not exist")]
    UnknownParent,
    #[error("the company (top of the tree) cannot be moved")]
    RootCannotMove,
    #[error("the company (top of the tree) cannot be deleted")]
    RootCannotBeDeleted,
    #[error("a team cannot be moved under itself or one of its own sub-teams")]
    WouldCycle,
    #[error("the tree may be at most {max} levels deep")]
    TooDeep { max: usize },
    #[error("the team still has {count} sub-teams; move or delete them first")]
    HasSubTeams { count: usize },
    #[error("the team still has {count} members; move them to another team first")]
    HasMembers { count: usize },
}

/// The shape of the tree: each team and its parent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeamTree {
    parent: HashMap<TeamId, Option<TeamId>>,
    children: HashMap<TeamId, Vec<TeamId>>,
}

impl TeamTree {
    pub fn new(edges: impl IntoIterator<Item = (TeamId, Option<TeamId>)>) -> Self {
        let mut tree = Self::default();
        for (team, parent) in edges {
            tree.parent.insert(team, parent);
            if let Some(parent) = parent {
                tree.children.entry(parent).or_default().push(team);
            }
        }
        tree
    }

    pub fn contains(&self, team: TeamId) -> bool {
        self.parent.contains_key(&team)
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    pub fn parent(&self, team: TeamId) -> Option<TeamId> {
        self.parent.get(&team).copied().flatten()
    }

    /// The company: the team without a parent.
    pub fn root(&self) -> Option<TeamId> {
        self.parent
            .iter()
            .filter(|(_, parent)| parent.is_none())
            .map(|(team, _)| *team)
            .min()
    }

    pub fn children(&self, team: TeamId) -> &[TeamId] {
        self.children.get(&team).map_or(&[], Vec::as_slice)
    }

    /// The team, its parent, its parent's parent … up to the root. Stops after as many steps as
    /// there are teams, so a damaged tree cannot loop forever.
    pub fn path_to_root(&self, team: TeamId) -> Vec<TeamId> {
        let mut path = Vec::new();
        let mut current = Some(team);
        while let Some(t) = current {
            if !self.contains(t) || path.len() > self.parent.len() {
                break;
            }
            path.push(t);
            current = self.parent(t);
        }
        path
    }

    /// 1 for the company, 2 for a department, 3 for a group …
    pub fn depth(&self, team: TeamId) -> usize {
        self.path_to_root(team).len()
    }

    /// The team and every team below it.
    pub fn subtree(&self, team: TeamId) -> BTreeSet<TeamId> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![team];
        while let Some(t) = stack.pop() {
            if seen.insert(t) {
                stack.extend_from_slice(self.children(t));
            }
        }
        seen
    }

    /// Levels in the subtree below and including `team` (1 for a leaf).
    fn height(&self, team: TeamId) -> usize {
        self.subtree(team)
            .into_iter()
            .map(|t| {
                self.path_to_root(t)
                    .iter()
                    .position(|&a| a == team)
                    .map_or(1, |i| i + 1)
            })
            .max()
            .unwrap_or(1)
    }

    /// Every team in display order: depth-first from the company, siblings ordered by `cmp`,
    /// each with its depth (0 for the company). Teams cut off from the root (a damaged tree)
    /// come last at depth 0, so nothing is ever hidden.
    pub fn outline(
        &self,
        mut cmp: impl FnMut(&TeamId, &TeamId) -> std::cmp::Ordering,
    ) -> Vec<(TeamId, usize)> {
        let mut out = Vec::with_capacity(self.parent.len());
        let mut seen = BTreeSet::new();
        let mut roots: Vec<TeamId> = self
            .parent
            .iter()
            .filter(|(_, p)| p.is_none())
            .map(|(t, _)| *t)
            .collect();
        roots.sort_by(&mut cmp);
        let mut stack: Vec<(TeamId, usize)> = roots.into_iter().rev().map(|t| (t, 0)).collect();
        while let Some((team, depth)) = stack.pop() {
            if !seen.insert(team) {
                continue;
            }
            out.push((team, depth));
            let mut children = self.children(team).to_vec();
            children.sort_by(&mut cmp);
            stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
        }
        let mut orphans: Vec<TeamId> = self
            .parent
            .keys()
            .filter(|t| !seen.contains(t))
            .copied()
            .collect();
        orphans.sort_by(&mut cmp);
        out.extend(orphans.into_iter().map(|t| (t, 0)));
        out
    }

    /// May a new team be created under `parent`?
    pub fn check_create(&self, parent: TeamId) -> Result<(), TeamRuleError> {
        if !self.contains(parent) {
            return Err(TeamRuleError::UnknownParent);
        }
        if self.depth(parent) + 1 > MAX_DEPTH {
            return Err(TeamRuleError::TooDeep { max: MAX_DEPTH });
        }
        Ok(())
    }

    /// May `team` (with everything below it) move under `new_parent`?
    pub fn check_move(&self, team: TeamId, new_parent: TeamId) -> Result<(), TeamRuleError> {
        if !self.contains(team) {
            return Err(TeamRuleError::UnknownTeam(team));
        }
        if self.parent(team).is_none() {
            return Err(TeamRuleError::RootCannotMove);
        }
        if !self.contains(new_parent) {
            return Err(TeamRuleError::UnknownParent);
        }
        if self.subtree(team).contains(&new_parent) {
            return Err(TeamRuleError::WouldCycle);
        }
        if self.depth(new_parent) + self.height(team) > MAX_DEPTH {
            return Err(TeamRuleError::TooDeep { max: MAX_DEPTH });
        }
        Ok(())
    }

    /// May `team` be deleted, given how many users are still in it?
    pub fn check_delete(&self, team: TeamId, members: usize) -> Result<(), TeamRuleError> {
        if !self.contains(team) {
            return Err(TeamRuleError::UnknownTeam(team));
        }
        if self.parent(team).is_none() {
            return Err(TeamRuleError::RootCannotBeDeleted);
        }
        let sub_teams = self.children(team).len();
        if sub_teams > 0 {
            return Err(TeamRuleError::HasSubTeams { count: sub_teams });
        }
        if members > 0 {
            return Err(TeamRuleError::HasMembers { count: members });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn t(n: u128) -> TeamId {
        TeamId::from_uuid(Uuid::from_u128(n))
    }

    /// 1 company → 2 sales → 3 east → 6 shanghai; 2 → 4 west; 1 → 5 service
    fn tree() -> TeamTree {
        TeamTree::new([
            (t(1), None),
            (t(2), Some(t(1))),
            (t(3), Some(t(2))),
            (t(4), Some(t(2))),
            (t(5), Some(t(1))),
            (t(6), Some(t(3))),
        ])
    }

    fn chain(len: u128) -> TeamTree {
        TeamTree::new((1..=len).map(|n| (t(n), (n > 1).then(|| t(n - 1)))))
    }

    #[test]
    fn shape() {
        let tree = tree();
        assert_eq!(tree.root(), Some(t(1)));
        assert_eq!(tree.depth(t(1)), 1);
        assert_eq!(tree.depth(t(6)), 4);
        assert_eq!(tree.path_to_root(t(6)), vec![t(6), t(3), t(2), t(1)]);
        assert_eq!(tree.subtree(t(2)), BTreeSet::from([t(2), t(3), t(4), t(6)]));
        assert_eq!(tree.subtree(t(5)), BTreeSet::from([t(5)]));
        assert_eq!(tree.height(t(2)), 3);
        assert_eq!(tree.height(t(4)), 1);
    }

    #[test]
    fn outline_is_depth_first_in_sibling_order() {
        let tree = tree();
        let outline = tree.outline(|a, b| b.cmp(a));
        assert_eq!(
            outline,
            vec![
                (t(1), 0),
                (t(5), 1),
                (t(2), 1),
                (t(4), 2),
                (t(3), 2),
                (t(6), 3)
            ]
        );
        let cyclic = TeamTree::new([(t(1), None), (t(2), Some(t(3))), (t(3), Some(t(2)))]);
        assert_eq!(cyclic.outline(Ord::cmp).len(), 3, "nothing is hidden");
    }

    #[test]
    fn create_rules() {
        let tree = tree();
        assert_eq!(tree.check_create(t(3)), Ok(()));
        assert_eq!(tree.check_create(t(99)), Err(TeamRuleError::UnknownParent));
        let deep = chain(MAX_DEPTH as u128);
        assert_eq!(deep.check_create(t(MAX_DEPTH as u128 - 1)), Ok(()));
        assert_eq!(
            deep.check_create(t(MAX_DEPTH as u128)),
            Err(TeamRuleError::TooDeep { max: MAX_DEPTH })
        );
    }

    #[test]
    fn move_rules() {
        let tree = tree();
        let cases = [
            (t(4), t(5), Ok(())),
            (t(3), t(1), Ok(())),
            (t(1), t(5), Err(TeamRuleError::RootCannotMove)),
            (t(2), t(2), Err(TeamRuleError::WouldCycle)),
            (t(2), t(6), Err(TeamRuleError::WouldCycle)),
            (t(4), t(99), Err(TeamRuleError::UnknownParent)),
            (t(99), t(1), Err(TeamRuleError::UnknownTeam(t(99)))),
        ];
        for (team, parent, expected) in cases {
            assert_eq!(
                tree.check_move(team, parent),
                expected,
                "{team} under {parent}"
            );
        }
    }

    #[test]
    fn moving_a_subtree_respects_depth() {
        // chain 1..=MAX_DEPTH-1 plus a two-level branch 100 → 101 under the root
        let mut edges: Vec<_> = (1..MAX_DEPTH as u128)
            .map(|n| (t(n), (n > 1).then(|| t(n - 1))))
            .collect();
        edges.push((t(100), Some(t(1))));
        edges.push((t(101), Some(t(100))));
        let tree = TeamTree::new(edges);
        let bottom = t(MAX_DEPTH as u128 - 1);
        assert_eq!(tree.check_move(t(101), bottom), Ok(()));
        assert_eq!(
            tree.check_move(t(100), bottom),
            Err(TeamRuleError::TooDeep { max: MAX_DEPTH })
        );
    }

    #[test]
    fn delete_rules() {
        let tree = tree();
        assert_eq!(tree.check_delete(t(4), 0), Ok(()));
        assert_eq!(
            tree.check_delete(t(4), 3),
            Err(TeamRuleError::HasMembers { count: 3 })
        );
        assert_eq!(
            tree.check_delete(t(2), 0),
            Err(TeamRuleError::HasSubTeams { count: 2 })
        );
        assert_eq!(
            tree.check_delete(t(1), 0),
            Err(TeamRuleError::RootCannotBeDeleted)
        );
        assert_eq!(
            tree.check_delete(t(99), 0),
            Err(TeamRuleError::UnknownTeam(t(99)))
        );
    }

    #[test]
    fn a_damaged_tree_does_not_loop() {
        let tree = TeamTree::new([(t(1), Some(t(2))), (t(2), Some(t(1)))]);
        assert!(tree.path_to_root(t(1)).len() <= 3);
        assert_eq!(tree.subtree(t(1)), BTreeSet::from([t(1), t(2)]));
    }
}

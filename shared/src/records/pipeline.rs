//! Deal pipelines: ordered stages with a probability, won/lost flags, and **stage gates**: the
//! deal fields that must be filled before a deal may enter a stage.
//!
//! An admin configures pipelines; each is a synced record (collection `pipeline`, seen by
//! everyone) saved whole by the `pipeline.save` mutator. The company's main pipeline has a
//! fixed id, [`DEFAULT_PIPELINE`]; until an admin saves it, it is [`Pipeline::standard`]. A deal
//! names its pipeline, or none for the main one. Mutators, lists, the board and the dashboard
//! read pipelines through [`Env`].

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::RecordId;
use crate::problem::{FieldError, Problem};
use crate::sync::record::{Body, Record};

/// The id of the company's main pipeline (deals that name no pipeline are on it).
pub const DEFAULT_PIPELINE: RecordId =
    RecordId::from_uuid(Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0001));

/// Most stages a pipeline may have, and the longest names.
pub const MAX_STAGES: usize = 20;
const MAX_NAME: usize = 40;
const MAX_KEY: usize = 40;

/// Deal fields a stage gate may require.
pub const GATE_FIELDS: &[&str] = &[
    "amount",
    "close_date",
    "contact",
    "probability",
    "products",
    "notes",
];

/// One stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Stable key stored on deals (never changes once deals use it).
    pub key: String,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    /// Default win probability, percent.
    pub probability: u8,
    #[serde(default)]
    pub won: bool,
    #[serde(default)]
    pub lost: bool,
    /// Deal fields required before entering this stage.
    #[serde(default)]
    pub required: Vec<String>,
}

impl Stage {
    /// The stage's name in `en`glish or Chinese (each falls back on the other).
    pub fn name(&self, en: bool) -> &str {
        match (en, self.name_en.is_empty(), self.name_zh.is_empty()) {
            (true, false, _) | (false, _, true) => &self.name_en,
            _ => &self.name_zh,
        }
    }

    pub fn is_open(&self) -> bool {
        !self.won && !self.lost
    }
}

/// A pipeline: stages in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    /// What people call it (the main pipeline may leave it empty).
    #[serde(default)]
    pub name: String,
    pub stages: Vec<Stage>,
}

fn stage(key: &str, zh: &str, en: &str, probability: u8, required: &[&str]) -> Stage {
    Stage {
        key: key.to_owned(),
        name_zh: zh.to_owned(),
        name_en: en.to_owned(),
        probability,
        won: key == "won",
        lost: key == "lost",
        required: required.iter().map(|f| (*f).to_owned()).collect(),
    }
}

static STANDARD: std::sync::LazyLock<Pipeline> = std::sync::LazyLock::new(Pipeline::build_standard);

impl Pipeline {
    /// The pipeline every installation starts with (built once; deals consult it often).
    pub fn standard() -> &'static Pipeline {
        &STANDARD
    }

    fn build_standard() -> Self {
        let money = ["amount", "close_date"];
        Pipeline {
            name: String::new(),
            stages: vec![
                stage("qualify", "初步接洽", "Qualify", 10, &[]),
                stage("needs", "需求确认", "Needs analysis", 30, &[]),
                stage("proposal", "方案报价", "Proposal", 60, &money),
                stage("negotiation", "商务谈判", "Negotiation", 80, &money),
                stage("won", "赢单", "Won", 100, &money),
                stage("lost", "输单", "Lost", 0, &[]),
            ],
        }
    }

    pub fn stage(&self, key: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.key == key)
    }

    /// The first open stage, where new deals start.
    pub fn first(&self) -> Option<&Stage> {
        self.stages
            .iter()
            .find(|s| s.is_open())
            .or(self.stages.first())
    }

    /// Whether a deal in stage `key` is won (an unknown stage counts as open).
    pub fn is_won(&self, key: &str) -> bool {
        self.stage(key).is_some_and(|s| s.won)
    }

    pub fn is_lost(&self, key: &str) -> bool {
        self.stage(key).is_some_and(|s| s.lost)
    }

    /// Whether a deal whose fields read as `get` may be in stage `key`: the missing required
    /// fields, each as a problem at its field.
    pub fn gate(&self, key: &str, get: impl Fn(&str) -> String) -> Result<(), Vec<FieldError>> {
        let Some(stage) = self.stage(key) else {
            return Err(vec![Problem::Invalid.at("stage")]);
        };
        let missing: Vec<FieldError> = stage
            .required
            .iter()
            .filter(|f| get(f).is_empty())
            .map(|f| Problem::RequiredForStage.at(f))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing)
        }
    }

    /// The pipeline as an admin typed it, trimmed, or every problem at its place
    /// (`name`, `stages`, `stages.2.name_zh`, …).
    pub fn checked(mut self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.name = self.name.trim().to_owned();
        if self.name.chars().count() > MAX_NAME {
            errors.push(Problem::TooLong { max: MAX_NAME }.at("name"));
        }
        if self.stages.len() < 2 {
            errors.push(Problem::TooShort { min: 2 }.at("stages"));
        } else if self.stages.len() > MAX_STAGES {
            errors.push(Problem::TooMany { max: MAX_STAGES }.at("stages"));
        }
        let mut keys = BTreeSet::new();
        for (i, stage) in self.stages.iter_mut().enumerate() {
            let at = |field: &str| format!("stages.{i}.{field}");
            let key_ok = !stage.key.is_empty()
                && stage.key.len() <= MAX_KEY
                && stage.key.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            if !key_ok {
                errors.push(Problem::Invalid.at(&at("key")));
            } else if !keys.insert(stage.key.clone()) {
                errors.push(Problem::Taken.at(&at("key")));
            }
            stage.name_zh = stage.name_zh.trim().to_owned();
            stage.name_en = stage.name_en.trim().to_owned();
            if stage.name_zh.is_empty() && stage.name_en.is_empty() {
                errors.push(Problem::Required.at(&at("name_zh")));
            }
            for (field, name) in [("name_zh", &stage.name_zh), ("name_en", &stage.name_en)] {
                if name.chars().count() > MAX_NAME {
                    errors.push(Problem::TooLong { max: MAX_NAME }.at(&at(field)));
                } else if name.chars().any(char::is_control) {
                    errors.push(Problem::ControlCharacters.at(&at(field)));
                }
            }
            if stage.probability > 100 {
                errors.push(Problem::OutOfRange { min: 0, max: 100 }.at(&at("probability")));
            }
            if stage.won && stage.lost {
                errors.push(Problem::Invalid.at(&at("lost")));
            }
            stage.required.sort();
            stage.required.dedup();
            if stage
                .required
                .iter()
                .any(|f| !GATE_FIELDS.contains(&f.as_str()))
            {
                errors.push(Problem::UnknownField.at(&at("required")));
            }
        }
        if self.stages.len() >= 2 && !self.stages.iter().any(Stage::is_open) {
            errors.push(Problem::Required.at("stages.0.won"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// A fresh key for a stage added to this pipeline (`s1`, `s2`, … not yet used).
    pub fn new_key(&self) -> String {
        (1..)
            .map(|n| format!("s{n}"))
            .find(|k| self.stage(k).is_none())
            .unwrap_or_default()
    }
}

/// Where deals' pipelines come from: the records on the device or in a server transaction.
pub trait Env {
    /// The pipeline `id` names (`None`: the main one). An unknown id reads as the main one.
    fn pipeline(&self, id: Option<RecordId>) -> Cow<'_, Pipeline>;
}

/// Only the standard pipeline (tests, and kinds that need no pipeline).
pub struct Standard;

impl Env for Standard {
    fn pipeline(&self, _id: Option<RecordId>) -> Cow<'_, Pipeline> {
        Cow::Borrowed(Pipeline::standard())
    }
}

/// Every pipeline, the main one first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipelines {
    list: Vec<(RecordId, Pipeline)>,
}

impl Default for Pipelines {
    fn default() -> Self {
        Pipelines {
            list: vec![(DEFAULT_PIPELINE, Pipeline::standard().clone())],
        }
    }
}

impl Pipelines {
    /// The pipelines among `records` (others ignored); the main one is the standard pipeline
    /// until saved; the rest follow by name.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a Record>) -> Self {
        let mut all = Pipelines::default();
        for record in records {
            if let Body::Pipeline(p) = &record.body {
                if record.id == DEFAULT_PIPELINE {
                    all.list[0].1 = p.clone();
                } else {
                    all.list.push((record.id, p.clone()));
                }
            }
        }
        if let Some(rest) = all.list.get_mut(1..) {
            rest.sort_by(|a, b| a.1.name.cmp(&b.1.name).then(a.0.cmp(&b.0)));
        }
        all
    }

    pub fn list(&self) -> &[(RecordId, Pipeline)] {
        &self.list
    }

    /// The pipeline `id` names (`None` or unknown: the main one).
    pub fn get(&self, id: Option<RecordId>) -> &Pipeline {
        let id = id.unwrap_or(DEFAULT_PIPELINE);
        self.list
            .iter()
            .find(|(i, _)| *i == id)
            .or(self.list.first())
            .map_or(Pipeline::standard(), |(_, p)| p)
    }

    /// A stage's name in any pipeline (the first that has the key), or the key itself.
    pub fn stage_name(&self, pipeline: Option<RecordId>, key: &str, en: bool) -> String {
        self.get(pipeline)
            .stage(key)
            .or_else(|| self.list.iter().find_map(|(_, p)| p.stage(key)))
            .map_or_else(|| key.to_owned(), |s| s.name(en).to_owned())
    }

    /// Every stage key once, in pipeline order, with its name.
    pub fn all_stages(&self, en: bool) -> Vec<(String, String)> {
        let mut seen = BTreeSet::new();
        self.list
            .iter()
            .flat_map(|(_, p)| &p.stages)
            .filter(|s| seen.insert(s.key.clone()))
            .map(|s| (s.key.clone(), s.name(en).to_owned()))
            .collect()
    }

    /// What people call pipeline `id` (the main one: `main`, as given).
    pub fn name_of(&self, id: RecordId, main: &str) -> String {
        let p = self.get(Some(id));
        if p.name.is_empty() {
            main.to_owned()
        } else {
            p.name.clone()
        }
    }
}

impl Env for Pipelines {
    fn pipeline(&self, id: Option<RecordId>) -> Cow<'_, Pipeline> {
        Cow::Borrowed(self.get(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(p: Pipeline) -> Vec<(String, &'static str)> {
        p.checked()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.problem.code()))
            .collect()
    }

    #[test]
    fn the_standard_pipeline_is_valid() {
        assert_eq!(
            Pipeline::standard().clone().checked().as_ref(),
            Ok(Pipeline::standard())
        );
        assert_eq!(Pipeline::standard().new_key(), "s1");
    }

    #[test]
    fn bad_pipelines_are_named_at_the_stage_and_field() {
        let mut p = Pipeline::standard().clone();
        p.stages[1].key = "qualify".into();
        p.stages[2].name_zh = " ".into();
        p.stages[2].name_en = String::new();
        p.stages[3].probability = 120;
        p.stages[4].lost = true;
        p.stages[5].required = vec!["favourite_colour".into()];
        p.name = "销".repeat(41);
        assert_eq!(
            codes(p),
            [
                ("name".to_owned(), "too_long"),
                ("stages.1.key".to_owned(), "taken"),
                ("stages.2.name_zh".to_owned(), "required"),
                ("stages.3.probability".to_owned(), "out_of_range"),
                ("stages.4.lost".to_owned(), "invalid"),
                ("stages.5.required".to_owned(), "unknown_field"),
            ]
        );
        let one = Pipeline {
            name: String::new(),
            stages: vec![Pipeline::standard().stages[0].clone()],
        };
        assert_eq!(codes(one), [("stages".to_owned(), "too_short")]);
        let mut closed = Pipeline::standard().clone();
        closed.stages.retain(|s| !s.is_open());
        assert_eq!(codes(closed), [("stages.0.won".to_owned(), "required")]);
        let mut keyed = Pipeline::standard().clone();
        keyed.stages[0].key = "Bad Key".into();
        assert_eq!(codes(keyed), [("stages.0.key".to_owned(), "invalid")]);
    }

    #[test]
    fn pipelines_fall_back_on_the_main_one() {
        let all = Pipelines::default();
        assert_eq!(all.get(None), Pipeline::standard());
        let other = RecordId::from_uuid(Uuid::from_u128(9));
        assert_eq!(all.get(Some(other)), Pipeline::standard());
        assert_eq!(all.stage_name(None, "proposal", false), "方案报价");
        assert_eq!(all.stage_name(None, "proposal", true), "Proposal");
        assert_eq!(all.stage_name(None, "gone", true), "gone");
        assert_eq!(all.all_stages(true).len(), 6);
    }
}

//! Deal pipelines: ordered stages with a probability, won/lost flags, and **stage gates**: the
//! deal fields that must be filled before a deal may enter a stage.

use serde::{Deserialize, Serialize};

use crate::problem::{FieldError, Problem};

/// One stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Stable key stored on deals.
    pub key: String,
    pub name_zh: String,
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

/// A pipeline: stages in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
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

    /// The first stage, where new deals start.
    pub fn first(&self) -> Option<&Stage> {
        self.stages.first()
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
}

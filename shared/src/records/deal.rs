//! Deals: an amount to win from an account, moving through the stages of a pipeline. Entering
//! a stage needs the fields its gate names (for example an amount and a close date before
//! "proposal"); the move is refused with those fields named.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::fields::{amount, amount_text, currency, date, line, percent, text};
use super::pipeline::Env;
use super::{Kind, link, link_text};
use crate::ids::RecordId;
use crate::problem::{FieldError, Problem};
use crate::sync::record::{Body, Collection};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    pub name: String,
    /// The pipeline the deal is on (`None`: the company's main one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<RecordId>,
    pub account: Option<RecordId>,
    /// The main contact.
    #[serde(default)]
    pub contact: Option<RecordId>,
    /// Other people on the deal (buyers, users, approvers …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<RecordId>,
    /// In hundredths of the currency's main unit (fen for CNY).
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default = "cny")]
    pub currency: String,
    /// `YYYY-MM-DD`
    #[serde(default)]
    pub close_date: Option<String>,
    #[serde(default)]
    pub probability: Option<u8>,
    pub stage: String,
    #[serde(default)]
    pub products: String,
    #[serde(default)]
    pub notes: String,
}

fn cny() -> String {
    "CNY".to_owned()
}

impl Deal {
    pub fn is_won(&self, env: &dyn Env) -> bool {
        env.pipeline(self.pipeline).is_won(&self.stage)
    }

    pub fn is_lost(&self, env: &dyn Env) -> bool {
        env.pipeline(self.pipeline).is_lost(&self.stage)
    }

    pub fn is_open(&self, env: &dyn Env) -> bool {
        let pipeline = env.pipeline(self.pipeline);
        !pipeline.is_won(&self.stage) && !pipeline.is_lost(&self.stage)
    }
}

/// Most other contacts one deal names.
const MAX_CONTACTS: usize = 20;

/// Record ids separated by commas (or spaces), each once, in order.
fn links(raw: &str) -> Result<Vec<RecordId>, Problem> {
    let mut ids: Vec<RecordId> = Vec::new();
    for part in super::link_pieces(raw) {
        let id: RecordId = part.parse().map_err(|_| Problem::Invalid)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_CONTACTS {
        return Err(Problem::TooMany { max: MAX_CONTACTS });
    }
    Ok(ids)
}

/// The longest stage key a deal accepts.
const MAX_STAGE_KEY: usize = 40;

impl Kind for Deal {
    const COLLECTION: Collection = Collection::Deal;
    const FIELDS: &'static [&'static str] = &[
        "name",
        "pipeline",
        "account",
        "contact",
        "contacts",
        "amount",
        "currency",
        "close_date",
        "probability",
        "stage",
        "products",
        "notes",
    ];
    const REQUIRED: &'static [&'static str] = &["name", "account"];

    fn blank() -> Self {
        Deal {
            name: String::new(),
            pipeline: None,
            account: None,
            contact: None,
            contacts: Vec::new(),
            amount: None,
            currency: cny(),
            close_date: None,
            probability: None,
            stage: String::new(),
            products: String::new(),
            notes: String::new(),
        }
    }

    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem> {
        match field {
            "name" => self.name = line(raw)?,
            "pipeline" => self.pipeline = link(raw)?,
            "account" => self.account = link(raw)?,
            "contact" => self.contact = link(raw)?,
            "contacts" => self.contacts = links(raw)?,
            "amount" => self.amount = amount(raw)?,
            "currency" => self.currency = currency(raw)?,
            "close_date" => self.close_date = date(raw)?,
            "probability" => self.probability = percent(raw)?,
            "stage" => {
                // Whether the pipeline has the stage is checked in `settle`.
                let key = raw.trim();
                if key.len() > MAX_STAGE_KEY {
                    return Err(Problem::Invalid);
                }
                key.clone_into(&mut self.stage);
            }
            "products" => self.products = text(raw)?,
            "notes" => self.notes = text(raw)?,
            _ => return Err(Problem::UnknownField),
        }
        Ok(())
    }

    fn get(&self, field: &str) -> String {
        match field {
            "name" => self.name.clone(),
            "pipeline" => link_text(self.pipeline),
            "account" => link_text(self.account),
            "contact" => link_text(self.contact),
            "contacts" => self
                .contacts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            "amount" => amount_text(self.amount),
            "currency" => self.currency.clone(),
            "close_date" => self.close_date.clone().unwrap_or_default(),
            "probability" => self.probability.map(|p| p.to_string()).unwrap_or_default(),
            "stage" => self.stage.clone(),
            "products" => self.products.clone(),
            "notes" => self.notes.clone(),
            _ => String::new(),
        }
    }

    fn text(&self, field: &str) -> Cow<'_, str> {
        Cow::Borrowed(match field {
            "name" => &self.name,
            "currency" => &self.currency,
            "close_date" => self.close_date.as_deref().unwrap_or_default(),
            "stage" => &self.stage,
            "products" => &self.products,
            "notes" => &self.notes,
            _ => return Cow::Owned(self.get(field)),
        })
    }

    super::body_variant!(Deal);

    fn label(&self) -> String {
        self.name.clone()
    }

    fn links(&self) -> Vec<(&'static str, RecordId, Option<Collection>)> {
        let mut links = Vec::new();
        if let Some(id) = self.pipeline {
            links.push(("pipeline", id, Some(Collection::Pipeline)));
        }
        if let Some(id) = self.account {
            links.push(("account", id, Some(Collection::Account)));
        }
        if let Some(id) = self.contact {
            links.push(("contact", id, Some(Collection::Contact)));
        }
        for id in &self.contacts {
            links.push(("contacts", *id, Some(Collection::Contact)));
        }
        links
    }

    /// The stage gate, checked when the deal enters a stage (or another pipeline) and when a
    /// field its stage requires changes; a deal entering a stage without its own probability
    /// takes the stage's. A new deal with no stage starts in its pipeline's first.
    fn settle(&mut self, before: Option<&Self>, env: &dyn Env) -> Result<(), Vec<FieldError>> {
        let pipeline = env.pipeline(self.pipeline);
        if self.stage.is_empty() {
            match (before, pipeline.first()) {
                (None, Some(first)) => first.key.clone_into(&mut self.stage),
                _ => return Err(vec![Problem::Required.at("stage")]),
            }
        }
        let entering = before.is_none_or(|b| b.stage != self.stage || b.pipeline != self.pipeline);
        let touched = before.is_some_and(|b| {
            pipeline
                .stage(&self.stage)
                .is_some_and(|s| s.required.iter().any(|f| b.get(f) != self.get(f)))
        });
        if entering || touched {
            pipeline.gate(&self.stage, |f| self.get(f))?;
        }
        let chosen = match before {
            None => self.probability.is_some(),
            Some(b) => b.probability != self.probability,
        };
        if entering && !chosen {
            self.probability = pipeline.stage(&self.stage).map(|s| s.probability);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::tests::{patch, problems, round_trips};
    use crate::records::{apply, create};

    const ACCOUNT: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    fn deal(pairs: &[(&str, &str)]) -> Result<Deal, Vec<(String, &'static str)>> {
        let mut all = vec![("name", "ERP 升级"), ("account", ACCOUNT)];
        all.extend_from_slice(pairs);
        create::<Deal>(&patch(&all))
            .map_err(|e| e.into_iter().map(|e| (e.field, e.problem.code())).collect())
    }

    #[test]
    fn a_new_deal_starts_in_the_first_stage_with_its_probability() {
        let d = deal(&[("amount", "120,000")]).expect("valid");
        assert_eq!(d.stage, "qualify");
        assert_eq!(d.pipeline, None);
        assert_eq!(d.probability, Some(10));
        assert_eq!(d.amount, Some(12_000_000));
        assert_eq!(d.currency, "CNY");
        assert!(d.is_open(&crate::records::Standard));
        round_trips(&d);
    }

    #[test]
    fn gates_name_the_missing_fields() {
        assert_eq!(
            deal(&[("stage", "proposal")]),
            Err(vec![
                ("amount".to_owned(), "required_for_stage"),
                ("close_date".to_owned(), "required_for_stage"),
            ])
        );
        let early = deal(&[]).expect("valid");
        assert_eq!(
            apply(&early, &patch(&[("stage", "proposal"), ("amount", "5000")]))
                .map_err(|e| e[0].field.clone()),
            Err("close_date".to_owned())
        );
        let ready = apply(
            &early,
            &patch(&[
                ("stage", "proposal"),
                ("amount", "5000"),
                ("close_date", "2026-12-31"),
            ]),
        )
        .expect("the gate opens");
        assert_eq!(ready.probability, Some(60));
        // Emptying a field the stage requires is refused too; other edits pass.
        assert!(apply(&ready, &patch(&[("amount", "")])).is_err());
        assert!(apply(&ready, &patch(&[("notes", "客户要求分期")])).is_ok());
        // Lost needs nothing.
        let lost = apply(&early, &patch(&[("stage", "lost")])).expect("valid");
        assert!(lost.is_lost(&crate::records::Standard));
        assert_eq!(lost.probability, Some(0));
    }

    #[test]
    fn a_deal_names_other_contacts_each_once() {
        const A: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a51";
        const B: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a52";
        let d = deal(&[("contacts", &format!("{A}, {B}，{A}"))]).expect("valid");
        assert_eq!(d.contacts.len(), 2);
        assert_eq!(d.get("contacts"), format!("{A}, {B}"));
        assert_eq!(
            d.links()
                .iter()
                .filter(|(f, _, _)| *f == "contacts")
                .count(),
            2
        );
        round_trips(&d);
        assert_eq!(
            deal(&[("contacts", "not-an-id")]),
            Err(vec![("contacts".to_owned(), "invalid")])
        );
        let many: Vec<String> = (0..21)
            .map(|n| format!("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4b{n:02}"))
            .collect();
        assert_eq!(
            deal(&[("contacts", &many.join(","))]),
            Err(vec![("contacts".to_owned(), "too_many")])
        );
    }

    #[test]
    fn bad_values_are_named_at_their_fields() {
        assert_eq!(
            problems::<Deal>(&patch(&[
                ("name", "x"),
                ("amount", "-100"),
                ("close_date", "31/12/2026"),
                ("probability", "150"),
                ("currency", "元"),
                ("account", "not-an-id"),
            ])),
            [
                ("account".to_owned(), "invalid"),
                ("amount".to_owned(), "negative"),
                ("close_date".to_owned(), "invalid_date"),
                ("currency".to_owned(), "invalid_currency"),
                ("probability".to_owned(), "out_of_range"),
            ]
        );
        assert_eq!(
            deal(&[("stage", "dreaming")]),
            Err(vec![("stage".to_owned(), "invalid")])
        );
    }

    /// A company's own pipeline: its stages, probabilities and gates replace the standard ones.
    #[test]
    fn deals_follow_their_own_pipeline() {
        use crate::records::pipeline::{DEFAULT_PIPELINE, Pipelines, Stage};
        use crate::records::{apply_in, create_in};
        use crate::sync::record::Record;

        let stage = |key: &str, probability: u8, required: &[&str], won: bool| Stage {
            key: key.into(),
            name_zh: key.into(),
            name_en: String::new(),
            probability,
            won,
            lost: false,
            required: required.iter().map(|f| (*f).to_owned()).collect(),
        };
        let renewals = crate::records::Pipeline {
            name: "续约".into(),
            stages: vec![
                stage("due", 50, &[], false),
                stage("signed", 100, &["contact", "amount"], true),
            ],
        };
        let other: RecordId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c".parse().expect("id");
        let user = crate::ids::UserId::from_uuid(uuid::Uuid::from_u128(1));
        let team = crate::ids::TeamId::from_uuid(uuid::Uuid::from_u128(2));
        let mut main = crate::records::Pipeline::standard().clone();
        main.stages[0].probability = 5;
        let records = [
            Record::created(other, user, team, user, 0, Body::Pipeline(renewals)),
            Record::created(DEFAULT_PIPELINE, user, team, user, 0, Body::Pipeline(main)),
        ];
        let env = Pipelines::of(&records);
        // The main pipeline as saved: its own first-stage probability.
        let d: Deal =
            create_in(&env, &patch(&[("name", "ERP"), ("account", ACCOUNT)])).expect("ok");
        assert_eq!((d.stage.as_str(), d.probability), ("qualify", Some(5)));
        // Another pipeline: starts in its first stage; the standard stages are not in it.
        let pairs = [
            ("name", "续约 2027"),
            ("account", ACCOUNT),
            ("pipeline", &other.to_string()),
        ];
        let r: Deal = create_in(&env, &patch(&pairs)).expect("ok");
        assert_eq!((r.stage.as_str(), r.probability), ("due", Some(50)));
        let wrong = apply_in(&env, &r, &patch(&[("stage", "proposal")]));
        assert_eq!(
            wrong.map_err(|e| e[0].field.clone()),
            Err("stage".to_owned())
        );
        // Its gate names its own fields.
        let gated = apply_in(&env, &r, &patch(&[("stage", "signed"), ("amount", "10")]));
        assert_eq!(
            gated.map_err(|e| e[0].field.clone()),
            Err("contact".to_owned())
        );
        let signed = apply_in(
            &env,
            &r,
            &patch(&[("stage", "signed"), ("amount", "10"), ("contact", ACCOUNT)]),
        )
        .expect("the gate opens");
        assert!(signed.is_won(&env) && !signed.is_open(&env));
        // Moving to the main pipeline needs one of its stages.
        let moved =
            apply_in(&env, &r, &patch(&[("pipeline", ""), ("stage", "needs")])).expect("ok");
        assert_eq!((moved.pipeline, moved.probability), (None, Some(30)));
    }
}

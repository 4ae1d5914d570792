//! Deals: an amount to win from an account, moving through the stages of a pipeline. Entering
//! a stage needs the fields its gate names (for example an amount and a close date before
//! "proposal"); the move is refused with those fields named.

use serde::{Deserialize, Serialize};

use super::fields::{amount, amount_text, currency, date, line, percent, text};
use super::{Kind, Pipeline, link, link_text};
use crate::ids::RecordId;
use crate::problem::{FieldError, Problem};
use crate::sync::record::{Body, Collection};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    pub name: String,
    pub account: Option<RecordId>,
    #[serde(default)]
    pub contact: Option<RecordId>,
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
    /// The pipeline the deal is on.
    pub fn pipeline(&self) -> &'static Pipeline {
        Pipeline::standard()
    }

    pub fn is_won(&self) -> bool {
        self.pipeline().stage(&self.stage).is_some_and(|s| s.won)
    }

    pub fn is_lost(&self) -> bool {
        self.pipeline().stage(&self.stage).is_some_and(|s| s.lost)
    }

    pub fn is_open(&self) -> bool {
        !self.is_won() && !self.is_lost()
    }
}

impl Kind for Deal {
    const COLLECTION: Collection = Collection::Deal;
    const FIELDS: &'static [&'static str] = &[
        "name",
        "account",
        "contact",
        "amount",
        "currency",
        "close_date",
        "probability",
        "stage",
        "products",
        "notes",
    ];
    const REQUIRED: &'static [&'static str] = &["name", "account", "stage"];

    fn blank() -> Self {
        Deal {
            name: String::new(),
            account: None,
            contact: None,
            amount: None,
            currency: cny(),
            close_date: None,
            probability: None,
            stage: Pipeline::standard()
                .first()
                .map(|s| s.key.clone())
                .unwrap_or_default(),
            products: String::new(),
            notes: String::new(),
        }
    }

    fn set(&mut self, field: &str, raw: &str) -> Result<(), Problem> {
        match field {
            "name" => self.name = line(raw)?,
            "account" => self.account = link(raw)?,
            "contact" => self.contact = link(raw)?,
            "amount" => self.amount = amount(raw)?,
            "currency" => self.currency = currency(raw)?,
            "close_date" => self.close_date = date(raw)?,
            "probability" => self.probability = percent(raw)?,
            "stage" => {
                let key = raw.trim();
                if self.pipeline().stage(key).is_none() {
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
            "account" => link_text(self.account),
            "contact" => link_text(self.contact),
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

    super::body_variant!(Deal);

    fn label(&self) -> String {
        self.name.clone()
    }

    fn links(&self) -> Vec<(&'static str, RecordId, Option<Collection>)> {
        let mut links = Vec::new();
        if let Some(id) = self.account {
            links.push(("account", id, Some(Collection::Account)));
        }
        if let Some(id) = self.contact {
            links.push(("contact", id, Some(Collection::Contact)));
        }
        links
    }

    /// The stage gate, checked when the deal enters a stage and when a field its stage
    /// requires changes; a deal entering a stage without its own probability takes the stage's.
    fn settle(&mut self, before: Option<&Self>) -> Result<(), Vec<FieldError>> {
        let pipeline = self.pipeline();
        let entering = before.is_none_or(|b| b.stage != self.stage);
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
        assert_eq!(d.probability, Some(10));
        assert_eq!(d.amount, Some(12_000_000));
        assert_eq!(d.currency, "CNY");
        assert!(d.is_open());
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
        assert!(lost.is_lost());
        assert_eq!(lost.probability, Some(0));
    }

    #[test]
    fn bad_values_are_named_at_their_fields() {
        assert_eq!(
            problems::<Deal>(&patch(&[
                ("name", "x"),
                ("amount", "-100"),
                ("close_date", "31/12/2026"),
                ("probability", "150"),
                ("stage", "dreaming"),
                ("currency", "元"),
                ("account", "not-an-id"),
            ])),
            [
                ("account".to_owned(), "invalid"),
                ("amount".to_owned(), "negative"),
                ("close_date".to_owned(), "invalid_date"),
                ("currency".to_owned(), "invalid_currency"),
                ("probability".to_owned(), "out_of_range"),
                ("stage".to_owned(), "invalid"),
            ]
        );
    }
}

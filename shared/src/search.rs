//! Search as people in China type it, run on the device with no network: Chinese names by
//! their characters, by full pinyin (`zhangsan`) and by pinyin initials (`zs`); phone numbers in
//! any spelling (`138 0013 8000`, `+86 13800138000`, full-width digits); emails, companies and
//! tags by any part, ignoring case.
//!
//! Each record is turned once into a [`Entry`] (the normalised forms of its fields), and every
//! keystroke only compares strings: [`Query::rank`] says how well an entry matches, lower is
//! better, so that results can be sorted best first.

use pinyin::ToPinyin;

use crate::phone::Phone;

/// How well an entry matches a query; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rank {
    /// The name (or the whole phone number) is exactly what was typed.
    Exact,
    /// The name starts with it, or its full pinyin or initials are exactly it.
    NamePrefix,
    /// The name's full pinyin or initials start with it.
    PinyinPrefix,
    /// It appears inside the name or its pinyin.
    NameContains,
    /// It appears in a phone number.
    Phone,
    /// It appears in another field (company, email, tags, …) or that field's pinyin.
    Other,
}

/// One text in its searchable forms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Forms {
    /// Lower case, half-width, without spaces.
    plain: String,
    /// Chinese characters replaced by their pinyin (`张三` → `zhangsan`); empty when the text
    /// has no Chinese characters.
    full: String,
    /// Chinese characters replaced by their pinyin initial (`张三` → `zs`); empty likewise.
    initials: String,
}

impl Forms {
    fn of(text: &str) -> Self {
        let plain = fold(text);
        let mut full = String::new();
        let mut initials = String::new();
        let mut chinese = false;
        for (c, reading) in plain.chars().zip(plain.as_str().to_pinyin()) {
            match reading {
                Some(p) => {
                    chinese = true;
                    full.push_str(p.plain());
                    initials.push_str(p.first_letter());
                }
                None => {
                    full.push(c);
                    initials.push(c);
                }
            }
        }
        if !chinese {
            full.clear();
            initials.clear();
        }
        Forms {
            plain,
            full,
            initials,
        }
    }

    fn contains(&self, q: &str) -> bool {
        self.plain.contains(q)
            || (!self.full.is_empty() && (self.full.contains(q) || self.initials.contains(q)))
    }
}

/// A record as search sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    name: Forms,
    /// National digits of each phone number (`13800138000`), and the full international ones.
    phones: Vec<String>,
    others: Vec<Forms>,
}

impl Entry {
    /// An entry for a record called `name`, with its phone numbers and its other searchable
    /// texts (company, email, tags, …).
    pub fn new<'a>(
        name: &str,
        phones: impl IntoIterator<Item = &'a Phone>,
        others: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut digits = Vec::new();
        for phone in phones {
            let all = phone.digits();
            if let Some(national) = all.strip_prefix("86") {
                digits.push(national.to_owned());
            }
            digits.push(all.to_owned());
        }
        Entry {
            name: Forms::of(name),
            phones: digits,
            others: others
                .into_iter()
                .filter(|t| !t.trim().is_empty())
                .map(Forms::of)
                .collect(),
        }
    }
}

/// What was typed into a search box, normalised once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    text: String,
    /// The digits, when the query looks like (part of) a phone number: three or more digits
    /// and nothing but digits, spaces, `+`, `-` and brackets.
    digits: Option<String>,
    /// The national digits of a complete phone number.
    whole_phone: Option<String>,
}

impl Query {
    pub fn new(typed: &str) -> Self {
        let text = fold(typed);
        let looks_like_phone = text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | '.'));
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let digits = (looks_like_phone && digits.len() >= 3).then_some(digits);
        let whole_phone = digits
            .as_ref()
            .and_then(|_| Phone::parse(typed).ok())
            .map(|p| {
                let all = p.digits();
                all.strip_prefix("86").unwrap_or(all).to_owned()
            });
        Query {
            text,
            digits,
            whole_phone,
        }
    }

    /// Whether nothing was typed (everything matches).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether every entry matching `self` also matched `earlier`, so that a search can look only
    /// at `earlier`'s matches: true when `self` extends what was typed before (and does not turn
    /// into a phone search that `earlier` was not).
    pub fn narrows(&self, earlier: &Query) -> bool {
        !earlier.is_empty()
            && self.text.starts_with(&earlier.text)
            && (self.digits.is_none() || earlier.digits.is_some())
    }

    /// How well `entry` matches, or `None` when it does not.
    pub fn rank(&self, entry: &Entry) -> Option<Rank> {
        let q = self.text.as_str();
        if q.is_empty() {
            return Some(Rank::Other);
        }
        let name = &entry.name;
        if let Some(whole) = &self.whole_phone
            && entry.phones.iter().any(|p| p == whole)
        {
            return Some(Rank::Exact);
        }
        if name.plain == q {
            return Some(Rank::Exact);
        }
        if name.plain.starts_with(q) || name.full == q || name.initials == q {
            return Some(Rank::NamePrefix);
        }
        if !name.full.is_empty() && (name.full.starts_with(q) || name.initials.starts_with(q)) {
            return Some(Rank::PinyinPrefix);
        }
        if name.contains(q) {
            return Some(Rank::NameContains);
        }
        if let Some(digits) = &self.digits
            && entry.phones.iter().any(|p| p.contains(digits.as_str()))
        {
            return Some(Rank::Phone);
        }
        entry
            .others
            .iter()
            .any(|f| f.contains(q))
            .then_some(Rank::Other)
    }
}

/// Lower case, full-width letters and digits as ASCII, no white space.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(raw: &str) -> Phone {
        Phone::parse(raw).expect("valid phone")
    }

    fn entry(name: &str, phones: &[&str], others: &[&str]) -> Entry {
        let phones: Vec<Phone> = phones.iter().map(|p| phone(p)).collect();
        Entry::new(name, &phones, others.iter().copied())
    }

    #[test]
    fn chinese_names_match_by_characters_pinyin_and_initials() {
        let zhang = entry("张三", &[], &[]);
        let cases = [
            ("张三", Some(Rank::Exact)),
            ("张", Some(Rank::NamePrefix)),
            ("zhangsan", Some(Rank::NamePrefix)),
            ("ZhangSan", Some(Rank::NamePrefix)),
            ("zs", Some(Rank::NamePrefix)),
            ("zhang", Some(Rank::PinyinPrefix)),
            ("z", Some(Rank::PinyinPrefix)),
            ("三", Some(Rank::NameContains)),
            ("san", Some(Rank::NameContains)),
            ("ls", None),
            ("李", None),
            ("zhangsi", None),
        ];
        for (typed, expected) in cases {
            assert_eq!(Query::new(typed).rank(&zhang), expected, "{typed}");
        }
    }

    #[test]
    fn phones_match_in_any_spelling() {
        let e = entry("王五", &["13800138000"], &[]);
        let cases = [
            ("138 0013 8000", Some(Rank::Exact)),
            ("+86 13800138000", Some(Rank::Exact)),
            ("138-0013-8000", Some(Rank::Exact)),
            ("１３８００１３８０００", Some(Rank::Exact)),
            ("0013", Some(Rank::Phone)),
            ("8000", Some(Rank::Phone)),
            ("13", None), // fewer than three digits is not a phone search
            ("139 0013 8000", None),
        ];
        for (typed, expected) in cases {
            assert_eq!(Query::new(typed).rank(&e), expected, "{typed}");
        }
    }

    #[test]
    fn other_fields_match_by_any_part_and_their_pinyin() {
        let e = entry(
            "Alice Chen",
            &[],
            &["华东贸易集团", "alice@example.com", "VIP"],
        );
        let cases = [
            ("alice", Some(Rank::NamePrefix)),
            ("alicechen", Some(Rank::Exact)),
            ("chen", Some(Rank::NameContains)),
            ("华东", Some(Rank::Other)),
            ("hdmy", Some(Rank::Other)),
            ("huadong", Some(Rank::Other)),
            ("EXAMPLE.COM", Some(Rank::Other)),
            ("vip", Some(Rank::Other)),
            ("ＶＩＰ", Some(Rank::Other)),
            ("bob", None),
        ];
        for (typed, expected) in cases {
            assert_eq!(Query::new(typed).rank(&e), expected, "{typed}");
        }
    }

    #[test]
    fn better_matches_rank_first() {
        let entries = [
            entry("张伟", &[], &["张三的公司"]),
            entry("张三", &[], &[]),
            entry("李张三", &[], &[]),
        ];
        let q = Query::new("张三");
        let mut ranked: Vec<(Rank, usize)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| q.rank(e).map(|r| (r, i)))
            .collect();
        ranked.sort();
        let order: Vec<usize> = ranked.into_iter().map(|(_, i)| i).collect();
        assert_eq!(order, [1, 2, 0]);
    }

    #[test]
    fn a_longer_query_matches_a_subset() {
        let entries = [
            entry("张三", &["13800138000"], &[]),
            entry("张伟", &[], &["13 号楼"]),
            entry("李四", &["13912345678"], &[]),
        ];
        let matches = |typed: &str| -> Vec<usize> {
            let q = Query::new(typed);
            (0..entries.len())
                .filter(|i| q.rank(&entries[*i]).is_some())
                .collect()
        };
        for (before, after) in [("z", "zh"), ("张", "张三"), ("138", "1380"), ("zs", "zsa")] {
            assert!(
                Query::new(after).narrows(&Query::new(before)),
                "{before} → {after}"
            );
            let (b, a) = (matches(before), matches(after));
            assert!(
                a.iter().all(|i| b.contains(i)),
                "{before} {b:?} → {after} {a:?}"
            );
        }
        // "13" is not a phone search, "138" is: its matches are not all among those of "13".
        assert!(!Query::new("138").narrows(&Query::new("13")));
        assert!(!Query::new("zs").narrows(&Query::new("")));
        assert!(!Query::new("ls").narrows(&Query::new("zs")));
    }

    #[test]
    fn an_empty_query_matches_everything() {
        let q = Query::new("  ");
        assert!(q.is_empty());
        assert_eq!(q.rank(&entry("任何人", &[], &[])), Some(Rank::Other));
    }
}

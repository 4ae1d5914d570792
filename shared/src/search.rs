//! Search as people in China type it, run on the device with no network: Chinese names by
//! their characters, by full pinyin (`zhangsan`) and by pinyin initials (`zs`); phone numbers in
//! any spelling (`138 0013 8000`, `+86 13800138000`, full-width digits); emails, companies and
//! tags by any part, ignoring case.
//!
//! Each record is turned once into a [`Entry`] (the normalised forms of its fields), and every
//! keystroke only compares strings: [`Query::rank`] says how well an entry matches, lower is
//! better, so that results can be sorted best first.

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
        if plain.is_ascii() {
            // No Chinese characters: no pinyin forms.
            return Forms {
                plain,
                ..Forms::default()
            };
        }
        let mut full = String::new();
        let mut initials = String::new();
        let mut chinese = false;
        for c in plain.chars() {
            match crate::readings::reading(c) {
                Some(p) => {
                    chinese = true;
                    full.push_str(p);
                    initials.extend(p.chars().next());
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
}

/// Whether `needle` occurs in `haystack`: a plain byte search, quicker than `str::contains` for
/// the short texts and queries of search (no searcher to set up for each of 100,000 entries).
/// Matching the bytes of valid UTF-8 finds only whole characters.
fn has(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    match n {
        [] => true,
        [only] => h.contains(only),
        [first, rest @ ..] => {
            h.len() >= n.len()
                && h[..=h.len() - n.len()]
                    .iter()
                    .enumerate()
                    .any(|(i, c)| c == first && h.get(i + 1..i + n.len()) == Some(rest))
        }
    }
}

/// Which bytes, and which pairs of neighbouring bytes, occur in some texts, in 128 bits each:
/// a printable ASCII byte has its own bit (so one typed letter or digit is answered by the mask
/// alone), other bytes share the bits of the control characters; pairs are hashed. A text can only contain a query whose
/// bytes and pairs all occur in it, so most entries are ruled out with two comparisons before
/// any text is searched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Masks {
    bytes: u128,
    pairs: [u128; 2],
}

impl Masks {
    fn add(&mut self, text: &str) {
        let b = text.as_bytes();
        for (i, byte) in b.iter().enumerate() {
            self.bytes |= 1u128 << byte_bit(*byte);
            if let Some(next) = b.get(i + 1) {
                let bit = pair_bit(*byte, *next);
                self.pairs[(bit >> 7) as usize] |= 1u128 << (bit & 127);
            }
        }
    }

    fn of(text: &str) -> Self {
        let mut masks = Masks::default();
        masks.add(text);
        masks
    }

    /// Whether every byte and pair of `query` may occur here.
    fn covers(&self, query: &Masks) -> bool {
        self.bytes & query.bytes == query.bytes
            && self.pairs[0] & query.pairs[0] == query.pairs[0]
            && self.pairs[1] & query.pairs[1] == query.pairs[1]
    }

    /// Whether the printable ASCII byte `b` occurs here (exact: they have bits of their own).
    fn has_ascii(&self, b: u8) -> bool {
        (32..128).contains(&b) && self.bytes & (1u128 << b) != 0
    }
}

/// A byte's bit: printable ASCII its own; the bytes of other characters (Chinese) share the
/// 32 bits of the control characters, which folded text never holds (NUL aside).
fn byte_bit(b: u8) -> u8 {
    if b < 128 { b } else { b & 31 }
}

/// A pair's bit, 0–255.
fn pair_bit(a: u8, b: u8) -> u32 {
    ((u32::from(a).wrapping_mul(0x9E37) ^ u32::from(b).wrapping_mul(0x79B9)).wrapping_mul(0x2545)
        >> 7)
        & 255
}

/// A record as search sees it: all its searchable forms in one text (one allocation, read
/// front to back), with where each part ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Of the name's forms, and of the other fields' (not the phone numbers).
    masks: [Masks; 2],
    /// The name (plain, full pinyin, initials), the phone numbers (national digits and full
    /// international ones, each followed by NUL), then every form of every other field (each
    /// followed by NUL, so that a query never matches across two of them).
    text: String,
    /// Where the name's plain form, full pinyin, initials and the phone numbers end in `text`.
    ends: [usize; 4],
}

/// The parts of an [`Entry`], borrowed.
struct Parts<'a> {
    plain: &'a str,
    full: &'a str,
    initials: &'a str,
    phones: &'a str,
    others: &'a str,
}

impl Entry {
    /// An entry for a record called `name`, with its phone numbers and its other searchable
    /// texts (company, email, tags, …).
    pub fn new<'a>(
        name: &str,
        phones: impl IntoIterator<Item = &'a Phone>,
        others: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let name = Forms::of(name);
        let mut text = String::with_capacity(4 * name.plain.len() + 64);
        let mut ends = [0; 4];
        for (i, form) in [&name.plain, &name.full, &name.initials]
            .into_iter()
            .enumerate()
        {
            text.push_str(form);
            ends[i] = text.len();
        }
        for phone in phones {
            let all = phone.digits();
            if let Some(national) = all.strip_prefix("86") {
                text.push_str(national);
                text.push('\0');
            }
            text.push_str(all);
            text.push('\0');
        }
        ends[3] = text.len();
        for other in others.into_iter().filter(|t| !t.trim().is_empty()) {
            let forms = Forms::of(other);
            for form in [forms.plain, forms.full, forms.initials] {
                if !form.is_empty() {
                    text.push_str(&form);
                    text.push('\0');
                }
            }
        }
        let masks = [
            Masks::of(text.get(..ends[2]).unwrap_or_default()),
            Masks::of(text.get(ends[3]..).unwrap_or_default()),
        ];
        Entry { masks, text, ends }
    }

    fn parts(&self) -> Parts<'_> {
        Parts::of(&self.text, self.ends)
    }
}

impl<'a> Parts<'a> {
    /// The parts of `text`, which ends its name's forms and phone numbers at `ends`.
    fn of(text: &'a str, ends: [usize; 4]) -> Self {
        let part = |from: usize, to: usize| text.get(from..to).unwrap_or_default();
        let [plain, full, initials, phones] = ends;
        Parts {
            plain: part(0, plain),
            full: part(plain, full),
            initials: part(full, initials),
            phones: part(initials, phones),
            others: part(phones, text.len()),
        }
    }
}

/// What was typed into a search box, normalised once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    text: String,
    masks: Masks,
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
            masks: Masks::of(&text),
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
        self.rank_parts(&entry.masks, &entry.parts())
    }

    fn rank_parts(&self, masks: &[Masks; 2], name: &Parts) -> Option<Rank> {
        let q = self.text.as_str();
        if q.is_empty() {
            return Some(Rank::Other);
        }
        if let Some(whole) = &self.whole_phone
            && name.phones.split('\0').any(|p| p == whole)
        {
            return Some(Rank::Exact);
        }
        // A part can hold the text only if it has all its bytes and pairs; for one ASCII
        // character the mask alone says whether it does.
        let one = match q.as_bytes() {
            [b] if b.is_ascii() => Some(*b),
            _ => None,
        };
        let in_part = |m: &Masks, part: &[&str]| match one {
            Some(b) => m.has_ascii(b),
            None => m.covers(&self.masks) && part.iter().any(|p| has(p, q)),
        };
        let chinese = !name.full.is_empty();
        if masks[0].covers(&self.masks) {
            if name.plain == q {
                return Some(Rank::Exact);
            }
            if name.plain.starts_with(q) || name.full == q || name.initials == q {
                return Some(Rank::NamePrefix);
            }
            if chinese && (name.full.starts_with(q) || name.initials.starts_with(q)) {
                return Some(Rank::PinyinPrefix);
            }
            let forms: &[&str] = if chinese {
                &[name.plain, name.full, name.initials]
            } else {
                &[name.plain]
            };
            if in_part(&masks[0], forms) {
                return Some(Rank::NameContains);
            }
        }
        if let Some(digits) = &self.digits
            && has(name.phones, digits)
        {
            return Some(Rank::Phone);
        }
        in_part(&masks[1], &[name.others]).then_some(Rank::Other)
    }
}

/// Records as search sees them, in the caller's order (by name, say). A search returns
/// positions in that order best rank first, ties in index order, with no sorting; typing one
/// more character looks only at what the previous query matched.
#[derive(Debug)]
pub struct Index {
    /// Every entry's text, one after the other (read front to back by a search).
    text: String,
    /// Per entry: its masks, where its text starts, and its parts' ends (relative).
    slots: Vec<Slot>,
    /// Tells indexes apart, so that a result is never narrowed with another index's matches.
    id: u64,
}

/// Where an entry lives in an [`Index`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    masks: [Masks; 2],
    start: usize,
    ends: [usize; 4],
}

/// What a query matched in an [`Index`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Positions in the index, best first.
    pub ranked: Vec<u32>,
    /// The same positions in index order (what a longer query needs to look at).
    positions: Vec<u32>,
    query: Query,
    index: u64,
}

impl Default for Index {
    fn default() -> Self {
        Index::new(Vec::new())
    }
}

impl Index {
    pub fn new(entries: Vec<Entry>) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut text = String::with_capacity(entries.iter().map(|e| e.text.len()).sum());
        let slots = entries
            .into_iter()
            .map(|e| {
                let start = text.len();
                text.push_str(&e.text);
                Slot {
                    masks: e.masks,
                    start,
                    ends: e.ends,
                }
            })
            .collect();
        Index {
            text,
            slots,
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    fn rank(&self, query: &Query, i: usize) -> Option<Rank> {
        let slot = self.slots.get(i)?;
        let end = self.slots.get(i + 1).map_or(self.text.len(), |s| s.start);
        let text = self.text.get(slot.start..end)?;
        query.rank_parts(&slot.masks, &Parts::of(text, slot.ends))
    }

    /// The entries matching `query`, best first. `earlier` is the previous search's result, if
    /// any: when `query` narrows it, only its matches are looked at.
    pub fn search(&self, query: &Query, earlier: Option<&Found>) -> Found {
        const RANKS: usize = Rank::Other as usize + 1;
        let mut buckets: [Vec<u32>; RANKS] = Default::default();
        let mut positions = Vec::new();
        let mut look = |i: u32| {
            if let Some(rank) = self.rank(query, i as usize) {
                buckets[rank as usize].push(i);
                positions.push(i);
            }
        };
        match earlier.filter(|e| e.index == self.id && query.narrows(&e.query)) {
            Some(earlier) => earlier.positions.iter().copied().for_each(&mut look),
            None => (0..self.slots.len())
                .filter_map(|i| u32::try_from(i).ok())
                .for_each(&mut look),
        }
        let mut ranked = Vec::with_capacity(positions.len());
        for bucket in buckets {
            ranked.extend(bucket);
        }
        Found {
            ranked,
            positions,
            query: query.clone(),
            index: self.id,
        }
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
    fn an_index_ranks_best_first_and_keeps_its_order_within_a_rank() {
        // In the caller's order (by name).
        let index = Index::new(vec![
            entry("张伟", &[], &["张三的公司"]),
            entry("张三", &[], &[]),
            entry("李张三", &["13800138000"], &[]),
            entry("张三丰", &[], &[]),
            entry("王五", &[], &[]),
        ]);
        let found = index.search(&Query::new("张三"), None);
        assert_eq!(found.ranked, [1, 3, 2, 0]);
        let all = index.search(&Query::new(""), None);
        assert_eq!(all.ranked, [0, 1, 2, 3, 4]);
        assert_eq!(
            index.search(&Query::new("赵"), None).ranked,
            Vec::<u32>::new()
        );
    }

    #[test]
    fn a_narrowing_search_gives_what_a_full_search_gives() {
        let index = Index::new(vec![
            entry("张三", &["13800138000"], &[]),
            entry("张伟", &[], &["13 号楼"]),
            entry("李四", &["13912345678"], &["zhongshan"]),
            entry("赵三", &[], &[]),
        ]);
        for typed in ["z", "zh", "zha", "zs", "13", "138", "1380"] {
            let mut earlier: Option<Found> = None;
            for end in 1..=typed.len() {
                let q = Query::new(&typed[..end]);
                let narrowed = index.search(&q, earlier.as_ref());
                let full = index.search(&q, None);
                assert_eq!(narrowed.ranked, full.ranked, "{}", &typed[..end]);
                earlier = Some(narrowed);
            }
        }
        // A result from another index is not used to narrow.
        let other = Index::new(vec![entry("钱七", &[], &[])]);
        let from_other = other.search(&Query::new("q"), None);
        assert_eq!(
            index.search(&Query::new("qi"), Some(&from_other)).ranked,
            Vec::<u32>::new()
        );
        let mine = index.search(&Query::new("l"), None);
        assert_eq!(index.search(&Query::new("li"), Some(&mine)).ranked, [2]);
        assert_eq!(
            other.search(&Query::new("qi"), Some(&mine)).ranked,
            [0],
            "narrowing with another index's result would have found nothing"
        );
    }

    #[test]
    fn the_masks_never_rule_out_a_match() {
        let texts = [
            "张三",
            "zhangsan",
            "alice@example.com",
            "华东贸易集团",
            "a-b c",
            "138-0013",
        ];
        for text in texts {
            let masks = Masks::of(text);
            let chars: Vec<char> = text.chars().collect();
            for i in 0..chars.len() {
                for j in i + 1..=chars.len() {
                    let part: String = chars[i..j].iter().collect();
                    assert!(masks.covers(&Masks::of(&part)), "{text:?} {part:?}");
                }
            }
        }
        // And they do rule out most of what is not there.
        let zhang = Masks::of("zhangsan");
        assert!(!zhang.covers(&Masks::of("lw")));
        assert!(!zhang.covers(&Masks::of("hz")));
        assert!(!zhang.covers(&Masks::of("q")));
    }

    #[test]
    fn one_typed_character_is_answered_by_the_masks_exactly() {
        // Chinese text shares bits with nothing ASCII, so `d` (whose bit a Chinese byte once
        // shared) is found only where a `d` is.
        let entries = [
            entry("张三", &["13800138000"], &["华东贸易", "zs@example.com"]),
            entry("Li Lei", &[], &["北京"]),
            entry("王五", &[], &[]),
        ];
        for typed in ('a'..='z').chain('0'..='9').map(String::from) {
            for e in &entries {
                let p = e.parts();
                let there = [p.plain, p.full, p.initials, p.others]
                    .iter()
                    .any(|t| t.contains(typed.as_str()));
                assert_eq!(
                    Query::new(&typed).rank(e).is_some(),
                    there,
                    "{typed} in {:?}",
                    e.text
                );
            }
        }
    }

    #[test]
    fn byte_search_finds_what_str_contains_finds() {
        let texts = [
            "",
            "a",
            "abc",
            "张三",
            "zhangsan",
            "13800138000",
            "a\0b",
            "ababa",
        ];
        let needles = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "aba",
            "三",
            "张三丰",
            "san",
            "0013",
            "c",
            "\0",
        ];
        for t in texts {
            for n in needles {
                assert_eq!(has(t, n), t.contains(n), "{t:?} {n:?}");
            }
        }
        // A query does not match across two fields.
        let e = entry("王五", &[], &["abc", "def"]);
        assert_eq!(Query::new("cd").rank(&e), None);
        assert_eq!(Query::new("de").rank(&e), Some(Rank::Other));
    }

    #[test]
    fn an_empty_query_matches_everything() {
        let q = Query::new("  ");
        assert!(q.is_empty());
        assert_eq!(q.rank(&entry("任何人", &[], &[])), Some(Rank::Other));
    }
}

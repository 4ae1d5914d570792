//! Pinyin readings of Chinese characters as data rather than code: a table of about 100,000
//! characters (200 KB) is too large to be part of the app every phone downloads before its
//! first screen. The server builds the table from the `pinyin` crate and serves it at
//! [`URL`] (kept for ever by browsers and the app's service worker); the app fetches it once
//! the first screen is up and [`install`]s it, and search works out pinyin forms from it
//! ([`reading`]). Natively (the server, tests) the crate answers until a table is installed.
//!
//! The table's bytes: `QPY1`, then the syllables (`u32` count, each a `u8` length and its
//! UTF-8: plain pinyin, `ü` included), then blocks of consecutive characters (`u32` count, each `u32` first code point,
//! `u32` length and that many `u16` codes: 0 for no reading, `k` for the `k`-th syllable), all
//! little-endian.

use std::sync::OnceLock;

/// Where the server serves the table. Its name carries the `pinyin` crate's version and the
/// format's, so that a new table is a new address (the old one may be kept for ever).
pub const URL: &str = "/pinyin-0.11.0-1.bin";

const MAGIC: &[u8; 4] = b"QPY1";
/// Most syllables and blocks a table may declare (the crate has about 1,500 and a dozen).
const SYLLABLES_MAX: usize = 4096;
const BLOCKS_MAX: usize = 4096;
const BLOCK_LEN_MAX: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    start: u32,
    codes: Vec<u16>,
}

/// A table of readings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readings {
    syllables: Vec<String>,
    blocks: Vec<Block>,
}

/// Why bytes are not a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a pinyin table: {0}")]
pub struct ReadingsError(&'static str);

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], ReadingsError> {
        let end = self.at.checked_add(n).ok_or(ReadingsError("too long"))?;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or(ReadingsError("cut short"))?;
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, ReadingsError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

impl Readings {
    /// The plain reading of `c` (`张` → `zhang`), if it has one.
    pub fn of(&self, c: char) -> Option<&str> {
        let code = c as u32;
        let i = self
            .blocks
            .partition_point(|b| b.start <= code)
            .checked_sub(1)?;
        let block = &self.blocks[i];
        let at = usize::try_from(code - block.start).ok()?;
        let k = usize::from(*block.codes.get(at)?);
        self.syllables.get(k.checked_sub(1)?).map(String::as_str)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.syllables.len() as u32).to_le_bytes());
        for s in &self.syllables {
            out.push(s.len() as u8);
            out.extend_from_slice(s.as_bytes());
        }
        out.extend_from_slice(&(self.blocks.len() as u32).to_le_bytes());
        for b in &self.blocks {
            out.extend_from_slice(&b.start.to_le_bytes());
            out.extend_from_slice(&(b.codes.len() as u32).to_le_bytes());
            for c in &b.codes {
                out.extend_from_slice(&c.to_le_bytes());
            }
        }
        out
    }

    /// Read a table, refusing bytes that are not one (cut short, codes past the syllables,
    /// blocks out of order).
    pub fn from_bytes(bytes: &[u8]) -> Result<Readings, ReadingsError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(ReadingsError("wrong header"));
        }
        let count = r.u32()? as usize;
        if count > SYLLABLES_MAX {
            return Err(ReadingsError("too many syllables"));
        }
        let mut syllables = Vec::with_capacity(count);
        for _ in 0..count {
            let len = usize::from(r.take(1)?[0]);
            let text = std::str::from_utf8(r.take(len)?)
                .map_err(|_| ReadingsError("a syllable is not text"))?;
            if text.is_empty() || !text.chars().all(|c| c.is_alphabetic() && !c.is_uppercase()) {
                return Err(ReadingsError("a syllable is not plain pinyin"));
            }
            syllables.push(text.to_owned());
        }
        let count = r.u32()? as usize;
        if count > BLOCKS_MAX {
            return Err(ReadingsError("too many blocks"));
        }
        let mut blocks: Vec<Block> = Vec::with_capacity(count);
        for _ in 0..count {
            let start = r.u32()?;
            let len = r.u32()? as usize;
            if len > BLOCK_LEN_MAX {
                return Err(ReadingsError("a block is too long"));
            }
            let raw = r.take(len.checked_mul(2).ok_or(ReadingsError("too long"))?)?;
            let codes: Vec<u16> = raw
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            if codes.iter().any(|c| usize::from(*c) > syllables.len()) {
                return Err(ReadingsError("a code names no syllable"));
            }
            let after_previous = blocks
                .last()
                .is_none_or(|b| u64::from(b.start) + b.codes.len() as u64 <= u64::from(start));
            if !after_previous || u64::from(start) + len as u64 > 0x11_0000 {
                return Err(ReadingsError("blocks out of order"));
            }
            blocks.push(Block { start, codes });
        }
        if r.at != bytes.len() {
            return Err(ReadingsError("bytes after the table"));
        }
        Ok(Readings { syllables, blocks })
    }

    /// The table of the `pinyin` crate: every character of the CJK blocks it reads.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_crate() -> Readings {
        use pinyin::ToPinyin;
        const RANGES: [(u32, u32); 3] = [(0x3000, 0x9FFF), (0xE000, 0xFAFF), (0x2_0000, 0x3_134F)];
        // Runs of characters without a reading at least this long split a block.
        const GAP: u32 = 64;
        let mut syllables: Vec<String> = Vec::new();
        let mut index: std::collections::HashMap<&'static str, u16> = Default::default();
        let mut blocks: Vec<Block> = Vec::new();
        for (from, to) in RANGES {
            let mut current: Option<Block> = None;
            let mut gap = 0u32;
            for code in from..=to {
                let reading = char::from_u32(code)
                    .and_then(|c| c.to_pinyin())
                    .map(|p| p.plain());
                match reading {
                    Some(text) => {
                        let k = *index.entry(text).or_insert_with(|| {
                            syllables.push(text.to_owned());
                            syllables.len() as u16
                        });
                        let block = current.get_or_insert_with(|| Block {
                            start: code,
                            codes: Vec::new(),
                        });
                        block.codes.extend(std::iter::repeat_n(0, gap as usize));
                        block.codes.push(k);
                        gap = 0;
                    }
                    None if current.is_some() => {
                        gap += 1;
                        if gap >= GAP {
                            blocks.extend(current.take());
                            gap = 0;
                        }
                    }
                    None => {}
                }
            }
            blocks.extend(current.take());
        }
        Readings { syllables, blocks }
    }
}

static INSTALLED: OnceLock<Readings> = OnceLock::new();

/// Use `table` from now on (the first one installed stays); whether it was installed.
pub fn install(table: Readings) -> bool {
    INSTALLED.set(table).is_ok()
}

/// Whether a table is installed.
pub fn installed() -> bool {
    INSTALLED.get().is_some()
}

/// The plain reading of `c`: from the installed table, or natively from the crate until one is
/// installed; `None` in the browser before the table arrives.
pub fn reading(c: char) -> Option<&'static str> {
    if let Some(table) = INSTALLED.get() {
        return table.of(c);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use pinyin::ToPinyin;
        c.to_pinyin().map(|p| p.plain())
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use pinyin::ToPinyin;

    use super::*;

    #[test]
    fn the_table_reads_as_the_crate_does() {
        let table = Readings::from_crate();
        let bytes = table.to_bytes();
        assert!(bytes.len() < 400_000, "{} bytes", bytes.len());
        let back = Readings::from_bytes(&bytes).expect("reads back");
        assert_eq!(back, table);
        // Every character of the ranges, rare ones (𠮷, U+20BB7) included.
        for c in "张三李四王五赵钱孙𠮷〇々a1，".chars() {
            assert_eq!(
                back.of(c),
                c.to_pinyin().map(|p| p.plain()),
                "{c} (U+{:X})",
                c as u32
            );
        }
        for code in (0x3000..=0x9FFF).chain(0x2_0000..0x2_0400) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            assert_eq!(back.of(c), c.to_pinyin().map(|p| p.plain()), "U+{code:X}");
        }
    }

    #[test]
    fn bytes_that_are_not_a_table_are_refused() {
        let good = Readings::from_crate().to_bytes();
        assert!(Readings::from_bytes(&good[..good.len() - 1]).is_err());
        assert!(Readings::from_bytes(b"").is_err());
        assert!(Readings::from_bytes(b"QPY2\0\0\0\0\0\0\0\0").is_err());
        let mut extra = good.clone();
        extra.push(0);
        assert!(Readings::from_bytes(&extra).is_err());
        // One syllable "a", one block whose code names a second syllable.
        let mut bad = b"QPY1".to_vec();
        bad.extend_from_slice(&1u32.to_le_bytes());
        bad.extend_from_slice(&[1, b'a']);
        bad.extend_from_slice(&1u32.to_le_bytes());
        bad.extend_from_slice(&0x4E00u32.to_le_bytes());
        bad.extend_from_slice(&1u32.to_le_bytes());
        bad.extend_from_slice(&2u16.to_le_bytes());
        assert_eq!(
            Readings::from_bytes(&bad),
            Err(ReadingsError("a code names no syllable"))
        );
        // A length that would overflow is refused, not trusted.
        let mut huge = b"QPY1".to_vec();
        huge.extend_from_slice(&0u32.to_le_bytes());
        huge.extend_from_slice(&1u32.to_le_bytes());
        huge.extend_from_slice(&0x4E00u32.to_le_bytes());
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(Readings::from_bytes(&huge).is_err());
    }

    #[test]
    fn the_address_names_the_crate_version_the_workspace_pins() {
        let manifest = include_str!("../../Cargo.toml");
        let pinned = manifest
            .lines()
            .find(|l| l.starts_with("pinyin = "))
            .and_then(|l| l.split('"').nth(1))
            .and_then(|v| v.strip_prefix('='))
            .expect("the workspace pins pinyin");
        assert!(URL.contains(&format!("-{pinned}-")), "{URL} vs {pinned}");
    }
}

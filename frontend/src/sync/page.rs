//! A pull page read from its text a slice at a time: a first download brings pages of
//! thousands of records (one push may hold 5,000), and parsing one in a go would hold the page
//! still for a long moment on a phone. The text is cut into its records without parsing them
//! ([`shared::sync::page_text`]); the records are then parsed a few milliseconds at a time,
//! letting the browser run in between, and each collection's records keep their text as
//! received, which is what the device's copy saves (no second serialization).

use shared::sync::page_text::split_page;
use shared::sync::{Collection, PullResponse, Record};

use super::{SLICE_MS, now_ms, pause};

/// A page, read from its text.
#[derive(Debug)]
pub struct PageRead<'a> {
    pub page: PullResponse,
    /// Each collection's records of the page, as their texts were received.
    pub texts: Vec<(Collection, Vec<&'a str>)>,
}

/// Records parsed between two looks at the clock.
const BETWEEN_CHECKS: usize = 16;

/// Read the page `text`, letting the browser run every few milliseconds.
pub async fn read(text: &str) -> Result<PageRead<'_>, String> {
    let cut = split_page(text).map_err(|e| e.to_string())?;
    let mut page: PullResponse = serde_json::from_str(&cut.rest).map_err(|e| e.to_string())?;
    let mut by_collection: [Vec<&str>; Collection::ALL.len()] = Default::default();
    page.puts.reserve(cut.puts.len());
    let mut slice = now_ms();
    for (i, raw) in cut.puts.iter().enumerate() {
        let record: Record = serde_json::from_str(raw).map_err(|e| e.to_string())?;
        by_collection[record.collection().index()].push(raw);
        page.puts.push(record);
        if i % BETWEEN_CHECKS == BETWEEN_CHECKS - 1 && now_ms() - slice >= SLICE_MS {
            pause(0).await;
            slice = now_ms();
        }
    }
    let texts = Collection::ALL
        .into_iter()
        .zip(by_collection)
        .filter(|(_, texts)| !texts.is_empty())
        .collect();
    Ok(PageRead { page, texts })
}

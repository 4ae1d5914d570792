//! The home screen and its chart.

use std::time::{Duration, Instant};

use crate::Result;
use crate::browser::Browser;

pub async fn greeting(b: &Browser) -> Result<String> {
    b.find("[data-testid=greeting]")
        .await?
        .text()
        .await
        .map_err(|e| e.to_string())
}

/// Wait until the team chart has drawn something: an ECharts canvas with painted pixels. It is
/// at the bottom of the page, and charts are drawn when they come near the screen: scroll to it,
/// as a person does.
pub async fn wait_for_chart(b: &Browser) -> Result<u64> {
    let started = Instant::now();
    b.run(
        "const chart = document.querySelector('#chart-team-members');
         if (chart) chart.scrollIntoView({block: 'center'});",
    )
    .await?;
    loop {
        let painted = b
            .run(
                "const c = document.querySelector('#chart-team-members canvas');
                 if (!c || c.width === 0 || c.height === 0) return 0;
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let n = 0;
                 for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
                 return n;",
            )
            .await?;
        let painted = painted.as_u64().unwrap_or(0);
        if painted > 500 {
            return Ok(painted);
        }
        if started.elapsed() > Duration::from_secs(20) {
            return Err(format!(
                "the chart did not draw (painted pixels: {painted})"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

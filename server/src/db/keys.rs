//! The `server_keys` table: secrets the installation makes once (a random value, hex) and every
//! server instance on the database reads, such as the key that signs sync cursors.

use rand_core::{OsRng, RngCore};

use super::{Db, write};

/// The secret called `name`, made now if this database has none yet. Two instances starting at
/// once agree: the first insert wins and both read it back.
pub async fn secret(db: &Db, name: &str) -> Result<Vec<u8>, sqlx::Error> {
    let mut fresh = [0u8; 32];
    OsRng.fill_bytes(&mut fresh);
    let fresh: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
    let stored: String = write!(db, |pool| {
        sqlx::query(
            "INSERT INTO server_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&fresh)
        .execute(pool)
        .await?;
        sqlx::query_scalar("SELECT secret FROM server_keys WHERE name = $1")
            .bind(name)
            .fetch_one(pool)
            .await?
    });
    Ok(from_hex(&stored).unwrap_or_else(|| stored.into_bytes()))
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

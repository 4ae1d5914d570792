//! Uploaded files: their facts and bytes (in the database, or in a directory the server is
//! configured with).

use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, Tx, in_tx, read, write};

/// What is known of a stored file.
#[derive(Debug, Clone, FromRow)]
pub struct StoredFile {
    pub id: Uuid,
    pub uploaded_by: Uuid,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

/// Store a file's facts, and its bytes when `data` is given (else they are in the directory).
pub async fn insert(
    db: &Db,
    file: &StoredFile,
    created_at: i64,
    data: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    write!(db, |pool| sqlx::query(
        "INSERT INTO files (id, uploaded_by, name, content_type, size, created_at, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(file.id)
    .bind(file.uploaded_by)
    .bind(&file.name)
    .bind(&file.content_type)
    .bind(file.size)
    .bind(created_at)
    .bind(data)
    .execute(pool)
    .await
    .map(drop))
}

/// A file's facts.
pub async fn find(db: &Db, id: Uuid) -> Result<Option<StoredFile>, sqlx::Error> {
    read!(db, |pool| sqlx::query_as(
        "SELECT id, uploaded_by, name, content_type, size FROM files WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// A file's bytes as the database holds them (`None` when they are in the directory).
pub async fn data(db: &Db, id: Uuid) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let row: Option<Option<Vec<u8>>> = read!(db, |pool| sqlx::query_scalar(
        "SELECT data FROM files WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await?);
    Ok(row.flatten())
}

/// Of `ids`, the files someone other than `user` uploaded (within a write's transaction): one
/// query per few hundred ids.
pub async fn others(tx: &mut Tx, ids: &[Uuid], user: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut found = Vec::new();
    for chunk in ids.chunks(super::sync::CHUNK) {
        let sql = format!(
            "SELECT id FROM files WHERE uploaded_by <> $1 AND id IN ({})",
            super::sync::placeholders(2, chunk.len())
        );
        let rows: Vec<Uuid> = in_tx!(tx, |conn| {
            let mut query = sqlx::query_scalar(&sql).bind(user);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_all(&mut *conn).await?
        });
        found.extend(rows);
    }
    Ok(found)
}

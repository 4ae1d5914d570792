//! Signed pull cursors. A cursor says which version and scope a device's copy stands at, and a
//! pull trusts it to work out what the device must drop; so the server signs every cursor it
//! gives out (HMAC-SHA256 with a key kept in the database, over the cursor and the client it
//! was given to) and takes back only cursors it signed. A forged, widened or borrowed cursor is
//! treated as no cursor: the device downloads its copy again and learns nothing it may not see.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use shared::sync::{Cursor, Scope};
use uuid::Uuid;

/// The name of the signing key in `server_keys`.
pub const KEY_NAME: &str = "sync-cursor";

/// The key that signs cursors.
#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

impl CursorKey {
    pub fn new(secret: Vec<u8>) -> Self {
        CursorKey(secret)
    }

    /// Sign `cursor` for `client` (replacing any signature it had).
    pub fn sign(&self, cursor: &mut Cursor, client: Uuid) {
        let tag = self.mac(cursor, client).finalize().into_bytes();
        cursor.sig = tag.iter().map(|b| format!("{b:02x}")).collect();
    }

    /// Whether this server signed `cursor` for `client`.
    pub fn verify(&self, cursor: &Cursor, client: Uuid) -> bool {
        let Some(tag) = from_hex(&cursor.sig) else {
            return false;
        };
        self.mac(cursor, client).verify_slice(&tag).is_ok()
    }

    fn mac(&self, cursor: &Cursor, client: Uuid) -> Hmac<Sha256> {
        // A key of any length is accepted by HMAC.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable_key(),
        };
        mac.update(b"qiao sync cursor 1\0");
        mac.update(client.as_bytes());
        mac.update(&cursor.version.to_be_bytes());
        scope_bytes(&mut mac, &cursor.scope);
        text_bytes(&mut mac, &cursor.directory);
        match &cursor.moving {
            None => mac.update(&[0]),
            Some(moving) => {
                mac.update(&[1]);
                scope_bytes(&mut mac, &moving.to);
                mac.update(&moving.head.to_be_bytes());
                mac.update(moving.through.as_bytes());
            }
        }
        mac
    }
}

/// HMAC takes keys of every length; this is never reached.
#[cold]
fn unreachable_key() -> ! {
    panic!("HMAC-SHA256 refused a key")
}

fn scope_bytes(mac: &mut Hmac<Sha256>, scope: &Scope) {
    mac.update(scope.user.as_uuid().as_bytes());
    mac.update(&[u8::from(scope.everything)]);
    mac.update(
        &u64::try_from(scope.teams.len())
            .unwrap_or(u64::MAX)
            .to_be_bytes(),
    );
    for team in &scope.teams {
        mac.update(team.as_uuid().as_bytes());
    }
}

fn text_bytes(mac: &mut Hmac<Sha256>, text: &str) {
    mac.update(&u64::try_from(text.len()).unwrap_or(u64::MAX).to_be_bytes());
    mac.update(text.as_bytes());
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::sync::ScopeMove;
    use shared::{TeamId, UserId};

    fn cursor() -> Cursor {
        Cursor {
            version: 42,
            scope: Scope {
                user: UserId::from_uuid(Uuid::now_v7()),
                everything: false,
                teams: [TeamId::from_uuid(Uuid::now_v7())].into_iter().collect(),
            },
            directory: "0123abcd".to_owned(),
            moving: None,
            sig: String::new(),
        }
    }

    #[test]
    fn a_signed_cursor_verifies_for_its_client_only() {
        let key = CursorKey::new(b"secret".to_vec());
        let client = Uuid::now_v7();
        let mut c = cursor();
        assert!(!key.verify(&c, client), "unsigned");
        key.sign(&mut c, client);
        assert!(key.verify(&c, client));
        assert!(!key.verify(&c, Uuid::now_v7()), "another client");
        assert!(
            !CursorKey::new(b"other".to_vec()).verify(&c, client),
            "another key"
        );
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let key = CursorKey::new(b"secret".to_vec());
        let client = Uuid::now_v7();
        let mut signed = cursor();
        key.sign(&mut signed, client);
        type Forgery = Box<dyn Fn(&mut Cursor)>;
        let forged: Vec<Forgery> = vec![
            Box::new(|c| c.scope.everything = true),
            Box::new(|c| {
                c.scope.teams.insert(TeamId::from_uuid(Uuid::now_v7()));
            }),
            Box::new(|c| c.scope.teams.clear()),
            Box::new(|c| c.version -= 1),
            Box::new(|c| c.directory.push('0')),
            Box::new(|c| {
                c.moving = Some(ScopeMove {
                    to: Scope {
                        everything: true,
                        ..c.scope.clone()
                    },
                    head: 42,
                    through: Uuid::nil(),
                })
            }),
            Box::new(|c| {
                c.sig
                    .replace_range(0..2, if c.sig.starts_with("00") { "01" } else { "00" })
            }),
            Box::new(|c| c.sig.truncate(10)),
        ];
        for (i, forge) in forged.iter().enumerate() {
            let mut c = signed.clone();
            forge(&mut c);
            assert!(!key.verify(&c, client), "forgery {i} verified");
        }
    }
}

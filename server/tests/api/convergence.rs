//! Convergence: several devices of several users make random changes against a real server
//! through a network that loses answers, repeats and replays requests, and drops pulls; devices
//! restart from what they saved. Afterwards every device shows exactly what the server says its
//! user may see, nothing is pending, and every mutation was processed exactly once.
//!
//! Seeds are fixed so that a failure reproduces; add a failing seed to `SEEDS` to keep it.

use std::collections::BTreeSet;

use serde_json::json;
use shared::records::patch;
use shared::sync::{
    AssignContact, ClientCore, CreateContact, DeleteContact, IssueKind, Mutation, UpdateContact,
};
use shared::{RecordId, UserId};
use uuid::Uuid;

use crate::device::{Device, shared_now};
use crate::harness::{Backend, TestApp, both};

both!(random_devices_converge);

const SEEDS: [u64; 3] = [1, 0x5eed_cafe, 20_261_122];
const STEPS: usize = 240;

/// xorshift64*: small, seeded, good enough to pick actions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

async fn random_devices_converge(backend: Backend) {
    for seed in SEEDS {
        run(backend, seed).await;
    }
}

async fn run(backend: Backend, seed: u64) {
    // Small pages, so that pulls (and changes of scope) take several of them.
    let app = TestApp::spawn_with(backend, |c| c.pull_page_size = 3).await;
    let admin = app.set_up().await;
    let root = app.root_team(&admin).await;
    let north = app.create_team(&admin, "华北", root.id).await;
    let south = app.create_team(&admin, "华南", root.id).await;
    let people = [
        ("a@qiao.example", "sales", north.id),
        ("b@qiao.example", "sales", north.id),
        ("c@qiao.example", "sales", south.id),
        ("m@qiao.example", "manager", north.id),
    ];
    let mut tokens = Vec::new();
    for (email, role, team) in people {
        app.create_user(&admin, email, role, team).await;
        tokens.push(app.token(email, "user-pass-1").await);
    }
    // Two devices for the first rep and the manager, one for the others.
    let owners = [0usize, 0, 1, 2, 3, 3];
    let mut devices: Vec<Device> = owners.iter().map(|&u| Device::new(&tokens[u])).collect();
    for d in &mut devices {
        d.pull(&app).await;
    }
    let users: Vec<UserId> = devices
        .iter()
        .map(|d| {
            d.core
                .directory()
                .map(|dir| dir.me.user)
                .expect("directory")
        })
        .collect();
    let mut rng = Rng(seed);
    let mut made = vec![0u64; devices.len()];
    let mut created: BTreeSet<RecordId> = BTreeSet::new();

    for step in 0..STEPS {
        let i = rng.below(devices.len());
        match rng.below(10) {
            0..=4 => {
                if let Some(m) = random_change(&mut rng, &devices[i], &users, step) {
                    if let Mutation::CreateContact(c) = &m {
                        created.insert(c.id);
                    }
                    if devices[i].core.mutate(&m, shared_now()).is_ok() {
                        made[i] += 1;
                    }
                }
            }
            5 | 6 => {
                let request = devices[i].push_request(1 + rng.below(8));
                if request.mutations.is_empty() {
                    continue;
                }
                // Lost answer, repeated request, or a normal exchange: the device learns the
                // outcome from its next pull either way.
                let times = if rng.chance(20) { 2 } else { 1 };
                for _ in 0..times {
                    let reply = devices[i].send_push(&app, &request).await;
                    assert_eq!(reply.status, 200, "seed {seed} step {step}: {}", reply.body);
                }
            }
            7 | 8 => {
                if rng.chance(15) {
                    // The answer is lost on the way back.
                    let _ = app
                        .post(
                            "/api/sync/pull",
                            Some(&devices[i].token),
                            devices[i].pull_request(),
                        )
                        .await;
                } else if rng.chance(50) {
                    devices[i].pull_page(&app).await;
                } else {
                    devices[i].pull(&app).await;
                }
            }
            _ if rng.chance(25) => {
                // Someone changes teams: what they may see changes under their devices.
                let who = 1 + rng.below(users.len() - 1);
                let team = if rng.chance(50) { north.id } else { south.id };
                let reply = app
                    .patch(
                        &format!("/api/users/{}", users[who]),
                        Some(&admin),
                        json!({"team_id": team}),
                    )
                    .await;
                assert_eq!(reply.status, 200, "seed {seed} step {step}: {}", reply.body);
            }
            _ => restart(&mut devices[i]),
        }
    }

    assert!(
        made.iter().sum::<u64>() > 40,
        "seed {seed}: too few changes to mean anything"
    );

    // The network heals: everyone syncs until nothing is left.
    for _ in 0..3 {
        for d in &mut devices {
            d.sync(&app).await;
        }
    }
    for (i, d) in devices.iter_mut().enumerate() {
        assert!(
            d.core.pending().is_empty(),
            "seed {seed}: device {i} still has pending changes"
        );
        assert_eq!(
            d.core.next_mutation_id() - 1,
            made[i],
            "seed {seed}: device {i} made {} changes",
            made[i]
        );
        let mut fresh = Device::new(&d.token);
        fresh.pull(&app).await;
        assert_eq!(
            d.contacts(),
            fresh.contacts(),
            "seed {seed}: device {i} diverged"
        );
        assert_eq!(
            d.issues().len(),
            fresh.issues().len(),
            "seed {seed}: device {i} issues"
        );
    }
    // Every contact created was either kept, deleted later, or refused with a reason.
    let mut all = Device::new(&admin);
    all.pull(&app).await;
    let alive: BTreeSet<RecordId> = all.contacts().iter().map(|r| r.id).collect();
    let refused: BTreeSet<RecordId> = devices
        .iter()
        .flat_map(|d| d.issues())
        .filter_map(|r| r.as_issue().cloned())
        .filter(|i| i.mutation == "contact.create" && matches!(i.kind, IssueKind::Rejected { .. }))
        .filter_map(|i| i.record)
        .collect();
    assert!(
        alive.is_subset(&created),
        "seed {seed}: contacts nobody created"
    );
    assert!(
        refused.is_disjoint(&alive),
        "seed {seed}: a refused create exists"
    );
    app.finish().await;
}

/// A change this device may make now, or `None`.
fn random_change(
    rng: &mut Rng,
    device: &Device,
    users: &[UserId],
    step: usize,
) -> Option<Mutation> {
    let contacts = device.contacts();
    let pick = |rng: &mut Rng| contacts.get(rng.below(contacts.len())).map(|r| r.id);
    Some(match rng.below(6) {
        0 | 1 => Mutation::CreateContact(CreateContact {
            id: RecordId::from_uuid(Uuid::now_v7()),
            owner: None,
            fields: patch(&[("name", &format!("客户{step}"))]),
        }),
        2 | 3 => {
            let id = pick(rng)?;
            let seen = device.core.get(id).map_or(0, |r| r.version);
            Mutation::UpdateContact(UpdateContact {
                id,
                set: patch(&[("company", &format!("公司{step}"))]),
                was: shared::records::Patch::new(),
                seen,
            })
        }
        4 => Mutation::DeleteContact(DeleteContact { id: pick(rng)? }),
        _ => Mutation::AssignContact(AssignContact {
            id: pick(rng)?,
            owner: users[rng.below(users.len())],
        }),
    })
}

/// The page is reloaded: the device starts again from what it saved.
fn restart(device: &mut Device) {
    let core = &device.core;
    device.core = ClientCore::restore(
        core.confirmed_records().cloned().collect::<Vec<_>>(),
        core.pending().to_vec(),
        core.cursor().cloned(),
        core.directory().cloned(),
        core.next_mutation_id(),
    );
}

//! `qiao-server demo`: fill an empty database with a realistic Chinese company for trying the
//! app and for benchmarks: people in two sales teams under a manager, and accounts, contacts,
//! leads, deals across the pipeline and activities, owned by the sales reps. The data is the same
//! on every run (a seeded generator), so benchmark figures compare.

pub mod custom;

use shared::records::{self, Account, Activity, Deal, Kind, Lead, Patch};
use shared::sync::{Body, Record};
use shared::{Contact, RecordId, Role, TeamId, UserId};
use uuid::Uuid;

use crate::auth::password::{self, HashError};
use crate::db::sync::{self as store, Write};
use crate::db::teams::TeamRow;
use crate::db::users::UserRow;
use crate::db::{self, Db, now_ms};

/// Records written per version (one transaction each).
const PER_VERSION: usize = 5000;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data goes into an empty database, and this one already has users")]
    NotEmpty,
    #[error("a generated {0} was refused: {1}")]
    Generated(&'static str, String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filled {
    pub users: usize,
    pub accounts: usize,
    pub contacts: usize,
    pub leads: usize,
    pub deals: usize,
    pub activities: usize,
}

/// A small seeded generator (xorshift64*), so that every run writes the same data.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
];
const GIVEN: [&str; 32] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "华", "慧", "建国", "志强", "晓东", "海燕", "雪", "鹏", "婷", "宇", "欣", "浩",
    "丹", "平",
];
const TITLES: [&str; 8] = [
    "总经理",
    "采购经理",
    "技术总监",
    "财务经理",
    "IT 主管",
    "运营总监",
    "销售经理",
    "董事长",
];
const CONTACT_TAGS: [&str; 5] = ["决策人", "技术把关", "老朋友", "需要跟进", "影响者"];
const PLACES: [(&str, &str); 12] = [
    ("北京", "北京"),
    ("上海", "上海"),
    ("广东", "广州"),
    ("广东", "深圳"),
    ("浙江", "杭州"),
    ("江苏", "苏州"),
    ("江苏", "南京"),
    ("四川", "成都"),
    ("湖北", "武汉"),
    ("山东", "青岛"),
    ("福建", "厦门"),
    ("天津", "天津"),
];
const CORES: [&str; 16] = [
    "华信", "恒达", "中科", "宏图", "鼎盛", "瑞丰", "远航", "博远", "天成", "金桥", "新元", "东方",
    "永安", "嘉禾", "启明", "万通",
];
const TRADES: [(&str, &str); 8] = [
    ("科技", "信息技术"),
    ("贸易", "批发零售"),
    ("物流", "交通物流"),
    ("制造", "制造业"),
    ("医疗", "医疗健康"),
    ("教育", "教育培训"),
    ("能源", "能源化工"),
    ("食品", "食品饮料"),
];
const SOURCES: [&str; 6] = [
    "官网表单",
    "展会",
    "老客户介绍",
    "电话营销",
    "线上广告",
    "合作伙伴",
];
const PRODUCTS: [&str; 5] = [
    "CRM 标准版",
    "CRM 企业版",
    "实施服务",
    "数据迁移",
    "培训服务",
];
const SUBJECTS: [&str; 6] = [
    "首次沟通",
    "需求调研",
    "产品演示",
    "报价跟进",
    "合同条款讨论",
    "回访",
];

/// The demo people: `(email, name, role, team index)`; team 0 is the sales department, 1 and
/// 2 the two sales teams under it.
const PEOPLE: [(&str, &str, Role, usize); 6] = [
    ("admin@demo.local", "管理员", Role::Admin, 0),
    ("manager@demo.local", "周经理", Role::Manager, 0),
    ("sales1@demo.local", "李销售", Role::Sales, 1),
    ("sales2@demo.local", "王销售", Role::Sales, 1),
    ("sales3@demo.local", "张销售", Role::Sales, 2),
    ("sales4@demo.local", "刘销售", Role::Sales, 2),
];

fn patch(pairs: &[(&str, String)]) -> Patch {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn kind<K: Kind>(what: &'static str, pairs: &[(&str, String)]) -> Result<Body, DemoError> {
    records::create::<K>(&patch(pairs))
        .map(K::into_body)
        .map_err(|e| DemoError::Generated(what, format!("{e:?}")))
}

/// Fill the empty database `db` with `contacts` contacts and, in proportion, a fifth as many
/// accounts and deals, a tenth as many leads and as many activities; every demo person signs
/// in with `password`.
pub async fn fill(db: &Db, contacts: usize, password: &str) -> Result<Filled, DemoError> {
    fill_with(db, contacts, password, 0).await
}

/// [`fill`], with the first `custom_fields` of the demo's own fields on contacts (at most
/// [`custom::MAX`]) and a value of each in every contact.
pub async fn fill_with(
    db: &Db,
    contacts: usize,
    password: &str,
    custom_fields: usize,
) -> Result<Filled, DemoError> {
    if db::users::count(db).await? > 0 {
        return Err(DemoError::NotEmpty);
    }
    let now = now_ms();
    let mut tx = db.begin_people().await?;
    let mut teams = Vec::new();
    let root = Uuid::now_v7();
    for (i, name) in ["桥演示科技", "销售部", "销售一组", "销售二组"]
        .iter()
        .enumerate()
    {
        let id = if i == 0 { root } else { Uuid::now_v7() };
        let parent = match i {
            0 => None,
            1 => Some(root),
            _ => teams.get(1).copied(),
        };
        db::teams::insert(
            &mut tx,
            &TeamRow {
                id,
                name: (*name).to_owned(),
                parent_id: parent,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        teams.push(id);
    }
    let hash = password::hash(password.to_owned()).await?;
    let mut people = Vec::new();
    for (email, name, role, team) in PEOPLE {
        let id = Uuid::now_v7();
        // The admin sits at the top; everyone else in the sales department or a team below it.
        let team = if role == Role::Admin {
            root
        } else {
            teams[team + 1]
        };
        db::users::insert(
            &mut tx,
            &UserRow {
                id,
                email: email.to_owned(),
                display_name: name.to_owned(),
                phone: None,
                role: role.as_str().to_owned(),
                team_id: team,
                active: true,
                password_hash: hash.clone(),
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        people.push((UserId::from_uuid(id), TeamId::from_uuid(team), role));
    }
    tx.commit().await?;

    let reps: Vec<(UserId, TeamId)> = people
        .iter()
        .filter(|(_, _, role)| *role == Role::Sales)
        .map(|(u, t, _)| (*u, *t))
        .collect();
    let mut dice = Dice(0x5eed_0000_c0ff_ee01);
    let mut filled = Filled {
        users: people.len(),
        ..Filled::default()
    };
    let mut batch: Vec<Record> = Vec::with_capacity(PER_VERSION);
    let accounts_n = (contacts / 5).max(1);
    let mut accounts: Vec<(RecordId, UserId, TeamId, String)> = Vec::with_capacity(accounts_n);
    let record = |id: RecordId, (owner, team): (UserId, TeamId), body: Body| {
        Record::created(id, owner, team, owner, now, body)
    };
    let custom = if custom_fields > 0 {
        let (schema, fields) = custom::schema(custom_fields, now)?;
        let admin = people
            .iter()
            .find(|(_, _, role)| *role == Role::Admin)
            .map(|(u, t, _)| (*u, *t))
            .ok_or(DemoError::Generated("schema", "no admin".to_owned()))?;
        batch.push(record(
            shared::schema::company::SCHEMA_ID,
            admin,
            Body::Schema(schema),
        ));
        fields
    } else {
        Vec::new()
    };

    for i in 0..accounts_n {
        let owner = reps[i % reps.len()];
        let (province, city) = PLACES[dice.below(PLACES.len())];
        let (trade, industry) = TRADES[dice.below(TRADES.len())];
        let name = format!(
            "{city}{}{trade}有限公司{}",
            dice.pick(&CORES),
            i / CORES.len()
        );
        let body = kind::<Account>(
            "account",
            &[
                ("name", name.clone()),
                ("industry", industry.to_owned()),
                ("province", province.to_owned()),
                ("city", city.to_owned()),
                ("grade", ["A", "B", "C", "D"][dice.below(4)].to_owned()),
                ("size", (10 + dice.below(5000)).to_string()),
                ("source", dice.pick(&SOURCES).to_owned()),
            ],
        )?;
        let id = RecordId::from_uuid(Uuid::now_v7());
        accounts.push((id, owner.0, owner.1, name));
        batch.push(record(id, owner, body));
        filled.accounts += 1;
        flush_if_full(db, &mut batch, now).await?;
    }
    for i in 0..contacts {
        let (account, owner, team, _) = &accounts[i % accounts.len()];
        let name = format!("{}{}", dice.pick(&SURNAMES), dice.pick(&GIVEN));
        let phone = format!(
            "1{}{:09}",
            [3, 5, 8][dice.below(3)],
            dice.next() % 1_000_000_000
        );
        let birthday = format!(
            "{}-{:02}-{:02}",
            1960 + dice.below(40),
            1 + dice.below(12),
            1 + dice.below(28)
        );
        let mut fields = vec![
            ("name", name.clone()),
            ("job_title", dice.pick(&TITLES).to_owned()),
            ("account", account.to_string()),
            ("phone", phone.clone()),
            ("email", format!("c{i}@a{}.example.cn", i % accounts.len())),
            ("notes", dice.pick(&SUBJECTS).to_owned()),
        ];
        if i % 3 == 0 {
            fields.push(("wechat", format!("wx{}", &phone[3..])));
            fields.push(("birthday", birthday));
        }
        if i % 4 == 0 {
            fields.push(("tags", dice.pick(&CONTACT_TAGS).to_owned()));
        }
        let contact = kind::<Contact>("contact", &fields)?;
        let mut contact = record(
            RecordId::from_uuid(Uuid::now_v7()),
            (*owner, *team),
            contact,
        );
        if !custom.is_empty() {
            contact.custom = custom::values(&custom, &mut dice, i).into();
        }
        batch.push(contact);
        filled.contacts += 1;
        flush_if_full(db, &mut batch, now).await?;
    }
    for i in 0..contacts / 10 {
        let owner = reps[i % reps.len()];
        let (province, city) = PLACES[dice.below(PLACES.len())];
        let stage = ["lead", "mql", "sql"][dice.below(3)];
        let body = kind::<Lead>(
            "lead",
            &[
                (
                    "name",
                    format!("{}{}", dice.pick(&SURNAMES), dice.pick(&GIVEN)),
                ),
                ("company", format!("{city}{}公司", dice.pick(&CORES))),
                ("source", dice.pick(&SOURCES).to_owned()),
                ("province", province.to_owned()),
                ("city", city.to_owned()),
                ("stage", stage.to_owned()),
            ],
        )?;
        batch.push(record(RecordId::from_uuid(Uuid::now_v7()), owner, body));
        filled.leads += 1;
        flush_if_full(db, &mut batch, now).await?;
    }
    let stages = ["qualify", "needs", "proposal", "negotiation", "won", "lost"];
    let mut deal_ids = Vec::with_capacity(accounts_n);
    for i in 0..accounts_n {
        let (account, owner, team, company) = &accounts[i % accounts.len()];
        let month = 1 + dice.below(12);
        let body = kind::<Deal>(
            "deal",
            &[
                ("name", format!("{company} · {}", dice.pick(&PRODUCTS))),
                ("account", account.to_string()),
                ("amount", (5_000 + dice.below(500) * 1_000).to_string()),
                (
                    "close_date",
                    format!("2027-{month:02}-{:02}", 1 + dice.below(28)),
                ),
                ("stage", stages[dice.below(stages.len())].to_owned()),
                ("products", dice.pick(&PRODUCTS).to_owned()),
            ],
        )?;
        let id = RecordId::from_uuid(Uuid::now_v7());
        deal_ids.push((id, *owner, *team));
        batch.push(record(id, (*owner, *team), body));
        filled.deals += 1;
        flush_if_full(db, &mut batch, now).await?;
    }
    let kinds = ["call", "visit", "meeting", "email", "note"];
    for i in 0..contacts {
        let (about, owner, team) = deal_ids[i % deal_ids.len()];
        let body = kind::<Activity>(
            "activity",
            &[
                ("kind", kinds[dice.below(kinds.len())].to_owned()),
                ("subject", dice.pick(&SUBJECTS).to_owned()),
                ("about", about.to_string()),
                (
                    "at",
                    (now - i64::try_from(dice.below(60 * 86_400)).unwrap_or(0) * 1000).to_string(),
                ),
            ],
        )?;
        batch.push(record(
            RecordId::from_uuid(Uuid::now_v7()),
            (owner, team),
            body,
        ));
        filled.activities += 1;
        flush_if_full(db, &mut batch, now).await?;
    }
    flush(db, &mut batch, now).await?;
    Ok(filled)
}

async fn flush_if_full(db: &Db, batch: &mut Vec<Record>, now: i64) -> Result<(), sqlx::Error> {
    if batch.len() >= PER_VERSION {
        flush(db, batch, now).await?;
    }
    Ok(())
}

/// Write `batch` as one new version, the way a push would.
async fn flush(db: &Db, batch: &mut Vec<Record>, now: i64) -> Result<(), sqlx::Error> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    let version = store::bump_version(&mut tx).await?;
    for record in batch.iter_mut() {
        record.version = version;
    }
    let rows: Vec<Write> = batch
        .iter()
        .map(|record| Write {
            record,
            deleted: false,
            body: serde_json::to_string(record).unwrap_or_default(),
            stamps: "{}".to_owned(),
        })
        .collect();
    store::write(&mut tx, version, now, &rows).await?;
    tx.commit().await?;
    batch.clear();
    Ok(())
}

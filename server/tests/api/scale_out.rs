//! Several server instances on one Postgres: a write through one instance pokes devices
//! listening on another (`LISTEN/NOTIFY`), and they pull it from there.

mod postgres {
    use std::time::Duration;

    use crate::device::Device;
    use crate::events::{Events, create};
    use crate::harness::{Backend, TestApp};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_on_one_instance_reaches_devices_on_another() {
        let a = TestApp::spawn(Backend::Postgres).await;
        let b = TestApp::start_on(Backend::Postgres, a.db_url.clone(), |_| {}).await;
        let admin = a.set_up().await;
        let mut on_a = Device::new(&admin);
        let mut on_b = Device::new(&admin);
        on_a.pull(&a).await;
        on_b.pull(&b).await;
        let mut events = Events::open(&b, &admin).await;
        let hello = events.next(Duration::from_secs(5)).await.expect("hello");
        on_a.mutate(&create("跨实例"));
        on_a.push(&a).await;
        let poke = events
            .next(Duration::from_secs(5))
            .await
            .expect("poked through Postgres");
        assert!(poke.version > hello.version);
        on_b.pull(&b).await;
        assert_eq!(on_b.contact_names(), ["跨实例"]);
        let _ = b.stop().await;
        a.finish().await;
    }
}

//! Heap probe: sync pods through the cluster layer without a terminal, then report RSS.
//! `cargo run --release --example mem_probe -- KUBECONFIG N`
use kdoc::core::state::{AppState, Msg, Scope};

fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("RssAnon"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let path = std::env::args().nth(1).expect("kubeconfig path");
    let want: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let kc = kube::config::Kubeconfig::read_from(&path).expect("kubeconfig");
    let target = kdoc::cluster::kubeconfig::from_kubeconfig(kc, None)
        .await
        .expect("target");
    let client = kdoc::cluster::kubeconfig::client(&target).expect("client");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut st = AppState::new("a".into(), "b".into(), vec![], Scope::All, false);
    let _w = kdoc::cluster::watch::start(client, &st.scope, 0, tx);
    while st.pods.len() < want {
        let m = rx.recv().await.expect("message");
        st.update(Msg::Cluster(m));
    }
    st.refresh();
    println!("{} pods synced: RssAnon {} KB", st.pods.len(), rss());
}

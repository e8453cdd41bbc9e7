//! The simulated Kubernetes API server: real HTTP/1.1 on loopback, speaking what kube and kubectl
//! need (discovery, list/watch, tables, logs, port-forward), fed by scenarios and object files.

mod authz;
pub mod backend;
pub mod bulk;
pub mod crd;
mod create;
mod discovery;
mod endpoint_slices;
mod endpoints;
pub mod faults;
mod http;
mod list_watch;
pub mod loader;
pub mod log_store;
mod logs;
mod openapi;
mod portforward;
mod protobuf;
mod query;
pub mod replace;
pub mod resources;
pub mod scenario;
mod selector;
mod server;
pub mod spdy;
pub mod state;
pub mod status;
pub mod store;
mod table;
mod table_kinds;
pub mod time;

pub use server::STATS_PATH;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use self::scenario::Scenario;
use self::state::SimState;

pub use self::log_store::DEFAULT_CAP as DEFAULT_LOG_CAP;

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub addr: SocketAddr,
    pub scenario: Scenario,
    pub load: Vec<PathBuf>,
    /// Scenario time runs this many times faster than real time.
    pub speed: f64,
    /// How often watches with bookmarks enabled get one.
    pub bookmark_interval: Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            scenario: Scenario::default(),
            load: vec![],
            speed: 1.0,
            bookmark_interval: Duration::from_secs(5),
        }
    }
}

/// A running simulator. Dropping it stops the server and the timeline.
pub struct Sim {
    state: Arc<SimState>,
    addr: SocketAddr,
    server_stop: watch::Sender<bool>,
    server: Option<tokio::task::JoinHandle<()>>,
    world_stop: watch::Sender<bool>,
    /// Problems met while loading object files (the rest loaded).
    pub load_problems: Vec<String>,
}

impl Sim {
    pub async fn start(cfg: SimConfig) -> Result<Sim, String> {
        let listener = server::bind(cfg.addr).await?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let state = Arc::new(SimState::new(cfg.bookmark_interval));
        let (world_stop, world_rx) = watch::channel(false);
        let mut problems = vec![];
        for path in &cfg.load {
            let loaded = loader::load(path);
            problems.extend(loaded.problems);
            for obj in loaded.objects {
                if let Err(e) = state.store.upsert(obj) {
                    problems.push(format!("{}: {e}", path.display()));
                }
            }
            for log in loaded.logs {
                state.logs.load(
                    &log.ns,
                    &log.pod,
                    &log.container,
                    log.previous,
                    log.data,
                    jiff::Timestamp::now(),
                );
            }
        }
        seed(&state, &cfg.scenario, world_rx.clone()).await?;
        tokio::spawn(scenario::run(
            state.clone(),
            cfg.scenario.timeline.clone(),
            cfg.scenario.generators.clone(),
            cfg.speed,
            world_rx,
        ));
        let (server_stop, rx) = watch::channel(false);
        state.set_shutdown(rx.clone());
        let server = tokio::spawn(server::serve(listener, state.clone(), rx));
        Ok(Sim {
            state,
            addr,
            server_stop,
            server: Some(server),
            world_stop,
            load_problems: problems,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn state(&self) -> &Arc<SimState> {
        &self.state
    }

    /// Stop answering: the listener closes and every connection and stream is dropped. Objects
    /// and the timeline live on, as etcd and the kubelets would while an apiserver restarts.
    pub async fn stop(&mut self) {
        let _ = self.server_stop.send(true);
        if let Some(h) = self.server.take() {
            let _ = h.await;
        }
    }

    /// Serve again on the same address after `stop`.
    pub async fn restart(&mut self) -> Result<(), String> {
        if self.server.is_some() {
            return Ok(());
        }
        let listener = server::bind(self.addr).await?;
        let (tx, rx) = watch::channel(false);
        self.server_stop = tx;
        self.state.set_shutdown(rx.clone());
        self.server = Some(tokio::spawn(server::serve(
            listener,
            self.state.clone(),
            rx,
        )));
        Ok(())
    }

    /// Replace pod `ns/name` as its ReplicaSet would after a delete: the pod goes, a copy with
    /// a new generated name (same labels, owner, spec; fresh UID) comes, Running and Ready a
    /// moment later, with the services behind its ports. The new pod's name.
    pub fn replace_pod(&self, ns: &str, name: &str) -> Result<String, String> {
        replace::replace_pod(&self.state, ns, name)
    }

    /// A kubeconfig (no auth) that kubectl and kdoc both accept.
    pub fn kubeconfig(&self) -> String {
        kubeconfig_yaml(&self.url(), "default")
    }

    /// A kube client config pointing at this server.
    pub fn client_config(&self) -> kube::Config {
        let mut c = kube::Config::new(self.url().parse().expect("a loopback URL always parses"));
        c.default_namespace = "default".into();
        c
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.server_stop.send(true);
        let _ = self.world_stop.send(true);
    }
}

/// Load a scenario's starting objects, logs and backends into the state.
async fn seed(
    state: &Arc<SimState>,
    s: &Scenario,
    stop: watch::Receiver<bool>,
) -> Result<(), String> {
    let base = jiff::Timestamp::now();
    if let Some(user) = &s.user {
        state.faults.set_user(user);
    }
    for rule in &s.denied {
        state.faults.deny(rule.clone());
    }
    for obj in &s.objects {
        state
            .store
            .upsert(obj.clone())
            .map_err(|e| format!("scenario {}: {e}", s.name))?;
    }
    for seed in &s.logs {
        let lines: Vec<_> = seed
            .lines
            .iter()
            .map(|(off, l)| (time::offset(base, *off), l.clone()))
            .collect();
        if seed.previous {
            state
                .logs
                .set_previous(&seed.ns, &seed.pod, &seed.container, lines);
        } else {
            state
                .logs
                .append(&seed.ns, &seed.pod, &seed.container, lines);
        }
    }
    if let Some(cap) = s.log_cap {
        for g in &s.generators {
            state.logs.set_cap(&g.ns, &g.pod, &g.container, cap);
        }
    }
    for b in &s.backends {
        let addr = backend::start(b.backend.clone(), stop.clone())
            .await
            .map_err(|e| {
                format!(
                    "cannot start the service behind {}/{}:{}: {e}",
                    b.ns, b.pod, b.port
                )
            })?;
        state.set_backend(&b.ns, &b.pod, b.port, addr);
    }
    Ok(())
}

pub fn kubeconfig_yaml(server: &str, namespace: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: kdoc-sim\n  cluster:\n    server: {server}\ncontexts:\n- name: kdoc-sim\n  context:\n    cluster: kdoc-sim\n    user: kdoc-sim\n    namespace: {namespace}\nusers:\n- name: kdoc-sim\n  user: {{}}\ncurrent-context: kdoc-sim\npreferences: {{}}\n"
    )
}

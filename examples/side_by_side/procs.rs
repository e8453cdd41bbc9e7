//! The processes a run starts (the simulator, tmux servers), each killed when its guard drops,
//! so a failed check (a panic) leaves nothing running; plus /proc readings and the simulator's
//! request counter.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use super::support::cpu_ticks;
use super::support::{kdoc_bin, tmux};

/// `kdoc sim` as a child process; killed on drop.
pub struct Sim {
    child: Child,
    pub kubeconfig: PathBuf,
    /// host:port, read from the kubeconfig, for `/kdoc-sim/stats`.
    addr: String,
    /// When the kubeconfig appeared: the simulator's log generators started just before.
    pub started: Instant,
}

impl Sim {
    pub fn start(dir: &Path, tag: &str, args: &[String]) -> Sim {
        let kubeconfig = dir.join(format!("kc-{tag}"));
        let _ = std::fs::remove_file(&kubeconfig);
        let child = Command::new(kdoc_bin())
            .arg("sim")
            .args(args)
            .arg("--kubeconfig-out")
            .arg(&kubeconfig)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("kdoc sim starts");
        // Guard first, so a timeout below still kills it.
        let mut sim = Sim {
            child,
            kubeconfig,
            addr: String::new(),
            started: Instant::now(),
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        let text = loop {
            // Written in one go, but read until it names the server.
            let text = std::fs::read_to_string(&sim.kubeconfig).unwrap_or_default();
            if text.contains("current-context") {
                break text;
            }
            assert!(Instant::now() < deadline, "kdoc sim {args:?} did not start");
            std::thread::sleep(Duration::from_millis(5));
        };
        sim.started = Instant::now();
        sim.addr = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("server: http://"))
            .expect("a server in the kubeconfig")
            .trim_end_matches('/')
            .to_string();
        sim
    }

    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// (requests handled, open watches), from the simulator-only `/kdoc-sim/stats`, which is
    /// not counted itself.
    pub fn stats(&self) -> (u64, u64) {
        let mut s = std::net::TcpStream::connect(&self.addr).expect("connect to the simulator");
        write!(
            s,
            "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            kdoc::sim::STATS_PATH,
            self.addr
        )
        .expect("send");
        let mut out = String::new();
        s.read_to_string(&mut out).expect("read");
        let body = out.split("\r\n\r\n").nth(1).unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(body).expect("stats JSON");
        (
            v["requests"].as_u64().unwrap_or(0),
            v["open_watches"].as_u64().unwrap_or(0),
        )
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A command in a detached 160x45 tmux session (as the peers were measured), on its own tmux
/// server; the server, and with it the command, is killed on drop.
pub struct Tui {
    socket: String,
    pub started: Instant,
}

impl Tui {
    /// `cmd` is run with `exec`, so the pane's pid is the tool's own.
    pub fn start(tag: &str, env: &[(&str, String)], cmd: &str) -> Tui {
        let socket = format!("kdoc-sbs-{}-{tag}", std::process::id());
        let env: String = env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
        let started = Instant::now();
        tmux(
            &socket,
            &[
                "new-session",
                "-d",
                "-x",
                "160",
                "-y",
                "45",
                "-s",
                "b",
                &format!("{env}exec {cmd}"),
            ],
        );
        Tui { socket, started }
    }

    pub fn screen(&self) -> String {
        tmux(&self.socket, &["capture-pane", "-p", "-t", "b"])
    }

    pub fn pid(&self) -> String {
        tmux(&self.socket, &["list-panes", "-F", "#{pane_pid}"])
            .trim()
            .to_string()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "b"];
        args.extend_from_slice(keys);
        tmux(&self.socket, &args);
    }

    /// Poll the screen every 2 ms until `pred` holds: when it first did, or None (and the last
    /// screen printed) after `timeout`.
    pub fn wait(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Option<Instant> {
        super::support::wait_screen(&self.socket, what, timeout, pred)
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        // tmux leaves its socket file behind after kill-server; a run makes dozens.
        let path = tmux(
            &self.socket,
            &["display-message", "-p", "-t", "b", "#{socket_path}"],
        );
        tmux(&self.socket, &["kill-server"]);
        if !path.trim().is_empty() {
            let _ = std::fs::remove_file(path.trim());
        }
    }
}

/// An executable called `name` in the directories of `path`.
pub fn which(path: &str, name: &str) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

//! Real kubectl pointed at a simulator, every call killed after a timeout. Tests skip (with a
//! printed reason) where kubectl is absent, unless KDOC_REQUIRE_KUBECTL is set (CI sets it).

use std::process::{Command, Output};

use kdoc::sim::Sim;

use super::{COMMAND_TIMEOUT, SLOW_COMMAND_TIMEOUT, describe_command, try_run_with_timeout};

pub struct Kubectl {
    dir: tempfile::TempDir,
}

impl Kubectl {
    pub fn new(sim: &Sim) -> Option<Kubectl> {
        let probe = try_run_with_timeout(
            Command::new("kubectl").arg("version").arg("--client"),
            COMMAND_TIMEOUT,
        );
        if let Err(e) = &probe
            && e.kind() == std::io::ErrorKind::TimedOut
        {
            panic!("{e}");
        }
        if probe.is_err() {
            assert!(
                std::env::var_os("KDOC_REQUIRE_KUBECTL").is_none(),
                "kubectl is required (KDOC_REQUIRE_KUBECTL is set) but not found on PATH"
            );
            eprintln!(
                "SKIPPED: kubectl is not on PATH; install it to run the kubectl fidelity tests"
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kubeconfig"), sim.kubeconfig()).unwrap();
        Some(Kubectl { dir })
    }

    /// Run kubectl; returns (success, stdout, stderr). Fails the test, naming the command, if
    /// kubectl cannot start or has not exited within [`SLOW_COMMAND_TIMEOUT`] (it is killed).
    pub async fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out = self.output(args).await;
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Run kubectl; its exit status and output as bytes, exactly as printed. Fails the test as
    /// [`Kubectl::run`] does.
    pub async fn output(&self, args: &[&str]) -> Output {
        self.output_of(Command::new("kubectl"), args).await
    }

    /// Run a kubectl that does not end by itself (`get -w`) for `secs` seconds under
    /// coreutils' `timeout`, then return what it printed by then.
    pub async fn output_for(&self, secs: u32, args: &[&str]) -> String {
        let mut cmd = Command::new("timeout");
        cmd.arg(secs.to_string()).arg("kubectl");
        let out = self.output_of(cmd, args).await;
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    async fn output_of(&self, mut cmd: Command, args: &[&str]) -> Output {
        cmd.args(args)
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .env("KUBECACHEDIR", self.dir.path().join("cache"))
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY");
        let what = describe_command(&cmd);
        // On a blocking thread, so the simulator keeps answering while kubectl waits for it;
        // the panic is raised here, where its message is not wrapped in a JoinError.
        tokio::task::spawn_blocking(move || try_run_with_timeout(&mut cmd, SLOW_COMMAND_TIMEOUT))
            .await
            .expect("the thread running kubectl")
            .unwrap_or_else(|e| match e.kind() {
                std::io::ErrorKind::TimedOut => panic!("{e}"),
                _ => panic!("`{what}` could not start: {e}"),
            })
    }

    pub async fn ok(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.run(args).await;
        assert!(ok, "kubectl {args:?} failed: {err}");
        out
    }
}

/// A kubectl left running (e.g. `port-forward`); killed when dropped.
pub struct Background {
    pub child: tokio::process::Child,
    pub what: String,
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

impl Kubectl {
    /// Start kubectl in the background, its output piped, with `env` added; it is killed when
    /// the returned value is dropped.
    pub fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> Background {
        let mut cmd = tokio::process::Command::new("kubectl");
        cmd.args(args)
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .env("KUBECACHEDIR", self.dir.path().join("cache"))
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let what = format!("kubectl {}", args.join(" "));
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("`{what}` could not start: {e}"));
        Background { child, what }
    }
}

//! The real `kdoc` binary in a tmux pane, driven as a person would: read the screen, type
//! keys. Each [`Tmux`] owns a tmux server on its own socket, killed on drop (also when the
//! test fails). Without tmux, [`Tmux::start`] prints SKIPPED and returns `None` (the test
//! passes), unless `KDOC_REQUIRE_TMUX` is set.
//!
//! The pane runs `kdoc ...; echo EXIT=$?; sleep 60`, so after kdoc exits the shell's `EXIT=`
//! line is what the primary screen shows.
//!
//! Every tmux command is killed (and the test failed, naming it) after [`COMMAND_TIMEOUT`];
//! waits for the screen take their own timeout and never assert how quickly the screen came.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{COMMAND_TIMEOUT, run_with_timeout, try_run_with_timeout};

pub const BIN: &str = env!("CARGO_BIN_EXE_kdoc");
const POLL: Duration = Duration::from_millis(100);
/// The pause after each key, so the app reads it before the next one arrives.
const KEY_GAP: Duration = Duration::from_millis(100);
/// The pause after Escape: crossterm reads ESC followed quickly by a character as Alt+character.
const ESC_GAP: Duration = Duration::from_millis(200);

static SESSIONS: AtomicUsize = AtomicUsize::new(0);

/// Whether `tmux -V` runs and succeeds. A `tmux -V` that hangs fails the test rather than
/// skipping it.
pub fn tmux_available() -> bool {
    match try_run_with_timeout(Command::new("tmux").arg("-V"), COMMAND_TIMEOUT) {
        Ok(out) => out.status.success(),
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => panic!("{e}"),
        Err(_) => false,
    }
}

/// Single-quote for `sh`.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A tmux server on a private socket with one session `s`; killed on drop.
pub struct Tmux {
    socket: String,
    /// The socket file, removed on drop (`kill-server` leaves it behind).
    socket_path: Option<std::path::PathBuf>,
    /// HOME (and XDG_CONFIG_HOME) of kdoc: no user keymap, theme or kubeconfig leaks in.
    _home: tempfile::TempDir,
}

impl Tmux {
    /// Start `kdoc <args>` in a `width`x`height` pane, or `None` (test skipped) without tmux.
    pub fn start(test: &str, width: u16, height: u16, args: &[&str]) -> Option<Tmux> {
        Tmux::start_with(test, width, height, args, false)
    }

    /// Like [`Tmux::start`], but the pane waits for Enter before it starts kdoc, so the test
    /// can set tmux up first (a pane title, `set-clipboard`) and see what kdoc changes.
    pub fn start_paused(test: &str, width: u16, height: u16, args: &[&str]) -> Option<Tmux> {
        Tmux::start_with(test, width, height, args, true)
    }

    fn start_with(
        test: &str,
        width: u16,
        height: u16,
        args: &[&str],
        paused: bool,
    ) -> Option<Tmux> {
        if !tmux_available() {
            if std::env::var_os("KDOC_REQUIRE_TMUX").is_some() {
                panic!("tmux is not installed (or not runnable) and KDOC_REQUIRE_TMUX is set");
            }
            println!("SKIPPED {test}: tmux is not installed");
            return None;
        }
        let home = tempfile::tempdir().expect("a temporary HOME");
        let socket = format!(
            "kdoc-test-{}-{}-{test}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::SeqCst)
        );
        let h = sh_quote(&home.path().display().to_string());
        let args: Vec<String> = args.iter().map(|a| sh_quote(a)).collect();
        let cmd = format!(
            "{}cd {h} && env -u KUBECONFIG HOME={h} XDG_CONFIG_HOME={h}/.config {} {}; echo EXIT=$?; sleep 60",
            if paused { "read -r _; " } else { "" },
            sh_quote(BIN),
            args.join(" ")
        );
        let mut t = Tmux {
            socket,
            socket_path: None,
            _home: home,
        };
        let out = t.tmux(&[
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "-s",
            "s",
            &cmd,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = t.tmux(&["display-message", "-p", "-t", "s", "#{socket_path}"]);
        let path = String::from_utf8_lossy(&path.stdout).trim().to_string();
        t.socket_path = (!path.is_empty()).then(|| path.into());
        Some(t)
    }

    /// `tmux <args>` against this test's server; fails the test naming the command if it does
    /// not finish within [`COMMAND_TIMEOUT`].
    #[track_caller]
    pub fn tmux(&self, args: &[&str]) -> Output {
        run_with_timeout(&mut self.command(args), COMMAND_TIMEOUT)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket, "-f", "/dev/null"])
            // Run from inside tmux too: this is a separate server, not a nested session.
            .env_remove("TMUX")
            .args(args);
        cmd
    }

    pub fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", "s"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen with its colours and attributes as escape sequences.
    pub fn screen_styled(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-e", "-t", "s"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Poll the screen every 100 ms until `pred` holds; panic with the last screen on timeout.
    pub fn wait_until(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() >= timeout {
                panic!("timed out after {timeout:?} waiting for {what}; the screen was:\n{s}");
            }
            std::thread::sleep(POLL);
        }
    }

    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        self.wait_until(&format!("{needle:?}"), timeout, |s| s.contains(needle))
    }

    /// Type text literally (no key-name lookup), then let the app read it, so an Esc is never
    /// glued to what follows.
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "s", "-l", text]);
        std::thread::sleep(KEY_GAP);
    }

    /// Press `key` (a character, typed literally) `n` times, one at a time.
    pub fn press(&self, key: &str, n: usize) {
        for _ in 0..n {
            self.type_text(key);
        }
    }

    /// Press a named key (Enter, Escape, ...).
    pub fn key(&self, name: &str) {
        self.tmux(&["send-keys", "-t", "s", name]);
        std::thread::sleep(KEY_GAP);
    }

    pub fn enter(&self) {
        self.key("Enter");
    }

    /// Escape, then a pause long enough that the next key is not read as Alt+key.
    pub fn esc(&self) {
        self.tmux(&["send-keys", "-t", "s", "Escape"]);
        std::thread::sleep(ESC_GAP);
    }

    /// A format variable of the pane, e.g. `#{pane_title}`.
    pub fn display(&self, format: &str) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "s", format]);
        String::from_utf8_lossy(&out.stdout)
            .trim_end_matches('\n')
            .to_string()
    }

    pub fn alternate_screen_on(&self) -> bool {
        let out = self.tmux(&["display-message", "-p", "-t", "s", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Never panic here (the test may be failing already): a kill-server that hangs is
        // killed after the timeout and left at that.
        let _ = try_run_with_timeout(&mut self.command(&["kill-server"]), COMMAND_TIMEOUT);
        if let Some(p) = &self.socket_path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The words of a screen line; box-drawing borders separate words like spaces.
pub fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || ('\u{2500}'..='\u{257f}').contains(&c))
        .filter(|w| !w.is_empty())
}

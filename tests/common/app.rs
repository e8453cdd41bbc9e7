//! The whole app driven in-process, the way helix and gitui test themselves: real key events
//! through the keymap and the reducer, effects run by the real runner against the simulator
//! over HTTP, and the screen drawn on ratatui's `TestBackend`. Every wait has a timeout.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kdoc::app::model::AppMsg;
use kdoc::app::{Options, Session};
use kdoc::cluster::kubeconfig;
use kdoc::config::keymap::Keymap;
use kdoc::config::theme::Theme;
use kdoc::core::state::{Msg, Scope};
use kdoc::sim::Sim;

use super::ui::text;

pub const WAIT: Duration = Duration::from_secs(20);

pub struct Harness {
    pub session: Session,
    pub width: u16,
    pub height: u16,
}

/// A kubeconfig's target for `yaml` (its current context unless `context`).
pub async fn target(yaml: &str, context: Option<&str>) -> kubeconfig::Target {
    let kc = kube::config::Kubeconfig::from_yaml(yaml).expect("a valid kubeconfig");
    kubeconfig::from_kubeconfig(kc, context)
        .await
        .expect("the kubeconfig resolves")
}

impl Harness {
    /// kdoc on `sim`'s own kubeconfig, all namespaces, 120x35, built-in keymap.
    pub async fn start(sim: &Sim) -> Harness {
        Harness::with(
            target(&sim.kubeconfig(), None).await,
            Keymap::builtin(),
            Scope::All,
        )
        .await
    }

    pub async fn with(target: kubeconfig::Target, keymap: Keymap, scope: Scope) -> Harness {
        Harness::with_options(options(target, keymap, scope))
    }

    /// kdoc with options of the test's choosing (see [`options`] for the usual ones).
    pub fn with_options(opts: Options) -> Harness {
        let mut session = Session::start(&opts).expect("the app starts");
        session.send(AppMsg::Core(Msg::Resize(120, 35)));
        session.app.state.version = "9.9.9";
        Harness {
            session,
            width: 120,
            height: 35,
        }
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.width = w;
        self.height = h;
        self.session.send(AppMsg::Core(Msg::Resize(w, h)));
    }

    /// Feed everything the cluster has said so far to the app.
    pub fn drain(&mut self) {
        while let Ok(m) = self.session.rx.try_recv() {
            self.session.send(AppMsg::Core(Msg::Cluster(m)));
        }
    }

    /// Press keys written as in a keymap file, separated by spaces: "j", "G", "enter",
    /// "ctrl-d", "esc". Returns true if the app asked to quit.
    pub fn press(&mut self, keys: &str) -> bool {
        let mut quit = false;
        for k in keys.split_whitespace() {
            quit |= self.session.send(AppMsg::Key(key(k)));
        }
        quit
    }

    /// Press keys like [`Harness::press`] and return the effects they asked for (after running
    /// them, except clipboard writes, which would land on the test's own terminal).
    pub fn press_effects(&mut self, keys: &str) -> Vec<kdoc::core::effect::Effect> {
        let mut all = vec![];
        for k in keys.split_whitespace() {
            let effects = self.session.app.update(AppMsg::Key(key(k)));
            let run: Vec<_> = effects
                .iter()
                .filter(|e| !matches!(e.kind, kdoc::core::effect::EffectKind::Copy(_)))
                .cloned()
                .collect();
            kdoc::app::run_effects(&self.session.runner, run);
            all.extend(effects);
        }
        all
    }

    /// Type text into the prompt, character by character.
    pub fn type_text(&mut self, s: &str) {
        for c in s.chars() {
            self.session.send(AppMsg::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
    }

    pub fn screen(&mut self) -> String {
        self.drain();
        let app = &self.session.app;
        // The simulator stamps objects with the wall clock: draw at the wall clock too.
        let theme = kdoc::config::theme::Theme::builtin();
        let view = kdoc::ui::View {
            theme: &theme,
            keymap: &app.keymap,
            input: &app.input,
            now: jiff::Timestamp::now(),
        };
        let mut term =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(self.width, self.height))
                .expect("a test terminal");
        term.draw(|f| kdoc::ui::draw(f, &app.state, &view))
            .expect("drawing succeeds");
        text(term.backend().buffer())
    }

    /// Wait (processing cluster messages) until the screen satisfies `pred`; panics with the
    /// last screen after `WAIT`.
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_until(what, |screen, _| pred(screen)).await
    }

    /// Wait (processing cluster messages) until the screen and the app's state satisfy `pred`;
    /// panics with the last screen after `WAIT`.
    pub async fn wait_until(
        &mut self,
        what: &str,
        pred: impl Fn(&str, &kdoc::core::state::AppState) -> bool,
    ) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let s = self.screen();
            if pred(&s, &self.session.app.state) {
                return s;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen:\n{s}");
            }
            match tokio::time::timeout(Duration::from_millis(100), self.session.rx.recv()).await {
                Ok(Some(m)) => {
                    self.session.send(AppMsg::Core(Msg::Cluster(m)));
                }
                Ok(None) => panic!("the cluster channel closed while waiting for {what}"),
                // Quiet: the clock moves on, as the app's own ticks make it.
                Err(_) => {
                    self.session
                        .send(AppMsg::Core(Msg::Tick(jiff::Timestamp::now())));
                }
            }
        }
    }

    pub async fn wait_text(&mut self, needle: &str) -> String {
        self.wait_for(needle, |s| s.contains(needle)).await
    }
}

/// The options [`Harness::with`] starts kdoc with: the built-in theme, no profiles, not
/// read-only.
pub fn options(target: kubeconfig::Target, keymap: Keymap, scope: Scope) -> Options {
    Options {
        target,
        scope,
        readonly: false,
        keymap,
        theme: Theme::builtin(),
        notices: vec![],
        offline: None,
        profiles: vec![],
        logs: Default::default(),
        favourites: vec![],
    }
}

/// A key event from its keymap spelling.
pub fn key(spec: &str) -> KeyEvent {
    let (mods, base) = match spec.strip_prefix("ctrl-") {
        Some(rest) => (KeyModifiers::CONTROL, rest),
        None => (KeyModifiers::NONE, spec),
    };
    let code = match base {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "insert" => KeyCode::Insert,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        s if s.chars().count() == 1 => KeyCode::Char(s.chars().next().unwrap_or(' ')),
        other => panic!("unknown key {other:?} in a test"),
    };
    let mods = if matches!(code, KeyCode::Char(c) if c.is_ascii_uppercase()) {
        mods | KeyModifiers::SHIFT
    } else {
        mods
    };
    KeyEvent::new(code, mods)
}

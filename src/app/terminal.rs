//! Raw mode and the alternate screen, always undone: on drop, and from the panic hook.

use std::io::{Stdout, stdout};

use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Owns the terminal while the TUI runs; dropping it restores the shell's terminal.
pub struct Guard {
    pub term: Term,
}

pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

impl Guard {
    pub fn enter() -> Result<Guard, String> {
        install_panic_hook();
        enable_raw_mode().map_err(|e| format!("cannot put the terminal in raw mode: {e}"))?;
        if let Err(e) = execute!(stdout(), EnterAlternateScreen) {
            restore();
            return Err(format!("cannot switch to the alternate screen: {e}"));
        }
        let term = Terminal::new(CrosstermBackend::new(stdout())).map_err(|e| {
            restore();
            format!("cannot start drawing: {e}")
        })?;
        Ok(Guard { term })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// SIGTERM, SIGHUP and SIGINT end kdoc like `q` does, so the guard restores the terminal
/// (raw mode off, cursor shown, main screen back) instead of the process dying in raw mode.
pub struct Signals {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn new() -> Result<Signals, String> {
        use tokio::signal::unix::{SignalKind, signal};
        let on = |k: SignalKind| signal(k).map_err(|e| format!("cannot watch for signals: {e}"));
        Ok(Signals {
            term: on(SignalKind::terminate())?,
            hup: on(SignalKind::hangup())?,
            int: on(SignalKind::interrupt())?,
        })
    }

    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
            _ = self.int.recv() => {}
        }
    }
}

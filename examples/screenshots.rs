//! `cargo run --example screenshots`: regenerate `screenshots/*.png`. It starts the demo
//! simulator in-process, drives kdoc with keys the way a person would, and paints the app's
//! own buffer (ratatui's `TestBackend`) into PNGs with the bundled DejaVu Sans Mono
//! (`screenshots/font/`, its licence beside it): no terminal, no network, no screen capture.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kdoc::app::model::AppMsg;
use kdoc::app::{Options, Session};
use kdoc::config::keymap::Keymap;
use kdoc::config::theme::Theme;
use kdoc::core::state::{Msg, Scope};
use kdoc::sim::{Sim, SimConfig};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const W: u16 = 120;
const H: u16 = 35;
/// Pixels per cell and the font size that fills it.
const CELL_W: u32 = 10;
const CELL_H: u32 = 20;
const FONT_PX: f32 = 16.5;
const BG: [u8; 3] = [0x1e, 0x1e, 0x24];
const FG: [u8; 3] = [0xd8, 0xd8, 0xd8];

static REGULAR: &[u8] = include_bytes!("../screenshots/font/DejaVuSansMono.ttf");
static BOLD: &[u8] = include_bytes!("../screenshots/font/DejaVuSansMono-Bold.ttf");

/// The xterm palette for the 16 named colours.
fn rgb(c: Color, default: [u8; 3]) -> [u8; 3] {
    match c {
        Color::Reset => default,
        Color::Black => [0x00, 0x00, 0x00],
        Color::Red => [0xcd, 0x00, 0x00],
        Color::Green => [0x00, 0xcd, 0x00],
        Color::Yellow => [0xcd, 0xcd, 0x00],
        Color::Blue => [0x3b, 0x78, 0xff],
        Color::Magenta => [0xcd, 0x00, 0xcd],
        Color::Cyan => [0x00, 0xcd, 0xcd],
        Color::Gray => [0xe5, 0xe5, 0xe5],
        Color::DarkGray => [0x7f, 0x7f, 0x7f],
        Color::LightRed => [0xff, 0x55, 0x55],
        Color::LightGreen => [0x55, 0xff, 0x55],
        Color::LightYellow => [0xff, 0xff, 0x55],
        Color::LightBlue => [0x5c, 0x5c, 0xff],
        Color::LightMagenta => [0xff, 0x55, 0xff],
        Color::LightCyan => [0x55, 0xff, 0xff],
        Color::White => [0xff, 0xff, 0xff],
        Color::Rgb(r, g, b) => [r, g, b],
        Color::Indexed(i) => [i, i, i],
    }
}

/// The buffer painted cell by cell: background, then the glyph blended over it.
fn paint(buf: &Buffer, path: &Path) -> Result<(), String> {
    let regular = FontRef::try_from_slice(REGULAR).map_err(|e| e.to_string())?;
    let bold = FontRef::try_from_slice(BOLD).map_err(|e| e.to_string())?;
    let (cols, rows) = (u32::from(buf.area.width), u32::from(buf.area.height));
    let (pw, ph) = (cols * CELL_W, rows * CELL_H);
    let mut px = vec![0u8; (pw * ph * 3) as usize];
    for y in 0..rows {
        for x in 0..cols {
            let cell = &buf[(x as u16, y as u16)];
            let mut fg = rgb(cell.fg, FG);
            let mut bg = rgb(cell.bg, BG);
            if cell.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            for dy in 0..CELL_H {
                for dx in 0..CELL_W {
                    let i = (((y * CELL_H + dy) * pw + x * CELL_W + dx) * 3) as usize;
                    px[i..i + 3].copy_from_slice(&bg);
                }
            }
            let Some(ch) = cell.symbol().chars().next().filter(|c| *c != ' ') else {
                continue;
            };
            if box_line(&mut px, pw, x, y, ch, fg) {
                continue;
            }
            let font = if cell.modifier.contains(Modifier::BOLD) {
                &bold
            } else {
                &regular
            };
            let scaled = font.as_scaled(PxScale::from(FONT_PX));
            let glyph = scaled.scaled_glyph(ch);
            let baseline =
                (y * CELL_H) as f32 + scaled.ascent() + (CELL_H as f32 - scaled.height()) / 2.0;
            let glyph = ab_glyph::Glyph {
                position: ab_glyph::point((x * CELL_W) as f32, baseline),
                ..glyph
            };
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cov| {
                let (px_x, px_y) = (
                    b.min.x as i64 + i64::from(gx),
                    b.min.y as i64 + i64::from(gy),
                );
                if px_x < 0 || px_y < 0 || px_x >= i64::from(pw) || px_y >= i64::from(ph) {
                    return;
                }
                let i = ((px_y as u32 * pw + px_x as u32) * 3) as usize;
                for k in 0..3 {
                    let under = f32::from(px[i + k]);
                    px[i + k] = (under + (f32::from(fg[k]) - under) * cov.min(1.0)) as u8;
                }
            });
        }
    }
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), pw, ph);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc
        .write_header()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    w.write_image_data(&px)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Box-drawing characters as lines through the cell's middle, edge to edge, so borders join
/// (a font's glyphs stop short of a cell taller than the font). False for other characters.
fn box_line(px: &mut [u8], pw: u32, x: u32, y: u32, ch: char, fg: [u8; 3]) -> bool {
    // (left, right, up, down) arms.
    let arms = match ch {
        '─' => (true, true, false, false),
        '│' => (false, false, true, true),
        '┌' | '╭' => (false, true, false, true),
        '┐' | '╮' => (true, false, false, true),
        '└' | '╰' => (false, true, true, false),
        '┘' | '╯' => (true, false, true, false),
        '├' => (false, true, true, true),
        '┤' => (true, false, true, true),
        '┬' => (true, true, false, true),
        '┴' => (true, true, true, false),
        '┼' => (true, true, true, true),
        _ => return false,
    };
    let (cx, cy) = (x * CELL_W + CELL_W / 2 - 1, y * CELL_H + CELL_H / 2 - 1);
    // Two pixels thick, so a line survives an image viewer's downscaling.
    let mut dot = |px_x: u32, px_y: u32| {
        for (ax, ay) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
            let i = (((px_y + ay) * pw + px_x + ax) * 3) as usize;
            if i + 3 <= px.len() {
                px[i..i + 3].copy_from_slice(&fg);
            }
        }
    };
    if arms.0 {
        (x * CELL_W..=cx).for_each(|i| dot(i, cy));
    }
    if arms.1 {
        (cx..(x + 1) * CELL_W - 1).for_each(|i| dot(i, cy));
    }
    if arms.2 {
        (y * CELL_H..=cy).for_each(|j| dot(cx, j));
    }
    if arms.3 {
        (cy..(y + 1) * CELL_H - 1).for_each(|j| dot(cx, j));
    }
    true
}

fn key(spec: &str) -> KeyEvent {
    let (mods, base) = match spec.strip_prefix("ctrl-") {
        Some(rest) => (KeyModifiers::CONTROL, rest),
        None => (KeyModifiers::NONE, spec),
    };
    let code = match base {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "space" => KeyCode::Char(' '),
        s => KeyCode::Char(s.chars().next().unwrap_or(' ')),
    };
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => mods | KeyModifiers::SHIFT,
        _ => mods,
    };
    KeyEvent::new(code, mods)
}

struct Shots {
    session: Session,
    out: PathBuf,
    theme: Theme,
}

impl Shots {
    fn drain(&mut self) {
        while let Ok(m) = self.session.rx.try_recv() {
            self.session.send(AppMsg::Core(Msg::Cluster(m)));
        }
    }

    fn press(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            self.session.send(AppMsg::Key(key(k)));
        }
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.session.send(AppMsg::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
    }

    fn buffer(&mut self) -> Buffer {
        self.drain();
        self.session
            .send(AppMsg::Core(Msg::Tick(jiff::Timestamp::now())));
        let app = &self.session.app;
        let view = kdoc::ui::View {
            theme: &self.theme,
            keymap: &app.keymap,
            input: &app.input,
            now: jiff::Timestamp::now(),
        };
        let mut term = ratatui::Terminal::new(TestBackend::new(W, H)).expect("a test terminal");
        term.draw(|f| kdoc::ui::draw(f, &app.state, &view))
            .expect("drawing succeeds");
        term.backend().buffer().clone()
    }

    /// Wait (feeding the app what the cluster says) until the screen shows `needle`.
    async fn wait(&mut self, needle: &str) -> Result<(), String> {
        let start = Instant::now();
        loop {
            let text = text(&self.buffer());
            if text.contains(needle) {
                return Ok(());
            }
            if start.elapsed() > Duration::from_secs(30) {
                return Err(format!("{needle:?} never showed; the screen:\n{text}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn shot(&mut self, name: &str, needle: &str) -> Result<(), String> {
        self.wait(needle).await?;
        // A moment more, so streams that are still arriving settle.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let buf = self.buffer();
        let path = self.out.join(format!("{name}.png"));
        paint(&buf, &path)?;
        println!("wrote {}", path.display());
        Ok(())
    }
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), String> {
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let sim = Sim::start(SimConfig {
        scenario: kdoc::sim::scenario::builtin(
            "mlops",
            &kdoc::sim::scenario::load::LoadSpec::default(),
        )?,
        // Four times faster: the KServe pod's containers have started and logged by then.
        speed: 4.0,
        ..SimConfig::default()
    })
    .await?;
    let kc = kube::config::Kubeconfig::from_yaml(&sim.kubeconfig()).map_err(|e| e.to_string())?;
    let target = kdoc::cluster::kubeconfig::from_kubeconfig(kc, None).await?;
    let theme = Theme::builtin();
    let opts = Options {
        target,
        scope: Scope::All,
        readonly: false,
        keymap: Keymap::builtin(),
        theme: theme.clone(),
        notices: vec![],
        offline: None,
        profiles: vec![],
        logs: Default::default(),
        favourites: vec![],
    };
    let mut session = Session::start(&opts)?;
    session.send(AppMsg::Core(Msg::Resize(W, H)));
    let mut s = Shots {
        session,
        out,
        theme,
    };
    s.shot("pods", "iris-demo-kaniko").await?;
    s.press("w");
    s.shot("workflows", "mistral-24b").await?;
    s.press("/");
    s.typed("iris-demo");
    s.press("enter enter");
    s.shot("workflow-steps", "build-image").await?;
    s.press("j j enter");
    s.shot("containers", "main").await?;
    s.press("esc esc esc esc p");
    s.press("/");
    s.typed("iris-model-predictor");
    s.press("enter l E w");
    s.shot("logs", "i/o timeout").await?;
    s.press("esc esc esc esc p");
    s.press("/");
    s.typed("iris-demo-kaniko");
    s.press("enter D");
    s.shot("doctor", "· done").await?;
    s.press("esc esc esc :");
    s.typed("svc");
    s.press("enter");
    s.shot("services", "iris-default").await?;
    s.press(":");
    s.typed("pf svc/mlflow 5000 -n mlflow");
    s.press("enter");
    s.press("f");
    s.shot("forwards", "active").await?;
    s.press("esc esc p /");
    s.typed("iris-default-0");
    s.press("enter y");
    s.shot("yaml", "kind: Pod").await?;
    s.press("esc d");
    s.wait("Name:").await?;
    s.press("G");
    s.shot("describe", "Events:").await?;
    drop(sim);
    Ok(())
}

//! The pods pane in each shipped theme, and with NO_COLOR, colours and all: the snapshots are
//! ratatui's `Debug` of the buffer, the text then every change of style (fg, bg, modifier) with
//! where it starts. Review them with `cargo insta review`.

mod common;

use kdoc::config::theme::{KIND, Theme};
use kdoc::core::actions::Action;
use kdoc::core::state::{Msg, Scope};
use ratatui::style::{Color, Modifier};

use common::ui::{mlops_state, render_themed};

/// The mlops pods, all namespaces, the third row selected, at 100x16.
fn pods_in(theme: &Theme) -> ratatui::buffer::Buffer {
    let mut s = mlops_state(Scope::All);
    s.update(Msg::Action(Action::Down));
    s.update(Msg::Action(Action::Down));
    render_themed(&s, theme, 100, 16)
}

#[test]
fn pods_in_each_shipped_theme() {
    for (name, _) in KIND.shipped {
        let (theme, problems) = Theme::shipped(name).expect("a shipped theme");
        assert!(problems.is_empty(), "{problems:#?}");
        let buf = pods_in(&theme);
        // The selected row (y 6: the header's 2 lines, the border, the column names, 2 rows) has the selection's
        // colours.
        let cell = &buf[(5, 6)];
        assert_eq!(
            (cell.fg, cell.bg),
            (theme.selected_fg, theme.selected_bg),
            "{name}"
        );
        insta::assert_snapshot!(format!("pods_theme_{name}"), format!("{buf:?}"));
    }
}

#[test]
fn pods_with_no_color() {
    let theme = Theme::builtin().without_colour();
    let buf = pods_in(&theme);
    for cell in buf.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
    assert!(
        buf[(5, 6)].modifier.contains(Modifier::REVERSED),
        "the selection shows"
    );
    insta::assert_snapshot!("pods_theme_no_color", format!("{buf:?}"));
}

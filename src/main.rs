//! kdoc: entry point. Parses the command line and runs the chosen command.

mod cli;

use clap::Parser;

use cli::{Cli, Command};

fn main() {
    kdoc::app::trace::mark_start();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kdoc: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = match cli.command {
        Some(Command::Sim(args)) => runtime.block_on(cli::sim_cmd::run(args)).map(|()| 0),
        Some(Command::Logs(args)) => runtime.block_on(cli::logs_cmd::run(*args)),
        Some(Command::Doctor(args)) => Ok(runtime.block_on(cli::doctor_cmd::run(*args))),
        Some(Command::PortForward(args)) => runtime.block_on(cli::port_forward_cmd::run(*args)),
        Some(Command::Config(cmd)) => Ok(cli::config_cmd::run(cmd)),
        None => runtime.block_on(cli::tui_cmd::run(cli.tui)).map(|()| 0),
    };
    match result {
        Ok(0) => {}
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("kdoc: {e}");
            std::process::exit(2);
        }
    }
}

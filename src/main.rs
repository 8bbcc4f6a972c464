use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = bcdc_lsp::cli::Cli::parse();
    bcdc_lsp::cli::run(cli)
}

//! The command line: `prizegen up`, `prizegen serve <service>`, `prizegen verify`, `load`,
//! `healthcheck`, `audit verify`, and the lab tools `stream` and `outcomes`.
//! Every flag of the services has an environment fallback (SPEC §1), so containers configure by
//! environment.

mod args;
mod audit;
mod healthcheck;
mod outcomes;
mod pipe;
mod secrets;
mod stream;
mod up;
mod verify;

use crate::app;
use crate::server::ServeOptions;
use args::{Cli, Command, ServeCommand};
use clap::Parser;
use prizegen_domain::fairness::Service;
use std::process::ExitCode;

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init(cli.log_format);
    // The offline commands need no async runtime.
    match &cli.command {
        Command::Verify(args) => return verify::run(args),
        Command::Stream(args) => return stream::run(args),
        Command::Outcomes(args) => return outcomes::run(args),
        _ => {}
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("prizegen: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Command::Load(args) = cli.command {
        return runtime.block_on(load(args));
    }
    if let Command::Audit { command: args::AuditCommand::Verify(args) } = &cli.command {
        return runtime.block_on(audit::run(args));
    }
    if let Command::Healthcheck(args) = cli.command {
        return runtime.block_on(healthcheck::run(&args.url, args.timeout, &args.tls.options()));
    }
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "prizegen stopped");
            eprintln!("prizegen: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    // Traces, when the OTEL_* variables ask for them; what is queued is sent before the exit.
    crate::trace::export::init_from_env().map_err(|e| e.context("the OpenTelemetry settings"))?;
    let result = match command {
        Command::Up(args) => up::run(args).await,
        Command::Serve { service } => serve(service).await,
        Command::Verify(_)
        | Command::Load(_)
        | Command::Healthcheck(_)
        | Command::Stream(_)
        | Command::Outcomes(_)
        | Command::Audit { .. } => unreachable!("handled before"),
    };
    crate::trace::export::shutdown(std::time::Duration::from_secs(5)).await;
    result
}

/// `prizegen load`: exit 0 when every request succeeded, 1 when any failed.
async fn load(args: args::LoadArgs) -> ExitCode {
    let options = crate::load::LoadOptions {
        target: args.url,
        game: args.game,
        concurrency: args.concurrency,
        duration: args.duration,
        requests: args.requests,
        rate: args.rate,
        timeout: args.timeout,
        progress: !args.json,
        tls: args.tls.options(),
        player: match (args.token, args.player) {
            (Some(token), _) => crate::load::PlayerMode::Token(token),
            (None, true) => crate::load::PlayerMode::Register,
            (None, false) => crate::load::PlayerMode::Anonymous,
        },
    };
    let report = match crate::load::run(options).await {
        Ok(report) => report,
        Err(error) => {
            eprintln!("prizegen load: {error}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("prizegen load: {e}"),
        }
    } else {
        println!("{report}");
    }
    if report.failed == 0 && report.requests > 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

async fn serve(command: ServeCommand) -> anyhow::Result<()> {
    use anyhow::Context;
    let (app, listen, lifecycle) = match command {
        ServeCommand::Frontend(args) => {
            let config = args.config()?;
            (app::frontend(&config, args.instance.clone()).await?, args.listen, args.lifecycle)
        }
        ServeCommand::Letters(args) => generator(Service::Letters, args)?,
        ServeCommand::Numbers(args) => generator(Service::Numbers, args)?,
        ServeCommand::Rules(args) => generator(Service::Rules, args)?,
    };
    let listener =
        tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    tracing::info!(
        service = app.identity.service,
        served_by = %app.identity.served_by(),
        address = %listener.local_addr()?,
        "serving"
    );
    app.serve(listener, shutdown_signal(), lifecycle.options()).await;
    tracing::info!("stopped");
    Ok(())
}

fn generator(
    service: Service,
    args: args::GeneratorArgs,
) -> anyhow::Result<(app::App, std::net::SocketAddr, args::LifecycleArgs)> {
    let listen = args.listen_or_default(service);
    Ok((app::generator(service, args.imp, args.instance, args.batch_route)?, listen, args.lifecycle))
}

/// Completes on SIGTERM (how orchestrators stop containers) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

impl args::LifecycleArgs {
    fn options(&self) -> ServeOptions {
        ServeOptions { drain_delay: self.drain_delay, shutdown_timeout: self.shutdown_timeout }
    }
}

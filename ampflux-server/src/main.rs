//! `ampflux-server serve | worker | migrate`.

#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::process::ExitCode;

use ampflux_server::app;
use ampflux_server::config::Config;
use ampflux_server::telemetry;
use clap::{Parser, Subcommand};

/// The hosted AmpFlux API. Configuration comes from the environment and `.env`
/// (see ampflux-server/README.md); flags override it.
#[derive(Parser)]
#[command(name = "ampflux-server", version)]
struct Cli {
    #[command(subcommand)]
    role: Role,
}

#[derive(Subcommand)]
enum Role {
    /// The API, the web page and the docs; with an in-process worker unless --no-worker.
    Serve {
        /// Listen address (default AMPFLUX_BIND or 127.0.0.1:8000).
        #[arg(long)]
        bind: Option<SocketAddr>,
        /// Do not run simulation jobs in this process (run `ampflux-server worker` instead).
        #[arg(long)]
        no_worker: bool,
    },
    /// Runs simulation jobs from the shared queue.
    Worker {
        /// Jobs at a time (default AMPFLUX_WORKER_CONCURRENCY or 1).
        #[arg(long)]
        concurrency: Option<usize>,
    },
    /// Applies the database migrations and exits.
    Migrate,
    /// The operator's tasks on the server's database: companies and their plans.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Lists the companies with their plans.
    Companies,
    /// Changes a company's license (plan, status, end date).
    License {
        /// The company: its id, or the email of its company_admin.
        #[arg(long)]
        company: String,
        /// free, pro or enterprise.
        #[arg(long)]
        plan: Option<String>,
        /// active or suspended.
        #[arg(long)]
        status: Option<String>,
        /// End of the license (RFC 3339), or `none`.
        #[arg(long)]
        end_date: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ampflux-server: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init_logs(config.log_format);
    let result = match cli.role {
        Role::Serve { bind, no_worker } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            if no_worker {
                config.jobs.in_process_worker = false;
            }
            app::serve(config).await
        }
        Role::Worker { concurrency } => {
            if let Some(n) = concurrency.filter(|n| *n > 0) {
                config.jobs.concurrency = n;
            }
            app::worker(config).await
        }
        Role::Migrate => app::migrate(config).await,
        Role::Admin { task } => {
            let task = match task {
                AdminTask::Companies => app::AdminTask::Companies,
                AdminTask::License {
                    company,
                    plan,
                    status,
                    end_date,
                } => app::AdminTask::License {
                    company,
                    plan,
                    status,
                    end_date,
                },
            };
            app::admin(config, task).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "failed to start");
            eprintln!("ampflux-server: {e}");
            ExitCode::FAILURE
        }
    }
}

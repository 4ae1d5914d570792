//! `qiao-server`: run the CRM, or administer it from the command line.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use server::db::Db;
use server::people::{self, BootstrapError};
use server::{Config, start};
use shared::api::SetupRequest;

/// Bursts of pushes and pulls allocate and free megabytes on many threads (the runtime's and
/// each SQLite connection's); mimalloc returns that memory, where glibc's allocator keeps a
/// growing arena per thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT_DB: &str = "sqlite://./data/qiao.db";
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Parser)]
#[command(
    name = "qiao-server",
    version,
    about = "Qiao CRM server: API, sync and the web app in one binary"
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Options for serving when no command is given.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the CRM (the default when no command is given).
    Serve(ServeArgs),
    /// Administer users from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Fill an empty database with a demo company: admin@demo.local, manager@demo.local and
    /// sales1@demo.local … sales4@demo.local, with accounts, contacts, leads, deals and
    /// activities.
    Demo {
        #[command(flatten)]
        db: DbArg,
        /// Contacts to create (a fifth as many accounts and deals, a tenth as many leads, as
        /// many activities).
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=2_000_000))]
        records: u64,
        /// The demo people's password.
        #[arg(long, default_value = "demo-pass-1")]
        password: String,
        /// Custom fields of mixed types to add to contacts, each filled in every contact.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=20))]
        custom_fields: u64,
    },
}

#[derive(Debug, clap::Args)]
struct DbArg {
    /// Database URL: sqlite://PATH (created if missing) or postgres://USER@HOST/DB.
    #[arg(long, env = "QIAO_DB", default_value = DEFAULT_DB)]
    db: String,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArg,
    /// Address to listen on.
    #[arg(long, env = "QIAO_LISTEN", default_value = DEFAULT_LISTEN)]
    listen: String,
    /// Days a sign-in lasts.
    #[arg(long, env = "QIAO_SESSION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=365))]
    session_days: u64,
    /// Mark the session cookie Secure; set this when users reach the server over HTTPS.
    #[arg(long, env = "QIAO_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Log format.
    #[arg(long, env = "QIAO_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Open connections at most (0: what the open-file limit allows).
    #[arg(long, env = "QIAO_MAX_CONNECTIONS", default_value_t = 0)]
    max_connections: usize,
    /// Open connections from one address at most (an office behind one NAT counts once).
    #[arg(long, env = "QIAO_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..))]
    max_connections_per_address: u64,
    /// Largest file an upload may be, in megabytes.
    #[arg(long, env = "QIAO_MAX_UPLOAD_MB", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1024))]
    max_upload_mb: u64,
    /// Keep uploaded files' bytes in this directory instead of the database (back it up with
    /// the database).
    #[arg(long, env = "QIAO_FILES_DIR")]
    files_dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an admin (and the company, on an empty database).
    Create {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        /// Display name; defaults to the part of the email before the @.
        #[arg(long)]
        name: Option<String>,
        /// Company name, used when the database has no company yet.
        #[arg(long, default_value = "公司")]
        company: String,
    },
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("QIAO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    match format {
        LogFormat::Text => builder.compact().init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve(cli.serve));
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Admin {
            command:
                AdminCommand::Create {
                    db,
                    email,
                    password,
                    name,
                    company,
                },
        } => {
            init_logs(LogFormat::Text);
            admin_create(&db.db, email, password, name, company).await
        }
        Command::Demo {
            db,
            records,
            password,
            custom_fields,
        } => demo(&db.db, records, &password, custom_fields).await,
    }
}

async fn demo(db_url: &str, records: u64, password: &str, custom_fields: u64) -> ExitCode {
    if let Err(problem) = shared::Password::parse(password, None) {
        eprintln!("qiao-server: --password: {problem}");
        return ExitCode::from(2);
    }
    let db = match Db::open(db_url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("qiao-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    let result = server::demo::fill_with(
        &db,
        usize::try_from(records).unwrap_or(usize::MAX),
        password,
        usize::try_from(custom_fields).unwrap_or(0),
    )
    .await;
    db.close().await;
    match result {
        Ok(filled) => {
            println!(
                "Demo company ready in {:.1} s: {} people, {} accounts, {} contacts, {} leads, \
                 {} deals, {} activities. Sign in as admin@demo.local, manager@demo.local or \
                 sales1@demo.local … sales4@demo.local.",
                started.elapsed().as_secs_f64(),
                filled.users,
                filled.accounts,
                filled.contacts,
                filled.leads,
                filled.deals,
                filled.activities
            );
            ExitCode::SUCCESS
        }
        Err(e @ server::demo::DemoError::NotEmpty) => {
            eprintln!("qiao-server: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("qiao-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> ExitCode {
    init_logs(args.log_format);
    let mut config = Config::new(args.db.db, args.listen);
    config.session_ttl = Duration::from_secs(args.session_days * 24 * 3600);
    config.secure_cookies = args.secure_cookies;
    config.connections.max_connections = args.max_connections;
    config.connections.per_address =
        usize::try_from(args.max_connections_per_address).unwrap_or(usize::MAX);
    config.max_upload = usize::try_from(args.max_upload_mb * 1024 * 1024).unwrap_or(usize::MAX);
    config.files_dir = args.files_dir;
    let running = match start(config.clone(), shutdown_signal()).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("qiao-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !server::web::app_is_embedded() {
        tracing::warn!("the web app is not built into this binary; only the API is available");
    }
    tracing::info!(url = %running.url(), db = running.db.backend().as_str(), "Qiao is listening");
    println!("Qiao is running at {}", running.url());
    match running.wait().await {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("qiao-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn admin_create(
    db_url: &str,
    email: String,
    password: String,
    name: Option<String>,
    company: String,
) -> ExitCode {
    let display_name =
        name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    let request = SetupRequest {
        company_name: company,
        display_name,
        email,
        password,
    };
    let setup = match request.validate() {
        Ok(setup) => setup,
        Err(errors) => {
            for e in errors {
                eprintln!(
                    "qiao-server: --{}: {}",
                    e.field
                        .replace("display_name", "name")
                        .replace("company_name", "company"),
                    e.problem
                );
            }
            return ExitCode::from(2);
        }
    };
    let db = match Db::open(db_url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("qiao-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = people::bootstrap_admin(&db, &setup, false).await;
    db.close().await;
    match result {
        Ok(user) => {
            println!("Created admin {} ({}).", user.email, user.id);
            ExitCode::SUCCESS
        }
        Err(BootstrapError::EmailTaken) => {
            eprintln!(
                "qiao-server: a user with the email {} already exists",
                setup.email
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("qiao-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down");
}

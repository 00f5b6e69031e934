//! `juxta-mock`: run the fake provider as a process (CLI tests, benchmarks, demos without keys).

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Parser;
use juxta_mock::MockServer;

/// A local fake of the OpenAI (Chat and Responses), Anthropic and Gemini streaming APIs with scripted faults.
/// Pick a scenario with the model name, e.g. `normal`, `drop@after=5`, `stall@keepalive=100`.
#[derive(Parser, Debug)]
#[command(name = "juxta-mock", version)]
struct Args {
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// 0 picks a free port; the first stdout line says which.
    #[arg(long, default_value_t = 7878)]
    port: u16,
    /// Fixtures for `replay@file=...` (default: ../shared/fixtures if it exists).
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Answer 401 unless requests carry exactly this key.
    #[arg(long)]
    require_key: Option<String>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let fixtures = args.fixtures.or_else(|| {
        let default = PathBuf::from("../shared/fixtures");
        default.is_dir().then_some(default)
    });
    let mut builder = MockServer::builder()
        .addr(SocketAddr::new(args.host, args.port))
        .fixtures_dir(fixtures);
    if let Some(key) = args.require_key {
        builder = builder.require_key(key);
    }
    let server = builder.start().await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "juxta-mock listening on {}", server.base_url())?;
        out.flush()?;
    }
    tokio::signal::ctrl_c().await?;
    server.shutdown();
    Ok(())
}

//! Command-line arguments.

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "juxta",
    version,
    about = "Compare language models side by side, from a terminal."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Send one prompt to several models at once and stream every answer (with tools, a tool loop,
    /// structured output and routing if asked).
    #[command(after_help = "Examples:\n  \
        juxta compare -m openai:gpt-4o-mini -m anthropic:claude-haiku-4-5 \"Explain CRDTs in two lines\"\n  \
        juxta compare -m openai:gpt-4o-mini -m anthropic:claude-haiku-4-5 --tools tools.json \\\n    \
        --tool-result get_weather='{\"temp\":21}' --max-steps 4 \"Weather in Paris and Tokyo?\"\n  \
        juxta compare -m openai:gpt-4o-mini -m gemini:gemini-2.5-flash --schema city.json --json \"Describe Lyon\"")]
    Compare(Box<CompareArgs>),
    /// Run the same panes many times (per prompt-set row, per repetition) and measure them: latency
    /// percentiles, error rates by class, retries, cost per run and per 1,000, substitutions.
    #[command(after_help = "Examples:\n  \
        juxta bench -m openai:gpt-4o-mini -m openrouter:openai/gpt-4o-mini --runs 50 \"Explain CRDTs in two lines\"\n  \
        juxta bench -m anthropic:claude-haiku-4-5 --inputs cities.csv --runs 3 --concurrency 2 --rps 1 \\\n    \
        --csv runs.csv \"Describe {{city}} in one sentence\"\n  \
        juxta bench -m openai:gpt-4o-mini --runs 20 --retries 0 --json > bench.json\n\n\
        Exit status: 0 when the benchmark ran (failed runs are results), 2 for a usage error, 130 when stopped \
        with Ctrl-C (the partial report is still printed and saved).")]
    Bench(Box<BenchArgs>),
    /// Store, delete and list provider keys in the system keychain.
    Keys(KeysArgs),
    /// List the models a provider offers (through its models endpoint).
    Models(ModelsArgs),
    /// List the known providers.
    Providers(ProvidersArgs),
    /// List past comparisons, or search them (prompts, answers and titles).
    History(HistoryArgs),
    /// Export a past comparison: Markdown, HTML, JSON (lossless), JSONL (fine-tuning) or CSV.
    Export(ExportArgs),
    /// Import comparisons from a Juxta JSON export into history.
    Import(ImportArgs),
}

/// Providers defined on the command line.
#[derive(Args, Debug, Clone, Default)]
pub struct ProviderDefs {
    /// Define a provider: NAME=PROTOCOL,BASE_URL (PROTOCOL: openai, openai-responses, anthropic, gemini or ollama). Its key comes
    /// from $JUXTA_KEY_<NAME> when set, else the keychain; servers on this machine need none.
    #[arg(
        long = "provider",
        value_name = "NAME=PROTOCOL,BASE_URL",
        global = true
    )]
    pub providers: Vec<String>,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// A pane: PROVIDER:MODEL (repeat for more panes, in order).
    #[arg(
        short = 'm',
        long = "model",
        value_name = "PROVIDER:MODEL",
        required = true
    )]
    pub models: Vec<String>,
    /// The system prompt for every pane.
    #[arg(long)]
    pub system: Option<String>,
    /// A parameter for every pane: temperature, top_p, max_tokens, stop, seed, reasoning_effort, thinking_budget,
    /// or routing between an aggregator's upstreams (sent only to providers that take it, e.g. OpenRouter):
    /// route.order=a,b  route.allow_fallbacks=true|false  route.require_parameters=true|false
    /// route.data_collection=allow|deny  route.zdr=true|false  route.quantizations=fp8,bf16
    /// route.sort=price|throughput|latency.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A parameter for pane N only (1-based), overriding --set: N:KEY=VALUE (KEY may also be `system`).
    #[arg(long = "pane-set", value_name = "N:KEY=VALUE")]
    pub pane_set: Vec<String>,
    /// A fallback for pane N, tried in order when it fails before answering: N:PROVIDER:MODEL.
    #[arg(long = "fallback", value_name = "N:PROVIDER:MODEL")]
    pub fallback: Vec<String>,
    /// Tools every pane may call: a JSON array of `{name, description?, parameters}` or OpenAI's
    /// `{type: "function", function: {name, description, parameters}}`. Calls are checked against `parameters`.
    #[arg(long = "tools", value_name = "FILE.json")]
    pub tools: Option<std::path::PathBuf>,
    /// Whether the models must call a tool: auto, none, required, or the NAME of one of the tools.
    #[arg(long = "tool-choice", value_name = "auto|none|required|NAME")]
    pub tool_choice: Option<String>,
    /// Ask every pane for JSON matching this JSON Schema (named after its `title`, else "answer"; a file
    /// `{name, schema, strict?}` is taken too). Each answer is checked against it.
    #[arg(long = "schema", value_name = "FILE.json")]
    pub schema: Option<std::path::PathBuf>,
    /// A canned result for every call of tool NAME (NAME=@FILE reads it from a file). With results, a pane
    /// that ends with tool calls is continued with them until it answers (the tool loop); repeat per tool.
    #[arg(long = "tool-result", value_name = "NAME=JSON")]
    pub tool_results: Vec<String>,
    /// At most this many requests per pane in a tool loop (the first one included).
    #[arg(long = "max-steps", value_name = "N", default_value_t = 4)]
    pub max_steps: u32,
    /// At most N panes in flight at once on PROVIDER for this run, the others queue (0: no limit).
    #[arg(long = "max-concurrent", value_name = "PROVIDER=N")]
    pub max_concurrent: Vec<String>,
    /// Retries of each model before its fallbacks (only before the first byte, only on retryable errors).
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
    /// Give up on a stream after this many seconds without a byte (keep-alives count).
    #[arg(long = "idle-timeout", value_name = "SECONDS", default_value_t = 300.0)]
    pub idle_timeout: f64,
    /// Print one JSON document when every pane has ended.
    #[arg(long)]
    pub json: bool,
    /// Keep nothing of this run: it is not saved to history.
    #[arg(long)]
    pub private: bool,
    #[command(flatten)]
    pub defs: ProviderDefs,
    /// The prompt, or `-` to read it from stdin.
    pub prompt: String,
}

/// `juxta bench`: the panes and their settings as for `compare`, and the plan.
#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(flatten)]
    pub panes: CompareArgs,
    /// Runs per pane (and per prompt-set row).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub runs: u32,
    /// At most N requests in flight at once per provider.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub concurrency: u32,
    /// Start at most X requests per second over the whole benchmark (default: no pacing).
    #[arg(long, value_name = "X")]
    pub rps: Option<f64>,
    /// A prompt set: a .jsonl file (one object per line) or a .csv file (a header row), whose
    /// values fill the prompt's {{variables}}; every row runs on every pane.
    #[arg(long, value_name = "FILE")]
    pub inputs: Option<std::path::PathBuf>,
    /// Also write every run as CSV (one row per run) to FILE.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<std::path::PathBuf>,
    /// Also write the report as JSON (the `--json` document) to FILE.
    #[arg(long, value_name = "FILE.json")]
    pub out: Option<std::path::PathBuf>,
    /// The name it is kept under in history (default: the prompt's first line).
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Args, Debug)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub action: KeysAction,
    #[command(flatten)]
    pub defs: ProviderDefs,
}

#[derive(Subcommand, Debug)]
pub enum KeysAction {
    /// Store a provider's key (asked for without echo, or read from stdin when piped).
    Set { provider: String },
    /// Delete a provider's key.
    Delete { provider: String },
    /// Show which providers have a key (only the last four characters).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Copy keys from the usual environment variables (OPENAI_API_KEY, ...) into the keychain.
    ImportEnv {
        /// Replace keys already stored.
        #[arg(long)]
        overwrite: bool,
    },
}

#[derive(Args, Debug)]
pub struct ModelsArgs {
    pub provider: String,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub defs: ProviderDefs,
}

#[derive(Args, Debug)]
pub struct ProvidersArgs {
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub defs: ProviderDefs,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// Words to search for (all of them; the last one also as a prefix). None: list the newest.
    pub query: Vec<String>,
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The comparison's id (see `juxta history`), or `last`.
    #[arg(default_value = "last")]
    pub id: String,
    /// md (markdown), html, json, jsonl or csv.
    #[arg(short, long, default_value = "md")]
    pub format: String,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Leave the models' reasoning out of Markdown and HTML.
    #[arg(long)]
    pub no_reasoning: bool,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Juxta JSON export files.
    #[arg(required = true)]
    pub files: Vec<std::path::PathBuf>,
}

//! History: every comparison kept in an embedded SQLite database (WAL), with full-text search.
//! All SQL of the project lives under this module; schema changes are numbered migrations.

pub mod model;

pub use model::{
    Answer, AnswerStatus, Comparison, ExportFile, PaneRecord, PaneSettings, SearchHit, SentRequest, SnippetPart, Summary,
    TargetRef, Timestamp, Turn,
    EXPORT_FORMAT, EXPORT_VERSION,
};

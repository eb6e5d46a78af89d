//! The Redis command table (placeholder until the generator lands).

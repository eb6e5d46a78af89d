//! With the `tracing` feature, each call is one span: script name, SHA1, key
//! count and outcome.

use std::sync::{Arc, Mutex};

use scripts::redis_script;
use scripts_tests::RedisServer;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[redis_script]
async fn touch(con: &mut impl scripts::AsyncConnection, #[key] k: &str) -> scripts::Result<i64> {
    "return redis.call('INCR', KEYS[1])"
}

#[redis_script]
async fn broken(con: &mut impl scripts::AsyncConnection, #[key] k: &str) -> scripts::Result<i64> {
    "return redis.call('LPUSH', KEYS[1], 'x')"
}

/// A span's name and its `name=value` fields.
type SpanRecord = (String, Vec<(String, String)>);

/// Collects every span, in order of creation.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<SpanRecord>>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((
            field.name().to_owned(),
            format!("{value:?}").trim_matches('"').to_owned(),
        ));
    }
}

impl Subscriber for Spans {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut spans = self.0.lock().unwrap();
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        spans.push((span.metadata().name().to_owned(), fields));
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &Id, values: &Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let index = id.into_u64() as usize - 1;
        values.record(&mut Fields(&mut spans[index].1));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

#[tokio::test(flavor = "current_thread")]
async fn every_call_is_one_span_with_its_outcome() {
    let server = RedisServer::start();
    let mut con = server.client().get_multiplexed_async_connection().await.unwrap();
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    touch(&mut con, "t").await.unwrap();
    let () = scripts::redis::cmd("SET")
        .arg("l")
        .arg("text")
        .query_async(&mut con)
        .await
        .unwrap();
    broken(&mut con, "l").await.unwrap_err();

    let spans = spans.0.lock().unwrap();
    let ours: Vec<_> = spans.iter().filter(|(name, _)| name == "redis_script").collect();
    assert_eq!(ours.len(), 2, "one span per call");
    let (_, touch_fields) = ours[0];
    assert_eq!(field(touch_fields, "script"), Some("touch"));
    assert_eq!(field(touch_fields, "sha1"), Some(touch::SCRIPT.sha1()));
    assert_eq!(field(touch_fields, "keys"), Some("1"));
    assert_eq!(field(touch_fields, "outcome"), Some("ok"));
    assert_eq!(field(&ours[1].1, "outcome"), Some("script_error"));
}

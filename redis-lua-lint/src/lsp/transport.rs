//! Messages over stdio: `Content-Length` framing read on one thread and written on
//! another, as rust-analyzer's `lsp-server` does, with one difference: a message that
//! cannot be read (bad framing, a body that is not UTF-8 or not JSON, JSON that is no
//! message) becomes [`Incoming::Malformed`], answered with a JSON-RPC error, and the
//! next message is read as usual. `lsp-server`'s own reader stops at the first one.

use std::io::{BufRead, Read, Write};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::Message;
use serde_json::Value;

/// What the client sent.
#[derive(Debug)]
pub(crate) enum Incoming {
    Message(Message),
    /// A message that cannot be read: the JSON-RPC error code and message to answer
    /// with, and the request id when one could be read.
    Malformed {
        id: Value,
        code: i32,
        message: String,
    },
}

/// What the server sends.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Message(Message),
    /// A JSON-RPC error for a message without a readable id (`"id": null`).
    Error {
        id: Value,
        code: i32,
        message: String,
    },
}

/// JSON-RPC: the body is not JSON.
pub(crate) const PARSE_ERROR: i32 = -32700;
/// JSON-RPC: JSON, but not a request, response or notification.
pub(crate) const INVALID_REQUEST: i32 = -32600;

/// Larger bodies are skipped, not read into memory.
const MAX_BODY: usize = 512 << 20;

/// Starts the reader (stdin) and writer (stdout) threads.
pub(crate) fn stdio() -> (Receiver<Incoming>, Sender<Outgoing>) {
    let (in_tx, in_rx) = crossbeam_channel::unbounded();
    let (out_tx, out_rx) = crossbeam_channel::unbounded::<Outgoing>();
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            while let Some(incoming) = read(&mut input) {
                let exit = matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
                if in_tx.send(incoming).is_err() || exit {
                    break;
                }
            }
        })
        .expect("a thread starts");
    std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let stdout = std::io::stdout();
            let mut output = stdout.lock();
            for outgoing in out_rx {
                if write(&mut output, &outgoing).is_err() {
                    // the client went away: nobody to tell
                    break;
                }
            }
        })
        .expect("a thread starts");
    (in_rx, out_tx)
}

/// Writes one message with its header.
pub(crate) fn write(out: &mut impl Write, outgoing: &Outgoing) -> std::io::Result<()> {
    let text = match outgoing {
        Outgoing::Message(message) => {
            let mut buffer = Vec::new();
            message.clone().write(&mut buffer)?;
            out.write_all(&buffer)?;
            return out.flush();
        }
        Outgoing::Error { id, code, message } => serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code, "message": message },
        })
        .to_string(),
    };
    write!(out, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    out.flush()
}

/// Reads the next message; `None` at the end of the input.
pub(crate) fn read(input: &mut impl BufRead) -> Option<Incoming> {
    let mut length: Option<usize> = None;
    let mut bad_header: Option<String> = None;
    let mut any = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            if any {
                break;
            }
            // blank lines between messages
            continue;
        }
        any = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("invalid `Content-Length`: `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("malformed header line `{}`", truncate(text))),
        }
    }
    let malformed = |message: String| Incoming::Malformed {
        id: Value::Null,
        code: PARSE_ERROR,
        message,
    };
    let Some(length) = length else {
        return Some(malformed(
            bad_header.unwrap_or_else(|| "a message without `Content-Length`".to_owned()),
        ));
    };
    if length > MAX_BODY {
        // skip it without holding it
        let skipped = std::io::copy(&mut input.take(length as u64), &mut std::io::sink()).ok()?;
        if skipped < length as u64 {
            return None;
        }
        return Some(malformed(format!("a message of {length} bytes is too large")));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    if let Some(problem) = bad_header {
        return Some(malformed(problem));
    }
    let Ok(text) = String::from_utf8(body) else {
        return Some(malformed("the message is not UTF-8 text".to_owned()));
    };
    let value: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => return Some(malformed(format!("the message is not JSON: {e}"))),
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let has_method = value.get("method").is_some();
    match serde_json::from_value::<Message>(value) {
        // a request whose method is not a string would pass for a response
        Ok(Message::Response(_)) if has_method => Some(Incoming::Malformed {
            id,
            code: INVALID_REQUEST,
            message: "not a JSON-RPC request: `method` must be a string".to_owned(),
        }),
        Ok(message) => Some(Incoming::Message(message)),
        Err(e) => Some(Incoming::Malformed {
            id,
            code: INVALID_REQUEST,
            message: format!("not a JSON-RPC request, response or notification: {e}"),
        }),
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn a_bad_message_is_reported_and_the_next_one_read() {
        let mut stream = Vec::new();
        stream.extend(framed(b"{not json"));
        stream.extend(framed(b"\xff\xfe"));
        stream.extend(framed(br#"{"jsonrpc":"2.0","id":7,"method":3}"#));
        stream.extend(b"Content-Type: x\r\n\r\n");
        stream.extend(b"garbage line\r\nContent-Length: 2\r\n\r\n{}");
        stream.extend(framed(br#"{"jsonrpc":"2.0","method":"exit"}"#));
        let mut input = std::io::Cursor::new(stream);
        let mut seen = Vec::new();
        while let Some(incoming) = read(&mut input) {
            seen.push(match incoming {
                Incoming::Message(Message::Notification(n)) => n.method,
                Incoming::Message(other) => format!("{other:?}"),
                Incoming::Malformed { id, code, .. } => format!("{code} {id}"),
            });
        }
        assert_eq!(
            seen,
            [
                "-32700 null",
                "-32700 null",
                "-32600 7",
                "-32700 null",
                "-32700 null",
                "exit"
            ]
        );
    }
}

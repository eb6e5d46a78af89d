//! `redis-lua-lint lsp`: the checker as a language server over stdio, for `.lua` files.
//!
//! Built on `lsp-types` and `lsp-server`'s message types with crossbeam channels, as
//! rust-analyzer is: a synchronous main loop, no async runtime in the linter. The
//! server does little but wait for the editor and run the checker, which is
//! synchronous code; `tower-lsp-server` would bring an async runtime for nothing.
//!
//! - The main loop owns the state (open documents, the workspace's [`Project`], each
//!   document's last published check) and answers hover, completion, definition and
//!   code actions itself, from the text; hover on a finding adds its lint's
//!   explanation (there is no public documentation address to link to yet).
//! - Checks run on a worker thread, debounced (`debounceMs`, default 150): a change
//!   bumps the document's generation and arms a timer; when the text has rested, the
//!   worker gets a snapshot. A result is published only when its generation is still
//!   the document's: a stale result never overwrites a newer one.
//! - A panic in a check or a request is caught, reported once (`window/showMessage`),
//!   and the server goes on; a message that cannot be read is answered with a
//!   JSON-RPC error and the next one read. That promise is tested by a fault injected
//!   on purpose: with [`CRASH_ENV`] set, a check of a text containing its value, or a
//!   request about such a text, panics (no input is known to make the checker panic).

mod complete;
mod context;
mod diagnose;
mod document;
mod hover;
mod position;
mod project;
mod transport;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionOptions, CompletionParams,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams,
    InitializeParams, Location, MarkupContent, MarkupKind, PositionEncodingKind, PublishDiagnosticsParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkspaceEdit,
};
use serde_json::Value;

use self::diagnose::{Checked, Job, QuickFix};
use self::document::Document;
use self::position::{Encoding, Lines};
use self::project::{Options, Project};
use self::transport::{Incoming, Outgoing};

/// How long the text rests before it is checked, unless `debounceMs` says.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Texts above this size are not checked (a generated file opened by mistake), with
/// one message saying so.
const MAX_TEXT: usize = 16 << 20;

/// With this variable set, checks and requests on a text containing its value panic:
/// the tests' way to see a panic caught, reported once, and the server going on.
const CRASH_ENV: &str = "REDIS_LUA_LINT_LSP_CRASH_ON";

/// Panics when the crash marker (see [`CRASH_ENV`]) is in `text`.
fn injected_crash(marker: Option<&str>, text: &str) {
    if let Some(marker) = marker.filter(|m| !m.is_empty() && text.contains(m)) {
        panic!("injected failure: the text contains `{marker}`");
    }
}

/// Runs the server until the client says `exit` or goes away.
pub(crate) fn main() -> ExitCode {
    let (incoming, outgoing) = transport::stdio();
    let crash = std::env::var(CRASH_ENV).ok();
    let (jobs, results) = worker(crash.clone());
    let mut server = Server::new(outgoing, jobs);
    server.crash = crash;
    let clean = server.run(&incoming, &results);
    if clean { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// A check's result, or the document whose check panicked with the panic's message.
type Outcome = Result<Checked, (Uri, String)>;

/// The check thread: jobs in, results out; a panic costs that one check.
fn worker(crash: Option<String>) -> (Sender<Job>, Receiver<Outcome>) {
    let (job_tx, job_rx) = crossbeam_channel::unbounded::<Job>();
    let (result_tx, result_rx) = crossbeam_channel::unbounded();
    std::thread::Builder::new()
        .name("lsp-check".into())
        .spawn(move || {
            for job in job_rx {
                let uri = job.uri.clone();
                let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    injected_crash(crash.as_deref(), &job.text);
                    diagnose::check(&job)
                }))
                .map_err(|panic| (uri, panic_text(&panic)));
                if result_tx.send(result).is_err() {
                    break;
                }
            }
        })
        .expect("a thread starts");
    (job_tx, result_rx)
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}

struct Server {
    out: Sender<Outgoing>,
    jobs: Sender<Job>,
    encoding: Encoding,
    debounce: Duration,
    project: Arc<Project>,
    docs: HashMap<Uri, Document>,
    /// When the pending checks are due.
    due: Option<Instant>,
    /// Documents whose generation has not been sent to the worker yet.
    dirty: Vec<Uri>,
    /// Documents with a check at the worker.
    running: HashMap<Uri, u64>,
    /// The last published check of each document: hover explains its findings, code
    /// actions offer its fixes.
    published: HashMap<Uri, Published>,
    initialized: bool,
    shutdown: bool,
    /// Problems already shown (each once).
    told: Vec<String>,
    /// See [`CRASH_ENV`].
    crash: Option<String>,
}

impl Server {
    fn new(out: Sender<Outgoing>, jobs: Sender<Job>) -> Self {
        Server {
            out,
            jobs,
            encoding: Encoding::Utf16,
            debounce: DEBOUNCE,
            project: Arc::new(Project::default()),
            docs: HashMap::new(),
            due: None,
            dirty: Vec::new(),
            running: HashMap::new(),
            published: HashMap::new(),
            initialized: false,
            shutdown: false,
            told: Vec::new(),
            crash: None,
        }
    }

    /// The main loop; true when it ended with `shutdown` then `exit`.
    fn run(&mut self, incoming: &Receiver<Incoming>, results: &Receiver<Outcome>) -> bool {
        loop {
            let timeout = match self.due {
                Some(due) => due.saturating_duration_since(Instant::now()),
                None => Duration::from_secs(3600),
            };
            select! {
                recv(incoming) -> message => match message {
                    Ok(Incoming::Message(Message::Notification(n))) if n.method == "exit" => return self.shutdown,
                    Ok(message) => self.guarded(message),
                    // the client went away
                    Err(_) => return false,
                },
                recv(results) -> result => {
                    if let Ok(result) = result {
                        self.checked(result);
                    }
                },
                default(timeout) => {},
            }
            if self.due.is_some_and(|due| due <= Instant::now()) {
                self.due = None;
                self.dispatch();
            }
        }
    }

    /// Handles one message; a panic is reported once and answered with an error.
    fn guarded(&mut self, incoming: Incoming) {
        let id = match &incoming {
            Incoming::Message(Message::Request(request)) => Some(request.id.clone()),
            _ => None,
        };
        let handled = std::panic::catch_unwind(AssertUnwindSafe(|| self.handle(incoming)));
        if let Err(panic) = handled {
            let text = panic_text(&panic);
            self.tell(format!("redis-lua-lint: internal error: {text}: please report it"));
            if let Some(id) = id {
                self.send(Message::Response(Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("internal error: {text}"),
                )));
            }
        }
    }

    fn send(&self, message: Message) {
        let _ = self.out.send(Outgoing::Message(message));
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(Notification::new(method.to_owned(), params)));
    }

    /// Shows `message` to the user, once per server.
    fn tell(&mut self, message: String) {
        if self.told.contains(&message) {
            return;
        }
        self.notify(
            lsp_types::notification::ShowMessage::METHOD,
            lsp_types::ShowMessageParams {
                typ: lsp_types::MessageType::WARNING,
                message: message.clone(),
            },
        );
        self.told.push(message);
    }

    fn handle(&mut self, incoming: Incoming) {
        match incoming {
            Incoming::Malformed { id, code, message } => {
                let _ = self.out.send(Outgoing::Error {
                    id,
                    code,
                    message: message.clone(),
                });
                self.notify(
                    lsp_types::notification::LogMessage::METHOD,
                    lsp_types::LogMessageParams {
                        typ: lsp_types::MessageType::ERROR,
                        message: format!("redis-lua-lint: a message could not be read: {message}"),
                    },
                );
            }
            Incoming::Message(Message::Request(request)) => self.request(request),
            Incoming::Message(Message::Notification(notification)) => self.notification(notification),
            Incoming::Message(Message::Response(_)) => {}
        }
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        if request.method == lsp_types::request::Initialize::METHOD {
            let result = match serde_json::from_value::<InitializeParams>(request.params) {
                Ok(params) => Ok(self.initialize(params)),
                Err(e) => Err(e.to_string()),
            };
            return self.reply(id, result);
        }
        if !self.initialized {
            return self.send(Message::Response(Response::new_err(
                id,
                ErrorCode::ServerNotInitialized as i32,
                "the server is not initialized".to_owned(),
            )));
        }
        if self.shutdown {
            return self.send(Message::Response(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_owned(),
            )));
        }
        match request.method.as_str() {
            lsp_types::request::Shutdown::METHOD => {
                self.shutdown = true;
                self.reply(id, Ok(Value::Null));
            }
            lsp_types::request::HoverRequest::METHOD => {
                let result = params(request.params).map(|p| self.hover(p));
                self.reply(id, result);
            }
            lsp_types::request::Completion::METHOD => {
                let result = params(request.params).map(|p| self.completion(p));
                self.reply(id, result);
            }
            lsp_types::request::GotoDefinition::METHOD => {
                let result = params(request.params).map(|p| self.definition(p));
                self.reply(id, result);
            }
            lsp_types::request::CodeActionRequest::METHOD => {
                let result = params(request.params).map(|p| self.code_actions(p));
                self.reply(id, result);
            }
            _ => self.send(Message::Response(Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unsupported request `{}`", request.method),
            ))),
        }
    }

    fn reply<T: serde::Serialize>(&self, id: RequestId, result: Result<T, String>) {
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
        };
        self.send(Message::Response(response));
    }

    fn initialize(&mut self, params: InitializeParams) -> Value {
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|all| all.contains(&PositionEncodingKind::UTF8));
        self.encoding = if offers_utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let options: Options = params
            .initialization_options
            .and_then(|o| serde_json::from_value(o).ok())
            .unwrap_or_default();
        if let Some(ms) = options.debounce_ms {
            self.debounce = Duration::from_millis(ms);
        }
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .filter_map(|f| document::path_of(&f.uri))
            .collect();
        #[allow(deprecated)] // clients that only send the root (Neovim 0.7)
        if roots.is_empty()
            && let Some(root) = params.root_uri.as_ref().and_then(document::path_of)
        {
            roots.push(root);
        }
        let mut project = Project::new(roots, options);
        project.scan();
        self.project = Arc::new(project);
        self.initialized = true;
        let capabilities = ServerCapabilities {
            position_encoding: Some(if offers_utf8 {
                PositionEncodingKind::UTF8
            } else {
                PositionEncodingKind::UTF16
            }),
            text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            })),
            hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(["'", "\"", ".", "["].map(String::from).to_vec()),
                ..CompletionOptions::default()
            }),
            definition_provider: Some(lsp_types::OneOf::Left(true)),
            code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(
                lsp_types::CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                    ..lsp_types::CodeActionOptions::default()
                },
            )),
            ..ServerCapabilities::default()
        };
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": ServerInfo { name: "redis-lua-lint".into(), version: Some(env!("CARGO_PKG_VERSION").into()) },
        })
    }

    fn notification(&mut self, notification: Notification) {
        if !self.initialized {
            return;
        }
        match notification.method.as_str() {
            lsp_types::notification::DidOpenTextDocument::METHOD => {
                let Ok(p) = params::<DidOpenTextDocumentParams>(notification.params) else {
                    return;
                };
                let path = document::path_of(&p.text_document.uri);
                let doc = Document {
                    uri: p.text_document.uri.clone(),
                    path,
                    version: p.text_document.version,
                    text: p.text_document.text,
                    generation: 0,
                };
                self.docs.insert(p.text_document.uri.clone(), doc);
                self.changed(&p.text_document.uri);
            }
            lsp_types::notification::DidChangeTextDocument::METHOD => {
                let Ok(p) = params::<DidChangeTextDocumentParams>(notification.params) else {
                    return;
                };
                let encoding = self.encoding;
                if let Some(doc) = self.docs.get_mut(&p.text_document.uri) {
                    doc.apply(p.text_document.version, p.content_changes, encoding);
                    self.changed(&p.text_document.uri);
                }
            }
            lsp_types::notification::DidCloseTextDocument::METHOD => {
                let Ok(p) = params::<DidCloseTextDocumentParams>(notification.params) else {
                    return;
                };
                self.docs.remove(&p.text_document.uri);
                self.published.remove(&p.text_document.uri);
                self.notify(
                    lsp_types::notification::PublishDiagnostics::METHOD,
                    PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None),
                );
            }
            lsp_types::notification::DidSaveTextDocument::METHOD => {
                let Ok(p) = params::<DidSaveTextDocumentParams>(notification.params) else {
                    return;
                };
                if let Some(path) = document::path_of(&p.text_document.uri) {
                    self.file_changed(path);
                }
            }
            lsp_types::notification::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = params::<DidChangeWatchedFilesParams>(notification.params) else {
                    return;
                };
                for change in p.changes {
                    if let Some(path) = document::path_of(&change.uri) {
                        self.file_changed(path);
                    }
                }
            }
            _ => {}
        }
    }

    /// A file changed on disk: a Rust file may declare scripts, a `.lua` file include
    /// others; every open document is checked again.
    fn file_changed(&mut self, path: PathBuf) {
        let project = Arc::make_mut(&mut self.project);
        match path.extension().and_then(|e| e.to_str()) {
            Some("rs") => project.rust_file(&path, None),
            Some("lua") => match crate::files::read_text(&path) {
                Ok(text) => project.lua_file(&path, &text),
                Err(_) => project.lua_file(&path, ""),
            },
            _ => return,
        }
        let all: Vec<Uri> = self.docs.keys().cloned().collect();
        for uri in all {
            self.mark(&uri);
        }
    }

    /// A document's text changed: it and the open files that share a check with it
    /// (its includers, what it includes) are checked again once the text rests.
    fn changed(&mut self, uri: &Uri) {
        let Some(doc) = self.docs.get(uri) else { return };
        if let Some(path) = doc.path.clone() {
            let text = doc.text.clone();
            Arc::make_mut(&mut self.project).lua_file(&path, &text);
            let related: Vec<PathBuf> = self
                .project
                .sharing_a_check(&path)
                .into_iter()
                .chain(self.project.included_by(&path).iter().cloned())
                .collect();
            let others: Vec<Uri> = self
                .docs
                .values()
                .filter(|d| d.uri != *uri && d.path.as_ref().is_some_and(|p| related.contains(p)))
                .map(|d| d.uri.clone())
                .collect();
            for other in others {
                self.mark(&other);
            }
        }
        self.mark(uri);
    }

    fn mark(&mut self, uri: &Uri) {
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.generation += 1;
            if !self.dirty.contains(uri) {
                self.dirty.push(uri.clone());
            }
            self.due = Some(Instant::now() + self.debounce);
        }
    }

    /// Sends the worker a snapshot of each dirty document with no check running.
    fn dispatch(&mut self) {
        let open: HashMap<PathBuf, Arc<str>> = self
            .docs
            .values()
            .filter_map(|d| Some((d.path.clone()?, Arc::from(d.text.as_str()))))
            .collect();
        let dirty = std::mem::take(&mut self.dirty);
        for uri in dirty {
            if self.running.contains_key(&uri) {
                // after the running one comes back
                self.dirty.push(uri);
                continue;
            }
            let Some(doc) = self.docs.get(&uri) else { continue };
            let Some(path) = doc.path.clone() else { continue };
            if doc.text.len() > MAX_TEXT {
                let message = format!(
                    "redis-lua-lint: `{}` is larger than {} MiB and is not checked",
                    path.display(),
                    MAX_TEXT >> 20
                );
                self.tell(message);
                continue;
            }
            let job = Job {
                uri: uri.clone(),
                text: open.get(&path).cloned().unwrap_or_else(|| Arc::from(doc.text.as_str())),
                path,
                version: doc.version,
                generation: doc.generation,
                open: open.clone(),
                project: self.project.clone(),
                encoding: self.encoding,
            };
            self.running.insert(uri, doc.generation);
            let _ = self.jobs.send(job);
        }
    }

    fn checked(&mut self, result: Outcome) {
        let checked = match result {
            Ok(checked) => checked,
            Err((uri, panic)) => {
                self.running.remove(&uri);
                self.tell(format!(
                    "redis-lua-lint: internal error while checking a file: {panic}: please report it, with the script"
                ));
                self.retry_dirty();
                return;
            }
        };
        self.running.remove(&checked.uri);
        for problem in checked.problems.clone() {
            self.tell(format!("redis-lua-lint: {problem}"));
        }
        let current = self.docs.get(&checked.uri);
        // the newest generation wins: an older result is dropped, never published
        if current.is_some_and(|doc| doc.generation == checked.generation) {
            self.published.insert(
                checked.uri.clone(),
                Published {
                    version: checked.version,
                    lints: checked
                        .diagnostics
                        .iter()
                        .filter_map(|d| match &d.code {
                            Some(lsp_types::NumberOrString::String(lint)) => Some((d.range, lint.clone())),
                            _ => None,
                        })
                        .collect(),
                    fixes: checked.fixes.clone(),
                },
            );
            self.notify(
                lsp_types::notification::PublishDiagnostics::METHOD,
                PublishDiagnosticsParams::new(checked.uri, checked.diagnostics, Some(checked.version)),
            );
        }
        self.retry_dirty();
    }

    /// Documents that changed while their check ran go now.
    fn retry_dirty(&mut self) {
        if !self.dirty.is_empty() && self.due.is_none() {
            self.dispatch();
        }
    }

    fn doc_at(&self, uri: &Uri) -> Option<&Document> {
        let doc = self.docs.get(uri)?;
        injected_crash(self.crash.as_deref(), &doc.text);
        Some(doc)
    }

    fn hover(&mut self, p: HoverParams) -> Option<Hover> {
        let position = p.text_document_position_params;
        let doc = self.doc_at(&position.text_document.uri)?;
        let lines = Lines::new(&doc.text, self.encoding);
        let offset = lines.offset(position.position);
        let path = doc.path.clone().unwrap_or_default();
        let signatures = hover::signatures(&self.project, &path, &doc.text);
        let outline = scripts_lint::outline(&doc.text);
        let found = hover::hover(&doc.text, offset, &outline, &signatures);
        // the findings here, explained (no documentation address to link to yet)
        let mut explained: Vec<&str> = Vec::new();
        if let Some(published) = self.published.get(&position.text_document.uri)
            && published.version == doc.version
        {
            let at = position.position;
            for (range, lint) in &published.lints {
                if range.start <= at && at <= range.end && !explained.contains(&lint.as_str()) {
                    explained.push(lint);
                }
            }
        }
        let mut parts: Vec<String> = explained.iter().filter_map(|lint| hover::explain(lint)).collect();
        let range = found.as_ref().map(|(range, _)| lines.range(range));
        parts.extend(found.map(|(_, text)| text));
        if parts.is_empty() {
            return None;
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: parts.join("\n\n---\n\n"),
            }),
            range,
        })
    }

    fn completion(&mut self, p: CompletionParams) -> Vec<lsp_types::CompletionItem> {
        let position = p.text_document_position;
        let Some(doc) = self.doc_at(&position.text_document.uri) else {
            return Vec::new();
        };
        let lines = Lines::new(&doc.text, self.encoding);
        let offset = lines.offset(position.position);
        let path = doc.path.clone().unwrap_or_default();
        let signatures = hover::signatures(&self.project, &path, &doc.text);
        complete::complete(&doc.text, offset, &lines, signatures.script.as_ref(), signatures.target)
    }

    fn definition(&mut self, p: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let position = p.text_document_position_params;
        let uri = position.text_document.uri;
        let doc = self.doc_at(&uri)?;
        let lines = Lines::new(&doc.text, self.encoding);
        let offset = lines.offset(position.position);
        if let Some(path) = &doc.path
            && let Some((_, target)) = context::include_at(&doc.text, offset, path)
        {
            let target_uri = document::uri_of(&target)?;
            return Some(GotoDefinitionResponse::Scalar(Location::new(
                target_uri,
                lsp_types::Range::default(),
            )));
        }
        let outline = scripts_lint::outline(&doc.text);
        let local = outline
            .locals
            .iter()
            .find(|l| l.range.contains(&offset) || l.range.end == offset);
        if let Some(local) = local {
            let declared = outline.locals.iter().find(|l| l.range.start == local.declared)?;
            return Some(GotoDefinitionResponse::Scalar(Location::new(
                uri,
                lines.range(&declared.range),
            )));
        }
        // a helper another file of the same script defines (BullMQ keeps them in
        // included files): the local function of that name there
        let name = context::name_at(&doc.text, offset)?;
        let path = doc.path.as_ref()?;
        for file in self.project.spliced_with(path) {
            let text: Arc<str> = match self.docs.values().find(|d| d.path.as_ref() == Some(&file)) {
                Some(open) => Arc::from(open.text.as_str()),
                None => match crate::files::read_text(&file) {
                    Ok(text) => text,
                    Err(_) => continue,
                },
            };
            let outline = scripts_lint::outline(&text);
            let defined = outline
                .locals
                .iter()
                .find(|l| l.function.is_some() && l.range.start == l.declared && text[l.range.clone()] == *name);
            if let Some(defined) = defined {
                let there = Lines::new(&text, self.encoding);
                return Some(GotoDefinitionResponse::Scalar(Location::new(
                    document::uri_of(&file)?,
                    there.range(&defined.range),
                )));
            }
        }
        None
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = p.text_document.uri;
        let Some(doc) = self.doc_at(&uri) else {
            return Vec::new();
        };
        let Some(Published { version, fixes, .. }) = self.published.get(&uri) else {
            return Vec::new();
        };
        // edits computed for another version of the text would land in the wrong place
        if *version != doc.version {
            return Vec::new();
        }
        let overlaps = |r: &lsp_types::Range| r.start <= p.range.end && p.range.start <= r.end;
        fixes
            .iter()
            .filter(|fix| overlaps(&fix.diagnostic.range))
            .map(|fix| {
                CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![fix.diagnostic.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(uri.clone(), fix.edits.clone())])),
                        ..WorkspaceEdit::default()
                    }),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                })
            })
            .collect()
    }
}

/// A document's last published check.
struct Published {
    version: i32,
    /// Each finding's range and lint.
    lints: Vec<(lsp_types::Range, String)>,
    fixes: Vec<QuickFix>,
}

fn params<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("invalid parameters: {e}"))
}

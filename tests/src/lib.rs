//! Helpers for testing `auth-runtime` against the real `@auth/core` (Auth.js).
//!
//! The peers are the small Node scripts in `tests/peers/`. They need Node.js 20 or
//! newer on `PATH` (or at `$AUTH_TESTS_NODE`) and the pinned npm packages in
//! `tests/node_modules`, installed with `npm ci --prefix tests` from the workspace
//! root. When either is missing every helper panics with that instruction: these
//! tests never skip quietly.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long one peer script may run before it is killed and the test fails.
pub const PEER_TIMEOUT: Duration = Duration::from_secs(60);

/// How long `server.mjs` may take to print its port.
pub const SERVER_START_TIMEOUT: Duration = Duration::from_secs(30);

/// The `@auth/core` version the peers must run.
pub const AUTH_CORE_VERSION: &str = "0.41.3";

const INSTALL_HINT: &str =
    "install Node.js 20 or newer and run `npm ci --prefix tests` from the workspace root";

/// The `tests/` directory of the workspace (this crate's manifest directory).
pub fn tests_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The directory holding the peer scripts.
pub fn peers_dir() -> PathBuf {
    tests_dir().join("peers")
}

/// The Node.js executable: `$AUTH_TESTS_NODE` if set, else `node` found on `PATH`.
///
/// Also checks that it is Node 20 or newer and that `tests/node_modules` holds
/// `@auth/core` at [`AUTH_CORE_VERSION`].
///
/// # Panics
///
/// When node or the npm packages are missing, with a message saying how to install them.
pub fn node() -> &'static Path {
    static NODE: OnceLock<PathBuf> = OnceLock::new();
    NODE.get_or_init(|| {
        let node = find_node();
        check_node_version(&node);
        check_auth_core();
        node
    })
}

fn find_node() -> PathBuf {
    if let Some(path) = std::env::var_os("AUTH_TESTS_NODE") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "$AUTH_TESTS_NODE = {} is not a file; {INSTALL_HINT}",
            path.display()
        );
        return path;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("node"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("`node` was not found on PATH; {INSTALL_HINT}"))
}

fn check_node_version(node: &Path) {
    let output = Command::new(node)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} --version ({e}); {INSTALL_HINT}",
                node.display()
            )
        });
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(
        output.status.success() && major >= 20,
        "{} --version gave {version:?}, need 20 or newer; {INSTALL_HINT}",
        node.display()
    );
}

fn check_auth_core() {
    let manifest = tests_dir().join("node_modules/@auth/core/package.json");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| {
        panic!(
            "@auth/core is not installed ({} unreadable: {e}); run `npm ci --prefix tests` from the workspace root",
            manifest.display()
        )
    });
    let version = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("version").and_then(|v| v.as_str()).map(str::to_owned));
    assert_eq!(
        version.as_deref(),
        Some(AUTH_CORE_VERSION),
        "tests/node_modules has the wrong @auth/core; run `npm ci --prefix tests` from the workspace root"
    );
}

/// What a finished peer script produced.
#[derive(Debug)]
pub struct PeerOutput {
    /// The exit status.
    pub status: ExitStatus,
    /// Everything written to stdout, as UTF-8.
    pub stdout: String,
    /// Everything written to stderr, as UTF-8.
    pub stderr: String,
}

impl PeerOutput {
    /// Whether the script exited with status 0.
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// The error code a failing peer printed: the text of its stderr before the first `:`.
    pub fn error_code(&self) -> &str {
        self.stderr.split(':').next().unwrap_or("").trim()
    }
}

/// Runs `node peers/<script> <args...>` with `stdin` as its standard input and waits
/// for it (at most [`PEER_TIMEOUT`]).
///
/// # Panics
///
/// When node or the packages are missing, or the script cannot be started or times out.
pub fn run_peer(script: &str, args: &[&str], stdin: &str) -> PeerOutput {
    let mut command = Command::new(node());
    command.arg(peers_dir().join(script)).args(args);
    run_with_timeout(command, stdin, PEER_TIMEOUT)
}

/// Runs any command with `stdin` as its input, capturing stdout and stderr; the
/// command is killed and the caller panics if it runs longer than `timeout`.
///
/// # Panics
///
/// When the command cannot be started or times out.
pub fn run_with_timeout(mut command: Command, stdin: &str, timeout: Duration) -> PeerOutput {
    let description = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {description}: {e}"));
    let input = stdin.as_bytes().to_vec();
    let mut child_stdin = child.stdin.take();
    let writer = thread::spawn(move || {
        if let Some(pipe) = child_stdin.as_mut() {
            // A child that exits without reading its input closes the pipe; that is its business.
            let _ = pipe.write_all(&input);
        }
        drop(child_stdin);
    });
    let stdout = read_in_background(child.stdout.take());
    let stderr = read_in_background(child.stderr.take());
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{description} did not finish within {timeout:?}");
            }
            Err(e) => panic!("waiting for {description} failed: {e}"),
        }
    };
    let _ = writer.join();
    PeerOutput {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

fn read_in_background<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Runs a peer with `input` serialised as JSON on stdin and returns its trimmed stdout.
///
/// # Panics
///
/// When the peer fails, with its stderr in the message.
pub fn peer(script: &str, args: &[&str], input: &serde_json::Value) -> String {
    let output = run_peer(script, args, &input.to_string());
    assert!(
        output.success(),
        "peer {script} {args:?} failed ({}): {}\ninput: {input}",
        output.status,
        output.stderr.trim()
    );
    output.stdout.trim_end_matches('\n').to_owned()
}

/// Like [`peer`], parsing stdout as JSON.
///
/// # Panics
///
/// When the peer fails or prints something that is not JSON.
pub fn peer_json(script: &str, args: &[&str], input: &serde_json::Value) -> serde_json::Value {
    let stdout = peer(script, args, input);
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("peer {script} {args:?} printed non-JSON ({e}): {stdout}"))
}

/// A peer script serving on a loopback port until dropped: `node peers/<script>` with `env`,
/// which prints its port as its first line. Its stdin stays open, and the peers exit at its end,
/// so a test process that dies (a panic, nextest's timeout) takes its peers with it.
#[derive(Debug)]
pub struct NodePeer {
    child: Child,
    _stdin: Option<ChildStdin>,
    port: u16,
}

impl NodePeer {
    /// Starts the peer and waits (at most [`SERVER_START_TIMEOUT`]) for its port.
    ///
    /// # Panics
    ///
    /// When node or the packages are missing, or the peer prints no port in time.
    pub fn start(script: &str, env: &[(&str, String)]) -> Self {
        let mut child = Command::new(node())
            .arg(peers_dir().join(script))
            .current_dir(tests_dir())
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {script}: {e}"));
        let stdin = child.stdin.take();
        let port = first_line_port(&mut child, script);
        Self {
            child,
            _stdin: stdin,
            port,
        }
    }

    /// The port the peer listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for NodePeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads the port a peer prints first, within [`SERVER_START_TIMEOUT`]; the rest of its output
/// is drained so it never blocks on a full pipe. Kills the child and panics on a timeout.
fn first_line_port(child: &mut Child, script: &str) -> u16 {
    let stdout = child.stdout.take();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        if let Some(stdout) = stdout {
            let mut reader = BufReader::new(stdout);
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        }
    });
    let line = match rx.recv_timeout(SERVER_START_TIMEOUT) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{script} printed no port within {SERVER_START_TIMEOUT:?}");
        }
    };
    match line.trim().parse() {
        Ok(port) => port,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{script} printed {line:?} instead of a port");
        }
    }
}

/// A running `peers/server.mjs`: Auth.js's `Auth()` served over HTTP on 127.0.0.1.
///
/// The process is killed when this value is dropped.
#[derive(Debug)]
pub struct AuthServer(NodePeer);

impl AuthServer {
    /// Starts the server with `AUTH_SECRET` set to `secrets` joined with commas, on a
    /// free port, and waits until it listens.
    ///
    /// # Panics
    ///
    /// When node or the packages are missing, or the server does not start in time.
    pub fn start(secrets: &[&str]) -> Self {
        assert!(!secrets.is_empty(), "AuthServer needs at least one secret");
        Self(NodePeer::start(
            "server.mjs",
            &[("AUTH_SECRET", secrets.join(","))],
        ))
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.0.port()
    }

    /// `http://127.0.0.1:<port>` followed by `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        self.0.url(path)
    }
}

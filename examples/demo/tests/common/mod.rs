//! The demo binary on a free loopback port, and a client that keeps cookies.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Lines};
use std::process::{Child, ChildStdout, Command, Stdio};

/// The demo on a free loopback port, killed when dropped.
pub struct Demo {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    /// The demo's standard output after its first line, kept open (a closed pipe would fail
    /// what the demo prints later, such as sign-in links).
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Demo {
    /// The next line of the demo's standard output that contains `needle`.
    pub fn line_containing(&mut self, needle: &str) -> String {
        for line in self.stdout.by_ref() {
            let line = line.expect("the demo's standard output");
            if line.contains(needle) {
                return line;
            }
        }
        panic!("the demo's standard output ended without a line containing {needle:?}");
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A SQLite file of its own for each run of the demo.
pub fn database_url() -> String {
    let dir = std::env::temp_dir().join(format!("demo-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    format!(
        "sqlite://{}",
        dir.join(format!("{}.db", uuid_like())).display()
    )
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{nanos:x}")
}

pub fn start_demo(rate_limit: &str) -> Demo {
    start_demo_with(rate_limit, &database_url())
}

/// The demo on the database at `database_url`.
pub fn start_demo_with(rate_limit: &str, database_url: &str) -> Demo {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_demo"))
        .env("PORT", port.to_string())
        .env("AUTH_SECRET", "load-test-secret-load-test-secret")
        .env("AUTH_RATE_LIMIT", rate_limit)
        .env_remove("AUTH_URL")
        .env("DATABASE_URL", database_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the demo binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = stdout.next().and_then(Result::ok).unwrap_or_default();
    assert!(line.contains("listening"), "demo said: {line}");
    Demo {
        child,
        origin: format!("http://127.0.0.1:{port}"),
        stdout,
    }
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

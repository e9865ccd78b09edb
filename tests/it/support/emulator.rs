//! The emulator processes: one per test thread (`RUST_TEST_THREADS`, else
//! one per core; at most eight), each serving one test at a time (`World` holds its
//! slot). Each binds a port the OS assigns (`--port 0`) and prints one line
//! on stdout once it is listening, `awsemu listening on
//! http://127.0.0.1:PORT`; the URL is read from that line, so no port is
//! picked here and then lost to another process before the emulator binds
//! it. An emulator exits when this process does: it watches the stdin pipe
//! held here.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::root;

/// What the emulator prints, before its URL, once it is listening.
const READY: &str = "awsemu listening on ";

/// How long the emulator may take to start (moto imports slowly on a busy machine).
const START: Duration = Duration::from_secs(60);

struct Emulator {
    url: String,
    _child: Child,
    _stdin: ChildStdin,
}

/// How many emulators serve tests at once: one per test thread of the
/// harness (`RUST_TEST_THREADS`, else one per core), at most eight.
fn slots() -> usize {
    std::env::var("RUST_TEST_THREADS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| thread::available_parallelism().map_or(1, std::num::NonZero::get))
        .clamp(1, 8)
}

struct Pool {
    free: Mutex<Vec<usize>>,
    freed: Condvar,
    emulators: Vec<OnceLock<Emulator>>,
}

static POOL: OnceLock<Pool> = OnceLock::new();

fn pool() -> &'static Pool {
    POOL.get_or_init(|| Pool {
        free: Mutex::new((0..slots()).rev().collect()),
        freed: Condvar::new(),
        emulators: (0..slots()).map(|_| OnceLock::new()).collect(),
    })
}

/// One emulator, held by one test until dropped.
pub(super) struct Slot(usize);

impl Slot {
    /// Waits for a free emulator, starting it on first use.
    pub(super) fn take() -> (Self, &'static str) {
        let pool = pool();
        let mut free = pool
            .free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let i = loop {
            if let Some(i) = free.pop() {
                break i;
            }
            free = pool
                .freed
                .wait(free)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        };
        drop(free);
        let slot = Self(i);
        (slot, &pool.emulators[i].get_or_init(start).url)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let pool = pool();
        pool.free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(self.0);
        pool.freed.notify_one();
    }
}

fn start() -> Emulator {
    let python = root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "the emulator's Python environment is missing ({}): run `scripts/setup` (or `scripts/test`, which runs it)",
        python.display()
    );
    let mut child = Command::new(&python)
        .args(["-m", "awsemu.server", "--port", "0", "--exit-with-stdin"])
        .env("PYTHONPATH", root().join("tests/emulator"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the emulator");
    let stdin = child.stdin.take().expect("stdin pipe");
    let stderr = Stderr::drain(child.stderr.take().expect("stderr pipe"));

    // The first line of stdout, then the rest drained (there should be none).
    let stdout = child.stdout.take().expect("stdout pipe");
    let (first_line, line) = mpsc::channel();
    thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = first_line.send(lines.next().and_then(Result::ok));
        lines.for_each(drop);
    });

    let deadline = Instant::now() + START;
    let line = loop {
        match line.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(line)) => break line,
            // Stdout closed without a line: the emulator is exiting.
            Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                let status = exit_status(&mut child, Duration::from_secs(5));
                panic!(
                    "the emulator exited ({status}) before it was listening; its stderr:\n{}\nhint: run `scripts/setup`",
                    stderr.all()
                );
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!(
                        "the emulator exited ({status}) before it was listening; its stderr:\n{}\nhint: run `scripts/setup`",
                        stderr.all()
                    );
                }
                if Instant::now() > deadline {
                    exit_status(&mut child, Duration::ZERO);
                    panic!(
                        "the emulator did not say it was listening within {START:?}; its stderr:\n{}",
                        stderr.all()
                    );
                }
            }
        }
    };
    let Some(url) = line.strip_prefix(READY) else {
        exit_status(&mut child, Duration::ZERO);
        panic!(
            "the emulator's first line is {line:?}, not `{READY}URL`; its stderr:\n{}",
            stderr.all()
        );
    };
    stderr.forget();
    Emulator {
        url: url.to_owned(),
        _child: child,
        _stdin: stdin,
    }
}

/// Waits up to `grace` for the emulator to exit, then kills it.
fn exit_status(child: &mut Child, grace: Duration) -> ExitStatus {
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    child.wait().expect("wait for the emulator")
}

/// The emulator's stderr, read on a thread so that a chatty emulator never
/// blocks on a full pipe, and kept until it has started (to show why it did
/// not); after that it is read and dropped.
struct Stderr {
    kept: Arc<Mutex<Option<Vec<u8>>>>,
    reader: JoinHandle<()>,
}

impl Stderr {
    fn drain(mut pipe: impl Read + Send + 'static) -> Self {
        let kept = Arc::new(Mutex::new(Some(Vec::new())));
        let sink = Arc::clone(&kept);
        let reader = thread::spawn(move || {
            let mut chunk = [0; 8192];
            while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                if let Some(kept) = sink.lock().unwrap().as_mut() {
                    kept.extend_from_slice(&chunk[..n]);
                }
            }
        });
        Self { kept, reader }
    }

    /// Everything the emulator wrote to stderr, once it has exited.
    fn all(self) -> String {
        let _ = self.reader.join();
        let kept = self.kept.lock().unwrap().take().unwrap_or_default();
        String::from_utf8_lossy(&kept).into_owned()
    }

    /// Stops keeping stderr; it is still drained.
    fn forget(self) {
        self.kept.lock().unwrap().take();
    }
}

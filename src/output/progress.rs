//! What a long command is doing, on stderr, only when stderr is a terminal:
//! a spinner that names the stage (`listing profiles in 20 regions`) and
//! counts the AWS requests answered so far, redrawn ten times a second from
//! a counter the caller hands over. Messages printed meanwhile appear above
//! it; it is cleared before data is printed or a question is asked.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner that follows a counter until dropped or cleared.
pub struct Activity {
    bar: ProgressBar,
    stop: Arc<AtomicBool>,
}

impl Activity {
    pub fn start(stage: &str, count: impl Fn() -> usize + Send + 'static) -> Self {
        let bar = ProgressBar::new_spinner();
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("a valid template"));
        bar.set_message(stage.to_owned());
        let stop = Arc::new(AtomicBool::new(false));
        let (ticking, stopped) = (bar.clone(), stop.clone());
        let base = stage.to_owned();
        std::thread::spawn(move || {
            let mut stage = base;
            while !stopped.load(Ordering::Relaxed) {
                let n = count();
                if let Some(s) = ticking.message().split(" — ").next()
                    && s != stage
                {
                    s.clone_into(&mut stage);
                }
                if n > 0 {
                    ticking.set_message(format!(
                        "{stage} — {n} AWS request{} answered",
                        if n == 1 { "" } else { "s" }
                    ));
                }
                ticking.tick();
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Self { bar, stop }
    }

    /// Names what is being done now.
    pub fn stage(&self, stage: &str) {
        self.bar.set_message(stage.to_owned());
    }

    /// Runs `f` with the spinner out of the way (a message printed above it).
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    pub fn clear(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.bar.finish_and_clear();
    }
}

impl Drop for Activity {
    fn drop(&mut self) {
        self.clear();
    }
}

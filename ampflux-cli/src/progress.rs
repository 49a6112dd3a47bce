//! The progress bar of long studies, on standard error when it is a terminal.

use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Studies with fewer work units than this finish too fast for a bar to help.
const MIN_UNITS: usize = 2000;

/// A bar over the study's work units (machine columns, location evaluations), reported
/// from worker threads in any order.
pub(crate) struct Progress {
    bar: ProgressBar,
    shown: Once,
    /// Largest count reported so far: workers report out of order, the bar only advances.
    done: AtomicUsize,
}

impl Progress {
    /// A bar on standard error (drawn only when it is a terminal).
    pub fn new() -> Progress {
        Progress::with_target(ProgressDrawTarget::stderr())
    }

    fn with_target(target: ProgressDrawTarget) -> Progress {
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed}").expect("valid template"),
        );
        Progress {
            bar,
            shown: Once::new(),
            done: AtomicUsize::new(0),
        }
    }

    /// The callback for `short_circuit_with_progress`: `(done, total)` work units.
    pub fn update(&self, done: usize, total: usize) {
        if total < MIN_UNITS {
            return;
        }
        self.shown.call_once(|| {
            self.bar.set_length(total as u64);
            // redrawn on a clock, so the bar shows the latest count even when the
            // updates come faster than the draw rate and then stop
            self.bar.enable_steady_tick(Duration::from_millis(100));
        });
        let done = self.done.fetch_max(done, Ordering::Relaxed).max(done);
        self.bar.set_position(done as u64);
    }

    /// Draws the bar at its end (the study is complete), then clears it.
    pub fn finish(&self) {
        if self.shown.is_completed() {
            if let Some(len) = self.bar.length() {
                self.bar.set_position(len);
            }
            self.bar.finish();
            self.bar.finish_and_clear();
        }
    }
}

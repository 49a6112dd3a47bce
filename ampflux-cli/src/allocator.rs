//! The process's memory allocator, tuned for a CLI that reads one large document.
//!
//! glibc's malloc raises its mmap and trim thresholds dynamically: freeing a large
//! mmap-backed block (up to 32 MiB) sets the mmap threshold to that block's size and the trim
//! threshold to twice it. Reading a 29 MB network document and freeing its text after parsing
//! therefore made every later block up to 29 MB come from the heaps, and what the worker
//! threads freed stayed mapped: the 100k-bus line-to-earth study peaked at 180 MB resident for
//! a 113 MB heap peak (benches/README.md, "Memory").
//!
//! Setting both thresholds turns the dynamic adjustment off (mallopt(3)). Measured on that
//! study and on case9241pegase (3ph) with the same binary, peak RSS / system time:
//!
//! | thresholds (mmap, trim) | 100k-bus 1ph | case9241pegase |
//! |---|---|---|
//! | glibc's dynamic ones | 180 MB / 0.12 s | 38 MB / 0.02 s |
//! | 128 KiB, 128 KiB (glibc's defaults, fixed) | 125 MB / 0.20 s | 34 MB / 0.11 s |
//! | 4 MiB, 4 MiB (chosen) | 133 MB / 0.19 s | 37 MB / 0.01 s |
//!
//! 4 MiB keeps the large blocks (the document text, factors, report buffers) out of the heaps
//! without paying an mmap and munmap for every mid-sized vector of a 9k-bus study. Other
//! platforms keep their allocator as it is.

/// The fixed mmap and trim thresholds (bytes).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const THRESHOLD_BYTES: libc::c_int = 4 * 1024 * 1024;

/// Turns glibc's dynamic thresholds off; call once, first thing in `main`, before any thread
/// starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub(crate) fn tune() {
    // SAFETY: mallopt only changes malloc's parameters; it is called before any other thread
    // exists, with documented parameters and valid values. Its result (1 on success, 0 on
    // error) is ignored on purpose: an untuned allocator is still correct.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD_BYTES);
        libc::mallopt(libc::M_TRIM_THRESHOLD, THRESHOLD_BYTES);
    }
}

/// Other platforms: nothing to tune.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn tune() {}

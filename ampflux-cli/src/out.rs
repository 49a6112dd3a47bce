//! Where results and warnings go: standard output through one buffer, standard error line by
//! line, both quiet when the reader has gone away (`ampflux sc net.json | head -3`).

use std::fmt::Display;
use std::io::{self, BufWriter, ErrorKind, StdoutLock, Write};

use crate::Failure;

/// Buffered standard output. When the reader closes the pipe, the rest of the output is
/// dropped without an error, so that the command ends normally and quietly.
pub(crate) struct Out {
    inner: BufWriter<StdoutLock<'static>>,
    closed: bool,
}

impl Out {
    /// The process's standard output, locked once, with a 64 KiB buffer.
    pub fn stdout() -> Out {
        Out {
            inner: BufWriter::with_capacity(1 << 16, io::stdout().lock()),
            closed: false,
        }
    }

    /// Writes what is buffered; an output that cannot be written (a full disk) is a failure.
    pub fn finish(&mut self) -> Result<(), Failure> {
        self.flush().map_err(Failure::output)
    }

    fn quiet(&mut self, result: io::Result<()>) -> io::Result<()> {
        match result {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write_all(buf);
        self.quiet(result).map(|()| buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.quiet(result)
    }
}

/// Writes lines to standard error, ignoring a closed stream (`2>&1 | head`).
pub(crate) fn warn<T: Display>(lines: impl IntoIterator<Item = T>) {
    let mut err = BufWriter::new(io::stderr().lock());
    for line in lines {
        if writeln!(err, "{line}").is_err() {
            return;
        }
    }
    let _ = err.flush();
}

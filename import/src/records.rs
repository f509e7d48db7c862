//! CSV records from any reader, with the physical line each starts on: `csv-core` splits the
//! fields (quotes, doubled quotes, line breaks inside quotes) and the line numbers are counted on
//! the bytes it consumed, so CRLF files, blank lines and quoted line breaks all number as an
//! editor does. Memory is one read buffer and one record, whatever the size of the file.

use std::io::{self, Read};

use csv_core::ReadRecordResult;

/// Bytes read from the source at a time.
const CHUNK: usize = 256 * 1024;

pub(crate) struct Records<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    eof: bool,
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
    /// The physical line of the next byte not yet consumed.
    line: u64,
    /// The last byte consumed was a `\r` whose next byte is not known yet (a `\r\n` is one line
    /// break, a lone `\r` one too).
    pending_cr: bool,
}

impl<R: Read> Records<R> {
    pub(crate) fn new(reader: R, delimiter: u8) -> Records<R> {
        Records {
            reader,
            buf: vec![0; CHUNK],
            pos: 0,
            filled: 0,
            eof: false,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 16],
            fields: 0,
            line: 1,
            pending_cr: false,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        self.pos = 0;
        self.filled = 0;
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.filled = n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The next record that is not a blank line, with the physical line it starts on; `None` at
    /// the end of the input.
    pub(crate) fn next_record(&mut self) -> io::Result<Option<u64>> {
        // Line terminators before a record (CRLF halves, blank lines) belong to no record.
        loop {
            let skipped = self.buf[self.pos..self.filled].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
            self.lines_in(self.pos, self.pos + skipped);
            self.pos += skipped;
            if self.pos < self.filled {
                break;
            }
            if self.eof {
                return Ok(None);
            }
            self.fill()?;
        }
        // A `\r` just before the record was a line break of its own.
        if std::mem::take(&mut self.pending_cr) {
            self.line += 1;
        }
        let start = self.line;
        let (mut nout, mut nend) = (0, 0);
        loop {
            let input = &self.buf[self.pos..self.filled];
            let (result, read, wrote, ended) =
                self.core.read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            self.lines_in(self.pos, self.pos + read);
            self.pos += read;
            nout += wrote;
            nend += ended;
            match result {
                ReadRecordResult::InputEmpty => {
                    if self.eof {
                        return Ok(None);
                    }
                    self.fill()?;
                }
                ReadRecordResult::OutputFull => {
                    let grown = self.out.len() * 2;
                    self.out.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    self.fields = nend;
                    return Ok(Some(start));
                }
                ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// Counts the line breaks of `buf[from..to]`, consumed: `\n`, `\r\n` and a lone `\r` (as
    /// an editor shows them; `csv-core` ends records at each).
    fn lines_in(&mut self, from: usize, to: usize) {
        let bytes = &self.buf[from..to];
        if let Some(&first) = bytes.first() {
            if std::mem::take(&mut self.pending_cr) && first != b'\n' {
                self.line += 1;
            }
        }
        for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            match (bytes[i], bytes.get(i + 1)) {
                (b'\n', _) => self.line += 1,
                (_, Some(b'\n')) => {}
                (_, Some(_)) => self.line += 1,
                (_, None) => self.pending_cr = true,
            }
        }
    }

    /// Field `i` of the current record, when it has one.
    pub(crate) fn field(&self, i: usize) -> Option<&[u8]> {
        if i >= self.fields {
            return None;
        }
        let from = if i == 0 { 0 } else { self.ends[i - 1] };
        self.out.get(from..self.ends[i])
    }

    /// Number of fields of the current record.
    pub(crate) fn len(&self) -> usize {
        self.fields
    }

    /// True when every field of the current record is blank.
    pub(crate) fn is_blank(&self) -> bool {
        (0..self.fields).all(|i| self.field(i).is_none_or(|f| f.iter().all(u8::is_ascii_whitespace)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Vec<(u64, Vec<String>)> {
        let mut records = Records::new(data, b';');
        let mut out = Vec::new();
        while let Some(line) = records.next_record().unwrap() {
            let fields =
                (0..records.len()).map(|i| String::from_utf8_lossy(records.field(i).unwrap()).into_owned()).collect();
            out.push((line, fields));
        }
        out
    }

    #[test]
    fn physical_lines_with_crlf_blank_lines_and_quoted_breaks() {
        let expected = vec![
            (1, vec!["h".to_owned(), "x".to_owned()]),
            (2, vec!["a".to_owned(), "b".to_owned()]),
            (4, vec!["c".to_owned(), "d\ne".to_owned()]),
            (6, vec!["f".to_owned(), "g \"q\"".to_owned()]),
        ];
        assert_eq!(all(b"h;x\na;b\n\nc;\"d\ne\"\nf;\"g \"\"q\"\"\""), expected);
        // Old Mac files: a lone CR ends a line, as an editor shows it.
        let cr = all(b"h;x\ra;b\r\rc;d\rf;g");
        assert_eq!(cr.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![1, 2, 4, 5]);
        let crlf = all(b"h;x\r\na;b\r\n\r\nc;\"d\r\ne\"\r\nf;\"g \"\"q\"\"\"\r\n");
        assert_eq!(crlf.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![1, 2, 4, 6]);
        assert_eq!(crlf[2].1[1], "d\r\ne");
    }

    #[test]
    fn records_across_reads_of_one_byte() {
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((&b, rest)) = self.0.split_first() else { return Ok(0) };
                buf[0] = b;
                self.0 = rest;
                Ok(1)
            }
        }
        let data = b"h;x\r\na;\"b\r\nc\"\r\n\r\nlonger field here;with ; quoted \"\"\"\"\n";
        let mut records = Records::new(Trickle(data), b';');
        let mut lines = Vec::new();
        while let Some(line) = records.next_record().unwrap() {
            lines.push((line, records.len()));
        }
        assert_eq!(lines, vec![(1, 2), (2, 2), (5, 3)]);
        // A lone CR at the end of one read, its next byte in the next.
        let mut records = Records::new(Trickle(b"h;x\ra;b\r\rc;d\r\nf;g"), b';');
        let mut lines = Vec::new();
        while let Some(line) = records.next_record().unwrap() {
            lines.push(line);
        }
        assert_eq!(lines, vec![1, 2, 4, 5]);
    }
}

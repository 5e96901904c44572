//! Output: tables, JSON and CSV, colour, and terminal-safe text.
//!
//! Every command renders through one [`Output`]. When standard output is not
//! a terminal, tables carry no colour, no escape sequences and no wrapping to
//! a terminal width, so the same command prints the same bytes every time.
//! User-supplied text is escaped by the caller through [`crate::text::escape`]
//! before it reaches a table or CSV cell (JSON escapes control characters
//! itself; the C1 range is escaped on top of that here).

use std::io::{self, IsTerminal, Write};

use comfy_table::{Cell, Color, ContentArrangement, ContentLineStyle, Table, TableStyle};
use serde::Serialize;

use crate::key::Status;
use crate::text;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    // No doc comments on the variants: clap then lists the values compactly.
    #[default]
    Table,
    Json,
    Csv,
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    // Auto: on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

/// Decides whether to colour, from the choice, the terminal and `NO_COLOR`.
#[must_use]
pub fn use_color(choice: ColorChoice, is_terminal: bool, no_color: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && !no_color,
    }
}

/// Where and how a command prints.
pub struct Output {
    out: Box<dyn Write>,
    pub format: Format,
    pub color: bool,
    pub terminal: bool,
    pub quiet: bool,
}

/// The table look: no borders, columns two spaces apart, an upper-case header.
const STYLE: TableStyle = TableStyle::new()
    .header_lines(ContentLineStyle::none().junction(' '))
    .content_lines(ContentLineStyle::none().junction(' '));

impl Output {
    /// Output to the process's standard output.
    #[must_use]
    pub fn stdout(format: Format, color: ColorChoice, quiet: bool) -> Output {
        let terminal = io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = use_color(color, terminal, no_color);
        if color {
            // The table's styling reads NO_COLOR itself and would leave
            // bare resets behind; an explicit `--color always` wins.
            crossterm::style::force_color_output(true);
        }
        Output {
            out: Box::new(io::BufWriter::new(io::stdout())),
            format,
            color,
            terminal,
            quiet,
        }
    }

    /// Output into any writer (tests, or a library user's buffer).
    #[must_use]
    pub fn to_writer(out: Box<dyn Write>, format: Format) -> Output {
        Output {
            out,
            format,
            color: false,
            terminal: false,
            quiet: false,
        }
    }

    /// A new table with the project's look and this output's terminal rules.
    #[must_use]
    pub fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_style(STYLE);
        if self.terminal {
            // A terminal that reports a width of 0 (a new pseudo-terminal,
            // some serial consoles) has an unknown width: no wrapping then,
            // rather than one character a column.
            let known = crossterm::terminal::size().is_ok_and(|(w, _)| w > 0);
            t.set_content_arrangement(if known {
                ContentArrangement::Dynamic
            } else {
                ContentArrangement::Disabled
            });
        } else {
            t.force_no_tty();
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
        if self.color && !self.terminal {
            t.enforce_styling();
        }
        t.set_header(header.iter().map(|h| Cell::new(*h)).collect::<Vec<_>>());
        for col in t.column_iter_mut() {
            col.set_padding((0, 1));
        }
        t
    }

    /// Prints a table, without trailing spaces.
    pub fn print_table(&mut self, table: &Table) -> io::Result<()> {
        for line in table.lines() {
            writeln!(self.out, "{}", line.trim_end())?;
        }
        Ok(())
    }

    /// A status cell, coloured when colour is on.
    #[must_use]
    pub fn status_cell(&self, status: Status) -> Cell {
        let cell = Cell::new(status.as_str());
        if !self.color {
            return cell;
        }
        cell.fg(match status {
            Status::Active => Color::Green,
            Status::Expired => Color::Yellow,
            Status::Revoked => Color::Red,
        })
    }

    /// Wraps `s` in an ANSI colour when colour is on.
    #[must_use]
    pub fn paint(&self, s: &str, color: Paint) -> String {
        if !self.color {
            return s.to_owned();
        }
        let code = match color {
            Paint::Green => "32",
            Paint::Yellow => "33",
            Paint::Red => "31",
            Paint::Bold => "1",
        };
        format!("\u{1b}[{code}m{s}\u{1b}[0m")
    }

    /// Prints one JSON document, pretty, with a final newline.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        let s = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        writeln!(self.out, "{}", text::escape_json_c1(s))
    }

    /// A CSV writer over this output; fields must be escaped by the caller,
    /// and are guarded against spreadsheet formulas by the writer.
    pub fn csv(&mut self) -> CsvWriter<'_> {
        CsvWriter {
            inner: csv::WriterBuilder::new().from_writer(&mut *self.out),
        }
    }

    /// Writes bytes as they are (generated scripts and pages).
    pub fn write_bytes(&mut self, b: &[u8]) -> io::Result<()> {
        self.out.write_all(b)
    }

    /// Writes text as it is.
    pub fn write_str(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())
    }

    /// Prints a line of plain text.
    pub fn line(&mut self, s: &str) -> io::Result<()> {
        writeln!(self.out, "{s}")
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// CSV rows for spreadsheets: a cell that begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a `'` in front, as OWASP advises against
/// CSV injection, so that no stored text is ever run as a formula. Every
/// cell goes through here, so no command can forget it.
pub struct CsvWriter<'a> {
    inner: csv::Writer<&'a mut dyn Write>,
}

impl CsvWriter<'_> {
    /// Writes one row.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for cell in record {
            self.inner
                .write_field(formula_safe(cell.as_ref()).as_bytes())?;
        }
        self.inner.write_record(None::<&[u8]>)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `cell` as a spreadsheet will not evaluate it.
fn formula_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Colours for [`Output::paint`].
#[derive(Debug, Clone, Copy)]
pub enum Paint {
    Green,
    Yellow,
    Red,
    Bold,
}

/// Converts a CSV error into an I/O error (keeping a closed pipe a closed pipe).
#[must_use]
pub fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_rules() {
        assert!(use_color(ColorChoice::Auto, true, false));
        assert!(!use_color(ColorChoice::Auto, true, true));
        assert!(!use_color(ColorChoice::Auto, false, false));
        assert!(use_color(ColorChoice::Always, false, true));
        assert!(!use_color(ColorChoice::Never, true, false));
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for cell in ["=1+1", "+a", "-b", "@c", "\td", "\re"] {
            assert_eq!(formula_safe(cell), format!("'{cell}"));
        }
        for cell in ["ok", "", "a=b", "'x", "1-2"] {
            assert_eq!(formula_safe(cell), cell);
        }
    }

    #[test]
    fn tables_off_a_terminal_are_plain() {
        let out = Output::to_writer(Box::new(Vec::new()), Format::Table);
        let mut t = out.table(&["ID", "STATUS"]);
        t.add_row(vec![Cell::new("key_1"), out.status_cell(Status::Revoked)]);
        let rendered: Vec<String> = t.lines().map(|l| l.trim_end().to_owned()).collect();
        assert_eq!(rendered, ["ID     STATUS", "key_1  revoked"]);
        assert!(!rendered.concat().contains('\u{1b}'));
    }
}

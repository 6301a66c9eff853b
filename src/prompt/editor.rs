//! A one-line prompt at the terminal, drawn on stderr like inquire's text and password prompts
//! (question, `(default)`, `[help]`, the answered line left on screen), with the usual editing
//! keys: inquire 0.9 has no key hook and types a `u` for Ctrl-U.
//!
//! The editing itself is [`LineBuffer`]; this module reads keys from a [`Terminal`], draws
//! frames and restores the terminal on every way out, a panic included.

use std::io::{self, Write};

use crossterm::cursor::{Hide, MoveDown, MoveToColumn, MoveUp, Show};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::style::{Color, ResetColor, SetForegroundColor};
use crossterm::terminal::{Clear, ClearType};
use crossterm::{Command, execute};
use unicode_width::UnicodeWidthStr;

use super::Validator;
use super::line::{Key, LineBuffer, Step};

/// One question.
pub struct Question<'a> {
    pub message: &'a str,
    /// Given for Enter on an empty line, and shown as `(default)`.
    pub default: Option<&'a str>,
    pub help: Option<&'a str>,
    /// Shown as one `*` per character while typed, and as `********` once answered.
    pub secret: bool,
    /// Checks the answer; an error is shown under the line and the prompt stays.
    pub validate: Validator<'a>,
}

/// How a question ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Answer(String),
    /// Esc, or Ctrl-D on an empty line.
    Cancelled,
    /// Ctrl-C.
    Interrupted,
}

/// What the editor reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(Key),
    /// The window changed size: draw again.
    Resize,
    /// Anything else (focus, mouse, a key the editor has no use for).
    Other,
}

/// What the editor needs from a terminal: the real one is [`Crossterm`]; tests script one.
pub trait Terminal {
    /// Raw mode and bracketed paste on.
    fn enter(&mut self) -> io::Result<()>;
    /// Back to how it was: raw mode and bracketed paste off, cursor shown. Never fails.
    fn leave(&mut self);
    fn read(&mut self) -> io::Result<Input>;
    /// More input is waiting (fast typing, a paste without brackets): drawing can wait.
    fn pending(&mut self) -> bool {
        false
    }
    /// Columns; at least 1.
    fn width(&self) -> usize;
    fn out(&mut self) -> &mut dyn Write;
}

/// Asks `question` at `term` and returns the checked answer. `color`: draw the prompt, help and
/// errors in inquire's colours.
pub fn ask(term: &mut dyn Terminal, question: &Question<'_>, color: bool) -> io::Result<Outcome> {
    let mut at = Raw::enter(term, color)?;
    let mut line = LineBuffer::new();
    let mut error: Option<String> = None;
    loop {
        at.draw(&asking(question, &line, error.as_deref()))?;
        loop {
            let key = match at.term.read()? {
                Input::Key(key) => key,
                Input::Resize => break,
                Input::Other => continue,
            };
            match line.apply(key) {
                Step::Unchanged => continue,
                Step::Changed if at.term.pending() => continue,
                Step::Changed => break,
                Step::Submit => {
                    let typed = line.text();
                    let value = match question.default {
                        Some(d) if typed.is_empty() => d.to_string(),
                        _ => typed,
                    };
                    match (question.validate)(&value) {
                        Ok(()) => {
                            let shown = if question.secret {
                                "********"
                            } else {
                                value.as_str()
                            };
                            at.draw(&answered(question.message, shown, color))?;
                            return Ok(Outcome::Answer(value));
                        }
                        Err(msg) => {
                            error = Some(msg);
                            break;
                        }
                    }
                }
                Step::Cancel => {
                    at.draw(&cancelled(question.message))?;
                    return Ok(Outcome::Cancelled);
                }
                Step::Interrupt => {
                    // As inquire does: the frame stays, the cursor goes below it.
                    at.screen.leave_below(at.term)?;
                    return Ok(Outcome::Interrupted);
                }
            }
        }
    }
}

/// The terminal in raw mode, and what is drawn on it. Dropped (on return, on an error, on a
/// panic) it leaves the cursor below a frame still on screen, so that what is printed next does
/// not land inside it, and the terminal as it found it.
struct Raw<'t> {
    term: &'t mut dyn Terminal,
    screen: Screen,
}

impl<'t> Raw<'t> {
    fn enter(term: &'t mut dyn Terminal, color: bool) -> io::Result<Self> {
        term.enter()?;
        Ok(Raw {
            term,
            screen: Screen { color, last: None },
        })
    }

    fn draw(&mut self, frame: &Frame) -> io::Result<()> {
        self.screen.draw(self.term, frame)
    }
}

impl Drop for Raw<'_> {
    fn drop(&mut self) {
        if self.screen.last.is_some() {
            let _ = self.screen.leave_below(self.term);
        }
        self.term.leave();
    }
}

/// The real terminal: keys from crossterm, frames on stderr.
pub struct Crossterm {
    err: io::Stderr,
}

impl Crossterm {
    pub fn new() -> Self {
        Crossterm { err: io::stderr() }
    }
}

impl Terminal for Crossterm {
    fn enter(&mut self) -> io::Result<()> {
        crossterm::terminal::enable_raw_mode()?;
        if let Err(e) = execute!(self.err, event::EnableBracketedPaste) {
            let _ = crossterm::terminal::disable_raw_mode();
            return Err(e);
        }
        Ok(())
    }

    fn leave(&mut self) {
        let _ = execute!(self.err, event::DisableBracketedPaste, Show);
        let _ = crossterm::terminal::disable_raw_mode();
    }

    fn read(&mut self) -> io::Result<Input> {
        Ok(match event::read()? {
            Event::Key(k) => key_of(k).map_or(Input::Other, Input::Key),
            Event::Paste(text) => Input::Key(Key::Paste(text)),
            Event::Resize(..) => Input::Resize,
            _ => Input::Other,
        })
    }

    fn pending(&mut self) -> bool {
        event::poll(std::time::Duration::ZERO).unwrap_or(false)
    }

    fn width(&self) -> usize {
        match crossterm::terminal::size() {
            Ok((w, _)) if w > 0 => usize::from(w),
            _ => 80,
        }
    }

    fn out(&mut self) -> &mut dyn Write {
        &mut self.err
    }
}

/// The editor's meaning of a key press, if it has one.
pub fn key_of(k: KeyEvent) -> Option<Key> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let mut ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let mut alt = k.modifiers.contains(KeyModifiers::ALT);
    if ctrl && alt && matches!(k.code, KeyCode::Char(_)) {
        // AltGr on Windows: a character such as `@` on a German keyboard.
        (ctrl, alt) = (false, false);
    }
    Some(match k.code {
        KeyCode::Char(c) if ctrl => match c.to_ascii_lowercase() {
            'a' => Key::Home,
            'e' => Key::End,
            'b' => Key::Left,
            'f' => Key::Right,
            'h' => Key::Backspace,
            'u' => Key::KillToStart,
            'k' => Key::KillToEnd,
            'w' => Key::KillWordBack,
            'd' => Key::EndOfInput,
            'c' => Key::Interrupt,
            // A line feed in raw mode (some terminals' Enter, a newline typed by a script).
            'j' => Key::Enter,
            _ => return None,
        },
        KeyCode::Char(c) if alt => match c {
            'b' => Key::WordLeft,
            'f' => Key::WordRight,
            _ => return None,
        },
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Backspace if ctrl || alt => Key::KillWordBack,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Left if ctrl || alt => Key::WordLeft,
        KeyCode::Right if ctrl || alt => Key::WordRight,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Escape,
        _ => return None,
    })
}

/// inquire's colours (its `RenderConfig::default_colored`), and its marks without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Plain,
    /// The `?` of a question.
    Prompt,
    /// The mark of an answered question.
    Answered,
    Answer,
    Help,
    Error,
    Cancelled,
}

impl Tone {
    fn color(self) -> Option<Color> {
        match self {
            Tone::Plain => None,
            Tone::Prompt | Tone::Answered => Some(Color::Green),
            Tone::Answer | Tone::Help => Some(Color::Cyan),
            Tone::Error => Some(Color::Red),
            Tone::Cancelled => Some(Color::DarkRed),
        }
    }
}

/// What to draw: lines of styled pieces, and where the cursor goes (line, display column), or
/// `None` for a last frame that leaves the cursor on the next line.
#[derive(Debug, Default)]
struct Frame {
    lines: Vec<Vec<(Tone, String)>>,
    cursor: Option<(usize, usize)>,
}

fn width_of(pieces: &[(Tone, String)]) -> usize {
    pieces.iter().map(|(_, s)| s.width()).sum()
}

fn asking(q: &Question<'_>, line: &LineBuffer, error: Option<&str>) -> Frame {
    let mut first = vec![
        (Tone::Prompt, "?".to_string()),
        (Tone::Plain, format!(" {} ", q.message)),
    ];
    if let (Some(d), false) = (q.default, q.secret) {
        first.push((Tone::Plain, format!("({d}) ")));
    }
    let at = width_of(&first);
    let (shown, before) = if q.secret {
        ("*".repeat(line.len()), line.cursor())
    } else {
        let before: String = line.before_cursor().iter().collect();
        (line.text(), before.width())
    };
    first.push((Tone::Plain, shown));
    // A space for the cursor at the end, so that it never sits past the last column.
    if line.cursor() == line.len() {
        first.push((Tone::Plain, " ".to_string()));
    }
    let mut lines = vec![first];
    if let Some(e) = error {
        lines.push(vec![
            (Tone::Error, "#".into()),
            (Tone::Error, format!(" {e}")),
        ]);
    }
    if let Some(h) = q.help {
        lines.push(vec![(Tone::Help, format!("[{h}]"))]);
    }
    Frame {
        lines,
        cursor: Some((0, at + before)),
    }
}

/// The line left on screen: `? message answer`, with inquire's `>` in colour.
fn answered(message: &str, shown: &str, color: bool) -> Frame {
    Frame {
        lines: vec![vec![
            (Tone::Answered, if color { ">" } else { "?" }.into()),
            (Tone::Plain, format!(" {message} ")),
            (Tone::Answer, shown.into()),
        ]],
        cursor: None,
    }
}

fn cancelled(message: &str) -> Frame {
    Frame {
        lines: vec![vec![
            (Tone::Prompt, "?".into()),
            (Tone::Plain, format!(" {message} ")),
            (Tone::Cancelled, "<canceled>".into()),
        ]],
        cursor: None,
    }
}

/// Draws frames over each other: each one replaces the last from its first row down.
#[derive(Debug, Default)]
struct Screen {
    color: bool,
    /// The frame on screen, while the cursor is in it.
    last: Option<Layout>,
}

/// Where a frame's lines and cursor are, at any width: a terminal that reflows on a resize
/// moves them, and the next frame must start from the right row.
#[derive(Debug)]
struct Layout {
    /// Display columns of each line.
    widths: Vec<usize>,
    /// (line, display column).
    cursor: (usize, usize),
}

impl Layout {
    /// The frame's rows, and the row of the cursor.
    fn rows(&self, width: usize) -> (usize, usize) {
        let mut rows = 0;
        let mut cursor_row = 0;
        for (i, w) in self.widths.iter().enumerate() {
            if i == self.cursor.0 {
                cursor_row = rows + self.cursor.1 / width;
            }
            rows += w.div_ceil(width).max(1);
        }
        (rows, cursor_row)
    }
}

fn queue(buf: &mut String, c: impl Command) {
    // Writing ANSI into a String cannot fail.
    let _ = c.write_ansi(buf);
}

impl Screen {
    fn draw(&mut self, term: &mut dyn Terminal, frame: &Frame) -> io::Result<()> {
        let width = term.width().max(1);
        let mut buf = String::new();
        queue(&mut buf, Hide);
        buf.push('\r');
        if let Some((_, row)) = self.last.as_ref().map(|l| l.rows(width))
            && row > 0
        {
            queue(&mut buf, MoveUp(to_u16(row)));
        }
        queue(&mut buf, Clear(ClearType::FromCursorDown));
        for (i, pieces) in frame.lines.iter().enumerate() {
            if i > 0 {
                buf.push_str("\r\n");
            }
            for (tone, text) in pieces {
                match tone.color().filter(|_| self.color) {
                    Some(c) => {
                        queue(&mut buf, SetForegroundColor(c));
                        buf.push_str(text);
                        queue(&mut buf, ResetColor);
                    }
                    None => buf.push_str(text),
                }
            }
        }
        // The cursor is on the frame's last row.
        self.last = frame.cursor.map(|cursor| Layout {
            widths: frame.lines.iter().map(|l| width_of(l)).collect(),
            cursor,
        });
        match &self.last {
            Some(layout) => {
                let (rows, row) = layout.rows(width);
                if rows - 1 > row {
                    queue(&mut buf, MoveUp(to_u16(rows - 1 - row)));
                }
                queue(&mut buf, MoveToColumn(to_u16(layout.cursor.1 % width)));
            }
            None => buf.push_str("\r\n"),
        }
        queue(&mut buf, Show);
        let out = term.out();
        out.write_all(buf.as_bytes())?;
        out.flush()
    }

    /// Moves the cursor to the line below the frame on screen.
    fn leave_below(&mut self, term: &mut dyn Terminal) -> io::Result<()> {
        let mut buf = String::new();
        if let Some((rows, row)) = self.last.take().map(|l| l.rows(term.width().max(1)))
            && rows - 1 > row
        {
            queue(&mut buf, MoveDown(to_u16(rows - 1 - row)));
        }
        buf.push_str("\r\n");
        queue(&mut buf, Show);
        let out = term.out();
        out.write_all(buf.as_bytes())?;
        out.flush()
    }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// A terminal that plays `keys` and keeps what is written.
    #[derive(Default)]
    struct Script {
        keys: VecDeque<Input>,
        width: usize,
        out: Vec<u8>,
        entered: bool,
        left: bool,
        batch: bool,
        /// The width after an `Input::Resize`.
        resize_to: Option<usize>,
    }

    impl Script {
        fn new(keys: impl IntoIterator<Item = Input>) -> Self {
            Script {
                keys: keys.into_iter().collect(),
                width: 80,
                ..Script::default()
            }
        }

        fn written(&self) -> String {
            String::from_utf8_lossy(&self.out).into_owned()
        }
    }

    impl Script {
        /// Draws only when no more keys wait, as the real terminal does for a fast paste.
        fn batched(mut self) -> Self {
            self.batch = true;
            self
        }
    }

    impl Terminal for Script {
        fn pending(&mut self) -> bool {
            self.batch && !self.keys.is_empty()
        }
        fn enter(&mut self) -> io::Result<()> {
            self.entered = true;
            Ok(())
        }
        fn leave(&mut self) {
            self.left = true;
        }
        fn read(&mut self) -> io::Result<Input> {
            let input = self.keys.pop_front();
            if input == Some(Input::Resize) {
                self.width = self.resize_to.unwrap_or(self.width);
            }
            input.ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no more keys"))
        }
        fn width(&self) -> usize {
            self.width
        }
        fn out(&mut self) -> &mut dyn Write {
            &mut self.out
        }
    }

    fn typed(text: &str) -> Vec<Input> {
        text.chars().map(|c| Input::Key(Key::Char(c))).collect()
    }

    fn keys(k: &[Key]) -> Vec<Input> {
        k.iter().cloned().map(Input::Key).collect()
    }

    fn no_spaces(v: &str) -> Result<(), String> {
        if v.contains(' ') {
            Err("no spaces".into())
        } else {
            Ok(())
        }
    }

    fn question<'a>(validate: Validator<'a>) -> Question<'a> {
        Question {
            message: "Name",
            default: Some("dflt"),
            help: Some("letters"),
            secret: false,
            validate,
        }
    }

    /// The bytes with escapes spelled out (`^[` for ESC), one frame a line.
    fn frames(s: &str) -> String {
        s.split_inclusive("\x1b[?25h")
            .map(|f| {
                f.replace('\x1b', "^")
                    .replace('\r', "\\r")
                    .replace('\n', "\\n")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn ctrl_u_then_the_right_value_is_the_answer() {
        let mut term = Script::new(
            [
                typed("wrong"),
                keys(&[Key::KillToStart]),
                typed("right"),
                keys(&[Key::Enter]),
            ]
            .concat(),
        );
        let got = ask(&mut term, &question(&no_spaces), false).unwrap();
        assert_eq!(got, Outcome::Answer("right".into()));
        assert!(term.entered && term.left);
        // The last frame is the answered line, and the cursor is left below it.
        let shown = frames(&term.written());
        assert!(shown.ends_with("^[J? Name right\\r\\n^[?25h"), "{shown}");
    }

    #[test]
    fn frames_are_drawn_over_each_other() {
        let mut term = Script::new(
            [
                typed("a b"),
                keys(&[Key::Enter, Key::Backspace, Key::Backspace, Key::Enter]),
            ]
            .concat(),
        );
        let got = ask(&mut term, &question(&no_spaces), false).unwrap();
        assert_eq!(got, Outcome::Answer("a".into()));
        insta::assert_snapshot!(frames(&term.written()), @r"
        ^[?25l\r^[J? Name (dflt)  \r\n[letters]^[1A^[15G^[?25h
        ^[?25l\r^[J? Name (dflt) a \r\n[letters]^[1A^[16G^[?25h
        ^[?25l\r^[J? Name (dflt) a  \r\n[letters]^[1A^[17G^[?25h
        ^[?25l\r^[J? Name (dflt) a b \r\n[letters]^[1A^[18G^[?25h
        ^[?25l\r^[J? Name (dflt) a b \r\n# no spaces\r\n[letters]^[2A^[18G^[?25h
        ^[?25l\r^[J? Name (dflt) a  \r\n# no spaces\r\n[letters]^[2A^[17G^[?25h
        ^[?25l\r^[J? Name (dflt) a \r\n# no spaces\r\n[letters]^[2A^[16G^[?25h
        ^[?25l\r^[J? Name a\r\n^[?25h
        ");
    }

    #[test]
    fn enter_on_an_empty_line_gives_the_default_checked() {
        let mut term = Script::new(keys(&[Key::Enter]));
        let got = ask(&mut term, &question(&no_spaces), false).unwrap();
        assert_eq!(got, Outcome::Answer("dflt".into()));
        let refuse = |v: &str| Err::<(), _>(format!("`{v}` is refused"));
        let mut term = Script::new(keys(&[Key::Enter, Key::Escape]));
        let got = ask(&mut term, &question(&refuse), false).unwrap();
        assert_eq!(got, Outcome::Cancelled);
        assert!(term.written().contains("# `dflt` is refused"));
    }

    #[test]
    fn a_secret_shows_one_star_a_character_and_never_itself() {
        let q = Question {
            message: "Key",
            default: None,
            help: None,
            secret: true,
            validate: &|v: &str| {
                if v.is_empty() {
                    Err("a value is required".into())
                } else {
                    Ok(())
                }
            },
        };
        let mut term = Script::new(
            [
                keys(&[Key::Enter]),
                typed("wr0ng"),
                keys(&[Key::KillToStart]),
                typed("s3cr"),
                keys(&[Key::Paste("et\n".into()), Key::Enter]),
            ]
            .concat(),
        );
        let got = ask(&mut term, &q, false).unwrap();
        assert_eq!(got, Outcome::Answer("s3cret".into()));
        let shown = frames(&term.written());
        for secret in ["wr0ng", "s3cr", "et"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        let lines: Vec<&str> = shown.lines().collect();
        let last = &lines[lines.len() - 3..];
        insta::assert_snapshot!(last.join("\n"), @r"
        ^[?25l\r^[J? Key **** \r\n# a value is required^[1A^[11G^[?25h
        ^[?25l\r^[J? Key ****** \r\n# a value is required^[1A^[13G^[?25h
        ^[?25l\r^[J? Key ********\r\n^[?25h
        ");
    }

    #[test]
    fn esc_cancels_and_ctrl_c_interrupts_as_inquire_does() {
        let mut term = Script::new([typed("abc"), keys(&[Key::Escape])].concat());
        let got = ask(&mut term, &question(&no_spaces), false).unwrap();
        assert_eq!(got, Outcome::Cancelled);
        assert!(term.left);
        let shown = frames(&term.written());
        assert!(
            shown.ends_with("^[J? Name <canceled>\\r\\n^[?25h"),
            "{shown}"
        );
        // Ctrl-C: the frame stays, the cursor goes below it.
        let mut term = Script::new([typed("abc"), keys(&[Key::Interrupt])].concat());
        let got = ask(&mut term, &question(&no_spaces), false).unwrap();
        assert_eq!(got, Outcome::Interrupted);
        assert!(term.left);
        let shown = frames(&term.written());
        assert!(shown.ends_with("^[18G^[?25h\n^[1B\\r\\n^[?25h"), "{shown}");
        // Ctrl-D cancels on an empty line only.
        let mut term = Script::new(
            [
                typed("ab"),
                keys(&[Key::Home, Key::EndOfInput, Key::EndOfInput, Key::EndOfInput]),
            ]
            .concat(),
        );
        let got = ask(&mut term, &question(&no_spaces), false).unwrap();
        assert_eq!(got, Outcome::Cancelled);
    }

    #[test]
    fn the_terminal_is_restored_on_an_error_and_on_a_panic() {
        // The keys run out: a read error.
        let mut term = Script::new(typed("abc"));
        assert!(ask(&mut term, &question(&no_spaces), false).is_err());
        assert!(term.entered && term.left);
        // The error that follows is printed below the frame, not over it.
        let shown = frames(&term.written());
        assert!(shown.ends_with("^[18G^[?25h\n^[1B\\r\\n^[?25h"), "{shown}");
        let mut term = Script::new([typed("abc"), keys(&[Key::Enter])].concat());
        let boom = |_: &str| -> Result<(), String> { panic!("a validator panics") };
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = ask(&mut term, &question(&boom), false);
        }));
        assert!(caught.is_err());
        assert!(term.entered && term.left);
        let shown = frames(&term.written());
        assert!(shown.ends_with("^[18G^[?25h\n^[1B\\r\\n^[?25h"), "{shown}");
    }

    #[test]
    fn a_long_line_wraps_and_the_cursor_follows() {
        let mut term = Script::new([typed("abcdefghij"), keys(&[Key::Left, Key::Enter])].concat());
        term.width = 10;
        let q = Question {
            message: "Q",
            default: None,
            help: Some("h"),
            secret: false,
            validate: &|_: &str| Ok(()),
        };
        ask(&mut term, &q, false).unwrap();
        let shown = frames(&term.written());
        let lines: Vec<&str> = shown.lines().collect();
        // `? Q ` and 10 letters and the cursor's space: 15 columns, 2 rows, then the help:
        // the cursor after the tenth letter is on the second row, column 4.
        assert_eq!(
            lines[10],
            "^[?25l\\r^[1A^[J? Q abcdefghij \\r\\n[h]^[1A^[5G^[?25h"
        );
        // One step left: column 3 of the same row, drawn from the frame's first row.
        assert_eq!(
            lines[11],
            "^[?25l\\r^[1A^[J? Q abcdefghij\\r\\n[h]^[1A^[4G^[?25h"
        );
    }

    #[test]
    fn colours_are_inquires() {
        let mut term = Script::new([typed("x"), keys(&[Key::Enter])].concat());
        ask(&mut term, &question(&no_spaces), true).unwrap();
        let shown = frames(&term.written());
        let lines: Vec<&str> = shown.lines().collect();
        insta::assert_snapshot!(lines[0], @r"^[?25l\r^[J^[38;5;10m?^[0m Name (dflt)  \r\n^[38;5;14m[letters]^[0m^[1A^[15G^[?25h");
        insta::assert_snapshot!(lines[2], @r"^[?25l\r^[J^[38;5;10m>^[0m Name ^[38;5;14mx^[0m\r\n^[?25h");
    }

    #[test]
    fn keys_mean_what_a_shell_makes_them_mean() {
        let k = |code, mods| key_of(KeyEvent::new(code, mods));
        let ctrl = |c| k(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(ctrl('u'), Some(Key::KillToStart));
        assert_eq!(ctrl('k'), Some(Key::KillToEnd));
        assert_eq!(ctrl('w'), Some(Key::KillWordBack));
        assert_eq!(ctrl('a'), Some(Key::Home));
        assert_eq!(ctrl('e'), Some(Key::End));
        assert_eq!(ctrl('c'), Some(Key::Interrupt));
        assert_eq!(ctrl('d'), Some(Key::EndOfInput));
        assert_eq!(ctrl('j'), Some(Key::Enter));
        assert_eq!(ctrl('x'), None);
        assert_eq!(
            k(KeyCode::Char('u'), KeyModifiers::NONE),
            Some(Key::Char('u'))
        );
        assert_eq!(
            k(KeyCode::Char('U'), KeyModifiers::SHIFT),
            Some(Key::Char('U'))
        );
        assert_eq!(
            k(KeyCode::Char('b'), KeyModifiers::ALT),
            Some(Key::WordLeft)
        );
        assert_eq!(
            k(KeyCode::Backspace, KeyModifiers::ALT),
            Some(Key::KillWordBack)
        );
        assert_eq!(
            k(KeyCode::Backspace, KeyModifiers::NONE),
            Some(Key::Backspace)
        );
        assert_eq!(k(KeyCode::Left, KeyModifiers::CONTROL), Some(Key::WordLeft));
        assert_eq!(k(KeyCode::Esc, KeyModifiers::NONE), Some(Key::Escape));
        assert_eq!(k(KeyCode::Enter, KeyModifiers::NONE), Some(Key::Enter));
        assert_eq!(k(KeyCode::Tab, KeyModifiers::NONE), None);
        let altgr = KeyModifiers::CONTROL | KeyModifiers::ALT;
        assert_eq!(k(KeyCode::Char('@'), altgr), Some(Key::Char('@')));
        let mut release = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(key_of(release), None);
    }

    #[test]
    fn keys_that_arrive_together_are_drawn_once() {
        let mut term = Script::new([typed("abc"), keys(&[Key::Enter])].concat()).batched();
        let got = ask(&mut term, &question(&no_spaces), false).unwrap();
        assert_eq!(got, Outcome::Answer("abc".into()));
        // The first frame, then the answer: no frame for `a` or `ab`.
        insta::assert_snapshot!(frames(&term.written()), @r"
        ^[?25l\r^[J? Name (dflt)  \r\n[letters]^[1A^[15G^[?25h
        ^[?25l\r^[J? Name abc\r\n^[?25h
        ");
    }

    #[test]
    fn after_a_resize_the_frame_is_drawn_from_its_first_row() {
        let q = Question {
            message: "Q",
            default: None,
            help: Some("h"),
            secret: false,
            validate: &|_: &str| Ok(()),
        };
        let mut term = Script::new(
            [
                typed("abcdefghijkl"),
                vec![Input::Resize],
                keys(&[Key::Interrupt]),
            ]
            .concat(),
        );
        term.width = 40;
        term.resize_to = Some(10);
        ask(&mut term, &q, false).unwrap();
        let shown = frames(&term.written());
        let lines: Vec<&str> = shown.lines().collect();
        let last = &lines[lines.len() - 2..];
        // At 10 columns, `? Q `, 12 letters and the cursor's space take 2 rows with the cursor
        // on the second: the frame after the resize starts 1 row up, and Ctrl-C goes down 1
        // row to the help line and below it.
        insta::assert_snapshot!(last.join("\n"), @r"
        ^[?25l\r^[1A^[J? Q abcdefghijkl \r\n[h]^[1A^[7G^[?25h
        ^[1B\r\n^[?25h
        ");
    }
}

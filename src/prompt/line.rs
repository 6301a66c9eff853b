//! The editing logic of a one-line prompt, without a terminal: a buffer and a cursor that keys
//! change. [`super::editor`] reads the keys and draws the result.

/// What the user pressed, as the editor understands it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A printable character, inserted at the cursor.
    Char(char),
    /// Pasted text (bracketed paste), inserted at the cursor without its line breaks.
    Paste(String),
    /// Deletes the character before the cursor.
    Backspace,
    /// Deletes the character under the cursor.
    Delete,
    Left,
    Right,
    /// To the start of the line (Home, Ctrl-A).
    Home,
    /// To the end of the line (End, Ctrl-E).
    End,
    /// To the start of the word before the cursor (Ctrl-Left, Alt-B).
    WordLeft,
    /// To the end of the word after the cursor (Ctrl-Right, Alt-F).
    WordRight,
    /// Deletes from the start of the line to the cursor (Ctrl-U).
    KillToStart,
    /// Deletes from the cursor to the end of the line (Ctrl-K).
    KillToEnd,
    /// Deletes the word before the cursor and the blanks after it (Ctrl-W, Alt-Backspace).
    KillWordBack,
    /// Ctrl-D: deletes the character under the cursor, or cancels on an empty line.
    EndOfInput,
    Enter,
    Escape,
    /// Ctrl-C.
    Interrupt,
}

/// What a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The text or the cursor changed: draw again.
    Changed,
    /// Nothing changed (Backspace at the start, Left at the start...).
    Unchanged,
    /// Enter: check and accept the line.
    Submit,
    /// Esc, or Ctrl-D on an empty line.
    Cancel,
    /// Ctrl-C.
    Interrupt,
}

/// A line being typed: its characters and a cursor between them (0 = before the first).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LineBuffer {
    chars: Vec<char>,
    cursor: usize,
}

impl LineBuffer {
    pub fn new() -> Self {
        Self::default()
    }

    /// The line as typed.
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// The number of characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// The characters before the cursor.
    pub fn before_cursor(&self) -> &[char] {
        &self.chars[..self.cursor]
    }

    /// The cursor, counted in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Applies one key.
    pub fn apply(&mut self, key: Key) -> Step {
        let before = (self.chars.len(), self.cursor);
        match key {
            Key::Enter => return Step::Submit,
            Key::Escape => return Step::Cancel,
            Key::Interrupt => return Step::Interrupt,
            Key::EndOfInput if self.chars.is_empty() => return Step::Cancel,
            Key::Char(c) => self.insert(std::iter::once(c)),
            Key::Paste(text) => self.insert(text.chars()),
            Key::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
            }
            Key::Delete | Key::EndOfInput if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
            }
            Key::Left => self.cursor = self.cursor.saturating_sub(1),
            Key::Right => self.cursor = (self.cursor + 1).min(self.chars.len()),
            Key::Home => self.cursor = 0,
            Key::End => self.cursor = self.chars.len(),
            Key::WordLeft => self.cursor = self.word_start(),
            Key::WordRight => self.cursor = self.word_end(),
            Key::KillToStart => {
                self.chars.drain(..self.cursor);
                self.cursor = 0;
            }
            Key::KillToEnd => self.chars.truncate(self.cursor),
            Key::KillWordBack => {
                let start = self.word_start();
                self.chars.drain(start..self.cursor);
                self.cursor = start;
            }
            Key::Backspace | Key::Delete | Key::EndOfInput => {}
        }
        if (self.chars.len(), self.cursor) == before {
            Step::Unchanged
        } else {
            Step::Changed
        }
    }

    /// Inserts the printable characters of `chars` at the cursor; line breaks, tabs and other
    /// control characters are dropped (a pasted key often ends with a newline).
    fn insert(&mut self, chars: impl Iterator<Item = char>) {
        let new: Vec<char> = chars.filter(|c| !c.is_control()).collect();
        let n = new.len();
        self.chars.splice(self.cursor..self.cursor, new);
        self.cursor += n;
    }

    /// Where the word before the cursor starts: back over blanks, then over the word.
    fn word_start(&self) -> usize {
        let mut i = self.cursor;
        while i > 0 && self.chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !self.chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// Where the word after the cursor ends: over blanks, then over the word.
    fn word_end(&self) -> usize {
        let mut i = self.cursor;
        let n = self.chars.len();
        while i < n && self.chars[i].is_whitespace() {
            i += 1;
        }
        while i < n && !self.chars[i].is_whitespace() {
            i += 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types `text` key by key, then applies `keys`; returns the line with `|` at the cursor.
    fn after(text: &str, keys: impl IntoIterator<Item = Key>) -> String {
        let mut line = LineBuffer::new();
        for c in text.chars() {
            line.apply(Key::Char(c));
        }
        for k in keys {
            line.apply(k);
        }
        let mut shown: String = line.before_cursor().iter().collect();
        shown.push('|');
        shown.extend(&line.chars[line.cursor..]);
        shown
    }

    #[test]
    fn typing_inserts_at_the_cursor() {
        assert_eq!(after("abc", []), "abc|");
        assert_eq!(after("ac", [Key::Left, Key::Char('b')]), "ab|c");
        assert_eq!(after("bc", [Key::Home, Key::Char('a')]), "a|bc");
        assert_eq!(after("é日", [Key::Left, Key::Char('x')]), "éx|日");
    }

    #[test]
    fn ctrl_u_clears_to_the_start_of_the_line() {
        assert_eq!(after("wrong", [Key::KillToStart]), "|");
        assert_eq!(
            after("wrong", [Key::KillToStart, Key::Char('o'), Key::Char('k')]),
            "ok|"
        );
        assert_eq!(
            after("abcdef", [Key::Left, Key::Left, Key::KillToStart]),
            "|ef"
        );
        assert_eq!(after("", [Key::KillToStart]), "|");
    }

    #[test]
    fn ctrl_k_clears_to_the_end_of_the_line() {
        assert_eq!(
            after("abcdef", [Key::Left, Key::Left, Key::KillToEnd]),
            "abcd|"
        );
        assert_eq!(after("abc", [Key::Home, Key::KillToEnd]), "|");
        assert_eq!(after("abc", [Key::KillToEnd]), "abc|");
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor() {
        assert_eq!(after("one two", [Key::KillWordBack]), "one |");
        assert_eq!(after("one two  ", [Key::KillWordBack]), "one |");
        assert_eq!(
            after("one two", [Key::KillWordBack, Key::KillWordBack]),
            "|"
        );
        assert_eq!(
            after("one two", [Key::Left, Key::Left, Key::KillWordBack]),
            "one |wo"
        );
        assert_eq!(
            after("a/b-c d", [Key::Left, Key::Left, Key::KillWordBack]),
            "| d"
        );
        assert_eq!(after("", [Key::KillWordBack]), "|");
    }

    #[test]
    fn backspace_and_delete() {
        assert_eq!(after("abc", [Key::Backspace]), "ab|");
        assert_eq!(after("abc", [Key::Home, Key::Backspace]), "|abc");
        assert_eq!(after("abc", [Key::Home, Key::Delete]), "|bc");
        assert_eq!(after("abc", [Key::Delete]), "abc|");
        assert_eq!(after("abc", [Key::Left, Key::Backspace]), "a|c");
    }

    #[test]
    fn the_cursor_moves_and_stops_at_the_ends() {
        assert_eq!(after("ab", [Key::Left, Key::Left, Key::Left]), "|ab");
        assert_eq!(after("ab", [Key::Right]), "ab|");
        assert_eq!(after("ab", [Key::Home, Key::End]), "ab|");
        assert_eq!(after("one two", [Key::WordLeft]), "one |two");
        assert_eq!(after("one two", [Key::WordLeft, Key::WordLeft]), "|one two");
        assert_eq!(after("one two", [Key::Home, Key::WordRight]), "one| two");
        assert_eq!(
            after("one two", [Key::Home, Key::WordRight, Key::WordRight]),
            "one two|"
        );
    }

    #[test]
    fn paste_inserts_the_text_without_line_breaks() {
        assert_eq!(
            after("ab", [Key::Left, Key::Paste("x-1\r\n".into())]),
            "ax-1|b"
        );
        assert_eq!(after("", [Key::Paste("a\tb\nc".into())]), "abc|");
    }

    #[test]
    fn what_each_key_does() {
        let mut line = LineBuffer::new();
        assert_eq!(line.apply(Key::Backspace), Step::Unchanged);
        assert_eq!(line.apply(Key::Left), Step::Unchanged);
        assert_eq!(line.apply(Key::Char('a')), Step::Changed);
        assert_eq!(line.apply(Key::Right), Step::Unchanged);
        assert_eq!(line.apply(Key::Left), Step::Changed);
        assert_eq!(line.apply(Key::Enter), Step::Submit);
        assert_eq!(line.apply(Key::Escape), Step::Cancel);
        assert_eq!(line.apply(Key::Interrupt), Step::Interrupt);
        assert_eq!(line.text(), "a");
        // Ctrl-D deletes under the cursor while there is text, and cancels on an empty line.
        assert_eq!(line.apply(Key::EndOfInput), Step::Changed);
        assert_eq!(line.text(), "");
        assert_eq!(line.apply(Key::EndOfInput), Step::Cancel);
        // Ctrl-D at the end of a non-empty line does nothing.
        line.apply(Key::Char('b'));
        assert_eq!(line.apply(Key::EndOfInput), Step::Unchanged);
        assert_eq!((line.text(), line.len(), line.cursor()), ("b".into(), 1, 1));
    }
}

//! A compact o200k_base token counter: the same tokens as OpenAI's tiktoken (the regex split,
//! then byte-pair merges by rank), in about 4.5 MB instead of tiktoken-rs' 50 MB.
//!
//! tiktoken-rs keeps the 200k tokens three times over (encoder and decoder maps and a sorted
//! list, each entry a heap `Vec`) and clones its regex per thread; that was most of the
//! gateway's memory. Here the tokens stay where they are, in the binary
//! (`assets/o200k_base.bin`: each token's bytes in rank order, after its length in one byte;
//! `scripts/o200k_asset.py` writes it from the `.tiktoken` file), with one `u32` offset per
//! token and an open-addressing index of `u32` ranks. Only counting is offered: nothing in
//! aimcp decodes tokens.

use std::collections::BinaryHeap;
use std::hash::Hasher;

use fancy_regex::Regex;

static TOKENS: &[u8] = include_bytes!("../../assets/o200k_base.bin");

/// OpenAI's split pattern for o200k_base (as in tiktoken's `openai_public.py`).
const PATTERN: &str = concat!(
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    "|",
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    "|",
    r"\p{N}{1,3}",
    "|",
    r" ?[^\s\p{L}\p{N}]+[\r\n/]*",
    "|",
    r"\s*[\r\n]+",
    "|",
    r"\s+(?!\S)",
    "|",
    r"\s+"
);

type Rank = u32;
const NONE: Rank = Rank::MAX;

pub struct O200k {
    /// Token `r` is `TOKENS[starts[r] as usize..][..len]`, its length the byte before.
    starts: Vec<u32>,
    /// Open addressing (linear probing): rank + 1, 0 for an empty slot.
    index: Vec<u32>,
    mask: usize,
    regex: Regex,
}

fn hash(bytes: &[u8]) -> usize {
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish() as usize
}

impl O200k {
    /// Reads the table (a few tens of milliseconds).
    pub fn load() -> anyhow::Result<O200k> {
        let mut starts = Vec::with_capacity(200_000);
        let mut at = 0;
        while at < TOKENS.len() {
            let len = TOKENS[at] as usize;
            anyhow::ensure!(len > 0 && at + 1 + len <= TOKENS.len(), "o200k table is damaged");
            starts.push((at + 1) as u32);
            at += 1 + len;
        }
        let slots = (starts.len() * 2).next_power_of_two();
        let mask = slots - 1;
        let mut index = vec![0u32; slots];
        let mut me = O200k {
            starts,
            index: Vec::new(),
            mask,
            regex: Regex::new(PATTERN)?,
        };
        for rank in 0..me.starts.len() {
            let mut slot = hash(me.token(rank as Rank)) & mask;
            while index[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            index[slot] = rank as u32 + 1;
        }
        me.index = index;
        Ok(me)
    }

    fn token(&self, rank: Rank) -> &'static [u8] {
        let start = self.starts[rank as usize] as usize;
        &TOKENS[start..start + TOKENS[start - 1] as usize]
    }

    /// The rank of these bytes, if they are a token.
    fn rank(&self, bytes: &[u8]) -> Rank {
        let mut slot = hash(bytes) & self.mask;
        loop {
            match self.index[slot] {
                0 => return NONE,
                r if self.token(r - 1) == bytes => return r - 1,
                _ => slot = (slot + 1) & self.mask,
            }
        }
    }

    /// How many tokens `text` is (tiktoken's `encode_ordinary(text).len()`).
    pub fn count(&self, text: &str) -> usize {
        let mut n = 0;
        for piece in self.regex.find_iter(text) {
            // The pattern has no construct that fails at run time on valid UTF-8, but a
            // backtracking limit could: count such a rest at four bytes a token.
            let piece = match piece {
                Ok(m) => m.as_str().as_bytes(),
                Err(_) => return n + text.len().div_ceil(4),
            };
            n += if self.rank(piece) != NONE {
                1
            } else if piece.len() < 100 {
                self.merge_small(piece)
            } else {
                self.merge_large(piece)
            };
        }
        n
    }

    /// tiktoken's `_byte_pair_merge`: the parts left once no adjacent pair is a token.
    fn merge_small(&self, piece: &[u8]) -> usize {
        if piece.len() == 1 {
            return 1;
        }
        // (start, rank of the pair starting here)
        let mut parts: Vec<(usize, Rank)> = Vec::with_capacity(piece.len() + 1);
        let mut min = (NONE, usize::MAX);
        for i in 0..piece.len() - 1 {
            let rank = self.rank(&piece[i..i + 2]);
            if rank < min.0 {
                min = (rank, i);
            }
            parts.push((i, rank));
        }
        parts.push((piece.len() - 1, NONE));
        parts.push((piece.len(), NONE));
        let get = |parts: &Vec<(usize, Rank)>, i: usize| {
            if i + 3 < parts.len() {
                self.rank(&piece[parts[i].0..parts[i + 3].0])
            } else {
                NONE
            }
        };
        while min.0 != NONE {
            let i = min.1;
            if i > 0 {
                parts[i - 1].1 = get(&parts, i - 1);
            }
            parts[i].1 = get(&parts, i);
            parts.remove(i + 1);
            min = (NONE, usize::MAX);
            for (i, &(_, rank)) in parts[..parts.len() - 1].iter().enumerate() {
                if rank < min.0 {
                    min = (rank, i);
                }
            }
        }
        parts.len() - 1
    }

    /// tiktoken's `_byte_pair_merge_large`: the same merges with a heap, for long pieces.
    fn merge_large(&self, piece: &[u8]) -> usize {
        #[derive(Eq, PartialEq)]
        struct Merge {
            start: usize,
            rank: Rank,
        }
        impl Ord for Merge {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                other
                    .rank
                    .cmp(&self.rank)
                    .then_with(|| other.start.cmp(&self.start))
            }
        }
        impl PartialOrd for Merge {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        struct State {
            prev: usize,
            end: usize,
            next_end: usize,
            next_rank: Rank,
        }
        let mut state = Vec::with_capacity(piece.len());
        state.push(State {
            prev: usize::MAX,
            end: 1,
            next_end: 2,
            next_rank: NONE,
        });
        let mut heap = BinaryHeap::with_capacity(piece.len());
        for i in 0..piece.len() - 1 {
            let rank = self.rank(&piece[i..i + 2]);
            if rank != NONE {
                heap.push(Merge { start: i, rank });
                state[i].next_rank = rank;
            }
            state.push(State {
                prev: i,
                end: i + 2,
                next_end: i + 3,
                next_rank: NONE,
            });
        }
        let potential = |state: &mut Vec<State>, heap: &mut BinaryHeap<Merge>, start: usize, end: usize| {
            state[start].next_end = end;
            state[start].next_rank = NONE;
            if end <= piece.len() {
                let rank = self.rank(&piece[start..end]);
                if rank != NONE {
                    heap.push(Merge { start, rank });
                    state[start].next_rank = rank;
                }
            }
        };
        while let Some(left) = heap.pop() {
            if left.rank == NONE {
                break;
            }
            if left.rank != state[left.start].next_rank {
                continue;
            }
            let left_start = left.start;
            let right_start = state[left_start].end;
            let right_end = state[left_start].next_end;
            let right_next_end = state[right_start].next_end;
            state[left_start].end = right_end;
            potential(&mut state, &mut heap, left_start, right_next_end);
            if right_end < state.len() {
                state[right_end].prev = left_start;
            }
            if left_start > 0 {
                let prev_start = state[left_start].prev;
                potential(&mut state, &mut heap, prev_start, right_end);
            }
            state[right_start].next_rank = NONE;
        }
        let mut n = 0;
        let mut i = 0;
        while i < state.len() {
            n += 1;
            i = state[i].end;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;

    static MINE: LazyLock<O200k> = LazyLock::new(|| O200k::load().unwrap());

    /// Every token of the table is the same bytes at the same rank as in tiktoken-rs.
    #[test]
    fn the_table_is_tiktokens() {
        let bpe = tiktoken_rs::o200k_base_singleton();
        assert_eq!(MINE.starts.len(), 199_998);
        for rank in 0..MINE.starts.len() as Rank {
            let theirs = bpe.decode_bytes(&[rank]).unwrap();
            assert_eq!(MINE.token(rank), &theirs[..], "rank {rank}");
            assert_eq!(MINE.rank(&theirs), rank);
        }
        assert_eq!(MINE.rank(b"\xff\xfe\xfd not a token"), NONE);
    }

    /// Counts equal tiktoken-rs' on text of every kind: JSON results, prose, code, other
    /// scripts, emoji, numbers, whitespace runs, and pieces long enough for the heap merge.
    #[test]
    fn counts_are_tiktokens() {
        let bpe = tiktoken_rs::o200k_base_singleton();
        let mut texts: Vec<String> = vec![
            String::new(),
            "a".into(),
            r#"{"content":[{"type":"text","text":"Echo: hello world"}],"isError":false}"#.into(),
            "The quick brown fox jumps over the lazy dog. It's 12345678 o'clock, we'll see!".into(),
            "fn main() {\n    println!(\"{}\", 1 + 2);\n}\n\n\n   \t  trailing   ".into(),
            "Ünïcödé — 日本語のテキスト, 中文文本, русский текст, العربية, हिन्दी 🎉🚀👍🏽".into(),
            "CamelCaseWords andALLCAPS HTTPServer XMLHttpRequest I'M YOU'RE they'Ve".into(),
            "\r\n\r\n  \n\t\t\n".into(),
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
            "https://example.com/a/b/c?x=1&y=2#frag //// *** !!! ??? ... ---".into(),
        ];
        // Long pieces: random letters, a base64 image, symbols.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let letters: String = (0..5000)
            .map(|_| (b'a' + (next() % 26) as u8) as char)
            .collect();
        texts.push(letters);
        let b64: String = (0..20000)
            .map(|_| {
                let c = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                c[(next() % 64) as usize] as char
            })
            .collect();
        texts.push(b64);
        texts.push("#$%^&*()[]{}<>~`|\\".repeat(40));
        let json = serde_json::json!({"items": (0..300).map(|i| serde_json::json!({
            "id": i, "name": format!("item-{i}"), "price": i as f64 * 1.25, "tags": ["a", "bé", "ç"]
        })).collect::<Vec<_>>()});
        texts.push(serde_json::to_string_pretty(&json).unwrap());
        for text in &texts {
            assert_eq!(
                MINE.count(text),
                bpe.encode_ordinary(text).len(),
                "{:.80}",
                text
            );
        }
    }
}

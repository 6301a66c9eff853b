//! A `Prompter` trait: inquire behind it, a scripted one for tests.

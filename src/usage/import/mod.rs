//! Importing the logs coding agents write.
